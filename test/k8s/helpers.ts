import * as path from 'path';
import { App } from 'cdk8s';
import { loadAppInput } from '../../src/config/load';
import { SandboxKitChart } from '../../src/k8s/chart';
import { KubeObject } from '../../src/k8s/manifest';
import { KubernetesRendererOptions } from '../../src/k8s/options';
import { SandboxKitConfig } from '../../src/policy/config';
import { DeploymentPlan } from '../../src/policy/plan';
import { plan } from '../../src/policy/planner';

export const REPO = path.resolve(__dirname, '../..');
export const KIT_FILE = path.join(REPO, 'sandbox-kit.config.json');
export const FARGATE_KIT_FILE = path.join(REPO, 'examples/eks-fargate.config.json');
export const AUTOPILOT_KIT_FILE = path.join(REPO, 'examples/gke-autopilot.config.json');

/** One rendered target. */
export interface Rendered {
  readonly plan: DeploymentPlan;
  readonly chart: SandboxKitChart;
  readonly objects: KubeObject[];
}

/** Example Secret names of the agent sandbox (what sandbox-kit.config.json names). */
export const EXAMPLE_AGENT_SANDBOX = { secretName: 'retool-agent-sandbox', postgres: { urlSecret: { name: 'retool-agent-sandbox', key: 'postgres-url' } } } as const;

/** Render a config the way the app does (a fresh App, one chart); the agent sandbox gets EXAMPLE_AGENT_SANDBOX unless the renderer names its own. */
export function render(config: SandboxKitConfig, renderer: KubernetesRendererOptions = {}): Rendered {
  const p = plan(config);
  const app = new App();
  const chart = new SandboxKitChart(app, p.target, { plan: p, ...renderer, agentSandbox: renderer.agentSandbox ?? EXAMPLE_AGENT_SANDBOX });
  return { plan: p, chart, objects: chart.toJson() as KubeObject[] };
}

/** Every target of a kit file's kubernetes section, rendered as the app renders them. */
export function renderKitFile(file: string): Record<string, Rendered> {
  const input = loadAppInput('kubernetes', { file, env: {} });
  const out: Record<string, Rendered> = {};
  for (const config of input.configs) out[config.target] = render(config, (input.targetRenderers[config.target] ?? input.renderer) as KubernetesRendererOptions);
  return out;
}

/** The objects of one kind. */
export function ofKind(objects: readonly KubeObject[], kind: string): KubeObject[] {
  return objects.filter((o) => o.kind === kind);
}

/** One object by kind and name. */
export function find(objects: readonly KubeObject[], kind: string, name: string, namespace?: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata?.name === name && (namespace === undefined || x.metadata?.namespace === namespace));
  if (!o) throw new Error(`no ${kind} ${namespace ?? '*'}/${name}`);
  return o;
}
