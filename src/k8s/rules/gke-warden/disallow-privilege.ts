import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No container is privileged. */
export const disallowPrivilege: PodRule = {
  id: 'autogke-disallow-privilege',
  description: 'No container is privileged.',
  source: SOURCES.wardenMessages,
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.privileged).map((c) => `container ${c.name} is privileged; not allowed in Autopilot`);
  },
};
