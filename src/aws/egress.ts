import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { internetIpv4Cidrs, ResolvedEgressAllowRule } from '../policy/egress';

/** Props of {@link SandboxEgress}. */
export interface SandboxEgressProps {
  /** VPC of the tasks. */
  readonly vpc: ec2.IVpc;
  /**
   * Destinations the kit file opens (aws.renderer.ecs.egressAllowlist), checked.
   * @default []
   */
  readonly allow?: readonly ResolvedEgressAllowRule[];
  /**
   * Security groups of the VPC's interface endpoints the tasks reach on 443 (image pulls, logs).
   * @default []
   */
  readonly endpointSecurityGroups?: readonly ec2.ISecurityGroup[];
}

/**
 * The egress of user code on ECS, in security groups (which can only allow, and hold at most 60
 * rules each by default):
 * - `internet`: every IPv4 address outside the private, shared, link-local, loopback and
 *   reserved ranges (NON_INTERNET_IPV4), all ports; no IPv6 (a kit VPC has none, and the
 *   allowlist opens IPv6 destinations one by one);
 * - `destinations`: the VPC endpoints on 443 and the kit file's allowlist.
 * Every task that runs user code gets both, and its own group admits only its callers.
 * Security groups do not filter the Amazon DNS resolver, instance and task metadata or Time
 * Sync; the ECS agent blocks instance metadata for awsvpc tasks (ECS_AWSVPC_BLOCK_IMDS), Fargate
 * exposes none, and the plan states the rest as remaining risks.
 */
export class SandboxEgress extends Construct {
  /** The public IPv4 internet. */
  public readonly internet: ec2.SecurityGroup;
  /** VPC endpoints and allowlisted destinations. */
  public readonly destinations: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: SandboxEgressProps) {
    super(scope, id);
    this.internet = new ec2.SecurityGroup(this, 'Internet', {
      vpc: props.vpc,
      description: 'sandbox-kit: user code egress to the IPv4 internet only (no private, link-local or reserved ranges)',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    for (const cidr of internetIpv4Cidrs()) {
      this.internet.addEgressRule(ec2.Peer.ipv4(cidr), ec2.Port.allTraffic(), 'internet');
    }
    this.destinations = new ec2.SecurityGroup(this, 'Destinations', {
      vpc: props.vpc,
      description: 'sandbox-kit: user code egress to the VPC endpoints and the allowlist of the kit file',
      allowAllOutbound: false,
      allowAllIpv6Outbound: false,
    });
    for (const sg of props.endpointSecurityGroups ?? []) {
      // Both directions where the endpoint's group is the kit's; only egress where it is imported.
      this.destinations.connections.allowTo(sg, ec2.Port.tcp(443), 'VPC endpoint (image pulls, logs)');
    }
    for (const rule of props.allow ?? []) {
      const peer = rule.family === 4 ? ec2.Peer.ipv4(rule.cidr) : ec2.Peer.ipv6(rule.cidr);
      const port = rule.protocol === 'udp'
        ? (rule.port === rule.toPort ? ec2.Port.udp(rule.port) : ec2.Port.udpRange(rule.port, rule.toPort))
        : (rule.port === rule.toPort ? ec2.Port.tcp(rule.port) : ec2.Port.tcpRange(rule.port, rule.toPort));
      this.destinations.addEgressRule(peer, port, `allowlist: ${rule.description}`);
    }
  }

  /** The groups a task running user code carries besides its own. */
  public get groups(): ec2.ISecurityGroup[] {
    return [this.internet, this.destinations];
  }
}
