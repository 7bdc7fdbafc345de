import dockerDefault from './data/docker-default.json';

/**
 * Syscalls that the Docker default profile never allows (so they are absent from its file) but
 * that a profile may name: the ones sandboxes need (pivot_root) and the dangerous ones tests and
 * docs refer to. From Docker's "Significant syscalls blocked by the default profile" list and
 * the kernel's syscall tables; `test/seccomp/resolve.test.ts` checks every name with libseccomp.
 */
export const BASE_DENIED_SYSCALLS = [
  'add_key', 'create_module', 'get_kernel_syms', 'kexec_file_load', 'kexec_load', 'keyctl',
  'move_pages', 'nfsservctl', 'pivot_root', 'query_module', 'request_key',
  'swapoff', 'swapon', 'sysfs', '_sysctl', 'uselib', 'userfaultfd', 'ustat', 'vm86', 'vm86old',
] as const;

const BASE_NAMES: readonly string[] = dockerDefault.syscalls.flatMap((g) => g.names);

/**
 * Every syscall name the kit accepts in a profile: the names in the Docker default profile
 * (upstream's own list, newer than some libseccomp releases) plus BASE_DENIED_SYSCALLS.
 */
export const KNOWN_SYSCALLS: ReadonlySet<string> = new Set([...BASE_NAMES, ...BASE_DENIED_SYSCALLS]);

/** Whether the kit knows `name` as a Linux syscall. */
export function isKnownSyscall(name: string): boolean {
  return KNOWN_SYSCALLS.has(name);
}

/** Known names closest to `name` (same prefix or edit distance <= 2), for "did you mean". */
export function similarSyscalls(name: string, limit = 3): string[] {
  const scored = [...KNOWN_SYSCALLS].map((k) => ({ k, d: editDistance(name, k) }))
    .filter((s) => s.d <= 2 || (name.length >= 4 && s.k.startsWith(name.slice(0, 4))))
    .sort((a, b) => a.d - b.d || a.k.localeCompare(b.k));
  return scored.slice(0, limit).map((s) => s.k);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length];
}
