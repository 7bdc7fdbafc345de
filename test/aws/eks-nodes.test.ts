/**
 * EksSandboxNodes on a cluster of one's own, with typed props: the plan's node groups with their
 * profile-writing launch templates, typed choices checked by the kit file's schema and rules.
 */
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { EksSandboxNodes, EksSandboxNodesOptions } from '../../src/aws-constructs';
import { plan, SandboxConfigError } from '../../src';

const arm = plan({ target: 'eks', retoolVersion: '3.334.0-stable', profileDelivery: 'node-user-data', architectures: ['arm64'] });

function nodesOn(options: EksSandboxNodesOptions): Stack {
  const stack = new Stack(new App(), 'Mine');
  const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'mine', vpc: new ec2.Vpc(stack, 'Vpc', { maxAzs: 2 }) });
  new EksSandboxNodes(stack, 'Nodes', { cluster, plan: arm, ...options });
  return stack;
}

test('one node group per architecture of the plan, with the typed instance type and sizes, and a launch template writing the profiles', () => {
  const t = Template.fromStack(nodesOn({ instanceTypes: { arm64: new ec2.InstanceType('m7g.2xlarge') }, minSize: 2, desiredSize: 3, maxSize: 5 }));
  t.resourceCountIs('AWS::EKS::Nodegroup', 1);
  t.hasResourceProperties('AWS::EKS::Nodegroup', {
    ClusterName: 'mine', AmiType: 'AL2023_ARM_64_STANDARD', InstanceTypes: ['m7g.2xlarge'],
    ScalingConfig: { MinSize: 2, DesiredSize: 3, MaxSize: 5 },
  });
  const [template] = Object.values(t.findResources('AWS::EC2::LaunchTemplate')) as { Properties: { LaunchTemplateData: { MetadataOptions: { HttpTokens: string; HttpPutResponseHopLimit: number }; UserData: unknown } } }[];
  expect(template.Properties.LaunchTemplateData.MetadataOptions).toMatchObject({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
  expect(JSON.stringify(template.Properties.LaunchTemplateData.UserData)).toContain('/var/lib/kubelet/seccomp/sandbox-kit');
});

test('bad props: one SandboxConfigError at the construct\'s path naming each', () => {
  let error: unknown;
  try {
    nodesOn({ instanceTypes: { arm64: new ec2.InstanceType('m7i.xlarge') }, minSize: 1, desiredSize: 9, maxSize: 4 });
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(SandboxConfigError);
  expect((error as SandboxConfigError).message).toContain('EksSandboxNodes Mine/Nodes');
  expect((error as SandboxConfigError).problems.map((p) => [p.field, p.scope]).sort()).toEqual([['EksSandboxNodes.props.desiredSize', 'Mine/Nodes'], ['EksSandboxNodes.props.instanceTypes.arm64', 'Mine/Nodes']]);
});
