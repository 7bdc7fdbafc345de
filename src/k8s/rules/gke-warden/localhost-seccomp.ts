import { GKE_AUTOPILOT } from '../../../targets/gke-autopilot';
import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** No pod references a Localhost seccomp profile: no Autopilot node can hold one (catalog: customSeccomp). */
export const localhostSeccomp: PodRule = {
  id: 'localhost-seccomp',
  description: 'No pod references a Localhost seccomp profile: no Autopilot node can hold one (catalog: customSeccomp).',
  source: `${SOURCES.wardenMessages}; ${GKE_AUTOPILOT.customSeccomp.source}`,
  checkPod: (pod) => {
    const out: string[] = [];
    const p = pod.spec.securityContext?.seccompProfile;
    if (p?.type === 'Localhost') out.push(`pod references Localhost profile ${p.localhostProfile}, which no Autopilot node can hold`);
    for (const c of allContainers(pod.spec)) {
      const cp = c.securityContext?.seccompProfile;
      if (cp?.type === 'Localhost') out.push(`container ${c.name} references Localhost profile ${cp.localhostProfile}, which no Autopilot node can hold`);
    }
    return out;
  },
};
