import { parseArgs } from 'util';
import { AWS_APP_TARGETS, AppFamily, KUBERNETES_APP_TARGETS } from '../config/kit-file';
import { KitInput, readKitFile, resolveKitFile } from '../config/load';
import { agentSandboxDepartures, retoolDepartures } from '../policy/departures';
import { describePlan, describeTargetFacts } from '../policy/describe';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { SANDBOX_MODES } from '../policy/modes';
import { SERVICE_NAMES } from '../policy/services';
import { TARGETS } from '../targets';
import { NODE_OS_NAMES, TARGET_NAMES } from '../targets/types';
import { checkKit, KitCheck, kitError, TargetCheck } from './kit-check';

const USAGE = `usage: npm run explain -- [--config FILE] [--target NAME ...] [--all] [--format text|json|mermaid] [--json] [--facts]
         [--acknowledge-unsandboxed-code] [--mode SERVICE=MODE ...] [--kubernetes-version 1.35] [--node-os OS]
         [--retool-version 3.334.0-stable]
Plans every target of both apps as synth would, runs every check synth runs except cdk-nag, and
prints each service's plan and every refusal, per app and target.
  --config FILE   the kit file (default: $SANDBOX_KIT_CONFIG, else ./sandbox-kit.config.json)
  --target NAME   only these targets (repeatable or comma-separated), as SANDBOX_KIT_TARGETS:
                  each app plans those it renders (${TARGET_NAMES.join(', ')})
  --all           every target in every app that renders it, with default options (and the kit
                  file's retoolVersion, if it names one); refusals are answers, so the exit code is 0
  --format F      text (default), json (plans, problems and, with --facts, the catalog), or mermaid
                  (a diagram per target: trust domains, sandbox boundaries, allowed network paths)
  --json          same as --format json
  --facts         also print each target's platform facts with their confidence and source
  --acknowledge-unsandboxed-code, --mode SERVICE=MODE, --kubernetes-version V, --node-os OS,
  --retool-version R
                  set these config fields on every target (kubernetesVersion on Kubernetes targets only)
Exits 1 when a requested target has a problem (printing every problem once, together), 2 on bad arguments.`;

/** The parsed command line. */
interface Args {
  readonly config?: string;
  readonly targets?: readonly string[];
  readonly all: boolean;
  readonly format: 'text' | 'json' | 'mermaid';
  readonly facts: boolean;
  readonly fields: Readonly<Record<string, unknown>>;
  readonly modes: Readonly<Record<string, string>>;
}

class UsageError extends Error {}

