import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: No container may be privileged. */
export const privileged: PodRule = {
  id: 'privileged',
  description: 'No container may be privileged.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_privileged.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.privileged).map((c) => `container "${c.name}" must not set securityContext.privileged=true`);
  },
};
