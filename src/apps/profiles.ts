import * as fs from 'fs';
import * as path from 'path';
import { profileFiles } from '../seccomp/files';

/**
 * `npm run profiles`: regenerates `profiles/` (every rendered profile plus README.md) and
 * removes stale profile files. `--check` writes nothing and exits 1 when a file differs.
 */
function main(argv: readonly string[]): number {
  const check = argv.includes('--check');
  // lib/apps/profiles.js -> repository root.
  const dir = path.resolve(__dirname, '..', '..', 'profiles');
  const files = profileFiles();
  const wanted = new Set(files.map((f) => f.fileName));
  const stale = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => !wanted.has(f) && (f.endsWith('.json') || f === 'README.md')) : [];
  const changed = files.filter((f) => {
    const p = path.join(dir, f.fileName);
    return !fs.existsSync(p) || fs.readFileSync(p, 'utf8') !== f.content;
  });
  if (check) {
    for (const f of changed) console.error(`differs: profiles/${f.fileName}`);
    for (const f of stale) console.error(`stale: profiles/${f}`);
    if (changed.length || stale.length) {
      console.error('profiles/ is out of date: run `npm run profiles` and commit the result');
      return 1;
    }
    console.log(`profiles/ is up to date (${files.length} files)`);
    return 0;
  }
  fs.mkdirSync(dir, { recursive: true });
  for (const f of changed) fs.writeFileSync(path.join(dir, f.fileName), f.content);
  for (const f of stale) fs.rmSync(path.join(dir, f));
  console.log(`profiles/: ${files.length} files, ${changed.length} written, ${stale.length} removed`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
