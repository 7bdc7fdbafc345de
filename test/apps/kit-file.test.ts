import * as path from 'path';
import { loadAppInput, plan, resolveSection, SandboxConfigError } from '../../src';

const ROOT = path.resolve(__dirname, '../..');

test('the committed kit file plans every default target without acknowledgement', () => {
  for (const family of ['kubernetes', 'aws'] as const) {
    const input = loadAppInput(family, { file: path.join(ROOT, 'sandbox-kit.config.json'), env: {} });
    for (const config of input.configs) {
      expect(config.acknowledgeUnsandboxedCode).toBeFalsy();
      expect(() => plan(config)).not.toThrow();
    }
  }
  expect(loadAppInput('kubernetes', { file: path.join(ROOT, 'sandbox-kit.config.json'), env: {} }).configs.map((c) => c.target))
    .toEqual(['eks', 'gke-standard', 'kubernetes']);
});

test('the gke-autopilot example: code-executor\'s unprivileged mode inside GKE Sandbox, acknowledged; nothing else', () => {
  const input = loadAppInput('kubernetes', { file: path.join(ROOT, 'examples/gke-autopilot.config.json'), env: {} });
  expect(input.configs.map((c) => plan(c).services.map((s) => [s.service, s.mode, s.insideGvisor]))).toEqual([[['code-executor', 'gvisor-runtimeclass', 'unsandboxed']]]);
  expect(input.configs[0].acknowledgeUnsandboxedCode).toBe(true);
});

test('the Fargate examples plan, with the acknowledgement and EC2 capacity they carry', () => {
  const ecs = loadAppInput('aws', { file: path.join(ROOT, 'examples/ecs-fargate.config.json'), env: {} });
  const [ecsPlan] = ecs.configs.map((c) => plan(c));
  expect(ecsPlan.services.map((s) => [s.service, s.mode, s.placement])).toEqual([
    ['code-executor', 'unsandboxed', 'ecs-fargate'],
    ['js-executor', 'privileged', 'ecs-ec2'],
  ]);
  const eks = loadAppInput('kubernetes', { file: path.join(ROOT, 'examples/eks-fargate.config.json'), env: {} });
  expect(eks.configs.map((c) => plan(c).services.map((s) => s.mode))).toEqual([['unsandboxed']]);
});

test('environment overrides: SANDBOX_KIT_TARGETS replaces the target list', () => {
  const input = loadAppInput('kubernetes', { file: path.join(ROOT, 'sandbox-kit.config.json'), env: { SANDBOX_KIT_TARGETS: 'gke-autopilot' } });
  expect(input.configs.map((c) => c.target)).toEqual(['gke-autopilot']);
  expect(() => plan(input.configs[0])).toThrow(/acknowledgeUnsandboxedCode/);
  expect(input.configs[0].kubernetesVersion).toBe('1.35');
});

test('overrides merge over defaults per service', () => {
  const input = resolveSection('kubernetes', {
    kubernetes: {
      targets: ['eks'],
      defaults: { services: { 'code-executor': { replicas: 3 } } },
      overrides: { eks: { services: { 'code-executor': { mode: 'privileged' } } } },
    },
  }, 'test');
  expect(input.configs[0].services?.['code-executor']).toEqual({ replicas: 3, mode: 'privileged' });
});

test('bad kit files name the field', () => {
  const err = (raw: unknown, family: 'kubernetes' | 'aws' = 'kubernetes') => {
    try {
      resolveSection(family, raw, 'test');
    } catch (e) {
      return (e as SandboxConfigError).problems;
    }
    throw new Error('expected an error');
  };
  expect(err({ kubernetes: { targets: ['ecs-ec2'] } })[0]).toMatchObject({ field: 'kubernetes.targets', message: 'the kubernetes app does not render target "ecs-ec2"' });
  expect(err({ aws: { targets: [] } }, 'aws')[0].field).toBe('aws.targets');
  expect(err({ kubernetes: { overrides: { 'ecs-fargate': {} } } })[0].field).toBe('kubernetes.overrides.ecs-fargate');
  expect(err({ kubernetes: { target: 'eks' } })[0].field).toBe('kubernetes.target');
  expect(err({ k8s: {} })[0].field).toBe('k8s');
  expect(() => loadAppInput('aws', { file: '/nonexistent/kit.json', env: {} })).toThrow(/SANDBOX_KIT_CONFIG: no file at/);
});
