import { SandboxConfigError } from '../../src/policy/errors';
import { DEFAULT_INSTALLER_IMAGE, DEFAULT_NAMESPACES, DEFAULT_PRIVATE_CIDRS, resolveRendererOptions } from '../../src/k8s/options';
import { parseCidr } from '../../src/policy/cidr';

function problems(input: unknown): string[] {
  try {
    resolveRendererOptions(input);
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxConfigError);
    return (e as SandboxConfigError).problems.map((p) => `${p.field}: ${p.message}`);
  }
  throw new Error('expected a SandboxConfigError');
}

test('defaults', () => {
  expect(resolveRendererOptions(undefined)).toEqual({
    backend: { namespace: 'retool', podLabels: {} },
    privateCidrs: DEFAULT_PRIVATE_CIDRS,
    dns: { namespace: 'kube-system', k8sAppLabels: ['kube-dns', 'node-local-dns'], cidrs: [], nodeLocalDnsCache: false },
    namespaces: DEFAULT_NAMESPACES,
    autoscaling: {},
    clusterDomain: 'cluster.local',
    installerImage: DEFAULT_INSTALLER_IMAGE,
    podSecurityGroupIds: [],
    nodeSelector: {},
    tolerations: [],
    agentComponentResources: undefined,
    agentSandbox: undefined,
    // Retool's chart's defaults (charts/retool/values.yaml rr.agentSandbox.controller.scaling).
    agentSandboxScaling: {
      prewarmPoolSize: 5, maxTotalJobs: 50, maxConcurrentCreates: 3, jobRetentionSeconds: 300, assignedSandboxTtlSeconds: 3600,
      reconcileIntervalMs: 5000, leaderTtlMs: 10000, leaderRenewMs: 3000, perUserSandboxLimit: 5,
    },
  });
  expect(DEFAULT_PRIVATE_CIDRS).toEqual(expect.arrayContaining(['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7']));
});

test('values are taken', () => {
  const o = resolveRendererOptions({
    backend: { namespace: 'apps', podLabels: { 'app.kubernetes.io/name': 'retool' } },
    privateCidrs: ['10.0.0.0/8', 'fd00::/8'],
    autoscaling: { 'js-executor': { maxReplicas: 8, targetCpuUtilizationPercent: 60 }, 'code-executor': { maxReplicas: 4 } },
    nodeSelector: { 'sandbox-kit.io/pool': 'sandboxes' },
  });
  expect(o.backend).toEqual({ namespace: 'apps', podLabels: { 'app.kubernetes.io/name': 'retool' } });
  expect(o.privateCidrs).toEqual(['10.0.0.0/8', 'fd00::/8']);
  expect(o.autoscaling).toEqual({ 'js-executor': { maxReplicas: 8, targetCpuUtilizationPercent: 60 }, 'code-executor': { maxReplicas: 4, targetCpuUtilizationPercent: 70 } });
});

