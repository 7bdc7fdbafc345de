import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Seccomp may not be Unconfined. */
export const seccompProfileBaseline: PodRule = {
  id: 'seccompProfile_baseline',
  description: 'Seccomp may not be Unconfined.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_seccompProfile_baseline.go',
  checkPod: (pod) => {
    const out: string[] = [];
    if (pod.spec.securityContext?.seccompProfile?.type === 'Unconfined') out.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
    for (const c of allContainers(pod.spec)) {
      if (c.securityContext?.seccompProfile?.type === 'Unconfined') out.push(`container "${c.name}" must not set securityContext.seccompProfile.type to "Unconfined"`);
    }
    return out;
  },
};
