import { Fact } from './facts';

/** Every deployment target the kit knows. */
export const TARGET_NAMES = [
  'eks',
  'gke-standard',
  'kubernetes',
  'gke-autopilot',
  'eks-fargate',
  'ecs-ec2',
  'ecs-fargate',
] as const;
export type TargetName = (typeof TARGET_NAMES)[number];

/** Which renderer family expresses a plan for the target. */
export type TargetKind = 'kubernetes' | 'ecs';

/** CPU architectures of the nodes; each gets its own flattened seccomp profile. */
export const ARCHITECTURES = ['amd64', 'arm64'] as const;
export type Architecture = (typeof ARCHITECTURES)[number];

/** Node operating systems whose differences change a plan. */
export const NODE_OS_NAMES = ['al2023', 'bottlerocket', 'ubuntu', 'cos'] as const;
export type NodeOs = (typeof NODE_OS_NAMES)[number];

/** Linux security module that the node OS enforces. */
export type SecurityModule = 'selinux' | 'apparmor';

/**
 * How a custom seccomp profile reaches the node that runs the container.
 * - `daemonset`: a DaemonSet copies it to /var/lib/kubelet/seccomp.
 * - `node-user-data`: the node's launch template user data writes it at boot.
 * - `security-profiles-operator`: SPO `SeccompProfile` objects.
 * - `docker-daemon-default`: dockerd's daemon-wide `seccomp-profile` (ECS on EC2).
 */
export const PROFILE_DELIVERIES = ['daemonset', 'node-user-data', 'security-profiles-operator', 'docker-daemon-default'] as const;
export type ProfileDelivery = (typeof PROFILE_DELIVERIES)[number];

/** Linux capability name without the `CAP_` prefix (GKE Warden rejects the prefix). */
export type Capability = string;

/** Capabilities the target lets a workload add: `any`, or exactly this list. */
export type AddableCapabilities = 'any' | readonly Capability[];

/** What happens to seccomp when a workload sets nothing. */
export type DefaultSeccomp = 'unconfined' | 'runtime-default' | 'docker-default' | 'unknown';

/** Which hostPath volumes the target admits. */
export type HostPathAccess = 'any' | 'read-only-var-log' | 'none';

/** How a gVisor RuntimeClass is available. */
export type GvisorAvailability = 'built-in' | 'node-pool' | 'self-installed' | 'none';

/** Support for `hostUsers: false` (Kubernetes user namespaces). */
export interface UserNamespaceSupport {
  /** Whether the target can run pods with `hostUsers: false` at all. */
  readonly supported: boolean;
  /** Lowest Kubernetes minor version with the feature on by default. */
  readonly minKubernetes?: string;
  /** Lowest containerd version; older ones ignore `hostUsers: false` silently. */
  readonly minContainerd?: string;
  /** Lowest Linux kernel (idmapped mounts on tmpfs). */
  readonly minKernel?: string;
  /** Lowest runc version. */
  readonly minRunc?: string;
  /** Node OSes where it is not available yet. */
  readonly unsupportedNodeOs?: readonly NodeOs[];
}

/** Support for `procMount: Unmasked`. */
export interface ProcMountSupport {
  /** Whether `Unmasked` can be requested at all. */
  readonly unmasked: boolean;
  /** Lowest Kubernetes version whose API server and kubelet honour it by default. */
  readonly minKubernetes?: string;
  /** Lowest Pod Security Standards version that admits `Unmasked` (with `hostUsers: false`). */
  readonly minPodSecurityVersion?: string;
}

/** What filters user code's egress on a target, and what it leaves open that no rule can close. */
export interface EgressFilter {
  /** NetworkPolicies (pods on nodes) or security groups (ECS tasks, EKS Fargate pods). */
  readonly by: 'network-policy' | 'security-group';
  /** Destinations the mechanism cannot close, one phrase each. */
  readonly unfiltered: readonly string[];
}

/** Where pods send DNS queries besides the kube-dns pods, on a Kubernetes target. */
export interface ClusterDns {
  /** Link-local resolvers the node answers on (port 53, UDP and TCP), each with why. */
  readonly resolvers: readonly { readonly address: string; readonly why: string }[];
}

/** Where the per-pod (or per-task) process limit is set on a target. */
export interface ProcessLimitSupport {
  /**
   * - `kit`: the kit's own stack sets it (ECS container instances);
   * - `node-operator`: a node setting the kit states as a prerequisite (and sets where it owns the nodes);
   * - `none`: the platform offers no such limit.
   */
  readonly setBy: 'kit' | 'node-operator' | 'none';
  /** The setting, in words. */
  readonly where: string;
}

/**
 * A named set of admission rules a platform applies on top of Kubernetes' or ECS's own: the rule
 * units in src/k8s/rules/<pack>/ and src/aws/rules/<pack>/ check what the kit renders against them.
 */
export type PlatformRulePack = 'gke-warden' | 'eks-fargate-scheduler' | 'ecs-fargate';

