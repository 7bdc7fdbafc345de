/**
 * The package as a user gets it: `npm pack`, installed from the tarball into an empty project,
 * imported by its public entry points, and the examples/ apps compiled and synthesized there.
 * The install is offline: the package's dependencies are linked from this repository's
 * node_modules (file: specs), so no registry is needed and the tarball itself is what is tested.
 */
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { ensureBuilt } = require('../../scripts/ensure-built.js') as { ensureBuilt(): boolean };
const MODULES = fs.realpathSync(path.join(ROOT, 'node_modules'));
const TSC = path.join(MODULES, 'typescript', 'bin', 'tsc');

let work: string;
let project: string;
let tarball: string;
let packed: string[];

function node(cwd: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  return spawnSync(process.execPath, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env } });
}

beforeAll(() => {
  expect(ensureBuilt()).toBe(true);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-pack-'));
  const out = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: ROOT, encoding: 'utf8' })) as { filename: string; files: { path: string }[] }[];
  tarball = path.join(work, out[0].filename);
  packed = out[0].files.map((f) => f.path);
  project = path.join(work, 'project');
  fs.mkdirSync(project);
  const kit = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  // What a user installs: the tarball, the package's dependencies (linked here), and what the
  // examples add (cdk-nag is already a dependency; @types/node for console and process).
  const deps: Record<string, string> = { 'sandbox-kit': `file:${tarball}`, '@types/node': `file:${path.join(MODULES, '@types/node')}` };
  for (const d of Object.keys(kit.dependencies)) deps[d] = `file:${path.join(MODULES, d)}`;
  fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'user-project', version: '1.0.0', private: true, dependencies: deps }));
  execFileSync('npm', ['install', '--offline', '--no-audit', '--no-fund', '--install-links=false', '--ignore-scripts'], { cwd: project, encoding: 'utf8' });
}, 120000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball holds the compiled library and the schema, not the sources, tests, the test-only verify code or the repository\'s bundled cdk8s app', () => {
  expect(packed).toEqual(expect.arrayContaining(['package.json', 'README.md', 'sandbox-kit.schema.json', 'lib/index.js', 'lib/index.d.ts', 'lib/aws-constructs.js', 'lib/aws-constructs.d.ts', 'lib/seccomp/data/docker-default.json']));
  expect(packed.filter((f) => /^(src|test|examples)\/|^lib\/(verify|bench)\/|\.bundle\.js$/.test(f))).toEqual([]);
  // The installed copy is the tarball's content, not a link back into this repository.
  const installed = path.join(project, 'node_modules', 'sandbox-kit');
  expect(fs.lstatSync(installed).isSymbolicLink()).toBe(false);
  expect(fs.existsSync(path.join(installed, 'lib', 'index.js'))).toBe(true);
});

test('the installed package plans and renders through its public entry points; the main one loads no aws-cdk-lib', () => {
  const script = `
    const M = require('module'); const original = M.prototype.require; const loaded = [];
    M.prototype.require = function (id) { if (/^(aws-cdk-lib|cdk-nag)/.test(id)) loaded.push(id); return original.apply(this, arguments); };
    const kit = require('sandbox-kit');
    const { App } = require('cdk8s');
    const p = kit.plan({ target: 'eks', retoolVersion: '3.334.0-stable', architectures: ['amd64'] });
    const chart = new kit.SandboxKitChart(new App(), 'c', { plan: p, agentSandbox: { secretName: 'agent', postgres: { urlSecret: { name: 'agent' } } } });
    const kinds = chart.toJson().map((o) => o.kind);
    const beforeAws = loaded.length;
    const aws = require('sandbox-kit/aws');
    let deep;
    try { require('sandbox-kit/lib/policy/planner'); deep = 'resolved'; } catch (e) { deep = e.code; }
    let refused;
    try { kit.plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'bogus' } } }); } catch (e) { refused = e instanceof kit.SandboxConfigError; }
    console.log(JSON.stringify({ services: p.services.map((s) => s.service), kinds, beforeAws, aws: typeof aws.EcsSandboxStack, deep, refused }));
  `;
  const r = node(project, ['-e', script]);
  expect(r.stderr).toBe('');
  const out = JSON.parse(r.stdout) as { services: string[]; kinds: string[]; beforeAws: number; aws: string; deep: string; refused: boolean };
  expect(out.services).toEqual(['code-executor', 'js-executor', 'agent-sandbox']);
  expect(out.kinds).toEqual(expect.arrayContaining(['Namespace', 'Deployment', 'NetworkPolicy']));
  expect(out.beforeAws).toBe(0);
  expect(out.aws).toBe('function');
  // Internals stay internal: the exports map refuses deep imports.
  expect(out.deep).toBe('ERR_PACKAGE_PATH_NOT_EXPORTED');
  expect(out.refused).toBe(true);
});

