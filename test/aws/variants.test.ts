import * as fs from 'fs';
import * as path from 'path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsApp } from '../../src/aws/app';
import { ecsLayout } from '../../src/aws/ecs-layout';
import { fargatePairProblem, smallestFargateSize } from '../../src/aws/fargate-sizes';
import { resolveAwsOptions } from '../../src/aws/options';
import { plan } from '../../src/policy/planner';
import { App } from 'aws-cdk-lib';
import { EcsSandboxStack } from '../../src/aws/ecs-stack';
import { extractProfile } from '../../src/aws/profiles';
import { DeploymentPlan, SandboxPlan } from '../../src/policy/plan';
import { dockerProfilePath } from '../../src/seccomp/locations';
import { AGENT_SANDBOX } from '../../src/policy/services';
import { build, cdkContext, launchTemplateUserData, profileFile, template, tmpOutdir } from './support';

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

/**
 * A plan with two daemon-wide profiles and a service with supporting containers, built by hand
 * from the planner's js-executor plan: the agent sandbox's shape (controller, proxy and sandbox
 * components, gVisor profile). The planner does not place the agent sandbox on ECS (its gVisor
 * needs an unmasked /proc), but the layout must stay right for any plan of this shape.
 */
function twoProfilePlan(): DeploymentPlan {
  // The executors in seccomp mode through dockerd's profile: the kit's NsJail image (Retool's gets privileged on ECS).
  const kit = (service: string) => ({ imageKind: 'kit' as const, image: `registry.example.com/${service}-on-sandbox-kit-nsjail:1.0.0` });
  const base = plan({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'code-executor': kit('code-executor'), 'js-executor': kit('js-executor'), 'agent-sandbox': { enabled: false } } });
  const js = base.services.find((s) => s.service === 'js-executor')!;
  const agent: SandboxPlan = {
    ...js,
    service: 'agent-sandbox',
    engine: 'gvisor',
    image: 'tryretool/agent-sandbox-service:3.334.0-stable',
    components: AGENT_SANDBOX.components,
    sandbox: { ...js.sandbox, seccomp: { type: 'DockerDaemonDefault', profile: 'gvisor', path: dockerProfilePath('gvisor') } },
  };
  return { ...base, services: [...base.services, agent] };
}

describe('ECS layout follows the plan', () => {
  test('one capacity per daemon-wide profile, plus a standard one for supporting containers', () => {
    const layout = ecsLayout(twoProfilePlan(), resolveAwsOptions({}));
    expect(layout.ec2Capacities).toEqual([
      { id: 'ec2-seccomp-nsjail', dockerProfile: 'nsjail', dockerProfilePath: '/etc/docker/seccomp/sandbox-kit-nsjail.json', privileged: false, taskPidsLimit: 4096 },
      { id: 'ec2-seccomp-gvisor', dockerProfile: 'gvisor', dockerProfilePath: '/etc/docker/seccomp/sandbox-kit-gvisor.json', privileged: false, taskPidsLimit: 4096 },
      { id: 'ec2-standard', dockerProfile: undefined, dockerProfilePath: undefined, privileged: false, taskPidsLimit: 4096 },
    ]);
    expect(layout.tasks.map((t) => [t.name, t.capacity, t.containers.map((c) => c.component.name)])).toEqual([
      ['code-executor', 'ec2-seccomp-nsjail', ['main']],
      ['js-executor', 'ec2-seccomp-nsjail', ['main']],
      ['agent-sandbox', 'ec2-standard', ['controller', 'proxy']],
      ['agent-sandbox-sandbox', 'ec2-seccomp-gvisor', ['sandbox']],
    ]);
  });
});

