import { EKS_FARGATE } from '../../../targets/eks-fargate';
import { SOURCES } from '../../../targets/sources';
import { PodRule } from '../rule';

/** Only the volume types Fargate admits; no hostPath (catalog: volumeTypes). */
export const volumeType: PodRule = {
  id: 'volume-type',
  description: 'Only the volume types Fargate admits (catalog: volumeTypes; hostPath has its own rule).',
  source: EKS_FARGATE.volumeTypes?.source ?? SOURCES.fargateVolumeRejection,
  checkPod: (pod) => {
    const admitted = EKS_FARGATE.volumeTypes?.value ?? [];
    return (pod.spec.volumes ?? []).map((v) => ({ v, type: Object.keys(v).find((k) => k !== 'name') ?? '(none)' }))
      .filter(({ type }) => type !== 'hostPath' && !admitted.includes(type))
      .map(({ v, type }) => `Pod not supported on Fargate: volumes not supported: ${v.name} is of an unsupported volume Type (${type})`);
  },
};