/** Copy an example into the user project, compile it against the installed package, run it. */
function buildExample(name: string, env: NodeJS.ProcessEnv): { dir: string; stdout: string } {
  const dir = path.join(project, name);
  fs.cpSync(path.join(ROOT, 'examples', name), dir, { recursive: true });
  const tsc = node(dir, [TSC, '-p', 'tsconfig.json']);
  expect(tsc.stdout + tsc.stderr).toBe('');
  const run = node(dir, ['main.js'], env);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return { dir, stdout: run.stdout };
}

test('examples/cdk8s-app compiles against the installed package and synthesizes its chart', () => {
  const { dir, stdout } = buildExample('cdk8s-app', { CDK8S_OUTDIR: 'dist' });
  const files = fs.readdirSync(path.join(dir, 'dist'));
  expect(files).toEqual(['retool-sandboxes.k8s.yaml']);
  const yaml = fs.readFileSync(path.join(dir, 'dist', files[0]), 'utf8');
  // The plan's sandbox reached the manifest: NsJail under the kit's seccomp profile, installed by its DaemonSet.
  expect(yaml).toMatch(/kind: DaemonSet/);
  expect(yaml).toMatch(/localhostProfile: sandbox-kit\/nsjail\.json/);
  expect(yaml).toMatch(/sandbox\.example\.com\/pool: code/);
  expect(stdout).toMatch(/^CODE_EXECUTOR_INGRESS_DOMAIN=http:\/\/code-executor\./m);
});

test('examples/cdk8s-agent-alone composes AgentSandbox with the shared pieces it requires, and synthesizes', () => {
  const { dir, stdout } = buildExample('cdk8s-agent-alone', { CDK8S_OUTDIR: 'dist' });
  const yaml = fs.readFileSync(path.join(dir, 'dist', 'agent-sandbox.k8s.yaml'), 'utf8');
  // What AgentSandbox brings and what the app added: the quota, the admission policy, the device plugin, the installer.
  for (const kind of ['ResourceQuota', 'LimitRange', 'ValidatingAdmissionPolicy', 'NetworkPolicy', 'PriorityClass']) expect(yaml).toContain(`kind: ${kind}\n`);
  expect(yaml).toMatch(/name: agent-sandbox-device-plugin/);
  // The Job template names the kit's gVisor profile; the installer delivers it to the sandbox nodes.
  expect(yaml).toContain('"localhostProfile": "sandbox-kit/gvisor.json"');
  expect(yaml).toMatch(/gvisor-amd64\.oci\.json/);
  expect(stdout).toMatch(/^AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN=http:\/\/agent-sandbox-controller\./m);
});

test('examples/cdk-app compiles against the installed package and synthesizes its stack, cdk-nag included', () => {
  const outdir = path.join(project, 'cdk-app', 'cdk.out');
  const { dir } = buildExample('cdk-app', { CDK_OUTDIR: outdir });
  const template = JSON.parse(fs.readFileSync(path.join(dir, 'cdk.out', 'RetoolSandboxes.template.json'), 'utf8')) as { Resources: Record<string, { Type: string; Properties?: Record<string, unknown> }> };
  const types = Object.values(template.Resources).map((r) => r.Type);
  expect(types).toEqual(expect.arrayContaining(['AWS::ECS::Cluster', 'AWS::ECS::Service', 'AWS::ECS::TaskDefinition', 'AWS::EC2::VPC']));
  const families = Object.values(template.Resources).filter((r) => r.Type === 'AWS::ECS::TaskDefinition').map((r) => String(r.Properties!.Family));
  // One task per planned service; the agent sandbox, turned off in the example, has none.
  expect(families.map((f) => /codeexecutor|jsexecutor|agentsandbox/.exec(f)?.[0]).sort()).toEqual(['codeexecutor', 'jsexecutor']);
  // The example's typed props reached the template (maxCapacity: 6, an m7i.xlarge InstanceType).
  const asgs = Object.values(template.Resources).filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup');
  expect(asgs.length).toBeGreaterThan(0);
  expect(asgs.map((r) => r.Properties!.MaxSize)).toEqual(asgs.map(() => '6'));
});
