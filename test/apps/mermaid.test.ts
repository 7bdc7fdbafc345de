import * as fs from 'fs';
import * as path from 'path';
import { checkKit } from '../../src/apps/kit-check';
import { kitMermaid, kubernetesMermaid } from '../../src/apps/mermaid';
import { loadKit } from '../../src/config/load';

const ROOT = path.resolve(__dirname, '../..');
const check = checkKit(loadKit({ file: path.join(ROOT, 'sandbox-kit.config.json'), env: { SANDBOX_KIT_TARGETS: 'eks,ecs-ec2' } }));
const eks = check.apps.kubernetes.targets.find((t) => t.target === 'eks')!;
const objects = eks.chart!.renderObjects().objects;
const diagram = kubernetesMermaid(objects, 'retool');

test('trust domains: one subgraph per namespace, with the Pod Security level it enforces', () => {
  for (const ns of objects.filter((o) => o.kind === 'Namespace')) {
    const level = ns.metadata!.labels!['pod-security.kubernetes.io/enforce'];
    expect(diagram).toMatch(new RegExp(`subgraph \\S+\\["namespace ${ns.metadata!.name}<br/>[^"]*Pod Security enforce: ${level}`));
  }
});

test('each service\'s pods with their sandbox boundary; user code drawn apart', () => {
  expect(diagram).toMatch(/\[\/"Deployment code-executor<br\/>mode seccomp · seccomp sandbox-kit\/nsjail\.json · own user namespace"\/\]/);
  expect(diagram).toMatch(/class [^\n]*pod_Deployment_sandbox_kit_code_executor_code_executor[^\n]* usercode/);
  expect(diagram).not.toMatch(/class [^\n]*agent_sandbox_controller[^\n]* usercode/);
});

test('the allowed paths are the rendered NetworkPolicies\': backend to executors, sandbox to proxy, DNS; metadata blocked', () => {
  expect(diagram).toContain('backend -->|tcp 3004| pod_Deployment_sandbox_kit_code_executor_code_executor');
  expect(diagram).toMatch(/pod_ConfigMap_sandbox_kit_agent_agent_sandbox_job_template\S* -->\|tcp 3019\| pod_Deployment_sandbox_kit_agent_agent_sandbox_proxy/);
  expect(diagram).toContain('pod_Deployment_sandbox_kit_js_executor_js_executor -->|udp 53, tcp 53| dns_kube_system');
  expect(diagram).toContain('pod_Deployment_sandbox_kit_code_executor_code_executor -. blocked .-> metadata');
});

test('drawn from the objects, not by hand: without js-executor\'s policy, no path reaches it', () => {
  const without = kubernetesMermaid(objects.filter((o) => !(o.kind === 'NetworkPolicy' && o.metadata?.name === 'js-executor')), 'retool');
  expect(without).toContain('Deployment js-executor');
  expect(without).not.toMatch(/-->\|[^|]*\| pod_Deployment_sandbox_kit_js_executor_js_executor/);
});

test('ECS targets: capacities as trust domains, the backend\'s security group to the service ports', () => {
  const all = kitMermaid(check);
  expect(all).toMatch(/## ecs-ec2 \(AWS app\)\n\n```mermaid\nflowchart LR\n {2}subgraph cap_ec2_/);
  expect(all).toContain('backend -->|tcp 3004| task_code_executor');
  expect(all).toContain('task_code_executor -. blocked .-> metadata');
});

test('the README embeds the eks picture as the kit draws it (refresh: npm run explain -- --target eks --format mermaid)', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const block = /<!-- eks-diagram -->\n```mermaid\n([\s\S]*?)\n```/.exec(readme);
  expect(block).not.toBeNull();
  expect(block![1]).toBe(diagram);
});
