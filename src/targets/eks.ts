import { CONTAINER_DEFAULT_CAPABILITIES, noGvisorUnlessInstalled, podSecurityOnlyIfInstalled, procMountOnOwnNodes, SELF_MANAGED_USERNS } from './common';
import { assumed, verified } from './facts';
import { TargetFacts } from './types';

/** Amazon EKS with EC2 managed node groups (platforms.md §1). */
export const EKS: TargetFacts = {
  name: 'eks',
  displayName: 'Amazon EKS on EC2 node groups',
  kind: 'kubernetes',
  privileged: verified(true, 'platforms.md §1: EKS adds no pod policy'),
  addableCapabilities: verified('any', 'platforms.md §1'),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, 'containerd oci/spec.go defaultUnixCaps'),
  customSeccomp: verified(true, 'platforms.md §1: kubernetes/website reference/node/seccomp.md'),
  profileDelivery: verified(
    ['daemonset', 'node-user-data', 'security-profiles-operator'],
    'platforms.md §1: launch template user data (nodeadm MIME), DaemonSet with hostPath, SPO',
  ),
  defaultSeccomp: verified('unconfined', 'platforms.md §1: kubelet default is Unconfined unless seccompDefault: true'),
  hostPath: verified('any', 'platforms.md §1'),
  hostNamespaces: verified(true, 'platforms.md §1'),
  daemonSets: verified(true, 'platforms.md §1'),
  gvisor: noGvisorUnlessInstalled,
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: assumed(
    SELF_MANAGED_USERNS,
    'platforms.md §1 and §10 item 5: AL2023 EKS AMI kernel and containerd versions not checked',
    'Check that the node AMI has Linux >= 6.3 and containerd >= 2.0; containerd 1.6 and older silently ignore hostUsers: false',
  ),
  procMount: procMountOnOwnNodes,
  admission: podSecurityOnlyIfInstalled,
  nodeOs: ['al2023', 'bottlerocket', 'ubuntu'],
  securityModule: verified(
    { al2023: 'selinux', bottlerocket: 'selinux', ubuntu: 'apparmor' },
    'platforms.md §1: EKS best practices guide, runtime security',
  ),
  noNewPrivileges: verified(true, 'Kubernetes securityContext.allowPrivilegeEscalation'),
  vmPerWorkload: verified(false, 'platforms.md §1: pods share the EC2 node kernel'),
  alternativeForSandbox: 'a managed node group with the kit\'s seccomp profiles (target eks)',
};

/** Facts that only hold for Ubuntu nodes: AppArmor restricts unprivileged user namespaces. */
export const UBUNTU_USERNS_RESTRICTION = assumed(
  'kernel.apparmor_restrict_unprivileged_userns=0 and kernel.apparmor_restrict_unprivileged_unconfined=0',
  'platforms.md §1: google/nsjail#236 (Ubuntu 23.10+ / 24.04)',
  'Without these sysctls NsJail fails with EPERM on mount(/, /)',
);
