import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: No container runs as uid 0. */
export const runAsUser: PodRule = {
  id: 'runAsUser',
  description: 'No container runs as uid 0.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_runAsUser.go',
  checkPod: (pod) => {
    const out = allContainers(pod.spec).filter((c) => (c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser) === 0)
      .map((c) => `container "${c.name}" must not set runAsUser=0`);
    if (pod.spec.securityContext?.runAsUser === 0) out.push('pod must not set runAsUser=0');
    return out;
  },
};