describe('ecs-ec2 stack of a plan with two profiles and supporting containers', () => {
  let t: Template;
  let userData: string[];
  beforeAll(() => {
    const app = new App({ context: cdkContext(), outdir: tmpOutdir() });
    t = Template.fromStack(new EcsSandboxStack(app, 'TwoProfiles', { plan: twoProfilePlan() }));
    userData = Object.values(launchTemplateUserData(t));
  });

  test('three capacities, each task pinned to its own', () => {
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 3);
    const pins = Object.values(t.findResources('AWS::ECS::Service'))
      .map((r) => (r as { Properties: { PlacementConstraints: { Expression: string }[] } }).Properties.PlacementConstraints[0].Expression).sort();
    expect(pins).toEqual([
      'attribute:sandbox-kit.capacity == ec2-seccomp-gvisor',
      'attribute:sandbox-kit.capacity == ec2-seccomp-nsjail',
      'attribute:sandbox-kit.capacity == ec2-seccomp-nsjail',
      'attribute:sandbox-kit.capacity == ec2-standard',
    ]);
  });

  test('the gvisor capacity writes its profile, byte-identical to profiles/gvisor.docker.json; the standard one writes none', () => {
    const gvisor = userData.find((u) => u.includes('"sandbox-kit.capacity":"ec2-seccomp-gvisor"'))!;
    expect(extractProfile(gvisor, dockerProfilePath('gvisor'))!.equals(profileFile('gvisor.docker.json'))).toBe(true);
    expect(gvisor).not.toContain('sandbox-kit-nsjail.json');
    const standard = userData.find((u) => u.includes('"sandbox-kit.capacity":"ec2-standard"'))!;
    expect(standard).not.toContain('seccomp-profile');
    expect(standard).toContain('ECS_DISABLE_PRIVILEGED=true');
  });

  test('the sandbox port admits only its own service\'s other task; the controller and proxy admit the backend', () => {
    t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 3017, ToPort: 3017,
      GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('agentsandboxsandboxSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SandboxesagentsandboxSecurityGroup'), 'GroupId'] },
    });
    for (const port of [3018, 3019]) {
      t.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: port, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('NetworkBackend'), 'GroupId'] } });
    }
    t.hasOutput('AgentSandboxControllerIngressDomain', { Value: 'http://agent-sandbox.sandbox-kit.local:3018' });
    t.hasOutput('AgentSandboxProxyIngressDomain', { Value: 'http://agent-sandbox.sandbox-kit.local:3019' });
    t.hasOutput('AgentSandboxSandboxEndpoint', { Value: 'http://agent-sandbox-sandbox.sandbox-kit.local:3017' });
  });

  test('supporting containers keep their own settings (no daemon profile, no user-code environment)', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [
        Match.objectLike({ Name: 'controller', Image: 'tryretool/agent-sandbox-service:3.334.0-stable', User: '1000:1000', Cpu: 256, Memory: 512, DockerSecurityOptions: ['no-new-privileges'] }),
        Match.objectLike({ Name: 'proxy', PortMappings: [{ ContainerPort: 3019, Protocol: 'tcp' }] }),
      ],
    });
  });
});

describe('ecs-ec2 with js-executor in privileged mode, an existing VPC and backend security group', () => {
  let built: AwsApp;
  let t: Template;
  beforeAll(() => {
    built = build([{ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'js-executor': { mode: 'privileged' }, 'agent-sandbox': { enabled: false } } }], {
      vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a', 'eu-west-1b'], privateSubnetIds: ['subnet-0aaaaaaaaaaaaaaaa', 'subnet-0bbbbbbbbbbbbbbbb'] },
      backendSecurityGroupId: 'sg-0123456789abcdef0',
      logRetentionDays: 90,
    }, { nag: false });
    t = template(built, 'ecs-ec2');
  });

  test('the privileged container runs on its own capacity, as the image\'s user (root, as Retool\'s templates), without no-new-privileges, stopped after at most 120 s', () => {
    expect(built.plans[0].services[1].mode).toBe('privileged');
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      ContainerDefinitions: [Match.objectLike({
        Image: 'tryretool/js-executor-service:3.334.0-stable',
        Privileged: true,
        User: Match.absent(),
        StopTimeout: 120,
        Environment: [{ Name: 'NODE_ENV', Value: 'production' }],
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
    const built = build([{ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false }, 'js-executor': { enabled: false } } }], { buildImages: true }, { nag: false });
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
    const built = build([{ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'rlimits-seccomp', imageKind: 'kit', image: 'registry.example.com/code-executor-on-sandbox-kit-nsjail:1.0.0' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } }], {
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

describe('egress allowlist', () => {
  test('each entry opens exactly its destination and ports, IPv4 or IPv6, in the destinations group', () => {
    const built = build([{ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } }], {
      ecs: { egressAllowlist: [
        { cidr: '10.20.0.0/24', port: 5432, description: 'analytics database' },
        { cidr: '2001:db8:100::/64', port: 8000, toPort: 8010, protocol: 'udp' },
      ] },
    }, { nag: false });
    const t = template(built, 'ecs-ec2');
    const dest = Object.entries(t.findResources('AWS::EC2::SecurityGroup')).find(([id]) => /SandboxesEgressDestinations/.test(id))![1] as { Properties: { SecurityGroupEgress: Record<string, unknown>[] } };
    expect(dest.Properties.SecurityGroupEgress).toEqual(expect.arrayContaining([
      expect.objectContaining({ CidrIp: '10.20.0.0/24', IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, Description: 'allowlist: analytics database' }),
      expect.objectContaining({ CidrIpv6: '2001:db8:100::/64', IpProtocol: 'udp', FromPort: 8000, ToPort: 8010 }),
    ]));
    expect(dest.Properties.SecurityGroupEgress).toHaveLength(2);
  });
});
