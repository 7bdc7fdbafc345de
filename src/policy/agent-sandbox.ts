import { TargetFacts } from '../targets/types';
import { ConfigProblem } from './errors';
import { ContainerSecurity, PodSecurityLevel, SandboxPlan } from './plan';
import { RemainingRisk, risk } from './risks';
import { compareVersions } from './quantity';
import { VALIDATING_ADMISSION_POLICY_V1 } from '../targets/common';

/** Retool's agent sandbox runs its controller, proxy and sandbox as this uid/gid (retool-helm deployment_agent_sandbox.yaml). */
export const AGENT_SANDBOX_UID = 1001;

/**
 * How sandbox pods get `/dev/net/tun`, which pasta (the sandbox's network) opens:
 * - `auto`: the device plugin where the target runs DaemonSets with hostPath, else refused
 *   (name `host-path` or `none` yourself);
 * - `device-plugin`: the smarter-device-manager DaemonSet advertises `smarter-devices/net_tun`,
 *   which each sandbox pod requests (no hostPath in the sandbox pods);
 * - `host-path`: a `CharDevice` hostPath volume in every sandbox pod (its namespace then enforces
 *   `privileged`, and the pods keep the host's user namespace);
 * - `none`: sandboxes without network (`SANDBOX_NETWORK_ENABLED=false`).
 */
export type TunDeviceOption = 'auto' | 'device-plugin' | 'host-path' | 'none';

/**
 * Form of the sandbox Job's `rootfs-etc-copy` init container:
 * - `unprivileged`: uid 1001, no capability, copies every entry of the image's sandbox /etc but
 *   `shadow` (Retool's chart after tryretool/retool-helm#379);
 * - `dac-read-search`: uid 0 with `DAC_READ_SEARCH`, copies everything (Retool's chart before it).
 */
export type RootfsEtcCopyOption = 'unprivileged' | 'dac-read-search';

/** The agent sandbox's planner options (`agentSandbox` in a target's config). */
export interface AgentSandboxOptions {
  /**
   * How sandbox pods get /dev/net/tun for pasta.
   * @default "auto"
   */
  readonly tunDevice?: TunDeviceOption;
  /**
   * The image-prepuller DaemonSet, which keeps the sandbox image on every node (cold sandbox
   * start is 20-25 s otherwise): `auto` renders it where the target runs DaemonSets.
   * @default "auto"
   */
  readonly imagePrepuller?: 'auto' | 'on' | 'off';
  /**
   * Form of the sandbox Job's rootfs-etc-copy init container.
   * @default "unprivileged"
   */
  readonly rootfsEtcCopy?: RootfsEtcCopyOption;
}

/**
 * Where the kit departs from Retool's chart for the agent sandbox, and why (explain; the contract
 * test test/contract/agent-sandbox.test.ts checks each in the output; docs/kubernetes.md).
 */
export const AGENT_SANDBOX_DEPARTURES: readonly string[] = [
  'sandbox pods with hostUsers: false where the target allows (the init container\'s uid 0 and any escape land on an unprivileged host uid)',
  'the kit\'s flattened gvisor seccomp profile instead of retool/gvisor-seccomp.json, also on the init container',
  'controller, proxy and prepuller with seccomp RuntimeDefault (Pod Security restricted)',
  'prepuller and device plugin off the host network (neither uses it)',
  'a ServiceAccount of their own without token and no service links for sandbox pods',
  'ephemeral-storage bounded on every container',
  'controller and proxy at the plan\'s replicas (leader election in Postgres)',
  'the controller\'s get on configmaps and daemonsets narrowed to the job template and the prepuller',
];

/**
 * The PriorityClass of the sandbox Jobs' pods (Retool's template names none): priority 0 and
 * never preempting, so a sandbox never evicts anything; the namespace's quota counts the pods of
 * this class alone (a PriorityClass scope), and the admission policy pins it.
 */
export const AGENT_SANDBOX_PRIORITY_CLASS = { name: 'sandbox-kit-agent-sandbox', value: 0, preemptionPolicy: 'Never' } as const;

