import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsApp } from '../../src/aws/app';
import { ECS_AGENT_DROP_IN, ECS_AGENT_PRECHECK, ecsAgentPrecheckScript } from '../../src/aws/ecs-user-data';
import { extractProfile } from '../../src/aws/profiles';
import { addressRange, rangesOverlap } from '../../src/policy/address-math';
import { internetIpv4Cidrs, NON_INTERNET_IPV4 } from '../../src/policy/egress';
import { dockerProfilePath } from '../../src/seccomp/locations';
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
  built = build([{ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'code-executor': kitImage('code-executor'), 'js-executor': kitImage('js-executor'), 'agent-sandbox': { enabled: false } } }], {}, { nag: false });
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

  test('every instance blocks IMDS for tasks, refuses privileged containers and bounds the processes of each task', () => {
    expect(userData).toHaveLength(1);
    for (const ud of userData) {
      expect(ud).toContain('ECS_AWSVPC_BLOCK_IMDS=true');
      expect(ud).toContain('ECS_DISABLE_PRIVILEGED=true');
      // pids.max of each task cgroup, from the plans' pidsLimit (not RLIMIT_NPROC, which counts per uid across the host).
      expect(ud).toContain('ECS_TASK_PIDS_LIMIT=4096');
      expect(ud).not.toMatch(/"nproc"|Ulimits/i);
      expect(ud).toContain('set -euo pipefail');
      expect(ud).toMatch(/ECS_CLUSTER=/);
      // EC2 rejects user data over 16 KiB (before its base64 encoding).
      expect(Buffer.byteLength(ud)).toBeLessThan(16 * 1024);
    }
  });

  test.each(['nsjail'] as const)('%s capacity: a boothook writes the profile and daemon.json before docker starts; the agent starts only after its precheck', (profile) => {
    const path = dockerProfilePath(profile);
    const ud = userData.find((u) => u.includes(`"sandbox-kit.capacity":"ec2-seccomp-${profile}"`))!;
    expect(ud).toBeDefined();
    const parts = ud.split(/^--\+AWS\+CDK\+User\+Data\+Separator==(?:--)?$/m).slice(1, -1);
    expect(parts.map((p) => /Content-Type: ([^;\n]+)/.exec(p)?.[1])).toEqual(['text/cloud-boothook', 'text/x-shellscript']);
    const [hook, shell] = parts;
    const write = hook.indexOf(`gunzip > ${path}.tmp`);
    const daemon = hook.indexOf('"seccomp-profile"');
    expect(hook).toContain('test "$(sysctl -n user.max_user_namespaces)" -gt 0');
    expect(write).toBeGreaterThan(0);
    expect(daemon).toBeGreaterThan(write);
    expect(hook.slice(daemon).split('\n')[0]).toContain(path);
    // The agent's unit runs the precheck before every start.
    expect(hook).toContain(`cat > ${ECS_AGENT_DROP_IN} <<'SANDBOX_KIT_DROPIN_EOF'\n[Service]\nExecStartPre=${ECS_AGENT_PRECHECK}\n`);
    expect(hook).toContain(ecsAgentPrecheckScript({ id: `ec2-seccomp-${profile}`, dockerProfile: profile, dockerProfilePath: path, privileged: false, taskPidsLimit: 4096 }));
    expect(shell).toMatch(/ECS_CLUSTER=/);
  });

  test('nothing in cloud-init waits for docker or the agent: no docker command, no synchronous start or restart of a unit', () => {
    for (const ud of userData) {
      // The precheck is written by the hook but runs later, as ecs.service's ExecStartPre.
      const cloudInit = ud.replace(/<<'SANDBOX_KIT_PRECHECK_EOF'\n[\s\S]*?\nSANDBOX_KIT_PRECHECK_EOF\n/, '');
      const systemctl = cloudInit.split('\n').filter((l) => /\bsystemctl\b/.test(l)).map((l) => /systemctl ([\w-]+(?: [\w.-]+)?)/.exec(l)?.[1]);
      expect(systemctl.sort()).toEqual(['daemon-reload', 'mask ecs.service']);
      expect(cloudInit).not.toMatch(/^\s*(sudo\s+)?docker\s/m);
      expect(cloudInit).not.toMatch(/(^|[;&|]\s*)docker /m);
    }
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
      .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
      // The kit's VPC endpoints admit the tasks' egress group and the container instances on 443 (below).
      .filter((i) => !/NetworkVpc(EcrApi|EcrDocker|Logs)SecurityGroup/.test(JSON.stringify(i.GroupId)));
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

  test('user code egress: the IPv4 internet and nothing private, link-local or IPv6; the VPC endpoints on 443', () => {
    const groups = t.findResources('AWS::EC2::SecurityGroup') as Record<string, { Properties: { SecurityGroupEgress?: { CidrIp?: string; CidrIpv6?: string; IpProtocol: string; FromPort?: number }[]; GroupDescription: string } }>;
    const internet = Object.entries(groups).find(([id]) => /SandboxesEgressInternet/.test(id))![1].Properties.SecurityGroupEgress!;
    expect(internet.map((r) => r.CidrIp).sort()).toEqual(internetIpv4Cidrs().sort());
    expect(internet.every((r) => r.IpProtocol === '-1' && r.CidrIpv6 === undefined)).toBe(true);
    // No allowed range touches a private, shared, link-local (metadata) or loopback address, and together they miss nothing else.
    const blocked = NON_INTERNET_IPV4.map((c) => addressRange(c)!);
    for (const r of internet) expect([r.CidrIp, blocked.some((b) => rangesOverlap(b, addressRange(r.CidrIp!)!))]).toEqual([r.CidrIp, false]);
    const size = (c: string) => 2 ** (32 - addressRange(c)!.prefix);
    expect(internet.reduce((n, r) => n + size(r.CidrIp!), 0) + NON_INTERNET_IPV4.reduce((n, c) => n + size(c), 0)).toBe(2 ** 32);
    for (const probe of ['10.0.0.1/32', '172.31.0.2/32', '192.168.1.1/32', '169.254.169.254/32', '169.254.170.2/32', '100.64.0.1/32', '127.0.0.1/32']) {
      expect([probe, internet.some((r) => rangesOverlap(addressRange(r.CidrIp!)!, addressRange(probe)!))]).toEqual([probe, false]);
    }
    // Every task carries its own group (no egress of its own), the internet group and the destinations group.
    const services = Object.values(t.findResources('AWS::ECS::Service')) as { Properties: { NetworkConfiguration: { AwsvpcConfiguration: { SecurityGroups: { 'Fn::GetAtt': [string, string] }[] } } } }[];
    expect(services).toHaveLength(2);
    for (const svc of services) {
      const ids = svc.Properties.NetworkConfiguration.AwsvpcConfiguration.SecurityGroups.map((g) => g['Fn::GetAtt'][0]);
      expect(ids).toHaveLength(3);
      expect(ids.filter((id) => /SandboxesEgress(Internet|Destinations)/.test(id))).toHaveLength(2);
      const own = groups[ids.find((id) => !/SandboxesEgress/.test(id))!].Properties.SecurityGroupEgress ?? [];
      // aws-cdk-lib's placeholder for "no egress" (255.255.255.255/32, ICMP 252) is the only rule.
      expect(own.map((r) => r.CidrIp)).toEqual(['255.255.255.255/32']);
    }
    const destinations = t.findResources('AWS::EC2::SecurityGroupEgress') as Record<string, { Properties: { GroupId: unknown; FromPort: number; DestinationSecurityGroupId: unknown } }>;
    const toEndpoints = Object.values(destinations).filter((r) => /SandboxesEgressDestinations/.test(JSON.stringify(r.Properties.GroupId)));
    expect(toEndpoints.map((r) => [r.Properties.FromPort, /NetworkVpc(EcrApi|EcrDocker|Logs)/.exec(JSON.stringify(r.Properties.DestinationSecurityGroupId))?.[1]]).sort())
      .toEqual([[443, 'EcrApi'], [443, 'EcrDocker'], [443, 'Logs']]);
    t.resourceCountIs('AWS::EC2::VPCEndpoint', 4);
    t.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Gateway', ServiceName: Match.objectLike({ 'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp('\\.s3$')])]) }) });
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
