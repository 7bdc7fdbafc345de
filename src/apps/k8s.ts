import * as fs from 'fs';
import * as path from 'path';
import { loadKit, LoadOptions, problemsFor } from '../config/load';
import { KubernetesEndpoint } from '../k8s/chart';
import { helmValuesYaml } from '../k8s/helm-values';
import { yamlDocumentWriter } from '../k8s/yaml-text';
import { SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { checkKit, TargetCheck } from './kit-check';
import { tuneForOneShotRun } from './one-shot';

/** Options of one Kubernetes synth run. */
export interface KubernetesSynthOptions extends LoadOptions {
  /**
   * Output directory.
   * @default - env CDK8S_OUTDIR (set by `cdk8s synth`), else 'dist'
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

/**
 * Write the rendered charts of checked targets (every one must have passed), one
 * `<outdir>/<target>.k8s.yaml` each, and next to it `<target>.values.yaml`, the values fragment
 * for Retool's Helm chart (helmValues).
 */
export function writeKubernetesTargets(targets: readonly TargetCheck[], outdir: string): KubernetesSynthResult {
  // Targets share many objects (namespaces, policies, the profile ConfigMaps): each distinct
  // object is serialized once. The text is what Yaml.stringify(...objects) writes, which joins
  // the documents the same way (yaml-text.ts writes it faster).
  const serialized = new Map<string, string>();
  const yamlText = yamlDocumentWriter();
  const yamlOf = (o: object): string => {
    const key = JSON.stringify(o);
    let text = serialized.get(key);
    if (text === undefined) serialized.set(key, text = yamlText(o));
    return text;
  };
  const rendered = targets.map((t) => {
    if (!t.chart || !t.plan || t.problems.length) throw new Error(`writeKubernetesTargets: target ${t.target} did not pass its checks`);
    return { target: t.target, chart: t.chart, plan: t.plan, file: path.join(outdir, `${t.target}.k8s.yaml`), yaml: t.chart.renderObjects().objects.map(yamlOf).join('---\n') };
  });
  fs.mkdirSync(outdir, { recursive: true });
  for (const r of rendered) {
    fs.writeFileSync(r.file, r.yaml);
    // Retool's Helm chart values next to the manifests: the backend wired to the kit's services.
    const agent = r.plan.services.some((s) => s.service === 'agent-sandbox') ? r.chart.options.agentSandbox?.secretName : undefined;
    const releases = [...new Set(r.plan.services.flatMap((s) => (s.release ? [s.release] : [])))];
    // One release pins the backend; per-service overrides that differ leave the backend's tag to the user.
    const release = releases.length === 1 ? releases[0] : undefined;
    fs.writeFileSync(path.join(outdir, `${r.target}.values.yaml`), helmValuesYaml({ endpoints: r.chart.endpoints, agentSandboxSecret: agent, release }, r.target));
  }
  return {
    files: rendered.map((r) => r.file),
    endpoints: Object.fromEntries(rendered.map((r) => [r.target, r.chart.endpoints])),
    plans: rendered.map((r) => r.plan),
  };
}

/**
 * Plan every target of the kit file's `kubernetes` section, render one chart per target, run
 * every check on them, and only then write `<outdir>/<target>.k8s.yaml`: a problem anywhere
 * throws one SandboxConfigError with every problem, and nothing is written.
 */
export function synthKubernetes(options: KubernetesSynthOptions = {}): KubernetesSynthResult {
  const env = options.env ?? process.env;
  const input = loadKit(options);
  const check = checkKit(input, { apps: ['kubernetes'] });
  const problems = problemsFor({ ...input, problems: check.problems }, 'kubernetes');
  if (problems.length) throw new SandboxConfigError(`sandbox-kit: ${input.source} (Kubernetes app)`, problems);
  return writeKubernetesTargets(check.apps.kubernetes.targets, options.outdir ?? env.CDK8S_OUTDIR ?? 'dist');
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

/**
 * Entry point of `cdk8s synth`: cdk8s.yaml runs `node lib/apps/k8s.bundle.js`, this module and
 * its imports in one file (scripts/bundle.js); `node lib/apps/k8s.js` runs the same unbundled.
 */
export function main(): number {
  try {
    const result = synthKubernetes();
    // `cdk8s synth` swallows the app's stdout and passes stderr through: print there.
    process.stderr.write(`${result.files.length ? formatSynthResult(result) : 'sandbox-kit: the Kubernetes app is off (no "kubernetes" section or no targets)'}\n`);
    return 0;
  } catch (e) {
    if (!(e instanceof SandboxConfigError)) throw e;
    process.stderr.write(`${e.message}\n`);
    return 1;
  }
}

if (require.main === module) {
  tuneForOneShotRun();
  process.exitCode = main();
}
