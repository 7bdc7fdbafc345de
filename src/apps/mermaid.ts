import type { EcsLayout } from '../aws/ecs-layout';
import type { ResolvedAwsOptions } from '../aws/options';
import { MODE_ANNOTATION, TRUST_LABEL } from '../k8s/labels';
import { KubeObject, PodInManifest, podsOf } from '../k8s/manifest';
import { TARGETS } from '../targets';
import { METADATA_ENDPOINTS, NON_INTERNET_IPV4, PRIVATE_RANGES } from '../targets/network';
import { KitCheck, TargetCheck } from './kit-check';

/**
 * `explain --format mermaid`: per target, a flowchart for the security review, drawn from what the
 * kit renders, not by hand: the trust domains (namespaces with the Pod Security level they enforce,
 * or ECS capacities), each service's pods with their sandbox boundary, and the network paths the
 * rendered NetworkPolicies (or security groups) allow, with the metadata endpoints and private
 * ranges they block.
 */

/** A Mermaid node id from any text. */
function id(text: string): string {
  return text.replace(/[^A-Za-z0-9]/g, '_');
}

/** Text safe inside a quoted Mermaid label. */
function label(text: string): string {
  return text.replace(/"/g, '#quot;');
}

interface Peer {
  readonly selector?: { readonly matchLabels?: Record<string, string>; readonly matchExpressions?: readonly { key: string; operator: string; values?: string[] }[] };
  readonly namespaceSelector?: { readonly matchLabels?: Record<string, string> };
  readonly podSelector?: { readonly matchLabels?: Record<string, string>; readonly matchExpressions?: readonly { key: string; operator: string; values?: string[] }[] };
  readonly ipBlock?: { readonly cidr: string; readonly except?: readonly string[] };
}
interface Rule { readonly from?: readonly Peer[]; readonly to?: readonly Peer[]; readonly ports?: readonly { protocol?: string; port?: number | string }[] }
interface PolicySpec { readonly podSelector?: { matchLabels?: Record<string, string> }; readonly ingress?: readonly Rule[]; readonly egress?: readonly Rule[] }

function ports(rule: Rule): string {
  const p = (rule.ports ?? []).map((x) => `${(x.protocol ?? 'TCP').toLowerCase()} ${x.port ?? '*'}`);
  return p.length ? [...new Set(p)].join(', ') : 'any port';
}

function matches(labels: Record<string, string> | undefined, selector: Record<string, string> | undefined): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels?.[k] === v);
}

/** The sandbox boundary of a pod, from its rendered settings. */
function boundary(pod: PodInManifest): string {
  const mode = pod.metadata.annotations?.[MODE_ANNOTATION];
  const c = pod.spec.containers[0]?.securityContext ?? {};
  const seccomp = c.seccompProfile ?? pod.spec.securityContext?.seccompProfile;
  const parts: string[] = [];
  if (pod.spec.runtimeClassName) parts.push(`gVisor (${pod.spec.runtimeClassName})`);
  if (c.privileged) parts.push('privileged');
  else if (seccomp?.type === 'Localhost') parts.push(`seccomp ${seccomp.localhostProfile}`);
  else if (seccomp?.type) parts.push(`seccomp ${seccomp.type}`);
  if (pod.spec.hostUsers === false) parts.push('own user namespace');
  return [mode ? `mode ${mode}` : undefined, ...parts].filter(Boolean).join(' · ');
}

