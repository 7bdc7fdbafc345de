import * as path from 'path';
import { SandboxConfigError } from '../policy/errors';
import { SandboxPlan } from '../policy/plan';
import { plan } from '../policy/planner';
import { buildCommand, IMAGE_KINDS, writeImageContext } from '../images/context';
import { loadAppInput } from './kit-file';
import { IMAGE_VERSIONS, placeholderPins } from '../images/versions';

const USAGE = `usage: npm run images -- [--out DIR] [--registry REGISTRY] [--config FILE]
  --out DIR            where to write the build contexts (default dist/images)
  --config FILE        carry the NsJail configurations of the plans in this kit file (both sections)
                       instead of those of the default targets
  --registry REGISTRY  registry prefix of the printed build commands (default $IMAGE_REGISTRY or registry.example.com/sandbox-kit)
Writes one build context per runtime image (nsjail, gvisor), with the NsJail configurations of
every default target's plan (or of a kit file's), and prints the multi-architecture docker buildx commands.`;

function main(argv: readonly string[]): number {
  let out = 'dist/images';
  let registry = process.env.IMAGE_REGISTRY ?? 'registry.example.com/sandbox-kit';
  let config: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) out = argv[++i];
    else if (a === '--registry' && argv[i + 1]) registry = argv[++i];
    else if (a === '--config' && argv[i + 1]) config = argv[++i];
    else if (a === '--help' || a === '-h') { console.log(USAGE); return 0; } else { console.error(`unknown argument: ${a}\n${USAGE}`); return 2; }
  }
  const root = path.resolve(out);
  try {
    let plans: SandboxPlan[] | undefined;
    if (config !== undefined) {
      const file = config;
      plans = (['kubernetes', 'aws'] as const).flatMap((family) => loadAppInput(family, { file }).configs).flatMap((c) => plan(c).services);
    }
    for (const kind of IMAGE_KINDS) {
      const dir = writeImageContext(kind, path.join(root, kind), { plans });
      const rel = path.relative(process.cwd(), dir);
      const shown = rel && !rel.startsWith('..') ? rel : dir;
      console.log(`# ${kind}: build context written to ${shown}`);
      console.log(buildCommand(kind, shown, registry));
    }
  } catch (e) {
    if (e instanceof SandboxConfigError) { console.error(e.message); return 1; }
    throw e;
  }
  const placeholders = placeholderPins(IMAGE_VERSIONS);
  if (placeholders.length) {
    console.error(`\nWARNING: ${placeholders.length} pin(s) in src/images/versions.ts are placeholders; the builds fail closed at verification until they are refreshed (docs/images.md, "Refreshing pins"):`);
    for (const p of placeholders) console.error(`  - ${p}`);
  }
  return 0;
}

process.exitCode = main(process.argv.slice(2));
