import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** procMount: Unmasked needs hostUsers: false. */
export const procMountHostUsers: PodRule = {
  id: 'proc-mount-host-users',
  description: 'procMount: Unmasked needs hostUsers: false.',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    if (pod.spec.hostUsers === false) return [];
    return allContainers(pod.spec).filter((c) => c.securityContext?.procMount === 'Unmasked')
      .map((c) => `container "${c.name}": securityContext.procMount: Invalid value: "Unmasked": \`hostUsers\` must be false to use \`Unmasked\``);
  },
};