/** How ECS runs a task: on EC2 container instances or on Fargate. */
export type EcsLaunchType = 'EC2' | 'FARGATE';

/** Versions the platform documents for its gVisor RuntimeClass. */
export interface GvisorVersions {
  /** Kubernetes minor version. */
  readonly kubernetes?: string;
  /** GKE version. */
  readonly gke?: string;
}

/** One platform: everything the planner may rely on, each fact with its source. */
export interface TargetFacts {
  /** Catalog key. */
  readonly name: TargetName;
  /** Human name. */
  readonly displayName: string;
  /** Renderer family. */
  readonly kind: TargetKind;
  /** Whether `privileged: true` is admitted. */
  readonly privileged: Fact<boolean>;
  /** Capabilities a container may add. */
  readonly addableCapabilities: Fact<AddableCapabilities>;
  /** The runtime's default capability set, before add and drop. */
  readonly defaultCapabilities: Fact<readonly Capability[]>;
  /** Whether a per-workload custom (Localhost) seccomp profile can be applied. */
  readonly customSeccomp: Fact<boolean>;
  /** The ways a custom profile can reach nodes, the kit's default first. */
  readonly profileDelivery: Fact<readonly ProfileDelivery[]>;
  /** What applies when a workload sets no seccomp profile. */
  readonly defaultSeccomp: Fact<DefaultSeccomp>;
  /** hostPath volumes. */
  readonly hostPath: Fact<HostPathAccess>;
  /** hostPID, hostIPC, hostNetwork. */
  readonly hostNamespaces: Fact<boolean>;
  /** Whether DaemonSets run. */
  readonly daemonSets: Fact<boolean>;
  /** gVisor RuntimeClass availability, and its name. */
  readonly gvisor: Fact<GvisorAvailability>;
  /** `runtimeClassName` of the gVisor RuntimeClass where one exists. */
  readonly gvisorRuntimeClassName?: string;
  /** `hostUsers: false`. */
  readonly userNamespaces: Fact<UserNamespaceSupport>;
  /** `procMount: Unmasked`. */
  readonly procMount: Fact<ProcMountSupport>;
  /** The admission layer that rejects workloads, in one sentence. */
  readonly admission: Fact<string>;
  /** Node OSes the target runs, the default first. Empty where nodes are not visible (Fargate). */
  readonly nodeOs: readonly NodeOs[];
  /** The Linux security module each node OS enforces. */
  readonly securityModule: Fact<Partial<Record<NodeOs, SecurityModule>>>;
  /**
   * Whether a Localhost AppArmor profile can be loaded on the nodes: a privileged DaemonSet runs the
   * host's own apparmor_parser (the one the container runtime loads its default profile with).
   */
  readonly appArmorProfiles: Fact<boolean>;
  /** What filters user code's egress, and what it leaves open. */
  readonly egressFilter: Fact<EgressFilter>;
  /** Where pods resolve names besides the kube-dns pods (Kubernetes targets). */
  readonly clusterDns: Fact<ClusterDns>;
  /** How processes per pod or task are bounded. */
  readonly processLimit: Fact<ProcessLimitSupport>;
  /** Whether a container can be started with no_new_privs (`allowPrivilegeEscalation: false`, Docker `no-new-privileges`). */
  readonly noNewPrivileges: Fact<boolean>;
  /** Whether the platform boundary around one workload is its own VM (Fargate). */
  readonly vmPerWorkload: Fact<boolean>;
  /** Where to run a service that this target cannot sandbox, for error messages. */
  readonly alternativeForSandbox: string;
  /** The platform's own admission rules, which the kit checks its output against. */
  readonly platformRules: Fact<readonly PlatformRulePack[]>;
  /** ECS targets: the launch type of their tasks. Undefined elsewhere. */
  readonly ecsLaunchType?: EcsLaunchType;
  /**
   * A target whose capacity can join this target's clusters, where a service this target cannot
   * sandbox can run instead (ECS on Fargate: EC2 capacity providers, `capacity: "ec2"`).
   */
  readonly mixedCapacity?: TargetName;
  /** Versions a pod under the platform's gVisor RuntimeClass needs, where the platform documents them. */
  readonly gvisorMinimumVersions?: Fact<GvisorVersions>;
  /** ECS on Fargate: the platform version the kit's task definitions need (capabilities.add, pidMode task). */
  readonly minimumPlatformVersion?: Fact<string>;
  /** Where hostPath volumes are limited to some paths: the prefixes admitted. */
  readonly hostPathPrefixes?: Fact<readonly string[]>;
  /** Namespaces the platform manages: objects the kit put there would be refused. */
  readonly managedNamespaces?: Fact<readonly string[]>;
  /** Where the platform admits only some volume types: those. */
  readonly volumeTypes?: Fact<readonly string[]>;
  /**
   * Pods of the critical PriorityClasses (system-node-critical, system-cluster-critical) outside
   * kube-system need a ResourceQuota scoped to that class in their namespace.
   */
  readonly criticalPriorityNeedsQuota?: Fact<boolean>;
}
