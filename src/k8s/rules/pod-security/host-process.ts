import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Windows HostProcess pods are forbidden. */
export const hostProcess: PodRule = {
  id: 'hostProcess',
  description: 'Windows HostProcess pods are forbidden.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_windowsHostProcess.go',
  checkPod: (pod) => {
    const out: string[] = [];
    if (pod.spec.securityContext?.windowsOptions?.hostProcess) out.push('pod sets windowsOptions.hostProcess=true');
    for (const c of allContainers(pod.spec)) if (c.securityContext?.windowsOptions?.hostProcess) out.push(`container "${c.name}" sets windowsOptions.hostProcess=true`);
    return out;
  },
};
