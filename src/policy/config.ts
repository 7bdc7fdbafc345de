import { Architecture, NodeOs, ProfileDelivery, TargetName } from '../targets/types';
import { AgentSandboxOptions } from './agent-sandbox';
import { RequestedMode } from './modes';
import { MemoryQuantity } from './quantity';
import { QuotaCaps } from './quota';
import { ResourceRequirements, ServiceName } from './services';

/**
 * Which image a service's container runs:
 * - `retool`: Retool's own image (the default). Its NsJail mounts a fresh procfs in every jail,
 *   so an NsJail plan needs an unmasked /proc or a privileged container.
 * - `kit`: an image built from the kit's runtime image (`npm run images`), which runs NsJail with
 *   the configuration the plan generates: a jail without procfs, or the rlimits-only jail of
 *   `rlimits-seccomp`.
 */
export type ServiceImageKind = 'retool' | 'kit';

/**
 * A container image: `repository[:tag]` or `repository@sha256:<digest>`.
 * @pattern ^[A-Za-z0-9][A-Za-z0-9_./:@-]*$
 * @mismatch is not an image reference
 * @example "tryretool/code-executor-service:3.284.0-stable"
 */
export type ImageReference = string;

/**
 * A Retool release, as Retool tags its images and as the backend's Helm `image.tag` names it:
 * `MAJOR.MINOR.PATCH-stable` or `MAJOR.MINOR.PATCH-edge`.
 * @pattern ^[0-9]+\.[0-9]+\.[0-9]+-(stable|edge)$
 * @mismatch is not a Retool release ("X.Y.Z-stable" or "X.Y.Z-edge", as on the backend's image tag)
 * @example "3.334.0-stable"
 */
export type RetoolRelease = string;

/**
 * An image digest: `sha256:` and 64 lowercase hex digits.
 * @pattern ^sha256:[0-9a-f]{64}$
 * @mismatch is not an image digest ("sha256:" and 64 lowercase hex digits)
 * @example "sha256:b3255e7dfbcd10cb367af0d409747d511aeb66dfac98cf30e97e87e4207dd76f"
 */
export type ImageDigest = string;

/**
 * A registry (and optional path) that mirrors Docker Hub: `host[:port][/path]`, no scheme.
 * @pattern ^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9._-]+)*$
 * @mismatch is not a registry host with an optional path ("registry.example.com/dockerhub", no scheme, lowercase)
 * @example "registry.example.com/dockerhub"
 */
export type RegistryMirror = string;

/**
 * The name of a Secret of type kubernetes.io/dockerconfigjson in the namespace of the pods.
 * @pattern ^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$
 * @mismatch is not a Secret name (lowercase DNS subdomain)
 * @example "registry-credentials"
 */
export type PullSecretName = string;

/**
 * A Kubernetes minor version the kit renders for: 1.27 or newer.
 * @pattern ^1\.(2[7-9]|[3-9][0-9]|[1-9][0-9]{2,})$
 * @mismatch is not a Kubernetes minor version the kit renders for ("1.27" or newer, as "1.MINOR")
 * @example "1.35"
 */
export type KubernetesVersion = string;

