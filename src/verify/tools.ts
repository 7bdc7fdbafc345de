import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The real sandbox binaries the tests run, found through documented environment variables with
 * defaults, and how strictly a missing one is treated:
 * - `NSJAIL`: the NsJail binary (default: `nsjail` on PATH). The kit pins NsJail
 *   3.6-75-gd6454b4 (google/nsjail d6454b4640b6d8699b532a8afa37e4d67e477078), the commit its
 *   runtime image builds (src/images/versions.ts); README "Proof on a real kernel" says how to build it.
 * - `RUNSC_BINARIES`: colon-separated runsc binaries (default: `/usr/bin/runsc`, Debian's).
 *   `.ci/run` gives Debian bookworm's 20221219 and bookworm-backports' 20240729.
 * - `SANDBOX_KIT_STRICT_TOOLS=1` (set by `.ci/run`, which provisions the binaries): a missing
 *   binary fails the suite. Unset: the tests that need it are skipped with the reason printed.
 *   Not keyed on `CI`: other CI systems set `CI=true` without provisioning anything.
 */

/** The variable that makes a missing tool a failure. */
export const STRICT_TOOLS_ENV = 'SANDBOX_KIT_STRICT_TOOLS';
/** The variable naming the NsJail binary. */
export const NSJAIL_ENV = 'NSJAIL';
/** The variable listing runsc binaries. */
export const RUNSC_BINARIES_ENV = 'RUNSC_BINARIES';
/** runsc when RUNSC_BINARIES is unset: Debian's package. */
export const DEFAULT_RUNSC = '/usr/bin/runsc';

/** NsJail's pinned commit: the one the runtime image builds and the tests run. */
export const NSJAIL_PINNED_DESCRIBE = '3.6-75-gd6454b4';

/** Whether a missing tool fails the tests (`SANDBOX_KIT_STRICT_TOOLS=1`). */
export function strictTools(env: NodeJS.ProcessEnv = process.env): boolean {
  return env[STRICT_TOOLS_ENV] === '1';
}

/** A binary found and answering, or why not. */
export type ToolCheck =
  | { readonly ok: true; readonly path: string; readonly version: string }
  | { readonly ok: false; readonly reason: string };

/** A name on PATH, or a path, resolved to an absolute executable path. */
export function resolveExecutable(name: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = name.includes('/') ? [name] : (env.PATH ?? '').split(':').filter(Boolean).map((d) => path.join(d, name));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return path.resolve(c);
    } catch {
      // not here
    }
  }
  return undefined;
}

/** NsJail, from `NSJAIL` or PATH, checked by running `--help`. */
export function nsjailTool(env: NodeJS.ProcessEnv = process.env): ToolCheck {
  const name = env[NSJAIL_ENV] || 'nsjail';
  const file = resolveExecutable(name, env);
  const how = `set ${NSJAIL_ENV} to an NsJail ${NSJAIL_PINNED_DESCRIBE} binary (README: "Proof on a real kernel")`;
  if (!file) return { ok: false, reason: `no NsJail at ${JSON.stringify(name)}${env[NSJAIL_ENV] ? '' : ' on PATH'}: ${how}` };
  const r = spawnSync(file, ['--help'], { encoding: 'utf8', timeout: 10000 });
  if (r.error || r.status !== 0 || !/Usage: .*nsjail/i.test(`${r.stdout}${r.stderr}`)) {
    return { ok: false, reason: `${file} --help did not answer as NsJail (${r.error?.message ?? `exit ${r.status}`}): ${how}` };
  }
  return { ok: true, path: file, version: 'nsjail' };
}

/** One runsc binary with its release date (`20240729`). */
export interface RunscBinary {
  /** Absolute path on the host. */
  readonly path: string;
  /** Release (`YYYYMMDD` from `runsc --version`). */
  readonly release: string;
}

/** The runsc binaries of `RUNSC_BINARIES` (or Debian's), each checked with `--version`. */
export function runscTools(env: NodeJS.ProcessEnv = process.env): { readonly found: readonly RunscBinary[]; readonly missing: readonly string[] } {
  const names = (env[RUNSC_BINARIES_ENV] || DEFAULT_RUNSC).split(':').filter(Boolean);
  const found: RunscBinary[] = [];
  const missing: string[] = [];
  for (const name of names) {
    const file = resolveExecutable(name, env);
    const r = file ? spawnSync(file, ['--version'], { encoding: 'utf8', timeout: 10000 }) : undefined;
    const release = /runsc version \S*?(\d{8})/.exec(r?.stdout ?? '')?.[1];
    if (!file || !release) missing.push(`${name}: ${file ? `--version did not name a release (${r?.error?.message ?? r?.stderr.trim() ?? ''})` : 'not found'}`);
    else if (!found.some((f) => f.release === release)) found.push({ path: file, release });
  }
  return { found, missing };
}

/** What a test needs, and whether it can run: ok, skip (with the reason) or fail (strict). */
export type ToolVerdict = { readonly run: true } | { readonly run: false; readonly strict: boolean; readonly reason: string };

/** The verdict for a list of problems (empty: run). */
export function toolVerdict(problems: readonly string[], env: NodeJS.ProcessEnv = process.env): ToolVerdict {
  if (!problems.length) return { run: true };
  return { run: false, strict: strictTools(env), reason: problems.join('; ') };
}
