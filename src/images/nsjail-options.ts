import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { SandboxPlan } from '../policy/plan';
import { isCidr } from '../policy/cidr';
import { parseMemory } from '../policy/quantity';

/** Languages the NsJail runtime image runs. */
export const JAIL_LANGUAGES = ['python', 'javascript'] as const;
export type JailLanguage = (typeof JAIL_LANGUAGES)[number];

/** A path of the runtime image made visible, read-only, inside the jail. */
export interface RuntimeBind {
  /** Absolute path in the container. */
  readonly src: string;
  /**
   * Absolute path inside the jail.
   * @default the same as `src`
   */
  readonly dst?: string;
  /**
   * Fail the run when `src` does not exist. Only paths that differ by architecture
   * (`/lib64` exists on amd64, not on arm64) should be optional.
   * @default true
   */
  readonly mandatory?: boolean;
}

/** One destination jailed code may reach when the network is not cut off. */
export interface EgressRule {
  /** IPv4 or IPv6 CIDR, e.g. `10.0.0.0/16`. */
  readonly cidr: string;
  /** TCP ports. */
  readonly ports: readonly number[];
  /**
   * Why this destination is needed, for reviewers.
   * @default none
   */
  readonly description?: string;
}

/**
 * What the jail's network is.
 * - `none`: a new, empty network namespace (only loopback); where the plan gives the jail no
 *   namespaces, a syscall filter refuses IPv4, IPv6, packet and netlink sockets instead.
 * - `egress`: jailed code shares the container's network, limited to `allow`. NsJail cannot
 *   filter by destination, so the rules are returned with the config for the platform renderer
 *   to enforce (Kubernetes NetworkPolicy, security group); they govern the whole pod.
 */
export type JailNetwork =
  | { readonly mode: 'none' }
  | { readonly mode: 'egress'; readonly allow: readonly EgressRule[] };

/** Limits and layout of one NsJail configuration. Every field is validated. */
export interface NsjailConfigOptions {
  /**
   * Wall-clock limit of one run, in seconds (`time_limit`). Must be at least 1.
   * @default 30
   */
  readonly timeLimitSeconds?: number;
  /**
   * CPU time limit of one run, in seconds (`rlimit_cpu`).
   * @default the time limit
   */
  readonly cpuSeconds?: number;
  /**
   * Memory of one run, in MiB: the cgroup v2 `memory.max` where the plan lets the jail use
   * cgroups (privileged mode), and the V8 heap limit of JavaScript. At most the pod's memory
   * limit (`plan.resources.limits.memory`).
   * @default 512
   */
  readonly memoryMiB?: number;
  /**
   * Address-space limit of one run, in MiB (`rlimit_as`), or `unlimited`. This is virtual
   * memory: V8 reserves far more than it uses, hence the larger JavaScript default. Where the
   * plan gives no cgroups, this and the V8 heap limit are the only per-run memory bounds.
   * @default 1024 for python, 4096 for javascript
   */
  readonly addressSpaceMiB?: number | 'unlimited';
  /**
   * Processes and threads of one run: cgroup `pids.max` with cgroups, and `rlimit_nproc`.
   * RLIMIT_NPROC counts tasks per user and user namespace: with namespaces it counts the run's
   * own tasks; without (rlimits-seccomp) it counts every task of the service's uid, the
   * service's own threads and other runs included, hence the larger default there.
   * @default 64 with namespaces, 512 without
   */
  readonly maxProcesses?: number;
  /**
   * Open files of one process (`rlimit_nofile`).
   * @default 256
   */
  readonly maxOpenFiles?: number;
  /**
   * Largest file one run may write, in MiB (`rlimit_fsize`).
   * @default 64
   */
  readonly maxFileSizeMiB?: number;
  /**
   * CPU share of one run with cgroups, in milliseconds per second (`cgroup_cpu_ms_per_sec`);
   * 1000 is one CPU. Ignored without cgroups.
   * @default no CPU cgroup limit (rlimit_cpu still applies)
   */
  readonly cpuMsPerSecond?: number;
  /**
   * The work directory: a fresh tmpfs per run, and the current directory of jailed code.
   * Where the plan gives the jail no namespaces, no tmpfs can be mounted and the work directory
   * is the container's first writable path instead (shared between runs).
   * @default '/tmp'
   */
  readonly workDir?: string;
  /**
   * Size of the work tmpfs, in MiB (tmpfs pages count against the pod's memory).
   * @default 64
   */
  readonly workDirSizeMiB?: number;
  /**
   * Paths of the image bound read-only into the jail (the language runtime and its libraries).
   * @default `/usr`, `/lib`, `/bin`, `/etc/alternatives`, `/etc/ssl`, and `/lib64` (optional)
   */
  readonly runtimePaths?: readonly RuntimeBind[];
  /**
   * The jail's network.
   * @default { mode: 'none' }
   */
  readonly network?: JailNetwork;
  /**
   * Hostname inside the jail (with a UTS namespace).
   * @default 'sandbox'
   */
  readonly hostname?: string;
  /**
   * User and group id of jailed code inside its user namespace.
   * @default 1000
   */
  readonly jailId?: number;
}