/** Options for one service. */
export interface ServiceOptions {
  /**
   * Deploy this service.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Sandbox mode; `auto` picks the strongest the target allows.
   * @default "auto"
   */
  readonly mode?: RequestedMode;
  /**
   * Container image (repository:tag or repository@digest), replacing Retool's image of the
   * release. Never untagged or `:latest`: a tag that moves changes what runs without a synth.
   * @default - Retool's image of the service at `retoolVersion`
   */
  readonly image?: ImageReference;
  /**
   * The Retool release of this service's image, when it must differ from `retoolVersion` (a
   * support build). Retool does not generally support executors of another release than the
   * backend's.
   * @default - retoolVersion
   */
  readonly retoolVersion?: RetoolRelease;
  /**
   * Digest of the service's image: the rendered reference becomes `repository:tag@digest`, which
   * the runtime pulls by digest.
   * @default - the tag alone
   */
  readonly imageDigest?: ImageDigest;
  /**
   * Whose image `image` is: Retool's (`retool`), or one built from the kit's runtime image
   * (`kit`, which needs `image` set to it). Decides what the jail inside can do.
   * @default 'retool'
   */
  readonly imageKind?: ServiceImageKind;
  /**
   * CPU and memory requests and limits of the container that runs user code.
   * @default - the service's defaults from Retool's Helm chart
   */
  readonly resources?: ResourceRequirements;
  /**
   * Replicas of the service's main Deployment or ECS service.
   * @asType integer
   * @minimum 1
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Size of each writable scratch directory (e.g. /tmp under the read-only root): the emptyDir
   * `sizeLimit` on Kubernetes; each container's ephemeral-storage limit is its scratch plus 512Mi
   * for logs and the writable layer.
   * @default "1Gi"
   */
  readonly scratchSize?: MemoryQuantity;
  /**
   * Most processes (threads included) one pod or task of the service may run: the kubelet's
   * podPidsLimit on the EKS node groups the kit creates, ECS_TASK_PIDS_LIMIT on its ECS container
   * instances, a node prerequisite elsewhere.
   * @asType integer
   * @minimum 64
   * @maximum 4194304
   * @default 4096
   */
  readonly pidsLimit?: number;
  /**
   * ECS on Fargate only: run this service on an EC2 capacity provider in the same cluster
   * (a mixed cluster), where the kit can sandbox it.
   * @default "fargate"
   */
  readonly capacity?: 'fargate' | 'ec2';
  /**
   * Kubernetes: caps on the ResourceQuota of the namespace where the service's user code runs
   * (pods; requests and limits of CPU, memory, ephemeral storage). The kit sizes the quota from
   * the service's scaling (replicas and autoscaling; MAX_TOTAL_JOBS for the agent sandbox's
   * Jobs); a cap may raise it, and one below a single pod, or below what the scaling may run at
   * once, is refused.
   * @default - sized from the service's scaling
   */
  readonly quota?: QuotaCaps;
}

/**
 * The AppArmor profile of sandbox containers on nodes that run AppArmor (Ubuntu, COS):
 * - `auto`: the kit's profile where the node OS runs AppArmor, nothing elsewhere;
 * - `kit-profile`: the kit's profile, and an error where the node OS has no AppArmor;
 * - `unconfined`: no AppArmor confinement (what Retool's chart does by default), and an error
 *   where the node OS has no AppArmor.
 */
export type AppArmorOption = 'auto' | 'kit-profile' | 'unconfined';

/**
 * Who keeps the executors' user code from 169.254.0.0/16 and 192.168.0.0/16:
 * - `auto`: the service's own iptables rules where its mode has NET_ADMIN anyway (privileged),
 *   else the kit's NetworkPolicy or security group with DISABLE_IPTABLES_SECURITY_CONFIGURATION=true
 *   (no NET_ADMIN, so the namespace keeps Pod Security baseline);
 * - `grant`: NET_ADMIN and NET_RAW in the sandboxed modes too, so the service's iptables rules apply
 *   (as Retool's chart does); the namespace is then Pod Security privileged, and a target that
 *   cannot add them refuses.
 */
export type ExecutorNetAdminOption = 'auto' | 'grant';

/** Whether to use Kubernetes user namespaces (`hostUsers: false`). */
export type UserNamespaceOption = 'auto' | 'required' | 'off';

/**
 * The kit's input for one target: the planner's options. In the kit file, `defaults` and
 * `overrides.<target>` hold these fields (all but `target`).
 *
 * To add a field: declare it here (or on ServiceOptions) with JSDoc and `@default`; the JSON
 * Schema is generated from these types at build time, so the field is checked and offered by
 * editors with no other change. Rules that relate two fields go in src/config/rules/ (see
 * docs/configuration.md).
 */
