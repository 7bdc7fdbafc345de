import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Every container sets allowPrivilegeEscalation: false. */
export const allowPrivilegeEscalation: PodRule = {
  id: 'allowPrivilegeEscalation',
  description: 'Every container sets allowPrivilegeEscalation: false.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_allowPrivilegeEscalation.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.allowPrivilegeEscalation !== false)
      .map((c) => `container "${c.name}" must set securityContext.allowPrivilegeEscalation=false`);
  },
};
