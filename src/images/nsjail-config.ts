import { RETOOL_UNSANDBOXED_UID } from '../policy/services';
import { SandboxConfigError } from '../policy/errors';
import { SandboxPlan } from '../policy/plan';
import { EgressRule, JailLanguage, NsjailConfigOptions, ResolvedNsjailOptions, resolveNsjailOptions } from './nsjail-options';
import { KAFEL_TABLES, KafelTables } from './kafel-tables';
import { enumValue, message, renderTextProto, TextMessage, TextValue } from './textproto';

/** Where the runtime image keeps the generated configurations. */
export const NSJAIL_CONFIG_DIR = '/etc/nsjail';

/**
 * Outside uid/gid that jailed code maps to when NsJail runs as root (privileged mode): never
 * root, and not the service's own uid, so a jail escape lands on an id that owns nothing.
 */
export const JAIL_HOST_ID_WHEN_ROOT = 65534;

/**
 * Syscalls numbered 424 and above have the same number on every architecture: where kafel's
 * table has no name for one, the filter names it by number.
 */
export const UNIFIED_SYSCALL_NUMBERS: Readonly<Record<string, number>> = {
  io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, // io_uring ops bypass a seccomp filter
  open_tree: 428, move_mount: 429, fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, mount_setattr: 442, // new mount API
  pidfd_getfd: 438, process_madvise: 440, // reach into other processes, like ptrace
  clone3: 435,
};

/**
 * Kernel syscalls that kafel's tables list under another name, with the kernel's number on each
 * architecture (test/images/kafel-tables.test.ts checks the numbers against libseccomp and kafel).
 * kafel names umount2 (x86_64 166, aarch64 39) "umount", and has no "umount2".
 */
export const KAFEL_ALIASES: Readonly<Record<string, { readonly kafel: string; readonly numbers: Readonly<Record<string, number>> }>> = {
  umount2: { kafel: 'umount', numbers: { x86_64: 166, aarch64: 39 } },
};

/**
 * Syscalls jailed code never needs, refused with EPERM in every mode: in privileged mode the
 * container runs Unconfined, so this filter is the only one between user code and the kernel.
 * Kernel names; the policy writes each as kafel knows it (kafelIdentifier).
 */
export const JAIL_DENIED_SYSCALLS: readonly string[] = [
  'acct', 'add_key', 'bpf', 'delete_module', 'finit_module', 'init_module', 'kcmp', 'kexec_load', 'keyctl',
  'mount', 'open_by_handle_at', 'perf_event_open', 'pivot_root', 'process_vm_readv', 'process_vm_writev',
  'ptrace', 'reboot', 'request_key', 'setns', 'swapoff', 'swapon', 'syslog', 'umount2', 'unshare', 'userfaultfd',
  'io_uring_setup', 'io_uring_enter', 'io_uring_register', 'open_tree', 'move_mount', 'fsopen', 'fsconfig', 'fsmount',
  'fspick', 'mount_setattr', 'pidfd_getfd', 'process_madvise',
];

/**
 * How a kafel policy names a kernel syscall on every architecture of the runtime image (one
 * configuration serves amd64 and arm64): kafel's own name where its tables of both architectures
 * have one (KAFEL_ALIASES where kafel's name differs from the kernel's), else `SYSCALL[n]` for a
 * syscall whose number is the same everywhere. Anything else cannot be written in one policy.
 */
export function kafelIdentifier(syscall: string, tables: KafelTables = KAFEL_TABLES): string {
  const alias = KAFEL_ALIASES[syscall];
  const name = alias?.kafel ?? syscall;
  const arches = Object.entries(tables.arches);
  const missing = arches.filter(([, t]) => t.syscalls[name] === undefined).map(([a]) => a);
  if (alias) {
    const wrong = arches.filter(([a, t]) => t.syscalls[name] !== alias.numbers[a]).map(([a, t]) => `${a}: kafel ${t.syscalls[name]}, kernel ${alias.numbers[a]}`);
    if (wrong.length) throw new Error(`kafel's "${name}" is not the kernel's ${syscall} (${wrong.join('; ')}) in kafel ${tables.commit}`);
  }
  if (!missing.length) return name;
  const n = UNIFIED_SYSCALL_NUMBERS[syscall];
  if (n !== undefined) return `SYSCALL[${n}]`;
  throw new Error(`kafel ${tables.commit} has no name for ${syscall} on ${missing.join(', ')}, and its number differs by architecture: one policy cannot name it`);
}

