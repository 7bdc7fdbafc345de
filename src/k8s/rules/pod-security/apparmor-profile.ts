import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

const ANNOTATION = 'container.apparmor.security.beta.kubernetes.io/';

/** Pod Security: AppArmor may only be the runtime default or a Localhost profile (annotation before 1.30, field since). */
export const apparmorProfile: PodRule = {
  id: 'appArmorProfile',
  description: 'AppArmor may only be the runtime default or a Localhost profile (annotation before 1.30, field since).',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_appArmorProfile.go',
  checkPod: (pod) => {
    const out: string[] = [];
    for (const [k, val] of Object.entries(pod.metadata.annotations ?? {})) {
      if (k.startsWith(ANNOTATION) && !(val === 'runtime/default' || val.startsWith('localhost/') || val === '')) {
        out.push(`annotation ${k}="${val}" (only runtime/default or localhost/* are allowed)`);
      }
    }
    const ok = (t?: string) => t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
    const podType = pod.spec.securityContext?.appArmorProfile?.type;
    if (!ok(podType)) out.push(`pod must not set securityContext.appArmorProfile.type to "${podType}"`);
    for (const c of allContainers(pod.spec)) {
      const t = c.securityContext?.appArmorProfile?.type;
      if (!ok(t)) out.push(`container "${c.name}" must not set securityContext.appArmorProfile.type to "${t}"`);
    }
    return out;
  },
};
