import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** procMount is Default or Unmasked. */
export const procMountValue: PodRule = {
  id: 'proc-mount-value',
  description: 'procMount is Default or Unmasked.',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.procMount !== undefined && !['Default', 'Unmasked'].includes(c.securityContext.procMount))
      .map((c) => `container "${c.name}": securityContext.procMount: Unsupported value "${c.securityContext!.procMount}"`);
  },
};
