import { RESTRICTED_ADDABLE_CAPABILITIES } from '../../../targets/pod-security-standards';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Every container drops ALL capabilities and adds none but NET_BIND_SERVICE (catalog: RESTRICTED_ADDABLE_CAPABILITIES). */
export const capabilitiesRestricted: PodRule = {
  id: 'capabilities_restricted',
  description: 'Every container drops ALL capabilities and adds none but NET_BIND_SERVICE (catalog: RESTRICTED_ADDABLE_CAPABILITIES).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_capabilities_restricted.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).flatMap((c) => {
      const out: string[] = [];
      if (!(c.securityContext?.capabilities?.drop ?? []).includes('ALL')) out.push(`container "${c.name}" must set securityContext.capabilities.drop=["ALL"]`);
      const added = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !RESTRICTED_ADDABLE_CAPABILITIES.value.includes(cap));
      if (added.length) out.push(`container "${c.name}" must not include ${added.map((x) => `"${x}"`).join(', ')} in securityContext.capabilities.add`);
      return out;
    });
  },
};
