import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Every container runs under a RuntimeDefault or Localhost seccomp profile (pod or container). */
export const seccompProfileRestricted: PodRule = {
  id: 'seccompProfile_restricted',
  description: 'Every container runs under a RuntimeDefault or Localhost seccomp profile (pod or container).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_seccompProfile_restricted.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => {
      const t = c.securityContext?.seccompProfile?.type ?? pod.spec.securityContext?.seccompProfile?.type;
      return t !== 'RuntimeDefault' && t !== 'Localhost';
    }).map((c) => `container "${c.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost" (pod or container)`);
  },
};