/** clone flags that create namespaces (CLONE_NEWNS|NEWCGROUP|NEWUTS|NEWIPC|NEWUSER|NEWPID|NEWNET). */
const CLONE_NAMESPACE_FLAGS = '0x7e020000';
/** Socket families refused when the jail has no network namespace: AF_INET, AF_NETLINK, AF_PACKET, AF_INET6. */
const NETWORK_FAMILIES = [2, 16, 17, 10] as const;

/** The program and arguments of each language; code comes on stdin. */
function languageCommand(language: JailLanguage, o: ResolvedNsjailOptions): string[] {
  // python: -I ignores PYTHON* variables and the user site; -B writes no .pyc; "-": program on stdin.
  return language === 'python' ? ['/usr/bin/python3', '-I', '-B', '-'] : ['/usr/bin/node', `--max-old-space-size=${o.memoryMiB}`, '-'];
}

/** Where prlimit(1) is in the runtime image (Debian util-linux, essential). */
export const PRLIMIT = '/usr/bin/prlimit';

/**
 * The per-run limits as prlimit(1) arguments, for plans whose limits NsJail cannot set itself
 * (inside gVisor, which refuses RLIMIT_RTPRIO and RLIMIT_MSGQUEUE): the same limits as NsJail's
 * rlimit_* fields, in prlimit's units (bytes, seconds, counts).
 */
function prlimitArgs(o: ResolvedNsjailOptions): string[] {
  return [
    `--as=${o.addressSpaceMiB === 'unlimited' ? 'unlimited' : o.addressSpaceMiB * MIB}`,
    '--core=0',
    `--cpu=${o.cpuSeconds}`,
    `--fsize=${o.maxFileSizeMiB * MIB}`,
    `--nofile=${o.maxOpenFiles}`,
    `--nproc=${o.maxProcesses}`,
    '--',
  ];
}

const MIB = 1024 * 1024;

/** The executable NsJail starts: the language runtime, or prlimit in front of it. */
function execBin(plan: SandboxPlan, language: JailLanguage, o: ResolvedNsjailOptions): TextMessage {
  const argv = [...(plan.jail.rlimitsBy === 'prlimit' ? [PRLIMIT, ...prlimitArgs(o)] : []), ...languageCommand(language, o)];
  return message([['path', argv[0]], ...argv.slice(1).map((a) => ['arg', a] as const)]);
}

/** NsJail's own rlimit fields, or `disable_rl` where prlimit sets the limits instead. */
function rlimitFields(plan: SandboxPlan, o: ResolvedNsjailOptions): Array<readonly [string, TextValue | undefined]> {
  if (plan.jail.rlimitsBy === 'prlimit') return [['disable_rl', true]];
  return [
    ['rlimit_as', o.addressSpaceMiB === 'unlimited' ? undefined : o.addressSpaceMiB],
    ['rlimit_as_type', enumValue(o.addressSpaceMiB === 'unlimited' ? 'INF' : 'VALUE')],
    ['rlimit_core', 0],
    ['rlimit_cpu', o.cpuSeconds],
    ['rlimit_cpu_type', enumValue('VALUE')],
    ['rlimit_fsize', o.maxFileSizeMiB],
    ['rlimit_fsize_type', enumValue('VALUE')],
    ['rlimit_nofile', o.maxOpenFiles],
    ['rlimit_nofile_type', enumValue('VALUE')],
    ['rlimit_nproc', o.maxProcesses],
    ['rlimit_nproc_type', enumValue('VALUE')],
  ];
}

