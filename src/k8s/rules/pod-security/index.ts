import { PodRule } from '../rule';
import { hostNamespaces } from './host-namespaces';
import { hostProcess } from './host-process';
import { privileged } from './privileged';
import { capabilitiesBaseline } from './capabilities-baseline';
import { hostPathVolumes } from './host-path-volumes';
import { hostPorts } from './host-ports';
import { apparmorProfile } from './apparmor-profile';
import { selinuxOptions } from './selinux-options';
import { procMount } from './proc-mount';
import { seccompProfileBaseline } from './seccomp-profile-baseline';
import { sysctls } from './sysctls';
import { restrictedVolumes } from './restricted-volumes';
import { allowPrivilegeEscalation } from './allow-privilege-escalation';
import { runAsNonRoot } from './run-as-non-root';
import { runAsUser } from './run-as-user';
import { seccompProfileRestricted } from './seccomp-profile-restricted';
import { capabilitiesRestricted } from './capabilities-restricted';

/** Pod Security baseline: what it forbids (pod-security-admission's baseline checks). */
export const BASELINE_RULES: readonly PodRule[] = [
  hostNamespaces,
  hostProcess,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  apparmorProfile,
  selinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
];

/** Pod Security restricted: what it forbids on top of baseline. */
export const RESTRICTED_RULES: readonly PodRule[] = [
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
];
