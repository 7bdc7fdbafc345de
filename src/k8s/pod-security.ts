import { PodSecurityLevel } from '../policy/plan';
import { RESTRICTED_VOLUME_TYPES as RESTRICTED_VOLUME_TYPES_FACT } from '../targets/pod-security-standards';
import { ObjectMetaJson, PodSpecJson } from './manifest';
import { BASELINE_RULES, RESTRICTED_RULES } from './rules/pod-security';
import { PodRule } from './rules/rule';

/**
 * An offline Pod Security Standards checker: the rule units of src/k8s/rules/pod-security/, one
 * per pod-security-admission check (kubernetes/kubernetes
 * staging/src/k8s.io/pod-security-admission/policy/check_*.go, docs/platforms.md#pod-security-standards).
 * No maintained JavaScript implementation of them exists.
 */

/** One check that failed. */
export interface PodSecurityViolation {
  /** The level whose rule failed. */
  readonly level: Exclude<PodSecurityLevel, 'privileged'>;
  /** Check name, as in the PSA code (`privileged`, `capabilities_restricted`, ...). */
  readonly check: string;
  /** What is wrong, naming the container or field. */
  readonly message: string;
}

/** Capabilities baseline allows to add: one list for the planner and this checker. */
export { BASELINE_CAPABILITIES, PROC_MOUNT_USERNS_RELAXATION } from '../policy/pod-security-level';

/** Volume types restricted allows (catalog). */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = RESTRICTED_VOLUME_TYPES_FACT.value;

function run(rules: readonly PodRule[], level: PodSecurityViolation['level'], meta: ObjectMetaJson, spec: PodSpecJson, version: string): PodSecurityViolation[] {
  const pod = { source: '', namespace: meta.namespace, metadata: meta, spec, ownerKind: 'Pod' };
  return rules.flatMap((rule) => rule.checkPod(pod, { policyVersion: version }).map((message) => ({ level, check: rule.id, message })));
}

/**
 * Check a pod against a Pod Security level at a policy version (`"1.35"`). `privileged`
 * admits everything; `restricted` includes every baseline check.
 */
export function checkPodSecurity(meta: ObjectMetaJson, spec: PodSpecJson, level: PodSecurityLevel, version: string): PodSecurityViolation[] {
  if (level === 'privileged') return [];
  const base = run(BASELINE_RULES, 'baseline', meta, spec, version);
  return level === 'baseline' ? base : [...base, ...run(RESTRICTED_RULES, 'restricted', meta, spec, version)];
}

/** The strictest level a pod meets. */
export function strictestLevel(meta: ObjectMetaJson, spec: PodSpecJson, version: string): PodSecurityLevel {
  if (checkPodSecurity(meta, spec, 'restricted', version).length === 0) return 'restricted';
  if (checkPodSecurity(meta, spec, 'baseline', version).length === 0) return 'baseline';
  return 'privileged';
}