/** A rendered configuration and what it was made from. */
export interface RenderedNsjailConfig {
  /** Service. */
  readonly service: SandboxPlan['service'];
  /** Target. */
  readonly target: SandboxPlan['target'];
  /** Mode the plan chose. */
  readonly mode: SandboxPlan['mode'];
  /** Language. */
  readonly language: JailLanguage;
  /** Path inside the runtime image. */
  readonly path: string;
  /** protobuf text format for `nsjail --config`. */
  readonly text: string;
  /**
   * Egress the jail needs and NsJail cannot enforce: the platform renderer must (NetworkPolicy,
   * security group). Empty with network mode `none`.
   */
  readonly egress: readonly EgressRule[];
}

/** Path of a configuration inside the runtime image. */
export function nsjailConfigPath(plan: Pick<SandboxPlan, 'target' | 'service'>, language: JailLanguage): string {
  return `${NSJAIL_CONFIG_DIR}/${plan.target}/${plan.service}/${language}.cfg`;
}

/** The kafel policy: the deny list, namespace-creating clones, and sockets when there is no netns. */
function seccompPolicy(plan: SandboxPlan, o: ResolvedNsjailOptions): string[] {
  const rules = [
    // kafel: one block per action; a syscall with a condition is filtered on its arguments.
    `ERRNO(1) { ${JAIL_DENIED_SYSCALLS.map((n) => kafelIdentifier(n)).join(', ')}, ${kafelIdentifier('clone')}(flags) { (flags & ${CLONE_NAMESPACE_FLAGS}) != 0 } }`,
    // clone3 passes its flags in memory a filter cannot read: ENOSYS makes glibc fall back to clone.
    `ERRNO(38) { ${kafelIdentifier('clone3')} }`,
  ];
  if (!plan.jail.namespaces && o.network.mode === 'none') {
    const families = NETWORK_FAMILIES.map((f) => `domain == ${f}`).join(' || ');
    rules.push(`ERRNO(97) { ${kafelIdentifier('socket')}(domain, type, protocol) { ${families} } }`);
  }
  return ['POLICY sandbox_kit {', ...rules.map((r, i) => `  ${r}${i < rules.length - 1 ? ',' : ''}`), '}', 'USE sandbox_kit DEFAULT ALLOW'];
}

function bind(src: string, dst: string, opts: { rw?: boolean; mandatory?: boolean } = {}): TextMessage {
  return message([
    ['src', src], ['dst', dst], ['is_bind', true], ['rw', opts.rw ?? false],
    ['mandatory', opts.mandatory === false ? false : undefined],
    ['nosuid', true], ['nodev', src.startsWith('/dev/') ? undefined : true],
  ]);
}

function describe(plan: SandboxPlan, language: JailLanguage, o: ResolvedNsjailOptions): string[] {
  const lines = [
    `sandbox-kit: ${language} for ${plan.service} on ${plan.target} (mode ${plan.mode}). Generated from the plan: do not edit.`,
    `jail: namespaces=${plan.jail.namespaces} procfs=${plan.jail.procfs} cgroups=${plan.jail.cgroups}`,
  ];
  if (!plan.jail.namespaces) {
    lines.push('No namespaces (rlimits and syscall filter only): jailed code sees the container\'s files, '
      + `processes and /etc files (root-owned, not writable by uid ${plan.sandbox.runAsUser}), and shares ${o.workDir} with other runs.`);
    lines.push(`Same uid as the service (${plan.sandbox.runAsUser}): jailed code can signal the service and read its /proc entries, `
      + 'environment included: keep secrets out of the service\'s environment in this mode.');
  } else if (plan.jail.procfs === 'none') {
    lines.push('No /proc inside the jail: the container\'s /proc is masked, and the kernel refuses a new procfs under a masked one.');
  }
  if (!plan.jail.cgroups) lines.push('No cgroups (only privileged containers can write the cgroup tree): memory is bounded by rlimit_as and the pod limit.');
  if (plan.jail.rlimitsBy === 'prlimit') {
    lines.push('Inside gVisor, which refuses setrlimit of RLIMIT_RTPRIO and RLIMIT_MSGQUEUE: NsJail\'s own limits are off (disable_rl) and prlimit sets the same limits before the program starts.');
  }
  if (o.network.mode === 'egress') {
    lines.push(`Network: the container's, limited by the platform to: ${o.network.allow.map((r) => `${r.cidr} ports ${r.ports.join(',')}`).join('; ')}.`);
  }
  return lines;
}

