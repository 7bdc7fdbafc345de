import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { loadAppInput } from '../../src/config/load';
import { AwsApp, buildAwsApp, BuildAwsAppOptions } from '../../src/aws/app';
import { cfnText } from '../../src/aws/cfn-text';
import { SandboxKitConfig } from '../../src/policy/config';
import { ConfigProblem, SandboxConfigError } from '../../src/policy/errors';

export const ROOT = path.resolve(__dirname, '../..');

/** cdk.json's context: jest does not read it, and without it the stacks differ from `cdk synth`'s. */
export function cdkContext(): Record<string, unknown> {
  return JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context;
}

const created: string[] = [];
// Assemblies of the EKS stack carry a 36 MB kubectl layer: remove them after each test file.
afterAll(() => {
  for (const dir of created.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

export function tmpOutdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-aws-test-'));
  created.push(dir);
  return path.join(dir, 'cdk.out');
}

/** Configs of a kit file (repository-relative), as `cdk synth` would read them. */
export function kitConfigs(file: string, targets?: string[]): readonly SandboxKitConfig[] {
  return loadAppInput('aws', { file: path.join(ROOT, file), targets, env: {} }).configs;
}

/** Example Secret names of the agent sandbox (what sandbox-kit.config.json names). */
export const EXAMPLE_AGENT_SANDBOX = { secretName: 'retool-agent-sandbox', postgres: { urlSecret: { name: 'retool-agent-sandbox', key: 'postgres-url' } } } as const;

/** Build an app with cdk.json's context and a throwaway outdir. */
export function build(configs: readonly SandboxKitConfig[], renderer: Record<string, unknown> = {}, options: BuildAwsAppOptions = {}): AwsApp {
  // The agent sandbox on eks needs its Secret named: the example names of sandbox-kit.config.json unless the test names its own.
  const eks = (renderer.eks ?? {}) as { chart?: Record<string, unknown> };
  renderer = { ...renderer, eks: { ...eks, chart: { agentSandbox: EXAMPLE_AGENT_SANDBOX, ...(eks.chart ?? {}) } } };
  return buildAwsApp({ configs, renderer }, { ...options, appProps: { context: cdkContext(), outdir: tmpOutdir(), ...options.appProps } });
}

/** Template of one stack of a built app. */
export function template(built: AwsApp, target: string): Template {
  const stack = built.stacks.find((s) => s.stackName.endsWith(`-${target}`));
  if (!stack) throw new Error(`no stack for ${target}`);
  return Template.fromStack(stack);
}

/** Render CloudFormation Fn::Join / Fn::Base64 user data as text, with tokens as ${...}. */
export const joinText = cfnText;

/** Launch template user data of every launch template in a template, by logical id. */
export function launchTemplateUserData(t: Template): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [id, r] of Object.entries(t.findResources('AWS::EC2::LaunchTemplate'))) {
    out[id] = joinText((r as { Properties: { LaunchTemplateData: { UserData: unknown } } }).Properties.LaunchTemplateData.UserData);
  }
  return out;
}

export function profileFile(name: string): Buffer {
  return fs.readFileSync(path.join(ROOT, 'profiles', name));
}

/** The problems of the one SandboxConfigError that `f` throws (fails the test if it throws anything else, or nothing). */
export function problemsOf(f: () => unknown): ConfigProblem[] {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(SandboxConfigError);
    return [...(e as SandboxConfigError).problems];
  }
  throw new Error('no error');
}
