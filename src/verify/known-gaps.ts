import { SandboxMode } from '../policy/modes';
import { ProfileName, ServiceName } from '../policy/services';
import { SyscallAddition } from '../seccomp/additions';

/**
 * Places where the behavioural probes found that the PLAN promises a sandbox the rendered
 * settings cannot start. Each is a finding for the planner or the seccomp profiles, kept here so
 * that the results table says so and the test for it is marked as a known failure (jest
 * `test.failing`): when the fix lands, that test starts passing and jest reports it, so the
 * entry must be removed. test/verify/gvisor-needs.test.ts proves each diagnosis.
 */
export interface KnownGap {
  /** Service. */
  readonly service: ServiceName;
  /** Mode in which the gap shows. */
  readonly mode: SandboxMode;
  /** The probe that disagrees. */
  readonly probe: string;
  /** What is wrong and what would fix it. */
  readonly finding: string;
}

/** Known gaps between the plan and what runs. */
export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    service: 'agent-sandbox',
    mode: 'seccomp',
    probe: 'runsc_do_true',
    finding: 'runsc cannot start under the rendered settings: its gofer and sandbox mount a fresh procfs (refused while /proc is masked: the plan keeps procMount Default for gVisor) and the gofer calls chroot (denied: the gvisor profile does not add chroot and CAP_SYS_CHROOT is dropped). Fix: plan procMount Unmasked (with hostUsers: false) for the agent sandbox, and add chroot to the gvisor profile; on ECS on EC2, where /proc cannot be unmasked, the agent sandbox cannot run in seccomp mode.',
  },
];

/** The known gap of a service in a mode, if any. */
export function knownGap(service: ServiceName, mode: SandboxMode | 'refused'): KnownGap | undefined {
  return KNOWN_GAPS.find((g) => g.service === service && g.mode === mode);
}

/**
 * Syscalls the probes showed a sandbox needs that its kit profile does not add. The minimality
 * run adds them (and nothing else) so that the profile's own additions can be tested at all.
 */
export const MISSING_ADDITIONS: Readonly<Partial<Record<ProfileName, readonly SyscallAddition[]>>> = {
  gvisor: [{
    syscall: 'chroot',
    reason: 'the runsc gofer chroots into the root it serves (runsc/cmd/gofer.go unix.Chroot); the base allows chroot only with CAP_SYS_CHROOT, which the plan drops',
  }],
};

/** Additions that are alternatives: removing the whole group must break the sandbox. */
export const ALTERNATIVE_ADDITIONS: Readonly<Record<ProfileName, readonly (readonly string[])[]>> = {
  nsjail: [['clone', 'clone3']],
  gvisor: [],
};

/**
 * Additions whose removal alone no probe notices, with why the probes here cannot or do not need to
 * exercise them. Reported to the seccomp profiles' owners: each should be removed or keep its
 * reason in additions.ts next to it (docs/verification.md lists them).
 */
export const UNPROVEN_ADDITIONS: Readonly<Record<ProfileName, Readonly<Record<string, string>>>> = {
  nsjail: {
    clone: 'NsJail (subproc::cloneProc) creates the jail with clone3 when it is allowed, so removing clone alone changes nothing; removing clone and clone3 together breaks the jail (proven): keep one of them',
    clone3: 'without it the base answers clone3 with ENOSYS and NsJail falls back to clone, which the profile allows with every flag; removable as long as clone stays',
  },
  gvisor: {
    clone3: 'runsc (Go) creates processes with clone; without the addition the base answers clone3 with ENOSYS, which glibc and Go treat as "use clone"',
    unshare: 'runsc rootless creates its namespaces with clone flags, not unshare, in runsc do with --network=none; pasta (not in Debian\'s runsc 20221219) may need it',
    setns: 'not called by runsc do --network=none; pasta networking (the seed\'s setup) joins the sandbox netns with setns, which Debian\'s runsc cannot exercise',
    sethostname: 'the sentry keeps the sandbox hostname itself; runsc never calls the host\'s sethostname in this probe',
    ptrace: 'the base already allows ptrace on kernels >= 4.8 (minKernel), so removing the addition leaves it allowed; Debian\'s runsc uses the ptrace platform, systrap is newer',
  },
};
