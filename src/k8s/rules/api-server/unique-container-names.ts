import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Container names are unique within a pod (init and ephemeral containers included). */
export const uniqueContainerNames: PodRule = {
  id: 'unique-container-names',
  description: 'Container names are unique within a pod (init and ephemeral containers included).',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    const seen = new Set<string>();
    const out: string[] = [];
    for (const c of allContainers(pod.spec)) {
      if (seen.has(c.name)) out.push(`container "${c.name}": Duplicate value`);
      seen.add(c.name);
    }
    return out;
  },
};
