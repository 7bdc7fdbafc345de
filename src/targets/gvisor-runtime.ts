import { verified } from './facts';

/**
 * What runs inside the platform's gVisor (a `runtimeClassName: gvisor` pod, as GKE Sandbox runs
 * it), measured by the kit's tests with runsc 20221219 and 20240729: test/verify/gvisor-runtimeclass.test.ts
 * runs the pod's container with `runsc run` and the service's own sandbox inside it.
 */
const MEASURED = 'measured by test/verify/gvisor-runtimeclass.test.ts (runsc 20221219 and 20240729, `runsc run` of the pod\'s container)';

/**
 * NsJail cannot create its namespaces inside gVisor, with its defaults or the kit's
 * configurations: under runsc 20240729 its clone with namespace flags fails with EINVAL; under
 * runsc 20221219 the clone passes but its netlink set-up of the new network namespace fails
 * ("rtnl_link_alloc_cache(): Message sequence number mismatch"); without a network namespace it
 * fails writing /proc/<pid>/setgroups (absent in gVisor); and NsJail calls
 * prctl(PR_SET_SECUREBITS), which gVisor refuses beyond SECBIT_KEEP_CAPS
 * (google/gvisor pkg/sentry/kernel/task_identity.go), whenever it creates a user namespace.
 */
export const NSJAIL_NAMESPACES_IN_GVISOR = verified(
  false,
  `${MEASURED}: NsJail 3.6-75-gd6454b4 with its defaults (-Mo --chroot /) and with the kit's namespaced configurations fails (clone EINVAL under 20240729, network namespace set-up under 20221219)`,
  'gVisor is a boundary around the pod, not a place where NsJail can build its jails',
);

/**
 * gVisor refuses setrlimit of RLIMIT_RTPRIO and RLIMIT_MSGQUEUE (EPERM, even to the current
 * value), which NsJail sets for every jail unless its limits are off (`disable_rl`).
 */
export const NSJAIL_RLIMITS_IN_GVISOR = verified(
  'prlimit' as const,
  `${MEASURED}: setrlimit(RLIMIT_RTPRIO, 0) fails with EPERM; the kit's rlimits-only configuration with disable_rl and the limits set by prlimit(1) runs and applies them`,
);

/** runsc cannot start inside gVisor (nested gVisor): the agent sandbox's own runsc fails there. */
export const RUNSC_NESTED_IN_GVISOR = verified(
  false,
  `${MEASURED}: runsc inside runsc fails to create its sandbox ("fork/exec /proc/self/exe: invalid argument" with 20221219, "cannot read client sync file: waiting for sandbox to start: EOF" with 20240729)`,
);

/**
 * The oldest runsc release measured to start under a masked /proc (`procMount: Default`, ECS):
 * runsc 20221219's gofer mounts a fresh procfs, which the kernel refuses ("gofer: error mounting
 * proc: operation not permitted"); runsc 20240729 starts (test/verify/gvisor-needs.test.ts).
 */
export const RUNSC_UNDER_MASKED_PROC = verified(
  '20240729',
  'measured by test/verify/gvisor-needs.test.ts: runsc 20221219 fails under a masked /proc, runsc 20240729 starts (rootless, the kit\'s gvisor profile, uid 1000)',
);
