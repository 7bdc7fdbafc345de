import { GKE_AUTOPILOT } from '../../../targets/gke-autopilot';
import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** Containers add only the capabilities Autopilot lists, named without the CAP_ prefix (catalog: addableCapabilities). */
export const defaultLinuxCapabilities: PodRule = {
  id: 'autogke-default-linux-capabilities',
  description: 'Containers add only the capabilities Autopilot lists, named without the CAP_ prefix (catalog: addableCapabilities).',
  source: SOURCES.wardenCapabilities,
  checkPod: (pod) => {
    const allowed = GKE_AUTOPILOT.addableCapabilities.value;
    const list = allowed === 'any' ? [] : allowed;
    return allContainers(pod.spec).flatMap((c) => {
      const bad = allowed === 'any' ? [] : (c.securityContext?.capabilities?.add ?? []).filter((cap) => !list.includes(cap));
      return bad.length ? [`linux capability '${bad.join(',')}' on container '${c.name}' not allowed; Autopilot only allows the capabilities: '${list.join(',')}'.`] : [];
    });
  },
};
