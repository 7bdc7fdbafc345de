import { ECS_EC2 } from './ecs-ec2';
import { ECS_FARGATE } from './ecs-fargate';
import { EKS } from './eks';
import { EKS_FARGATE } from './eks-fargate';
import { GKE_AUTOPILOT } from './gke-autopilot';
import { GKE_STANDARD } from './gke-standard';
import { KUBERNETES } from './kubernetes';
import { TargetFacts, TargetName } from './types';

export * from './facts';
export * from './types';
export { CONTAINER_DEFAULT_CAPABILITIES, KUBELET_SECCOMP_ROOT, VALIDATING_ADMISSION_POLICY_V1 } from './common';
export { AUTOPILOT_CAPABILITIES } from './gke-autopilot';
export { FARGATE_DEFAULT_CAPABILITIES } from './ecs-fargate';
export { UBUNTU_USERNS_RESTRICTION } from './eks';
export { NSJAIL_NAMESPACES_IN_GVISOR, NSJAIL_RLIMITS_IN_GVISOR, RUNSC_NESTED_IN_GVISOR, RUNSC_UNDER_MASKED_PROC } from './gvisor-runtime';
export { IPTABLES_IN_POD_USERNS, POD_NETNS_OWNER } from './pod-network';
export { ADMISSION_POLICY_LIMITS, SANDBOX_ADMISSION_POLICIES_MEASURED } from './admission-policy';
export type { MeasuredAdmissionPolicy } from './admission-policy';

/** The target catalog: one record per platform. */
export const TARGETS: Readonly<Record<TargetName, TargetFacts>> = {
  'eks': EKS,
  'gke-standard': GKE_STANDARD,
  'kubernetes': KUBERNETES,
  'gke-autopilot': GKE_AUTOPILOT,
  'eks-fargate': EKS_FARGATE,
  'ecs-ec2': ECS_EC2,
  'ecs-fargate': ECS_FARGATE,
};
