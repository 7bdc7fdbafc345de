import { AppArmorProfileName } from '../apparmor/profile';
import type { AgentSandboxPlan } from './agent-sandbox';
import { Fact } from '../targets/facts';
import { Architecture, Capability, NodeOs, ProfileDelivery, TargetName } from '../targets/types';
import { SandboxMode } from './modes';
import { RemainingRisk } from './risks';
import { ServiceImageKind } from './config';
import { QuotaCaps } from './quota';
import { ImageParts } from './images';
import { ProfileName, ResourceRequirements, SandboxEngine, ServiceComponent, ServiceName } from './services';

/** The seccomp setting of a container. */
export type SeccompSetting =
  /** The runtime's default profile (containerd's or Docker's), resolved for the container's caps. */
  | { readonly type: 'RuntimeDefault' }
  /** A kit profile, by name, at a path relative to /var/lib/kubelet/seccomp (Kubernetes). */
  | { readonly type: 'Localhost'; readonly profile: ProfileName; readonly localhostProfile: string }
  /** A kit profile installed as dockerd's daemon-wide default (ECS on EC2). */
  | { readonly type: 'DockerDaemonDefault'; readonly profile: ProfileName; readonly path: string }
  /** No filter: what a privileged container gets whatever is asked. */
  | { readonly type: 'Unconfined' };

/** The AppArmor profile of a container, on nodes that run AppArmor. */
export type AppArmorSetting =
  /** The runtime's default profile (cri-containerd.apparmor.d, docker-default); it denies mount. */
  | { readonly type: 'RuntimeDefault' }
  /** A kit profile (src/apparmor), loaded on the nodes by the kit's AppArmor loader. */
  | { readonly type: 'Localhost'; readonly profile: AppArmorProfileName }
  /** No AppArmor confinement. */
  | { readonly type: 'Unconfined' };

/** Pod Security Standards levels. */
export type PodSecurityLevel = 'restricted' | 'baseline' | 'privileged';

/** Every security setting of one container, decided by the planner. */
export interface ContainerSecurity {
  /** `privileged: true`. */
  readonly privileged: boolean;
  /** Capabilities added after dropping. */
  readonly capabilitiesAdd: readonly Capability[];
  /** Capabilities dropped (`ALL` or names). */
  readonly capabilitiesDrop: readonly Capability[];
  /** The container's resulting capability set, which seccomp flattening resolves against. */
  readonly effectiveCapabilities: readonly Capability[];
  /** Seccomp profile. */
  readonly seccomp: SeccompSetting;
  /** `procMount`. */
  readonly procMount: 'Default' | 'Unmasked';
  /** `hostUsers`: false runs the pod in its own user namespace. */
  readonly hostUsers: boolean;
  /** Numeric user. */
  readonly runAsUser: number;
  /**
   * The image's own user is runAsUser (Retool's executor images start as root and drop to
   * retool_user themselves): ECS task definitions leave `user` unset, as Retool's templates do.
   * @default false
   */
  readonly imageUser?: boolean;
  /** Numeric group. */
  readonly runAsGroup: number;
  /** `runAsNonRoot`. */
  readonly runAsNonRoot: boolean;
  /** Read-only root filesystem. */
  readonly readOnlyRootFilesystem: boolean;
  /** Writable scratch paths (emptyDir or ECS volumes) under the read-only root. */
  readonly writablePaths: readonly string[];
  /** `allowPrivilegeEscalation` (false sets no_new_privs). */
  readonly allowPrivilegeEscalation: boolean;
  /** AppArmor profile; undefined where the node has no AppArmor or the runtime decides. */
  readonly appArmor?: AppArmorSetting;
  /** Why AppArmor is what it is, when it is not the runtime default. */
  readonly appArmorReason?: string;
  /** `runtimeClassName`, for gVisor. */
  readonly runtimeClassName?: string;
}

