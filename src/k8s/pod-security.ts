import { PodSecurityLevel } from '../policy/plan';
import { BASELINE_CAPABILITIES, PROC_MOUNT_USERNS_RELAXATION } from '../policy/pod-security-level';
import { compareVersions } from '../policy/quantity';
import { allContainers, ContainerJson, ObjectMetaJson, PodSpecJson } from './manifest';

/**
 * An offline Pod Security Standards checker, modelled on the pod-security-admission checks
 * (kubernetes/kubernetes staging/src/k8s.io/pod-security-admission/policy/check_*.go) as listed
 * in docs/platforms.md#pod-security-standards. No maintained JavaScript implementation of them exists.
 */

/** One check that failed. */
export interface PodSecurityViolation {
  /** The level whose rule failed. */
  readonly level: Exclude<PodSecurityLevel, 'privileged'>;
  /** Check name, as in the PSA code (`privileged`, `capabilities_restricted`, ...). */
  readonly check: string;
  /** What is wrong, naming the container or field. */
  readonly message: string;
}

/** Capabilities baseline allows to add: one list for the planner and this checker. */
export { BASELINE_CAPABILITIES, PROC_MOUNT_USERNS_RELAXATION } from '../policy/pod-security-level';

/** Volume types restricted allows (check_restrictedVolumes.go). */
export const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** SELinux types baseline allows (check_seLinuxOptions.go). */
const SELINUX_TYPES = ['', 'container_t', 'container_init_t', 'container_kvm_t', 'container_engine_t'];

/** Safe sysctls, by the policy version that added them (check_sysctls.go). */
const SAFE_SYSCTLS: readonly [string, string][] = [
  ['kernel.shm_rmid_forced', '1.0'], ['net.ipv4.ip_local_port_range', '1.0'], ['net.ipv4.tcp_syncookies', '1.0'],
  ['net.ipv4.ping_group_range', '1.0'], ['net.ipv4.ip_unprivileged_port_start', '1.0'],
  ['net.ipv4.ip_local_reserved_ports', '1.27'], ['net.ipv4.tcp_keepalive_time', '1.29'], ['net.ipv4.tcp_fin_timeout', '1.29'],
  ['net.ipv4.tcp_keepalive_intvl', '1.29'], ['net.ipv4.tcp_keepalive_probes', '1.29'],
];

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

function volumeType(v: Record<string, unknown>): string {
  return Object.keys(v).find((k) => k !== 'name') ?? '(none)';
}

/** Baseline checks. */
function baseline(meta: ObjectMetaJson, spec: PodSpecJson, version: string): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const v = (check: string, message: string) => out.push({ level: 'baseline', check, message });
  const containers = allContainers(spec);
  const each = (f: (c: ContainerJson) => void) => containers.forEach(f);

  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
    if (spec[field]) v('hostNamespaces', `host namespaces (${field}=true)`);
  }
  if (spec.securityContext?.windowsOptions?.hostProcess) v('hostProcess', 'pod sets windowsOptions.hostProcess=true');
  each((c) => {
    if (c.securityContext?.windowsOptions?.hostProcess) v('hostProcess', `container "${c.name}" sets windowsOptions.hostProcess=true`);
    if (c.securityContext?.privileged) v('privileged', `container "${c.name}" must not set securityContext.privileged=true`);
    const bad = (c.securityContext?.capabilities?.add ?? []).filter((cap) => !BASELINE_CAPABILITIES.includes(cap));
    if (bad.length) v('capabilities_baseline', `container "${c.name}" must not include ${bad.map((x) => `"${x}"`).join(', ')} in securityContext.capabilities.add`);
    for (const p of c.ports ?? []) if (p.hostPort) v('hostPorts', `container "${c.name}" uses hostPort ${p.hostPort}`);
  });
  for (const vol of spec.volumes ?? []) if (vol.hostPath) v('hostPathVolumes', `volume "${vol.name}" is a hostPath volume (${vol.hostPath.path})`);

  // AppArmor: the annotation and, since 1.30, the field.
  for (const [k, val] of Object.entries(meta.annotations ?? {})) {
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX) && !(val === 'runtime/default' || val.startsWith('localhost/') || val === '')) {
      v('appArmorProfile', `annotation ${k}="${val}" (only runtime/default or localhost/* are allowed)`);
    }
  }
  const apOk = (t?: string) => t === undefined || t === 'RuntimeDefault' || t === 'Localhost';
  if (!apOk(spec.securityContext?.appArmorProfile?.type)) v('appArmorProfile', `pod must not set securityContext.appArmorProfile.type to "${spec.securityContext?.appArmorProfile?.type}"`);
  each((c) => {
    const t = c.securityContext?.appArmorProfile?.type;
    if (!apOk(t)) v('appArmorProfile', `container "${c.name}" must not set securityContext.appArmorProfile.type to "${t}"`);
  });

  const se = (where: string, o?: { type?: string; user?: string; role?: string }) => {
    if (!o) return;
    if (!SELINUX_TYPES.includes(o.type ?? '')) v('seLinuxOptions', `${where} sets seLinuxOptions.type "${o.type}"`);
    if (o.user) v('seLinuxOptions', `${where} sets seLinuxOptions.user`);
    if (o.role) v('seLinuxOptions', `${where} sets seLinuxOptions.role`);
  };
  se('pod', spec.securityContext?.seLinuxOptions);
  each((c) => se(`container "${c.name}"`, c.securityContext?.seLinuxOptions));

  const procFree = spec.hostUsers === false && compareVersions(version, PROC_MOUNT_USERNS_RELAXATION) >= 0;
  each((c) => {
    const pm = c.securityContext?.procMount;
    if (pm !== undefined && pm !== 'Default' && !procFree) {
      v('procMount', `container "${c.name}" must not set securityContext.procMount to "${pm}"${spec.hostUsers === false ? ` (allowed with hostUsers: false only from policy v${PROC_MOUNT_USERNS_RELAXATION})` : ' (needs hostUsers: false and policy v1.35+)'}`);
    }
  });

  if (spec.securityContext?.seccompProfile?.type === 'Unconfined') v('seccompProfile_baseline', 'pod must not set securityContext.seccompProfile.type to "Unconfined"');
  each((c) => {
    if (c.securityContext?.seccompProfile?.type === 'Unconfined') v('seccompProfile_baseline', `container "${c.name}" must not set securityContext.seccompProfile.type to "Unconfined"`);
  });

  for (const s of spec.securityContext?.sysctls ?? []) {
    const safe = SAFE_SYSCTLS.find(([n]) => n === s.name);
    if (!safe || compareVersions(version, safe[1]) < 0) v('sysctls', `sysctl ${s.name} is not in the safe set of policy v${version}`);
  }
  return out;
}

