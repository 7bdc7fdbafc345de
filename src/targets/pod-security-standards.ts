import { verified } from './facts';
import { SOURCES } from './sources';

/**
 * Kubernetes' Pod Security Standards, as pod-security-admission checks them: the facts behind
 * the kit's Pod Security rules (src/k8s/rules/pod-security/) and the planner's levels.
 */
const PSA = (check: string) => `kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/${check}.go; ${SOURCES.k8sPodSecurity}`;

/** Capabilities baseline lets a container add. */
export const BASELINE_ADDABLE_CAPABILITIES = verified<readonly string[]>(
  ['AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT'],
  PSA('check_capabilities_baseline'),
);

/** Capabilities restricted lets a container add (after dropping ALL). */
export const RESTRICTED_ADDABLE_CAPABILITIES = verified<readonly string[]>(['NET_BIND_SERVICE'], PSA('check_capabilities_restricted'));

/** Volume types restricted allows. */
export const RESTRICTED_VOLUME_TYPES = verified<readonly string[]>(
  ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'],
  PSA('check_restrictedVolumes'),
);

/** SELinux types baseline allows. */
export const BASELINE_SELINUX_TYPES = verified<readonly string[]>(['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'], PSA('check_seLinuxOptions'));

/** Safe sysctls, each with the policy version that added it. */
export const SAFE_SYSCTLS = verified<readonly (readonly [string, string])[]>([
  ['kernel.shm_rmid_forced', '1.0'], ['net.ipv4.ip_local_port_range', '1.0'], ['net.ipv4.tcp_syncookies', '1.0'],
  ['net.ipv4.ping_group_range', '1.0'], ['net.ipv4.ip_unprivileged_port_start', '1.0'],
  ['net.ipv4.ip_local_reserved_ports', '1.27'], ['net.ipv4.tcp_keepalive_time', '1.29'], ['net.ipv4.tcp_fin_timeout', '1.29'],
  ['net.ipv4.tcp_keepalive_intvl', '1.29'], ['net.ipv4.tcp_keepalive_probes', '1.29'],
], PSA('check_sysctls'));

/** Policy version from which baseline lets a pod with `hostUsers: false` set any procMount. */
export const PROC_MOUNT_USERNS_RELAXATION = verified('1.35', PSA('check_procMount'));

/**
 * API server version from which Pod Security's runAsNonRoot and runAsUser checks (restricted)
 * pass every pod with hostUsers: false, at every policy version: the UserNamespacesPodSecurityStandards
 * feature gate (alpha, off by default, 1.29 to 1.34) was removed and its relaxation made
 * unconditional. Before it, such a pod running as root fails restricted.
 */
export const RUN_AS_ROOT_USERNS_RELAXATION = verified(
  '1.35',
  'kubernetes/kubernetes PR #132157 (drop UserNamespacesPodSecurityStandards); staging/src/k8s.io/pod-security-admission/policy/check_runAsNonRoot.go and check_runAsUser.go (relaxPolicyForUserNamespacePod); https://kubernetes.io/docs/reference/command-line-tools-reference/feature-gates-removed/',
);