/** What the sandbox inside the container can and cannot do, for its own configuration. */
export interface JailCapabilities {
  /** The sandbox creates namespaces (NsJail clone_new*, runsc rootless). */
  readonly namespaces: boolean;
  /** The jail mounts a fresh procfs (needs unmasked /proc), or runs with none. */
  readonly procfs: 'new' | 'none';
  /** cgroups the jail can manage itself (only privileged containers can write the cgroup tree). */
  readonly cgroups: boolean;
  /**
   * Who sets the per-run rlimits: NsJail itself, or `prlimit(1)` started by NsJail right before
   * the program, with NsJail's own limits off (`disable_rl`). The latter inside gVisor, which
   * refuses NsJail's setrlimit of RLIMIT_RTPRIO and RLIMIT_MSGQUEUE (measured).
   * @default 'nsjail'
   */
  readonly rlimitsBy?: 'nsjail' | 'prlimit';
}

/** Versions the plan needs from the platform. */
export interface MinimumVersions {
  /** Kubernetes minor version. */
  readonly kubernetes?: string;
  /** containerd on the nodes. */
  readonly containerd?: string;
  /** Linux kernel on the nodes. */
  readonly kernel?: string;
  /** runc on the nodes. */
  readonly runc?: string;
  /** GKE version (Autopilot GKE Sandbox). */
  readonly gke?: string;
  /** Fargate platform version. */
  readonly fargatePlatform?: string;
}

/** A platform fact the plan relies on that is not verified, shown to users. */
export interface AssumptionNote {
  /** What is assumed. */
  readonly what: string;
  /** The fact, with its source and confidence. */
  readonly fact: Fact<unknown>;
}

/** Disk bounds of a service's pods (Kubernetes ephemeral storage). */
export interface StorageBounds {
  /** `sizeLimit` of each disk-backed scratch emptyDir (the writable paths under a read-only root). */
  readonly scratchSizeLimit: string;
  /** `ephemeral-storage` request of each container (logs and writable layer; the scheduler reserves it). */
  readonly ephemeralStorageRequest: string;
  /** `ephemeral-storage` limit of each container: its scratch volumes plus the allowance for logs and writable layer. */
  readonly ephemeralStorageLimit: string;
}