/** Where the controller and proxy keep their state, as far as the kit file says. */
export interface PostgresDestination {
  /** The database's port. */
  readonly port: number;
  /** Ranges the database lies in (the kit file's agentSandbox.postgres.cidrs); empty when the kit file names none. */
  readonly cidrs: readonly string[];
}

/** Cluster DNS as the agent sandbox's pods reach it. */
export interface AgentSandboxDns {
  /** Namespace of the DNS pods. */
  readonly namespace: string;
  /** `k8s-app` label values of the DNS pods. */
  readonly k8sAppLabels: readonly string[];
  /** Resolver addresses no selector matches (/32 ipBlocks on port 53): the catalog's and the kit file's. */
  readonly cidrs: readonly string[];
}

/** The agent sandbox's network, decided where its NetworkPolicies are rendered (a Kubernetes target). */
export interface AgentSandboxNetworkPlan {
  /** DNS: the kube-dns pods and where the target's resolvers are. */
  readonly dns: AgentSandboxDns;
  /** The controller's and proxy's egress to Postgres: its port, to its ranges, or (none named) any address but the metadata endpoints. */
  readonly postgres: PostgresDestination;
}

/** Where the Postgres ranges are set, relative to the renderer's options (kubernetes.renderer, or aws.renderer.eks.chart). */
export const POSTGRES_CIDRS_FIELD = 'agentSandbox.postgres.cidrs';

/**
 * The agent sandbox's network on a Kubernetes target, from the renderer's DNS and Postgres
 * settings: recorded in the plan (explain shows it, the fences render it), and when the kit file
 * does not say where Postgres is, the open Postgres port is a remaining risk.
 */
export function planAgentSandboxNetwork(p: SandboxPlan, network: AgentSandboxNetworkPlan): SandboxPlan {
  if (!p.agent) return p;
  const { port, cidrs } = network.postgres;
  const risks = cidrs.length ? p.risks : [
    ...p.risks,
    risk('external-misuse', `Postgres egress open to any address on port ${port} (the controller and the proxy, which forwards sandboxed code's requests, may reach any host on it but the metadata endpoints); set ${POSTGRES_CIDRS_FIELD} in the chart's options (kubernetes.renderer, or aws.renderer.eks.chart) to close it.`),
  ];
  return { ...p, agent: { ...p.agent, network }, risks };
}

/** The tun device the plan gives sandbox pods. */
export type TunDevice = 'device-plugin' | 'host-path' | 'none';

/** The planner's agent-sandbox decisions, beyond the container settings. */
export interface AgentSandboxPlan {
  /** How sandbox pods get /dev/net/tun. */
  readonly tunDevice: TunDevice;
  /** Why. */
  readonly tunDeviceReason: string;
  /** The device plugin's DaemonSet needs a ResourceQuota for its critical PriorityClass in its namespace (GKE). */
  readonly devicePluginPriorityQuota: boolean;
  /** Whether the image-prepuller DaemonSet is rendered. */
  readonly imagePrepuller: boolean;
  /** Why (or why not). */
  readonly imagePrepullerReason: string;
  /** Form of the rootfs-etc-copy init container. */
  readonly rootfsEtcCopy: RootfsEtcCopyOption;
  /** Security settings of the rootfs-etc-copy init container. */
  readonly rootfsEtcCopySecurity: ContainerSecurity;
  /**
   * The network its fences render (planAgentSandboxNetwork, where the renderer's DNS and
   * Postgres settings are known).
   * @default undefined (not rendered on a Kubernetes target yet)
   */
  readonly network?: AgentSandboxNetworkPlan;
}

/** Resolved agent sandbox options. */
export type ResolvedAgentSandboxOptions = Required<AgentSandboxOptions>;

/** Defaults applied. */
export function resolveAgentSandboxOptions(o: AgentSandboxOptions | undefined): ResolvedAgentSandboxOptions {
  return { tunDevice: o?.tunDevice ?? 'auto', imagePrepuller: o?.imagePrepuller ?? 'auto', rootfsEtcCopy: o?.rootfsEtcCopy ?? 'unprivileged' };
}

const LEVEL_ORDER: readonly PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];

