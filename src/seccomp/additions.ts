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
  /**
   * Set instead of `provenBy` for an addition that is kept although no behavioural test here
   * needs it: why it is kept and why the probes cannot exercise it, in one line. The
   * minimality test pins it (removing the addition must change nothing), so a runtime that
   * starts needing it, or proves it removable, shows up.
   * @default undefined
   */
  readonly unproven?: string;
  /**
   * Where a vendor's own profile for the same sandbox lists this syscall (Retool's
   * gvisor-seccomp.json): an unproven addition stays only with such a listing, since the vendor's
   * image may run a release of the sandbox that needs it.
   * @default undefined
   */
  readonly vendor?: string;
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

/** Where the proof of an addition is, for `provenBy`. */
const MINIMALITY = 'test/verify/minimality.test.ts';

/** The test that runs pasta (the agent sandbox's network) under the gvisor profile without each addition. */
export const PASTA_PROOF = 'test/verify/pasta.test.ts';

/** NsJail's new mount API source, cited by the additions it needs. */
const NEWAPI = 'google/nsjail mnt_newapi.cc (new mount API, used when the kernel is >= 6.3, no fallback to mount(2))';

/**
 * NsJail (code-executor, js-executor) without CAP_SYS_ADMIN: what it calls to build a jail in
 * an unprivileged user namespace, on both of its mount paths (legacy mount(2), and the new
 * mount API that current NsJail takes on kernels >= 6.3, the kernels `hostUsers: false` needs).
 * Kept minimal: no clone3 (NsJail falls back to clone on the base's ENOSYS answer), no setns
 * (NsJail creates namespaces, it does not join existing ones), no chroot (it pivots; chroot is
 * only its no_pivotroot path), no fspick (mnt_newapi.cc does not use it).
 */
export const NSJAIL_PROFILE: ProfileDefinition = {
  name: 'nsjail',
  summary: 'NsJail sandboxes (code-executor, js-executor) in an unprivileged container with user namespaces',
  services: ['code-executor', 'js-executor'],
  additions: [
    { syscall: 'clone', reason: 'NsJail starts each jail with clone(CLONE_NEWUSER|NEWNS|NEWPID|NEWIPC|NEWUTS|NEWNET) after clone3 gets the base\'s ENOSYS; the base allows clone only without namespace flags unless CAP_SYS_ADMIN', provenBy: `${MINIMALITY} (nsjail without clone: the jail's clone fails with EPERM on both mount paths)` },
    { syscall: 'unshare', reason: 'NsJail\'s execve mode creates the namespaces with unshare(2) instead of clone', provenBy: `${MINIMALITY} (nsjail without unshare: unshare fails with EPERM)` },
    { syscall: 'mount', reason: 'NsJail makes / private (MS_REC|MS_PRIVATE) on both mount paths, and on the legacy path mounts the jail root (tmpfs), read-only binds and /proc', provenBy: `${MINIMALITY} (nsjail without mount: private propagation fails with EPERM on both paths)` },
    { syscall: 'umount2', reason: 'NsJail detaches the old root with umount2(MNT_DETACH) after pivot_root', provenBy: `${MINIMALITY} (nsjail without umount2: umount2 of the old root fails with EPERM)` },
    { syscall: 'pivot_root', reason: 'NsJail switches the jail to its new root; the base never allows pivot_root', provenBy: `${MINIMALITY} (nsjail without pivot_root: pivot_root fails with EPERM)` },
    { syscall: 'sethostname', reason: 'NsJail sets the jail hostname in its UTS namespace', provenBy: `${MINIMALITY} (nsjail without sethostname: sethostname fails with EPERM)` },
    { syscall: 'fsopen', reason: `${NEWAPI}: fsopen("tmpfs") for the jail root and fsopen(fstype) for each filesystem mount (proc)`, provenBy: `${MINIMALITY} (nsjail without fsopen: the new-API root tmpfs fails with EPERM)` },
    { syscall: 'fsconfig', reason: `${NEWAPI}: fsconfig(FSCONFIG_SET_STRING "size", then FSCONFIG_CMD_CREATE) on each fsopen context`, provenBy: `${MINIMALITY} (nsjail without fsconfig: the root tmpfs's size fails with EPERM)` },
    { syscall: 'fsmount', reason: `${NEWAPI}: fsmount turns each configured filesystem into a detached mount`, provenBy: `${MINIMALITY} (nsjail without fsmount: the root tmpfs's fsmount fails with EPERM)` },
    { syscall: 'move_mount', reason: `${NEWAPI}: move_mount(MOVE_MOUNT_F_EMPTY_PATH) attaches the root tmpfs, each bind and each filesystem mount`, provenBy: `${MINIMALITY} (nsjail without move_mount: attaching the root tmpfs fails with EPERM)` },
    { syscall: 'open_tree', reason: `${NEWAPI}: open_tree(OPEN_TREE_CLONE|AT_RECURSIVE) clones each bind-mount source, then reopens each mounted point`, provenBy: `${MINIMALITY} (nsjail without open_tree: the bind's open_tree fails with EPERM)` },
    { syscall: 'mount_setattr', reason: `${NEWAPI}: mount_setattr(AT_EMPTY_PATH, MOUNT_ATTR_NOSUID/NODEV/NOEXEC) on each mount, and MOUNT_ATTR_RDONLY with AT_RECURSIVE on the jail root (fatal when refused)`, provenBy: `${MINIMALITY} (nsjail without mount_setattr: the bind's flags and the read-only root fail with EPERM)` },
  ],
};

