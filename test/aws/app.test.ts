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
    expect(fs.readFileSync(path.join(ROOT, 'src/apps/aws.ts'), 'utf8')).toContain('runAwsApp()');
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
