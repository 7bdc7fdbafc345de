/**
 * EcsSandboxes composed into a stack of one's own, with typed props (aws-cdk-lib's conventions):
 * the owner's VPC and backend security group, typed choices (an InstanceType, a RetentionDays, an
 * existing ICluster), checked by the kit file's schema and rules, errors naming the props.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EcsSandboxes, EcsSandboxesOptions } from '../../src/aws-constructs';
import { plan, SandboxConfigError } from '../../src';

const RELEASE = '3.334.0-stable';
const ec2Plan = plan({ target: 'ecs-ec2', retoolVersion: RELEASE, services: { 'agent-sandbox': { enabled: false } } });

function userStack(options: EcsSandboxesOptions, deployment = ec2Plan): { stack: Stack; sandboxes: EcsSandboxes } {
  const stack = new Stack(new App(), 'Mine');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const backend = new ec2.SecurityGroup(stack, 'Backend', { vpc });
  const sandboxes = new EcsSandboxes(stack, 'Sandboxes', { plan: deployment, vpc, backendSecurityGroup: backend, ...options });
  return { stack, sandboxes };
}

test('typed choices reach the template: instance type, log retention, Cloud Map namespace', () => {
  const { stack, sandboxes } = userStack({
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.M7G, ec2.InstanceSize.XLARGE),
    logRetention: logs.RetentionDays.ONE_WEEK,
    namespaceName: 'sandboxes.internal',
    maxCapacity: 6,
  });
  const t = Template.fromStack(stack);
  t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { InstanceType: 'm7g.xlarge' } });
  t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MaxSize: '6' });
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  t.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'sandboxes.internal' });
  expect(sandboxes.endpoints.map((e) => e.url)).toContain('http://code-executor.sandboxes.internal:3004');
});

test('bad props: one SandboxConfigError at the construct\'s path, naming each prop', () => {
  let error: unknown;
  try {
    userStack({ namespaceName: 'single', scratchSizeMiB: 0 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SandboxConfigError);
  const e = error as SandboxConfigError;
  expect(e.message).toContain('EcsSandboxes Mine/Sandboxes');
  expect(e.problems.map((p) => p.field).sort()).toEqual(['namespaceName', 'scratchSizeMiB']);
});

test('an existing cluster is used as given; with EC2 capacity to add, it is refused', () => {
  const fargateOnly = plan({
    target: 'ecs-fargate', retoolVersion: RELEASE, acknowledgeUnsandboxedCode: true,
    services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } },
  });
  const stack = new Stack(new App(), 'Mine');
  const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 });
  const cluster = new ecs.Cluster(stack, 'Theirs', { vpc });
  const sandboxes = new EcsSandboxes(stack, 'Sandboxes', { plan: fargateOnly, vpc, backendSecurityGroup: new ec2.SecurityGroup(stack, 'Backend', { vpc }), cluster });
  expect(sandboxes.cluster).toBe(cluster);
  Template.fromStack(stack).resourceCountIs('AWS::ECS::Cluster', 1);
  expect(() => userStack({ cluster: ecs.Cluster.fromClusterAttributes(new Stack(), 'C', { clusterName: 'c', vpc: ec2.Vpc.fromVpcAttributes(new Stack(), 'V', { vpcId: 'vpc-1', availabilityZones: ['a'] }) }) }))
    .toThrow(/needs EC2 capacity providers .* which the kit adds only to a cluster it creates/);
});
