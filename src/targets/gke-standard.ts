import { CONTAINER_DEFAULT_CAPABILITIES, procMountOnOwnNodes, userNamespacesOnOwnNodes } from './common';
import { assumed, verified } from './facts';
import { TargetFacts } from './types';

/** GKE Standard (platforms.md §4). */
export const GKE_STANDARD: TargetFacts = {
  name: 'gke-standard',
  displayName: 'GKE Standard',
  kind: 'kubernetes',
  privileged: assumed(true, 'platforms.md §4: GKE docs say only Autopilot enforces constraints'),
  addableCapabilities: assumed('any', 'platforms.md §4'),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, 'containerd oci/spec.go defaultUnixCaps'),
  customSeccomp: assumed(true, 'platforms.md §0/§4: DaemonSet, SPO or startup script'),
  profileDelivery: assumed(['daemonset', 'security-profiles-operator'], 'platforms.md §4'),
  defaultSeccomp: verified('unconfined', 'platforms.md §4: GKE seccomp-in-gke, RuntimeDefault not applied by default'),
  hostPath: verified('any', 'platforms.md §0'),
  hostNamespaces: verified(true, 'platforms.md §0'),
  daemonSets: verified(true, 'platforms.md §4'),
  gvisor: verified('node-pool', 'platforms.md §4: GKE Sandbox on a non-default node pool, how-to/sandbox-pods'),
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: assumed(userNamespacesOnOwnNodes.value, 'platforms.md §0: depends on node image and version'),
  procMount: procMountOnOwnNodes,
  admission: verified('None by default; Autopilot ComputeClass workloads get Autopilot constraints best-effort', 'platforms.md §0'),
  nodeOs: ['cos', 'ubuntu'],
  securityModule: assumed({ cos: 'apparmor', ubuntu: 'apparmor' }, 'Container-Optimized OS and Ubuntu node images ship AppArmor'),
  noNewPrivileges: verified(true, 'Kubernetes securityContext.allowPrivilegeEscalation'),
  vmPerWorkload: verified(false, 'GKE nodes are shared VMs'),
  alternativeForSandbox: 'a GKE Standard node pool with the kit\'s seccomp profiles (target gke-standard)',
};
