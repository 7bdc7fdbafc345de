import { ECS_MAX_STOP_TIMEOUT_SECONDS, RETOOL_CHART } from '../targets/retool';
import { TARGETS } from '../targets';
import { SandboxPlan } from './plan';
import { IPTABLES_CAPABILITIES, SERVICES } from './services';

/** One deliberate difference between the kit's rendering and Retool's own settings for a service. */
export interface Departure {
  /** The setting. */
  readonly setting: string;
  /** What Retool's chart or templates set. */
  readonly retool: string;
  /** What the kit renders instead. */
  readonly kit: string;
  /** Why, in one sentence. */
  readonly why: string;
}

/**
 * Every deliberate departure from Retool's settings in one executor plan (Retool's chart
 * RETOOL_CHART, its ECS templates): shown by `explain`, listed in docs and checked by the
 * contract test. Plans of the kit's own image, and the agent sandbox, have none here.
 */
export function retoolDepartures(p: SandboxPlan): Departure[] {
  const req = SERVICES[p.service];
  if (!req.startsAsRoot || p.imageKind !== 'retool') return [];
  const facts = TARGETS[p.placement];
  const out: Departure[] = [];
  const sandboxed = p.mode === 'seccomp';
  if (sandboxed) {
    out.push({
      setting: 'seccomp profile',
      retool: 'the chart\'s nsjail-seccomp.json',
      kit: `the kit's "${p.sandbox.seccomp.type === 'Localhost' || p.sandbox.seccomp.type === 'DockerDaemonDefault' ? p.sandbox.seccomp.profile : 'nsjail'}" profile: Docker's default plus NsJail's additions, flattened per architecture and capability set`,
      why: 'containerd applies an OCI profile as written: a flattened file is exactly the filter the container gets, checked against real NsJail',
    });
    out.push({
      setting: 'capabilities',
      retool: 'drop ALL, add SETUID, SETGID, NET_ADMIN, NET_RAW (retool-helm #379; before it, add NET_ADMIN only)',
      kit: `drop ALL, add ${p.sandbox.capabilitiesAdd.join(', ')}`,
      why: p.sandbox.capabilitiesAdd.some((c) => IPTABLES_CAPABILITIES.includes(c))
        ? 'executorNetAdmin is "grant": the same set'
        : 'NET_ADMIN and NET_RAW would lift the namespace to Pod Security privileged; the kit blocks the same ranges outside the pod instead',
    });
    out.push({
      setting: 'read-only root, no privilege escalation',
      retool: 'neither set',
      kit: `readOnlyRootFilesystem with ${p.sandbox.writablePaths.join(', ')} on a size-limited volume; allowPrivilegeEscalation ${p.sandbox.allowPrivilegeEscalation}`,
      why: 'runuser drops from root without gaining privileges, so no_new_privs costs the service nothing; a read-only image keeps user code from changing it',
    });
    if (p.service === 'js-executor' && !p.sandbox.hostUsers) {
      out.push({
        setting: 'hostUsers, procMount',
        retool: 'neither set for js-executor',
        kit: 'hostUsers: false, procMount: Unmasked',
        why: 'Retool\'s NsJail mounts a fresh procfs in every jail, which the kernel refuses under a masked /proc; unmasking needs a user namespace',
      });
    }
    if (p.sandbox.appArmor?.type === 'Localhost') {
      out.push({ setting: 'AppArmor', retool: 'unconfined (or the chart\'s retool-executor profile)', kit: `the kit's Localhost profile ${p.sandbox.appArmor.profile}`, why: p.sandbox.appArmorReason ?? 'the runtime default denies mount' });
    }
  }
  if (p.service === 'code-executor' && p.mode === 'seccomp') {
    out.push({ setting: 'mode', retool: 'privileged: true by default (useSeccompProfile: false)', kit: 'seccomp mode (the chart\'s useSeccompProfile path)', why: 'a privileged container is no boundary; the seccomp path is what the chart offers for Kubernetes >= 1.33' });
  }
  if (p.retoolEgress && p.retoolEgress.enforcedBy !== 'service-iptables') {
    out.push({
      setting: 'DISABLE_IPTABLES_SECURITY_CONFIGURATION',
      retool: 'unset (the service sets its own iptables rules with NET_ADMIN)',
      kit: `true, with ${p.retoolEgress.ranges.join(' and ')} blocked by the kit's ${p.retoolEgress.enforcedBy === 'network-policy' ? 'NetworkPolicy' : 'security groups'}`,
      why: p.retoolEgress.reason,
    });
  }
  if (facts.kind === 'kubernetes') {
    out.push({
      setting: 'NetworkPolicies',
      retool: 'none for the executors',
      kit: 'default deny; ingress from the backend only; egress to DNS and the internet except private and link-local ranges',
      why: 'user code must not reach the cluster, the node or the metadata services, whatever the service\'s own rules',
    });
    out.push({ setting: 'DEPLOYMENT_TEMPLATE_TYPE / _VERSION', retool: 'set by the chart (telemetry)', kit: 'unset', why: 'the values name Retool\'s own template; the kit would have to invent them' });
  }
  if (facts.kind === 'ecs' && p.terminationGracePeriodSeconds !== undefined && p.terminationGracePeriodSeconds > ECS_MAX_STOP_TIMEOUT_SECONDS.value) {
    out.push({
      setting: 'grace period',
      retool: `${p.terminationGracePeriodSeconds} s (Kubernetes)`,
      kit: `stopTimeout ${ECS_MAX_STOP_TIMEOUT_SECONDS.value} s`,
      why: `ECS allows at most ${ECS_MAX_STOP_TIMEOUT_SECONDS.value} s (${ECS_MAX_STOP_TIMEOUT_SECONDS.source}): a workflow step still running after it is cut`,
    });
  }
  return out;
}

/** Where the contract was read, for explain and docs. */
export const RETOOL_CONTRACT_SOURCE = `tryretool/retool-helm charts/retool ${RETOOL_CHART.version} (${RETOOL_CHART.url})`;
