import { allContainers, ProfileJson } from '../../manifest';
import { PodRule } from '../rule';

/** A Localhost seccomp or AppArmor profile names a relative path, and only type Localhost names one. */
export const localhostProfilePath: PodRule = {
  id: 'localhost-profile-path',
  description: 'A Localhost seccomp or AppArmor profile names a relative path, and only type Localhost names one.',
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    const out: string[] = [];
    const check = (where: string, field: string, p?: ProfileJson) => {
      if (!p) return;
      if (p.type === 'Localhost' && !p.localhostProfile) out.push(`${where}: ${field}.type Localhost requires ${field}.localhostProfile`);
      if (p.type !== 'Localhost' && p.localhostProfile !== undefined) out.push(`${where}: ${field}.localhostProfile may only be set with type Localhost`);
      if (p.localhostProfile !== undefined && (p.localhostProfile.startsWith('/') || p.localhostProfile.split('/').includes('..'))) {
        out.push(`${where}: ${field}.localhostProfile must be a relative path without ".."`);
      }
    };
    check('pod', 'securityContext.seccompProfile', pod.spec.securityContext?.seccompProfile);
    check('pod', 'securityContext.appArmorProfile', pod.spec.securityContext?.appArmorProfile);
    for (const c of allContainers(pod.spec)) {
      check(`container "${c.name}"`, 'securityContext.seccompProfile', c.securityContext?.seccompProfile);
      check(`container "${c.name}"`, 'securityContext.appArmorProfile', c.securityContext?.appArmorProfile);
    }
    return out;
  },
};
