import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsApp } from '../../src/aws/app';
import { extractProfile } from '../../src/aws/profiles';
import { dockerProfilePath } from '../../src/policy/planner';
import { build, launchTemplateUserData, profileFile, template } from './support';

// The ecs-ec2 target with the executors in seccomp mode through dockerd's daemon-wide profile:
// that needs the kit's NsJail image (imageKind "kit", a jail without procfs under ECS's masked
// /proc); with Retool's images the planner picks privileged there (variants.test.ts renders it).
// The agent sandbox's gVisor cannot run on ECS; a plan with two daemon-wide profiles and
// supporting containers is rendered in variants.test.ts.
// One synth for the whole file: aws-cdk-lib synth is slow on 2 cores.
let built: AwsApp;
let t: Template;
let userData: string[];
/** Images built FROM the kit's NsJail runtime image (npm run images). */
const kitImage = (service: string) => ({ imageKind: 'kit' as const, image: `registry.example.com/${service}-on-sandbox-kit-nsjail:1.0.0` });
beforeAll(() => {
  built = build([{ target: 'ecs-ec2', services: { 'code-executor': kitImage('code-executor'), 'js-executor': kitImage('js-executor'), 'agent-sandbox': { enabled: false } } }], {}, { nag: false });
  t = template(built, 'ecs-ec2');
  userData = Object.values(launchTemplateUserData(t));
});

function container(name: string, props: Record<string, unknown>) {
  t.hasResourceProperties('AWS::ECS::TaskDefinition', {
    ContainerDefinitions: Match.arrayWith([Match.objectLike({ Name: name, ...props })]),
  });
}

describe('ecs-ec2 stack: container definitions carry the plan', () => {
  test('every service runs in seccomp mode, as the planner decided', () => {
    expect(built.plans[0].services.map((s) => [s.service, s.mode])).toEqual([
      ['code-executor', 'seccomp'], ['js-executor', 'seccomp'],
    ]);
  });

  test('code-executor: unprivileged, non-root, read-only root with a /tmp tmpfs, caps dropped, no-new-privileges, init', () => {
    container('main', {
      Image: kitImage('code-executor').image,
      Privileged: false,
      User: '1000:1000',
      ReadonlyRootFilesystem: true,
      DockerSecurityOptions: ['no-new-privileges'],
      LinuxParameters: {
        Capabilities: { Drop: ['ALL'] },
        InitProcessEnabled: true,
        Tmpfs: [Match.objectLike({ ContainerPath: '/tmp', MountOptions: Match.arrayWith(['rw', 'nosuid', 'nodev']) })],
      },
      PortMappings: [{ ContainerPort: 3004, Protocol: 'tcp' }],
      HealthCheck: Match.objectLike({ Command: ['CMD', 'node', '-e', Match.stringLikeRegexp("http://127\\.0\\.0\\.1:3004/api/checkHealth")] }),
      LogConfiguration: Match.objectLike({ LogDriver: 'awslogs' }),
      Memory: 2048,
      MemoryReservation: 1024,
      Cpu: 1024,
    });
  });

  test('task size is the sum of the limits (hard ceiling on EC2)', () => {
    t.hasResourceProperties('AWS::ECS::TaskDefinition', {
      RequiresCompatibilities: ['EC2'], NetworkMode: 'awsvpc', Cpu: '2048', Memory: '2048',
      ContainerDefinitions: [Match.objectLike({ Image: kitImage('code-executor').image })],
    });
  });

  test('js-executor probes its own port and path', () => {
    container('main', {
      Image: kitImage('js-executor').image,
      HealthCheck: Match.objectLike({ Command: Match.arrayWith([Match.stringLikeRegexp(':3000/api/health')]) }),
      PortMappings: [{ ContainerPort: 3000, Protocol: 'tcp' }],
    });
  });

  test('no container is privileged and none adds a capability', () => {
    const defs = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
      .flatMap((r) => (r as { Properties: { ContainerDefinitions: Record<string, unknown>[] } }).Properties.ContainerDefinitions);
    expect(defs.length).toBe(2);
    for (const d of defs) {
      expect(d.Privileged).toBe(false);
      expect(d.DockerSecurityOptions).toEqual(['no-new-privileges']);
      expect((d.LinuxParameters as { Capabilities: { Add?: unknown } }).Capabilities.Add).toBeUndefined();
      expect(d.ReadonlyRootFilesystem).toBe(true);
    }
  });
});

