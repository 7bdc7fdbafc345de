import { EKS_FARGATE } from '../../../targets/eks-fargate';
import { PodRule } from '../rule';

/** No hostPath volume: a Fargate pod has no node of its own to mount from (catalog: hostPath). */
export const hostPath: PodRule = {
  id: 'host-path',
  description: 'No hostPath volume (catalog: hostPath).',
  source: EKS_FARGATE.hostPath.source,
  checkPod: (pod) => (EKS_FARGATE.hostPath.value === 'none'
    ? (pod.spec.volumes ?? []).filter((v) => v.hostPath).map((v) => `Pod not supported on Fargate: volumes not supported: ${v.name} is of an unsupported volume Type (hostPath)`)
    : []),
};