/** Options with every default applied (each field as documented on NsjailConfigOptions). */
export type ResolvedNsjailOptions =
  Required<Omit<NsjailConfigOptions, 'cpuMsPerSecond' | 'runtimePaths'>>
  & Pick<NsjailConfigOptions, 'cpuMsPerSecond'>
  & { readonly runtimePaths: readonly Required<RuntimeBind>[] };

/** Runtime paths every default configuration binds. Debian bookworm is merged-/usr. */
export const DEFAULT_RUNTIME_PATHS: readonly RuntimeBind[] = [
  { src: '/usr' },
  { src: '/lib' },
  { src: '/bin' },
  { src: '/lib64', mandatory: false },
  { src: '/etc/alternatives' },
  { src: '/etc/ssl' },
];

const DEFAULT_ADDRESS_SPACE: Readonly<Record<JailLanguage, number>> = { python: 1024, javascript: 4096 };
/** Upper bound of the time limit: one hour; longer runs are not what the services do. */
export const MAX_TIME_LIMIT_SECONDS = 3600;
const MiB = 1024 ** 2;
const HOSTNAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;

function isPositiveInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && v > 0;
}

/** Absolute, normalized, printable: what NsJail and the text format can take safely. */
export function pathProblem(path: unknown): string | undefined {
  if (typeof path !== 'string' || path.length === 0) return 'is not a path';
  if (!path.startsWith('/')) return `"${path}" is not absolute`;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return `"${JSON.stringify(path)}" contains control characters`;
  const parts = path.split('/').slice(1);
  if (path !== '/' && parts.some((p) => p === '' || p === '.' || p === '..')) {
    return `"${path}" is not normalized (no empty, "." or ".." segments, no trailing slash)`;
  }
  return undefined;
}

/**
 * Apply defaults and check every field against the plan. Throws one SandboxConfigError naming
 * each bad field (`nsjail.<field>`), what is wrong, and what would work.
 */
