import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { DeploymentPlan } from '../policy/plan';
import { TARGETS } from '../targets';
import { checkEcsPlan } from './ecs-layout';
import { EcsSandboxes } from './ecs-sandboxes';
import { BuildContextWriter } from './images';
import { ResolvedAwsOptions } from './options';
import { SandboxNetwork } from './network';
import { outputId, planOutputs, stackDescription } from './plan-outputs';
import { ProfileSource } from './profiles';

/** Props of {@link EcsSandboxStack}. */
export interface EcsSandboxStackProps extends StackProps {
  /** Plan of `ecs-ec2` or `ecs-fargate`. */
  readonly plan: DeploymentPlan;
  /** Renderer options with defaults applied. */
  readonly options: ResolvedAwsOptions;
  /** The kit's seccomp profiles. */
  readonly profiles: ProfileSource;
  /**
   * Build context writer for `buildImages`.
   * @default none
   */
  readonly buildContext?: BuildContextWriter;
}

/** One ECS target's stack: network, cluster, capacity and services, with the endpoints as outputs. */
export class EcsSandboxStack extends Stack {
  /** The services. */
  public readonly sandboxes: EcsSandboxes;

  constructor(scope: Construct, id: string, props: EcsSandboxStackProps) {
    super(scope, id, { ...props, description: props.description ?? stackDescription(props.plan) });
    // Refuse before any construct stages an asset.
    checkEcsPlan(props.plan, props.options);
    const network = new SandboxNetwork(this, 'Network', props.options);
    const ecsOptions = props.options.ecs;
    this.sandboxes = new EcsSandboxes(this, 'Sandboxes', {
      plan: props.plan,
      cluster: ecsOptions.clusterName ? ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: ecsOptions.clusterName, vpc: network.vpc }) : undefined,
      instanceType: new ec2.InstanceType(ecsOptions.instanceType),
      minCapacity: ecsOptions.minCapacity,
      maxCapacity: ecsOptions.maxCapacity,
      fargateTaskSizes: ecsOptions.fargateTaskSizes,
      scratchSizeMiB: ecsOptions.scratchSizeMiB,
      supportingResources: ecsOptions.supportingResources,
      egressAllowlist: ecsOptions.egressAllowlist.map(({ cidr, port, toPort, protocol, description }) => ({ cidr, port, toPort, protocol, description })),
      namespaceName: ecsOptions.namespaceName,
      logRetention: props.options.logRetentionDays as logs.RetentionDays,
      buildImages: props.options.buildImages,
      vpc: network.vpc,
      backendSecurityGroup: network.backendSecurityGroup!,
      endpointSecurityGroups: network.endpointSecurityGroups,
      profiles: props.profiles,
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
