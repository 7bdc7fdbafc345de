import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { schemaErrors } from '../config/schema';
import { schemaProblems } from '../config/schema-problems';
import { SandboxPlan } from '../policy/plan';
import { TARGET_NAMES, TargetName, TARGETS } from '../targets';
import { commonLabels } from './labels';

/**
 * Whether NetworkPolicies leave the target's pods unfenced, so that security groups for pods (a
 * SecurityGroupPolicy) hold user code's egress instead: the catalog's `egressFilter` of a
 * Kubernetes target (eks-fargate).
 */
export function podsNeedSecurityGroups(target: TargetName): boolean {
  const facts = TARGETS[target];
  return facts.kind === 'kubernetes' && facts.egressFilter.value.by === 'security-group';
}

/** The Kubernetes targets whose pods need security groups, for messages. */
export function securityGroupTargets(): TargetName[] {
  return TARGET_NAMES.filter(podsNeedSecurityGroups);
}

/** Settings of one SecurityGroupPolicy. */
export interface SecurityGroupPolicySettings {
  /** The service whose pods it selects (label `app.kubernetes.io/name`). */
  readonly service: string;
  /** Namespace of those pods. */
  readonly namespace: string;
  /** The groups that replace the cluster security group on those pods. */
  readonly groupIds: readonly string[];
}

/**
 * A `vpcresources.k8s.aws/v1beta1` SecurityGroupPolicy: the VPC resource controller gives the
 * selected pods these security groups instead of the cluster security group
 * (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html).
 */
export function securityGroupPolicy(scope: Construct, id: string, s: SecurityGroupPolicySettings): ApiObject {
  return new ApiObject(scope, id, {
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    kind: 'SecurityGroupPolicy',
    metadata: { name: `${s.service}-user-code`, namespace: s.namespace, labels: commonLabels(s.service, 'security-group-policy') },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': s.service } }, securityGroups: { groupIds: [...s.groupIds] } },
  });
}

/**
 * What is wrong with a service construct's `podSecurityGroupIds` for its plan, one sentence each
 * naming the prop and what would work: none on a target whose pods need them (user code's egress
 * would be open), or some where NetworkPolicies hold the pods (they would be ignored).
 * `construct` names the construct whose prop it is.
 */
export function podSecurityGroupProblems(plan: SandboxPlan, ids: readonly string[] | undefined, construct: string): string[] {
  const facts = TARGETS[plan.target];
  const given = ids !== undefined && ids.length > 0;
  if (podsNeedSecurityGroups(plan.target) && !given) {
    return [`${construct}.podSecurityGroupIds is empty, and on ${plan.target} NetworkPolicies do not apply to the pods (${facts.egressFilter.source}): user code's egress is held by security groups, so without a SecurityGroupPolicy it would be open. Set podSecurityGroupIds to groups that allow egress to the internet only, DNS to CoreDNS and ingress from the backend (the groupIds of the AWS construct FargatePodSecurityGroups), and the construct renders the SecurityGroupPolicy; or plan another target: ${facts.alternativeForSandbox}`];
  }
  if (!podsNeedSecurityGroups(plan.target) && given) {
    return [`${construct}.podSecurityGroupIds: security groups for pods apply where NetworkPolicies do not reach the pods (${securityGroupTargets().join(', ')}); on ${plan.target} NetworkPolicies hold the pods' egress, and the ids would be ignored: remove podSecurityGroupIds`];
  }
  // Ids the VPC resource controller would reject: the kit file's schema checks them the same way.
  return given
    ? schemaProblems(schemaErrors('KubernetesRendererOptions', { podSecurityGroupIds: ids }), construct)
      .map((p) => `${p.field}: ${p.message}${p.alternatives.length ? ` (would work: ${p.alternatives.join('; ')})` : ''}`)
    : [];
}

/**
 * A construct that renders no SecurityGroupPolicy (AgentSandbox: the planner does not plan the
 * agent sandbox where pods need security groups) must not be used on such a target: its user
 * code's egress would be open.
 */
export function noSecurityGroupPolicyProblems(plan: SandboxPlan, construct: string): string[] {
  if (!podsNeedSecurityGroups(plan.target)) return [];
  const facts = TARGETS[plan.target];
  return [`${construct} renders no SecurityGroupPolicy, and on ${plan.target} NetworkPolicies do not apply to the pods (${facts.egressFilter.source}): its user code's egress would be open. The planner does not plan ${plan.service} there; plan another target: ${facts.alternativeForSandbox}`];
}
