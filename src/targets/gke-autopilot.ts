import { CONTAINER_DEFAULT_CAPABILITIES } from './common';
import { assumed, observed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { Capability, TargetFacts } from './types';

/**
 * The only capabilities GKE Warden lets a container add, exactly as its message lists them
 * (observed: CrowdStrike/falcon-helm#310, SumoLogic/sumologic-kubernetes-collection#3437).
 */
export const AUTOPILOT_CAPABILITIES: readonly Capability[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT', 'SYS_PTRACE',
];

/** GKE Autopilot, enforced by GKE Warden (docs/platforms.md#gke-autopilot). */
export const GKE_AUTOPILOT: TargetFacts = {
  name: 'gke-autopilot',
  displayName: 'GKE Autopilot',
  kind: 'kubernetes',
  privileged: observed(false, `[denied by autogke-disallow-privilege]: ${SOURCES.wardenMessages}`, `Only a WorkloadAllowlist can exempt a pod (${SOURCES.gkeAllowlists})`),
  addableCapabilities: observed(AUTOPILOT_CAPABILITIES, SOURCES.wardenCapabilities),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, SOURCES.containerdDefaultCaps),
  customSeccomp: assumed(
    false,
    `hostPath is read-only under /var/log/ and no privileged DaemonSets, so no profile reaches the node (${SOURCES.wardenMessages}); ${platformsDoc('gke-autopilot')}`,
  ),
  profileDelivery: assumed([], `no way to write /var/lib/kubelet/seccomp on an Autopilot node; ${platformsDoc('gke-autopilot')}`),
  defaultSeccomp: verified('runtime-default', `GKE applies the containerd default profile to all Autopilot workloads: ${SOURCES.gkeSeccomp}`),
  hostPath: observed('read-only-var-log', `[denied by autogke-no-write-mode-hostpath]: ${SOURCES.wardenMessages}`),
  hostNamespaces: observed(false, `[denied by autogke-disallow-hostnamespaces]: ${SOURCES.wardenMessages}`),
  daemonSets: verified(true, `Autopilot runs DaemonSets that pass Warden: ${SOURCES.gkeAutopilotSecurity}`),
  criticalPriorityNeedsQuota: observed(true, `GKE limits the critical PriorityClasses to namespaces with a matching ResourceQuota ("insufficient quota to match these scopes"): ${SOURCES.k8sPriorityQuota}; ${SOURCES.gkeCriticalPodsQuota}`),
  gvisor: verified('built-in', `GKE Sandbox ready in Autopilot >= 1.27.4-gke.800: ${SOURCES.gkeSandbox}`),
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: assumed({ supported: false }, `no Warden rule documented; do not rely on hostUsers: false until tested (${platformsDoc('open-questions')})`),
  procMount: assumed({ unmasked: false }, `assume Pod Security baseline (no procMount: Unmasked): ${SOURCES.gkeAutopilotSecurity}`),
  admission: verified(
    'GKE Warden validating webhook: Pod Security baseline with modifications plus many restricted constraints',
    SOURCES.gkeAutopilotSecurity,
  ),
  nodeOs: ['cos'],
  securityModule: assumed({ cos: 'apparmor' }, 'Container-Optimized OS ships AppArmor'),
  appArmorProfiles: observed(false, `no privileged DaemonSet and no writable hostPath can load a profile (${SOURCES.wardenMessages})`),
  egressFilter: assumed({ by: 'network-policy', unfiltered: ['DNS (port 53 only) to the metadata server and NodeLocal DNSCache, which answer on link-local addresses'] }, `${SOURCES.gkeCloudDns}; ${SOURCES.gkeNodeLocalDns}`),
  clusterDns: verified({ resolvers: [
    { address: '169.254.169.254', why: 'Cloud DNS for GKE, the default on Autopilot: pods resolve through the metadata server' },
    { address: '169.254.20.10', why: 'NodeLocal DNSCache, always on in Autopilot' },
  ] }, `${SOURCES.gkeCloudDns}; ${SOURCES.gkeNodeLocalDns}`),
  processLimit: assumed({ setBy: 'none', where: 'GKE manages the kubelet; Autopilot offers no pod PID limit setting' }, SOURCES.gkeAutopilotSecurity),
  noNewPrivileges: verified(true, `Autopilot enforces many restricted constraints, allowPrivilegeEscalation: false among them: ${SOURCES.gkeAutopilotSecurity}`),
  vmPerWorkload: verified(false, `GKE Sandbox puts gVisor, not a VM, around the pod: ${SOURCES.gkeSandbox}`),
  alternativeForSandbox: 'a GKE Standard cluster or node pool, whose nodes take the kit\'s seccomp profiles so that each service runs its own sandbox (target gke-standard)',
  platformRules: observed(['gke-warden'], SOURCES.wardenMessages),
  gvisorMinimumVersions: verified({ kubernetes: '1.27', gke: '1.27.4-gke.800' }, `GKE Sandbox ready in Autopilot from 1.27.4-gke.800: ${SOURCES.gkeSandbox}`),
  hostPathPrefixes: observed(['/var/log/'], `[denied by autogke-no-write-mode-hostpath] "Allowed path prefixes for hostPath volumes are: [/var/log/]": ${SOURCES.wardenMessages}`),
  managedNamespaces: observed(['kube-system', 'gke-managed-system', 'gke-gmp-system'], `"GKEAutopilot authz: the namespace ... is managed": ${SOURCES.gkeAutopilotSecurity}`),
};