/** Retool's own profile for its agent sandbox image, which bundles its own runsc. */
const RETOOL_GVISOR = 'tryretool/retool-helm charts/retool/files/gvisor-seccomp.json (chart 6.11.21, commit 5ff424460e8247d8f74ef2b2d5f7107f281ac7e3)';

/** Why the gVisor additions that neither Debian runsc exercises here are kept. */
const NOT_NEEDED_HERE = 'neither runsc 20221219 (ptrace platform) nor runsc 20240729 (systrap) needs it for rootless `do --network=none` here (test/verify/minimality.test.ts, both releases)';

/** gVisor's runsc (agent sandbox), rootless, systrap platform, pasta networking: Retool's published table plus chroot. */
export const GVISOR_PROFILE: ProfileDefinition = {
  name: 'gvisor',
  summary: 'gVisor runsc (agent sandbox) with the systrap platform and pasta networking, unprivileged',
  services: ['agent-sandbox'],
  additions: [
    { syscall: 'clone', reason: 'runsc creates the sandbox and gofer processes in new user, mount, PID, IPC, UTS and network namespaces', provenBy: `${MINIMALITY} (gvisor without clone: runsc cannot re-execute itself, EPERM)` },
    { syscall: 'clone3', reason: 'the Go runtime and glibc in runsc and pasta may create processes with clone3', replacesBaseRule: CLONE3_REPLACES, unproven: `${NOT_NEEDED_HERE} (Go uses clone; glibc falls back on the base's ENOSYS), nor pasta (${PASTA_PROOF})`, vendor: `${RETOOL_GVISOR}: "gVisor + pasta: namespace creation and entry"` },
    { syscall: 'unshare', reason: 'runsc and pasta unshare user, mount and network namespaces', provenBy: `${PASTA_PROOF} (gvisor without unshare: pasta "Couldn't create user namespace: Operation not permitted"; runsc itself creates its namespaces with clone flags)`, vendor: `${RETOOL_GVISOR}: "gVisor + pasta: namespace creation and entry"` },
    { syscall: 'setns', reason: 'runsc and pasta join the namespaces created for the sandbox (pasta attaches to the sandbox network namespace)', provenBy: `${PASTA_PROOF} (gvisor without setns: pasta never runs its command, killed after 10 s; runsc do does not need it)`, vendor: `${RETOOL_GVISOR}: "gVisor + pasta: namespace creation and entry"` },
    { syscall: 'sethostname', reason: 'pasta sets the hostname in its namespace', unproven: `${NOT_NEEDED_HERE} (the sentry keeps the sandbox hostname itself), nor pasta, which runs its command without it (${PASTA_PROOF})`, vendor: `${RETOOL_GVISOR}: "pasta: set hostname inside namespace (cosmetic, avoids warning)"` },
    { syscall: 'mount', reason: 'runsc mounts the sentry and gofer root filesystems (tmpfs, binds, proc)', provenBy: `${MINIMALITY} (gvisor without mount: the gofer cannot convert its mounts, EPERM)` },
    { syscall: 'umount2', reason: 'runsc detaches the old root after pivot_root', provenBy: `${MINIMALITY} (gvisor without umount2: runsc cannot unmount the old root)` },
    { syscall: 'pivot_root', reason: 'runsc pivots the sentry and gofer into their new roots; the base never allows pivot_root', provenBy: `${MINIMALITY} (gvisor without pivot_root: the sandbox's pivot_root fails)` },
    { syscall: 'chroot', reason: 'the runsc gofer chroots into the root it serves (runsc/cmd/gofer.go); the base allows chroot only with CAP_SYS_CHROOT, which the plan drops', provenBy: `${MINIMALITY} (gvisor without chroot: the gofer fails to chroot)` },
    { syscall: 'ptrace', reason: 'systrap starts its executor threads with ptrace; the base allows ptrace only from kernel 4.8 (minKernel), so on supported kernels this only makes that unconditional', unproven: `${NOT_NEEDED_HERE} (the base already allows ptrace on kernels >= 4.8, where runsc 20240729's systrap ran), nor pasta (${PASTA_PROOF})`, vendor: `${RETOOL_GVISOR}: "gVisor systrap platform: workload executor thread initialization"` },
  ],
};

/** Every kit profile by name. */
export const PROFILE_DEFINITIONS: Readonly<Record<ProfileName, ProfileDefinition>> = {
  nsjail: NSJAIL_PROFILE,
  gvisor: GVISOR_PROFILE,
};

/** Profile names in a stable order. */
export const PROFILE_NAMES: readonly ProfileName[] = ['nsjail', 'gvisor'];
