import { BASELINE_ADDABLE_CAPABILITIES } from '../../../targets/pod-security-standards';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Containers may add only the capabilities baseline lists (catalog: BASELINE_ADDABLE_CAPABILITIES). */
export const capabilitiesBaseline: PodRule = {
  id: 'capabilities_baseline',
  description: 'Containers may add only the capabilities baseline lists (catalog: BASELINE_ADDABLE_CAPABILITIES).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_capabilities_baseline.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).flatMap((c) => {
      const bad = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_ADDABLE_CAPABILITIES.value.includes(cap));
      return bad.length ? [`container "${c.name}" must not include ${bad.map((x) => `"${x}"`).join(', ')} in securityContext.capabilities.add`] : [];
    });
  },
};
