import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsApp } from '../../src/aws/app';
import { build, kitConfigs, launchTemplateUserData, template } from './support';

// The example the kit ships for ECS on Fargate: code-executor unsandboxed (acknowledged) on
// Fargate, js-executor on EC2 capacity in the same cluster (a mixed cluster), privileged as Retool
// runs it on ECS on EC2 (its jail mounts a fresh procfs, which ECS's masked /proc refuses).
let built: AwsApp;
let t: Template;
beforeAll(() => {
  built = build(kitConfigs('examples/ecs-fargate.config.json'), {}, { nag: false });
  t = template(built, 'ecs-fargate');
});

function taskWithImage(image: string): Record<string, unknown> {
  const found = Object.values(t.findResources('AWS::ECS::TaskDefinition'))
    .map((r) => (r as { Properties: Record<string, unknown> }).Properties)
    .find((p) => (p.ContainerDefinitions as { Image: string }[]).some((c) => c.Image === image));
  if (!found) throw new Error(`no task runs ${image}`);
  return found;
}

describe('ecs-fargate example: a mixed cluster', () => {
  test('the plan: code-executor unsandboxed on Fargate, js-executor privileged on EC2', () => {
    const byService = new Map(built.plans[0].services.map((s) => [s.service, [s.mode, s.placement]]));
    expect(byService.get('code-executor')).toEqual(['unsandboxed', 'ecs-fargate']);
    expect(byService.get('js-executor')).toEqual(['privileged', 'ecs-ec2']);
  });

  test('code-executor: a Fargate task of an offered size, no privileged flag, no docker security options, unprivileged mode env', () => {
    const task = taskWithImage('tryretool/code-executor-service:3.334.0-stable');
    expect(task.RequiresCompatibilities).toEqual(['FARGATE']);
    // Limits are 2 vCPU / 2 GiB; Fargate's smallest size holding them is 2048 units with 4096 MiB.
    expect([task.Cpu, task.Memory]).toEqual(['2048', '4096']);
    const [c] = task.ContainerDefinitions as Record<string, unknown>[];
    expect(c.Privileged).toBeUndefined();
    expect(c.DockerSecurityOptions).toBeUndefined();
    expect(c).toMatchObject({
      User: '1001:1001',
      ReadonlyRootFilesystem: true,
      Memory: 2048,
      LinuxParameters: { Capabilities: { Drop: ['ALL'] }, InitProcessEnabled: true },
      MountPoints: [{ ContainerPath: '/tmp', ReadOnly: false, SourceVolume: 'main-scratch-0' }],
    });
    expect((c.LinuxParameters as Record<string, unknown>).Tmpfs).toBeUndefined();
    expect(c.Environment).toEqual(expect.arrayContaining([{ Name: 'CONTAINER_UNPRIVILEGED_MODE', Value: 'true' }]));
    expect(task.Volumes).toEqual([{ Name: 'main-scratch-0' }]);
  });

  test('code-executor runs as a Fargate service on platform 1.4.0', () => {
    t.hasResourceProperties('AWS::ECS::Service', {
      LaunchType: 'FARGATE',
      PlatformVersion: '1.4.0',
      ServiceRegistries: Match.anyValue(),
    });
  });

  test('js-executor runs on an EC2 capacity provider of the same cluster, privileged on its own capacity', () => {
    const js = taskWithImage('tryretool/js-executor-service:3.334.0-stable');
    expect(js.RequiresCompatibilities).toEqual(['EC2']);
    expect((js.ContainerDefinitions as Record<string, unknown>[])[0]).toMatchObject({ Privileged: true });
    const clusters = new Set(Object.values(t.findResources('AWS::ECS::Service')).map((s) => JSON.stringify((s as { Properties: { Cluster: unknown } }).Properties.Cluster)));
    expect(clusters.size).toBe(1);
    const cp = Object.values(t.findResources('AWS::ECS::Service'))
      .map((s) => (s as { Properties: { CapacityProviderStrategy?: { CapacityProvider: { Ref: string } }[] } }).Properties.CapacityProviderStrategy?.[0].CapacityProvider.Ref ?? 'FARGATE');
    expect(cp.filter((c) => c === 'FARGATE')).toHaveLength(1);
    expect(cp).toContainEqual(expect.stringMatching(/ec2privilegedCapacityProvider/));
    const privileged = Object.values(launchTemplateUserData(t)).filter((u) => u.includes('"sandbox-kit.capacity":"ec2-privileged"'));
    expect(privileged).toHaveLength(1);
    expect(privileged[0]).not.toContain('ECS_DISABLE_PRIVILEGED');
  });

  test('the risks that remain are in the stack description and an output', () => {
    const description = t.toJSON().Description as string;
    expect(description).toContain('CODE-EXECUTOR RUNS WITH NO SANDBOX');
    expect(description).toContain('data, account, execution, system, external-misuse');
    expect(description.length).toBeLessThanOrEqual(512);
    const risks = built.plans[0].services[0].risks;
    expect(risks.length).toBeGreaterThan(0);
    const output = t.findOutputs('CodeExecutorRemainingRisks').CodeExecutorRemainingRisks.Value as string;
    for (const r of risks) expect(output).toContain(r.sentence);
    t.hasOutput('FargateNoNewPrivileges', { Value: Match.stringLikeRegexp('no-new-privileges is not set') });
  });

  test('outputs: endpoints for the backend', () => {
    t.hasOutput('CodeExecutorIngressDomain', { Value: 'http://code-executor.sandbox-kit.local:3004' });
    t.hasOutput('JsExecutorIngressDomain', { Value: 'http://js-executor.sandbox-kit.local:3000' });
  });
});
