import { PodRule } from '../rule';

/** Pod Security: Pods may not share the node's network, PID or IPC namespace. */
export const hostNamespaces: PodRule = {
  id: 'hostNamespaces',
  description: 'Pods may not share the node\'s network, PID or IPC namespace.',
  source: 'kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_hostNamespaces.go',
  checkPod: (pod) => {
    const out: string[] = [];
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) if (pod.spec[field]) out.push(`host namespaces (${field}=true)`);
    return out;
  },
};
