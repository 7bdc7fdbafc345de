import { KubernetesRule } from '../rule';
import { managedNamespace } from './managed-namespace';
import { disallowHostNamespaces } from './disallow-host-namespaces';
import { localhostSeccomp } from './localhost-seccomp';
import { disallowPrivilege } from './disallow-privilege';
import { defaultLinuxCapabilities } from './default-linux-capabilities';
import { noHostPort } from './no-host-port';
import { noWriteModeHostpath } from './no-write-mode-hostpath';

/** GKE Warden's Autopilot constraints (docs/platforms.md#gke-autopilot). */
export const GKE_WARDEN_RULES: readonly KubernetesRule[] = [
  managedNamespace,
  disallowHostNamespaces,
  localhostSeccomp,
  disallowPrivilege,
  defaultLinuxCapabilities,
  noHostPort,
  noWriteModeHostpath,
];
