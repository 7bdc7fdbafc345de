import { ObjectMetaJson, PodSpecJson, podsOf } from '../../src/k8s/manifest';
import { checkPodSecurity, strictestLevel } from '../../src/k8s/pod-security';
import { FARGATE_KIT_FILE, KIT_FILE, render, renderKitFile } from './helpers';

const V = '1.35';

/** A pod that meets restricted. */
function good(): PodSpecJson {
  return {
    securityContext: { runAsNonRoot: true, runAsUser: 1000, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [{
      name: 'app',
      securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    }],
    volumes: [{ name: 'tmp', emptyDir: {} }],
  };
}

function withContainer(patch: Record<string, unknown>, pod: Partial<PodSpecJson> = {}): PodSpecJson {
  const g = good();
  const c = g.containers[0];
  return { ...g, ...pod, containers: [{ ...c, securityContext: { ...c.securityContext, ...patch } }] };
}

const checks = (spec: PodSpecJson, level: 'baseline' | 'restricted', meta: ObjectMetaJson = {}, version = V) =>
  checkPodSecurity(meta, spec, level, version).map((v) => v.check);

describe('Pod Security Standards checker on hand-written pods', () => {
  test('a restricted pod passes restricted and baseline', () => {
    expect(checks(good(), 'restricted')).toEqual([]);
    expect(strictestLevel({}, good(), V)).toBe('restricted');
  });

  test.each<[string, PodSpecJson, string]>([
    ['hostNetwork', { ...good(), hostNetwork: true }, 'hostNamespaces'],
    ['hostPID', { ...good(), hostPID: true }, 'hostNamespaces'],
    ['hostIPC', { ...good(), hostIPC: true }, 'hostNamespaces'],
    ['privileged', withContainer({ privileged: true }), 'privileged'],
    ['SYS_ADMIN', withContainer({ capabilities: { drop: ['ALL'], add: ['SYS_ADMIN'] } }), 'capabilities_baseline'],
    ['NET_RAW (Autopilot allows it, baseline does not)', withContainer({ capabilities: { drop: ['ALL'], add: ['NET_RAW'] } }), 'capabilities_baseline'],
    ['hostPath', { ...good(), volumes: [{ name: 'tmp', hostPath: { path: '/var/lib/kubelet/seccomp' } }] }, 'hostPathVolumes'],
    ['hostPort', { ...good(), containers: [{ ...good().containers[0], ports: [{ containerPort: 80, hostPort: 80 }] }] }, 'hostPorts'],
    ['AppArmor Unconfined field', withContainer({ appArmorProfile: { type: 'Unconfined' } }), 'appArmorProfile'],
    ['seLinux type spc_t', withContainer({ seLinuxOptions: { type: 'spc_t' } }), 'seLinuxOptions'],
    ['procMount Unmasked without hostUsers: false', withContainer({ procMount: 'Unmasked' }), 'procMount'],
    ['seccomp Unconfined on the container', withContainer({ seccompProfile: { type: 'Unconfined' } }), 'seccompProfile_baseline'],
    ['seccomp Unconfined on the pod', { ...good(), securityContext: { runAsNonRoot: true, seccompProfile: { type: 'Unconfined' } } }, 'seccompProfile_baseline'],
    ['unsafe sysctl', { ...good(), securityContext: { ...good().securityContext, sysctls: [{ name: 'kernel.msgmax', value: '1' }] } }, 'sysctls'],
  ])('baseline refuses %s', (_name, spec, check) => {
    expect(checks(spec, 'baseline')).toContain(check);
    expect(checks(spec, 'restricted')).toContain(check);
    expect(strictestLevel({}, spec, V)).toBe('privileged');
  });

  test('baseline refuses an unconfined AppArmor annotation, accepts runtime/default', () => {
    expect(checks(good(), 'baseline', { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined' } })).toContain('appArmorProfile');
    expect(checks(good(), 'restricted', { annotations: { 'container.apparmor.security.beta.kubernetes.io/app': 'runtime/default' } })).toEqual([]);
  });

  test.each<[string, PodSpecJson, string]>([
    ['allowPrivilegeEscalation unset', withContainer({ allowPrivilegeEscalation: undefined }), 'allowPrivilegeEscalation'],
    ['runAsNonRoot false on the container', withContainer({ runAsNonRoot: false }), 'runAsNonRoot'],
    ['runAsNonRoot nowhere', { ...withContainer({ runAsNonRoot: undefined }), securityContext: { seccompProfile: { type: 'RuntimeDefault' } } }, 'runAsNonRoot'],
    ['runAsUser 0', withContainer({ runAsUser: 0 }), 'runAsUser'],
    ['no seccomp profile', { ...good(), securityContext: { runAsNonRoot: true } }, 'seccompProfile_restricted'],
    ['capabilities not dropped', withContainer({ capabilities: {} }), 'capabilities_restricted'],
    ['CHOWN added (baseline allows it)', withContainer({ capabilities: { drop: ['ALL'], add: ['CHOWN'] } }), 'capabilities_restricted'],
    ['a configMap-free volume type (nfs)', { ...good(), volumes: [{ name: 'tmp', nfs: { server: 'x', path: '/' } }] }, 'restrictedVolumes'],
  ])('restricted refuses %s, baseline accepts it', (_name, spec, check) => {
    expect(checks(spec, 'restricted')).toContain(check);
    expect(checks(spec, 'baseline')).toEqual([]);
    expect(strictestLevel({}, spec, V)).toBe('baseline');
  });

  test('restricted accepts NET_BIND_SERVICE and a Localhost profile set on the container only', () => {
    const spec = withContainer({ capabilities: { drop: ['ALL'], add: ['NET_BIND_SERVICE'] }, seccompProfile: { type: 'Localhost', localhostProfile: 'x.json' } }, { securityContext: { runAsNonRoot: true } });
    expect(checks(spec, 'restricted')).toEqual([]);
  });

  test('procMount Unmasked with hostUsers: false passes from policy v1.35 only', () => {
    const spec = withContainer({ procMount: 'Unmasked' }, { hostUsers: false });
    expect(checks(spec, 'restricted', {}, '1.35')).toEqual([]);
    expect(checks(spec, 'baseline', {}, '1.36')).toEqual([]);
    expect(checks(spec, 'baseline', {}, '1.34')).toContain('procMount');
    expect(checks(withContainer({ procMount: 'Unmasked' }, { hostUsers: true }), 'baseline', {}, '1.35')).toContain('procMount');
  });

  test('init and ephemeral containers are checked too', () => {
    const spec: PodSpecJson = { ...good(), initContainers: [{ name: 'init', securityContext: { privileged: true } }] };
    expect(checkPodSecurity({}, spec, 'baseline', V).map((v) => v.message).join()).toMatch(/"init"/);
  });

  test('privileged admits everything', () => {
    expect(checkPodSecurity({}, withContainer({ privileged: true }, { hostPID: true }), 'privileged', V)).toEqual([]);
  });
});

describe('every pod the kit renders passes the level its namespace enforces', () => {
  const rendered = {
    ...renderKitFile(KIT_FILE),
    ...renderKitFile(FARGATE_KIT_FILE),
    'eks (privileged code-executor)': render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' } } }),
    'kubernetes 1.33 (procMount Default)': render({ target: 'kubernetes', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.33' }),
    'eks (SPO)': render({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['arm64'], profileDelivery: 'security-profiles-operator' }),
  };
  test.each(Object.keys(rendered))('%s', (name) => {
    const { objects, plan } = rendered[name as keyof typeof rendered];
    const levels = new Map(objects.filter((o) => o.kind === 'Namespace').map((o) => [o.metadata!.name!, o.metadata!.labels!['pod-security.kubernetes.io/enforce']]));
    const pods = podsOf(objects);
    expect(pods.length).toBeGreaterThan(0);
    for (const pod of pods) {
      const level = levels.get(pod.namespace!);
      expect([pod.source, level]).toEqual([pod.source, expect.stringMatching(/^(restricted|baseline|privileged)$/)]);
      expect([pod.source, checkPodSecurity(pod.metadata, pod.spec, level as 'restricted', plan.kubernetesVersion!)]).toEqual([pod.source, []]);
    }
    // The namespace is only as open as the plan says: each user-code namespace enforces the plan's level.
    for (const s of plan.services) {
      const sandboxPods = pods.filter((p) => p.metadata.labels?.['app.kubernetes.io/name'] === s.service && p.spec.containers.some((c) => c.name === s.service || c.name === 'sandbox'));
      for (const p of sandboxPods) expect([s.service, levels.get(p.namespace!)]).toEqual([s.service, s.podSecurityLevel]);
    }
  });

  test('privileged is enforced only where a privileged workload or the installer runs, with the reason annotated', () => {
    for (const [name, r] of Object.entries(rendered)) {
      for (const ns of r.objects.filter((o) => o.kind === 'Namespace')) {
        const level = ns.metadata!.labels!['pod-security.kubernetes.io/enforce'];
        expect(ns.metadata!.labels!['pod-security.kubernetes.io/enforce-version']).toBe(`v${r.plan.kubernetesVersion}`);
        expect(ns.metadata!.labels!['pod-security.kubernetes.io/warn']).toBe('restricted');
        expect(ns.metadata!.labels!['pod-security.kubernetes.io/audit']).toBe('restricted');
        if (level === 'restricted') continue;
        expect([name, ns.metadata!.annotations?.['sandbox-kit.io/pod-security-reason']]).toEqual([name, expect.stringMatching(/.{20}/)]);
        // At least one pod in it needs more than restricted.
        const pods = podsOf(r.objects).filter((p) => p.namespace === ns.metadata!.name);
        expect([name, ns.metadata!.name, pods.some((p) => strictestLevel(p.metadata, p.spec, r.plan.kubernetesVersion!) !== 'restricted')]).toEqual([name, ns.metadata!.name, true]);
      }
    }
  });
});
