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
import { checkEcsPlan, EcsSandboxes, EcsSandboxesOptions, resolveAwsOptions } from '../../src/aws-constructs';
import { plan, SandboxConfigError } from '../../src';
import { problemsOf } from './support';

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
  expect(e.problems.map((p) => p.field).sort()).toEqual(['EcsSandboxes.props.namespaceName', 'EcsSandboxes.props.scratchSizeMiB']);
  expect(e.problems.map((p) => p.scope)).toEqual(['Mine/Sandboxes', 'Mine/Sandboxes']);
});

describe('checkEcsPlan names the options where they came from', () => {
  const fargatePlan = plan({
    target: 'ecs-fargate', retoolVersion: RELEASE, acknowledgeUnsandboxedCode: true,
    services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { capacity: 'ec2' }, 'agent-sandbox': { enabled: false } },
  });
  const amd64Only = plan({ target: 'ecs-ec2', retoolVersion: RELEASE, architectures: ['amd64'], services: { 'agent-sandbox': { enabled: false } } });

  test('used as a library: the construct\'s props, scoped to its path', () => {
    const arm = problemsOf(() => userStack({ instanceType: new ec2.InstanceType('m7g.xlarge') }, amd64Only));
    expect(arm).toEqual([expect.objectContaining({ field: 'EcsSandboxes.props.instanceType', scope: 'Mine/Sandboxes', message: expect.stringMatching(/^m7g\.xlarge is arm64, but the plan of code-executor is for amd64/) })]);
    const sizes = problemsOf(() => userStack({ fargateTaskSizes: { 'code-executor': { cpu: 2048, memoryMiB: 2048 }, 'agent-sandbox': { cpu: 256, memoryMiB: 512 } } }, fargatePlan));
    expect(sizes.map((p) => [p.field, p.scope])).toEqual([
      ['EcsSandboxes.props.fargateTaskSizes.code-executor', 'Mine/Sandboxes'],
      ['EcsSandboxes.props.fargateTaskSizes.agent-sandbox', 'Mine/Sandboxes'],
    ]);
    const cluster = ecs.Cluster.fromClusterAttributes(new Stack(), 'C', { clusterName: 'c', vpc: ec2.Vpc.fromVpcAttributes(new Stack(), 'V', { vpcId: 'vpc-1', availabilityZones: ['a'] }) });
    expect(problemsOf(() => userStack({ cluster })).map((p) => p.field)).toEqual(['EcsSandboxes.props.cluster']);
  });

  test('through the kit file: aws.renderer paths, and the same problems the construct names by its props', () => {
    const options = resolveAwsOptions({ vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] }, ecs: { instanceType: 'm7g.xlarge', clusterName: 'theirs' } });
    expect(problemsOf(() => checkEcsPlan(amd64Only, options)).map((p) => [p.field, p.scope])).toEqual([
      ['aws.renderer.ecs.instanceType', undefined],
      ['aws.renderer.ecs.clusterName', undefined],
    ]);
    const sized = resolveAwsOptions({ ecs: { fargateTaskSizes: { 'code-executor': { cpu: 2048, memoryMiB: 2048 } } } });
    expect(problemsOf(() => checkEcsPlan(fargatePlan, sized)).map((p) => p.field)).toEqual(['aws.renderer.ecs.fargateTaskSizes.code-executor']);
  });
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
