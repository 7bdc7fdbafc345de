import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadKit, plan, SandboxConfigError } from '../../src';
import { loadAppInput, resolveKitFile } from '../../src/config/load';

const ROOT = path.resolve(__dirname, '../..');
const KIT = path.join(ROOT, 'sandbox-kit.config.json');

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-config-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(content: unknown): string {
  const f = path.join(dir, 'kit.json');
  fs.writeFileSync(f, JSON.stringify(content));
  return f;
}

const targetsOf = (input: ReturnType<typeof loadKit>) => ({
  kubernetes: input.apps.kubernetes.configs.map((c) => c.target),
  aws: input.apps.aws.configs.map((c) => c.target),
});

test('the committed kit file plans every default target without acknowledgement, with no problem', () => {
  const input = loadKit({ file: KIT, env: {} });
  expect(input.problems).toEqual([]);
  expect(targetsOf(input)).toEqual({ kubernetes: ['eks', 'gke-standard', 'kubernetes'], aws: ['ecs-ec2', 'eks'] });
  for (const config of [...input.apps.kubernetes.configs, ...input.apps.aws.configs]) {
    expect(config.acknowledgeUnsandboxedCode).toBeFalsy();
    expect(() => plan(config)).not.toThrow();
  }
});

test('the kit file and the examples name the generated schema, so editors check them', () => {
  const examples = fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.config.json')).map((f) => [`examples/${f}`, '../sandbox-kit.schema.json']);
  expect(examples.length).toBeGreaterThanOrEqual(3);
  for (const [f, ref] of [['sandbox-kit.config.json', './sandbox-kit.schema.json'], ...examples]) {
    const json = JSON.parse(fs.readFileSync(path.join(ROOT, f), 'utf8'));
    expect([f, json.$schema]).toEqual([f, ref]);
    expect(fs.existsSync(path.resolve(path.dirname(path.join(ROOT, f)), ref))).toBe(true);
  }
});

test('the gke-autopilot example: code-executor\'s unprivileged mode inside GKE Sandbox, acknowledged; nothing else', () => {
  const input = loadKit({ file: path.join(ROOT, 'examples/gke-autopilot.config.json'), env: {} });
  expect(input.problems).toEqual([]);
  expect(input.apps.kubernetes.configs.map((c) => plan(c).services.map((s) => [s.service, s.mode, s.insideGvisor]))).toEqual([[['code-executor', 'gvisor-runtimeclass', 'unsandboxed']]]);
  expect(input.apps.kubernetes.configs[0].acknowledgeUnsandboxedCode).toBe(true);
});

test('the Fargate examples plan, with the acknowledgement and EC2 capacity they carry; the other app is off', () => {
  const ecs = loadKit({ file: path.join(ROOT, 'examples/ecs-fargate.config.json'), env: {} });
  expect(ecs.problems).toEqual([]);
  expect(ecs.apps.kubernetes.enabled).toBe(false);
  expect(ecs.apps.aws.configs.map((c) => plan(c).services.map((s) => [s.service, s.mode, s.placement]))).toEqual([[
    ['code-executor', 'unsandboxed', 'ecs-fargate'],
    ['js-executor', 'privileged', 'ecs-ec2'],
  ]]);
  const eks = loadKit({ file: path.join(ROOT, 'examples/eks-fargate.config.json'), env: {} });
  expect(eks.apps.aws.enabled).toBe(false);
  expect(eks.apps.kubernetes.configs.map((c) => plan(c).services.map((s) => s.mode))).toEqual([['unsandboxed']]);
});