/** Restricted checks (on top of baseline). */
function restricted(spec: PodSpecJson): PodSecurityViolation[] {
  const out: PodSecurityViolation[] = [];
  const v = (check: string, message: string) => out.push({ level: 'restricted', check, message });
  const containers = allContainers(spec);
  const pod = spec.securityContext ?? {};

  for (const vol of spec.volumes ?? []) {
    const t = volumeType(vol);
    if (!RESTRICTED_VOLUME_TYPES.includes(t)) v('restrictedVolumes', `volume "${vol.name}" uses restricted volume type "${t}"`);
  }
  for (const c of containers) {
    const sc = c.securityContext ?? {};
    if (sc.allowPrivilegeEscalation !== false) v('allowPrivilegeEscalation', `container "${c.name}" must set securityContext.allowPrivilegeEscalation=false`);
    const nonRoot = sc.runAsNonRoot ?? pod.runAsNonRoot;
    if (nonRoot !== true) v('runAsNonRoot', `container "${c.name}" must set securityContext.runAsNonRoot=true (pod or container)`);
    if ((sc.runAsUser ?? pod.runAsUser) === 0) v('runAsUser', `container "${c.name}" must not set runAsUser=0`);
    const seccomp = sc.seccompProfile?.type ?? pod.seccompProfile?.type;
    if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') {
      v('seccompProfile_restricted', `container "${c.name}" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost" (pod or container)`);
    }
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v('capabilities_restricted', `container "${c.name}" must set securityContext.capabilities.drop=["ALL"]`);
    const added = (sc.capabilities?.add ?? []).filter((cap) => cap !== 'NET_BIND_SERVICE');
    if (added.length) v('capabilities_restricted', `container "${c.name}" must not include ${added.map((x) => `"${x}"`).join(', ')} in securityContext.capabilities.add`);
  }
  if (pod.runAsUser === 0) v('runAsUser', 'pod must not set runAsUser=0');
  return out;
}

/**
 * Check a pod against a Pod Security level at a policy version (`"1.35"`). `privileged`
 * admits everything; `restricted` includes every baseline check.
 */
export function checkPodSecurity(meta: ObjectMetaJson, spec: PodSpecJson, level: PodSecurityLevel, version: string): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const base = baseline(meta, spec, version);
  return level === 'baseline' ? base : [...base, ...restricted(spec)];
}

/** The strictest level a pod meets. */
export function strictestLevel(meta: ObjectMetaJson, spec: PodSpecJson, version: string): PodSecurityLevel {
  if (checkPodSecurity(meta, spec, 'restricted', version).length === 0) return 'restricted';
  if (checkPodSecurity(meta, spec, 'baseline', version).length === 0) return 'baseline';
  return 'privileged';
}
