import { spawnSync } from 'child_process';
import * as fs from 'fs';
import {
  ARCHITECTURE_NAMES, BASE_DENIED_SYSCALLS, OciSeccomp, PROFILE_DEFINITIONS, renderedProfiles,
} from '../../src/seccomp';
import { BASE_PROFILE_FILE } from './helpers';

/**
 * Every syscall name in every rendered profile must resolve on its architecture, checked with
 * libseccomp's own resolver (Debian package `seccomp`), not with the kit's data.
 */
const RESOLVER = 'scmp_sys_resolver';
const available = spawnSync('sh', ['-c', `command -v ${RESOLVER}`], { encoding: 'utf8' }).status === 0;
if (!available && process.env.SANDBOX_KIT_STRICT_TOOLS === '1') throw new Error(`SANDBOX_KIT_STRICT_TOOLS=1 but ${RESOLVER} is missing: apt-get install seccomp`);
if (!available) console.warn(`SKIPPED resolve.test.ts: ${RESOLVER} not found (apt-get install seccomp); CI runs it`);
const maybe = available ? describe : describe.skip;

/** Resolves many names on several arches in one process: arch -> name -> number. */
function resolveAll(arches: readonly string[], names: readonly string[]): Map<string, Map<string, number>> {
  const script = 'for a in $ARCHES; do for n in "$@"; do printf "%s %s " "$a" "$n"; scmp_sys_resolver -a "$a" "$n" || echo ERR; done; done';
  const r = spawnSync('sh', ['-c', script, 'sh', ...names], { encoding: 'utf8', env: { ...process.env, ARCHES: arches.join(' ') }, maxBuffer: 32 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`resolver batch failed: ${r.stderr}`);
  const out = new Map<string, Map<string, number>>(arches.map((a) => [a, new Map()]));
  for (const line of r.stdout.trim().split('\n')) {
    const [arch, name, num] = line.trim().split(/\s+/);
    out.get(arch)!.set(name, num === 'ERR' ? Number.NaN : Number(num));
  }
  return out;
}

/**
 * libseccomp's answers: >= 0 a syscall of that ABI; -1 a name this libseccomp does not know;
 * -2 to -9999 a multiplexed call (x86 socketcall/ipc) it filters through the multiplexer;
 * <= -10000 a known syscall that this ABI lacks.
 */
const resolves = (n: number | undefined): boolean => n !== undefined && (n >= 0 || (n < -1 && n > -10000));

maybe('syscall names resolve with libseccomp (scmp_sys_resolver)', () => {
  const reference = JSON.parse(fs.readFileSync(BASE_PROFILE_FILE, 'utf8')) as { syscalls: { names: string[] }[] };
  const referenceNames = new Set(reference.syscalls.flatMap((g) => g.names));
  const files = renderedProfiles();
  const allNames = [...new Set([
    ...files.flatMap((f) => (JSON.parse(f.content) as OciSeccomp).syscalls.flatMap((s) => s.names)),
    ...BASE_DENIED_SYSCALLS,
  ])].sort();
  const kitArches = [...new Set(Object.values(ARCHITECTURE_NAMES).flatMap((a) => a.resolverArches))];
  // Docker-format files also name syscalls of ABIs the kit does not render (s390x, ppc64le, ...).
  const otherArches = ['mips', 'ppc64le', 's390x', 'riscv64'];
  const table = resolveAll([...kitArches, ...otherArches], allNames);
  const usableOther = otherArches.filter((a) => resolves(table.get(a)!.get('read')));

  test('the resolver works here (read is a syscall, no_such_call is not)', () => {
    expect(resolveAll(['x86_64'], ['read', 'no_such_call']).get('x86_64')).toEqual(new Map([['read', 0], ['no_such_call', -1]]));
  });

  test.each(files.filter((f) => f.format === 'oci').map((f) => [f.fileName, f] as const))('%s', (_name, file) => {
    const arches = ARCHITECTURE_NAMES[file.arch!].resolverArches;
    const seccomp = JSON.parse(file.content) as OciSeccomp;
    const names = [...new Set(seccomp.syscalls.flatMap((s) => s.names))];
    const additions = PROFILE_DEFINITIONS[file.profile].additions.map((a) => a.syscall);
    // Additions are the kit's own typing: each must be a real syscall on every ABI of the node.
    for (const a of additions) {
      for (const arch of arches) expect({ syscall: a, arch, number: table.get(arch)!.get(a)! >= 0 }).toEqual({ syscall: a, arch, number: true });
    }
    const unresolved = names.filter((n) => !arches.some((a) => resolves(table.get(a)!.get(n))));
    const newerThanLibseccomp = unresolved.filter((n) => arches.every((a) => table.get(a)!.get(n) === -1));
    const otherAbiOnly = unresolved.filter((n) => !newerThanLibseccomp.includes(n));
    // The only names allowed not to resolve come verbatim from Docker's profile: syscalls newer
    // than this libseccomp, and syscalls of other ABIs that Docker lists unconditionally (libseccomp
    // skips those on this ABI, as it does for dockerd and containerd).
    expect(unresolved.filter((n) => !referenceNames.has(n) || additions.includes(n))).toEqual([]);
    console.log(`${file.fileName}: ${names.length} names, ${names.length - unresolved.length} resolve on ${arches.join('/')}; `
      + `newer than this libseccomp: ${newerThanLibseccomp.join(', ') || 'none'}; other ABIs only (from Docker's list): ${otherAbiOnly.join(', ') || 'none'}`);
    expect(names.length - unresolved.length).toBeGreaterThan(340);
  });

  test.each(files.filter((f) => f.format === 'docker').map((f) => [f.fileName, f] as const))('%s', (_name, file) => {
    const names = [...new Set((JSON.parse(file.content) as { syscalls: { names: string[] }[] }).syscalls.flatMap((g) => g.names))];
    const arches = [...kitArches, ...usableOther];
    const unresolved = names.filter((n) => !arches.some((a) => resolves(table.get(a)!.get(n))));
    // Only names this libseccomp does not know at all, and only from Docker's own list.
    expect(unresolved.filter((n) => !referenceNames.has(n) || arches.some((a) => table.get(a)!.get(n) !== -1))).toEqual([]);
  });

  test('BASE_DENIED_SYSCALLS are real syscalls on at least one kit architecture', () => {
    expect(BASE_DENIED_SYSCALLS.filter((n) => !kitArches.some((a) => table.get(a)!.get(n)! >= 0))).toEqual([]);
  });
});