function weakest(a: PodSecurityLevel, b: PodSecurityLevel): PodSecurityLevel {
  return LEVEL_ORDER.indexOf(a) >= LEVEL_ORDER.indexOf(b) ? a : b;
}

/**
 * Settings of the rootfs-etc-copy init container. Its seccomp profile is the sandbox container's
 * (flattened for a container with no capability), so with DAC_READ_SEARCH added it still denies
 * open_by_handle_at, which the runtime default would allow with that capability.
 */
function rootfsEtcCopySecurity(sandbox: ContainerSecurity, form: RootfsEtcCopyOption): ContainerSecurity {
  const root = form === 'dac-read-search';
  return {
    ...sandbox,
    privileged: false,
    capabilitiesAdd: root ? ['DAC_READ_SEARCH'] : [],
    capabilitiesDrop: ['ALL'],
    effectiveCapabilities: root ? ['DAC_READ_SEARCH'] : [],
    runAsUser: root ? 0 : AGENT_SANDBOX_UID,
    runAsGroup: root ? 0 : AGENT_SANDBOX_UID,
    runAsNonRoot: !root,
    readOnlyRootFilesystem: true,
    allowPrivilegeEscalation: false,
    // It runs cp, not the sandbox: the default /proc is enough.
    procMount: 'Default',
    writablePaths: [],
  };
}

/**
 * The agent sandbox's own decisions on one target: the tun device for pasta, the prepuller, the
 * init container's form, and Retool's uid 1001 for every container. The sandbox namespace's Pod
 * Security level becomes the weakest that admits what the Job template then carries.
 */
