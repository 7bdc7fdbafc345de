import * as fs from 'fs';
import * as path from 'path';
import { appArmorProfileFiles } from '../apparmor/files';
import { parseArgs } from 'util';
import { profileFiles } from '../seccomp/files';

const USAGE = `usage: npm run profiles -- [--check]
  --check   write nothing; exit 1 when a file in profiles/ differs from what the generator renders`;

/**
 * `npm run profiles`: regenerates `profiles/` (every rendered seccomp profile plus README.md, and
 * the AppArmor profiles in `profiles/apparmor/`) and removes stale profile files. `--check` writes
 * nothing and exits 1 when a file differs.
 */
function main(argv: string[]): number {
  let check: boolean;
  try {
    const { values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: { check: { type: 'boolean', default: false }, help: { type: 'boolean', short: 'h', default: false } } });
    if (values.help) { console.log(USAGE); return 0; }
    check = values.check;
  } catch (e) {
    console.error(`profiles: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  // lib/apps/profiles.js -> repository root.
  const root = path.resolve(__dirname, '..', '..', 'profiles');
  const sets = [
    { dir: root, files: profileFiles(), ours: (f: string) => f.endsWith('.json') || f === 'README.md' },
    { dir: path.join(root, 'apparmor'), files: appArmorProfileFiles(), ours: (f: string) => /\.apparmor\d$/.test(f) || f === 'README.md' },
  ];
  const files = sets.flatMap((s) => s.files.map((f) => ({ ...f, fileName: path.relative(root, path.join(s.dir, f.fileName)) })));
  const stale = sets.flatMap((s) => {
    const wanted = new Set(s.files.map((f) => f.fileName));
    return fs.existsSync(s.dir) ? fs.readdirSync(s.dir).filter((f) => !wanted.has(f) && s.ours(f)).map((f) => path.relative(root, path.join(s.dir, f))) : [];
  });
  const dir = root;
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
  for (const s of sets) fs.mkdirSync(s.dir, { recursive: true });
  for (const f of changed) fs.writeFileSync(path.join(dir, f.fileName), f.content);
  for (const f of stale) fs.rmSync(path.join(dir, f));
  console.log(`profiles/: ${files.length} files, ${changed.length} written, ${stale.length} removed`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
