import * as path from 'path';
import { SandboxConfigError } from '../policy/errors';
import { buildCommand, IMAGE_KINDS, writeImageContext } from '../images/context';
import { IMAGE_VERSIONS, placeholderPins } from '../images/versions';

const USAGE = `usage: npm run images -- [--out DIR] [--registry REGISTRY]
  --out DIR            where to write the build contexts (default dist/images)
  --registry REGISTRY  registry prefix of the printed build commands (default $IMAGE_REGISTRY or registry.example.com/sandbox-kit)
Writes one build context per runtime image (nsjail, gvisor), with the NsJail configurations of
every default target's plan, and prints the multi-architecture docker buildx commands.`;

function main(argv: readonly string[]): number {
  let out = 'dist/images';
  let registry = process.env.IMAGE_REGISTRY ?? 'registry.example.com/sandbox-kit';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--out' && argv[i + 1]) out = argv[++i];
    else if (a === '--registry' && argv[i + 1]) registry = argv[++i];
    else if (a === '--help' || a === '-h') { console.log(USAGE); return 0; } else { console.error(`unknown argument: ${a}\n${USAGE}`); return 2; }
  }
  const root = path.resolve(out);
  try {
    for (const kind of IMAGE_KINDS) {
      const dir = writeImageContext(kind, path.join(root, kind));
      console.log(`# ${kind}: build context written to ${path.relative(process.cwd(), dir) || dir}`);
      console.log(buildCommand(kind, path.relative(process.cwd(), dir) || dir, registry));
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