/** The planner's decision for one service on one target. */
export interface SandboxPlan {
  /** Service. */
  readonly service: ServiceName;
  /** Target. */
  readonly target: TargetName;
  /** For ECS on Fargate with `capacity: 'ec2'`: the facts used were ECS on EC2's. */
  readonly placement: TargetName;
  /**
   * Kubernetes version the plan was made for (Kubernetes targets): the service constructs render
   * for it (admission policies, AppArmor field or annotation, Pod Security version).
   */
  readonly kubernetesVersion?: string;
  /** Sandbox engine inside the container. */
  readonly engine: SandboxEngine;
  /** Chosen mode. */
  readonly mode: SandboxMode;
  /** Whether the mode was picked by `auto`. */
  readonly chosenByAuto: boolean;
  /** Why this mode, in one sentence (and what stronger modes were ruled out). */
  readonly reason: string;
  /** Where the isolation boundary is. */
  readonly boundary: string;
  /** Settings of the container(s) that run user code. */
  readonly sandbox: ContainerSecurity;
  /** Settings of the service's other containers (agent sandbox controller and proxy). */
  readonly supporting: ContainerSecurity;
  /** Pod Security Standards level the sandbox pods meet. */
  readonly podSecurityLevel: PodSecurityLevel;
  /** Why the level is not `restricted`, when it is not. */
  readonly podSecurityReason?: string;
  /** How the seccomp profile reaches nodes, when the plan uses a kit profile. */
  readonly profileDelivery?: ProfileDelivery;
  /** Node architectures to render profiles for. */
  readonly architectures: readonly Architecture[];
  /** Node OS the plan was made for, where nodes are visible. */
  readonly nodeOs?: NodeOs;
  /** What the jail inside can do. */
  readonly jail: JailCapabilities;
  /**
   * gvisor-runtimeclass plans of NsJail services: what runs inside the platform's gVisor, where
   * NsJail cannot create namespaces (measured): the service's own unprivileged mode, or the kit's
   * rlimits-only jail.
   * @default undefined (not an NsJail service under gVisor)
   */
  readonly insideGvisor?: 'unsandboxed' | 'rlimits-seccomp';
  /** Environment of the service: Retool's (NODE_ENV, NODE_OPTIONS) and this mode's (CONTAINER_UNPRIVILEGED_MODE, DISABLE_IPTABLES_SECURITY_CONFIGURATION). */
  readonly env: Readonly<Record<string, string>>;
  /**
   * Executors: who blocks 169.254.0.0/16 and 192.168.0.0/16 for user code (the planner's
   * NET_ADMIN decision).
   * @default undefined (a service without Retool's iptables step)
   */
  readonly retoolEgress?: RetoolEgressBlocks;
  /**
   * `terminationGracePeriodSeconds` (ECS: the stop timeout, at most ECS's maximum).
   * @default undefined (the platform default)
   */
  readonly terminationGracePeriodSeconds?: number;
  /** Versions the plan needs. */
  readonly minimumVersions: MinimumVersions;
  /** Things the node must have that the kit does not render (sysctls, node pools). */
  readonly nodePrerequisites: readonly string[];
  /** Unverified facts the plan relies on. */
  readonly assumptions: readonly AssumptionNote[];
  /** Retool's risk categories that remain, one sentence each. */
  readonly risks: readonly RemainingRisk[];
  /** Image reference: mirrored (imageRegistry), tagged with the release, with the digest when given. Never `:latest`. */
  readonly image: string;
  /** The image reference's parts (the agent sandbox's job template puts its own tag placeholder on the repository). */
  readonly imageParts: ImageParts;
  /**
   * The Retool release of Retool's image (the backend's `image.tag` must be the same).
   * @default undefined (the service runs an image named in services.<name>.image)
   */
  readonly release?: string;
  /** Whose image it is (Retool's, or one built from the kit's runtime image): what the jail inside can do. */
  readonly imageKind: ServiceImageKind;
  /** Resources of the user-code container. */
  readonly resources: ResourceRequirements;
  /** Replicas. */
  readonly replicas: number;
  /** Disk bounds: every emptyDir and every container of the service's pods is limited. */
  readonly storage: StorageBounds;
  /**
   * Most processes (threads included) one pod or task may run: kubelet podPidsLimit on
   * Kubernetes nodes, ECS_TASK_PIDS_LIMIT (the task cgroup's pids.max) on ECS container instances.
   */
  readonly pidsLimit: number;
  /** Processes of the service. */
  readonly components: readonly ServiceComponent[];
  /**
   * Caps on the quota of the service's user-code namespace (Kubernetes), as the config gives them.
   * @default undefined (sized from the scaling)
   */
  readonly quota?: QuotaCaps;
  /**
   * The agent sandbox's own decisions (tun device, prepuller, init container).
   * @default undefined (other services)
   */
  readonly agent?: AgentSandboxPlan;
}

/**
 * Who keeps an executor's user code from the ranges Retool's iptables rules block
 * (169.254.0.0/16, 192.168.0.0/16), and what stays open.
 */
export interface RetoolEgressBlocks {
  /**
   * - `service-iptables`: the service's own rules (its container has NET_ADMIN);
   * - `network-policy`: the kit's NetworkPolicy (DISABLE_IPTABLES_SECURITY_CONFIGURATION=true);
   * - `security-group`: the kit's or the operator's security groups (same variable).
   */
  readonly enforcedBy: 'service-iptables' | 'network-policy' | 'security-group';
  /** The ranges. */
  readonly ranges: readonly string[];
  /** Why this way, in one sentence. */
  readonly reason: string;
  /** What of the ranges stays reachable and why, one phrase each. */
  readonly residualRisks: readonly string[];
}

/** Plans for every enabled service on one target. */
export interface DeploymentPlan {
  /** Target. */
  readonly target: TargetName;
  /** Kubernetes version the plan was made for (Kubernetes targets). */
  readonly kubernetesVersion?: string;
  /** Plans, in the catalog's service order. */
  readonly services: readonly SandboxPlan[];
  /** Where every image the kit renders is pulled from, and with what credentials. */
  readonly images: ImageSource;
}

/** Where images come from, for every image a renderer adds (installers, loaders) besides the plans'. */
export interface ImageSource {
  /**
   * The Docker Hub mirror every image is pulled through (mirrorImage).
   * @default undefined (Docker Hub)
   */
  readonly registry?: string;
  /** Kubernetes Secrets (dockerconfigjson) every pod pulls its images with. */
  readonly pullSecrets: readonly string[];
}
