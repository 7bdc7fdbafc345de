import { CONTAINER_DEFAULT_CAPABILITIES, noGvisorUnlessInstalled, podSecurityOnlyIfInstalled, procMountOnOwnNodes, SELF_MANAGED_USERNS } from './common';
import { assumed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { TargetFacts } from './types';

/** Amazon EKS with EC2 managed node groups (docs/platforms.md#eks). */
export const EKS: TargetFacts = {
  name: 'eks',
  displayName: 'Amazon EKS on EC2 node groups',
  kind: 'kubernetes',
  privileged: verified(true, `EKS adds no pod policy of its own; ${platformsDoc('eks')}`),
  addableCapabilities: verified('any', `EKS adds no pod policy of its own; ${platformsDoc('eks')}`),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, SOURCES.containerdDefaultCaps),
  customSeccomp: verified(true, SOURCES.k8sSeccomp),
  profileDelivery: verified(
    ['daemonset', 'node-user-data', 'security-profiles-operator'],
    `launch template user data (${SOURCES.nodeadm}), a DaemonSet with hostPath, the Security Profiles Operator (${SOURCES.securityProfilesOperator})`,
  ),
  defaultSeccomp: verified('unconfined', `kubelet default is Unconfined unless seccompDefault: true; ${SOURCES.k8sSeccomp}`),
  hostPath: verified('any', `EKS adds no pod policy of its own; ${platformsDoc('eks')}`),
  hostNamespaces: verified(true, `EKS adds no pod policy of its own; ${platformsDoc('eks')}`),
  daemonSets: verified(true, `Kubernetes core; ${platformsDoc('eks')}`),
  gvisor: noGvisorUnlessInstalled,
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: assumed(
    SELF_MANAGED_USERNS,
    `AL2023 EKS AMI kernel and containerd versions not checked (${platformsDoc('open-questions')}); ${SOURCES.k8sUserNamespaces}`,
    'Check that the node AMI has Linux >= 6.3 and containerd >= 2.0; containerd 1.6 and older silently ignore hostUsers: false',
  ),
  procMount: procMountOnOwnNodes,
  admission: podSecurityOnlyIfInstalled,
  nodeOs: ['al2023', 'bottlerocket', 'ubuntu'],
  securityModule: verified(
    { al2023: 'selinux', bottlerocket: 'selinux', ubuntu: 'apparmor' },
    SOURCES.eksBestPracticesRuntime,
  ),
  appArmorProfiles: assumed(true, `a privileged DaemonSet runs the host's apparmor_parser on Ubuntu nodes, as Retool's chart does (${SOURCES.retoolAppArmorLoader}); ${SOURCES.containerdAppArmor}`),
  egressFilter: verified({ by: 'network-policy', unfiltered: ['kubelet health probes from the node (the VPC CNI admits them)', 'pods that start before the VPC CNI applies their policies, unless it runs in strict mode (the kit\'s EKS stack sets strict)'] }, SOURCES.vpcCniNetworkPolicy),
  clusterDns: verified({ resolvers: [] }, 'CoreDNS pods labelled k8s-app=kube-dns; NodeLocal DNSCache only where you install it'),
  processLimit: verified({ setBy: 'node-operator', where: 'kubelet podPidsLimit: the kit\'s EKS stack sets it in the node groups\' nodeadm NodeConfig; nodes you bring need it in their kubelet configuration' }, `${SOURCES.kubeletPidLimit}; ${SOURCES.nodeadm}`),
  noNewPrivileges: verified(true, 'Kubernetes securityContext.allowPrivilegeEscalation'),
  vmPerWorkload: verified(false, 'pods share the EC2 node kernel'),
  alternativeForSandbox: 'a managed node group with the kit\'s seccomp profiles (target eks)',
  platformRules: verified([], 'only Kubernetes\' own admission (Pod Security levels, the API server), which the kit checks on every target'),
};

/** Facts that only hold for Ubuntu nodes: AppArmor restricts unprivileged user namespaces. */
export const UBUNTU_USERNS_RESTRICTION = assumed(
  'kernel.apparmor_restrict_unprivileged_userns=0 and kernel.apparmor_restrict_unprivileged_unconfined=0',
  `${SOURCES.ubuntuUserns} (Ubuntu 23.10+ / 24.04)`,
  'Without these sysctls NsJail fails with EPERM on mount(/, /)',
);
