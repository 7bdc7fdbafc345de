import { CONTAINER_DEFAULT_CAPABILITIES, noGvisorUnlessInstalled, podSecurityOnlyIfInstalled, procMountOnOwnNodes, userNamespacesOnOwnNodes } from './common';
import { assumed, verified } from './facts';
import { TargetFacts } from './types';

/** Any self-managed Kubernetes cluster with containerd nodes the operator controls. */
export const KUBERNETES: TargetFacts = {
  name: 'kubernetes',
  displayName: 'Self-managed Kubernetes',
  kind: 'kubernetes',
  privileged: verified(true, 'Kubernetes admits privileged pods unless admission forbids them (platforms.md §7)'),
  addableCapabilities: verified('any', 'platforms.md §7: only Pod Security levels limit them'),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, 'containerd oci/spec.go defaultUnixCaps'),
  customSeccomp: verified(true, 'kubernetes/website reference/node/seccomp.md'),
  profileDelivery: verified(['daemonset', 'security-profiles-operator'], 'platforms.md §1 ways 2 and 3'),
  defaultSeccomp: verified('unconfined', 'platforms.md §1: kubelet default is Unconfined unless seccompDefault: true'),
  hostPath: verified('any', 'Kubernetes core'),
  hostNamespaces: verified(true, 'Kubernetes core'),
  daemonSets: verified(true, 'Kubernetes core'),
  gvisor: noGvisorUnlessInstalled,
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: userNamespacesOnOwnNodes,
  procMount: procMountOnOwnNodes,
  admission: podSecurityOnlyIfInstalled,
  nodeOs: ['ubuntu', 'al2023', 'bottlerocket', 'cos'],
  securityModule: assumed(
    { ubuntu: 'apparmor', al2023: 'selinux', bottlerocket: 'selinux', cos: 'apparmor' },
    'platforms.md §1 (EKS BPG) for al2023 and bottlerocket; distribution defaults otherwise',
  ),
  noNewPrivileges: verified(true, 'Kubernetes securityContext.allowPrivilegeEscalation'),
  vmPerWorkload: verified(false, 'pods share the node kernel'),
  alternativeForSandbox: 'nodes you control with the kit\'s seccomp profiles installed',
};
