import { AdditionContext, DEFAULT_TOLERATIONS, JOB_CONTROLLER_LABELS, podAdditions } from './additions';
import { celLiteral, Json, pinObject, PinRule, pinTolerationsWithAppended } from './pin';

/** The Job the agent sandbox controller creates, as the kit renders it (images resolved to the release). */
export interface SandboxJobTemplate {
  /** Labels of the Job. */
  readonly jobLabels: Readonly<Record<string, string>>;
  /** The Job's spec without its pod template (backoffLimit, ttlSecondsAfterFinished...). */
  readonly jobSpec: Readonly<Record<string, Json>>;
  /** Labels of the pod template. */
  readonly podLabels: Readonly<Record<string, string>>;
  /** Annotations of the pod template. */
  readonly podAnnotations: Readonly<Record<string, string>>;
  /** The pod spec. */
  readonly podSpec: Readonly<Record<string, Json>>;
}

/** Job spec fields the API server defaults (kubernetes/kubernetes pkg/apis/batch/v1/defaults.go) or the controller may set. */
const JOB_ADDITIONS = [
  { path: 'spec.completions', values: [1], by: 'api-server' as const, source: 'pkg/apis/batch/v1/defaults.go (completions and parallelism default to 1)' },
  { path: 'spec.parallelism', values: [1], by: 'api-server' as const, source: 'pkg/apis/batch/v1/defaults.go' },
  { path: 'spec.completionMode', values: ['NonIndexed'], by: 'api-server' as const, source: 'pkg/apis/batch/v1/defaults.go' },
  { path: 'spec.suspend', values: [false], by: 'api-server' as const, source: 'pkg/apis/batch/v1/defaults.go' },
  { path: 'spec.podReplacementPolicy', values: ['TerminatingOrFailed'], by: 'api-server' as const, source: 'pkg/apis/batch/v1/defaults.go (without a podFailurePolicy)' },
  { path: 'spec.manualSelector', values: [false], by: 'api-server' as const, source: 'batch/v1 Job: the selector is generated unless manualSelector' },
  { path: 'spec.selector', values: 'any' as const, by: 'api-server' as const, source: 'pkg/registry/batch/job strategy generates it from the Job\'s uid' },
  { path: 'spec.activeDeadlineSeconds', values: 'any' as const, by: 'retool-controller' as const, source: 'a deadline only shortens a sandbox\'s life', assumption: 'harmless: it bounds the Job\'s run time' },
  { path: 'spec.template', values: 'any' as const, by: 'api-server' as const, source: 'checked as the pod spec below' },
];

/** Annotation keys that change a container's confinement: pinned to the template's (or absent). */
function securityAnnotations(containers: readonly string[]): string[] {
  return [
    'seccomp.security.alpha.kubernetes.io/pod',
    ...containers.flatMap((c) => [`container.apparmor.security.beta.kubernetes.io/${c}`, `container.seccomp.security.alpha.kubernetes.io/${c}`]),
  ];
}

function metadataRules(meta: string, labels: Readonly<Record<string, string>>, annotations: Readonly<Record<string, string>>, containers: readonly string[], what: string): PinRule[] {
  const out: PinRule[] = [];
  const l = `${meta}.labels`;
  for (const [k, v] of Object.entries(labels)) {
    // NetworkPolicies select the sandboxes by these: another value would give a pod another policy.
    out.push({ expression: `has(${l}) && ${celLiteral(k)} in ${l} && ${l}[${celLiteral(k)}] == ${celLiteral(v)}`, message: `${what} label ${k} must be ${JSON.stringify(v)}` });
  }
  const a = `${meta}.annotations`;
  for (const key of securityAnnotations(containers)) {
    const v = annotations[key];
    out.push(v === undefined
      ? { expression: `!has(${a}) || !(${celLiteral(key)} in ${a})`, message: `${what} annotation ${key} must not be set` }
      : { expression: `has(${a}) && ${celLiteral(key)} in ${a} && ${a}[${celLiteral(key)}] == ${celLiteral(v)}`, message: `${what} annotation ${key} must be ${JSON.stringify(v)}` });
  }
  return out;
}

function podSpecRules(root: string, spec: Readonly<Record<string, Json>>, ctx: AdditionContext, includeTolerationDefaults: boolean): PinRule[] {
  const { tolerations, ...rest } = spec as Record<string, Json>;
  const additions = [...podAdditions(ctx), { path: 'spec.tolerations', values: 'any' as const, by: 'api-server' as const, source: 'checked below' }];
  const rules = pinObject(root, 'PodSpec', rest as Record<string, Json>, 'spec', additions);
  const t = (tolerations ?? []) as Record<string, Json>[];
  const tolerated = new Set(t.map((x) => x.key));
  const appended = includeTolerationDefaults ? DEFAULT_TOLERATIONS.filter((d) => !tolerated.has(d.key)).map((d) => ({ ...d })) : [];
  rules.push(...pinTolerationsWithAppended(`${root}.tolerations`, t, appended as Record<string, Json>[], 'spec.tolerations'));
  // The deprecated field mirrors the pinned one.
  rules.push({ expression: `!has(${root}.serviceAccount) || (has(${root}.serviceAccountName) && ${root}.serviceAccount == ${root}.serviceAccountName)`, message: 'spec.serviceAccount must be unset or equal to spec.serviceAccountName' });
  return rules;
}

