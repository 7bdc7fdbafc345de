import { RETOOL_REPOSITORIES } from '../targets/retool';
import { SandboxMode } from './modes';
import { CpuQuantity, MemoryQuantity } from './quantity';

/** The three services that run user code. */
export const SERVICE_NAMES = ['code-executor', 'js-executor', 'agent-sandbox'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/** The sandbox each service runs inside its container. */
export type SandboxEngine = 'nsjail' | 'gvisor';

/** A named seccomp profile of the kit: the Docker default plus the engine's additions. */
export type ProfileName = 'nsjail' | 'gvisor';

/** CPU and memory, as Kubernetes quantities. */
export interface ResourceQuantities {
  /** CPU, e.g. `"1"` or `"500m"`. */
  readonly cpu: CpuQuantity;
  /** Memory, e.g. `"2Gi"`. */
  readonly memory: MemoryQuantity;
}

/** Requests and limits. */
export interface ResourceRequirements {
  /** What the scheduler reserves. */
  readonly requests: ResourceQuantities;
  /** The hard ceiling. */
  readonly limits: ResourceQuantities;
}

/** One HTTP probe as Retool's chart renders it. */
export interface ContractProbe {
  /** HTTP path. */
  readonly path: string;
  /** `initialDelaySeconds`. */
  readonly initialDelaySeconds: number;
  /** `timeoutSeconds`. */
  readonly timeoutSeconds: number;
  /**
   * `periodSeconds`.
   * @default 10 (the API default)
   */
  readonly periodSeconds?: number;
  /**
   * `successThreshold`.
   * @default 1 (the API default)
   */
  readonly successThreshold?: number;
  /**
   * `failureThreshold`.
   * @default 3 (the API default)
   */
  readonly failureThreshold?: number;
}

/** One process of a service with its own port and probes (the agent sandbox has three). */
export interface ServiceComponent {
  /** Name suffix (`controller`, `proxy`, `sandbox`) or `main`. */
  readonly name: string;
  /** Container port. */
  readonly port: number;
  /**
   * The Service's port in front of it (Retool's chart: 80 for the executors).
   * @default the container port
   */
  readonly servicePort?: number;
  /**
   * Liveness and readiness probes exactly as Retool's chart renders them; without them the kit
   * renders its own (a startup probe, then liveness and readiness on the paths below).
   * @default undefined (the kit's probes)
   */
  readonly probes?: { readonly liveness: ContractProbe; readonly readiness: ContractProbe };
  /** HTTP path of the liveness probe. */
  readonly healthPath: string;
  /** HTTP path of the readiness probe; the health path when unset. */
  readonly readinessPath?: string;
  /** Whether user code runs in this component, so the sandbox settings apply to it. */
  readonly runsUserCode: boolean;
  /** Environment variable a backend reads to find this component, if any. */
  readonly ingressEnv?: string;
}

/** What a service needs, from Retool's documentation (RETOOL_SANDBOX_DOC) and Helm chart (tryretool/retool-helm). */
export interface ServiceRequirements {
  /** Catalog key. */
  readonly name: ServiceName;
  /** Human name. */
  readonly displayName: string;
  /** Sandbox engine inside the container. */
  readonly engine: SandboxEngine;
  /** The kit profile that carries the engine's additions. */
  readonly profile: ProfileName;
  /** Modes the service supports, strongest first: `auto` tries them in this order. */
  readonly acceptedModes: readonly SandboxMode[];
  /** Modes `auto` never picks: they need an explicit request (or acknowledgement). */
  readonly explicitOnlyModes: readonly SandboxMode[];
  /** Why each unsupported mode is unsupported (from RETOOL_SANDBOX_DOC), for error messages. */
  readonly unsupportedModeReasons: Partial<Record<SandboxMode, string>>;
  /** What the sandbox needs from the kernel, one line each. */
  readonly kernelNeeds: readonly string[];
  /**
   * Whether the engine mounts a fresh procfs, which the kernel refuses while /proc is masked:
   * - `optional`: it can run without one (the kit's NsJail configuration without procfs); /proc
   *   is unmasked only where Pod Security still admits the pod at restricted;
   * - `required`: it cannot (Retool's NsJail images: the planner decides this per image kind);
   * - `preferred`: some releases need it and some do not (runsc 20221219's gofer mounts one,
   *   runsc 20240729's does not: measured): /proc is unmasked wherever the API allows it, and
   *   elsewhere the plan names the runsc release it needs.
   */
  readonly freshProcfs: 'optional' | 'required' | 'preferred';
  /**
   * Why the service can run only on Kubernetes, if it can (its own design, not a sandbox need).
   * @default undefined (ECS too)
   */
  readonly kubernetesOnly?: string;
  /** Retool's image repository (its tag is the release, `retoolVersion`). */
  readonly repository: string;
  /** Default resources. */
  readonly resources: ResourceRequirements;
  /** Processes of the service. */
  readonly components: readonly ServiceComponent[];
  /** Paths that must stay writable under a read-only root filesystem. */
  readonly writablePaths: readonly string[];
  /**
   * Environment Retool's chart gives the service whatever the mode (NODE_ENV, NODE_OPTIONS).
   * @default {}
   */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * `terminationGracePeriodSeconds` (ECS: the container's stop timeout, capped by ECS).
   * @default undefined (the platform default, 30 s)
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * Whether Retool's image starts as root and drops to retool_user itself (`runuser`) in its
   * sandboxed modes; in its unsandboxed mode it runs as RETOOL_UNSANDBOXED_UID.
   * @default false (the image's user is not changed by the kit)
   */
  readonly startsAsRoot?: boolean;
  /**
   * Whether the service sets iptables rules that keep user code from 169.254.0.0/16 and
   * 192.168.0.0/16 (needs NET_ADMIN), unless DISABLE_IPTABLES_SECURITY_CONFIGURATION=true.
   * @default false
   */
  readonly iptablesEgress?: boolean;
}

/**
 * uid/gid Retool runs code-executor as where it is unsandboxed (ECS on Fargate
 * CloudFormation `User: "1001:1001"`; terraform-retool-modules aws_ecs: 'If not using nsjail
 * sandboxing, ... use user = "1001:1001"'). That 1001 is retool_user is inferred.
 */
export const RETOOL_UNSANDBOXED_UID = 1001;

/** Capabilities Retool's chart adds after dropping ALL, for the drop to retool_user at start (tryretool/retool-helm #379). */
export const RUNUSER_CAPABILITIES: readonly string[] = ['SETUID', 'SETGID'];

/** Capabilities Retool's chart adds for the service's iptables rules (tryretool/retool-helm #379). */
export const IPTABLES_CAPABILITIES: readonly string[] = ['NET_ADMIN', 'NET_RAW'];

/**
 * Probes of both executors in Retool's chart (charts/retool/values.yaml livenessProbe and
 * readinessProbe, used by deployment_code_executor.yaml and deployment_js_executor.yaml).
 */
function executorProbes(liveness: string, readiness: string): { liveness: ContractProbe; readiness: ContractProbe } {
  return {
    liveness: { path: liveness, initialDelaySeconds: 30, timeoutSeconds: 10, failureThreshold: 3 },
    readiness: { path: readiness, initialDelaySeconds: 30, timeoutSeconds: 10, periodSeconds: 10, successThreshold: 5 },
  };
}

/** "6m in-flight request + 30s backend-style preStop buffer + 1s" (tryretool/retool-helm values.yaml, PR #365). */
const EXECUTOR_GRACE_SECONDS = 391;

/** Retool's public page on how each service sandboxes user code and what it needs. */
export const RETOOL_SANDBOX_DOC = 'https://docs.retool.com/self-hosted/self-managed/concepts/custom-code-execution-security';

const NSJAIL_KERNEL_NEEDS = [
  'clone/unshare with CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWUTS, CLONE_NEWIPC',
  'mount (tmpfs, bind, proc), umount2, pivot_root, sethostname',
  'on kernels >= 6.3, current NsJail mounts with the new mount API instead: fsopen, fsconfig, fsmount, move_mount, open_tree, mount_setattr',
  'unprivileged user namespaces enabled on the node (user.max_user_namespaces > 0; no AppArmor userns restriction)',
  'a procfs mount inside the jail, which the kernel refuses while /proc is masked (procMount: Default)',
] as const;

/** code-executor: workflow JavaScript and Python under NsJail; may run unsandboxed (RETOOL_SANDBOX_DOC). */
export const CODE_EXECUTOR: ServiceRequirements = {
  name: 'code-executor',
  displayName: 'code-executor',
  engine: 'nsjail',
  profile: 'nsjail',
  acceptedModes: ['seccomp', 'gvisor-runtimeclass', 'privileged', 'rlimits-seccomp', 'unsandboxed'],
  explicitOnlyModes: ['rlimits-seccomp', 'unsandboxed'],
  unsupportedModeReasons: {},
  kernelNeeds: NSJAIL_KERNEL_NEEDS,
  freshProcfs: 'optional',
  repository: RETOOL_REPOSITORIES.value['code-executor'],
  resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } },
  components: [{
    name: 'main', port: 3004, servicePort: 80, healthPath: '/api/checkHealth', runsUserCode: true, ingressEnv: 'CODE_EXECUTOR_INGRESS_DOMAIN',
    probes: executorProbes('/api/checkHealth', '/api/checkHealth'),
  }],
  writablePaths: ['/tmp'],
  env: { NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024' },
  terminationGracePeriodSeconds: EXECUTOR_GRACE_SECONDS,
  startsAsRoot: true,
  iptablesEgress: true,
};

/** js-executor: functions under NsJail; never runs unsandboxed (RETOOL_SANDBOX_DOC). */
export const JS_EXECUTOR: ServiceRequirements = {
  name: 'js-executor',
  displayName: 'js-executor',
  engine: 'nsjail',
  profile: 'nsjail',
  acceptedModes: ['seccomp', 'gvisor-runtimeclass', 'privileged'],
  explicitOnlyModes: [],
  unsupportedModeReasons: {
    'unsandboxed': `js-executor has no unprivileged fallback: it always runs functions inside an active NsJail sandbox (${RETOOL_SANDBOX_DOC}, "js-executor").`,
    'rlimits-seccomp': `js-executor always runs functions inside a full NsJail sandbox (${RETOOL_SANDBOX_DOC}); a jail without namespaces is not one.`,
  },
  kernelNeeds: NSJAIL_KERNEL_NEEDS,
  freshProcfs: 'optional',
  repository: RETOOL_REPOSITORIES.value['js-executor'],
  resources: { requests: { cpu: '2', memory: '6Gi' }, limits: { cpu: '2', memory: '6Gi' } },
  components: [{
    name: 'main', port: 3000, servicePort: 80, healthPath: '/api/health', readinessPath: '/api/readiness', runsUserCode: true,
    ingressEnv: 'JS_EXECUTOR_INGRESS_DOMAIN', probes: executorProbes('/api/health', '/api/readiness'),
  }],
  writablePaths: ['/tmp'],
  env: { NODE_ENV: 'production' },
  terminationGracePeriodSeconds: EXECUTOR_GRACE_SECONDS,
  startsAsRoot: true,
  iptablesEgress: true,
};

/** The agent sandbox: AI agent tasks under gVisor (runsc, systrap, pasta); custom seccomp only (RETOOL_SANDBOX_DOC). */
export const AGENT_SANDBOX: ServiceRequirements = {
  name: 'agent-sandbox',
  displayName: 'agent sandbox',
  engine: 'gvisor',
  profile: 'gvisor',
  acceptedModes: ['seccomp', 'gvisor-runtimeclass'],
  explicitOnlyModes: [],
  unsupportedModeReasons: {
    'privileged': `The agent sandbox does not support privileged mode (${RETOOL_SANDBOX_DOC}, "Agent sandbox with gVisor").`,
    'unsandboxed': `The agent sandbox has no unprivileged fallback (${RETOOL_SANDBOX_DOC}).`,
    'rlimits-seccomp': 'The agent sandbox runs gVisor, not NsJail; there is no rlimits-only form of it.',
  },
  kernelNeeds: [
    'clone with namespace flags for the sentry and gofer (clone3, unshare, setns for pasta: from Retool\'s published profile, not exercised by Debian\'s runsc)',
    'mount, umount2, pivot_root for the sentry and gofer root filesystems; chroot for the gofer',
    'ptrace for the systrap platform\'s executor threads (allowed without CAP_SYS_PTRACE on kernel >= 4.8)',
    'unprivileged user namespaces enabled on the node',
    'with runsc 20221219, an unmasked /proc: its gofer mounts a fresh procfs, which the kernel refuses while /proc is masked (runsc 20240729 does not need one: measured)',
  ],
  // Measured (test/verify/gvisor-needs.test.ts): runsc 20221219 fails with "gofer: error mounting
  // proc: operation not permitted" under a masked /proc; runsc 20240729 starts.
  freshProcfs: 'preferred',
  kubernetesOnly: 'Retool\'s agent sandbox controller starts every sandbox as a Kubernetes Job in its own namespace (tryretool/retool-helm charts/retool/templates/deployment_agent_sandbox.yaml, JOB_TEMPLATE_CONFIGMAP)',
  repository: RETOOL_REPOSITORIES.value['agent-sandbox'],
  resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '2', memory: '4Gi' } },
  components: [
    // Probes as Retool's chart has them: liveness /livez, readiness /health.
    { name: 'controller', port: 3018, healthPath: '/livez', readinessPath: '/health', runsUserCode: false, ingressEnv: 'AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN' },
    { name: 'proxy', port: 3019, healthPath: '/livez', readinessPath: '/health', runsUserCode: false, ingressEnv: 'AGENT_SANDBOX_PROXY_INGRESS_DOMAIN' },
    // Retool's sandbox Job pods have no probes (the Job template renders none); the path is unused.
    { name: 'sandbox', port: 3017, healthPath: '/health', runsUserCode: true },
  ],
  writablePaths: ['/tmp'],
};

/** Requirements by service name. */
export const SERVICES: Readonly<Record<ServiceName, ServiceRequirements>> = {
  'code-executor': CODE_EXECUTOR,
  'js-executor': JS_EXECUTOR,
  'agent-sandbox': AGENT_SANDBOX,
};
