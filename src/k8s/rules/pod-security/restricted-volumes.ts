import { RESTRICTED_VOLUME_TYPES } from '../../../targets/pod-security-standards';
import { PodRule } from '../rule';

/** Pod Security: Only the volume types restricted lists (catalog: RESTRICTED_VOLUME_TYPES). */
export const restrictedVolumes: PodRule = {
  id: 'restrictedVolumes',
  description: 'Only the volume types restricted lists (catalog: RESTRICTED_VOLUME_TYPES).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_restrictedVolumes.go',
  checkPod: (pod) => {
    return (pod.spec.volumes ?? []).map((v) => ({ v, type: Object.keys(v).find((k) => k !== 'name') ?? '(none)' }))
      .filter(({ type }) => !RESTRICTED_VOLUME_TYPES.value.includes(type))
      .map(({ v, type }) => `volume "${v.name}" uses restricted volume type "${type}"`);
  },
};
