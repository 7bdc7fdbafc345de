import { compareVersions } from '../../../policy/quantity';
import { SAFE_SYSCTLS } from '../../../targets/pod-security-standards';
import { PodRule } from '../rule';

/** Pod Security: Pods may set only the safe sysctls of the policy version. */
export const sysctls: PodRule = {
  id: 'sysctls',
  description: 'Pods may set only the safe sysctls of the policy version.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_sysctls.go',
  checkPod: (pod, context) => {
    return (pod.spec.securityContext?.sysctls ?? []).filter((s) => {
      const safe = SAFE_SYSCTLS.value.find(([n]) => n === s.name);
      return !safe || compareVersions(context.policyVersion, safe[1]) < 0;
    }).map((s) => `sysctl ${s.name} is not in the safe set of policy v${context.policyVersion}`);
  },
};
