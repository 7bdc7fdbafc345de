/**
 * EksSandboxStack with typed props (aws-cdk-lib's conventions), as a library user builds it: typed
 * choices reach the template, bad props fail in one SandboxConfigError naming the props at the
 * stack's path, and the AWS app (kit file) names the same problems by their kit-file paths.
 */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { awsPlanConfig, EksSandboxStack, EksSandboxStackOptions } from '../../src/aws-constructs';
import { plan } from '../../src';
import { build, cdkContext, problemsOf, tmpOutdir } from './support';

const eksPlan = plan(awsPlanConfig({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.35', architectures: ['arm64'], services: { 'agent-sandbox': { enabled: false } } }));
const VPC = { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0123456789abcdef0', 'subnet-0123456789abcdef1'] };

function stack(options: EksSandboxStackOptions, deployment = eksPlan): EksSandboxStack {
  return new EksSandboxStack(new App({ context: cdkContext(), outdir: tmpOutdir() }), 'Mine', { plan: deployment, ...options });
}

test('typed choices reach the template: node instance type and sizes, endpoint access, flow log retention', () => {
  const s = stack({
    instanceTypes: { arm64: new ec2.InstanceType('m7g.2xlarge') },
    minSize: 2, desiredSize: 3, maxSize: 5,
    endpointAccess: 'public-and-private',
    logRetention: logs.RetentionDays.ONE_WEEK,
  });
  const t = Template.fromStack(s);
  t.resourceCountIs('AWS::EKS::Nodegroup', 1);
  t.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_ARM_64_STANDARD', InstanceTypes: ['m7g.2xlarge'], ScalingConfig: { MinSize: 2, DesiredSize: 3, MaxSize: 5 } });
  t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
  t.hasResourceProperties('AWS::EKS::Cluster', { ResourcesVpcConfig: { EndpointPublicAccess: true, EndpointPrivateAccess: true } });
  t.resourceCountIs('AWS::EKS::Addon', 1);
});

test('an existing cluster in an existing VPC: no cluster, no VPC, an access entry for the kit\'s kubectl handler', () => {
  const s = stack({ vpc: VPC, existingCluster: { clusterName: 'theirs', clusterSecurityGroupId: 'sg-0123456789abcdef0', networkPolicyEnforced: true } });
  const t = Template.fromStack(s);
  t.resourceCountIs('AWS::EC2::VPC', 0);
  t.resourceCountIs('AWS::EKS::Cluster', 0);
  t.resourceCountIs('AWS::EKS::Addon', 0);
  t.hasResourceProperties('AWS::EKS::AccessEntry', { ClusterName: 'theirs' });
  t.hasResourceProperties('AWS::EKS::Nodegroup', { ClusterName: 'theirs', Subnets: VPC.privateSubnetIds });
});

test('bad props: one SandboxConfigError at the stack\'s path, naming each prop', () => {
  const options = problemsOf(() => stack({ minSize: 3, desiredSize: 1, existingCluster: { clusterName: 'theirs', clusterSecurityGroupId: 'sg-0123456789abcdef0', networkPolicyEnforced: false } }));
  expect(options.map((p) => [p.field, p.scope]).sort()).toEqual([
    ['EksSandboxStack.props.desiredSize', 'Mine'],
    ['EksSandboxStack.props.existingCluster.clusterName', 'Mine'],
    ['EksSandboxStack.props.existingCluster.networkPolicyEnforced', 'Mine'],
  ]);
  // checkEksPlan's problems name the props too.
  const amd64 = new ec2.InstanceType('m7i.xlarge');
  expect(problemsOf(() => stack({ instanceTypes: { arm64: amd64 } }))).toEqual([
    expect.objectContaining({ field: 'EksSandboxStack.props.instanceTypes.arm64', scope: 'Mine', message: 'm7i.xlarge is amd64, not arm64' }),
  ]);
  expect(problemsOf(() => stack({ buildImages: true }, plan(awsPlanConfig({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.35' }))))
    .map((p) => p.field)).toEqual(['EksSandboxStack.props.buildImages']);
});

test('through the kit file, the same problems name aws.renderer paths', () => {
  const config = { target: 'eks' as const, retoolVersion: '3.334.0-stable', kubernetesVersion: '1.35', architectures: ['arm64' as const], services: { 'agent-sandbox': { enabled: false } } };
  const problems = problemsOf(() => build([config], { eks: { instanceTypes: { arm64: 'm7i.xlarge' } } }, { nag: false }));
  expect(problems.map((p) => p.field)).toEqual(['aws.renderer.eks.instanceTypes.arm64']);
});
