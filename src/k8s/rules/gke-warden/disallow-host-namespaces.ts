import { SOURCES } from '../../../targets/sources';
import { PodRule } from '../rule';

/** No pod shares the node's PID, network or IPC namespace. */
export const disallowHostNamespaces: PodRule = {
  id: 'autogke-disallow-hostnamespaces',
  description: "No pod shares the node's PID, network or IPC namespace.",
  source: SOURCES.wardenMessages,
  checkPod: (pod) => {
    return (['hostPID', 'hostNetwork', 'hostIPC'] as const).filter((f) => pod.spec[f]).map((f) => `enabling ${f} is not allowed in Autopilot.`);
  },
};
