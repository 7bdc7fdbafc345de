import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { compareVersions } from '../../policy/quantity';
import { VALIDATING_ADMISSION_POLICY_V1 } from '../../targets/common';
import { commonLabels } from '../labels';
import { AdditionContext } from './additions';
import { Json, PinRule } from './pin';
import { sandboxJobRules, sandboxPodMatchCondition, sandboxPodRules, SandboxJobTemplate } from './sandbox-policy';

/** ValidatingAdmissionPolicy is GA (admissionregistration.k8s.io/v1) from Kubernetes 1.30 (catalog). */
export const ADMISSION_POLICY_MIN_VERSION = VALIDATING_ADMISSION_POLICY_V1.value;

/** Whether a cluster version has ValidatingAdmissionPolicy v1. */
export function supportsAdmissionPolicy(kubernetesVersion: string | undefined): boolean {
  return compareVersions(kubernetesVersion ?? ADMISSION_POLICY_MIN_VERSION, ADMISSION_POLICY_MIN_VERSION) >= 0;
}

/** The literal Retool's controller replaces with DEPLOYED_IMAGE_TAG in the Job template. */
export const IMAGE_TAG_PLACEHOLDER = '__IMAGE_TAG__';

/** The Job template as the kit renders it into the controller's ConfigMap. */
export interface JobTemplateInput {
  readonly metadata: { readonly labels?: Readonly<Record<string, string>> };
  readonly spec: {
    readonly template: {
      readonly metadata?: { readonly labels?: Readonly<Record<string, string>>; readonly annotations?: Readonly<Record<string, string>> };
      readonly spec: Readonly<Record<string, unknown>>;
    };
  } & Readonly<Record<string, unknown>>;
}

/** A PriorityClass as the Priority admission plugin applies it. */
export interface PriorityClassValue {
  readonly name: string;
  readonly value: number;
  readonly preemptionPolicy: string;
}

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;

/**
 * The Job as the controller creates it from the template: `__IMAGE_TAG__` replaced by the tag the
 * kit gives the controller (DEPLOYED_IMAGE_TAG), in every container's image; nothing else changed
 * (an assumption: RETOOL_CONTROLLER_ADDITIONS).
 */
export function resolvedSandboxJob(job: JobTemplateInput, imageTag: string): SandboxJobTemplate {
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(imageTag)) throw new Error(`sandbox admission: "${imageTag}" is not an image tag`);
  const podSpec = clone(job.spec.template.spec) as Record<string, Json>;
  for (const list of ['containers', 'initContainers'] as const) {
    for (const c of (podSpec[list] ?? []) as { image?: string }[]) {
      if (typeof c.image === 'string') c.image = c.image.split(IMAGE_TAG_PLACEHOLDER).join(imageTag);
    }
  }
  const { template, ...jobSpec } = job.spec;
  void template;
  return {
    jobLabels: { ...(job.metadata.labels ?? {}) },
    jobSpec: clone(jobSpec) as Record<string, Json>,
    podLabels: { ...(job.spec.template.metadata?.labels ?? {}) },
    podAnnotations: { ...(job.spec.template.metadata?.annotations ?? {}) },
    podSpec,
  };
}

/** What the API server's plugins add that depends on the template (pull policy, priority, RuntimeClass overhead). */
export function additionContext(t: SandboxJobTemplate, priorityClass: PriorityClassValue | undefined): AdditionContext {
  const images = [...((t.podSpec.containers ?? []) as { image?: string }[]), ...((t.podSpec.initContainers ?? []) as { image?: string }[])].map((c) => c.image ?? '');
  if (images.some((i) => /:latest(@|$)/.test(i) || !/:[^/]+$|@/.test(i))) throw new Error('sandbox admission: an image without a release tag (or :latest) gets imagePullPolicy Always by default; the kit pins releases');
  const named = t.podSpec.priorityClassName;
  if (named !== undefined && named !== priorityClass?.name) throw new Error(`sandbox admission: the template names PriorityClass ${String(named)}, whose value the kit does not know`);
  return { imagePullPolicy: 'IfNotPresent', priorityClass: named ? priorityClass : undefined, runtimeClass: t.podSpec.runtimeClassName !== undefined };
}

/** A ValidatingAdmissionPolicy's JSON (what the tests evaluate with a real CEL implementation). */
export interface AdmissionPolicyJson {
  readonly apiVersion: 'admissionregistration.k8s.io/v1';
  readonly kind: 'ValidatingAdmissionPolicy';
  readonly metadata: { readonly name: string; readonly labels: Record<string, string> };
  readonly spec: {
    readonly failurePolicy: 'Fail';
    readonly matchConstraints: { readonly resourceRules: readonly { apiGroups: string[]; apiVersions: string[]; operations: string[]; resources: string[] }[] };
    readonly matchConditions?: readonly { readonly name: string; readonly expression: string }[];
    readonly validations: readonly { readonly expression: string; readonly message: string; readonly reason: 'Forbidden' }[];
  };
}

