import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No privileged container (catalog: privileged). */
export const privileged: PodRule = {
  id: 'privileged',
  description: 'No privileged container (catalog: privileged).',
  source: SOURCES.eksFargate,
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.privileged).map((c) => `Pod not supported on Fargate: invalid SecurityContext fields: Privileged (container ${c.name})`);
  },
};
