import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

/** How a profile fared with a real apparmor_parser. */
export interface CompileResult {
  /** Whether the parser accepted it. */
  readonly ok: boolean;
  /** Size of the compiled policy (bytes written with --stdout), when accepted. */
  readonly compiledBytes: number;
  /** The parser's own messages, without its notes about the missing kernel interface. */
  readonly stderr: string;
}

/** Whether an apparmor_parser is here, and its version line. */
export function appArmorParserAvailability(parser: string = process.env.APPARMOR_PARSER ?? 'apparmor_parser'): { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string } {
  const r = spawnSync(parser, ['--version'], { encoding: 'utf8', timeout: 10000 });
  if (r.error || r.status !== 0) return { ok: false, reason: `${parser} --version failed: ${r.error?.message ?? r.stderr.trim()} (Debian: apt-get install apparmor)` };
  return { ok: true, version: r.stdout.split('\n')[0].trim() };
}

/**
 * Compiles a profile with the real parser without loading it into a kernel (`--skip-kernel-load`,
 * `--skip-cache`, compiled policy to stdout): the parser checks syntax and builds the policy DFA
 * against its own feature set, which is everything short of enforcement. Kernels without AppArmor
 * (like this one) can run it.
 */
export function compileAppArmorProfile(text: string, parser: string = process.env.APPARMOR_PARSER ?? 'apparmor_parser'): CompileResult {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-apparmor-'));
  try {
    const file = path.join(dir, 'profile');
    fs.writeFileSync(file, text);
    const r = spawnSync(parser, ['--skip-kernel-load', '--skip-cache', '--stdout', file], { timeout: 60000, maxBuffer: 64 * 1024 * 1024 });
    const stderr = (r.stderr?.toString() ?? '').split('\n')
      .filter((l) => l && !/Cache read\/write disabled|interface file missing/.test(l)).join('\n');
    return { ok: r.status === 0, compiledBytes: r.status === 0 ? r.stdout.length : 0, stderr: r.error ? r.error.message : stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
