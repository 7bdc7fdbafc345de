import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ResolvedAwsOptions } from './options';

/** The VPC and the backend's security group of a stack: imported by id (no lookups) or created. */
export class SandboxNetwork extends Construct {
  /** VPC. */
  public readonly vpc: ec2.IVpc;
  /** The backend's security group, the only source admitted on service ports (ECS). */
  public readonly backendSecurityGroup?: ec2.ISecurityGroup;

  /**
   * @param withBackend whether the services are reached through security groups (ECS); on EKS
   *   NetworkPolicies admit the backend instead.
   */
  constructor(scope: Construct, id: string, options: ResolvedAwsOptions, withBackend = true) {
    super(scope, id);
    if (options.vpc) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: options.vpc.vpcId,
        availabilityZones: [...options.vpc.availabilityZones],
        privateSubnetIds: [...options.vpc.privateSubnetIds],
      });
      Validations.of(this.vpc).acknowledge({
        id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
        reason: 'The kit places tasks and nodes in the imported subnets and reads none of their route tables.',
      });
    } else {
      this.vpc = new ec2.Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 1,
        subnetConfiguration: [
          { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
          { name: 'private', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        ],
        flowLogs: {
          all: {
            trafficType: ec2.FlowLogTrafficType.ALL,
            destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: options.logRetentionDays as logs.RetentionDays })),
          },
        },
      });
    }
    if (!withBackend) return;
    if (options.backendSecurityGroupId) {
      this.backendSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(this, 'Backend', options.backendSecurityGroupId, { mutable: false });
    } else {
      this.backendSecurityGroup = new ec2.SecurityGroup(this, 'Backend', {
        vpc: this.vpc,
        description: 'sandbox-kit: attach to the backend that calls the sandbox services',
        allowAllOutbound: true,
      });
      new CfnOutput(scope, 'BackendSecurityGroupId', {
        value: this.backendSecurityGroup.securityGroupId,
        description: 'Attach this security group to the backend: it is the only source the sandbox services admit.',
      });
    }
  }
}
