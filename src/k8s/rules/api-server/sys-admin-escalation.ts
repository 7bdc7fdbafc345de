import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** A container that adds CAP_SYS_ADMIN cannot set allowPrivilegeEscalation: false. */
export const sysAdminEscalation: PodRule = {
  id: 'sys-admin-escalation',
  description: 'A container that adds CAP_SYS_ADMIN cannot set allowPrivilegeEscalation: false.',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => c.securityContext?.allowPrivilegeEscalation === false && (c.securityContext.capabilities?.add ?? []).includes('CAP_SYS_ADMIN'))
      .map((c) => `container "${c.name}": securityContext: Invalid value: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`);
  },
};
