import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { KafelArch, KafelTables } from './kafel-tables';

/**
 * Maintainer tool: rebuilds `src/images/data/kafel-syscalls.json` from a checkout of kafel (the
 * policy language NsJail bundles as `nsjail/kafel`). It reads only the syscall name and number
 * of each entry of kafel's per-architecture tables (`src/syscalls/<arch>_syscalls.c`): the data a
 * policy may name, not kafel's code. Usage:
 *
 *   node lib/images/kafel-extract.js <kafel checkout> <kafel commit> [out.json]
 */

/** kafel's table file of each architecture the kit renders for. */
export const KAFEL_TABLE_FILES: Readonly<Record<KafelArch, string>> = {
  x86_64: 'src/syscalls/amd64_syscalls.c',
  aarch64: 'src/syscalls/aarch64_syscalls.c',
};

/** `{"name",\n  nr,` entries of one kafel table, in file order. */
export function parseKafelTable(source: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const m of source.matchAll(/\{\s*"([a-z0-9_]+)",\s*(\d+),/g)) {
    if (out[m[1]] !== undefined) throw new Error(`kafel table names ${m[1]} twice`);
    out[m[1]] = Number(m[2]);
  }
  if (Object.keys(out).length < 200) throw new Error(`kafel table: only ${Object.keys(out).length} entries parsed; is this a kafel syscall table?`);
  return out;
}

/** The tables of a kafel checkout, with the commit given and the sha256 of each file read. */
export function extractKafelTables(kafelDir: string, commit: string): KafelTables {
  if (!/^[0-9a-f]{40}$/.test(commit)) throw new Error(`kafel commit ${JSON.stringify(commit)} is not 40 hex digits`);
  const arches = {} as Record<KafelArch, KafelTables['arches'][KafelArch]>;
  for (const [arch, file] of Object.entries(KAFEL_TABLE_FILES) as [KafelArch, string][]) {
    const bytes = fs.readFileSync(path.join(kafelDir, file));
    arches[arch] = {
      file,
      sha256: crypto.createHash('sha256').update(bytes).digest('hex'),
      syscalls: parseKafelTable(bytes.toString('utf8')),
    };
  }
  return {
    comment: 'Syscall names and numbers of kafel\'s per-architecture tables (the names a kafel policy may use), extracted by src/images/kafel-extract.ts. Data only; kafel is Apache-2.0.',
    repository: 'https://github.com/google/kafel',
    commit,
    bundledIn: 'google/nsjail d6454b4640b6d8699b532a8afa37e4d67e477078 (3.6-75-gd6454b4), submodule kafel',
    arches,
  };
}

if (require.main === module) {
  const [dir, commit, out] = process.argv.slice(2);
  if (!dir || !commit) {
    console.error('usage: node lib/images/kafel-extract.js <kafel checkout> <kafel commit> [out.json]');
    process.exitCode = 2;
  } else {
    const text = `${JSON.stringify(extractKafelTables(dir, commit), null, 2)}\n`;
    if (out) fs.writeFileSync(out, text);
    else process.stdout.write(text);
  }
}
