/**
 * sandbox-kit's AWS constructs (aws-cdk-lib), published as `sandbox-kit/aws`: kept apart from
 * the main entry point so that a cdk8s app never loads aws-cdk-lib. Plans, config types and the
 * Kubernetes chart come from `sandbox-kit`.
 */

// Stacks: one target each, as the kit's own AWS app builds them.
export { EcsSandboxStack, type EcsSandboxStackOptions, type EcsSandboxStackProps } from './aws/ecs-stack';
export { EksSandboxStack, type EksSandboxStackOptions, type EksSandboxStackProps, type ExistingEksCluster, type AttachableChart, type ChartFactory } from './aws/eks-stack';
export { buildAwsApp, type BuildAwsAppOptions, type AwsApp, type AwsAppInput, planAwsTargets } from './aws/app';
export { awsPlanConfig, kitChart } from './aws/eks-checks';
export { EksSandboxNodes, type EksSandboxNodesOptions, type EksSandboxNodesProps } from './aws/eks-nodes';

// Constructs to compose into a stack of one's own.
export { EcsSandboxes, type EcsSandboxesOptions, type EcsSandboxesProps, type ServiceEndpoint } from './aws/ecs-sandboxes';
export { FargatePodSecurityGroups, type FargatePodSecurityGroupsProps } from './aws/fargate-pod-security-groups';
export { SandboxEgress, type SandboxEgressProps } from './aws/egress';
export { SandboxNetwork, type SandboxNetworkProps } from './aws/network';

// Options of the AWS app (`aws.renderer` in the kit file), and the profiles the hosts install.
export {
  type AwsRendererOptions, type EcsOptions, type EksOptions, type ExistingVpcOptions, type ResolvedAwsOptions, resolveAwsOptions,
  type VpcId, type SubnetId, type SecurityGroupId, type InstanceTypeName, type LogRetentionDays,
} from './aws/options';
export { KIT_PROFILES } from './aws/kit-profiles';
export { type ProfileSource, type KitProfile } from './aws/profiles';
export { type BuildContextWriter } from './aws/images';

// Checks: the AWS renderer options' rules, the plan checks of each stack, and the ECS platform rule units.
export { checkAwsRendererOptions } from './config/validate-aws';
export { checkEcsPlan, type EcsLayout } from './aws/ecs-layout';
export { checkEksPlan } from './aws/eks-checks';
export { type AwsFieldNames, KIT_FILE_FIELDS, propFieldNames } from './aws/field-names';
export { AWS_RENDERER_RULES } from './config/rules/aws-renderer';
export { type ContainerRule, ECS_FARGATE_RULES, ECS_PLATFORM_PACKS } from './aws/rules';
