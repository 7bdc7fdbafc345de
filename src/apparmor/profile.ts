import { SandboxEngine } from '../policy/services';

/** The kit's AppArmor profiles, one per sandbox engine (the profile name is what pods reference). */
export const APPARMOR_PROFILE_NAMES = ['sandbox-kit-nsjail', 'sandbox-kit-gvisor'] as const;
export type AppArmorProfileName = (typeof APPARMOR_PROFILE_NAMES)[number];

/**
 * The parser generation a variant is written for:
 * - `3`: AppArmor 3 parsers (Debian 12's 3.0, COS, Ubuntu before 24.04), which reject `userns`;
 * - `4`: AppArmor 4 parsers (Ubuntu 24.04+), whose kernels restrict unprivileged user namespaces
 *   through AppArmor (`kernel.apparmor_restrict_unprivileged_userns=1`) unless the profile grants
 *   `userns`.
 */
export type AppArmorParserGeneration = 3 | 4;

/** One rule of a kit AppArmor profile, with the reason it is there. */
export interface AppArmorRule {
  /** The rule, without the trailing comma. */
  readonly rule: string;
  /** Why, in one line. */
  readonly reason: string;
  /**
   * Only in the variant for this parser generation and newer.
   * @default 3 (every variant)
   */
  readonly sinceParser?: AppArmorParserGeneration;
}

/** A kit AppArmor profile as data. */
export interface AppArmorProfileDefinition {
  /** Profile name. */
  readonly name: AppArmorProfileName;
  /** Engine whose sandbox containers run under it. */
  readonly engine: SandboxEngine;
  /** What runs under it, in one line. */
  readonly summary: string;
  /** Rules, in order. */
  readonly rules: readonly AppArmorRule[];
}

/**
 * Public sources of the rules, for the docs and the generated header:
 * containerd's default profile template (the deny rules every container on an AppArmor node gets
 * by default) and Retool's `retool-executor` / `retool-agent-sandbox` profiles.
 */
export const APPARMOR_SOURCES = [
  'moby/profiles apparmor/template.go, replicated in containerd contrib/apparmor/template.go (docker-default and cri-containerd.apparmor.d, the runtime default)',
  'tryretool/retool-helm charts/retool/templates/apparmor_nsjail_configmap.yaml and apparmor_agent_sandbox_configmap.yaml (PR #353)',
] as const;

/**
 * Capabilities the kernel honours only in the initial user namespace, where the container's
 * bounding set already lacks them: no sandbox working inside its own user namespace can use them,
 * so denying them costs nothing and holds if the bounding set is ever widened by mistake.
 */
export const INIT_NAMESPACE_ONLY_CAPABILITIES = [
  'mac_admin', 'mac_override', 'sys_module', 'sys_rawio', 'sys_boot', 'sys_time', 'syslog',
  'audit_control', 'bpf', 'perfmon',
] as const;

/**
 * Writes the runtime default profile denies (containerd's template, as Retool keeps them): /proc
 * and /sys stay read-only where a write would reach the host kernel, and the files that expose
 * kernel memory or the LSM itself stay closed.
 */
const PROC_AND_SYS_DENIALS: readonly AppArmorRule[] = [
  { rule: 'deny @{PROC}/* w', reason: 'no write to files directly in /proc (sysrq-trigger, kcore, ...)' },
  {
    rule: 'deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/** w',
    reason: 'no write under /proc/<name> unless <name> is a process id or sys (the runtime default\'s rule; Retool\'s profile drops it, the kit keeps it)',
  },
  { rule: 'deny @{PROC}/sys/[^k]** w', reason: 'no sysctl writes outside /proc/sys/kernel' },
  { rule: 'deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w', reason: 'in /proc/sys/kernel, only the IPC namespace\'s shm* values stay writable' },
  { rule: 'deny @{PROC}/sysrq-trigger rwklx', reason: 'no magic SysRq on the host' },
  { rule: 'deny @{PROC}/kcore rwklx', reason: 'no view of kernel memory' },
  { rule: 'deny /sys/[^f]*/** wklx', reason: 'sysfs stays read-only (except the cgroup tree below)' },
  { rule: 'deny /sys/f[^s]*/** wklx', reason: 'sysfs stays read-only' },
  { rule: 'deny /sys/fs/[^c]*/** wklx', reason: 'sysfs stays read-only' },
  { rule: 'deny /sys/fs/c[^g]*/** wklx', reason: 'sysfs stays read-only' },
  { rule: 'deny /sys/fs/cg[^r]*/** wklx', reason: 'sysfs stays read-only' },
  { rule: 'deny /sys/firmware/** rwklx', reason: 'no firmware tables (ACPI, EFI variables)' },
  { rule: 'deny /sys/devices/virtual/powercap/** rwklx', reason: 'no RAPL energy counters (a power side channel)' },
  { rule: 'deny /sys/kernel/security/** rwklx', reason: 'no view or change of the LSM policy, this profile included' },
];

