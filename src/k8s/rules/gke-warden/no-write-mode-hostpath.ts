import { GKE_AUTOPILOT } from '../../../targets/gke-autopilot';
import { SOURCES } from '../../../targets/sources';
import { allContainers } from '../../manifest';
import { PodRule } from '../rule';

/** hostPath volumes are read-only and under an allowed prefix (catalog: hostPathPrefixes). */
export const noWriteModeHostpath: PodRule = {
  id: 'autogke-no-write-mode-hostpath',
  description: 'hostPath volumes are read-only and under an allowed prefix (catalog: hostPathPrefixes).',
  source: SOURCES.wardenMessages,
  checkPod: (pod) => {
    const prefixes = GKE_AUTOPILOT.hostPathPrefixes?.value ?? [];
    const out: string[] = [];
    for (const vol of pod.spec.volumes ?? []) {
      if (!vol.hostPath) continue;
      if (!prefixes.some((p) => vol.hostPath!.path.startsWith(p))) {
        out.push(`hostPath volume ${vol.name} uses path ${vol.hostPath.path} which is not allowed in Autopilot. Allowed path prefixes for hostPath volumes are: [${prefixes.join(', ')}].`);
      }
      for (const c of allContainers(pod.spec)) {
        for (const m of c.volumeMounts ?? []) {
          if (m.name === vol.name && m.readOnly !== true) out.push(`hostPath volume ${vol.name} in container ${c.name} is accessed in write mode; disallowed in Autopilot.`);
        }
      }
    }
    return out;
  },
};
