import { CONTAINER_DEFAULT_CAPABILITIES, noGvisorUnlessInstalled, podSecurityOnlyIfInstalled, procMountOnOwnNodes, userNamespacesOnOwnNodes } from './common';
import { assumed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { TargetFacts } from './types';

/** Any self-managed Kubernetes cluster with containerd nodes the operator controls (docs/platforms.md#kubernetes). */
export const KUBERNETES: TargetFacts = {
  name: 'kubernetes',
  displayName: 'Self-managed Kubernetes',
  kind: 'kubernetes',
  privileged: verified(true, `Kubernetes admits privileged pods unless admission forbids them: ${SOURCES.k8sPodSecurity}`),
  addableCapabilities: verified('any', `only Pod Security levels or policy engines limit them: ${SOURCES.k8sPodSecurity}`),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, SOURCES.containerdDefaultCaps),
  customSeccomp: verified(true, SOURCES.k8sSeccomp),
  profileDelivery: verified(['daemonset', 'security-profiles-operator'], `a DaemonSet with hostPath, or ${SOURCES.securityProfilesOperator}`),
  defaultSeccomp: verified('unconfined', `kubelet default is Unconfined unless seccompDefault: true: ${SOURCES.k8sSeccomp}`),
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
    `${SOURCES.eksBestPracticesRuntime} for al2023 and bottlerocket; distribution defaults otherwise (${platformsDoc('kubernetes')})`,
  ),
  appArmorProfiles: assumed(true, `a privileged DaemonSet runs the host's apparmor_parser (${SOURCES.retoolAppArmorLoader}); ${SOURCES.containerdAppArmor}`),
  egressFilter: assumed({ by: 'network-policy', unfiltered: ['whatever the cluster\'s CNI exempts from NetworkPolicies (often kubelet probes from the node)'] }, 'depends on the CNI; https://kubernetes.io/docs/concepts/services-networking/network-policies/'),
  clusterDns: verified({ resolvers: [] }, 'kube-dns/CoreDNS pods labelled k8s-app=kube-dns; NodeLocal DNSCache only where you install it'),
  processLimit: verified({ setBy: 'node-operator', where: 'kubelet podPidsLimit in the nodes\' KubeletConfiguration' }, SOURCES.kubeletPidLimit),
  noNewPrivileges: verified(true, 'Kubernetes securityContext.allowPrivilegeEscalation'),
  vmPerWorkload: verified(false, 'pods share the node kernel'),
  alternativeForSandbox: 'nodes you control with the kit\'s seccomp profiles installed',
  platformRules: verified([], 'only Kubernetes\' own admission (Pod Security levels, the API server), which the kit checks on every target'),
};