/**
 * Render the NsJail configuration of one language for one plan. Expresses the plan only:
 * namespaces, procfs and cgroups come from `plan.jail`; limits come from the options.
 * Throws SandboxConfigError for a plan that runs no NsJail or for bad options.
 */
export function renderNsjailConfig(plan: SandboxPlan, language: JailLanguage, options: NsjailConfigOptions = {}): RenderedNsjailConfig {
  if (plan.engine !== 'nsjail') {
    throw new SandboxConfigError(`NsJail configuration for ${plan.service}`, [{
      field: `services.${plan.service}`, message: `${plan.service} runs ${plan.engine}, not NsJail: it has no NsJail configuration.`,
      alternatives: ['code-executor or js-executor'],
    }]);
  }
  if (!plansNsjail(plan)) {
    throw new SandboxConfigError(`NsJail configuration for ${plan.service} on ${plan.target}`, [{
      field: `services.${plan.service}.mode`, message: `${plan.mode === 'unsandboxed' ? 'mode "unsandboxed"' : `${plan.service}'s unprivileged mode inside gVisor`} runs user code without NsJail: there is no jail to configure.`,
      alternatives: [`services.${plan.service}.mode: "rlimits-seccomp" (NsJail with limits and a syscall filter)`],
    }]);
  }
  const o = resolveNsjailOptions(plan, language, options);
  const ns = plan.jail.namespaces;
  const fields: Array<readonly [string, TextValue | undefined]> = [
    ['name', `${plan.target}-${plan.service}-${language}`],
    ...describe(plan, language, o).map((d) => ['description', d] as const),
    ['mode', enumValue('ONCE')],
    ['hostname', ns ? o.hostname : undefined],
    ['cwd', ns ? o.workDir : plan.sandbox.writablePaths[0] ?? o.workDir],
    ['time_limit', o.timeLimitSeconds],
    ['log_level', enumValue('WARNING')],
    ['keep_env', false],
    ['envar', 'PATH=/usr/local/bin:/usr/bin:/bin'],
    ['envar', `HOME=${ns ? o.workDir : plan.sandbox.writablePaths[0] ?? o.workDir}`],
    ['envar', `TMPDIR=${ns ? o.workDir : plan.sandbox.writablePaths[0] ?? o.workDir}`],
    ['envar', 'LANG=C.UTF-8'],
    ['keep_caps', false],
    ['disable_no_new_privs', false],
    ...rlimitFields(plan, o),
    ['clone_newnet', ns && o.network.mode === 'none'],
    ['clone_newuser', ns],
    ['clone_newns', ns],
    ['clone_newpid', ns],
    ['clone_newipc', ns],
    ['clone_newuts', ns],
    ['clone_newcgroup', ns],
    ['clone_newtime', false],
  ];
  if (ns) {
    // An image that starts as root without privileged drops to retool_user before NsJail runs:
    // its jail maps that uid. Root in the container (privileged) may map any id: never map jailed code to root.
    const dropped = plan.sandbox.imageUser === true && !plan.sandbox.privileged;
    const uid = dropped ? RETOOL_UNSANDBOXED_UID : plan.sandbox.runAsUser;
    const gid = dropped ? RETOOL_UNSANDBOXED_UID : plan.sandbox.runAsGroup;
    const outside = uid === 0 ? JAIL_HOST_ID_WHEN_ROOT : uid;
    const outsideGid = gid === 0 ? JAIL_HOST_ID_WHEN_ROOT : gid;
    fields.push(
      ['uidmap', message([['inside_id', String(o.jailId)], ['outside_id', String(outside)], ['count', 1]])],
      ['gidmap', message([['inside_id', String(o.jailId)], ['outside_id', String(outsideGid)], ['count', 1]])],
      ['mount_proc', false],
      ...o.runtimePaths.map((b) => ['mount', bind(b.src, b.dst, { mandatory: b.mandatory })] as const),
      // Read-only, or jailed code could rewrite name resolution for the next run.
      ['mount', bind('/etc/resolv.conf', '/etc/resolv.conf')],
      ['mount', bind('/etc/hosts', '/etc/hosts')],
      ['mount', bind('/etc/hostname', '/etc/hostname')],
      ['mount', bind('/dev/null', '/dev/null', { rw: true })],
      ['mount', bind('/dev/zero', '/dev/zero')],
      ['mount', bind('/dev/urandom', '/dev/urandom')],
      ['mount', bind('/dev/random', '/dev/random')],
      ['mount', message([
        // mode 1777 as tmpfs's default: in privileged mode the mounting root is unmapped inside the
        // user namespace, so a 0700 root-owned tmpfs would lock the jail user out. One run per jail.
        ['dst', o.workDir], ['fstype', 'tmpfs'], ['options', `size=${o.workDirSizeMiB * 1024 * 1024},mode=1777`],
        ['rw', true], ['is_bind', false], ['nosuid', true], ['nodev', true],
      ])],
    );
    if (plan.jail.procfs === 'new') {
      fields.push(['mount', message([['dst', '/proc'], ['fstype', 'proc'], ['rw', false], ['nosuid', true], ['nodev', true], ['noexec', true]])]);
    }
  } else {
    fields.push(['mount_proc', false]);
  }
  if (plan.jail.cgroups) {
    fields.push(
      // cgroup v2 where the node has it (every target's current node OS), v1 otherwise: NsJail
      // checks /sys/fs/cgroup. On v1 its per-run cgroups go under the container's own cgroup
      // (the runtime's cgroup namespace makes it the mount's root): parent ".".
      ['detect_cgroupv2', true],
      ['cgroupv2_mount', '/sys/fs/cgroup'],
      ['cgroup_mem_parent', '.'],
      ['cgroup_pids_parent', '.'],
      ['cgroup_cpu_parent', o.cpuMsPerSecond === undefined ? undefined : '.'],
      ['cgroup_mem_max', o.memoryMiB * 1024 * 1024],
      ['cgroup_mem_swap_max', 0],
      ['cgroup_pids_max', o.maxProcesses],
      ['cgroup_cpu_ms_per_sec', o.cpuMsPerSecond],
    );
  }
  fields.push(
    ...seccompPolicy(plan, o).map((l) => ['seccomp_string', l] as const),
    ['exec_bin', execBin(plan, language, o)],
  );
  const header = [
    `# NsJail configuration (protobuf text format, google/nsjail config.proto).`,
    `# Generated by sandbox-kit from plan(${plan.target}).${plan.service}: regenerate with npm run images.`,
  ].join('\n');
  return {
    service: plan.service,
    target: plan.target,
    mode: plan.mode,
    language,
    path: nsjailConfigPath(plan, language),
    text: `${header}\n${renderTextProto(message(fields))}\n`,
    egress: o.network.mode === 'egress' ? o.network.allow : [],
  };
}

/** Languages each NsJail service runs. */
export const SERVICE_LANGUAGES: Readonly<Record<'code-executor' | 'js-executor', readonly JailLanguage[]>> = {
  'code-executor': ['python', 'javascript'],
  'js-executor': ['javascript'],
};

/** Whether the plan runs NsJail at all (not the agent sandbox, and not code-executor's unprivileged mode). */
export function plansNsjail(plan: SandboxPlan): boolean {
  return plan.engine === 'nsjail' && plan.mode !== 'unsandboxed' && plan.insideGvisor !== 'unsandboxed';
}

/** Every configuration of a plan (none for the agent sandbox, which runs gVisor, nor for unprivileged modes). */
export function renderNsjailConfigs(plan: SandboxPlan, options: Partial<Record<JailLanguage, NsjailConfigOptions>> = {}): RenderedNsjailConfig[] {
  if (!plansNsjail(plan)) return [];
  const languages = SERVICE_LANGUAGES[plan.service as keyof typeof SERVICE_LANGUAGES] ?? [];
  return languages.map((l) => renderNsjailConfig(plan, l, options[l]));
}
