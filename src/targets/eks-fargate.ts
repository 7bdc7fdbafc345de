import { CONTAINER_DEFAULT_CAPABILITIES } from './common';
import { assumed, observed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { TargetFacts } from './types';

/** EKS pods on AWS Fargate (docs/platforms.md#eks-fargate). */
export const EKS_FARGATE: TargetFacts = {
  name: 'eks-fargate',
  displayName: 'Amazon EKS on Fargate',
  kind: 'kubernetes',
  privileged: verified(false, `${SOURCES.eksFargate}: "Privileged containers aren't supported"`),
  addableCapabilities: observed([], `the Fargate scheduler rejects CAP_CHOWN, SYS_PTRACE, NET_ADMIN: ${SOURCES.fargateCapabilityRejections}`),
  defaultCapabilities: assumed(CONTAINER_DEFAULT_CAPABILITIES, 'Fargate runs containerd; default set not documented'),
  customSeccomp: assumed(false, `no node access, no DaemonSets, no custom AMI or kubelet arguments: ${SOURCES.eksFargate}`),
  profileDelivery: assumed([], `no way to put a file on a Fargate node: ${SOURCES.eksFargate}`),
  defaultSeccomp: assumed('unknown', `not documented (${platformsDoc('open-questions')})`),
  hostPath: observed('none', `"volumes not supported": ${SOURCES.fargateVolumeRejection}`),
  hostNamespaces: verified(false, `HostNetwork and HostPort not supported: ${SOURCES.eksFargate}`),
  daemonSets: verified(false, `"Daemonsets aren't supported": ${SOURCES.eksFargate}`),
  gvisor: verified('none', `no RuntimeClass and no node access: ${SOURCES.eksFargate}`),
  userNamespaces: assumed({ supported: false }, `not documented, assume no (${platformsDoc('eks-fargate')})`),
  procMount: assumed({ unmasked: false }, `not documented (${platformsDoc('eks-fargate')})`),
  admission: observed('fargate-scheduler leaves unsupported pods Pending with "Pod not supported on Fargate" events', `${SOURCES.eksFargate}; ${platformsDoc('eks-fargate')}`),
  nodeOs: [],
  securityModule: assumed({}, `not documented (${platformsDoc('eks-fargate')})`),
  appArmorProfiles: verified(false, `Fargate runs no DaemonSets and exposes no node (${SOURCES.eksFargate})`),
  egressFilter: verified({ by: 'security-group', unfiltered: ['the Amazon-provided DNS resolver', 'link-local services security groups do not filter'] }, `${SOURCES.eksPodSecurityGroups}; ${SOURCES.sgUnfiltered}`),
  clusterDns: verified({ resolvers: [] }, 'CoreDNS pods; NetworkPolicies do not apply to Fargate pods'),
  processLimit: assumed({ setBy: 'none', where: 'Fargate manages the kubelet; each pod runs in its own VM, which bounds what a fork bomb reaches' }, SOURCES.eksFargate),
  noNewPrivileges: assumed(true, `the Fargate scheduler rejections seen are privileged, added capabilities, host network and ports, volumes; not allowPrivilegeEscalation (${platformsDoc('eks-fargate')})`),
  vmPerWorkload: verified(true, `each pod runs in its own VM with a dedicated kernel: ${SOURCES.eksFargate}`),
  alternativeForSandbox: 'an EKS managed node group in the same cluster (target eks); keep the sandbox namespace out of every Fargate profile',
  platformRules: observed(['eks-fargate-scheduler'], `the Fargate scheduler's refusals: ${SOURCES.eksFargate}; ${SOURCES.fargateCapabilityRejections}; ${SOURCES.fargateVolumeRejection}`),
  volumeTypes: observed(['emptyDir', 'configMap', 'secret', 'projected', 'downwardAPI', 'persistentVolumeClaim'], `other volume types are "of an unsupported volume Type": ${SOURCES.fargateVolumeRejection}; ${SOURCES.eksFargate}`),
};
