import { ECS_MAX_STOP_TIMEOUT_SECONDS, RETOOL_CHART } from '../targets/retool';
import { TARGETS } from '../targets';
import { AGENT_SANDBOX_PRIORITY_CLASS } from './agent-sandbox';
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

/** Retool's chart's DNS peers for the agent sandbox (values.yaml rr.agentSandbox.networkPolicy.dnsSelector). */
export const RETOOL_AGENT_DNS = { namespace: 'kube-system', k8sAppLabels: ['kube-dns'] } as const;

/**
 * The deliberate departures of the agent sandbox's fences from Retool's chart
 * (templates/agent_sandbox_networkpolicy.yaml, deployment_agent_sandbox.yaml): listed where the
 * plan records the network its fences render (a Kubernetes target), each only when the rendered
 * objects differ. Shown by `explain`, checked by test/contract/agent-sandbox.test.ts.
 */
export function agentSandboxDepartures(p: SandboxPlan): Departure[] {
  const n = p.agent?.network;
  if (!n) return [];
  const out: Departure[] = [];
  const facts = TARGETS[p.placement];
  const sameSelector = n.dns.namespace === RETOOL_AGENT_DNS.namespace && n.dns.k8sAppLabels.join() === RETOOL_AGENT_DNS.k8sAppLabels.join();
  if (n.dns.cidrs.length || !sameSelector) {
    const resolvers = facts.clusterDns.value.resolvers.filter((r) => n.dns.cidrs.includes(`${r.address}/32`));
    out.push({
      setting: 'DNS egress of the sandbox, controller and proxy',
      retool: `the pods labelled k8s-app=${RETOOL_AGENT_DNS.k8sAppLabels.join()} in ${RETOOL_AGENT_DNS.namespace}, port 53 (rr.agentSandbox.networkPolicy.dnsSelector)`,
      kit: `the pods labelled k8s-app in (${n.dns.k8sAppLabels.join(', ')}) in ${n.dns.namespace}${n.dns.cidrs.length ? `, and ${n.dns.cidrs.join(', ')}` : ''}, port 53 UDP and TCP only`,
      why: `pods resolve where the cluster's resolver really is${resolvers.length ? `: on ${facts.displayName} ${resolvers.map((r) => `${r.address} (${r.why})`).join(', ')} [${facts.clusterDns.source}]` : ''}${n.dns.cidrs.length > resolvers.length ? '; the kit file names the other addresses (kubernetes.renderer.dns)' : ''}; a selector alone would break DNS there, and only port 53 opens (the metadata server's HTTP stays closed)`,
    });
  }
  out.push({
    setting: 'controller and proxy egress to Postgres',
    retool: 'no rule: the controller reaches only DNS, the sandboxes and 443/6443; the proxy no private range',
    kit: n.postgres.cidrs.length
      ? `TCP ${n.postgres.port} to ${n.postgres.cidrs.join(', ')}`
      : `TCP ${n.postgres.port} to any address but the metadata endpoints (agentSandbox.postgres.cidrs names none)`,
    why: 'both keep their state and leader election in Postgres (STATE_BACKEND=postgres), which the chart\'s policies would cut off wherever the database sits in the cluster or the VPC',
  });
  out.push({
    setting: 'sandbox PriorityClass',
    retool: 'none in the Job template (the cluster\'s default class)',
    kit: `priorityClassName ${AGENT_SANDBOX_PRIORITY_CLASS.name} (value ${AGENT_SANDBOX_PRIORITY_CLASS.value}, preemptionPolicy ${AGENT_SANDBOX_PRIORITY_CLASS.preemptionPolicy}), a ResourceQuota scoped to it, admission pinning it`,
    why: 'a sandbox never preempts anything, and the quota counts the sandbox pods alone (sized from MAX_TOTAL_JOBS), not the controller, proxy or prepuller',
  });
  return out;
}

/** Where the contract was read, for explain and docs. */
export const RETOOL_CONTRACT_SOURCE = `tryretool/retool-helm charts/retool ${RETOOL_CHART.version} (${RETOOL_CHART.url})`;
