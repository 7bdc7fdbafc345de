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
  /** Security groups of the interface endpoints tasks reach on 443 (the kit's, or the imported VPC's). */
  public readonly endpointSecurityGroups: ec2.ISecurityGroup[] = [];

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
      (options.vpc.endpointSecurityGroupIds ?? []).forEach((id, i) => {
        this.endpointSecurityGroups.push(ec2.SecurityGroup.fromSecurityGroupId(this, `Endpoint${i}`, id, { mutable: false }));
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
      if (withBackend && options.ecs.vpcEndpoints) this.addEndpoints(this.vpc as ec2.Vpc);
    }
    if (!withBackend) return;
    this.backendSecurityGroup = this.backend(options);
  }

  /**
   * ECR (API and registry), CloudWatch Logs and an S3 gateway (ECR's image layers): what the
   * tasks need, reached without the internet. Fargate pulls images and ships logs through the
   * task's own network interface, whose egress is closed to private addresses except these.
   */
  private addEndpoints(vpc: ec2.Vpc): void {
    vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 });
    const services = { EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR, EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER, Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS };
    for (const [id, service] of Object.entries(services)) {
      // Closed: the sandbox tasks' egress group and the container instances are admitted by name.
      const endpoint = vpc.addInterfaceEndpoint(id, { service, privateDnsEnabled: true, open: false, subnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS } });
      this.endpointSecurityGroups.push(...endpoint.connections.securityGroups);
    }
  }

  private backend(options: ResolvedAwsOptions): ec2.ISecurityGroup {
    if (options.backendSecurityGroupId) {
      return ec2.SecurityGroup.fromSecurityGroupId(this, 'Backend', options.backendSecurityGroupId, { mutable: false });
    }
    const sg = new ec2.SecurityGroup(this, 'Backend', {
      vpc: this.vpc,
      description: 'sandbox-kit: attach to the backend that calls the sandbox services',
      allowAllOutbound: true,
    });
    new CfnOutput(this.node.scope!, 'BackendSecurityGroupId', {
      value: sg.securityGroupId,
      description: 'Attach this security group to the backend: it is the only source the sandbox services admit.',
    });
    return sg;
  }
}
