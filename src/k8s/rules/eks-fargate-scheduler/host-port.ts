import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No host port or host IP. */
export const hostPort: PodRule = {
  id: 'host-port',
  description: 'No host port or host IP.',
  source: SOURCES.eksFargate,
  checkPod: (pod) => {
    return allContainers(pod.spec).filter((c) => (c.ports ?? []).some((p) => p.hostPort || p.hostIP))
      .map((c) => `Pod not supported on Fargate: port contains HostIP or HostPort (container ${c.name})`);
  },
};
