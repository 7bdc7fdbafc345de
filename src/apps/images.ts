import * as path from 'path';
import { parseArgs } from 'util';
import { loadAppInput } from '../config/load';
import { buildCommand, IMAGE_KINDS, writeImageContext } from '../images/context';
import { IMAGE_VERSIONS, placeholderPins } from '../images/versions';
import { SandboxConfigError } from '../policy/errors';
import { SandboxPlan } from '../policy/plan';
import { plan } from '../policy/planner';

/** Where `npm run images` writes by default: outside dist/ and cdk.out/, which synth replaces. */
export const DEFAULT_IMAGES_DIR = 'image-contexts';

const USAGE = `usage: npm run images -- [--out DIR] [--registry REGISTRY] [--config FILE]
  --out DIR            where to write the build contexts (default ${DEFAULT_IMAGES_DIR}; synth never touches it)
  --config FILE        carry the NsJail configurations of the plans in this kit file (both sections)
                       instead of those of the default targets
  --registry REGISTRY  registry prefix of the printed build commands (default $IMAGE_REGISTRY or registry.example.com/sandbox-kit)
Writes one build context per runtime image (nsjail, gvisor), with the NsJail configurations of
every default target's plan (or of a kit file's), and prints the multi-architecture docker buildx commands.`;

function main(argv: string[]): number {
  let values: { out?: string; registry?: string; config?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { out: { type: 'string' }, registry: { type: 'string' }, config: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    }));
  } catch (e) {
    console.error(`images: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) { console.log(USAGE); return 0; }
  const root = path.resolve(values.out ?? DEFAULT_IMAGES_DIR);
  const registry = values.registry ?? process.env.IMAGE_REGISTRY ?? 'registry.example.com/sandbox-kit';
  try {
    let plans: SandboxPlan[] | undefined;
    if (values.config !== undefined) {
      const file = values.config;
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
