import { ProfileName, ServiceName } from '../policy/services';
import { SeccompAction } from './types';

/**
 * One syscall a kit profile allows on top of the Docker default, as data, so that a test can
 * build the profile without it (`buildProfile(name, { without: ['pivot_root'] })`).
 */
export interface SyscallAddition {
  /** Syscall name, as in the kernel's syscall tables. */
  readonly syscall: string;
  /** Why the sandbox needs it, in one line. */
  readonly reason: string;
  /**
   * Action of the rule.
   * @default 'SCMP_ACT_ALLOW'
   */
  readonly action?: SeccompAction;
  /**
   * errno for `SCMP_ACT_ERRNO`.
   * @default the profile's defaultErrnoRet
   */
  readonly errnoRet?: number;
  /**
   * Required when the base already gives this syscall a different action (clone3: ENOSYS without
   * CAP_SYS_ADMIN): one line on why replacing that rule is safe. Without it such an addition is
   * an error, so that no base denial is lifted by accident.
   * @default undefined (no base rule with another action may exist)
   */
  readonly replacesBaseRule?: string;
  /**
   * The behavioural test that shows the sandbox fails without this addition. Until one exists
   * the addition is "unproven" and the docs say so.
   * @default undefined (unproven)
   */
  readonly provenBy?: string;
}

/** A named kit profile: the Docker default plus additions. */
export interface ProfileDefinition {
  /** Profile name; also the file name on nodes. */
  readonly name: ProfileName;
  /** What runs under it, in one line. */
  readonly summary: string;
  /** Services whose sandbox containers use it in `seccomp` mode. */
  readonly services: readonly ServiceName[];
  /** Syscalls added to the base, each with its reason. */
  readonly additions: readonly SyscallAddition[];
}

const CLONE3_REPLACES = 'the base answers clone3 with ENOSYS without CAP_SYS_ADMIN only because seccomp cannot inspect clone3\'s flags; clone is allowed with every flag here, so clone3 grants nothing more';

/**
 * NsJail (code-executor, js-executor) without CAP_SYS_ADMIN: what it calls to build a jail in
 * an unprivileged user namespace. Kept minimal: no setns (NsJail creates namespaces, it does not
 * join existing ones), no chroot (it pivots; chroot is only its no_pivotroot path).
 *
 * Open question for the behavioural tests: recent NsJail sources (mnt_newapi.cc) build the jail
 * with the new mount API (fsopen, fsconfig, fsmount, move_mount, open_tree, mount_setattr) when
 * the kernel is >= 6.3, and have no fallback to mount(2) on EPERM. If the pinned NsJail takes
 * that path on such nodes, those six syscalls must be added here.
 */
export const NSJAIL_PROFILE: ProfileDefinition = {
  name: 'nsjail',
  summary: 'NsJail sandboxes (code-executor, js-executor) in an unprivileged container with user namespaces',
  services: ['code-executor', 'js-executor'],
  additions: [
    { syscall: 'clone', reason: 'NsJail starts each jail with clone(CLONE_NEWUSER|NEWNS|NEWPID|NEWIPC|NEWUTS|NEWNET); the base allows clone only without namespace flags unless CAP_SYS_ADMIN' },
    { syscall: 'clone3', reason: 'glibc >= 2.34 and newer NsJail builds try clone3 first (they fall back to clone on ENOSYS, so this may prove removable)', replacesBaseRule: CLONE3_REPLACES },
    { syscall: 'unshare', reason: 'NsJail\'s execve mode creates the namespaces with unshare(2) instead of clone' },
    { syscall: 'mount', reason: 'NsJail mounts the jail root (tmpfs), read-only binds, /proc and /dev inside its mount namespace' },
    { syscall: 'umount2', reason: 'NsJail detaches the old root with umount2(MNT_DETACH) after pivot_root' },
    { syscall: 'pivot_root', reason: 'NsJail switches the jail to its new root; the base never allows pivot_root' },
    { syscall: 'sethostname', reason: 'NsJail sets the jail hostname in its UTS namespace' },
  ],
};

/** gVisor's runsc (agent sandbox), rootless, systrap platform, pasta networking: the seed's table. */
export const GVISOR_PROFILE: ProfileDefinition = {
  name: 'gvisor',
  summary: 'gVisor runsc (agent sandbox) with the systrap platform and pasta networking, unprivileged',
  services: ['agent-sandbox'],
  additions: [
    { syscall: 'clone', reason: 'runsc creates the sandbox and gofer processes in new user, mount, PID, IPC, UTS and network namespaces' },
    { syscall: 'clone3', reason: 'the Go runtime and glibc in runsc and pasta may create processes with clone3', replacesBaseRule: CLONE3_REPLACES },
    { syscall: 'unshare', reason: 'runsc and pasta unshare user, mount and network namespaces' },
    { syscall: 'setns', reason: 'runsc and pasta join the namespaces created for the sandbox (pasta attaches to the sandbox network namespace)' },
    { syscall: 'sethostname', reason: 'runsc sets the sandbox hostname in its UTS namespace' },
    { syscall: 'mount', reason: 'runsc mounts the sentry and gofer root filesystems (tmpfs, binds, proc)' },
    { syscall: 'umount2', reason: 'runsc detaches the old root after pivot_root' },
    { syscall: 'pivot_root', reason: 'runsc pivots the sentry and gofer into their new roots; the base never allows pivot_root' },
    { syscall: 'ptrace', reason: 'systrap starts its executor threads with ptrace; the base allows ptrace only from kernel 4.8 (minKernel), so on supported kernels this only makes that unconditional' },
  ],
};

/** Every kit profile by name. */
export const PROFILE_DEFINITIONS: Readonly<Record<ProfileName, ProfileDefinition>> = {
  nsjail: NSJAIL_PROFILE,
  gvisor: GVISOR_PROFILE,
};

/** Profile names in a stable order. */
export const PROFILE_NAMES: readonly ProfileName[] = ['nsjail', 'gvisor'];
