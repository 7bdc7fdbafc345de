/** The planner's vocabulary of sandbox modes (README.md, "Sandbox modes"). */
export const SANDBOX_MODES = ['privileged', 'seccomp', 'gvisor-runtimeclass', 'rlimits-seccomp', 'unsandboxed'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

/** A mode, or `auto`: the strongest mode the target allows. */
export type RequestedMode = SandboxMode | 'auto';

/** What each mode runs and where its isolation boundary is, for `explain` and docs. */
export const MODE_BOUNDARY: Readonly<Record<SandboxMode, string>> = {
  'privileged': 'The sandbox inside (NsJail or runsc namespaces, cgroups and seccomp); the privileged container itself can reach the host.',
  'seccomp': 'The sandbox inside, in unprivileged user namespaces, plus the container boundary under the kit\'s seccomp allowlist.',
  'gvisor-runtimeclass': 'gVisor (the platform\'s RuntimeClass) around the whole pod; host seccomp and AppArmor are not what enforces it. Nothing inside can build its own sandbox (NsJail namespaces, nested runsc).',
  'rlimits-seccomp': 'Partial: NsJail with no namespaces, only per-run rlimits and a syscall filter, plus the platform\'s own boundary.',
  'unsandboxed': 'None inside: user code runs as the service\'s own process; only the container (or the Fargate microVM) contains it.',
};
