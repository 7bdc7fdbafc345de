import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No container uses host ports. */
export const noHostPort: PodRule = {
  id: 'autogke-no-host-port',
  description: 'No container uses host ports.',
  source: SOURCES.wardenMessages,
  checkPod: (pod) => {
    return allContainers(pod.spec).flatMap((c) => {
      const ports = (c.ports ?? []).filter((p) => p.hostPort).map((p) => p.hostPort);
      return ports.length ? [`container ${c.name} specifies host ports [${ports.join(', ')}], which are disallowed in Autopilot.`] : [];
    });
  },
};
