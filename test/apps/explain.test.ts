import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { EXAMPLE_AGENT_SANDBOX } from '../k8s/helpers';

const ROOT = path.resolve(__dirname, '../..');
const APP = path.join(ROOT, 'lib/apps/explain.js');

// The CLI runs as users run it, compiled in lib/ (`npm test` has just built it; ensure-built
// rebuilds only when a source is newer than the last build).
beforeAll(() => {
  const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/ensure-built.js')], { encoding: 'utf8', cwd: ROOT });
  if (b.status !== 0) throw new Error(`build failed:\n${b.stdout}${b.stderr}`);
}, 180000);

function explain(...args: string[]) {
  const env = { ...process.env };
  delete env.SANDBOX_KIT_CONFIG;
  delete env.SANDBOX_KIT_TARGETS;
  const r = spawnSync(process.execPath, [APP, ...args], { encoding: 'utf8', cwd: ROOT, env });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function kitFile(content: unknown): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-explain-'));
  const f = path.join(dir, 'kit.json');
  fs.writeFileSync(f, JSON.stringify(content));
  return f;
}

interface Report {
  apps: Record<'kubernetes' | 'aws', { enabled: boolean; targets: { target: string; plan?: { services: { service: string; mode: string; sandbox: { runtimeClassName?: string } }[] }; problems: { field: string; message: string }[]; facts?: { privileged: { value: boolean; source: string } } }[] }>;
  problems: { scope?: string; field: string; message: string }[];
}

