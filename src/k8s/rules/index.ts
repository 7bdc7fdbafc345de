import { PlatformRulePack } from '../../targets/types';
import { EKS_FARGATE_SCHEDULER_RULES } from './eks-fargate-scheduler';
import { GKE_WARDEN_RULES } from './gke-warden';
import { KubernetesRule } from './rule';

export * from './rule';
export { BASELINE_RULES, RESTRICTED_RULES } from './pod-security';
export { API_SERVER_RULES } from './api-server';
export { GKE_WARDEN_RULES } from './gke-warden';
export { EKS_FARGATE_SCHEDULER_RULES } from './eks-fargate-scheduler';

/** The Kubernetes rule pack of each platform's admission layer (catalog: TargetFacts.platformRules). */
export const KUBERNETES_PLATFORM_PACKS: Readonly<Partial<Record<PlatformRulePack, readonly KubernetesRule[]>>> = {
  'gke-warden': GKE_WARDEN_RULES,
  'eks-fargate-scheduler': EKS_FARGATE_SCHEDULER_RULES,
};
