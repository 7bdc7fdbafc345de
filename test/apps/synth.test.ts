import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthAll } from '../../src/apps/synth-all';
import { EXAMPLE_AGENT_SANDBOX } from '../k8s/helpers';

const REPO = path.resolve(__dirname, '../..');

let root: string;
let log: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-synth-'));
  log = '';
});
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

/** A kit file; its kubernetes section names the agent sandbox's example Secrets unless it names its own. */
function kitFile(content: { kubernetes?: { renderer?: Record<string, unknown> } & Record<string, unknown> } & Record<string, unknown>): void {
  const k = content.kubernetes;
  const withSecrets = k ? { ...content, kubernetes: { ...k, renderer: { agentSandbox: EXAMPLE_AGENT_SANDBOX, ...(k.renderer ?? {}) } } } : content;
  fs.writeFileSync(path.join(root, 'sandbox-kit.config.json'), JSON.stringify(withSecrets));
}

/** Outputs of an earlier run, to see whether a failed run leaves them alone. */
function previousOutputs(): void {
  for (const d of ['dist', 'cdk.out']) {
    fs.mkdirSync(path.join(root, d));
    fs.writeFileSync(path.join(root, d, 'previous'), d);
  }
}

/** A stand-in for `cdk synth`: writes a template into --output, or fails like cdk-nag does. */
function fakeCdk(ok: boolean): string[] {
  const script = path.join(root, 'fake-cdk.js');
  fs.writeFileSync(script, ok
    ? "const d = process.argv[process.argv.indexOf('--output') + 1]; require('fs').mkdirSync(d, { recursive: true }); require('fs').writeFileSync(d + '/Stack.template.json', '{}');"
    : "const d = process.argv[process.argv.indexOf('--output') + 1]; require('fs').mkdirSync(d, { recursive: true }); require('fs').writeFileSync(d + '/half.json', '{}'); console.error('[Error at /SandboxKit-ecs-ec2] AwsSolutions-EC23'); process.exit(1);");
  return [process.execPath, script];
}

const run = (cdkCommand: string[], env: NodeJS.ProcessEnv = {}) => synthAll({ root, env, cdkCommand, log: (t) => { log += t; } });

test('both apps succeed: dist/ and cdk.out/ are replaced together', () => {
  kitFile({ kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable' } }, aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, overrides: { 'ecs-ec2': { services: { 'agent-sandbox': { enabled: false } } } } } });
  previousOutputs();
  expect(run(fakeCdk(true))).toBe(0);
  expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(['eks.k8s.yaml', 'eks.values.yaml']);
  // The backend pinned to the release the kit's services run.
  expect(fs.readFileSync(path.join(root, 'dist', 'eks.values.yaml'), 'utf8')).toMatch(/^image:\n  tag: 3\.334\.0-stable$/m);
  expect(fs.readdirSync(path.join(root, 'cdk.out'))).toEqual(['Stack.template.json']);
  expect(fs.readdirSync(root).filter((f) => f.startsWith('.sandbox-kit-synth-'))).toEqual([]);
  expect(log).toContain('sandbox-kit: wrote dist/eks.k8s.yaml');
});

test('the AWS app fails after the Kubernetes app succeeded: neither output changes', () => {
  kitFile({ kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable' } }, aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, overrides: { 'ecs-ec2': { services: { 'agent-sandbox': { enabled: false } } } } } });
  previousOutputs();
  expect(run(fakeCdk(false))).toBe(1);
  for (const d of ['dist', 'cdk.out']) expect(fs.readdirSync(path.join(root, d))).toEqual(['previous']);
  expect(fs.readdirSync(root).filter((f) => f.startsWith('.sandbox-kit-synth-'))).toEqual([]);
  expect(log).toContain('AwsSolutions-EC23');
  expect(log).toContain('nothing written');
});

test('a problem in either app stops both before anything runs, with every problem in one error', () => {
  kitFile({ kubernetes: { targets: ['eks-fargate'], defaults: { retoolVersion: '3.334.0-stable' } }, aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: { ecs: { colour: 'blue' } } } });
  previousOutputs();
  expect(run(fakeCdk(true))).toBe(1);
  for (const d of ['dist', 'cdk.out']) expect(fs.readdirSync(path.join(root, d))).toEqual(['previous']);
  expect(log).toMatch(/^sandbox-kit: .*sandbox-kit\.config\.json: \d+ problems/);
  expect(log).toContain('aws.renderer.ecs.colour: unknown field');
  expect(log).toContain('[kubernetes/eks-fargate] services.code-executor.mode');
});

test('an app that is off leaves no output behind; SANDBOX_KIT_TARGETS picks per app', () => {
  kitFile({ kubernetes: { targets: ['eks', 'gke-standard'], defaults: { retoolVersion: '3.334.0-stable' } }, aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' } } });
  previousOutputs();
  expect(run(fakeCdk(true), { SANDBOX_KIT_TARGETS: 'gke-standard' })).toBe(0);
  expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(['gke-standard.k8s.yaml', 'gke-standard.values.yaml']);
  expect(fs.existsSync(path.join(root, 'cdk.out'))).toBe(false);
  expect(log).toContain('the AWS app is off');
});

test('the real cdk synth, run as npm run synth runs it, writes the ECS stack next to the manifests', () => {
  // A project directory like the repository: cdk.json naming the compiled AWS app, and its node_modules.
  const cdkJson = JSON.parse(fs.readFileSync(path.join(REPO, 'cdk.json'), 'utf8'));
  fs.writeFileSync(path.join(root, 'cdk.json'), JSON.stringify({ ...cdkJson, app: `node ${path.join(REPO, 'lib/apps/aws.js')}` }));
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'));
  kitFile({ kubernetes: { targets: ['kubernetes'], defaults: { retoolVersion: '3.334.0-stable' } }, aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, overrides: { 'ecs-ec2': { services: { 'agent-sandbox': { enabled: false } } } } } });
  const code = synthAll({ root, env: { ...process.env, SANDBOX_KIT_CONFIG: '', SANDBOX_KIT_TARGETS: '' }, log: (t) => { log += t; } });
  expect([code, code ? log : '']).toEqual([0, '']);
  expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(['kubernetes.k8s.yaml', 'kubernetes.values.yaml']);
  expect(fs.readdirSync(path.join(root, 'cdk.out'))).toContain('SandboxKit-ecs-ec2.template.json');
}, 180000);