/**
 * The validations of a sandbox pod (`object` is the Pod the Job controller creates from the
 * template): every field of its spec and containers pinned to the template or to what the API
 * server, the Job controller and admission plugins add; the labels NetworkPolicies select on and
 * every confinement annotation; and exactly one controller, a Job.
 */
/**
 * The pod spec as SetDefaults_Pod leaves it (kubernetes/kubernetes pkg/apis/core/v1/defaults.go):
 * a resource with a limit and no request gets the limit as its request. Applied to Pods only, not
 * to a Job's pod template, so the pod policy pins this form and the Job policy the template's.
 */
export function requestsFromLimits(spec: Readonly<Record<string, Json>>): Record<string, Json> {
  const s = JSON.parse(JSON.stringify(spec)) as Record<string, Json>;
  for (const list of ['containers', 'initContainers']) {
    for (const c of (s[list] ?? []) as { resources?: { requests?: Record<string, Json>; limits?: Record<string, Json> } }[]) {
      if (!c.resources?.limits) continue;
      c.resources.requests = { ...c.resources.limits, ...(c.resources.requests ?? {}) };
    }
  }
  return s;
}

export function sandboxPodRules(t: SandboxJobTemplate, ctx: AdditionContext): PinRule[] {
  const containers = [...((t.podSpec.containers ?? []) as { name: string }[]), ...((t.podSpec.initContainers ?? []) as { name: string }[])].map((c) => c.name);
  return [
    ...podSpecRules('object.spec', requestsFromLimits(t.podSpec), ctx, true),
    ...metadataRules('object.metadata', t.podLabels, t.podAnnotations, containers, 'sandbox pod'),
    {
      expression: 'has(object.metadata.ownerReferences) && size(object.metadata.ownerReferences) == 1 && object.metadata.ownerReferences[0].kind == \'Job\' && object.metadata.ownerReferences[0].apiVersion == \'batch/v1\' && has(object.metadata.ownerReferences[0].controller) && object.metadata.ownerReferences[0].controller',
      message: 'sandbox pods are created by the Job controller: one owner, a batch/v1 Job, as controller',
    },
  ].map((r) => ({ expression: r.expression, message: r.message.startsWith('sandbox') ? r.message : `sandbox pod: ${r.message}` }));
}

/** The validations of a sandbox Job (`object` is the Job the controller creates): its spec and its pod template. */
export function sandboxJobRules(t: SandboxJobTemplate, ctx: AdditionContext): PinRule[] {
  const containers = [...((t.podSpec.containers ?? []) as { name: string }[]), ...((t.podSpec.initContainers ?? []) as { name: string }[])].map((c) => c.name);
  return [
    ...pinObject('object.spec', 'JobSpec', t.jobSpec as Record<string, Json>, 'spec', JOB_ADDITIONS),
    { expression: 'has(object.spec.template) && has(object.spec.template.spec)', message: 'spec.template.spec must be set' },
    ...podSpecRules('object.spec.template.spec', t.podSpec, ctx, false).map((r) => ({ expression: r.expression, message: r.message.replace(/^spec\./, 'spec.template.spec.') })),
    ...metadataRules('object.metadata', t.jobLabels, {}, [], 'sandbox Job'),
    ...metadataRules('object.spec.template.metadata', t.podLabels, t.podAnnotations, containers, 'sandbox Job pod template'),
  ].map((r) => ({ expression: r.expression, message: r.message.startsWith('sandbox') ? r.message : `sandbox Job: ${r.message}` }));
}

/**
 * Which pods the pod policy sees: every pod of the namespace that a Job owns, carries all the
 * sandbox labels, or has no owner at all. Only the Deployments' and the prepuller's pods (owned
 * by a ReplicaSet or a DaemonSet, without the sandbox labels) are left out, so leaving out a label
 * or an owner does not escape the policy.
 */
export function sandboxPodMatchCondition(podLabels: Readonly<Record<string, string>>): string {
  const labelled = Object.entries(podLabels).map(([k, v]) => `(has(object.metadata.labels) && ${celLiteral(k)} in object.metadata.labels && object.metadata.labels[${celLiteral(k)}] == ${celLiteral(v)})`);
  const byJob = 'object.metadata.ownerReferences.exists(r, r.kind == \'Job\')';
  // All the sandbox labels together: one alone (app.kubernetes.io/name) is the controller's too.
  return `!has(object.metadata.ownerReferences) || size(object.metadata.ownerReferences) == 0 || ${byJob}${labelled.length ? ` || (${labelled.join(' && ')})` : ''}`;
}

export { JOB_CONTROLLER_LABELS };