function sandboxRules(name: AppArmorProfileName, engine: SandboxEngine): AppArmorRule[] {
  const ptrace = engine === 'gvisor'
    ? { rule: `ptrace (trace,read,tracedby,readby) peer=${name}`, reason: 'runsc\'s systrap platform ptraces its own executor threads' }
    : { rule: `ptrace (read,readby) peer=${name}`, reason: 'reading /proc/<pid> of the jail\'s processes (the service\'s process monitoring); NsJail traces nothing, so no trace' };
  return [
    { rule: 'network', reason: 'the service and the code it runs use the network (NetworkPolicies and security groups bound where to)' },
    { rule: 'capability', reason: 'the capabilities the container has (its bounding set limits them); the sandbox holds more only inside its own user namespace' },
    { rule: `deny capability ${INIT_NAMESPACE_ONLY_CAPABILITIES.join(' ')}`, reason: 'capabilities honoured only in the initial user namespace, which the container\'s bounding set already excludes' },
    { rule: 'file', reason: 'files, as the runtime default allows them (the denials below take precedence)' },
    { rule: 'mount', reason: `${engine === 'gvisor' ? 'runsc mounts the sentry and gofer roots' : 'NsJail mounts tmpfs, bind mounts and a fresh procfs'} in its own mount namespace (the runtime default denies every mount)` },
    { rule: 'umount', reason: 'unmounting the old root after pivot_root' },
    { rule: 'pivot_root', reason: `${engine === 'gvisor' ? 'runsc' : 'NsJail'} moves into the sandbox's root` },
    { rule: 'unix', reason: 'unix sockets: ABIs after 3.0 mediate them apart from network (moby/profiles apparmor/template.go pins ABI 3.0 for that reason)', sinceParser: 4 },
    { rule: 'userns', reason: `${engine === 'gvisor' ? 'runsc (rootless) and pasta create' : 'NsJail creates'} user namespaces; AppArmor 4 kernels with apparmor_restrict_unprivileged_userns=1 refuse that to profiles without this rule`, sinceParser: 4 },
    { rule: 'signal (receive) peer=unconfined', reason: 'the kubelet and container runtime stop the container' },
    { rule: 'signal (receive) peer=runc', reason: 'runc stops the container where it runs under its own profile (Ubuntu 24.04 ships one)' },
    { rule: 'signal (receive) peer=crun', reason: 'crun likewise' },
    { rule: `signal (send,receive) peer=${name}`, reason: 'processes of the container signal each other (the jail supervises its children)' },
    ptrace,
    ...PROC_AND_SYS_DENIALS,
  ];
}

/** The kit's AppArmor profiles. */
export const APPARMOR_PROFILES: Readonly<Record<AppArmorProfileName, AppArmorProfileDefinition>> = {
  'sandbox-kit-nsjail': {
    name: 'sandbox-kit-nsjail',
    engine: 'nsjail',
    summary: 'code-executor and js-executor in seccomp mode: NsJail creates its namespaces inside the container',
    rules: sandboxRules('sandbox-kit-nsjail', 'nsjail'),
  },
  'sandbox-kit-gvisor': {
    name: 'sandbox-kit-gvisor',
    engine: 'gvisor',
    summary: 'agent sandbox pods in seccomp mode: rootless runsc (systrap) and pasta inside the container',
    rules: sandboxRules('sandbox-kit-gvisor', 'gvisor'),
  },
};

/** The kit profile for a sandbox engine. */
export function appArmorProfileFor(engine: SandboxEngine): AppArmorProfileDefinition {
  const p = Object.values(APPARMOR_PROFILES).find((d) => d.engine === engine);
  if (!p) throw new Error(`no kit AppArmor profile for engine ${engine}`);
  return p;
}

/** Options of renderAppArmorProfile. */
export interface RenderAppArmorOptions {
  /**
   * Rules to leave out, by their text (tests: a profile without one rule).
   * @default []
   */
  readonly without?: readonly string[];
}

/**
 * The profile text for one parser generation. Self-contained (no `#include`): it defines the one
 * variable it uses, so it compiles on nodes whose /etc/apparmor.d lacks the usual tunables.
 */
export function renderAppArmorProfile(name: AppArmorProfileName, parser: AppArmorParserGeneration, options: RenderAppArmorOptions = {}): string {
  const def = APPARMOR_PROFILES[name];
  for (const w of options.without ?? []) {
    if (!def.rules.some((r) => r.rule === w)) throw new Error(`renderAppArmorProfile: ${name} has no rule "${w}"`);
  }
  const rules = def.rules.filter((r) => (r.sinceParser ?? 3) <= parser && !(options.without ?? []).includes(r.rule));
  return [
    `# ${name}: ${def.summary}.`,
    `# Generated by sandbox-kit (src/apparmor) for AppArmor ${parser} parsers${parser === 4 ? ' (with userns)' : ' (no userns rule: AppArmor 3 does not know it)'}. Do not edit.`,
    '# Allows what the sandbox needs on top of the container runtime\'s default profile (mount, umount,',
    '# pivot_root, user namespaces) and keeps that default\'s denials of writes to /proc and /sys.',
    '',
    // The ABI the rules mean what they say under; without it a parser applies its own default.
    `abi <abi/${parser}.0>,`,
    '',
    '@{PROC}=/proc/',
    '',
    `profile ${name} flags=(attach_disconnected,mediate_deleted) {`,
    ...rules.flatMap((r) => [`  # ${r.reason}`, `  ${r.rule},`]),
    '}',
    '',
  ].join('\n');
}

/** One rendered profile file. */
export interface RenderedAppArmorProfile {
  /** Profile name. */
  readonly name: AppArmorProfileName;
  /** Parser generation. */
  readonly parser: AppArmorParserGeneration;
  /** File name in `profiles/apparmor/` and in the loader's ConfigMap. */
  readonly fileName: string;
  /** Exact text. */
  readonly content: string;
}

/** Both variants of a profile. */
export function renderedAppArmorProfiles(name: AppArmorProfileName): RenderedAppArmorProfile[] {
  return ([3, 4] as const).map((parser) => ({
    name,
    parser,
    fileName: appArmorFileName(name, parser),
    content: renderAppArmorProfile(name, parser),
  }));
}

/** `sandbox-kit-nsjail.apparmor3`, `sandbox-kit-nsjail.apparmor4`. */
export function appArmorFileName(name: AppArmorProfileName, parser: AppArmorParserGeneration): string {
  return `${name}.apparmor${parser}`;
}
