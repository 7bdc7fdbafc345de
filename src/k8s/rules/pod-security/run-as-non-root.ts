import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Every container runs with runAsNonRoot: true (pod or container). */
export const runAsNonRoot: PodRule = {
  id: 'runAsNonRoot',
  description: 'Every container runs with runAsNonRoot: true (pod or container).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_runAsNonRoot.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => (c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot) !== true)
      .map((c) => `container "${c.name}" must set securityContext.runAsNonRoot=true (pod or container)`);
  },
};
