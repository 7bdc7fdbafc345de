/**
 * EcsSandboxStack and SandboxNetwork with typed props (aws-cdk-lib's conventions), as a library
 * user builds them: typed choices reach the template, bad props fail in one SandboxConfigError
 * naming the props at the construct's path, and the AWS app (kit file) names the same problems by
 * their kit-file paths.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { EcsSandboxStack, EcsSandboxStackOptions, SandboxNetwork } from '../../src/aws-constructs';
import { plan, SandboxConfigError } from '../../src';
import { build, cdkContext, problemsOf, tmpOutdir } from './support';

const RELEASE = '3.334.0-stable';
const VPC = {
  vpcId: 'vpc-0123456789abcdef0',
  availabilityZones: ['eu-west-1a', 'eu-west-1b'],
  privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'],
  endpointSecurityGroupIds: ['sg-0123456789abcdef1'],
};
const BACKEND = 'sg-0123456789abcdef0';
const armPlan = plan({ target: 'ecs-ec2', retoolVersion: RELEASE, architectures: ['arm64'], services: { 'agent-sandbox': { enabled: false } } });
const amd64Plan = plan({ target: 'ecs-ec2', retoolVersion: RELEASE, architectures: ['amd64'], services: { 'agent-sandbox': { enabled: false } } });
// Fargate only: no EC2 capacity, so an existing cluster is accepted.
const fargateOnly = plan({
  target: 'ecs-fargate', retoolVersion: RELEASE, acknowledgeUnsandboxedCode: true,
  services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } },
});

function stack(options: EcsSandboxStackOptions, deployment = armPlan): EcsSandboxStack {
  return new EcsSandboxStack(new App({ context: cdkContext(), outdir: tmpOutdir() }), 'Mine', { plan: deployment, ...options });
}

test('typed choices reach the template: instance type, capacity, scratch size, log retention, namespace, no endpoints', () => {
  const s = stack({
    instanceType: new ec2.InstanceType('m7g.2xlarge'),
    minCapacity: 2, maxCapacity: 3,
    scratchSizeMiB: 256,
    logRetention: logs.RetentionDays.ONE_WEEK,
    namespaceName: 'sandboxes.internal',
    vpcEndpoints: false,
  });
  const t = Template.fromStack(s);
  t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { InstanceType: 'm7g.2xlarge' } });
  t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '3' });
  // The services' logs and the new VPC's flow logs.
  const retentions = Object.values(t.findResources('AWS::Logs::LogGroup')).map((r) => (r as { Properties: { RetentionInDays: number } }).Properties.RetentionInDays);
  expect(retentions).toEqual([7, 7]);
  t.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'sandboxes.internal' });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', { ContainerDefinitions: Match.arrayWith([Match.objectLike({ LinuxParameters: Match.objectLike({ Tmpfs: Match.arrayWith([Match.objectLike({ Size: 256 })]) }) })]) });
  t.resourceCountIs('AWS::EC2::VPC', 1);
  t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
  t.hasOutput('BackendSecurityGroupId', Match.anyValue());
  expect(s.sandboxes.endpoints.map((e) => e.url)).toContain('http://code-executor.sandboxes.internal:3004');
});

test('defaults: a new VPC with its ECR, Logs and S3 endpoints, m7i.xlarge, a month of logs', () => {
  const t = Template.fromStack(stack({}, amd64Plan));
  t.resourceCountIs('AWS::EC2::VPCEndpoint', 4);
  t.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: { InstanceType: 'm7i.xlarge' } });
  t.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', MaxSize: '4' });
  t.allResourcesProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  t.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'sandbox-kit.local' });
});

test('an existing cluster in an existing VPC, the backend\'s own group, task sizes and an allowlist', () => {
  const s = stack({
    vpc: VPC,
    backendSecurityGroupId: BACKEND,
    clusterName: 'theirs',
    fargateTaskSizes: { 'code-executor': { cpu: 2048, memoryMiB: 8192 } },
    egressAllowlist: [{ cidr: '10.20.0.0/24', port: 5432, description: 'analytics database' }],
  }, fargateOnly);
  const t = Template.fromStack(s);
  t.resourceCountIs('AWS::EC2::VPC', 0);
  t.resourceCountIs('AWS::ECS::Cluster', 0);
  t.hasResourceProperties('AWS::ECS::Service', { Cluster: 'theirs', NetworkConfiguration: { AwsvpcConfiguration: { Subnets: VPC.privateSubnetIds } } });
  t.hasResourceProperties('AWS::ECS::TaskDefinition', { Cpu: '2048', Memory: '8192' });
  t.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupEgress: Match.arrayWith([Match.objectLike({ CidrIp: '10.20.0.0/24', FromPort: 5432, ToPort: 5432, Description: 'allowlist: analytics database' })]) });
  // The backend's group is admitted on the service port, and the kit makes none of its own.
  t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { SourceSecurityGroupId: BACKEND, FromPort: 3004 });
  expect(Object.keys(t.findOutputs('*'))).not.toContain('BackendSecurityGroupId');
  // The imported VPC's endpoint group is opened on 443 to the tasks.
  t.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { DestinationSecurityGroupId: VPC.endpointSecurityGroupIds[0], FromPort: 443, ToPort: 443 });
});

test('bad props: one SandboxConfigError at the stack\'s path, naming each prop', () => {
  let error: unknown;
  try {
    stack({
      namespaceName: 'single',
      scratchSizeMiB: 0,
      minCapacity: 5, maxCapacity: 2,
      clusterName: 'theirs',
      egressAllowlist: [{ cidr: '0.0.0.0/0', port: 443 }],
      vpc: { ...VPC, vpcId: 'vpc-nope' },
    }, fargateOnly);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SandboxConfigError);
  const e = error as SandboxConfigError;
  expect(e.message).toContain('EcsSandboxStack Mine');
  expect(e.problems.map((p) => [p.field, p.scope]).sort()).toEqual([
    ['EcsSandboxStack.props.egressAllowlist[0].cidr', 'Mine'],
    ['EcsSandboxStack.props.maxCapacity', 'Mine'],
    ['EcsSandboxStack.props.namespaceName', 'Mine'],
    ['EcsSandboxStack.props.scratchSizeMiB', 'Mine'],
    ['EcsSandboxStack.props.vpc.vpcId', 'Mine'],
  ]);
  // An existing cluster needs its VPC.
  expect(problemsOf(() => stack({ clusterName: 'theirs' }, fargateOnly)).map((p) => [p.field, p.scope])).toEqual([['EcsSandboxStack.props.clusterName', 'Mine']]);
  // The kit's images need a build context writer.
  expect(problemsOf(() => stack({ buildImages: true })).map((p) => [p.field, p.scope])).toEqual([['EcsSandboxStack.props.buildContext', 'Mine']]);
});

test('checkEcsPlan\'s problems name the props too', () => {
  expect(problemsOf(() => stack({ instanceType: new ec2.InstanceType('m7g.xlarge') }, amd64Plan))).toEqual([
    expect.objectContaining({ field: 'EcsSandboxStack.props.instanceType', scope: 'Mine', message: expect.stringMatching(/^m7g\.xlarge is arm64, but the plan of code-executor is for amd64/) }),
  ]);
  // EC2 capacity only goes to a cluster the kit creates.
  expect(problemsOf(() => stack({ vpc: VPC, clusterName: 'theirs' }, amd64Plan)).map((p) => [p.field, p.scope])).toEqual([['EcsSandboxStack.props.clusterName', 'Mine']]);
  expect(problemsOf(() => stack({ fargateTaskSizes: { 'code-executor': { cpu: 2048, memoryMiB: 2048 } } })).map((p) => p.field))
    .toEqual(['EcsSandboxStack.props.fargateTaskSizes.code-executor']);
});

test('through the kit file, the same problems name aws.renderer paths', () => {
  const config = { target: 'ecs-ec2' as const, retoolVersion: RELEASE, architectures: ['amd64' as const], services: { 'agent-sandbox': { enabled: false } } };
  expect(problemsOf(() => build([config], { ecs: { instanceType: 'm7g.xlarge' } }, { nag: false })).map((p) => [p.field, p.scope]))
    .toEqual([['aws.renderer.ecs.instanceType', undefined]]);
  expect(problemsOf(() => build([config], { ecs: { namespaceName: 'single', maxCapacity: 0 } }, { nag: false })).map((p) => p.field).sort())
    .toEqual(['aws.renderer.ecs.maxCapacity', 'aws.renderer.ecs.namespaceName']);
});

describe('SandboxNetwork with typed props', () => {
  test('an existing VPC and backend group are imported; without a backend (EKS) there is no group and no endpoints', () => {
    const s = new Stack();
    const imported = new SandboxNetwork(s, 'Imported', { vpc: VPC, backendSecurityGroupId: BACKEND });
    expect(imported.vpc.vpcId).toBe(VPC.vpcId);
    expect(imported.backendSecurityGroup!.securityGroupId).toBe(BACKEND);
    expect(imported.endpointSecurityGroups.map((g) => g.securityGroupId)).toEqual(VPC.endpointSecurityGroupIds);
    const s2 = new Stack();
    const plain = new SandboxNetwork(s2, 'Plain', { withBackend: false, vpcEndpoints: false, flowLogRetention: logs.RetentionDays.ONE_YEAR });
    expect(plain.backendSecurityGroup).toBeUndefined();
    const t = Template.fromStack(s2);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    t.resourceCountIs('AWS::EC2::SecurityGroup', 0);
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('bad props name SandboxNetwork\'s props at its path', () => {
    const problems = problemsOf(() => new SandboxNetwork(new Stack(undefined, 'S'), 'Net', {
      vpc: { ...VPC, privateSubnetIds: ['subnet-bad', VPC.privateSubnetIds[1]] },
      withBackend: false,
      backendSecurityGroupId: BACKEND,
    }));
    expect(problems.map((p) => [p.field, p.scope]).sort()).toEqual([
      ['SandboxNetwork.props.backendSecurityGroupId', 'S/Net'],
      ['SandboxNetwork.props.vpc.privateSubnetIds[0]', 'S/Net'],
    ]);
  });
});
