import { compareVersions } from '../../../policy/quantity';
import { PROC_MOUNT_USERNS_RELAXATION } from '../../../targets/pod-security-standards';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: procMount stays Default, except that from policy v1.35 a pod with hostUsers: false may set any value. */
export const procMount: PodRule = {
  id: 'procMount',
  description: 'procMount stays Default, except that from policy v1.35 a pod with hostUsers: false may set any value.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_procMount.go',
  checkPod: (pod, context) => {
    const relaxation = PROC_MOUNT_USERNS_RELAXATION.value;
    const free = pod.spec.hostUsers === false && compareVersions(context.policyVersion, relaxation) >= 0;
    if (free) return [];
    return allContainers(pod.spec).filter((c) => c.securityContext?.procMount !== undefined && c.securityContext.procMount !== 'Default')
      .map((c) => `container "${c.name}" must not set securityContext.procMount to "${c.securityContext!.procMount}"${pod.spec.hostUsers === false ? ` (allowed with hostUsers: false only from policy v${relaxation})` : ` (needs hostUsers: false and policy v${relaxation}+)`}`);
  },
};
