import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Pod Security: Containers may not use host ports. */
export const hostPorts: PodRule = {
  id: 'hostPorts',
  description: 'Containers may not use host ports.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_hostPorts.go',
  checkPod: (pod) => {
    return allContainers(pod.spec).flatMap((c) => (c.ports ?? []).filter((p) => p.hostPort).map((p) => `container "${c.name}" uses hostPort ${p.hostPort}`));
  },
};
