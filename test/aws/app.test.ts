import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { runAwsApp } from '../../src/aws/app';
import { cdkContext, ROOT, tmpOutdir } from './support';

// What `npx cdk synth --quiet` runs (lib/apps/aws.js calls runAwsApp), on the repository's kit
// file, with no AWS credentials or region in the environment.
describe('the CDK app behind cdk.json', () => {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of Object.keys(process.env).filter((x) => x.startsWith('AWS_') || x.startsWith('CDK_DEFAULT_'))) {
      saved[k] = process.env[k];
      delete process.env[k];
    }
  });
  afterAll(() => Object.assign(process.env, saved));

  test('cdk.json runs the compiled app and carries the recommended feature flags', () => {
    const cdkJson = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8'));
    expect(cdkJson.app).toBe('node lib/apps/aws.js');
    expect(cdkJson.context['@aws-cdk/aws-autoscaling:generateLaunchTemplateInsteadOfLaunchConfig']).toBe(true);
  });

  test('the compiled app cdk.json names synthesizes the kit file\'s stacks, as `cdk synth` runs it', () => {
    // What the CDK CLI does: run cdk.json's app with the output directory and context in the environment.
    const outdir = tmpOutdir();
    const kit = path.join(path.dirname(outdir), 'kit.json');
    fs.writeFileSync(kit, JSON.stringify({ aws: { targets: ['ecs-ec2'], defaults: { retoolVersion: '3.334.0-stable' }, overrides: { 'ecs-ec2': { services: { 'agent-sandbox': { enabled: false } } } } } }));
    const env = { ...process.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(cdkContext()), SANDBOX_KIT_CONFIG: kit, SANDBOX_KIT_TARGETS: '' };
    const r = spawnSync(process.execPath, [path.join(ROOT, 'lib/apps/aws.js')], { cwd: ROOT, env, encoding: 'utf8' });
    expect([r.status, r.stderr]).toEqual([0, '']);
    expect(fs.readdirSync(outdir)).toContain('SandboxKit-ecs-ec2.template.json');
  });

  test('synthesizes the default targets without credentials, lookups or a region', () => {
    const outdir = tmpOutdir();
    let stderr = '';
    const code = runAwsApp({ load: { file: path.join(ROOT, 'sandbox-kit.config.json'), env: {} }, appProps: { context: cdkContext(), outdir }, stderr: (s) => { stderr += s; } });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const manifest = JSON.parse(fs.readFileSync(path.join(outdir, 'manifest.json'), 'utf8')) as {
      missing?: unknown[]; artifacts: Record<string, { type: string; environment?: string }>;
    };
    // A lookup would show up as missing context (and need credentials to fill it).
    expect(manifest.missing).toBeUndefined();
    const stacks = Object.entries(manifest.artifacts).filter(([, a]) => a.type === 'aws:cloudformation:stack');
    expect(stacks.map(([id]) => id).sort()).toEqual(['SandboxKit-ecs-ec2', 'SandboxKit-eks']);
    for (const [, a] of stacks) expect(a.environment).toBe('aws://unknown-account/unknown-region');
  });
});
