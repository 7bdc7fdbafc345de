import { SeccompProfileError } from './errors';

/**
 * Every Linux capability (capability.h, kernel 5.9+), without the `CAP_` prefix: the names the
 * planner uses. Docker-format profiles spell them with the prefix.
 */
export const LINUX_CAPABILITIES = [
  'CHOWN', 'DAC_OVERRIDE', 'DAC_READ_SEARCH', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID',
  'SETPCAP', 'LINUX_IMMUTABLE', 'NET_BIND_SERVICE', 'NET_BROADCAST', 'NET_ADMIN', 'NET_RAW',
  'IPC_LOCK', 'IPC_OWNER', 'SYS_MODULE', 'SYS_RAWIO', 'SYS_CHROOT', 'SYS_PTRACE', 'SYS_PACCT',
  'SYS_ADMIN', 'SYS_BOOT', 'SYS_NICE', 'SYS_RESOURCE', 'SYS_TIME', 'SYS_TTY_CONFIG', 'MKNOD',
  'LEASE', 'AUDIT_WRITE', 'AUDIT_CONTROL', 'SETFCAP', 'MAC_OVERRIDE', 'MAC_ADMIN', 'SYSLOG',
  'WAKE_ALARM', 'BLOCK_SUSPEND', 'AUDIT_READ', 'PERFMON', 'BPF', 'CHECKPOINT_RESTORE',
] as const;

const KNOWN = new Set<string>(LINUX_CAPABILITIES);

/** Whether `name` (with or without `CAP_`, any case) is a Linux capability. */
export function isCapability(name: string): boolean {
  return KNOWN.has(stripPrefix(name));
}

/**
 * Normalizes a capability set to the `CAP_`-prefixed, upper-case, sorted, de-duplicated form
 * that Docker-format conditions use. Throws naming every unknown entry.
 *
 * @param capabilities names with or without `CAP_` (`SYS_ADMIN`, `CAP_SYS_ADMIN`)
 * @param field where the set came from, for the error message
 */
export function normalizeCapabilities(capabilities: readonly string[], field: string): string[] {
  const unknown = capabilities.filter((c) => typeof c !== 'string' || !isCapability(c));
  if (unknown.length) {
    throw SeccompProfileError.one(field, `unknown capabilit${unknown.length === 1 ? 'y' : 'ies'} ${unknown.map((c) => JSON.stringify(c)).join(', ')}`,
      [`one of the Linux capabilities, e.g. ${LINUX_CAPABILITIES.slice(0, 3).join(', ')} (with or without CAP_)`,
        'ALL is a drop-list keyword, not a capability: pass the resulting set (drop ALL gives [])']);
  }
  return [...new Set(capabilities.map((c) => `CAP_${stripPrefix(c)}`))].sort();
}

function stripPrefix(name: string): string {
  const upper = name.toUpperCase();
  return upper.startsWith('CAP_') ? upper.slice(4) : upper;
}