test('--all prints every target of both apps, refusals included, and exits 0', () => {
  const r = explain('--all');
  expect(r.code).toBe(0);
  expect(r.out).toMatch(/# Kubernetes app .*: eks, gke-standard, kubernetes, gke-autopilot, eks-fargate/);
  expect(r.out).toMatch(/# AWS app .*: ecs-ec2, ecs-fargate, eks/);
  for (const t of ['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'eks-fargate', 'ecs-ec2', 'ecs-fargate']) {
    expect(r.out).toMatch(new RegExp(`== .*\\(${t}\\)`));
  }
});

test('the committed kit file explains with no problem: what npm run synth would write', () => {
  const r = explain();
  expect(r.code).toBe(0);
  expect(r.out).toContain('sandbox-kit: no problems; synth would write every target above.');
});

test('--target ecs-fargate refuses code-executor without the acknowledgement and names the alternatives', () => {
  const r = explain('--target', 'ecs-fargate');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/# Kubernetes app .*: off/);
  expect(r.out).toMatch(/services\.code-executor\.mode: no sandbox mode for code-executor works on Amazon ECS on Fargate/);
  expect(r.out).toMatch(/would work: services\.code-executor\.mode: "unsandboxed" with acknowledgeUnsandboxedCode: true/);
  expect(r.out).toMatch(/services\.js-executor\.mode: .*\n.*would work: services\.js-executor\.capacity: "ec2"/);
  // capacity: "ec2" would not help the agent sandbox (ECS cannot unmask /proc): a Kubernetes target would.
  expect(r.out).toMatch(/services\.agent-sandbox\.mode: .*\n.*would work: target: "eks"/);
  expect(r.out).not.toMatch(/services\.agent-sandbox\.capacity/);
});

test('with the acknowledgement code-executor shows its remaining risks; the example file plans cleanly', () => {
  const r = explain('--target', 'ecs-fargate', '--acknowledge-unsandboxed-code', '--mode', 'js-executor=seccomp');
  // js-executor is still refused, so the command still fails, but code-executor's plan is not the problem.
  expect(r.code).toBe(1);
  expect(r.out).not.toMatch(/services\.code-executor\.mode:/);
  expect(r.out).toMatch(/code-executor\n\s+mode\s+unsandboxed \(auto\)/);
  const ok = explain('--config', path.join(ROOT, 'examples/ecs-fargate.config.json'));
  expect(ok.code).toBe(0);
  expect(ok.out).toMatch(/code-executor\n\s+mode\s+unsandboxed \(requested\)/);
  for (const c of ['data', 'account', 'execution', 'system', 'external-misuse']) expect(ok.out).toMatch(new RegExp(`- ${c}: `));
});

test('every service\'s plan and every refusal, together: ecs-ec2 with the agent sandbox on', () => {
  const r = explain('--all', '--json');
  const ecs = (JSON.parse(r.out) as Report).apps.aws.targets.find((t) => t.target === 'ecs-ec2')!;
  expect(ecs.plan!.services.map((s) => [s.service, s.mode])).toEqual([['code-executor', 'privileged'], ['js-executor', 'privileged']]);
  expect(ecs.problems.map((p) => p.field)).toEqual(['services.agent-sandbox.mode']);
});

test('js-executor and the agent sandbox are refused on EKS Fargate with a named alternative', () => {
  const r = explain('--target', 'eks-fargate', '--acknowledge-unsandboxed-code');
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/services\.js-executor\.mode[\s\S]*would work: target: an EKS managed node group/);
  expect(r.out).toMatch(/services\.agent-sandbox\.mode[\s\S]*would work: target: an EKS managed node group/);
});

test('--json prints plans and problems per app and target; --facts adds the catalog', () => {
  const r = explain('--target', 'gke-autopilot', '--acknowledge-unsandboxed-code', '--json');
  expect(r.code).toBe(1);
  const report = JSON.parse(r.out) as Report;
  expect(report.apps.aws.enabled).toBe(false);
  const [t] = report.apps.kubernetes.targets;
  // With the acknowledgement code-executor runs inside gVisor; js-executor and the agent sandbox stay refused.
  expect(t.plan!.services.map((s) => [s.service, s.sandbox.runtimeClassName])).toEqual([['code-executor', 'gvisor']]);
  expect(t.problems.map((x) => x.field)).toEqual(['services.js-executor.mode', 'services.agent-sandbox.mode']);
  expect(t.facts).toBeUndefined();
  const eks = JSON.parse(explain('--target', 'eks', '--json', '--facts').out) as Report;
  expect(eks.apps.kubernetes.targets[0].plan!.services.map((s) => s.mode)).toEqual(['seccomp', 'seccomp', 'seccomp']);
  expect(eks.apps.kubernetes.targets[0].facts!.privileged).toMatchObject({ value: true, source: expect.stringMatching(/EKS adds no pod policy/) });
  expect(eks.apps.aws.targets[0].facts!.privileged.value).toBe(true);
});

test('the agent sandbox fences\' departures and the open Postgres port: in the text and in --json; agentSandbox.postgres.cidrs closes the port', () => {
  const renderer = (cidrs?: string[]) => ({ agentSandbox: { ...EXAMPLE_AGENT_SANDBOX, postgres: { ...EXAMPLE_AGENT_SANDBOX.postgres, ...(cidrs ? { cidrs } : {}) } } });
  const open = kitFile({ kubernetes: { targets: ['gke-standard'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: renderer() } });
  const text = explain('--config', open);
  expect(text.code).toBe(0);
  expect(text.out).toMatch(/- DNS egress of the sandbox, controller and proxy: Retool .*; the kit .*169\.254\.169\.254\/32, 169\.254\.20\.10\/32.*\. Why: /);
  expect(text.out).toMatch(/- controller and proxy egress to Postgres: Retool .*; the kit TCP 5432 to any address but the metadata endpoints/);
  expect(text.out).toMatch(/- sandbox PriorityClass: Retool .*; the kit priorityClassName sandbox-kit-agent-sandbox \(value 0, preemptionPolicy Never\)/);
  expect(text.out).toMatch(/external-misuse: Postgres egress open to any address on port 5432 .*set agentSandbox\.postgres\.cidrs .*to close it/);
  type Json = { apps: { kubernetes: { targets: { departures: Record<string, { setting: string; kit: string }[]>; plan: { services: { service: string; risks: { sentence: string }[] }[] } }[] } } };
  const json = (file: string) => (JSON.parse(explain('--config', file, '--json').out) as Json).apps.kubernetes.targets[0];
  const t = json(open);
  expect(t.departures['agent-sandbox'].map((d) => d.setting)).toEqual(['DNS egress of the sandbox, controller and proxy', 'controller and proxy egress to Postgres', 'sandbox PriorityClass']);
  expect(t.departures['code-executor'].length).toBeGreaterThan(0);
  const risks = (x: typeof t) => x.plan.services.find((s) => s.service === 'agent-sandbox')!.risks.map((r) => r.sentence).join('\n');
  expect(risks(t)).toMatch(/Postgres egress open/);
  const closed = json(kitFile({ kubernetes: { targets: ['gke-standard'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: renderer(['10.20.0.0/24']) } }));
  expect(risks(closed)).not.toMatch(/Postgres egress open/);
  expect(closed.departures['agent-sandbox'].find((d) => d.setting === 'controller and proxy egress to Postgres')!.kit).toBe('TCP 5432 to 10.20.0.0/24');
});

test('one run, one list: problems of both apps, from the schema, the rules, the planner and the renderers', () => {
  const file = kitFile({
    kubernetes: {
      targets: ['eks', 'gke-autopilot'],
      defaults: { retoolVersion: '3.334.0-stable' },
      overrides: { eks: { profileDelivery: 'security-profiles-operator' }, 'gke-autopilot': { userNamespaces: 'required', acknowledgeUnsandboxedCode: true } },
      renderer: { tolerations: [{ key: 'sandbox', operator: 'Exists', value: 'yes' }] },
    },
    aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: { ecs: { colour: 'blue' } } },
  });
  const r = explain('--config', file, '--json');
  expect(r.code).toBe(1);
  const { problems } = JSON.parse(r.out) as Report;
  expect(problems.map((p) => `${p.scope ?? ''} ${p.field}`)).toEqual([
    ' aws.renderer.ecs.colour',
    // Security Profiles Operator objects hold one architecture; the default is two (was: a throw at synth).
    'kubernetes/eks architectures',
    'kubernetes kubernetes.renderer.tolerations[0].value',
    // userNamespaces: "required" holds in gVisor mode too (was: silently ignored).
    'kubernetes/gke-autopilot userNamespaces',
    'kubernetes/gke-autopilot services.js-executor.mode',
    'kubernetes/gke-autopilot services.agent-sandbox.mode',
    'aws/ecs-ec2 services.agent-sandbox.mode',
  ]);
});

test('a renderer check explain runs that used to fail only at synth: an autoscaler below the plan\'s replicas', () => {
  const file = kitFile({ kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable', services: { 'js-executor': { replicas: 4 } } }, renderer: { autoscaling: { 'js-executor': { maxReplicas: 2 } }, agentSandbox: EXAMPLE_AGENT_SANDBOX } } });
  const r = explain('--config', file);
  expect(r.code).toBe(1);
  expect(r.out).toMatch(/\[kubernetes\/eks\] kubernetes\.renderer: .*autoscaling\.maxReplicas \(2\) is below the plan's replicas \(4\)/);
});

test('bad arguments exit 2 with usage: strict parsing, so a typo is an error', () => {
  for (const args of [['--chek'], ['eks'], ['--format', 'yaml'], ['--mode', 'code-executor'], ['--all', '--target', 'eks']]) {
    const r = explain(...args);
    expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
    expect(r.err).toMatch(/usage: npm run explain/);
  }
  expect(explain('--chek').err).toMatch(/Unknown option '--chek'/);
});
