import * as fs from 'fs';
import * as path from 'path';
import { App, Yaml, YamlOutputType } from 'cdk8s';
import { DeploymentPlan } from '../policy/plan';
import { plan } from '../policy/planner';
import { KubernetesEndpoint, SandboxKitChart } from '../k8s/chart';
import { resolveRendererOptions } from '../k8s/options';
import { loadAppInput, LoadOptions } from './kit-file';

/** Options of one Kubernetes synth run. */
export interface KubernetesSynthOptions extends LoadOptions {
  /**
   * Output directory.
   * @default env CDK8S_OUTDIR (set by `cdk8s synth`), else 'dist'
   */
  readonly outdir?: string;
}

/** What a synth run wrote. */
export interface KubernetesSynthResult {
  /** Files written, one per target. */
  readonly files: readonly string[];
  /** In-cluster service URLs, per target. */
  readonly endpoints: Readonly<Record<string, readonly KubernetesEndpoint[]>>;
  /** The plans rendered. */
  readonly plans: readonly DeploymentPlan[];
}

/** A synth run that could not complete; nothing was written. */
export class KubernetesSynthError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'KubernetesSynthError';
  }
}

/**
 * Plan every target of the kit file's `kubernetes` section, render one chart per target and
 * write `<outdir>/<target>.k8s.yaml`. Every plan, chart and output check runs before the first
 * file is written, so a failure leaves no partial output.
 */
export function synthKubernetes(options: KubernetesSynthOptions = {}): KubernetesSynthResult {
  const env = options.env ?? process.env;
  const input = loadAppInput('kubernetes', options);
  const renderer = resolveRendererOptions(input.renderer);

  // Plan everything first: one impossible target stops the run with every planner message.
  const plans: DeploymentPlan[] = [];
  const failures: string[] = [];
  for (const config of input.configs) {
    try {
      plans.push(plan(config));
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  if (failures.length) throw new KubernetesSynthError(failures.join('\n'));

  const outdir = options.outdir ?? env.CDK8S_OUTDIR ?? 'dist';
  const app = new App({ outdir, outputFileExtension: '.k8s.yaml', yamlOutputType: YamlOutputType.FILE_PER_CHART });
  const charts = plans.map((p) => new SandboxKitChart(app, p.target, { plan: p, ...renderer }));

  // cdk8s's own App.synth() writes chart by chart and validates the whole app once per chart:
  // validate once, render everything in memory, and write only when all of it succeeded.
  const errors = app.node.findAll().flatMap((c) => c.node.validate().map((m) => `[${c.node.path}] ${m}`));
  if (errors.length) throw new KubernetesSynthError(`sandbox-kit: the rendered manifests would be refused by the cluster:\n  ${errors.join('\n  ')}`);
  const rendered = charts.map((chart) => ({
    file: path.join(outdir, `${chart.node.id}${app.outputFileExtension}`),
    yaml: Yaml.stringify(...chart.renderObjects().objects),
  }));
  fs.mkdirSync(outdir, { recursive: true });
  for (const r of rendered) fs.writeFileSync(r.file, r.yaml);
  return {
    files: rendered.map((r) => r.file),
    endpoints: Object.fromEntries(charts.map((c) => [c.node.id, c.endpoints])),
    plans,
  };
}

/** Human summary: files and the URLs a backend needs. */
export function formatSynthResult(result: KubernetesSynthResult): string {
  const lines: string[] = [];
  for (const [i, file] of result.files.entries()) {
    const p = result.plans[i];
    lines.push(`sandbox-kit: wrote ${file} (${p.services.map((s) => `${s.service}: ${s.mode}`).join(', ')})`);
    for (const e of result.endpoints[p.target] ?? []) lines.push(`  ${e.env}=${e.url}`);
  }
  return lines.join('\n');
}

/** Entry point of `cdk8s synth` (cdk8s.yaml: `node lib/apps/k8s.js`). */
export function main(): number {
  try {
    const result = synthKubernetes();
    // `cdk8s synth` swallows the app's stdout and passes stderr through: print there.
    process.stderr.write(`${formatSynthResult(result)}\n`);
    return 0;
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    return 1;
  }
}

if (require.main === module) {
  process.exitCode = main();
}
