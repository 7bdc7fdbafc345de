import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'lib/apps/explain.js');

// The CLI runs as users run it, compiled in lib/. `npm test` builds first; a direct `npx jest`
// rebuilds only when some source is newer than the compiled app.
function explain(...args: string[]) {
  const r = spawnSync(process.execPath, [APP, ...args], { encoding: 'utf8', cwd: ROOT });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function newestSource(dir: string): number {
  return Math.max(0, ...fs.readdirSync(dir, { withFileTypes: true }).map((e) => {
    const p = path.join(dir, e.name);
    return e.isDirectory() ? newestSource(p) : fs.statSync(p).mtimeMs;
  }));
}

beforeAll(() => {
  if (fs.existsSync(APP) && fs.statSync(APP).mtimeMs >= newestSource(path.join(ROOT, 'src'))) return;
  const b = spawnSync(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', ROOT], { encoding: 'utf8' });
  if (b.status !== 0) throw new Error(`build failed:\n${b.stdout}${b.stderr}`);
}, 120000);

test('--all prints every target, refusals included', () => {
  const r = explain('--all');
  expect(r.code).toBe(0);
  for (const t of ['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'eks-fargate', 'ecs-ec2', 'ecs-fargate']) {
    expect(r.out).toMatch(new RegExp(`== .*\\b${t}\\b`));
  }
});

test('--target ecs-fargate refuses code-executor without the acknowledgement and names the alternatives', () => {
  const r = explain('--target', 'ecs-fargate');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/services\.code-executor\.mode: no sandbox mode for code-executor works on Amazon ECS on Fargate/);
  expect(r.out).toMatch(/would work: services\.code-executor\.mode: "unsandboxed" with acknowledgeUnsandboxedCode: true/);
  expect(r.out).toMatch(/services\.js-executor\.mode: .*\n.*would work: services\.js-executor\.capacity: "ec2"/);
  // capacity: "ec2" would not help the agent sandbox (ECS cannot unmask /proc): a Kubernetes target would.
  expect(r.out).toMatch(/services\.agent-sandbox\.mode: .*\n.*would work: target: "eks"/);
  expect(r.out).not.toMatch(/services\.agent-sandbox\.capacity/);
});

test('with the acknowledgement code-executor shows its remaining risks', () => {
  const r = explain('--target', 'ecs-fargate', '--acknowledge-unsandboxed-code', '--mode', 'js-executor=seccomp');
  // js-executor is still refused, so the command still fails, but code-executor's plan is not the problem.
  expect(r.out).not.toMatch(/services\.code-executor/);
  const ok = explain('--config', path.join(ROOT, 'examples/ecs-fargate.config.json'));
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(/code-executor\n\s+mode\s+unsandboxed \(requested\)/);
  for (const c of ['data', 'account', 'execution', 'system', 'external-misuse']) expect(ok.out).toMatch(new RegExp(`- ${c}: `));
});

test('js-executor and the agent sandbox are refused on EKS Fargate with a named alternative', () => {
  const r = explain('--target', 'eks-fargate', '--acknowledge-unsandboxed-code');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/services\.js-executor\.mode[\s\S]*would work: target: an EKS managed node group/);
  expect(r.out).toMatch(/services\.agent-sandbox\.mode[\s\S]*would work: target: an EKS managed node group/);
});

test('--json prints the plans as data', () => {
  const r = explain('--target', 'gke-autopilot', '--acknowledge-unsandboxed-code', '--json');
  expect(r.code).toBe(1);
  const [p] = JSON.parse(r.out) as { problems: { field: string; message: string }[] }[];
  // With the acknowledgement code-executor runs inside gVisor; js-executor and the agent sandbox stay refused.
  expect(p.problems.map((x) => x.field)).toEqual(['services.js-executor.mode', 'services.agent-sandbox.mode']);
  const eks = explain('--target', 'eks', '--json');
  expect(eks.code).toBe(0);
  const [e] = JSON.parse(eks.out) as { services: { mode: string; sandbox: { runtimeClassName?: string } }[] }[];
  expect(e.services.map((s) => s.mode)).toEqual(['seccomp', 'seccomp', 'seccomp']);
});

test('bad arguments exit 2 with usage', () => {
  const r = explain('--frobnicate');
  expect(r.code).toBe(2);
  expect(r.err).toMatch(/unknown argument --frobnicate/);
});
