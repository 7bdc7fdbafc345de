import { KubeObject, PodInManifest, podsOf } from '../manifest';

/** What the rules need besides the object: the Pod Security policy version in force. */
export interface RuleContext {
  /** Kubernetes minor version whose policy applies (`"1.35"`). */
  readonly policyVersion: string;
}

/**
 * A rule over one pod (workload template, bare Pod, or a pod manifest embedded in a ConfigMap),
 * in cdk-nag's style: a small named unit, one per file, `(pod) => findings`. Each finding is a
 * sentence as the platform would say it; none means the pod complies.
 */
export interface PodRule {
  /** The platform's own name for the rule (a pod-security-admission check, a GKE Warden constraint). */
  readonly id: string;
  /** What the rule enforces, in one sentence. */
  readonly description: string;
  /** Where the rule comes from (public source). */
  readonly source: string;
  /** The pod's findings; empty when it complies. */
  checkPod(pod: PodInManifest, context: RuleContext): string[];
}

/** A rule over one object of a manifest, whatever its kind (`(object) => findings`). */
export interface ObjectRule {
  /** The platform's own name for the rule. */
  readonly id: string;
  /** What the rule enforces, in one sentence. */
  readonly description: string;
  /** Where the rule comes from (public source). */
  readonly source: string;
  /** The object's findings; empty when it complies. */
  checkObject(object: KubeObject): string[];
}

/** A Kubernetes rule: over pods, or over whole objects. */
export type KubernetesRule = PodRule | ObjectRule;

/** One finding of one rule on one object. */
export interface RuleViolation {
  /** The object at fault (`Kind/namespace/name`, `ConfigMap/ns/name:key` for embedded pods). */
  readonly source: string;
  /** The rule's id. */
  readonly rule: string;
  /** What the platform would say. */
  readonly message: string;
}

function idOf(o: KubeObject): string {
  return `${o.kind}/${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? o.metadata?.generateName ?? ''}`;
}

/** Run a pack of rules over a manifest: object rules on every object, pod rules on every pod. */
export function runRules(rules: readonly KubernetesRule[], objects: readonly KubeObject[], context: RuleContext): RuleViolation[] {
  const out: RuleViolation[] = [];
  for (const rule of rules) {
    if ('checkObject' in rule) {
      for (const o of objects) for (const message of rule.checkObject(o)) out.push({ source: idOf(o), rule: rule.id, message });
    }
  }
  const pods = podsOf(objects);
  for (const rule of rules) {
    if ('checkPod' in rule) {
      for (const p of pods) for (const message of rule.checkPod(p, context)) out.push({ source: p.source, rule: rule.id, message });
    }
  }
  return out;
}