/** The rules of recent templates: every chart of a synth run (one per target) asks again for the same few. */
const rulesCache = new Map<string, { readonly job: readonly PinRule[]; readonly pod: readonly PinRule[]; readonly match: string }>();

function sandboxRules(t: SandboxJobTemplate, ctx: AdditionContext): { readonly job: readonly PinRule[]; readonly pod: readonly PinRule[]; readonly match: string } {
  const key = JSON.stringify([t, ctx]);
  let rules = rulesCache.get(key);
  if (!rules) {
    rules = { job: sandboxJobRules(t, ctx), pod: sandboxPodRules(t, ctx), match: sandboxPodMatchCondition(t.podLabels) };
    if (rulesCache.size >= 8) rulesCache.delete(rulesCache.keys().next().value as string);
    rulesCache.set(key, rules);
  }
  return rules;
}

const asValidations = (rules: readonly PinRule[]) => rules.map((r) => ({ expression: r.expression, message: r.message, reason: 'Forbidden' as const }));

/**
 * The two policies: every Job of the namespace equals the template (its spec, its pod template,
 * its labels), and every pod a Job owns, or that carries the sandbox labels, or has no owner at
 * all, equals the pod the Job controller makes of it. The kit's Deployments' and DaemonSets' pods
 * (owned by a ReplicaSet or a DaemonSet, without the sandbox labels) are not matched.
 */
export function sandboxAdmissionPolicies(name: string, t: SandboxJobTemplate, ctx: AdditionContext): { job: AdmissionPolicyJson; pod: AdmissionPolicyJson } {
  const labels = commonLabels('sandbox-kit', 'sandbox-admission');
  const policy = (suffix: string, rules: AdmissionPolicyJson['spec']['matchConstraints']['resourceRules'], validations: readonly PinRule[], matchConditions?: AdmissionPolicyJson['spec']['matchConditions']): AdmissionPolicyJson => ({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name: `${name}-${suffix}`, labels },
    spec: { failurePolicy: 'Fail', matchConstraints: { resourceRules: rules }, ...(matchConditions ? { matchConditions } : {}), validations: asValidations(validations) },
  });
  const rules = sandboxRules(t, ctx);
  return {
    job: policy('jobs', [{ apiGroups: ['batch'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['jobs'] }], rules.job),
    pod: policy('pods', [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods', 'pods/ephemeralcontainers'] }], rules.pod,
      [{ name: 'sandbox-pods', expression: rules.match }]),
  };
}

/** Props of SandboxAdmission. */
export interface SandboxAdmissionProps {
  /** Namespace of the controller and its Jobs. */
  readonly namespace: string;
  /** The Job template the controller creates every sandbox from. */
  readonly job: JobTemplateInput;
  /** The tag the controller puts in place of `__IMAGE_TAG__` (DEPLOYED_IMAGE_TAG). */
  readonly imageTag: string;
  /**
   * The PriorityClass the template names, with its value.
   * @default - the template names none
   */
  readonly priorityClass?: PriorityClassValue;
  /**
   * Name prefix of the policies and bindings.
   * @default `<namespace>-sandboxes`
   */
  readonly name?: string;
}

/**
 * ValidatingAdmissionPolicies (and bindings to the namespace) that admit only the sandbox Jobs
 * the template describes and the pods the Job controller makes of them: the bound on what Retool's
 * controller, which may create Jobs in its namespace, can run. Kubernetes >= 1.30.
 */
export class SandboxAdmission extends Construct {
  /** The policies, as rendered. */
  public readonly policies: { readonly job: AdmissionPolicyJson; readonly pod: AdmissionPolicyJson };

  constructor(scope: Construct, id: string, props: SandboxAdmissionProps) {
    super(scope, id);
    const name = props.name ?? `${props.namespace}-sandboxes`;
    const t = resolvedSandboxJob(props.job, props.imageTag);
    this.policies = sandboxAdmissionPolicies(name, t, additionContext(t, props.priorityClass));
    for (const [key, p] of Object.entries(this.policies)) {
      new ApiObject(this, `Policy-${key}`, p as unknown as ConstructorParameters<typeof ApiObject>[2]);
      new ApiObject(this, `Binding-${key}`, {
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: p.metadata.name, labels: p.metadata.labels },
        spec: {
          policyName: p.metadata.name,
          validationActions: ['Deny'],
          matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': props.namespace } } },
        },
      });
    }
  }
}
