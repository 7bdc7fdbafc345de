import * as fs from 'fs';
import * as path from 'path';
import type { AwsRendererOptions } from '../aws/options';
import type { KubernetesRendererOptions } from '../k8s/options';
import { SandboxKitConfig } from '../policy/config';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { TARGET_NAMES, TargetName } from '../targets/types';
import { APP_TARGETS, AppFamily, DEFAULT_APP_TARGETS, KitFile } from './kit-file';
import { schemaErrors } from './schema';
import { checkConfig, checkKubernetesRendererOptions, checkValue } from './validate';
import { checkAwsRendererOptions } from './validate-aws';

/** Default location of the kit file, relative to the working directory. */
export const DEFAULT_KIT_FILE = 'sandbox-kit.config.json';

/** What one app synthesizes; `R` is its renderer's options. */
export interface AppInput<R = KubernetesRendererOptions | AwsRendererOptions> {
  /** The app. */
  readonly family: AppFamily;
  /** Where the options came from, for messages. */
  readonly source: string;
  /** Whether the app renders anything: off when its section is missing or lists no targets. */
  readonly enabled: boolean;
  /** Configs, one per target, in file order. */
  readonly configs: readonly SandboxKitConfig[];
  /** Renderer options, as written (the renderers apply their defaults). */
  readonly renderer: R;
  /**
   * The renderer options each target renders with: `renderer`, with the target's entry of
   * `rendererOverrides` over it (Kubernetes app). Targets without an override render `renderer`.
   */
  readonly targetRenderers: Readonly<Partial<Record<TargetName, R>>>;
  /** Targets whose config has a problem of its own (reported in KitInput.problems): not planned. */
  readonly invalid: readonly TargetName[];
}

/** Both apps' inputs. */
export interface AppInputs {
  /** The Kubernetes app (`cdk8s synth`). */
  readonly kubernetes: AppInput<KubernetesRendererOptions>;
  /** The AWS app (`cdk synth`). */
  readonly aws: AppInput<AwsRendererOptions>;
}

/** The whole kit file, resolved for both apps, with every problem found in it. */
export interface KitInput {
  /** Where the options came from. */
  readonly source: string;
  /** Per app. */
  readonly apps: AppInputs;
  /** Every problem of the file (schema, config rules, target list), each scoped to its app and target where it has one. */
  readonly problems: readonly ConfigProblem[];
}

