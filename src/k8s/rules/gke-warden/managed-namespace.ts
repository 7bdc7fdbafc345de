import { GKE_AUTOPILOT } from '../../../targets/gke-autopilot';
import { SOURCES } from '../../../targets/sources';
import { ObjectRule } from '../rule';

/** Nothing goes into a namespace Autopilot manages (catalog: managedNamespaces). */
export const managedNamespace: ObjectRule = {
  id: 'managed-namespace',
  description: 'Nothing goes into a namespace Autopilot manages (catalog: managedNamespaces).',
  source: SOURCES.gkeAutopilotSecurity,
  checkObject: (object) => {
    const ns = object.metadata?.namespace;
    return ns && (GKE_AUTOPILOT.managedNamespaces?.value ?? []).includes(ns) ? [`GKEAutopilot authz: the namespace "${ns}" is managed`] : [];
  },
};