describe('an app is on only where the file says so', () => {
  test('a missing section turns its app off', () => {
    const input = loadKit({ file: file({ kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable' } } }), env: {} });
    expect(input.apps.aws).toMatchObject({ enabled: false, configs: [] });
    expect(input.apps.kubernetes.enabled).toBe(true);
  });

  test('targets: [] turns its app off, and is not a problem', () => {
    const input = loadKit({ file: file({ kubernetes: { targets: [], defaults: { retoolVersion: '3.334.0-stable' } }, aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' } } }), env: {} });
    expect(input.problems).toEqual([]);
    expect(targetsOf(input)).toEqual({ kubernetes: [], aws: ['ecs-ec2'] });
  });

  test('a section without targets renders the app\'s default targets', () => {
    expect(targetsOf(loadKit({ file: file({ aws: {} }), env: {} }))).toEqual({ kubernetes: [], aws: ['ecs-ec2', 'eks'] });
  });

  test('no file at all: both apps with their default targets', () => {
    expect(targetsOf(resolveKitFile(undefined, '(built-in defaults)'))).toEqual({ kubernetes: ['eks', 'gke-standard', 'kubernetes'], aws: ['ecs-ec2', 'eks'] });
  });
});

describe('SANDBOX_KIT_TARGETS gives each app the targets it can render', () => {
  test('eks,gke-autopilot: both go to the Kubernetes app, eks to the AWS app too', () => {
    const input = loadKit({ file: KIT, env: { SANDBOX_KIT_TARGETS: 'eks,gke-autopilot' } });
    expect(input.problems).toEqual([]);
    expect(targetsOf(input)).toEqual({ kubernetes: ['eks', 'gke-autopilot'], aws: ['eks'] });
    expect(input.apps.kubernetes.configs[1].kubernetesVersion).toBe('1.35');
  });

  test('a target only the other app renders turns this app off instead of failing', () => {
    const input = loadKit({ file: KIT, env: { SANDBOX_KIT_TARGETS: 'ecs-fargate' } });
    expect(targetsOf(input)).toEqual({ kubernetes: [], aws: ['ecs-fargate'] });
    expect(input.problems.filter((p) => p.field === 'SANDBOX_KIT_TARGETS')).toEqual([]);
  });

  test('a name neither app knows is the one failure', () => {
    const input = loadKit({ file: KIT, env: { SANDBOX_KIT_TARGETS: 'eks,openshift' } });
    expect(input.problems).toEqual([expect.objectContaining({ field: 'SANDBOX_KIT_TARGETS', message: 'unknown target "openshift": neither app renders it' })]);
    expect(() => loadAppInput('kubernetes', { file: KIT, env: { SANDBOX_KIT_TARGETS: 'openshift' } })).toThrow(/SANDBOX_KIT_TARGETS: unknown target "openshift"/);
  });

  test('the eks-fargate example with no targets override never meets ecs-ec2', () => {
    const input = loadKit({ env: { SANDBOX_KIT_CONFIG: path.join(ROOT, 'examples/eks-fargate.config.json') } });
    expect(targetsOf(input)).toEqual({ kubernetes: ['eks-fargate'], aws: [] });
  });
});

test('overrides merge over defaults per service', () => {
  const input = resolveKitFile({
    kubernetes: {
      targets: ['eks'],
      defaults: { retoolVersion: '3.334.0-stable', services: { 'code-executor': { replicas: 3 } } },
      overrides: { eks: { services: { 'code-executor': { mode: 'privileged' } } } },
    },
  }, 'test');
  expect(input.apps.kubernetes.configs[0].services?.['code-executor']).toEqual({ replicas: 3, mode: 'privileged' });
});

test('every problem of a file comes back at once, each where the file holds it and with what would work', () => {
  const input = resolveKitFile({
    k8s: {},
    kubernetes: {
      targets: ['eks', 'ecs-ec2'],
      target: 'eks',
      defaults: { retoolVersion: '3.334.0-stable', nodeOs: 'bottlerocket', services: { 'code-executor': { resources: { requests: { cpu: '3', memory: '1Gi' }, limits: { cpu: '2', memory: '2Gi' } } } } },
      overrides: { 'ecs-fargate': {}, 'gke-standard': { nodeOs: 'al2023' } },
    },
    aws: { targets: [], defaults: { retoolVersion: '3.334.0-stable' } },
  }, 'test');
  expect(input.problems.map((p) => [p.scope, p.field])).toEqual([
    [undefined, 'k8s'],
    [undefined, 'kubernetes.target'],
    [undefined, 'kubernetes.targets[1]'],
    [undefined, 'kubernetes.overrides.ecs-fargate'],
    ['kubernetes', 'kubernetes.defaults.services.code-executor.resources.requests.cpu'],
  ]);
  for (const p of input.problems) expect([p.field, p.alternatives.length > 0]).toEqual([p.field, true]);
  expect(input.problems[1].alternatives).toContain('"targets"');
});

test('a missing or broken file is one clear problem', () => {
  expect(() => loadKit({ file: '/nonexistent/kit.json', env: {} })).toThrow(/SANDBOX_KIT_CONFIG: no file at/);
  const broken = path.join(dir, 'broken.json');
  fs.writeFileSync(broken, '{ "kubernetes": ');
  expect(() => loadKit({ file: broken, env: {} })).toThrow(SandboxConfigError);
});
