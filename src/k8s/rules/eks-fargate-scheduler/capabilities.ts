import { EKS_FARGATE } from '../../../targets/eks-fargate';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No added capability beyond what the scheduler admits (catalog: addableCapabilities, none observed). */
export const capabilities: PodRule = {
  id: 'capabilities',
  description: 'No added capability beyond what the scheduler admits (catalog: addableCapabilities, none observed).',
  source: EKS_FARGATE.addableCapabilities.source,
  checkPod: (pod) => {
    const allowed = EKS_FARGATE.addableCapabilities.value;
    return allContainers(pod.spec).flatMap((c) => {
      const bad = allowed === 'any' ? [] : (c.securityContext?.capabilities?.add ?? []).filter((cap) => !allowed.includes(cap));
      return bad.length ? [`Pod not supported on Fargate: invalid SecurityContext fields: Capabilities added: ${bad.join(', ')} (container ${c.name})`] : [];
    });
  },
};
