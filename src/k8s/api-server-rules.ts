import { allContainers, KubeObject, podsOf, POD_TEMPLATE_KINDS, ProfileJson } from './manifest';

/**
 * Combinations the OpenAPI schema accepts but the API server (pkg/apis/core/validation) or the
 * kubelet refuses. Schema validation (kubernetes-models) cannot see these, and cdk8s-plus emits
 * one of them itself (`privileged: true` with `allowPrivilegeEscalation: false`).
 */
export interface ApiServerViolation {
  /** The object (and container) at fault. */
  readonly source: string;
  /** Rule name. */
  readonly rule: string;
  /** What the API server would say. */
  readonly message: string;
}

function profileRule(where: string, field: string, p: ProfileJson | undefined, out: (rule: string, message: string) => void): void {
  if (!p) return;
  if (p.type === 'Localhost' && !p.localhostProfile) out('localhost-profile-path', `${where}: ${field}.type Localhost requires ${field}.localhostProfile`);
  if (p.type !== 'Localhost' && p.localhostProfile !== undefined) out('localhost-profile-path', `${where}: ${field}.localhostProfile may only be set with type Localhost`);
  if (p.localhostProfile !== undefined && (p.localhostProfile.startsWith('/') || p.localhostProfile.split('/').includes('..'))) {
    out('localhost-profile-path', `${where}: ${field}.localhostProfile must be a relative path without ".."`);
  }
}

/** Check every pod and workload of a manifest. */
export function apiServerViolations(objects: readonly KubeObject[]): ApiServerViolation[] {
  const out: ApiServerViolation[] = [];
  for (const pod of podsOf(objects)) {
    const add = (rule: string, message: string) => out.push({ source: pod.source, rule, message });
    const spec = pod.spec;
    if (spec.hostUsers === false) {
      for (const f of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
        if (spec[f]) add('host-users-host-namespaces', `spec.hostUsers: Forbidden: when \`hostUsers\` is false, ${f} must be false`);
      }
    }
    profileRule('pod', 'securityContext.seccompProfile', spec.securityContext?.seccompProfile, add);
    profileRule('pod', 'securityContext.appArmorProfile', spec.securityContext?.appArmorProfile, add);
    const volumes = new Set((spec.volumes ?? []).map((v) => v.name));
    const names = new Set<string>();
    for (const c of allContainers(spec)) {
      const sc = c.securityContext ?? {};
      const where = `container "${c.name}"`;
      if (names.has(c.name)) add('unique-container-names', `${where}: Duplicate value`);
      names.add(c.name);
      if (sc.privileged === true && sc.allowPrivilegeEscalation === false) {
        add('privileged-escalation', `${where}: securityContext: Invalid value: cannot set \`allowPrivilegeEscalation\` to false and \`privileged\` to true`);
      }
      if (sc.allowPrivilegeEscalation === false && (sc.capabilities?.add ?? []).includes('CAP_SYS_ADMIN')) {
        add('sys-admin-escalation', `${where}: securityContext: Invalid value: cannot set \`allowPrivilegeEscalation\` to false and \`capabilities.Add\` CAP_SYS_ADMIN`);
      }
      if (sc.procMount !== undefined && sc.procMount !== 'Default' && sc.procMount !== 'Unmasked') {
        add('proc-mount-value', `${where}: securityContext.procMount: Unsupported value "${sc.procMount}"`);
      }
      if (sc.procMount === 'Unmasked' && spec.hostUsers !== false) {
        add('proc-mount-host-users', `${where}: securityContext.procMount: Invalid value: "Unmasked": \`hostUsers\` must be false to use \`Unmasked\``);
      }
      // The kubelet, not the API server: CreateContainerConfigError at start.
      const nonRoot = sc.runAsNonRoot ?? spec.securityContext?.runAsNonRoot;
      const user = sc.runAsUser ?? spec.securityContext?.runAsUser;
      if (nonRoot === true && user === 0) add('run-as-non-root', `${where}: runAsNonRoot is true but the effective runAsUser is 0 (the kubelet refuses to start it)`);
      profileRule(where, 'securityContext.seccompProfile', sc.seccompProfile, add);
      profileRule(where, 'securityContext.appArmorProfile', sc.appArmorProfile, add);
      for (const m of c.volumeMounts ?? []) {
        if (!volumes.has(m.name)) add('volume-mount-name', `${where}: volumeMounts[${m.name}]: Not found`);
      }
    }
  }
  for (const o of objects) {
    if (!POD_TEMPLATE_KINDS.includes(o.kind) || o.kind === 'Job') continue;
    const spec = o.spec as { selector?: { matchLabels?: Record<string, string> }; template?: { metadata?: { labels?: Record<string, string> } } } | undefined;
    const want = spec?.selector?.matchLabels ?? {};
    const have = spec?.template?.metadata?.labels ?? {};
    for (const [k, v] of Object.entries(want)) {
      if (have[k] !== v) out.push({ source: `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`, rule: 'selector-matches-template', message: `spec.template.metadata.labels: Invalid value: \`selector\` does not match template \`labels\` (${k})` });
    }
  }
  return out;
}
