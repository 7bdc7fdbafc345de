import { DEFAULT_KUBERNETES_VERSION } from '../policy/config';
import { TargetFacts } from '../targets/types';
import { KubeObject } from './manifest';
import { EKS_FARGATE_SCHEDULER_RULES, GKE_WARDEN_RULES, KUBERNETES_PLATFORM_PACKS } from './rules';
import { RuleViolation, runRules } from './rules/rule';

/** One platform admission rule a manifest breaks. */
export type PlatformViolation = RuleViolation;

/** The platform's own admission rules (catalog: platformRules) over a manifest for that target. */
export function platformViolations(facts: TargetFacts, objects: readonly KubeObject[], policyVersion = DEFAULT_KUBERNETES_VERSION): PlatformViolation[] {
  return facts.platformRules.value.flatMap((pack) => runRules(KUBERNETES_PLATFORM_PACKS[pack] ?? [], objects, { policyVersion }));
}

/** GKE Warden's Autopilot constraints (src/k8s/rules/gke-warden/). */
export function autopilotViolations(objects: readonly KubeObject[]): PlatformViolation[] {
  return runRules(GKE_WARDEN_RULES, objects, { policyVersion: DEFAULT_KUBERNETES_VERSION });
}

/** The EKS Fargate scheduler's refusals (src/k8s/rules/eks-fargate-scheduler/). */
export function fargateViolations(objects: readonly KubeObject[]): PlatformViolation[] {
  return runRules(EKS_FARGATE_SCHEDULER_RULES, objects, { policyVersion: DEFAULT_KUBERNETES_VERSION });
}