test.each<[string, unknown, RegExp]>([
  ['an unknown option', { backnd: {} }, /^kubernetes\.renderer\.backnd: unknown field "backnd"/],
  ['a bad backend namespace', { backend: { namespace: 'Retool_NS' } }, /^kubernetes\.renderer\.backend\.namespace: "Retool_NS" is not a valid namespace name/],
  ['a bad label value', { backend: { podLabels: { app: 'has space' } } }, /^kubernetes\.renderer\.backend\.podLabels\.app: "has space" is not a valid label value/],
  ['a bad label key', { nodeSelector: { 'bad key': 'x' } }, /^kubernetes\.renderer\.nodeSelector\.bad key: "bad key" is not a valid label key/],
  ['an empty private range list', { privateCidrs: [] }, /^kubernetes\.renderer\.privateCidrs: must list at least 1 entry/],
  ['a range covering everything', { privateCidrs: ['0.0.0.0/0'] }, /^kubernetes\.renderer\.privateCidrs\[0\]: 0\.0\.0\.0\/0 covers every address/],
  ['not a CIDR', { privateCidrs: ['10.0.0.0'] }, /^kubernetes\.renderer\.privateCidrs\[0\]: "10\.0\.0\.0" is not an IPv4 or IPv6 CIDR/],
  ['an unknown service to autoscale', { autoscaling: { 'code-exec': { maxReplicas: 2 } } }, /^kubernetes\.renderer\.autoscaling\.code-exec: unknown field "code-exec"/],
  ['maxReplicas 0', { autoscaling: { 'js-executor': { maxReplicas: 0 } } }, /^kubernetes\.renderer\.autoscaling\.js-executor\.maxReplicas: 0 is out of range: it must be >= 1/],
  ['a CPU target above 100', { autoscaling: { 'js-executor': { maxReplicas: 3, targetCpuUtilizationPercent: 150 } } }, /targetCpuUtilizationPercent: 150 is out of range: it must be <= 100/],
  ['two trust domains in one namespace', { namespaces: { jsExecutor: 'sandbox-kit-code-executor' } }, /^kubernetes\.renderer\.namespaces\.jsExecutor: "sandbox-kit-code-executor" is also the codeExecutor namespace/],
  ['the installer namespace', { namespaces: { codeExecutor: 'sandbox-kit-system' } }, /namespaces\.codeExecutor: "sandbox-kit-system" is reserved/],
  ['the backend namespace', { namespaces: { agentSandbox: 'retool' } }, /namespaces\.agentSandbox: "retool" is reserved/],
  ['a bad quantity', { agentComponentResources: { requests: { cpu: 'lots', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }, /^kubernetes\.renderer\.agentComponentResources\.requests\.cpu: "lots" is not a CPU quantity/],
  ['a toleration with a value and Exists', { tolerations: [{ key: 'sandbox', operator: 'Exists', value: 'x' }] }, /^kubernetes\.renderer\.tolerations\[0\]\.value: must be unset with operator Exists/],
  ['a toleration with a bad effect', { tolerations: [{ key: 'sandbox', value: 'x', effect: 'NoRun' }] }, /^kubernetes\.renderer\.tolerations\[0\]\.effect: "NoRun" is not a value this field takes/],
  ['a bad cluster domain', { clusterDomain: 'Cluster..local' }, /^kubernetes\.renderer\.clusterDomain: "Cluster\.\.local" is not a DNS domain/],
  ['an installer image pinned by tag only', { installerImage: 'busybox:1.37.0' }, /^kubernetes\.renderer\.installerImage: "busybox:1\.37\.0" is not an image reference pinned by digest/],
  ['an installer image with a short digest', { installerImage: 'busybox@sha256:abc' }, /^kubernetes\.renderer\.installerImage: .* not an image reference pinned by digest/],
])('refuses %s, naming the field', (_name, input, message) => {
  expect(problems(input).some((p) => message.test(p))).toBe(true);
});

test('every problem is reported at once, each with what would work', () => {
  try {
    resolveRendererOptions({ privateCidrs: [], clusterDomain: 1 });
    throw new Error('expected an error');
  } catch (e) {
    const err = e as SandboxConfigError;
    expect(err.problems.map((p) => p.field)).toEqual(['kubernetes.renderer.privateCidrs', 'kubernetes.renderer.clusterDomain']);
    for (const p of err.problems) expect(p.alternatives.length).toBeGreaterThan(0);
  }
});

test('parseCidr: one parser for every CIDR the kit reads (Node\'s net.isIP for the address)', () => {
  expect(parseCidr('10.0.0.0/8')).toMatchObject({ family: 4, prefix: 8 });
  expect(parseCidr('fd00:ec2::254/128')).toMatchObject({ family: 6, prefix: 128 });
  expect(parseCidr('::ffff:10.0.0.0/104')).toMatchObject({ family: 6, prefix: 104 });
  for (const bad of ['256.0.0.0/8', '1::2::3/64', '::/129', '10.0.0.0/33', '10.0.0.0', 'fe80::1%eth0/64', '10.0.0.0/8/8', '/8', '10.0.0.0/-1']) {
    expect([bad, parseCidr(bad)]).toEqual([bad, undefined]);
  }
});
