import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { ResolvedEgressAllowRule } from '../policy/egress';
import { SandboxEgress } from './egress';

/** Props of {@link FargatePodSecurityGroups}. */
export interface FargatePodSecurityGroupsProps {
  /** The cluster's VPC. */
  readonly vpc: ec2.IVpc;
  /** The cluster security group, which CoreDNS pods carry: the pods' DNS goes there. */
  readonly clusterSecurityGroup: ec2.ISecurityGroup;
  /** The backend's security group, admitted on the service ports. */
  readonly backendSecurityGroup: ec2.ISecurityGroup;
  /** Service ports the backend calls (code-executor 3004, js-executor 3000). */
  readonly servicePorts: readonly number[];
  /**
   * Destinations opened on top of the internet (checked with resolveEgressAllowlist).
   * @default []
   */
  readonly allow?: readonly ResolvedEgressAllowRule[];
}

/**
 * The security groups for user-code pods on EKS Fargate, where NetworkPolicies do not apply:
 * the same default as the kit's NetworkPolicies and ECS tasks. A `pods` group admits the backend
 * on the service ports and sends DNS (53, UDP and TCP) to the cluster security group (CoreDNS);
 * the `SandboxEgress` groups allow the IPv4 internet only, and the allowlist. Pass `groupIds` as
 * `kubernetes.rendererOverrides.eks-fargate.podSecurityGroupIds` (or a CodeExecutor's or
 * JsExecutor's `podSecurityGroupIds`); the executor's SecurityGroupPolicy gives the user-code
 * pods exactly these groups (instead of the cluster security group).
 */
export class FargatePodSecurityGroups extends Construct {
  /** Ingress from the backend, DNS to CoreDNS. */
  public readonly pods: ec2.SecurityGroup;
  /** The internet and the allowlist. */
  public readonly egress: SandboxEgress;

  constructor(scope: Construct, id: string, props: FargatePodSecurityGroupsProps) {
    super(scope, id);
    this.pods = new ec2.SecurityGroup(this, 'Pods', {
      vpc: props.vpc,
      description: 'sandbox-kit: user-code pods on EKS Fargate: backend in, DNS to CoreDNS out',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    for (const port of props.servicePorts) this.pods.addIngressRule(props.backendSecurityGroup, ec2.Port.tcp(port), `backend to port ${port}`);
    this.pods.addEgressRule(props.clusterSecurityGroup, ec2.Port.udp(53), 'DNS to CoreDNS');
    this.pods.addEgressRule(props.clusterSecurityGroup, ec2.Port.tcp(53), 'DNS to CoreDNS');
    this.egress = new SandboxEgress(this, 'Egress', { vpc: props.vpc, allow: props.allow });
  }

  /** The ids for `podSecurityGroupIds` (kit file or executor props). */
  public get groupIds(): string[] {
    return [this.pods.securityGroupId, ...this.egress.groups.map((g) => g.securityGroupId)];
  }
}