/** One Kubernetes target: namespaces, pods, and the NetworkPolicies' paths. */
export function kubernetesMermaid(objects: readonly KubeObject[], backendNamespace?: string): string {
  const lines = ['flowchart LR'];
  const userCodeNodes: string[] = [];
  const pods = podsOf(objects);
  const podId = (p: PodInManifest) => id(`pod ${p.source}`);
  const namespaces = objects.filter((o) => o.kind === 'Namespace');
  const denied = new Set(objects.filter((o) => o.kind === 'NetworkPolicy' && Object.keys(((o.spec as PolicySpec).podSelector?.matchLabels) ?? {}).length === 0).map((o) => o.metadata?.namespace));
  for (const ns of namespaces) {
    const name = ns.metadata?.name ?? '';
    const level = ns.metadata?.labels?.['pod-security.kubernetes.io/enforce'] ?? 'none';
    const trust = ns.metadata?.labels?.[TRUST_LABEL] ?? '';
    lines.push(`  subgraph ${id(`ns ${name}`)}["namespace ${label(name)}<br/>${trust ? `${trust} · ` : ''}Pod Security enforce: ${level}${denied.has(name) ? ' · default deny' : ''}"]`);
    for (const p of pods.filter((x) => x.namespace === name)) {
      const what = p.source.split('/').slice(-1)[0];
      // The agent sandbox's namespace also holds its controller, proxy and prepuller: only pods
      // carrying the plan's sandbox mode run user code.
      const userCode = trust === 'user-code' && p.metadata.annotations?.[MODE_ANNOTATION] !== undefined;
      const shape = userCode ? ['[/', '/]'] : ['[', ']'];
      if (userCode) userCodeNodes.push(podId(p));
      lines.push(`    ${podId(p)}${shape[0]}"${label(`${p.ownerKind} ${what}`)}<br/>${label(boundary(p) || 'no sandbox settings')}"${shape[1]}`);
    }
    lines.push('  end');
  }
  const external = new Map<string, string>();
  const ext = (key: string, text: string, shape: [string, string] = ['([', '])']) => {
    if (!external.has(key)) external.set(key, `  ${key}${shape[0]}"${label(text)}"${shape[1]}`);
    return key;
  };
  const edges = new Set<string>();
  const resolve = (peer: Peer, here: string | undefined): string[] => {
    if (peer.ipBlock) {
      const { cidr, except = [] } = peer.ipBlock;
      if (cidr.endsWith('/0') || cidr === '2000::/3') return [ext('internet', `internet (${except.length} ranges excepted)`, ['((', '))'])];
      return [ext(id(`ip ${cidr}`), cidr)];
    }
    const ns = peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'] ?? (peer.namespaceSelector ? '*' : here ?? '*');
    const inNs = pods.filter((p) => p.namespace === ns && matches(p.metadata.labels, peer.podSelector?.matchLabels));
    if (inNs.length && !peer.podSelector?.matchExpressions) return inNs.map(podId);
    if (peer.podSelector?.matchExpressions?.some((e) => e.key === 'k8s-app')) return [ext(id(`dns ${ns}`), `cluster DNS (${ns})`)];
    const podLabels = Object.entries(peer.podSelector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
    if (ns === backendNamespace) return [ext('backend', `backend (namespace ${ns}${podLabels ? `, ${podLabels}` : ''})`)];
    return [ext(id(`peer ${ns} ${podLabels}`), `pods of namespace ${ns}${podLabels ? ` (${podLabels})` : ''}`)];
  };
  const blocked = new Set<string>();
  for (const policy of objects.filter((o) => o.kind === 'NetworkPolicy')) {
    const spec = policy.spec as PolicySpec;
    const ns = policy.metadata?.namespace;
    const selector = spec.podSelector?.matchLabels ?? {};
    if (!Object.keys(selector).length) continue;
    const selected = pods.filter((p) => p.namespace === ns && matches(p.metadata.labels, selector));
    for (const p of selected) {
      for (const rule of spec.ingress ?? []) for (const peer of rule.from ?? []) for (const from of resolve(peer, ns)) edges.add(`  ${from} -->|${ports(rule)}| ${podId(p)}`);
      for (const rule of spec.egress ?? []) {
        for (const peer of rule.to ?? []) {
          for (const to of resolve(peer, ns)) edges.add(`  ${podId(p)} -->|${ports(rule)}| ${to}`);
          const except = peer.ipBlock?.except ?? [];
          if (except.some((c) => METADATA_ENDPOINTS.value.includes(c))) blocked.add(`  ${podId(p)} -. blocked .-> ${ext('metadata', `cloud metadata ${METADATA_ENDPOINTS.value.join(', ')}`, ['[[', ']]'])}`);
          if (except.some((c) => PRIVATE_RANGES.value.includes(c))) blocked.add(`  ${podId(p)} -. blocked .-> ${ext('private', 'private ranges (RFC 1918, shared, link-local, ULA)', ['[[', ']]'])}`);
        }
      }
    }
  }
  lines.push(...external.values(), ...edges, ...blocked);
  // Pods that run user code: drawn as parallelograms, and bold.
  if (userCodeNodes.length) lines.push('  classDef usercode stroke-width:3px', `  class ${userCodeNodes.join(',')} usercode`);
  return lines.join('\n');
}

/** One ECS target: capacities as trust domains, tasks, security group paths. */
export function ecsMermaid(layout: EcsLayout): string {
  const lines = ['flowchart LR'];
  const byCapacity = new Map<string, EcsLayout['tasks'][number][]>();
  for (const t of layout.tasks) byCapacity.set(t.capacity, [...(byCapacity.get(t.capacity) ?? []), t]);
  for (const [capacity, tasks] of byCapacity) {
    const cap = layout.ec2Capacities.find((c) => c.id === capacity);
    const what = capacity === 'fargate' ? 'Fargate: a microVM per task' : `EC2 capacity provider${cap?.dockerProfile ? ` · dockerd default seccomp: ${cap.dockerProfile}` : ''}${cap?.privileged ? ' · privileged tasks' : ' · agent refuses privileged'}`;
    lines.push(`  subgraph ${id(`cap ${capacity}`)}["${label(`${capacity}<br/>${what}`)}"]`);
    for (const t of tasks) {
      const runs = t.containers.some((c) => c.component.runsUserCode);
      const shape = runs ? ['[/', '/]'] : ['[', ']'];
      lines.push(`    ${id(`task ${t.name}`)}${shape[0]}"${label(`ECS service ${t.name}<br/>mode ${t.plan.mode}${t.containers.map((c) => ` · ${c.component.name}`).join('')}`)}"${shape[1]}`);
    }
    lines.push('  end');
  }
  lines.push(`  backend(["backend (its security group)"])`);
  lines.push(`  internet(("IPv4 internet (${NON_INTERNET_IPV4.value.length} ranges excepted)"))`);
  lines.push(`  metadata[["cloud metadata ${METADATA_ENDPOINTS.value.join(', ')}"]]`);
  lines.push('  private[["private ranges"]]');
  for (const t of layout.tasks) {
    const node = id(`task ${t.name}`);
    for (const c of t.containers) {
      if (c.component.ingressEnv) lines.push(`  backend -->|tcp ${c.component.port}| ${node}`);
      else for (const peer of layout.tasks.filter((x) => x.service === t.service && x !== t)) lines.push(`  ${id(`task ${peer.name}`)} -->|tcp ${c.component.port}| ${node}`);
    }
    lines.push(`  ${node} -->|any port| internet`);
    lines.push(`  ${node} -. blocked .-> metadata`, `  ${node} -. blocked .-> private`);
  }
  return lines.join('\n');
}

function targetDiagram(t: TargetCheck, awsOptions?: ResolvedAwsOptions): string | undefined {
  if (t.chart) return kubernetesMermaid(t.chart.renderObjects().objects, t.chart.options.backend.namespace);
  if (t.plan && TARGETS[t.target].ecsLaunchType && awsOptions) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { ecsLayout } = require('../aws/ecs-layout') as typeof import('../aws/ecs-layout');
    try {
      return ecsMermaid(ecsLayout(t.plan, awsOptions));
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Every target of a check: a Markdown heading and a fenced Mermaid block each (GitHub renders them). */
export function kitMermaid(check: KitCheck): string {
  const out: string[] = [];
  let awsOptions: ResolvedAwsOptions | undefined;
  if (check.apps.aws.targets.length) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    awsOptions = (require('../aws/options') as typeof import('../aws/options')).withAwsDefaults((check.apps.aws.renderer ?? {}) as import('../aws/options').AwsRendererOptions);
  }
  for (const family of ['kubernetes', 'aws'] as const) {
    for (const t of check.apps[family].targets) {
      const diagram = targetDiagram(t, awsOptions);
      out.push(`## ${t.target} (${family === 'kubernetes' ? 'Kubernetes app' : 'AWS app'})`, '');
      out.push(diagram ? `\`\`\`mermaid\n${diagram}\n\`\`\`` : `Not drawn: ${t.problems.length ? 'the target has problems (npm run explain)' : 'nothing rendered'}.`, '');
    }
  }
  return out.join('\n');
}
