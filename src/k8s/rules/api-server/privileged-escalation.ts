import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** A privileged container cannot also set allowPrivilegeEscalation: false (cdk8s-plus emits that pair itself). */
export const privilegedEscalation: PodRule = {
  id: 'privileged-escalation',
  description: 'A privileged container cannot also set allowPrivilegeEscalation: false (cdk8s-plus emits that pair itself).',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.privileged === true && c.securityContext.allowPrivilegeEscalation === false)
      .map((c) => `container "${c.name}": securityContext: Invalid value: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`);
  },
};
