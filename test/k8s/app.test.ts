import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { formatSynthResult, main, synthKubernetes } from '../../src/apps/k8s';
import { SandboxConfigError } from '../../src/policy/errors';
import { plan } from '../../src/policy/planner';
import { EXAMPLE_AGENT_SANDBOX, FARGATE_KIT_FILE, KIT_FILE } from './helpers';

let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-k8s-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeKitFile(content: unknown): string {
  const file = path.join(dir, 'kit.json');
  fs.writeFileSync(file, JSON.stringify(content));
  return file;
}

test('writes one dist/<target>.k8s.yaml per target and returns the service URLs', () => {
  const outdir = path.join(dir, 'dist');
  const result = synthKubernetes({ file: KIT_FILE, outdir, env: {} });
  expect(fs.readdirSync(outdir).sort()).toEqual(['eks.k8s.yaml', 'eks.values.yaml', 'gke-standard.k8s.yaml', 'gke-standard.values.yaml', 'kubernetes.k8s.yaml', 'kubernetes.values.yaml']);
  expect(result.endpoints.eks).toEqual([
    { service: 'code-executor', component: 'main', env: 'CODE_EXECUTOR_INGRESS_DOMAIN', url: 'http://code-executor.sandbox-kit-code-executor.svc.cluster.local' },
    { service: 'js-executor', component: 'main', env: 'JS_EXECUTOR_INGRESS_DOMAIN', url: 'http://js-executor.sandbox-kit-js-executor.svc.cluster.local' },
    { service: 'agent-sandbox', component: 'controller', env: 'AGENT_SANDBOX_CONTROLLER_INGRESS_DOMAIN', url: 'http://agent-sandbox-controller.sandbox-kit-agent.svc.cluster.local:3018' },
    { service: 'agent-sandbox', component: 'proxy', env: 'AGENT_SANDBOX_PROXY_INGRESS_DOMAIN', url: 'http://agent-sandbox-proxy.sandbox-kit-agent.svc.cluster.local:3019' },
  ]);
  expect(formatSynthResult(result)).toContain('  CODE_EXECUTOR_INGRESS_DOMAIN=http://code-executor.sandbox-kit-code-executor.svc.cluster.local');
  // Each Service the URL names exists in the file, on that port.
  const eks = fs.readFileSync(path.join(outdir, 'eks.k8s.yaml'), 'utf8');
  expect(eks).toMatch(/kind: Service\nmetadata:\n(?:.*\n)*?  name: code-executor\n  namespace: sandbox-kit-code-executor\nspec:\n  ports:\n    - name: http\n      port: 80\n      protocol: TCP\n      targetPort: http/);
});

test('one target through SANDBOX_KIT_TARGETS, renderer options from the file', () => {
  const outdir = path.join(dir, 'dist');
  const file = writeKitFile({ kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: { clusterDomain: 'corp.local', namespaces: { jsExecutor: 'functions' }, agentSandbox: EXAMPLE_AGENT_SANDBOX } } });
  const result = synthKubernetes({ outdir, env: { SANDBOX_KIT_CONFIG: file, SANDBOX_KIT_TARGETS: 'kubernetes' } });
  expect(fs.readdirSync(outdir).sort()).toEqual(['kubernetes.k8s.yaml', 'kubernetes.values.yaml']);
  expect(result.endpoints.kubernetes.find((e) => e.service === 'js-executor')!.url).toBe('http://js-executor.functions.svc.corp.local');
});

test('the eks-fargate example renders code-executor alone', () => {
  const result = synthKubernetes({ file: FARGATE_KIT_FILE, outdir: dir, env: {} });
  expect(result.files.map((f) => path.basename(f))).toEqual(['eks-fargate.k8s.yaml']);
  expect(result.endpoints['eks-fargate'].map((e) => e.env)).toEqual(['CODE_EXECUTOR_INGRESS_DOMAIN']);
});

describe('a failing plan stops synth with the planner message and writes no file', () => {
  const failing = { kubernetes: { targets: ['eks', 'eks-fargate'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: { agentSandbox: EXAMPLE_AGENT_SANDBOX } } };
  let expected: SandboxConfigError;
  beforeAll(() => {
    try {
      plan({ target: 'eks-fargate', retoolVersion: '3.334.0-stable' });
      throw new Error('expected eks-fargate with default services to be refused');
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxConfigError);
      expected = e as SandboxConfigError;
    }
  });
  /** The planner's problems, as the app reports them: the same, scoped to their app and target. */
  const scoped = () => expected.problems.map((p) => ({ ...p, scope: 'kubernetes/eks-fargate' }));

  test('synthKubernetes throws the planner\'s full text; the valid eks target is not written either', () => {
    const outdir = path.join(dir, 'dist');
    const file = writeKitFile(failing);
    let thrown: unknown;
    try {
      synthKubernetes({ file, outdir, env: {} });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SandboxConfigError);
    expect((thrown as SandboxConfigError).problems).toEqual(scoped());
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('main() exits 1 and prints the message on stderr (what `cdk8s synth` shows)', () => {
    const outdir = path.join(dir, 'dist');
    const file = writeKitFile(failing);
    const saved = { ...process.env };
    let stderr = '';
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => { stderr += chunk.toString(); return true; });
    try {
      process.env.SANDBOX_KIT_CONFIG = file;
      process.env.CDK8S_OUTDIR = outdir;
      delete process.env.SANDBOX_KIT_TARGETS;
      expect(main()).toBe(1);
    } finally {
      spy.mockRestore();
      process.env = saved;
    }
    for (const p of scoped()) expect(stderr).toContain(`[kubernetes/eks-fargate] ${p.field}: ${p.message}`);
    expect(stderr).toContain('services.js-executor.mode');
    expect(fs.existsSync(outdir)).toBe(false);
  });

  test('bad renderer options stop synth naming the field', () => {
    const file = writeKitFile({ kubernetes: { targets: ['eks'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: { privateCidrs: ['10.0.0.0/33'] } } });
    expect(() => synthKubernetes({ file, outdir: path.join(dir, 'dist'), env: {} })).toThrow(/kubernetes\.renderer\.privateCidrs\[0\]: "10\.0\.0\.0\/33" is not an IPv4 or IPv6 CIDR/);
    expect(fs.existsSync(path.join(dir, 'dist'))).toBe(false);
  });
});

test('the Kubernetes app never loads aws-cdk-lib or cdk-nag (it only renders cdk8s charts)', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { spawnSync } = require('child_process') as typeof import('child_process');
  const hook = `const M=require('module');const o=M.prototype.require;M.prototype.require=function(id){if(/aws-cdk-lib|cdk-nag/.test(id))process.stdout.write('LOADED '+id+'\\n');return o.apply(this,arguments);};`;
  const app = path.resolve(__dirname, '../../lib/apps/k8s.js');
  const r = spawnSync(process.execPath, ['-e', `${hook}process.exitCode=require(${JSON.stringify(app)}).main();`], {
    encoding: 'utf8', cwd: path.resolve(__dirname, '../..'), env: { ...process.env, CDK8S_OUTDIR: dir, SANDBOX_KIT_CONFIG: KIT_FILE, SANDBOX_KIT_TARGETS: '' },
  });
  expect(r.status).toBe(0);
  expect(fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml')).length).toBeGreaterThan(0);
  expect(r.stdout).not.toContain('LOADED');
});
