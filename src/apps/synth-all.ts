import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadKit } from '../config/load';
import { formatSynthResult, writeKubernetesTargets } from './k8s';
import { checkKit, kitError } from './kit-check';

/** Where each app's output goes (cdk8s.yaml `output`, cdk's default `cdk.out`). */
export const OUTPUT_DIRS = { kubernetes: 'dist', aws: 'cdk.out' } as const;

/** Options of {@link synthAll}. */
export interface SynthAllOptions {
  /**
   * Directory that holds `dist/` and `cdk.out/`, and the kit file by default.
   * @default process.cwd()
   */
  readonly root?: string;
  /**
   * Environment (SANDBOX_KIT_CONFIG, SANDBOX_KIT_TARGETS), also passed to `cdk synth`.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * Where progress and errors go.
   * @default process.stderr
   */
  readonly log?: (text: string) => void;
  /**
   * The command that synthesizes the AWS app into the directory given after it as `--output DIR`.
   * @default - the aws-cdk CLI of the project: `node node_modules/aws-cdk/bin/cdk synth --quiet --no-notices`
   */
  readonly cdkCommand?: readonly string[];
}

/**
 * `npm run synth`: both apps, all or nothing. Every check of both apps runs first (one
 * SandboxConfigError with every problem); then the Kubernetes manifests are written and `cdk synth`
 * runs (cdk-nag included), each into a temporary directory beside the real ones; only when both
 * succeed do the temporary directories replace `dist/` and `cdk.out/`. An app that is off leaves
 * no output directory behind. Returns the exit code.
 */
export function synthAll(options: SynthAllOptions = {}): number {
  const root = options.root ?? process.cwd();
  const env = options.env ?? process.env;
  const log = options.log ?? ((t: string) => process.stderr.write(t));
  const input = loadKit({ env, file: env.SANDBOX_KIT_CONFIG ? path.resolve(root, env.SANDBOX_KIT_CONFIG) : fs.existsSync(path.join(root, 'sandbox-kit.config.json')) ? path.join(root, 'sandbox-kit.config.json') : undefined });
  const check = checkKit(input);
  const error = kitError(check);
  if (error) {
    log(`${error.message}\nsandbox-kit: nothing written.\n`);
    return 1;
  }
  // Beside the outputs, so that the final renames stay on one filesystem.
  const staging = fs.mkdtempSync(path.join(root, '.sandbox-kit-synth-'));
  try {
    const staged: Partial<Record<keyof typeof OUTPUT_DIRS, string>> = {};
    if (check.apps.kubernetes.enabled) {
      const dir = path.join(staging, OUTPUT_DIRS.kubernetes);
      const result = writeKubernetesTargets(check.apps.kubernetes.targets, dir);
      staged.kubernetes = dir;
      log(`${formatSynthResult(result).split(dir).join(OUTPUT_DIRS.kubernetes)}\n`);
    } else log(`sandbox-kit: the Kubernetes app is off (no "kubernetes" section or no targets); ${OUTPUT_DIRS.kubernetes}/ removed\n`);
    if (check.apps.aws.enabled) {
      const dir = path.join(staging, OUTPUT_DIRS.aws);
      const [command, ...args] = options.cdkCommand ?? [process.execPath, path.join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'), 'synth', '--quiet', '--no-notices'];
      const r = spawnSync(command, [...args, '--output', dir], { cwd: root, env, encoding: 'utf8' });
      if (r.status !== 0) {
        log(`${r.stdout ?? ''}${r.stderr ?? ''}\nsandbox-kit: cdk synth failed; nothing written (${OUTPUT_DIRS.kubernetes}/ and ${OUTPUT_DIRS.aws}/ are unchanged).\n`);
        return 1;
      }
      staged.aws = dir;
      log(`sandbox-kit: wrote ${OUTPUT_DIRS.aws}/ (stacks ${check.apps.aws.targets.map((t) => t.target).join(', ')})\n`);
    } else log(`sandbox-kit: the AWS app is off (no "aws" section or no targets); ${OUTPUT_DIRS.aws}/ removed\n`);
    // Both succeeded: swap each output in. The old ones go to the staging directory, removed below.
    for (const family of ['kubernetes', 'aws'] as const) {
      const target = path.join(root, OUTPUT_DIRS[family]);
      if (fs.existsSync(target)) fs.renameSync(target, path.join(staging, `previous-${OUTPUT_DIRS[family]}`));
      const dir = staged[family];
      if (dir) fs.renameSync(dir, target);
    }
    return 0;
  } finally {
    fs.rmSync(staging, { recursive: true, force: true });
  }
}
