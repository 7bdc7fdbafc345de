import { BASELINE_SELINUX_TYPES } from '../../../targets/pod-security-standards';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: SELinux options may set only the container types baseline lists, and no user or role. */
export const selinuxOptions: PodRule = {
  id: 'seLinuxOptions',
  description: 'SELinux options may set only the container types baseline lists, and no user or role.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_seLinuxOptions.go',
  checkPod: (pod) => {
    const out: string[] = [];
    const check = (where: string, o?: { type?: string; user?: string; role?: string }) => {
      if (!o) return;
      if (!BASELINE_SELINUX_TYPES.value.includes(o.type ?? '')) out.push(`${where} sets seLinuxOptions.type "${o.type}"`);
      if (o.user) out.push(`${where} sets seLinuxOptions.user`);
      if (o.role) out.push(`${where} sets seLinuxOptions.role`);
    };
    check('pod', pod.spec.securityContext?.seLinuxOptions);
    for (const c of allContainers(pod.spec)) check(`container "${c.name}"`, c.securityContext?.seLinuxOptions);
    return out;
  },
};
