import { plan } from '../policy/planner';
import { describePlan, describeTargetFacts } from '../policy/describe';
import { SandboxConfigError } from '../policy/errors';
import { SandboxKitConfig } from '../policy/config';
import { TARGET_NAMES } from '../targets/types';
import { FAMILY_TARGETS, loadAppInput } from './kit-file';

const USAGE = `usage: npm run explain -- (--target NAME | --all | --config FILE) [--json]
         [--acknowledge-unsandboxed-code] [--mode SERVICE=MODE ...] [--kubernetes-version 1.35] [--node-os OS]
  --target NAME   plan one target (${TARGET_NAMES.join(', ')})
  --all           plan every target with default options
  --config FILE   plan every target of a kit file (both sections)
  --json          print the plans as JSON
  --facts         also print each target's platform facts with their confidence and source
Exits 1 when a requested plan is impossible (printing every problem), 2 on bad arguments.`;

interface Args {
  targets: string[];
  all: boolean;
  json: boolean;
  facts: boolean;
  config?: string;
  overrides: Record<string, unknown>;
  modes: Record<string, string>;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { targets: [], all: false, json: false, facts: false, overrides: {}, modes: {} };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--target': a.targets.push(next()); break;
      case '--all': a.all = true; break;
      case '--json': a.json = true; break;
      case '--facts': a.facts = true; break;
      case '--config': a.config = next(); break;
      case '--acknowledge-unsandboxed-code': a.overrides.acknowledgeUnsandboxedCode = true; break;
      case '--kubernetes-version': a.overrides.kubernetesVersion = next(); break;
      case '--node-os': a.overrides.nodeOs = next(); break;
      case '--mode': {
        const [svc, mode] = next().split('=');
        if (!svc || !mode) throw new Error('--mode takes SERVICE=MODE, e.g. code-executor=unsandboxed');
        a.modes[svc] = mode;
        break;
      }
      case '--help': case '-h': console.log(USAGE); process.exit(0);
      // falls through (process.exit never returns)
      default: throw new Error(`unknown argument ${arg}`);
    }
  }
  if (!a.all && !a.config && a.targets.length === 0) throw new Error('name --target, --all or --config');
  return a;
}

function configsFrom(a: Args): SandboxKitConfig[] {
  const services = Object.keys(a.modes).length
    ? Object.fromEntries(Object.entries(a.modes).map(([s, m]) => [s, { mode: m }])) : undefined;
  const withOverrides = (c: Record<string, unknown>) => ({
    ...c, ...a.overrides,
    ...(services ? { services: { ...(c.services as object | undefined), ...services } } : {}),
  }) as unknown as SandboxKitConfig;
  if (a.config) {
    const all = (['kubernetes', 'aws'] as const).flatMap((f) => loadAppInput(f, { file: a.config }).configs);
    return all.map((c) => withOverrides(c as unknown as Record<string, unknown>));
  }
  const targets = a.all ? [...new Set([...TARGET_NAMES, ...FAMILY_TARGETS.kubernetes, ...FAMILY_TARGETS.aws])] : a.targets;
  return targets.map((t) => withOverrides({ target: t }));
}

function main(): number {
  let args: Args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (e) {
    console.error(`explain: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  let configs: SandboxKitConfig[];
  try {
    configs = configsFrom(args);
  } catch (e) {
    console.error((e as Error).message);
    return 1;
  }
  let failed = 0;
  const json: unknown[] = [];
  for (const config of configs) {
    if (args.facts && !args.json && (TARGET_NAMES as readonly string[]).includes(String(config.target))) {
      console.log(`${describeTargetFacts(config.target)}\n`);
    }
    try {
      const p = plan(config);
      if (args.json) json.push(p);
      else console.log(`${describePlan(p)}\n`);
    } catch (e) {
      if (!(e instanceof SandboxConfigError)) throw e;
      failed++;
      if (args.json) json.push({ target: config.target, error: e.message, problems: e.problems });
      else console.log(`== ${String(config.target)}: REFUSED\n${e.message}\n`);
    }
  }
  if (args.json) console.log(JSON.stringify(json, null, 2));
  // A survey of every target reports refusals as answers; a named config that cannot be planned is an error.
  return failed > 0 && !args.all ? 1 : 0;
}

process.exitCode = main();