/** Where the kit file and target list may be overridden. */
export interface LoadOptions {
  /**
   * Kit file path.
   * @default - env SANDBOX_KIT_CONFIG; else ./sandbox-kit.config.json if present; else both apps with their default targets
   */
  readonly file?: string;
  /**
   * Targets that replace the file's: each app renders those it can.
   * @default - env SANDBOX_KIT_TARGETS (comma-separated)
   */
  readonly targets?: readonly string[];
  /**
   * Environment to read the overrides from.
   * @default process.env
   */
  readonly env?: NodeJS.ProcessEnv;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read the kit file named by the options (or none); a missing or unparsable file is one problem. */
export function readKitFile(options: LoadOptions = {}): { readonly raw: unknown; readonly source: string; readonly found: boolean } {
  const env = options.env ?? process.env;
  const explicit = options.file ?? (env.SANDBOX_KIT_CONFIG || undefined);
  const file = explicit ?? (fs.existsSync(DEFAULT_KIT_FILE) ? DEFAULT_KIT_FILE : undefined);
  if (file === undefined) return { raw: undefined, source: '(built-in defaults)', found: false };
  if (!fs.existsSync(file)) {
    throw new SandboxConfigError('sandbox-kit file', [{ field: 'SANDBOX_KIT_CONFIG', message: `no file at ${path.resolve(file)}`, alternatives: [`a path to a JSON kit file such as ${DEFAULT_KIT_FILE}`] }]);
  }
  try {
    return { raw: JSON.parse(fs.readFileSync(file, 'utf8')), source: file, found: true };
  } catch (e) {
    throw new SandboxConfigError(`sandbox-kit file ${file}`, [{ field: '(file)', message: `not valid JSON: ${(e as Error).message}`, alternatives: ['see examples/*.config.json'] }]);
  }
}

/** Read, check and resolve the kit file for both apps. Config problems are returned, not thrown. */
export function loadKit(options: LoadOptions = {}): KitInput {
  const env = options.env ?? process.env;
  const { raw, source, found } = readKitFile(options);
  const listed = env.SANDBOX_KIT_TARGETS?.split(',').map((s) => s.trim()).filter(Boolean);
  const envTargets = listed?.length ? listed : undefined;
  return resolveKitFile(found ? raw : undefined, source, options.targets ?? envTargets, options.targets ? 'targets' : 'SANDBOX_KIT_TARGETS');
}

/**
 * Check a parsed kit file and resolve it per app: the JSON Schema over the whole file, the
 * target list override, and per target the config rules on the merged config. `raw` undefined
 * means no file: both apps with their default targets.
 */
export function resolveKitFile(raw: unknown, source: string, targetOverride?: readonly string[], overrideField = 'SANDBOX_KIT_TARGETS'): KitInput {
  const problems: ConfigProblem[] = raw === undefined ? [] : checkValue('KitFile', [], raw);
  const file: KitFile = isRecord(raw) ? raw as KitFile : {};
  if (targetOverride) {
    for (const t of targetOverride) {
      if (!(TARGET_NAMES as readonly string[]).includes(t)) {
        problems.push({ field: overrideField, message: `unknown target ${JSON.stringify(t)}: neither app renders it`, alternatives: [`names among ${TARGET_NAMES.join(', ')}`] });
      }
    }
  }
  const app = (family: AppFamily): AppInput<KubernetesRendererOptions & AwsRendererOptions> => {
    const section = isRecord(file[family]) ? file[family] as Record<string, unknown> : undefined;
    const listed = Array.isArray(section?.targets) ? (section!.targets as unknown[]).filter((t): t is string => typeof t === 'string') : undefined;
    const targets = targetOverride
      ? targetOverride.filter((t) => APP_TARGETS[family].includes(t))
      : raw === undefined ? DEFAULT_APP_TARGETS[family]
        : !section ? [] : listed ?? DEFAULT_APP_TARGETS[family];
    const unique = [...new Set(targets)].filter((t) => APP_TARGETS[family].includes(t)) as TargetName[];
    const defaults = isRecord(section?.defaults) ? section!.defaults as Record<string, unknown> : {};
    const overrides = isRecord(section?.overrides) ? section!.overrides as Record<string, unknown> : {};
    const renderer = (isRecord(section?.renderer) ? section!.renderer : {}) as KubernetesRendererOptions & AwsRendererOptions;
    const rendererOverrides = family === 'kubernetes' && isRecord(section?.rendererOverrides) ? section!.rendererOverrides as Record<string, unknown> : {};
    const configs = unique.map((target) => merge(target, defaults, isRecord(overrides[target]) ? overrides[target] as Record<string, unknown> : {}));
    const invalid: TargetName[] = [];
    for (const config of configs) {
      const scope = `${family}/${config.target}`;
      // The schema's problems are the file's (reported above, with the file's paths); the rules' are the target's.
      const found = checkConfig(config, '', false);
      for (const p of found) {
        const field = locate(family, config.target, p.field, defaults, overrides);
        // A value from `defaults` is wrong for every target alike: say it once, for the app.
        const shared = field.startsWith(`${family}.defaults.`);
        if (shared && problems.some((q) => q.field === field && q.message === p.message)) continue;
        problems.push({ ...p, field, scope: shared ? family : scope });
      }
      if (found.length || schemaErrors('SandboxKitConfig', config).length) invalid.push(config.target);
    }
    const targetRenderers: Partial<Record<TargetName, KubernetesRendererOptions & AwsRendererOptions>> = {};
    if (unique.length) {
      const prefix = `${family}.renderer`;
      problems.push(...(family === 'kubernetes' ? checkKubernetesRendererOptions(renderer, prefix, false) : checkAwsRendererOptions(renderer, prefix, false))
        .map((p) => ({ ...p, scope: family })));
    }
    for (const target of unique) {
      const override = rendererOverrides[target];
      if (!isRecord(override)) {
        targetRenderers[target] = renderer;
        continue;
      }
      // Field by field over `renderer`, as the section's doc says; the rules run on what the target renders.
      const { $comment: _comment, ...fields } = override;
      const merged = { ...renderer, ...fields } as KubernetesRendererOptions & AwsRendererOptions;
      targetRenderers[target] = merged;
      for (const p of checkKubernetesRendererOptions(merged, `${family}.renderer`, false)) {
        const rest = p.field.slice(`${family}.renderer.`.length);
        if (p.field.startsWith(`${family}.renderer.`) && rest.split('.')[0] in fields) {
          problems.push({ ...p, field: `${family}.rendererOverrides.${target}.${rest}`, scope: `${family}/${target}` });
        } else if (!problems.some((q) => q.field === p.field && q.message === p.message)) {
          // A rule across fields that only the merge breaks: said for the target.
          problems.push({ ...p, scope: `${family}/${target}` });
        }
      }
    }
    return { family, source, enabled: unique.length > 0, configs, renderer, targetRenderers, invalid };
  };
  return { source, apps: { kubernetes: app('kubernetes'), aws: app('aws') }, problems };
}

/** Where in the file a config field was set: the target's override, else the section's defaults, else nowhere (the field as is). */
function locate(family: AppFamily, target: string, field: string, defaults: Record<string, unknown>, overrides: Record<string, unknown>): string {
  const has = (obj: unknown, parts: readonly string[]): boolean => {
    let cur = obj;
    for (const p of parts) {
      if (!isRecord(cur) || !(p in cur)) return false;
      cur = cur[p];
    }
    return true;
  };
  const parts = field.split('.');
  if (has(overrides[target], parts)) return `${family}.overrides.${target}.${field}`;
  if (has(defaults, parts)) return `${family}.defaults.${field}`;
  return field;
}

/** One target's config: defaults, then the target's override over it (services merged per service). */
function merge(target: TargetName, defaults: Record<string, unknown>, override: Record<string, unknown>): SandboxKitConfig {
  const services: Record<string, unknown> = {};
  const ds = isRecord(defaults.services) ? defaults.services : {};
  const os = isRecord(override.services) ? override.services : {};
  for (const name of new Set([...Object.keys(ds), ...Object.keys(os)])) {
    services[name] = { ...(isRecord(ds[name]) ? ds[name] : {}), ...(isRecord(os[name]) ? os[name] : {}) };
  }
  const merged: Record<string, unknown> = { ...defaults, ...override, target };
  delete merged.$comment;
  if (Object.keys(services).length) merged.services = services;
  return merged as unknown as SandboxKitConfig;
}

/** The problems that concern one app: its section, its targets, and the file as a whole. */
export function problemsFor(input: KitInput, family: AppFamily): ConfigProblem[] {
  const other: AppFamily = family === 'kubernetes' ? 'aws' : 'kubernetes';
  return input.problems.filter((p) => !(p.scope === other || p.scope?.startsWith(`${other}/`) || p.field === other || p.field.startsWith(`${other}.`)));
}

/**
 * One app's input, as its synth reads it: throws one SandboxConfigError with every problem of
 * the file that concerns this app.
 */
export function loadAppInput<F extends AppFamily>(family: F, options: LoadOptions = {}): AppInputs[F] {
  const input = loadKit(options);
  const problems = problemsFor(input, family);
  if (problems.length) throw new SandboxConfigError(`sandbox-kit file ${input.source}`, problems);
  return input.apps[family];
}