export function resolveNsjailOptions(
  plan: SandboxPlan, language: JailLanguage, options: NsjailConfigOptions = {},
): ResolvedNsjailOptions {
  const problems: ConfigProblem[] = [];
  const bad = (field: string, message: string, ...alternatives: string[]): void => {
    problems.push({ field: `nsjail.${field}`, message, alternatives });
  };
  const int = (field: keyof NsjailConfigOptions, value: unknown, max: number, unit: string): void => {
    if (value === undefined) return;
    if (!isPositiveInt(value)) bad(field, `${String(value)} is not a whole number of ${unit} of at least 1.`, `a whole number from 1 to ${max}`);
    else if (value > max) bad(field, `${value} ${unit} is above the kit's bound of ${max}.`, `a whole number from 1 to ${max}`);
  };

  const timeLimitSeconds = options.timeLimitSeconds ?? 30;
  if (!isPositiveInt(timeLimitSeconds)) {
    bad('timeLimitSeconds', `${String(timeLimitSeconds)} is not a time limit: NsJail reads 0 as "no limit", and a run without one can hold a sandbox forever.`,
      `a whole number of seconds from 1 to ${MAX_TIME_LIMIT_SECONDS}`);
  } else if (timeLimitSeconds > MAX_TIME_LIMIT_SECONDS) {
    bad('timeLimitSeconds', `${timeLimitSeconds} s is above the kit's bound of ${MAX_TIME_LIMIT_SECONDS} s.`, `at most ${MAX_TIME_LIMIT_SECONDS}`);
  }
  int('cpuSeconds', options.cpuSeconds, MAX_TIME_LIMIT_SECONDS, 'seconds');

  const memoryMiB = options.memoryMiB ?? 512;
  const podLimit = parseMemory(plan.resources.limits.memory);
  if (!isPositiveInt(memoryMiB)) {
    bad('memoryMiB', `${String(memoryMiB)} is not a whole number of MiB of at least 1.`, 'e.g. 512');
  } else if (podLimit !== undefined && memoryMiB * MiB > podLimit) {
    bad('memoryMiB', `${memoryMiB} MiB is above the memory limit of the ${plan.service} pod (${plan.resources.limits.memory}, `
      + `services.${plan.service}.resources.limits.memory): one run could get the whole pod OOM-killed.`,
    `nsjail.memoryMiB: ${Math.floor(podLimit / MiB)} or less`, `a larger services.${plan.service}.resources.limits.memory`);
  }
  if (options.addressSpaceMiB !== undefined && options.addressSpaceMiB !== 'unlimited') {
    int('addressSpaceMiB', options.addressSpaceMiB, 1024 * 1024, 'MiB');
  }
  int('maxProcesses', options.maxProcesses, 4096, 'processes');
  int('maxOpenFiles', options.maxOpenFiles, 65536, 'files');
  int('maxFileSizeMiB', options.maxFileSizeMiB, 1024 * 1024, 'MiB');
  int('cpuMsPerSecond', options.cpuMsPerSecond, 64000, 'ms per second');
  int('workDirSizeMiB', options.workDirSizeMiB, 1024 * 1024, 'MiB');
  if (options.jailId !== undefined && !isPositiveInt(options.jailId)) {
    bad('jailId', `${String(options.jailId)} is not a non-root id: jailed code must not be uid 0 even inside its namespace.`, 'e.g. 1000');
  }

  const workDir = options.workDir ?? '/tmp';
  const wdProblem = pathProblem(workDir);
  if (wdProblem) bad('workDir', `${wdProblem}.`, 'an absolute path such as /tmp');
  else if (workDir === '/') bad('workDir', 'the work directory cannot be the jail\'s root.', '/tmp');

  const runtimePaths = (options.runtimePaths ?? DEFAULT_RUNTIME_PATHS).map((b, i) => {
    const sp = pathProblem(b.src);
    if (sp) bad(`runtimePaths[${i}].src`, `${sp}: runtime paths are bound by absolute path.`, 'an absolute path such as /usr');
    const dst = b.dst ?? b.src;
    const dp = pathProblem(dst);
    if (b.dst !== undefined && dp) bad(`runtimePaths[${i}].dst`, `${dp}.`, 'an absolute path such as /usr');
    if (!sp && !dp && (dst === '/' || dst === workDir || dst === '/proc' || dst === '/dev')) {
      bad(`runtimePaths[${i}].dst`, `"${dst}" is a path the jail configuration owns.`, 'a runtime directory such as /usr or /opt/runtime');
    }
    return { src: b.src, dst, mandatory: b.mandatory ?? true };
  });
  const seen = new Set<string>();
  runtimePaths.forEach((b, i) => {
    if (seen.has(b.dst)) bad(`runtimePaths[${i}].dst`, `"${b.dst}" is bound twice.`, 'one bind per destination');
    seen.add(b.dst);
  });

  const network: JailNetwork = options.network ?? { mode: 'none' };
  if (network.mode === 'egress') {
    if (!Array.isArray(network.allow) || network.allow.length === 0) {
      bad('network.allow', 'mode "egress" needs at least one rule: an empty rule set would silently mean "anything the pod can reach".',
        'network: { mode: "none" }', 'network: { mode: "egress", allow: [{ cidr: "10.0.0.0/16", ports: [443] }] }');
    } else {
      network.allow.forEach((r, i) => {
        if (!isCidr(r.cidr)) bad(`network.allow[${i}].cidr`, `"${String(r.cidr)}" is not an IPv4 or IPv6 CIDR.`, '10.0.0.0/16', '2001:db8::/32');
        const ports: readonly unknown[] = Array.isArray(r.ports) ? r.ports : [];
        if (ports.length === 0 || ports.some((p) => !isPositiveInt(p) || p > 65535)) {
          bad(`network.allow[${i}].ports`, `${JSON.stringify(r.ports)} is not a list of TCP ports (1-65535).`, '[443]');
        }
      });
    }
  } else if (network.mode !== 'none') {
    bad('network.mode', `"${String((network as { mode: unknown }).mode)}" is not a network mode.`, 'none', 'egress');
  }
  const hostname = options.hostname ?? 'sandbox';
  if (!HOSTNAME.test(hostname)) bad('hostname', `"${hostname}" is not a DNS label.`, 'sandbox');

  if (problems.length) {
    throw new SandboxConfigError(`NsJail ${language} configuration for ${plan.service} on ${plan.target}`, problems);
  }
  return {
    timeLimitSeconds,
    cpuSeconds: options.cpuSeconds ?? timeLimitSeconds,
    memoryMiB,
    addressSpaceMiB: options.addressSpaceMiB ?? DEFAULT_ADDRESS_SPACE[language],
    maxProcesses: options.maxProcesses ?? (plan.jail.namespaces ? 64 : 512),
    maxOpenFiles: options.maxOpenFiles ?? 256,
    maxFileSizeMiB: options.maxFileSizeMiB ?? 64,
    cpuMsPerSecond: options.cpuMsPerSecond,
    workDir,
    workDirSizeMiB: options.workDirSizeMiB ?? 64,
    runtimePaths,
    network,
    hostname,
    jailId: options.jailId ?? 1000,
  };
}
