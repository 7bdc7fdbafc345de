import { CONTAINER_DEFAULT_CAPABILITIES } from './common';
import { assumed, observed, verified } from './facts';
import { TargetFacts } from './types';

/** EKS pods on AWS Fargate (platforms.md §2). */
export const EKS_FARGATE: TargetFacts = {
  name: 'eks-fargate',
  displayName: 'Amazon EKS on Fargate',
  kind: 'kubernetes',
  privileged: verified(false, 'platforms.md §2: eks-user-guide nodes/fargate.adoc "Privileged containers aren\'t supported"'),
  addableCapabilities: observed([], 'platforms.md §2: fargate-scheduler rejects CAP_CHOWN, SYS_PTRACE, NET_ADMIN (frappe/helm#182, containers-roadmap#2162)'),
  defaultCapabilities: assumed(CONTAINER_DEFAULT_CAPABILITIES, 'Fargate runs containerd; default set not documented'),
  customSeccomp: assumed(false, 'platforms.md §2: no node access, no DaemonSets, no custom AMI or bootstrap args'),
  profileDelivery: assumed([], 'platforms.md §2'),
  defaultSeccomp: assumed('unknown', 'platforms.md §10 item 1: not documented'),
  hostPath: observed('none', 'platforms.md §2: "volumes not supported" (freegroup/kube-s3#14)'),
  hostNamespaces: verified(false, 'platforms.md §2: HostNetwork and HostPort not supported'),
  daemonSets: verified(false, 'platforms.md §2: "Daemonsets aren\'t supported"'),
  gvisor: verified('none', 'platforms.md §0'),
  userNamespaces: assumed({ supported: false }, 'platforms.md §0: unknown, assume no'),
  procMount: assumed({ unmasked: false }, 'platforms.md §0: not documented'),
  admission: observed('fargate-scheduler leaves unsupported pods Pending with "Pod not supported on Fargate" events', 'platforms.md §2'),
  nodeOs: [],
  securityModule: assumed({}, 'platforms.md §0: not documented'),
  noNewPrivileges: assumed(true, 'platforms.md §2: fargate-scheduler rejections seen are privileged, added capabilities, host network and ports, volumes; not allowPrivilegeEscalation'),
  vmPerWorkload: verified(true, 'platforms.md §2: each pod runs in its own VM with a dedicated kernel'),
  alternativeForSandbox: 'an EKS managed node group in the same cluster (target eks); keep the sandbox namespace out of every Fargate profile',
};
