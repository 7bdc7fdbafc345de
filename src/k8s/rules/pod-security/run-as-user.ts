import { compareVersions } from '../../../policy/quantity';
import { RUN_AS_ROOT_USERNS_RELAXATION } from '../../../targets/pod-security-standards';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: No container runs as uid 0. */
export const runAsUser: PodRule = {
  id: 'runAsUser',
  description: 'No container runs as uid 0.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_runAsUser.go',
  checkPod: (pod, context) => {
    // From API server 1.35 a pod with hostUsers: false passes, at every policy version (its uid 0 is not the host's).
    if (pod.spec.hostUsers === false && compareVersions(context.policyVersion, RUN_AS_ROOT_USERNS_RELAXATION.value) >= 0) return [];
    const out = allContainers(pod.spec).filter((c) => (c.securityContext?.runAsUser ?? pod.spec.securityContext?.runAsUser) === 0)
      .map((c) => `container "${c.name}" must not set runAsUser=0`);
    if (pod.spec.securityContext?.runAsUser === 0) out.push('pod must not set runAsUser=0');
    return out;
  },
};