describe('ecs-ec2 stack: capacity', () => {
  test('Auto Scaling groups use launch templates, never launch configurations', () => {
    t.resourceCountIs('AWS::AutoScaling::LaunchConfiguration', 0);
    // Both executors use the nsjail profile: one dedicated capacity.
    t.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 1);
    t.allResourcesProperties('AWS::AutoScaling::AutoScalingGroup', { LaunchTemplate: Match.objectLike({ LaunchTemplateId: Match.anyValue() }) });
    t.resourceCountIs('AWS::ECS::CapacityProvider', 1);
  });

  test('launch templates require IMDSv2 with hop limit 1 and encrypt the root volume', () => {
    t.allResourcesProperties('AWS::EC2::LaunchTemplate', {
      LaunchTemplateData: Match.objectLike({
        MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
        BlockDeviceMappings: [Match.objectLike({ Ebs: Match.objectLike({ Encrypted: true }) })],
        ImageId: Match.objectLike({ Ref: Match.stringLikeRegexp('amiamazonlinux2023') }),
      }),
    });
  });

  test('every instance blocks IMDS for tasks and refuses privileged containers', () => {
    expect(userData).toHaveLength(1);
    for (const ud of userData) {
      expect(ud).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
      expect(ud).toContain('ECS_DISABLE_PRIVILEGED=true');
      expect(ud).toContain('set -euo pipefail');
      expect(ud).toMatch(/ECS_CLUSTER=/);
      // EC2 rejects user data over 16 KiB (before its base64 encoding).
      expect(Buffer.byteLength(ud)).toBeLessThan(16 * 1024);
    }
  });

  test.each(['nsjail'])('%s capacity: the profile and daemon.json are written and docker restarted before the agent config', (profile) => {
    const path = dockerProfilePath(profile);
    const ud = userData.find((u) => u.includes(`"sandbox-kit.capacity":"ec2-seccomp-${profile}"`))!;
    expect(ud).toBeDefined();
    const write = ud.indexOf(`gunzip > ${path}.tmp`);
    const daemon = ud.indexOf('"seccomp-profile"');
    const restart = ud.indexOf('systemctl restart docker');
    const verify = ud.indexOf(`"name=seccomp,profile=${path}"`);
    const cluster = ud.indexOf('ECS_CLUSTER=');
    expect(ud).toContain('test "$(sysctl -n user.max_user_namespaces)" -gt 0');
    expect(write).toBeGreaterThan(0);
    expect(daemon).toBeGreaterThan(write);
    expect(ud.slice(daemon, restart)).toContain(path);
    expect(restart).toBeGreaterThan(daemon);
    expect(verify).toBeGreaterThan(restart);
    expect(cluster).toBeGreaterThan(verify);
  });

  test.each(['nsjail'])('%s: the profile in the user data is byte-identical to its Docker-format file in profiles/', (profile) => {
    const ud = userData.find((u) => u.includes(`"sandbox-kit.capacity":"ec2-seccomp-${profile}"`))!;
    const bytes = extractProfile(ud, dockerProfilePath(profile));
    expect(bytes).toBeDefined();
    expect(bytes!.equals(profileFile(`${profile}.docker.json`))).toBe(true);
  });
});

describe('ecs-ec2 stack: network and discovery', () => {
  test('each service port admits only the backend security group', () => {
    const ingress = Object.values(t.findResources('AWS::EC2::SecurityGroupIngress'))
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties);
    expect(ingress.map((i) => i.FromPort).sort()).toEqual([3000, 3004]);
    for (const i of ingress) {
      expect(i.CidrIp).toBeUndefined();
      expect(i.FromPort).toBe(i.ToPort);
      const source = JSON.stringify(i.SourceSecurityGroupId);
      expect(source).toMatch(/NetworkBackend/);
    }
    // No inline ingress (for example 0.0.0.0/0) on any security group.
    for (const sg of Object.values(t.findResources('AWS::EC2::SecurityGroup'))) {
      expect((sg as { Properties: { SecurityGroupIngress?: unknown } }).Properties.SecurityGroupIngress).toBeUndefined();
    }
  });

  test('services register in a Cloud Map private namespace', () => {
    t.hasResourceProperties('AWS::ServiceDiscovery::PrivateDnsNamespace', { Name: 'sandbox-kit.local' });
    t.hasResourceProperties('AWS::ServiceDiscovery::Service', { Name: 'code-executor', DnsConfig: Match.objectLike({ DnsRecords: [{ Type: 'A', TTL: 10 }] }) });
    t.resourceCountIs('AWS::ServiceDiscovery::Service', 2);
  });

  test('services run the planned replicas in private subnets on their capacity provider', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 2,
      CapacityProviderStrategy: [{ CapacityProvider: { Ref: Match.stringLikeRegexp('ec2seccompnsjailCapacityProvider') }, Weight: 1 }],
      NetworkConfiguration: { AwsvpcConfiguration: Match.objectLike({ AssignPublicIp: 'DISABLED' }) },
    });
  });

  test('outputs: an endpoint per *_INGRESS_DOMAIN variable and the backend security group', () => {
    t.hasOutput('CodeExecutorIngressDomain', { Value: 'http://code-executor.sandbox-kit.local:3004' });
    t.hasOutput('JsExecutorIngressDomain', { Value: 'http://js-executor.sandbox-kit.local:3000' });
    t.hasOutput('CodeExecutorPrerequisites', { Value: Match.stringLikeRegexp('unprivileged user namespaces') });
    expect(Object.keys(t.findOutputs('*')).filter((k) => k.endsWith('RemainingRisks'))).toEqual([]);
    t.hasOutput('BackendSecurityGroupId', { Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('NetworkBackend'), 'GroupId'] } });
  });

  test('logs go to one CloudWatch group with the default retention', () => {
    t.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 30 });
  });
});
