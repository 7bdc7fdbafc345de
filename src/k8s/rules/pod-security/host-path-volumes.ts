import { PodRule } from '../rule';

/** Pod Security: Pods may not mount hostPath volumes. */
export const hostPathVolumes: PodRule = {
  id: 'hostPathVolumes',
  description: 'Pods may not mount hostPath volumes.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_hostPathVolumes.go',
  checkPod: (pod) => {
    return (pod.spec.volumes ?? []).filter((v) => v.hostPath).map((v) => `volume "${v.name}" is a hostPath volume (${v.hostPath!.path})`);
  },
};
