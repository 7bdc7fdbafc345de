import { TARGETS } from '../../../targets';
import { ConfigRule } from '../rule';

/** kubernetesVersion means nothing on ECS: say so rather than ignore it. */
export const kubernetesVersionOnKubernetesTargets: ConfigRule<'config'> = {
  id: 'kubernetes-version-on-kubernetes-targets',
  description: 'kubernetesVersion applies only to Kubernetes targets.',
  check: (c) => {
    const facts = TARGETS[c.target];
    if (!facts || c.kubernetesVersion === undefined || facts.kind === 'kubernetes') return [];
    return [{ field: 'kubernetesVersion', message: `target "${facts.name}" is not a Kubernetes target`, alternatives: ['remove kubernetesVersion'] }];
  },
};
