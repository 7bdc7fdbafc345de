import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsApp } from '../../src/aws/app';
import { ecsLayout } from '../../src/aws/ecs-layout';
import { fargatePairProblem, smallestFargateSize } from '../../src/aws/fargate-sizes';
import { resolveAwsOptions } from '../../src/aws/options';
import { plan } from '../../src/policy/planner';
import { build, launchTemplateUserData, template } from './support';

describe('Fargate sizes', () => {
  test('the smallest offered size holding the limits', () => {
    expect(smallestFargateSize(2048, 2048)).toEqual({ cpu: 2048, memoryMiB: 4096 });
    expect(smallestFargateSize(1024, 10 * 1024)).toEqual({ cpu: 2048, memoryMiB: 10240 });
    expect(smallestFargateSize(256, 512)).toEqual({ cpu: 256, memoryMiB: 512 });
    expect(smallestFargateSize(16384, 122880)).toEqual({ cpu: 16384, memoryMiB: 122880 });
    expect(smallestFargateSize(16385, 1024)).toBeUndefined();
  });

  test('offered and not offered pairs', () => {
    expect(fargatePairProblem({ cpu: 512, memoryMiB: 4096 })).toBeUndefined();
    expect(fargatePairProblem({ cpu: 8192, memoryMiB: 20480 })).toBeUndefined();
    expect(fargatePairProblem({ cpu: 8192, memoryMiB: 18432 })).toContain('16384 to 61440 MiB in steps of 4096');
    expect(fargatePairProblem({ cpu: 256, memoryMiB: 4096 })).toContain('512, 1024, 2048 MiB');
  });
});

describe('ECS layout follows the plan', () => {
  test('default ecs-ec2: one capacity per daemon-wide profile, plus a standard one for the agent controller and proxy', () => {
    const layout = ecsLayout(plan({ target: 'ecs-ec2' }), resolveAwsOptions({}));
    expect(layout.ec2Capacities).toEqual([
      { id: 'ec2-seccomp-nsjail', dockerProfile: 'nsjail', dockerProfilePath: '/etc/docker/seccomp/sandbox-kit-nsjail.json', privileged: false },
      { id: 'ec2-seccomp-gvisor', dockerProfile: 'gvisor', dockerProfilePath: '/etc/docker/seccomp/sandbox-kit-gvisor.json', privileged: false },
      { id: 'ec2-standard', dockerProfile: undefined, dockerProfilePath: undefined, privileged: false },
    ]);
    expect(layout.tasks.map((t) => [t.name, t.capacity])).toEqual([
      ['code-executor', 'ec2-seccomp-nsjail'],
      ['js-executor', 'ec2-seccomp-nsjail'],
      ['agent-sandbox', 'ec2-standard'],
      ['agent-sandbox-sandbox', 'ec2-seccomp-gvisor'],
    ]);
  });
});

describe('ecs-ec2 with js-executor in privileged mode, an existing VPC and backend security group', () => {
  let built: AwsApp;
  let t: Template;
  beforeAll(() => {
    built = build([{ target: 'ecs-ec2', services: { 'js-executor': { mode: 'privileged' } } }], {
      vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] },
      backendSecurityGroupId: 'sg-0123456789abcdef0',
      logRetentionDays: 90,
    }, { nag: false });
    t = template(built, 'ecs-ec2');
  });

  test('the privileged container runs on its own capacity, as root, without no-new-privileges', () => {
    expect(built.plans[0].services[1].mode).toBe('privileged');
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Image: 'tryretool/js-executor-service:latest',
        Privileged: true,
        User: '0:0',
        DockerSecurityOptions: Match.absent(),
        LinuxParameters: Match.objectLike({ Capabilities: {}, InitProcessEnabled: true }),
      })],
    });
    t.hasResourceProperties('AWS::ECS::Service', {
      PlacementConstraints: [{ Type: 'memberOf', Expression: 'attribute:sandbox-kit.capacity == ec2-privileged' }],
    });
  });

  test('only the privileged capacity lets the agent start privileged containers', () => {
    const uds = Object.values(launchTemplateUserData(t));
    const privileged = uds.filter((u) => u.includes('"sandbox-kit.capacity":"ec2-privileged"'));
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).not.toContain('ECS_DISABLE_PRIVILEGED');
    expect(privileged[0]).not.toContain('seccomp-profile');
    for (const u of uds.filter((x) => !privileged.includes(x))) expect(u).toContain('ECS_DISABLE_PRIVILEGED=true');
  });

  test('the existing VPC and backend security group are used, not created', () => {
    t.resourceCountIs('AWS::EC2::VPC', 0);
    t.hasResourceProperties('AWS::ECS::Service', {
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ Subnets: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] }) },
    });
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 3000, ToPort: 3000, SourceSecurityGroupId: 'sg-0123456789abcdef0' });
    expect(Object.keys(t.findOutputs('BackendSecurityGroupId'))).toEqual([]);
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 90 });
  });
});

