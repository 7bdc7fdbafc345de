/**
 * Typed model of seccomp profiles in the two formats the kit writes.
 *
 * - Docker's format (moby `profiles/seccomp`): `archMap` and syscall groups with `includes` /
 *   `excludes` conditions on capabilities, architectures and kernel version. dockerd and CRI-O
 *   resolve the conditions for each container.
 * - The OCI runtime-spec `LinuxSeccomp` structure: no conditions at all. containerd decodes a
 *   Localhost profile file straight into it, dropping every key it does not know.
 */

/** Actions of a seccomp rule (runtime-spec `LinuxSeccompAction`). */
export const SECCOMP_ACTIONS = [
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
] as const;
export type SeccompAction = (typeof SECCOMP_ACTIONS)[number];

/** Comparison operators of an argument filter (runtime-spec `LinuxSeccompOperator`). */
export const SECCOMP_OPERATORS = [
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
] as const;
export type SeccompOperator = (typeof SECCOMP_OPERATORS)[number];

/** libseccomp architecture tokens the kit renders or reads (runtime-spec `Arch`). */
export const SECCOMP_ARCHES = [
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_LOONGARCH64',
] as const;
export type SeccompArch = (typeof SECCOMP_ARCHES)[number];

/**
 * Architecture names used in Docker-format `includes.arches` / `excludes.arches`: Go's GOARCH
 * values, which dockerd compares with its own `runtime.GOARCH`.
 */
export const DOCKER_GOARCHES = [
  'amd64', 'x86', 'x32', 'arm', 'arm64', 'mips', 'mipsle', 'mips64', 'mips64le', 'mips64n32',
  'mips64len32', 'ppc', 'ppc64', 'ppc64le', 's390', 's390x', 'riscv64', 'loong64', 'loongarch64',
] as const;

/** One argument filter (the same shape in both formats). */
export interface SeccompArg {
  /** Argument position, 0 to 5. */
  readonly index: number;
  /** Value compared against (the mask for `SCMP_CMP_MASKED_EQ`). */
  readonly value: number;
  /** Second value (the expected masked value for `SCMP_CMP_MASKED_EQ`); omitted when 0. */
  readonly valueTwo?: number;
  /** Comparison. */
  readonly op: SeccompOperator;
}

/** A Docker-format condition: which containers a group applies to. */
export interface DockerFilter {
  /** Every one of these capabilities (includes) / any of them (excludes), `CAP_` prefixed. */
  readonly caps?: readonly string[];
  /** GOARCH names (`amd64`, `arm64`, ...) of the container's native architecture. */
  readonly arches?: readonly string[];
  /** Lowest kernel version, e.g. `"4.8"`. */
  readonly minKernel?: string;
}

/** One Docker-format syscall group. */
export interface DockerSyscallGroup {
  /** Syscall names the rule applies to. */
  readonly names: readonly string[];
  /** What happens when the rule matches. */
  readonly action: SeccompAction;
  /** Argument filters; all must match. */
  readonly args?: readonly SeccompArg[];
  /** errno returned by `SCMP_ACT_ERRNO`; the profile's `defaultErrnoRet` when unset. */
  readonly errnoRet?: number;
  /** Why the group exists. */
  readonly comment?: string;
  /** The group applies only to containers matching all of these. */
  readonly includes?: DockerFilter;
  /** The group does not apply to containers matching any of these. */
  readonly excludes?: DockerFilter;
}

/** `archMap` entry: a native architecture and the compat architectures it also runs. */
export interface DockerArchMapEntry {
  /** Native architecture. */
  readonly architecture: SeccompArch;
  /** Compat architectures (32-bit ABIs); `null` in moby's file where there is none. */
  readonly subArchitectures: readonly SeccompArch[] | null;
}

/** A profile in Docker's format (what dockerd's `seccomp-profile` and CRI-O read). */
export interface DockerSeccompProfile {
  /** Action for syscalls that no rule names. */
  readonly defaultAction: SeccompAction;
  /** errno of `defaultAction` when it is `SCMP_ACT_ERRNO`. */
  readonly defaultErrnoRet?: number;
  /** Architectures by native architecture. */
  readonly archMap?: readonly DockerArchMapEntry[];
  /** Rules, in order. */
  readonly syscalls: readonly DockerSyscallGroup[];
}

/** One rule in the OCI `LinuxSeccomp` structure (runtime-spec `LinuxSyscall`). */
export interface OciSyscall {
  /** Syscall names. */
  readonly names: readonly string[];
  /** Action. */
  readonly action: SeccompAction;
  /** errno of `SCMP_ACT_ERRNO`; the profile's `defaultErrnoRet` when unset. */
  readonly errnoRet?: number;
  /** Argument filters; all must match. */
  readonly args?: readonly SeccompArg[];
}

/** The OCI runtime-spec `LinuxSeccomp` structure (what containerd decodes a Localhost file into). */
export interface OciSeccomp {
  /** Action for syscalls that no rule names. */
  readonly defaultAction: SeccompAction;
  /** errno of `defaultAction` when it is `SCMP_ACT_ERRNO`. */
  readonly defaultErrnoRet?: number;
  /** Architectures the filter accepts; syscalls made through any other ABI are refused. */
  readonly architectures: readonly SeccompArch[];
  /** seccomp(2) flags, e.g. `SECCOMP_FILTER_FLAG_SPEC_ALLOW`. */
  readonly flags?: readonly string[];
  /** Rules; no conditions. */
  readonly syscalls: readonly OciSyscall[];
}
