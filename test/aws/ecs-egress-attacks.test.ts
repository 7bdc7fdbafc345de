import { Template } from 'aws-cdk-lib/assertions';
import { addressRange, rangeContains } from '../../src/policy/address-math';
import { ECS_EGRESS_ROWS, EcsOutcome } from '../security/tables';
import { build, kitConfigs, launchTemplateUserData, template } from './support';

/**
 * Where user code on ECS may send packets, read from the synthesized security groups (the task's
 * three groups) and the container instances' agent settings: the ECS rows of docs/security.md.
 * Link-local services are not filtered by security groups at all (VPC user guide): those rows
 * come out `open (unfiltered)` whatever the rules say, which is the residual risk the plans state.
 */
type Rule = { CidrIp?: string; CidrIpv6?: string; IpProtocol: string; FromPort?: number; ToPort?: number; DestinationSecurityGroupId?: unknown };
const UNFILTERED = ['169.254.170.2/32', '169.254.169.253/32', '169.254.169.123/32'];

function outcome(t: Template, target: 'ecs-ec2' | 'ecs-fargate', d: (typeof ECS_EGRESS_ROWS)[number][1]): EcsOutcome {
  const groups = t.findResources('AWS::EC2::SecurityGroup') as Record<string, { Properties: { SecurityGroupEgress?: Rule[] } }>;
  const standalone = Object.values(t.findResources('AWS::EC2::SecurityGroupEgress') as Record<string, { Properties: Rule & { GroupId: unknown } }>);
  const egressOf = (match: RegExp): Rule[] => [
    ...Object.entries(groups).filter(([id]) => match.test(id)).flatMap(([, g]) => g.Properties.SecurityGroupEgress ?? []),
    ...standalone.filter((r) => match.test(JSON.stringify(r.Properties.GroupId))).map((r) => r.Properties),
  ];
  const rules = egressOf(/SandboxesEgress(Internet|Destinations)/);
  if (d === 'vpc-endpoint') return rules.some((r) => r.DestinationSecurityGroupId && r.FromPort === 443) ? 'open' : 'blocked';
  const host = addressRange(`${d.ip}/${d.ip.includes(':') ? 128 : 32}`)!;
  if (UNFILTERED.some((c) => rangeContains(addressRange(c)!, host))) return 'open (unfiltered)';
  if (d.ip === '169.254.169.254') {
    if (target === 'ecs-fargate') return 'blocked (none on Fargate)';
    const ud = Object.values(launchTemplateUserData(t));
    return ud.length > 0 && ud.every((u) => u.includes('ECS_AWSVPC_BLOCK_IMDS=true')) ? 'blocked (agent)' : 'open';
  }
  const allowed = rules.some((r) => {
    const cidr = r.CidrIp ?? r.CidrIpv6;
    if (!cidr) return false;
    const range = addressRange(cidr);
    if (!range || !rangeContains(range, host)) return false;
    if (r.IpProtocol === '-1') return true;
    return r.IpProtocol === d.protocol && d.port >= (r.FromPort ?? 0) && d.port <= (r.ToPort ?? 65535);
  });
  return allowed ? 'open' : 'blocked';
}

const built = build([
  { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } },
  ...kitConfigs('examples/ecs-fargate.config.json'),
], {}, { nag: false });
const templates = { 'ecs-ec2': template(built, 'ecs-ec2'), 'ecs-fargate': template(built, 'ecs-fargate') };

describe.each(['ecs-ec2', 'ecs-fargate'] as const)('%s: user code egress', (target) => {
  test.each(ECS_EGRESS_ROWS.filter(([, , e]) => e[target]).map(([name, d, e]) => [name, d, e[target]!] as const))('%s', (_name, d, expected) => {
    expect(outcome(templates[target], target, d)).toBe(expected);
  });
});
