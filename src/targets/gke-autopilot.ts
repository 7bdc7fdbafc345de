import { CONTAINER_DEFAULT_CAPABILITIES } from './common';
import { assumed, observed, verified } from './facts';
import { Capability, TargetFacts } from './types';

/**
 * The only capabilities GKE Warden lets a container add, exactly as its message lists them
 * (platforms.md §3 [O]: CrowdStrike/falcon-helm#310, SumoLogic#3437).
 */
export const AUTOPILOT_CAPABILITIES: readonly Capability[] = [
  'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
  'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT', 'SYS_PTRACE',
];

/** GKE Autopilot, enforced by GKE Warden (platforms.md §3). */
export const GKE_AUTOPILOT: TargetFacts = {
  name: 'gke-autopilot',
  displayName: 'GKE Autopilot',
  kind: 'kubernetes',
  privileged: observed(false, 'platforms.md §3: [denied by autogke-disallow-privilege]', 'Only a WorkloadAllowlist can exempt a pod'),
  addableCapabilities: observed(AUTOPILOT_CAPABILITIES, 'platforms.md §3: autogke-default-linux-capabilities message'),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, 'containerd oci/spec.go defaultUnixCaps'),
  customSeccomp: assumed(
    false,
    'platforms.md §3: hostPath is read-only under /var/log/ and no privileged DaemonSets, so no profile reaches the node',
  ),
  profileDelivery: assumed([], 'platforms.md §3'),
  defaultSeccomp: verified('runtime-default', 'platforms.md §3: GKE applies the containerd default profile to all workloads'),
  hostPath: observed('read-only-var-log', 'platforms.md §3: [denied by autogke-no-write-mode-hostpath]'),
  hostNamespaces: observed(false, 'platforms.md §3: [denied by autogke-disallow-hostnamespaces]'),
  daemonSets: verified(true, 'Autopilot runs DaemonSets that pass Warden'),
  gvisor: verified('built-in', 'platforms.md §3: GKE Sandbox ready in Autopilot >= 1.27.4-gke.800, how-to/sandbox-pods'),
  gvisorRuntimeClassName: 'gvisor',
  userNamespaces: assumed({ supported: false }, 'platforms.md §3: no rule found; do not rely on hostUsers: false until tested'),
  procMount: assumed({ unmasked: false }, 'platforms.md §3: assume Pod Security baseline (no procMount: Unmasked)'),
  admission: verified(
    'GKE Warden validating webhook: Pod Security baseline with modifications plus many restricted constraints',
    'platforms.md §3: concepts/autopilot-security',
  ),
  nodeOs: ['cos'],
  securityModule: assumed({ cos: 'apparmor' }, 'Container-Optimized OS ships AppArmor'),
  noNewPrivileges: verified(true, 'platforms.md §3: Autopilot enforces many restricted constraints, allowPrivilegeEscalation: false among them'),
  vmPerWorkload: verified(false, 'GKE Sandbox puts gVisor, not a VM, around the pod'),
  alternativeForSandbox: 'GKE Sandbox (runtimeClassName: gvisor), or a GKE Standard node pool (target gke-standard)',
};
