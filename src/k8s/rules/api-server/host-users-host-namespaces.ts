import { PodRule } from '../rule';

/** With hostUsers: false, a pod may not share the node's network, PID or IPC namespace. */
export const hostUsersHostNamespaces: PodRule = {
  id: 'host-users-host-namespaces',
  description: "With hostUsers: false, a pod may not share the node's network, PID or IPC namespace.",
  source: 'kubernetes/kubernetes pkg/apis/core/validation/validation.go',
  checkPod: (pod) => {
    if (pod.spec.hostUsers !== false) return [];
    return (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((f) => pod.spec[f])
      .map((f) => `spec.hostUsers: Forbidden: when \`hostUsers\` is false, ${f} must be false`);
  },
};
