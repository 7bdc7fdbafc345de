import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Every volume mount names a volume of the pod. */
export const volumeMountName: PodRule = {
  id: 'volume-mount-name',
  description: 'Every volume mount names a volume of the pod.',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    const volumes = new Set((pod.spec.volumes ?? []).map((v) => v.name));
    return allContainers(pod.spec).flatMap((c) => (c.volumeMounts ?? []).filter((m) => !volumes.has(m.name))
      .map((m) => `container "${c.name}": volumeMounts[${m.name}]: Not found`));
  },
};
