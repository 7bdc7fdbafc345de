import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkAwsRendererOptions } from '../config/validate-aws';
import { SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { TARGETS } from '../targets';
import { checkEcsPlan } from './ecs-layout';
import { EcsSandboxes, EcsSandboxesOptions } from './ecs-sandboxes';
import { AwsFieldNames, propFieldNames, renamed } from './field-names';
import { KIT_PROFILES } from './kit-profiles';
import { AwsRendererOptions, ExistingVpcOptions, ResolvedAwsOptions, SecurityGroupId, withAwsDefaults } from './options';
import { SandboxNetwork } from './network';
import { outputId, planOutputs, stackDescription } from './plan-outputs';
import { ProfileSource } from './profiles';

/**
 * What a caller chooses for {@link EcsSandboxStack} (aws-cdk-lib's Options/Props split): the same
 * choices as the kit file's `aws.renderer` for ECS, typed, and checked by the same schema and
 * rules when the stack is created. The services' own choices are EcsSandboxes'; the stack adds
 * the network and an existing cluster by name.
 */
export interface EcsSandboxStackOptions extends Omit<EcsSandboxesOptions, 'cluster' | 'logRetention'> {
  /**
   * An existing VPC for the cluster and tasks, named by ids (synth makes no lookup). Required with
   * `clusterName` (the cluster's VPC).
   * @default - a new VPC (2 AZs, one NAT gateway, flow logs, and the endpoints of `vpcEndpoints`)
   */
  readonly vpc?: ExistingVpcOptions;
  /**
   * Security group of the backend that calls the services; the only source admitted on the
   * service ports.
   * @default - a new, empty security group, exported as the output `BackendSecurityGroupId`
   */
  readonly backendSecurityGroupId?: SecurityGroupId;
  /**
   * Interface endpoints for ECR and CloudWatch Logs (and an S3 gateway endpoint) in the VPC the
   * stack creates, reached by the tasks on 443. An existing `vpc` names its endpoints' security
   * groups in `vpc.endpointSecurityGroupIds` instead.
   * @default true
   */
  readonly vpcEndpoints?: boolean;
  /**
   * Name of an existing ECS cluster in `vpc`. Only for plans with no EC2 capacity: the kit must
   * own the capacity provider associations of a cluster it adds EC2 capacity to.
   * @default - a new cluster, with Container Insights
   */
  readonly clusterName?: string;
  /**
   * Retention of the services' CloudWatch Logs group and of the flow logs of a VPC the stack
   * creates.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * The kit's seccomp profiles, written to the container instances by their launch templates.
   * @default KIT_PROFILES
   */
  readonly profiles?: ProfileSource;
}

/** Props of {@link EcsSandboxStack}: the caller's choices, the plan, and the stack's own props. */
export interface EcsSandboxStackProps extends EcsSandboxStackOptions, StackProps {
  /** Plan of `ecs-ec2` or `ecs-fargate` (`awsPlanConfig` gives the config the kit's app plans with). */
  readonly plan: DeploymentPlan;
}

/** Problems name EcsSandboxStack's props (`EcsSandboxStack.props.instanceType`), scoped to its path. */
function ecsStackPropNames(scope: Construct): AwsFieldNames {
  return propFieldNames(scope, 'EcsSandboxStack', { 'ecs': '', 'logRetentionDays': 'logRetention' });
}

/**
 * The options the stack reads, from its typed props: checked by the kit file's schema and rules
 * for `aws.renderer` and by checkEcsPlan (one SandboxConfigError naming every bad prop), defaults
 * applied.
 */
function resolveProps(scope: Construct, props: EcsSandboxStackProps): ResolvedAwsOptions {
  const names = ecsStackPropNames(scope);
  const raw: AwsRendererOptions = {
    vpc: props.vpc,
    backendSecurityGroupId: props.backendSecurityGroupId,
    logRetentionDays: props.logRetention as number | undefined as AwsRendererOptions['logRetentionDays'],
    buildImages: props.buildImages,
    ecs: {
      clusterName: props.clusterName,
      instanceType: props.instanceType?.toString(),
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      fargateTaskSizes: props.fargateTaskSizes,
      scratchSizeMiB: props.scratchSizeMiB,
      supportingResources: props.supportingResources,
      egressAllowlist: props.egressAllowlist,
      vpcEndpoints: props.vpcEndpoints,
      namespaceName: props.namespaceName,
    },
  };
  // Drop the unset props, as a kit file would leave them out.
  const clean = JSON.parse(JSON.stringify(raw)) as AwsRendererOptions;
  const problems = renamed(checkAwsRendererOptions(clean, 'props'), 'props', names);
  if (clean.buildImages && !props.buildContext) {
    problems.push({
      field: names.field('buildContext'),
      scope: names.scope,
      message: 'is needed with buildImages: true (it writes the runtime images\' build context)',
      alternatives: ['a BuildContextWriter', 'buildImages: false (pull the plan\'s images)'],
    });
  }
  if (problems.length) throw new SandboxConfigError(`EcsSandboxStack ${scope.node.path}`, problems);
  const options = withAwsDefaults(clean);
  checkEcsPlan(props.plan, options, names);
  return options;
}

/**
 * EcsSandboxes' choices from checked renderer options (defaults applied): what the stack passes
 * on, and what the kit's AWS app gives the stack from the kit file.
 */
export function ecsSandboxesChoices(options: ResolvedAwsOptions): Omit<EcsSandboxesOptions, 'cluster' | 'buildContext'> {
  const e = options.ecs;
  return {
    instanceType: new ec2.InstanceType(e.instanceType),
    minCapacity: e.minCapacity,
    maxCapacity: e.maxCapacity,
    fargateTaskSizes: e.fargateTaskSizes,
    scratchSizeMiB: e.scratchSizeMiB,
    supportingResources: e.supportingResources,
    egressAllowlist: e.egressAllowlist.map(({ cidr, port, toPort, protocol, description }) => ({ cidr, port, toPort, protocol, description })),
    namespaceName: e.namespaceName,
    logRetention: options.logRetentionDays as logs.RetentionDays,
    buildImages: options.buildImages,
  };
}

/** One ECS target's stack: network, cluster, capacity and services, with the endpoints as outputs. */
export class EcsSandboxStack extends Stack {
  /** The services. */
  public readonly sandboxes: EcsSandboxes;

  constructor(scope: Construct, id: string, props: EcsSandboxStackProps) {
    super(scope, id, { ...props, description: props.description ?? stackDescription(props.plan) });
    // Refuse before any construct stages an asset.
    const options = resolveProps(this, props);
    const network = new SandboxNetwork(this, 'Network', {
      vpc: options.vpc,
      flowLogRetention: options.logRetentionDays as logs.RetentionDays,
      vpcEndpoints: options.ecs.vpcEndpoints,
      backendSecurityGroupId: options.backendSecurityGroupId,
    });
    const ecsOptions = options.ecs;
    this.sandboxes = new EcsSandboxes(this, 'Sandboxes', {
      ...ecsSandboxesChoices(options),
      plan: props.plan,
      cluster: ecsOptions.clusterName ? ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: ecsOptions.clusterName, vpc: network.vpc }) : undefined,
      vpc: network.vpc,
      backendSecurityGroup: network.backendSecurityGroup!,
      endpointSecurityGroups: network.endpointSecurityGroups,
      profiles: props.profiles ?? KIT_PROFILES,
      buildContext: props.buildContext,
    });
    for (const e of this.sandboxes.endpoints) {
      new CfnOutput(this, e.env ? outputId(e.env) : outputId(`${e.task}-endpoint`), {
        value: e.url,
        description: e.env ? `Set ${e.env} on the backend to this.` : `${e.task} ${e.component}, reached only by the service's own tasks.`,
      });
    }
    planOutputs(this, props.plan);
    // The planner does not claim no_new_privs on Fargate (catalog fact noNewPrivileges); say so where it matters.
    if (props.plan.services.some((s) => TARGETS[s.placement].ecsLaunchType === 'FARGATE' && s.sandbox.allowPrivilegeEscalation)) {
      new CfnOutput(this, 'FargateNoNewPrivileges', {
        value: 'Fargate accepts no dockerSecurityOptions, so no-new-privileges is not set on Fargate tasks; their containers run as a non-root user with every capability dropped.',
        description: 'A protection the platform cannot give, as the plan states.',
      });
    }
    new CfnOutput(this, 'ClusterName', { value: this.sandboxes.cluster.clusterName });
  }
}
