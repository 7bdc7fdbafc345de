import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { Architecture } from '../targets/types';
import { Ec2Capacity } from './ecs-layout';
import { ecsCapacityBoothook } from './ecs-user-data';
import { acknowledgeNag } from './nag';
import { ProfileSource } from './profiles';

/** Props of {@link EcsCapacity}. */
export interface EcsCapacityProps {
  /** What the hosts impose on their containers (daemon-wide profile, privileged or not). */
  readonly capacity: Ec2Capacity;
  /** The cluster the capacity provider joins. */
  readonly cluster: ecs.Cluster;
  /** VPC; instances go to its private subnets. */
  readonly vpc: ec2.IVpc;
  /** Architecture of `instanceType` (selects the AMI). */
  readonly architecture: Architecture;
  /** The kit's seccomp profiles. */
  readonly profiles: ProfileSource;
  /** Instance type. */
  readonly instanceType: string;
  /** Minimum instances. */
  readonly minCapacity: number;
  /** Maximum instances. */
  readonly maxCapacity: number;
}

/**
 * One EC2 capacity provider: an Auto Scaling group on a launch template (ECS-optimized AL2023,
 * IMDSv2 required, encrypted root volume) whose user data prepares the hosts before docker and the
 * ECS agent start (see `ecsCapacityBoothook`).
 */
export class EcsCapacity extends Construct {
  /** The capacity provider, added to the cluster. */
  public readonly provider: ecs.AsgCapacityProvider;
  /** The Auto Scaling group. */
  public readonly autoScalingGroup: autoscaling.AutoScalingGroup;
  /** The launch template. */
  public readonly launchTemplate: ec2.LaunchTemplate;
  /** The instances' security group (dockerd pulls images and ships logs through it). */
  public readonly instanceSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: EcsCapacityProps) {
    super(scope, id);
    const { capacity, vpc } = props;
    // Two parts: the kit's boothook (before docker and the agent start), and the shell script that
    // aws-cdk-lib's capacity provider appends its ECS_CLUSTER line to (runs in cloud-final, before the agent).
    const userData = new ec2.MultipartUserData();
    userData.addPart(ec2.MultipartBody.fromRawBody({
      contentType: 'text/cloud-boothook; charset="utf-8"',
      body: ecsCapacityBoothook(capacity, props.profiles, { taskPidsLimit: capacity.taskPidsLimit }),
    }));
    userData.addUserDataPart(ec2.UserData.forLinux(), ec2.MultipartBody.SHELL_SCRIPT, true);
    const role = new iam.Role(this, 'InstanceRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `sandbox-kit ${capacity.id} container instances`,
    });
    const securityGroup = this.instanceSecurityGroup = new ec2.SecurityGroup(this, 'InstanceSecurityGroup', {
      vpc,
      description: `sandbox-kit ${capacity.id} container instances: no inbound (tasks use awsvpc)`,
      allowAllOutbound: true,
    });
    this.launchTemplate = new ec2.LaunchTemplate(this, 'LaunchTemplate', {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(props.architecture === 'arm64' ? ecs.AmiHardwareType.ARM : ecs.AmiHardwareType.STANDARD),
      instanceType: new ec2.InstanceType(props.instanceType),
      userData,
      role,
      securityGroup,
      requireImdsv2: true,
      // Containers in bridge or host mode cannot reach IMDS either (awsvpc tasks are blocked by the agent).
      httpPutResponseHopLimit: 1,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    this.autoScalingGroup = new autoscaling.AutoScalingGroup(this, 'Asg', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate: this.launchTemplate,
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
    });
    this.provider = new ecs.AsgCapacityProvider(this, 'CapacityProvider', {
      autoScalingGroup: this.autoScalingGroup,
      enableManagedTerminationProtection: false,
      // ECS drains tasks off instances before scale-in ends them (no lifecycle-hook Lambda).
      enableManagedDraining: true,
    });
    props.cluster.addAsgCapacityProvider(this.provider);
    acknowledgeNag(role, 'AwsSolutions-IAM5[Resource::*]', 'The ECS container agent policy that aws-cdk-lib attaches: ecs:DiscoverPollEndpoint, ecr:GetAuthorizationToken and logs calls accept no resource scoping.');
    acknowledgeNag(role, 'AwsSolutions-IAM5[Action::ecs:Submit*]', 'The ECS container agent reports task and container state with the ecs:Submit* family, scoped by aws-cdk-lib to this cluster.');
    acknowledgeNag(this.autoScalingGroup, 'AwsSolutions-AS3', 'The ECS capacity provider owns scaling of this group; scaling shows in ECS service events and Container Insights, so no separate SNS notifications.');
  }
}
