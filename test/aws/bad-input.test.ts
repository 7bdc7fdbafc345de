import * as fs from 'fs';
import * as path from 'path';
import { App } from 'aws-cdk-lib';
import { runAwsApp } from '../../src/aws/app';
import { EcsSandboxStack } from '../../src/aws/ecs-stack';
import { SandboxConfigError } from '../../src/policy/errors';
import { DeploymentPlan } from '../../src/policy/plan';
import { plan } from '../../src/policy/planner';
import { cdkContext, tmpOutdir } from './support';

/** Run the app as `cdk synth` does, on a kit file written for the test; returns exit code, stderr and the outdir. */
function synth(kitFile: unknown): { code: number; stderr: string; outdir: string } {
  const outdir = tmpOutdir();
  const file = path.join(path.dirname(outdir), 'kit.json');
  fs.writeFileSync(file, JSON.stringify(kitFile));
  let stderr = '';
  const code = runAwsApp({ load: { file, env: {} }, appProps: { context: cdkContext(), outdir }, stderr: (s) => { stderr += s; } });
  return { code, stderr, outdir };
}

function expectNothingWritten(outdir: string): void {
  expect(fs.existsSync(outdir)).toBe(false);
}

/** A test that creates its own App: the App makes its outdir at once, but no template may follow. */
function expectNoTemplate(outdir: string): void {
  expect(fs.existsSync(outdir) ? fs.readdirSync(outdir) : []).toEqual([]);
}