export function planAgentSandbox(p: SandboxPlan, options: AgentSandboxOptions | undefined, facts: TargetFacts, kubernetesVersion?: string): { plan: SandboxPlan } | { problems: ConfigProblem[] } {
  const o = resolveAgentSandboxOptions(options);
  const problems: ConfigProblem[] = [];
  const daemonSets = facts.daemonSets.value;
  const hostPathAny = facts.hostPath.value === 'any';
  const pluginPossible = daemonSets && hostPathAny;
  const pluginWhyNot = !daemonSets ? `${facts.displayName} runs no DaemonSets (${facts.daemonSets.source})` : `${facts.displayName} admits no writable hostPath, which the device plugin needs for /var/lib/kubelet/device-plugins (${facts.hostPath.source})`;
  const hostPathWhyNot = !hostPathAny ? `${facts.displayName} admits no hostPath /dev/net/tun (${facts.hostPath.source})` : undefined;

  let tunDevice: TunDevice | undefined;
  let tunDeviceReason = '';
  const field = 'agentSandbox.tunDevice';
  switch (o.tunDevice) {
    case 'auto':
    case 'device-plugin':
      if (pluginPossible) {
        tunDevice = 'device-plugin';
        tunDeviceReason = 'the smarter-device-manager device plugin advertises /dev/net/tun as smarter-devices/net_tun; sandbox pods request one and carry no hostPath, so their namespace keeps its Pod Security level';
      } else {
        problems.push({
          field,
          message: `pasta needs /dev/net/tun in every sandbox pod, and the device plugin cannot run: ${pluginWhyNot}`,
          alternatives: [
            ...(hostPathWhyNot ? [] : ['agentSandbox.tunDevice: "host-path" (a CharDevice hostPath; the sandbox namespace enforces privileged)']),
            'agentSandbox.tunDevice: "none" (sandboxes without network)',
          ],
        });
      }
      break;
    case 'host-path':
      if (hostPathWhyNot) {
        problems.push({ field, message: `pasta needs /dev/net/tun, and ${hostPathWhyNot}`, alternatives: [...(pluginPossible ? ['agentSandbox.tunDevice: "device-plugin"'] : []), 'agentSandbox.tunDevice: "none" (sandboxes without network)'] });
      } else {
        tunDevice = 'host-path';
        tunDeviceReason = 'requested: a CharDevice hostPath /dev/net/tun in every sandbox pod (Pod Security baseline forbids hostPath, so the sandbox namespace enforces privileged; the pods keep the host user namespace, since the kernel refuses idmapped mounts of device nodes)';
      }
      break;
    case 'none':
      tunDevice = 'none';
      tunDeviceReason = 'requested: sandboxes run without network (SANDBOX_NETWORK_ENABLED=false), so they need no /dev/net/tun';
      break;
  }

  let imagePrepuller: boolean;
  let imagePrepullerReason: string;
  if (o.imagePrepuller === 'off') {
    imagePrepuller = false;
    imagePrepullerReason = 'turned off (agentSandbox.imagePrepuller): a node pulls the sandbox image at the first sandbox, which then starts 20-25 s later';
  } else if (daemonSets) {
    imagePrepuller = true;
    imagePrepullerReason = 'a DaemonSet keeps the sandbox image on every sandbox node, so a new sandbox does not wait for the pull';
  } else {
    imagePrepuller = false;
    imagePrepullerReason = `${facts.displayName} runs no DaemonSets (${facts.daemonSets.source})`;
    if (o.imagePrepuller === 'on') problems.push({ field: 'agentSandbox.imagePrepuller', message: `the image prepuller is a DaemonSet: ${imagePrepullerReason}`, alternatives: ['agentSandbox.imagePrepuller: "auto"'] });
  }
  if (problems.length || !tunDevice) return { problems };

  const user = { runAsUser: AGENT_SANDBOX_UID, runAsGroup: AGENT_SANDBOX_UID, runAsNonRoot: true };
  // host-path: idmapped mounts of device nodes are refused, so the pod keeps the host's users, and
  // with them the masked /proc (Unmasked needs hostUsers: false).
  const sandbox: ContainerSecurity = { ...p.sandbox, ...user, ...(tunDevice === 'host-path' ? { hostUsers: true, procMount: 'Default' } : {}) };
  const supporting: ContainerSecurity = { ...p.supporting, ...user };
  const initSecurity = rootfsEtcCopySecurity(sandbox, o.rootfsEtcCopy);

  let level = p.podSecurityLevel;
  const reasons = p.podSecurityReason ? [p.podSecurityReason] : [];
  if (tunDevice === 'host-path') {
    level = weakest(level, 'privileged');
    reasons.push('the sandbox pods mount the hostPath /dev/net/tun for pasta (agentSandbox.tunDevice "host-path"), which baseline forbids');
  }
  if (o.rootfsEtcCopy === 'dac-read-search') {
    level = weakest(level, 'privileged');
    reasons.push('the rootfs-etc-copy init container adds DAC_READ_SEARCH (agentSandbox.rootfsEtcCopy "dac-read-search"), which baseline does not allow');
  }
  const agent: AgentSandboxPlan = {
    tunDevice,
    tunDeviceReason,
    devicePluginPriorityQuota: tunDevice === 'device-plugin' && (facts.criticalPriorityNeedsQuota?.value ?? false),
    imagePrepuller,
    imagePrepullerReason,
    rootfsEtcCopy: o.rootfsEtcCopy,
    rootfsEtcCopySecurity: initSecurity,
  };
  return {
    plan: {
      ...p,
      sandbox,
      supporting,
      podSecurityLevel: level,
      podSecurityReason: reasons.length ? reasons.join('; ') : undefined,
      agent,
      risks: [...p.risks, ...admissionRisks(kubernetesVersion)],
    },
  };
}

/**
 * Before ValidatingAdmissionPolicy v1 the kit renders no sandbox admission policies (nothing
 * else it renders could pin the Jobs the controller creates): say so, not a silently weaker sandbox.
 */
function admissionRisks(kubernetesVersion: string | undefined): RemainingRisk[] {
  const since = VALIDATING_ADMISSION_POLICY_V1.value;
  if (kubernetesVersion === undefined || compareVersions(kubernetesVersion, since) >= 0) return [];
  return [risk('system', `no sandbox admission policies on Kubernetes ${kubernetesVersion} (ValidatingAdmissionPolicy v1 needs ${since}): nothing pins the Jobs and pods the controller creates to the template, so a compromised controller can run any pod its namespace's Pod Security level admits (its own command, priority, node); kubernetesVersion "${since}" or newer renders them.`)];
}
