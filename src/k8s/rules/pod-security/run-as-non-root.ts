import { compareVersions } from '../../../policy/quantity';
import { RUN_AS_ROOT_USERNS_RELAXATION } from '../../../targets/pod-security-standards';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Every container runs with runAsNonRoot: true (pod or container). */
export const runAsNonRoot: PodRule = {
  id: 'runAsNonRoot',
  description: 'Every container runs with runAsNonRoot: true (pod or container).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_runAsNonRoot.go',
  checkPod: (pod, context) => {
    // From API server 1.35 a pod with hostUsers: false passes, at every policy version (its uid 0 is not the host's).
    if (pod.spec.hostUsers === false && compareVersions(context.policyVersion, RUN_AS_ROOT_USERNS_RELAXATION.value) >= 0) return [];
    return allContainers(pod.spec).filter((c) => (c.securityContext?.runAsNonRoot ?? pod.spec.securityContext?.runAsNonRoot) !== true)
      .map((c) => `container "${c.name}" must set securityContext.runAsNonRoot=true (pod or container)`);
  },
};
