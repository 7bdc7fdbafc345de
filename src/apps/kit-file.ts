import * as fs from 'fs';
import * as path from 'path';
import { SandboxKitConfig } from '../policy/config';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { TARGET_NAMES, TargetName } from '../targets/types';

/** Which app reads a section of the kit file. */
export type AppFamily = 'kubernetes' | 'aws';

/** Targets each app can render. */
export const FAMILY_TARGETS: Readonly<Record<AppFamily, readonly TargetName[]>> = {
  kubernetes: ['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'eks-fargate'],
  aws: ['ecs-ec2', 'ecs-fargate', 'eks'],
};

/** Targets synthesized when the file names none: those whose default plan needs no acknowledgement (README.md, "Two commands"). */
export const DEFAULT_FAMILY_TARGETS: Readonly<Record<AppFamily, readonly TargetName[]>> = {
  kubernetes: ['eks', 'gke-standard', 'kubernetes'],
  aws: ['ecs-ec2', 'eks'],
};

/** Default location of the kit file, relative to the working directory. */
export const DEFAULT_KIT_FILE = 'sandbox-kit.config.json';

/** One section of the kit file, for one app. */
export interface KitFileSection {
  /**
   * Targets to synthesize.
   * @default DEFAULT_FAMILY_TARGETS of the app
   */
  readonly targets?: readonly TargetName[];
  /**
   * Config fields applied to every target (everything of SandboxKitConfig but `target`).
   * @default {}
   */
  readonly defaults?: Omit<SandboxKitConfig, 'target'>;
  /**
   * Per-target config fields, merged over `defaults` (services merged per service).
   * @default {}
   */
  readonly overrides?: Partial<Record<TargetName, Omit<SandboxKitConfig, 'target'>>>;
  /**
   * Options of the app's renderer (the cdk8s chart or the CDK stacks), validated there.
   * @default {}
   */
  readonly renderer?: Record<string, unknown>;
}

/** The whole kit file. */
export interface KitFile {
  /** Read by `cdk8s synth` (npm run synth). */
  readonly kubernetes?: KitFileSection;
  /** Read by `cdk synth` / `cdk deploy`. */
  readonly aws?: KitFileSection;
}

/** What an app synthesizes: one config per target, plus its renderer options. */
export interface AppInput {
  /** Where the options came from, for messages. */
  readonly source: string;
  /** Configs, one per target, in file order. */
  readonly configs: readonly SandboxKitConfig[];
  /** Renderer options. */
  readonly renderer: Record<string, unknown>;
}

/** Where an app's input may be overridden. */
export interface LoadOptions {
  /** Kit file path; else env SANDBOX_KIT_CONFIG; else ./sandbox-kit.config.json if present; else defaults. */
  readonly file?: string;
  /** Target list that replaces the file's; else env SANDBOX_KIT_TARGETS (comma-separated). */
  readonly targets?: readonly string[];
  /** Environment to read overrides from. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read and check the kit file section for one app, applying environment and CLI overrides. */
export function loadAppInput(family: AppFamily, options: LoadOptions = {}): AppInput {
  const env = options.env ?? process.env;
  const explicitFile = options.file ?? env.SANDBOX_KIT_CONFIG;
  const file = explicitFile ?? (fs.existsSync(DEFAULT_KIT_FILE) ? DEFAULT_KIT_FILE : undefined);
  let raw: unknown = {};
  if (file !== undefined) {
    if (!fs.existsSync(file)) {
      throw new SandboxConfigError('sandbox-kit file', [{ field: 'SANDBOX_KIT_CONFIG', message: `no file at ${path.resolve(file)}`, alternatives: [`a path to a JSON kit file such as ${DEFAULT_KIT_FILE}`] }]);
    }
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new SandboxConfigError(`sandbox-kit file ${file}`, [{ field: '(file)', message: `not valid JSON: ${(e as Error).message}`, alternatives: ['see examples/*.config.json'] }]);
    }
  }
  const envTargets = env.SANDBOX_KIT_TARGETS?.split(',').map((s) => s.trim()).filter(Boolean);
  return resolveSection(family, raw, file ?? '(built-in defaults)', options.targets ?? envTargets);
}

/** Check one parsed kit file and produce the configs for one app. */
export function resolveSection(family: AppFamily, raw: unknown, source: string, targetOverride?: readonly string[]): AppInput {
  const problems: ConfigProblem[] = [];
  const bad = (field: string, message: string, alternatives: string[]) => problems.push({ field, message, alternatives });
  if (!isRecord(raw)) {
    throw new SandboxConfigError(`sandbox-kit file ${source}`, [{ field: '(file)', message: 'must be a JSON object', alternatives: ['{ "kubernetes": { "targets": ["eks"] } }'] }]);
  }
  for (const key of Object.keys(raw)) {
    if (key !== 'kubernetes' && key !== 'aws' && key !== '$comment') bad(key, `unknown section "${key}"`, ['"kubernetes"', '"aws"']);
  }
  const section = raw[family] ?? {};
  if (!isRecord(section)) bad(family, 'must be an object', ['{ "targets": [...] }']);
  const s = isRecord(section) ? section : {};
  for (const key of Object.keys(s)) {
    if (!['targets', 'defaults', 'overrides', 'renderer', '$comment'].includes(key)) {
      bad(`${family}.${key}`, `unknown field "${key}"`, ['"targets"', '"defaults"', '"overrides"', '"renderer"']);
    }
  }
  const allowed = FAMILY_TARGETS[family];
  const fieldName = targetOverride ? 'SANDBOX_KIT_TARGETS' : `${family}.targets`;
  const targetsRaw: unknown = targetOverride ?? s.targets ?? DEFAULT_FAMILY_TARGETS[family];
  let targets: TargetName[] = [];
  if (!Array.isArray(targetsRaw) || targetsRaw.length === 0) {
    bad(fieldName, 'must list at least one target', [`some of ${allowed.join(', ')}`]);
  } else {
    for (const t of targetsRaw) {
      if (typeof t !== 'string' || !(TARGET_NAMES as readonly string[]).includes(t)) bad(fieldName, `unknown target ${JSON.stringify(t)}`, [`one of ${allowed.join(', ')}`]);
      else if (!allowed.includes(t as TargetName)) bad(fieldName, `the ${family} app does not render target "${t}"`, [`one of ${allowed.join(', ')}`]);
      else if (!targets.includes(t as TargetName)) targets.push(t as TargetName);
    }
  }
  const defaults = s.defaults ?? {};
  if (!isRecord(defaults)) bad(`${family}.defaults`, 'must be an object of config fields', ['{ "kubernetesVersion": "1.35" }']);
  if (isRecord(defaults) && 'target' in defaults) bad(`${family}.defaults.target`, 'targets are listed in "targets", not in defaults', [`${family}.targets`]);
  const overrides = s.overrides ?? {};
  if (!isRecord(overrides)) bad(`${family}.overrides`, 'must be an object keyed by target', ['{ "eks": { "nodeOs": "bottlerocket" } }']);
  else {
    for (const key of Object.keys(overrides)) {
      if (!allowed.includes(key as TargetName)) bad(`${family}.overrides.${key}`, `not a target of the ${family} app`, [`one of ${allowed.join(', ')}`]);
    }
  }
  const renderer = s.renderer ?? {};
  if (!isRecord(renderer)) bad(`${family}.renderer`, 'must be an object', ['{}']);
  if (problems.length) throw new SandboxConfigError(`sandbox-kit file ${source}`, problems);
  targets = targets.filter(Boolean);
  const configs = targets.map((target) => merge(target, defaults as Record<string, unknown>, ((overrides as Record<string, unknown>)[target] ?? {}) as Record<string, unknown>));
  return { source, configs, renderer: renderer as Record<string, unknown> };
}

function merge(target: TargetName, defaults: Record<string, unknown>, override: Record<string, unknown>): SandboxKitConfig {
  const services: Record<string, unknown> = {};
  const ds = isRecord(defaults.services) ? defaults.services : {};
  const os = isRecord(override.services) ? override.services : {};
  for (const name of new Set([...Object.keys(ds), ...Object.keys(os)])) {
    services[name] = { ...(isRecord(ds[name]) ? ds[name] : {}), ...(isRecord(os[name]) ? os[name] : {}) };
  }
  const merged: Record<string, unknown> = { ...defaults, ...override, target };
  if (Object.keys(services).length) merged.services = services;
  return merged as unknown as SandboxKitConfig;
}