export interface SandboxKitConfig {
  /** Where to deploy. */
  readonly target: TargetName;
  /**
   * The Retool release the services run: the tag of Retool's images (`3.334.0-stable`), the same
   * release as the backend's `image.tag` (Retool does not generally support mismatched versions).
   * Needed wherever a service runs Retool's image: the kit picks no release for you, as Retool's
   * chart does not.
   * @default - none: required while a service runs Retool's image
   */
  readonly retoolVersion?: RetoolRelease;
  /**
   * A registry that mirrors Docker Hub: every image the kit renders (Retool's, the installer's)
   * is pulled from it instead, under the same path (`<mirror>/tryretool/code-executor-service`,
   * `<mirror>/library/busybox`).
   * @default - Docker Hub
   */
  readonly imageRegistry?: RegistryMirror;
  /**
   * Kubernetes targets: Secrets (type kubernetes.io/dockerconfigjson) every pod the kit renders
   * pulls its images with. Create them in each of the kit's namespaces.
   * @uniqueItems true
   * @default []
   */
  readonly imagePullSecrets?: readonly PullSecretName[];
  /**
   * Kubernetes minor version of the cluster (Kubernetes targets only).
   * @default "1.35"
   */
  readonly kubernetesVersion?: KubernetesVersion;
  /**
   * Node operating system, where it changes the plan.
   * @default - the target's most common node OS (al2023 on EKS, cos on GKE, ubuntu on self-managed)
   */
  readonly nodeOs?: NodeOs;
  /**
   * Node architectures; each gets its own flattened seccomp profile.
   * @minItems 1
   * @uniqueItems true
   * @default ["amd64", "arm64"]
   */
  readonly architectures?: readonly Architecture[];
  /**
   * How custom seccomp profiles reach the nodes.
   * @default - the target's first delivery (DaemonSet on Kubernetes, Docker daemon default on ECS on EC2)
   */
  readonly profileDelivery?: ProfileDelivery;
  /**
   * Use `hostUsers: false` for sandboxes: `auto` where the target and version allow it,
   * `required` to fail otherwise, `off` never.
   * @default "auto"
   */
  readonly userNamespaces?: UserNamespaceOption;
  /**
   * AppArmor profile of the sandbox containers on AppArmor nodes: the kit's Localhost profile
   * (allows the sandbox's mount, pivot_root and user namespaces, keeps the runtime default's
   * /proc and /sys denials) or Unconfined.
   * @default 'auto'
   */
  readonly appArmor?: AppArmorOption;
  /**
   * NET_ADMIN for code-executor and js-executor: `grant` adds NET_ADMIN and NET_RAW so that
   * the services' own iptables rules apply; `auto` grants them only where the mode has them
   * anyway and otherwise sets DISABLE_IPTABLES_SECURITY_CONFIGURATION=true, with the kit's
   * NetworkPolicy or security group blocking the same ranges.
   * @default "auto"
   */
  readonly executorNetAdmin?: ExecutorNetAdminOption;
  /**
   * Accept that code-executor may run user code with no sandbox (its unprivileged mode), where
   * nothing stronger is possible. Without it, the kit refuses instead.
   * @default false
   */
  readonly acknowledgeUnsandboxedCode?: boolean;
  /**
   * Per-service options.
   * @default - every service enabled in `auto` mode
   */
  readonly services?: Partial<Record<ServiceName, ServiceOptions>>;
  /**
   * The agent sandbox's own choices: /dev/net/tun for pasta, the image prepuller, the init
   * container's form (docs/kubernetes.md, "Agent sandbox").
   * @default - tunDevice "auto", imagePrepuller "auto", rootfsEtcCopy "unprivileged"
   */
  readonly agentSandbox?: AgentSandboxOptions;
}

/** Kubernetes version the kit assumes when the config names none. */
export const DEFAULT_KUBERNETES_VERSION = '1.35';
/** Oldest Kubernetes the kit renders for (seccompProfile fields, PSA labels, PDB v1); KubernetesVersion's pattern says the same. */
export const MIN_KUBERNETES_VERSION = '1.27';
/** Replicas per service by default. */
export const DEFAULT_REPLICAS = 2;
/** Writable scratch per path by default. */
export const DEFAULT_SCRATCH_SIZE = '1Gi';
/** Ephemeral storage each container may use besides its scratch volumes: logs (the kubelet keeps 5 x 10Mi) and the writable layer. */
export const EPHEMERAL_STORAGE_ALLOWANCE_MI = 512;
/**
 * Processes per pod or task by default: far above what a service and its jails use (a few
 * hundred threads), far below what exhausts a node's PID space (4194304 at most).
 */
export const DEFAULT_PIDS_LIMIT = 4096;
