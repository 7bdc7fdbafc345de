import { CONTAINER_DEFAULT_CAPABILITIES, procMountOnOwnNodes, userNamespacesOnOwnNodes } from './common';
import { assumed, observed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { TargetFacts } from './types';

/** GKE Standard (docs/platforms.md#gke-standard). */
export const GKE_STANDARD: TargetFacts = {
  name: 'gke-standard',
  displayName: 'GKE Standard',
  kind: 'kubernetes',
  privileged: assumed(true, `GKE documents Warden constraints only for Autopilot (${SOURCES.gkeAutopilotSecurity}); ${platformsDoc('gke-standard')}`),
  addableCapabilities: assumed('any', `no Warden constraints on Standard node pools; ${platformsDoc('gke-standard')}`),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, SOURCES.containerdDefaultCaps),
  customSeccomp: assumed(true, `a DaemonSet or the Security Profiles Operator can write the node directory; ${platformsDoc('gke-standard')}`),
  profileDelivery: assumed(['daemonset', 'security-profiles-operator'], `${platformsDoc('gke-standard')}; ${SOURCES.securityProfilesOperator}`),
  defaultSeccomp: verified('unconfined', `RuntimeDefault is not applied by default on Standard: ${SOURCES.gkeSeccomp}`),
  hostPath: verified('any', `no Warden constraints on Standard node pools: ${SOURCES.gkeAutopilotSecurity}`),
  hostNamespaces: verified(true, `no Warden constraints on Standard node pools: ${SOURCES.gkeAutopilotSecurity}`),
  daemonSets: verified(true, 'Kubernetes core'),
  criticalPriorityNeedsQuota: observed(true, `GKE limits the critical PriorityClasses to namespaces with a matching ResourceQuota ("insufficient quota to match these scopes"): ${SOURCES.k8sPriorityQuota}; ${SOURCES.gkeCriticalPodsQuota}`),
  gvisor: verified('node-pool', `GKE Sandbox on a non-default node pool: ${SOURCES.gkeSandbox}`),
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: assumed(userNamespacesOnOwnNodes.value, `depends on the node image and version: ${SOURCES.k8sUserNamespaces}`),
  procMount: procMountOnOwnNodes,
  admission: verified('None by default; Autopilot ComputeClass workloads get Autopilot constraints best-effort', SOURCES.gkeAutopilotSecurity),
  nodeOs: ['cos', 'ubuntu'],
  securityModule: assumed({ cos: 'apparmor', ubuntu: 'apparmor' }, `Container-Optimized OS and Ubuntu node images ship AppArmor; ${platformsDoc('gke-standard')}`),
  appArmorProfiles: assumed(true, `a privileged DaemonSet runs the host's apparmor_parser on COS and Ubuntu nodes, as Retool's chart does (${SOURCES.retoolAppArmorLoader}); ${SOURCES.containerdAppArmor}`),
  egressFilter: assumed({ by: 'network-policy', unfiltered: ['DNS (port 53 only) to the metadata server and NodeLocal DNSCache, which answer on link-local addresses'] }, `${SOURCES.gkeCloudDns}; ${SOURCES.gkeNodeLocalDns}`),
  clusterDns: verified({ resolvers: [
    { address: '169.254.169.254', why: 'Cloud DNS for GKE: kubelet points pods at the metadata server, which answers DNS' },
    { address: '169.254.20.10', why: 'NodeLocal DNSCache, on by default from GKE 1.34.1-gke.3720000' },
  ] }, `${SOURCES.gkeCloudDns}; ${SOURCES.gkeNodeLocalDns}`),
  processLimit: verified({ setBy: 'node-operator', where: 'kubelet podPidsLimit in the node pool\'s system configuration (kubeletConfig.podPidsLimit)' }, `${SOURCES.kubeletPidLimit}; ${SOURCES.gkeNodeSystemConfig}`),
  noNewPrivileges: verified(true, 'Kubernetes securityContext.allowPrivilegeEscalation'),
  vmPerWorkload: verified(false, 'GKE nodes are shared VMs'),
  alternativeForSandbox: 'a GKE Standard node pool with the kit\'s seccomp profiles (target gke-standard)',
  platformRules: verified([], `no Warden constraints on Standard node pools: ${SOURCES.gkeAutopilotSecurity}`),
};