describe('bad input fails at synth with a clear error and writes nothing', () => {
  test('Fargate with js-executor and no EC2 capacity: the planner refuses and names capacity "ec2"', () => {
    const r = synth({ aws: { targets: ['ecs-fargate'], defaults: { retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'agent-sandbox': { enabled: false } } } } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('services.js-executor.mode');
    expect(r.stderr).toContain('services.js-executor.capacity: "ec2"');
    expectNothingWritten(r.outdir);
  });

  test('a Fargate task size Fargate does not offer names the field, the offered values and a size that works', () => {
    const r = synth({
      aws: {
        targets: ['ecs-fargate'],
        defaults: { retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
        renderer: { ecs: { fargateTaskSizes: { 'code-executor': { cpu: 2048, memoryMiB: 2048 } } } },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aws.renderer.ecs.fargateTaskSizes.code-executor: Fargate does not offer 2048 MiB with 2048 CPU units; with 2048 it offers 4096 to 16384 MiB in steps of 1024');
    expect(r.stderr).toContain('{ "cpu": 2048, "memoryMiB": 4096 }');
    expectNothingWritten(r.outdir);
  });

  test('a Fargate CPU size that does not exist', () => {
    const r = synth({
      aws: {
        targets: ['ecs-fargate'],
        defaults: { retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
        renderer: { ecs: { fargateTaskSizes: { 'code-executor': { cpu: 3072, memoryMiB: 8192 } } } },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('Fargate offers no task CPU of 3072 units; it offers 256, 512, 1024, 2048, 4096, 8192, 16384');
    expectNothingWritten(r.outdir);
  });

  test('resources no Fargate size can hold', () => {
    const r = synth({
      aws: {
        targets: ['ecs-fargate'],
        defaults: {
          retoolVersion: '3.334.0-stable',
          acknowledgeUnsandboxedCode: true,
          services: { 'code-executor': { mode: 'unsandboxed', resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '32', memory: '64Gi' } } }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } },
        },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('services.code-executor.resources.limits: no Fargate task size holds 32768 CPU units and 65536 MiB');
    expectNothingWritten(r.outdir);
  });

  test('a task size too small for the limits', () => {
    const r = synth({
      aws: {
        targets: ['ecs-fargate'],
        defaults: { retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } },
        renderer: { ecs: { fargateTaskSizes: { 'code-executor': { cpu: 1024, memoryMiB: 2048 } } } },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1024 CPU units / 2048 MiB cannot hold the containers\' limits (2048 units, 2048 MiB)');
    expectNothingWritten(r.outdir);
  });

  test('unknown and malformed renderer options are each named', () => {
    const r = synth({ aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, renderer: { logRetentionDays: 42, ecs: { instanceType: 'huge', colour: 'blue' } } } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aws.renderer.logRetentionDays: 42 is not a value this field takes');
    expect(r.stderr).toContain('would work: one of 1, 3, 5, 7, 14, 30,');
    expect(r.stderr).toContain('aws.renderer.ecs.instanceType: "huge" is not an EC2 instance type');
    expect(r.stderr).toContain('aws.renderer.ecs.colour: unknown field');
    expectNothingWritten(r.outdir);
  });

  test('egress allowlist entries that are not a CIDR or a port: every one named at once, nothing written', () => {
    const r = synth({
      aws: {
        targets: ['ecs-ec2'],
        defaults: { retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } },
        renderer: { ecs: { egressAllowlist: [
          { cidr: '10.20.0.0/24', port: 5432 },
          { cidr: 'db.internal', port: 5432 },
          { cidr: '10.20.0.1/24', port: 5432 },
          { cidr: '10.30.0.0/16', port: 70000 },
          { cidr: '0.0.0.0/0', port: 443 },
          { cidr: '10.40.0.0/16', port: 8000, toPort: 7000 },
          { cidr: '10.50.0.0/16', port: '443' },
        ] } },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aws.renderer.ecs.egressAllowlist[1].cidr: "db.internal" is not an IPv4 or IPv6 CIDR');
    expect(r.stderr).toContain('aws.renderer.ecs.egressAllowlist[2].cidr: "10.20.0.1/24" is not an IPv4 or IPv6 CIDR (address/prefix, host bits zero)');
    expect(r.stderr).toContain('aws.renderer.ecs.egressAllowlist[3].port: 70000 is out of range: it must be <= 65535');
    expect(r.stderr).toContain('aws.renderer.ecs.egressAllowlist[4].cidr: 0.0.0.0/0 is every address');
    expect(r.stderr).toContain('aws.renderer.ecs.egressAllowlist[5].toPort: 7000 is below port 8000');
    expect(r.stderr).toContain('aws.renderer.ecs.egressAllowlist[6].port: must be an integer, not string "443"');
    expect(r.stderr).not.toContain('egressAllowlist[0]');
    expect(r.stderr).toMatch(/would work: "10\.20\.0\.0\/24"/);
    expectNothingWritten(r.outdir);
  });

  test('an existing ECS cluster for a plan that needs EC2 capacity', () => {
    const r = synth({
      aws: {
        targets: ['ecs-ec2'],
        defaults: { retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } },
        renderer: { vpc: { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['eu-west-1a'], privateSubnetIds: ['subnet-0123456789abcdef0'] }, ecs: { clusterName: 'existing' } },
      },
    });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aws.renderer.ecs.clusterName: this plan needs EC2 capacity providers');
    // Retool's executors run privileged on ECS on EC2 (their jail mounts a fresh procfs; /proc stays masked).
    expect(r.stderr).toContain('(ec2-privileged)');
    expectNothingWritten(r.outdir);
  });

  test('an instance type of an architecture the plan does not cover', () => {
    const r = synth({ aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable', architectures: ['amd64'], services: { 'agent-sandbox': { enabled: false } } }, renderer: { ecs: { instanceType: 'm7g.xlarge' } } } });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('aws.renderer.ecs.instanceType: m7g.xlarge is arm64');
    expectNothingWritten(r.outdir);
  });
});

describe('defence in depth: settings ECS on Fargate cannot run are refused even if a plan carried them', () => {
  const fargatePlan = plan({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } });
  function forged(change: (s: DeploymentPlan['services'][number]) => DeploymentPlan['services'][number]): DeploymentPlan {
    return { ...fargatePlan, services: fargatePlan.services.map(change) };
  }
  function render(p: DeploymentPlan): { error: unknown; outdir: string } {
    const outdir = tmpOutdir();
    const app = new App({ context: cdkContext(), outdir });
    try {
      new EcsSandboxStack(app, 'Forged', { plan: p });
      app.synth();
      return { error: undefined, outdir };
    } catch (e) {
      return { error: e, outdir };
    }
  }

  test('privileged on Fargate', () => {
    const r = render(forged((s) => ({ ...s, sandbox: { ...s.sandbox, privileged: true } })));
    expect(r.error).toBeInstanceOf(SandboxConfigError);
    expect((r.error as Error).message).toContain('services.code-executor.mode: privileged containers are not supported on Fargate');
    expect((r.error as Error).message).toContain('services.code-executor.capacity: "ec2"');
    expectNoTemplate(r.outdir);
  });

  test('a capability Fargate cannot add', () => {
    const r = render(forged((s) => ({ ...s, sandbox: { ...s.sandbox, capabilitiesAdd: ['SYS_ADMIN'] } })));
    expect((r.error as Error).message).toContain('Fargate can add only SYS_PTRACE, not SYS_ADMIN');
    expectNoTemplate(r.outdir);
  });

  test('a daemon-wide seccomp profile on Fargate', () => {
    const r = render(forged((s) => ({ ...s, sandbox: { ...s.sandbox, seccomp: { type: 'DockerDaemonDefault', profile: 'nsjail', path: '/etc/docker/seccomp/sandbox-kit-nsjail.json' } } })));
    expect((r.error as Error).message).toContain('Fargate applies its own seccomp profile; the plan asks for DockerDaemonDefault');
    expectNoTemplate(r.outdir);
  });

  test('the untouched plan renders (the refusals above are about the forged settings)', () => {
    const r = render(fargatePlan);
    expect(r.error).toBeUndefined();
  });
});
