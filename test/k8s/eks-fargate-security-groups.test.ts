import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { FargatePodSecurityGroups } from '../../src/aws/fargate-pod-security-groups';
import { internetIpv4Cidrs } from '../../src/policy/egress';
import { FARGATE_KIT_FILE, render, renderKitFile } from './helpers';

const GROUPS = ['sg-0123456789abcdef0', 'sg-0123456789abcdef1', 'sg-0123456789abcdef2'];
const ack = { acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' as const }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } };

test('eks-fargate: a SecurityGroupPolicy gives the user-code pods the named groups (NetworkPolicies do not apply on Fargate)', () => {
  const { objects } = renderKitFile(FARGATE_KIT_FILE)['eks-fargate'];
  const policies = objects.filter((o) => o.kind === 'SecurityGroupPolicy');
  expect(policies).toHaveLength(1);
  expect(policies[0]).toMatchObject({
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    metadata: { namespace: 'sandbox-kit-code-executor' },
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/name': 'code-executor' } }, securityGroups: { groupIds: GROUPS } },
  });
  // It selects the pods of the code-executor Deployment.
  const deployment = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'code-executor')!;
  const labels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
  expect(labels['app.kubernetes.io/name']).toBe('code-executor');
});

test('eks-fargate without security groups is refused, with what would work; other targets refuse the option', () => {
  expect(() => render({ target: 'eks-fargate', retoolVersion: '3.334.0-stable', ...ack })).toThrow(/kubernetes\.renderer\.podSecurityGroupIds: NetworkPolicies do not apply to Fargate pods[\s\S]*FargatePodSecurityGroups/);
  expect(() => render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { podSecurityGroupIds: GROUPS })).toThrow(/podSecurityGroupIds: applies to eks-fargate only/);
});

test('FargatePodSecurityGroups: backend in, DNS to CoreDNS, the IPv4 internet and nothing private out', () => {
  const stack = new Stack(new App(), 'Groups');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 1 });
  const groups = new FargatePodSecurityGroups(stack, 'Pods', {
    vpc,
    clusterSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Cluster', 'sg-0aaaaaaaaaaaaaaa1'),
    backendSecurityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Backend', 'sg-0bbbbbbbbbbbbbbb2'),
    servicePorts: [3004],
  });
  expect(groups.groupIds).toHaveLength(3);
  const t = Template.fromStack(stack);
  const sgs = t.findResources('AWS::EC2::SecurityGroup') as Record<string, { Properties: { SecurityGroupEgress?: { CidrIp?: string; DestinationSecurityGroupId?: string; FromPort?: number; IpProtocol: string }[]; SecurityGroupIngress?: { SourceSecurityGroupId?: string; FromPort?: number }[] } }>;
  const podsId = Object.keys(sgs).find((id) => /^Pods[0-9A-F]{8}$/.test(id))!;
  const rules = (type: string) => Object.values(t.findResources(type)).map((r) => (r as { Properties: Record<string, unknown> }).Properties)
    .filter((p) => JSON.stringify(p.GroupId).includes(podsId));
  expect(rules('AWS::EC2::SecurityGroupIngress').map((r) => [r.SourceSecurityGroupId, r.FromPort, r.ToPort])).toEqual([['sg-0bbbbbbbbbbbbbbb2', 3004, 3004]]);
  expect(rules('AWS::EC2::SecurityGroupEgress').map((r) => [r.IpProtocol, r.FromPort, r.DestinationSecurityGroupId])).toEqual([['udp', 53, 'sg-0aaaaaaaaaaaaaaa1'], ['tcp', 53, 'sg-0aaaaaaaaaaaaaaa1']]);
  // No inline egress of its own: DNS to CoreDNS is all.
  expect(sgs[podsId].Properties.SecurityGroupEgress ?? []).toEqual([]);
  const internet = Object.entries(sgs).find(([id]) => /EgressInternet/.test(id))![1].Properties;
  expect(internet.SecurityGroupEgress!.map((e) => e.CidrIp).sort()).toEqual(internetIpv4Cidrs().sort());
});