function parse(argv: string[]): Args | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    allowPositionals: false,
    options: {
      'config': { type: 'string' },
      'target': { type: 'string', multiple: true },
      'all': { type: 'boolean', default: false },
      'format': { type: 'string' },
      'json': { type: 'boolean', default: false },
      'facts': { type: 'boolean', default: false },
      'acknowledge-unsandboxed-code': { type: 'boolean', default: false },
      'mode': { type: 'string', multiple: true },
      'kubernetes-version': { type: 'string' },
      'node-os': { type: 'string' },
      'retool-version': { type: 'string' },
      'help': { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help';
  const format = values.format ?? (values.json ? 'json' : 'text');
  if (format !== 'text' && format !== 'json' && format !== 'mermaid') throw new UsageError(`--format takes text, json or mermaid, not "${format}"`);
  if (values.json && format !== 'json') throw new UsageError('--json and --format disagree');
  const modes: Record<string, string> = {};
  for (const m of values.mode ?? []) {
    const [svc, mode, ...rest] = m.split('=');
    if (!svc || !mode || rest.length) throw new UsageError(`--mode takes SERVICE=MODE, e.g. code-executor=unsandboxed, not "${m}"`);
    if (!(SERVICE_NAMES as readonly string[]).includes(svc)) throw new UsageError(`--mode: unknown service "${svc}" (${SERVICE_NAMES.join(', ')})`);
    if (mode !== 'auto' && !(SANDBOX_MODES as readonly string[]).includes(mode)) throw new UsageError(`--mode: unknown mode "${mode}" (auto, ${SANDBOX_MODES.join(', ')})`);
    modes[svc] = mode;
  }
  const nodeOs = values['node-os'];
  if (nodeOs !== undefined && !(NODE_OS_NAMES as readonly string[]).includes(nodeOs)) throw new UsageError(`--node-os: unknown node OS "${nodeOs}" (${NODE_OS_NAMES.join(', ')})`);
  const fields: Record<string, unknown> = {};
  if (values['acknowledge-unsandboxed-code']) fields.acknowledgeUnsandboxedCode = true;
  if (nodeOs !== undefined) fields.nodeOs = nodeOs;
  if (values['kubernetes-version'] !== undefined) fields.kubernetesVersion = values['kubernetes-version'];
  if (values['retool-version'] !== undefined) fields.retoolVersion = values['retool-version'];
  const targets = values.target?.flatMap((t) => t.split(',')).map((t) => t.trim()).filter(Boolean);
  if (values.all && targets) throw new UsageError('--all and --target exclude each other');
  return { config: values.config, targets, all: values.all, format, facts: values.facts, fields, modes };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The kit file with the command line's config fields set on every target (as the last override). */
function withCommandLine(raw: unknown, args: Args): unknown {
  if (!Object.keys(args.fields).length && !Object.keys(args.modes).length) return raw;
  const file = isRecord(raw) ? { ...raw } : {};
  const families: [AppFamily, readonly string[]][] = [['kubernetes', KUBERNETES_APP_TARGETS], ['aws', AWS_APP_TARGETS]];
  for (const [family, targets] of families) {
    if (!isRecord(file[family])) continue;
    const section = { ...(file[family] as Record<string, unknown>) };
    const overrides: Record<string, unknown> = isRecord(section.overrides) ? { ...section.overrides } : {};
    for (const t of targets) {
      const o: Record<string, unknown> = isRecord(overrides[t]) ? { ...overrides[t] as Record<string, unknown> } : {};
      for (const [k, v] of Object.entries(args.fields)) {
        if (k === 'kubernetesVersion' && TARGETS[t as keyof typeof TARGETS].kind !== 'kubernetes') continue;
        o[k] = v;
      }
      if (Object.keys(args.modes).length) {
        const services: Record<string, unknown> = isRecord(o.services) ? { ...o.services } : {};
        for (const [svc, mode] of Object.entries(args.modes)) services[svc] = { ...(isRecord(services[svc]) ? services[svc] as object : {}), mode };
        o.services = services;
      }
      overrides[t] = o;
    }
    section.overrides = overrides;
    file[family] = section;
  }
  return file;
}

function input(args: Args): KitInput {
  if (args.all) {
    // The release changes no plan, but the kit plans no Retool image without one: the kit file's, if any.
    const kit = readKitFile({ file: args.config });
    const named = (['kubernetes', 'aws'] as const).map((f) => (isRecord(kit.raw) && isRecord(kit.raw[f]) && isRecord((kit.raw[f] as Record<string, unknown>).defaults)
      ? ((kit.raw[f] as Record<string, Record<string, unknown>>).defaults.retoolVersion) : undefined)).find((v) => typeof v === 'string');
    const defaults = named ? { retoolVersion: named } : {};
    const raw = { kubernetes: { targets: [...KUBERNETES_APP_TARGETS], defaults }, aws: { targets: [...AWS_APP_TARGETS], defaults } };
    return resolveKitFile(withCommandLine(raw, args), '(every target, default options)');
  }
  const { raw, source, found } = readKitFile({ file: args.config });
  const targets = args.targets ?? process.env.SANDBOX_KIT_TARGETS?.split(',').map((t) => t.trim()).filter(Boolean);
  // No file: both apps with their default targets (the command line's fields apply to them too).
  const base = found ? raw : { kubernetes: {}, aws: {} };
  return resolveKitFile(withCommandLine(base, args), source, targets, args.targets ? '--target' : 'SANDBOX_KIT_TARGETS');
}

const APP_TITLES: Readonly<Record<AppFamily, string>> = {
  kubernetes: 'Kubernetes app (cdk8s synth, dist/<target>.k8s.yaml)',
  aws: 'AWS app (cdk synth, cdk.out/)',
};

function problemLines(problems: readonly ConfigProblem[]): string[] {
  return problems.flatMap((p) => [`  - ${p.field}: ${p.message}`, ...p.alternatives.map((a) => `      would work: ${a}`)]);
}

function targetText(t: TargetCheck, facts: boolean): string {
  const out: string[] = [];
  if (facts) out.push(describeTargetFacts(t.target), '');
  if (t.plan) out.push(describePlan(t.plan));
  else out.push(`== ${TARGETS[t.target].displayName} (${t.target}): not planned, its config is invalid`);
  if (t.problems.length) out.push(`${t.target}: REFUSED (${t.problems.length} problem${t.problems.length === 1 ? '' : 's'})`, ...problemLines(t.problems));
  return out.join('\n');
}

function text(check: KitCheck, args: Args): string {
  const out: string[] = [`sandbox-kit explain: ${check.source}`];
  for (const family of ['kubernetes', 'aws'] as const) {
    const app = check.apps[family];
    out.push('', `# ${APP_TITLES[family]}: ${app.enabled ? app.targets.map((t) => t.target).join(', ') : 'off (no section or no targets)'}`);
    for (const t of app.targets) out.push('', targetText(t, args.facts));
  }
  const error = kitError(check);
  out.push('', error ? error.message : 'sandbox-kit: no problems; synth would write every target above.');
  return out.join('\n');
}

function json(check: KitCheck, args: Args): string {
  const apps = Object.fromEntries((['kubernetes', 'aws'] as const).map((family) => [family, {
    enabled: check.apps[family].enabled,
    targets: check.apps[family].targets.map((t) => ({
      target: t.target,
      config: t.config,
      plan: t.plan,
      // Per service, the deliberate departures from Retool's settings, as the text lists them.
      departures: t.plan ? Object.fromEntries(t.plan.services.map((s) => [s.service, [...retoolDepartures(s), ...agentSandboxDepartures(s)]])) : undefined,
      problems: t.problems,
      ...(args.facts ? { facts: TARGETS[t.target] } : {}),
    })),
  }]));
  return JSON.stringify({ source: check.source, apps, problems: check.problems }, null, 2);
}

function main(argv: string[]): number {
  let args: Args | 'help';
  try {
    args = parse(argv);
  } catch (e) {
    console.error(`explain: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (args === 'help') {
    console.log(USAGE);
    return 0;
  }
  let check: KitCheck;
  try {
    check = checkKit(input(args));
  } catch (e) {
    if (!(e instanceof SandboxConfigError)) throw e;
    console.error(e.message);
    return 1;
  }
  if (args.format === 'json') console.log(json(check, args));
  else if (args.format === 'mermaid') {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { kitMermaid } = require('./mermaid') as typeof import('./mermaid');
    console.log(kitMermaid(check));
  } else console.log(text(check, args));
  // A survey of every target reports refusals as answers; a named config that cannot be planned is an error.
  return check.problems.length > 0 && !args.all ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
