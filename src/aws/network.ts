import { CfnOutput, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { checkAwsRendererOptions } from '../config/validate-aws';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { propFieldNames, renamed } from './field-names';
import { AwsRendererOptions, ExistingVpcOptions, SecurityGroupId } from './options';

/**
 * Props of {@link SandboxNetwork}: the VPC and security group settings of the kit file's
 * `aws.renderer` it reads, typed, and checked by the same schema and rules.
 */
export interface SandboxNetworkProps {
  /**
   * An existing VPC, named by ids (synth makes no lookup).
   * @default - a new VPC (2 AZs, one NAT gateway, flow logs)
   */
  readonly vpc?: ExistingVpcOptions;
  /**
   * Retention of the flow logs of a VPC the construct creates.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly flowLogRetention?: logs.RetentionDays;
  /**
   * Interface endpoints for ECR and CloudWatch Logs (and an S3 gateway endpoint) in a VPC the
   * construct creates, so that tasks pull images and ship logs without the internet. An existing
   * VPC names its endpoints' security groups in `vpc.endpointSecurityGroupIds` instead.
   * @default true
   */
  readonly vpcEndpoints?: boolean;
  /**
   * Whether the services admit the backend through a security group (ECS); on EKS
   * NetworkPolicies admit the backend instead, and the construct makes no backend group.
   * @default true
   */
  readonly withBackend?: boolean;
  /**
   * Security group of the backend that calls the services, imported (immutable). Only with
   * `withBackend`.
   * @default - a new, empty security group, exported as the stack output `BackendSecurityGroupId`
   */
  readonly backendSecurityGroupId?: SecurityGroupId;
}

/**
 * The problems of the props, named `SandboxNetwork.props.<prop>` at the construct's path: the
 * kit file's schema and rules for the same settings, and a backend group that would be ignored.
 */
function propProblems(scope: Construct, props: SandboxNetworkProps): ConfigProblem[] {
  const raw: AwsRendererOptions = {
    vpc: props.vpc,
    backendSecurityGroupId: props.backendSecurityGroupId,
    logRetentionDays: props.flowLogRetention as number | undefined as AwsRendererOptions['logRetentionDays'],
    ecs: { vpcEndpoints: props.vpcEndpoints },
  };
  // Drop the unset props, as a kit file would leave them out.
  const clean = JSON.parse(JSON.stringify(raw)) as AwsRendererOptions;
  const names = propFieldNames(scope, 'SandboxNetwork', { 'ecs': '', 'logRetentionDays': 'flowLogRetention' });
  const problems = renamed(checkAwsRendererOptions(clean, 'props'), 'props', names);
  if (props.withBackend === false && props.backendSecurityGroupId) {
    problems.push({
      field: names.field('backendSecurityGroupId'),
      scope: names.scope,
      message: 'is ignored without withBackend: no service admits the backend through a security group here',
      alternatives: ['remove backendSecurityGroupId', 'withBackend: true'],
    });
  }
  return problems;
}

/** The VPC and the backend's security group of a stack: imported by id (no lookups) or created. */
export class SandboxNetwork extends Construct {
  /** VPC. */
  public readonly vpc: ec2.IVpc;
  /** The backend's security group, the only source admitted on service ports (ECS). */
  public readonly backendSecurityGroup?: ec2.ISecurityGroup;
  /** Security groups of the interface endpoints tasks reach on 443 (the kit's, or the imported VPC's). */
  public readonly endpointSecurityGroups: ec2.ISecurityGroup[] = [];

  constructor(scope: Construct, id: string, props: SandboxNetworkProps = {}) {
    super(scope, id);
    const problems = propProblems(this, props);
    if (problems.length) throw new SandboxConfigError(`SandboxNetwork ${this.node.path}`, problems);
    const withBackend = props.withBackend ?? true;
    if (props.vpc) {
      this.vpc = ec2.Vpc.fromVpcAttributes(this, 'Vpc', {
        vpcId: props.vpc.vpcId,
        availabilityZones: [...props.vpc.availabilityZones],
        privateSubnetIds: [...props.vpc.privateSubnetIds],
      });
      Validations.of(this.vpc).acknowledge({
        id: 'Annotation::@aws-cdk/aws-ec2:noSubnetRouteTableId',
        reason: 'The kit places tasks and nodes in the imported subnets and reads none of their route tables.',
      });
      (props.vpc.endpointSecurityGroupIds ?? []).forEach((id, i) => {
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
            destination: ec2.FlowLogDestination.toCloudWatchLogs(new logs.LogGroup(this, 'FlowLogs', { retention: props.flowLogRetention ?? logs.RetentionDays.ONE_MONTH })),
          },
        },
      });
      if (props.vpcEndpoints ?? true) this.addEndpoints(this.vpc as ec2.Vpc);
    }
    if (!withBackend) return;
    this.backendSecurityGroup = this.backend(props.backendSecurityGroupId);
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

  private backend(backendSecurityGroupId: SecurityGroupId | undefined): ec2.ISecurityGroup {
    if (backendSecurityGroupId) {
      return ec2.SecurityGroup.fromSecurityGroupId(this, 'Backend', backendSecurityGroupId, { mutable: false });
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
