import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { synthKubernetes } from '../apps/k8s';
import { KubeObject, podsOf } from '../k8s/manifest';
import { SandboxKitConfig } from '../policy/config';
import { SandboxPlan } from '../policy/plan';
import { ServiceName } from '../policy/services';
import { RenderedContainer, securityFromPodSpec } from './workload';

/**
 * Reads the kit's real Kubernetes output: synthesizes one target with the cdk8s app (the same
 * code path as `npm run synth`) into a temporary directory, parses `<target>.k8s.yaml`, and
 * finds the pod each service runs user code in (executors' Deployments, the agent sandbox's pod
 * template in its ConfigMap), by the kit's `app.kubernetes.io/name` and `component` labels.
 */

/** The label values of the pod that runs a service's user code. */
function userCodeComponent(p: SandboxPlan): string {
  const c = p.components.find((x) => x.runsUserCode);
  if (!c) throw new Error(`${p.service}: the plan has no component that runs user code`);
  return c.name;
}

/**
 * Renderer options the harness gives every synthesis unless the caller names its own: the agent
 * sandbox's Secret and Postgres connection are references the kit file must name (synth refuses
 * without them), so the harness names example ones, as the README's kit file does.
 */
export const VERIFY_RENDERER: Readonly<Record<string, unknown>> = {
  agentSandbox: { secretName: 'retool-agent-sandbox', postgres: { urlSecret: { name: 'retool-agent-sandbox', key: 'postgres-url' } } },
};

/** Synthesizes `config` (a Kubernetes target) and returns the file and its objects. */
export function synthKubernetesTarget(config: SandboxKitConfig, renderer: Record<string, unknown> = {}): { file: string; objects: KubeObject[]; plans: readonly SandboxPlan[] } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-synth-'));
  try {
    const { target, ...defaults } = config;
    const kitFile = path.join(dir, 'kit.json');
    fs.writeFileSync(kitFile, JSON.stringify({ kubernetes: { targets: [target], defaults, renderer: { ...VERIFY_RENDERER, ...renderer } } }));
    const result = synthKubernetes({ file: kitFile, outdir: path.join(dir, 'dist'), env: {} });
    const file = result.files.find((f) => path.basename(f) === `${target}.k8s.yaml`);
    if (!file) throw new Error(`synthKubernetes wrote ${result.files.join(', ')}, not ${target}.k8s.yaml`);
    const objects = parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as KubeObject).filter((o) => o && typeof o === 'object');
    return { file: path.basename(file), objects, plans: result.plans.flatMap((p) => p.services) };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** The rendered sandbox container of every planned service of a Kubernetes target. */
export function renderedKubernetesSandboxes(config: SandboxKitConfig, renderer: Record<string, unknown> = {}): Map<ServiceName, RenderedContainer> {
  const { file, objects, plans } = synthKubernetesTarget(config, renderer);
  const pods = podsOf(objects);
  const out = new Map<ServiceName, RenderedContainer>();
  for (const p of plans) {
    const component = userCodeComponent(p);
    const matches = pods.filter((pod) => pod.metadata.labels?.['app.kubernetes.io/name'] === p.service && pod.metadata.labels?.['app.kubernetes.io/component'] === component);
    if (matches.length !== 1) {
      throw new Error(`${file}: expected one pod of ${p.service} component ${component}, found ${matches.length} (${matches.map((m) => m.source).join(', ')})`);
    }
    const pod = matches[0];
    const containers = pod.spec.containers ?? [];
    if (containers.length !== 1) throw new Error(`${file} ${pod.source}: expected one container in the user-code pod, found ${containers.length}`);
    const name = containers[0].name;
    const where = `${file} ${pod.source}`;
    out.set(p.service, { source: where, container: name, security: securityFromPodSpec(pod.spec, name, where) });
  }
  return out;
}
