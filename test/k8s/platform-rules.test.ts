import { KubeObject, podsOf, PodSpecJson } from '../../src/k8s/manifest';
import { autopilotViolations, fargateViolations } from '../../src/k8s/platform-rules';
import { AUTOPILOT_KIT_FILE, FARGATE_KIT_FILE, KIT_FILE, render, renderKitFile } from './helpers';

const defaults = renderKitFile(KIT_FILE);
const fargate = renderKitFile(FARGATE_KIT_FILE)['eks-fargate'];

function pod(spec: Partial<PodSpecJson>, container: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'x' },
    spec: { containers: [{ name: 'c', securityContext: container, ...extra }], ...spec },
  };
}
const rulesOf = (f: (o: KubeObject[]) => { rule: string }[], o: KubeObject) => f([o]).map((v) => v.rule);

describe('GKE Autopilot (GKE Warden) rules', () => {
  test('the gke-autopilot example passes, with runtimeClassName gvisor on every user-code pod', () => {
    const r = renderKitFile(AUTOPILOT_KIT_FILE)['gke-autopilot'];
    expect(autopilotViolations(r.objects)).toEqual([]);
    expect(r.objects.some((o) => o.kind === 'DaemonSet')).toBe(false);
    const userCode = podsOf(r.objects).filter((p) => p.spec.containers.some((c) => ['code-executor', 'js-executor', 'sandbox'].includes(c.name)));
    // Only code-executor runs there (js-executor and the agent sandbox need their own sandbox: gke-standard).
    expect(userCode).toHaveLength(1);
    for (const p of userCode) expect(p.spec.runtimeClassName).toBe('gvisor');
  });

  test('the eks output fails: the Localhost profiles and the installer\'s writable hostPath', () => {
    const rules = new Set(autopilotViolations(defaults.eks.objects).map((v) => v.rule));
    expect([...rules].sort()).toEqual(['autogke-no-write-mode-hostpath', 'localhost-seccomp']);
  });

  test('an eks plan with privileged code-executor fails on privilege too', () => {
    const r = render({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' } } });
    expect(autopilotViolations(r.objects).map((v) => v.rule)).toContain('autogke-disallow-privilege');
  });

  test.each<[string, KubeObject, string | undefined]>([
    ['SYS_ADMIN', pod({}, { capabilities: { add: ['SYS_ADMIN'] } }), 'autogke-default-linux-capabilities'],
    ['the CAP_ prefix', pod({}, { capabilities: { add: ['CAP_CHOWN'] } }), 'autogke-default-linux-capabilities'],
    ['NET_ADMIN', pod({}, { capabilities: { add: ['NET_ADMIN'] } }), 'autogke-default-linux-capabilities'],
    ['SYS_PTRACE and NET_RAW (allowed)', pod({}, { capabilities: { add: ['SYS_PTRACE', 'NET_RAW'] } }), undefined],
    ['hostPID', pod({ hostPID: true }), 'autogke-disallow-hostnamespaces'],
    ['hostNetwork', pod({ hostNetwork: true }), 'autogke-disallow-hostnamespaces'],
    ['hostIPC', pod({ hostIPC: true }), 'autogke-disallow-hostnamespaces'],
    ['a host port', pod({}, {}, { ports: [{ containerPort: 80, hostPort: 80 }] }), 'autogke-no-host-port'],
    ['hostPath outside /var/log/', pod({ volumes: [{ name: 'v', hostPath: { path: '/proc' } }] }, {}, { volumeMounts: [{ name: 'v', mountPath: '/p', readOnly: true }] }), 'autogke-no-write-mode-hostpath'],
    ['a writable /var/log hostPath', pod({ volumes: [{ name: 'v', hostPath: { path: '/var/log/x' } }] }, {}, { volumeMounts: [{ name: 'v', mountPath: '/p' }] }), 'autogke-no-write-mode-hostpath'],
    ['a read-only /var/log hostPath (allowed)', pod({ volumes: [{ name: 'v', hostPath: { path: '/var/log/x' } }] }, {}, { volumeMounts: [{ name: 'v', mountPath: '/p', readOnly: true }] }), undefined],
    ['a Localhost profile', pod({ securityContext: { seccompProfile: { type: 'Localhost', localhostProfile: 'a.json' } } }), 'localhost-seccomp'],
    ['privileged', pod({}, { privileged: true }), 'autogke-disallow-privilege'],
  ])('%s', (_name, obj, rule) => {
    const rules = rulesOf(autopilotViolations, obj);
    if (rule) expect(rules).toContain(rule);
    else expect(rules).toEqual([]);
  });

  test('objects in kube-system are refused', () => {
    expect(autopilotViolations([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'kube-system' } }]).map((v) => v.rule)).toEqual(['managed-namespace']);
  });
});

describe('EKS Fargate scheduler rules', () => {
  test('the eks-fargate output (examples/eks-fargate.config.json) passes: code-executor only, unsandboxed, no DaemonSet', () => {
    expect(fargateViolations(fargate.objects)).toEqual([]);
    expect(fargate.plan.services.map((s) => `${s.service}:${s.mode}`)).toEqual(['code-executor:unsandboxed']);
    expect(fargate.objects.filter((o) => o.kind === 'DaemonSet')).toEqual([]);
    const [p] = podsOf(fargate.objects);
    const sc = p.spec.containers[0].securityContext!;
    expect(sc.privileged).toBe(false);
    expect(sc.capabilities).toEqual({ drop: ['ALL'] });
    expect(p.spec.hostNetwork).toBeUndefined();
    expect((p.spec.volumes ?? []).every((v) => v.emptyDir !== undefined)).toBe(true);
    // The acknowledged unprivileged mode is what the backend is told.
    expect((p.spec.containers[0] as { env?: { name: string; value: string }[] }).env).toContainEqual({ name: 'CONTAINER_UNPRIVILEGED_MODE', value: 'true' });
    expect(sc.runAsUser).toBe(1001);
  });

  test('the eks output fails: DaemonSets, hostPath, Localhost profiles, added capabilities (SETUID, SETGID)', () => {
    const rules = new Set(fargateViolations(defaults.eks.objects).map((v) => v.rule));
    expect([...rules].sort()).toEqual(['capabilities', 'daemonsets', 'host-path', 'localhost-seccomp']);
  });

  test.each<[string, KubeObject, string]>([
    ['privileged', pod({}, { privileged: true }), 'privileged'],
    ['CHOWN added', pod({}, { capabilities: { add: ['CHOWN'] } }), 'capabilities'],
    ['hostNetwork', pod({ hostNetwork: true }), 'host-network'],
    ['a host port', pod({}, {}, { ports: [{ containerPort: 80, hostPort: 80 }] }), 'host-port'],
    ['hostPath', pod({ volumes: [{ name: 'v', hostPath: { path: '/tmp' } }] }), 'host-path'],
    ['a RuntimeClass', pod({ runtimeClassName: 'gvisor' }), 'runtime-class'],
  ])('%s is refused', (_name, obj, rule) => {
    expect(rulesOf(fargateViolations, obj)).toContain(rule);
  });
});