describe('buildImages: DockerImageAsset, synthesized without Docker', () => {
  test('containers use the asset image and the cloud assembly carries the build', () => {
    const built = build([{ target: 'ecs-ec2', services: { 'agent-sandbox': { enabled: false }, 'js-executor': { enabled: false } } }], { buildImages: true }, { nag: false });
    const t = template(built, 'ecs-ec2');
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({ Image: { 'Fn::Sub': Match.stringLikeRegexp('dkr\\.ecr\\..*cdk-hnb659fds-container-assets') } })],
    });
    built.app.synth();
    const manifest = JSON.parse(fs.readFileSync(path.join(built.app.outdir, 'SandboxKit-ecs-ec2.assets.json'), 'utf8')) as { dockerImages: Record<string, { source: { directory: string; platform?: string } }> };
    const images = Object.values(manifest.dockerImages);
    expect(images).toHaveLength(1);
    expect(images[0].source.platform).toBe('linux/amd64');
    // The build context (from src/images) is staged into the assembly: cdk deploy builds it.
    expect(fs.existsSync(path.join(built.app.outdir, images[0].source.directory, 'Dockerfile'))).toBe(true);
  });
});

describe('ecs-fargate with only code-executor in rlimits-seccomp mode, on an existing cluster', () => {
  let t: Template;
  beforeAll(() => {
    const built = build([{ target: 'ecs-fargate', services: { 'code-executor': { mode: 'rlimits-seccomp' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } }], {
      vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa'] },
      ecs: { clusterName: 'existing-cluster' },
    }, { nag: false });
    t = template(built, 'ecs-fargate');
  });

  test('no EC2 capacity and no new cluster: the service joins the named one', () => {
    t.resourceCountIs('AWS::ECS::Cluster', 0);
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 0);
    t.hasResourceProperties('AWS::ECS::Service', { Cluster: 'existing-cluster', LaunchType: 'FARGATE' });
  });

  test('the partial sandbox is stated, with what it needs, and code-executor is not switched to its unprivileged mode', () => {
    expect(t.toJSON().Description).toContain('CODE-EXECUTOR RUNS WITH A PARTIAL SANDBOX');
    t.hasOutput('CodeExecutorRemainingRisks', { Value: Match.stringLikeRegexp('^code-executor runs in mode rlimits-seccomp\\.') });
    t.hasOutput('CodeExecutorPrerequisites', { Value: Match.stringLikeRegexp('runtime image') });
    const [task] = Object.values(t.findResources('AWS::ECS::TaskDefinition')) as { Properties: { ContainerDefinitions: { Environment?: { Name: string }[] }[] } }[];
    expect(task.Properties.ContainerDefinitions).toHaveLength(1);
    expect((task.Properties.ContainerDefinitions[0].Environment ?? []).map((e) => e.Name)).not.toContain('CONTAINER_UNPRIVILEGED_MODE');
  });
});
