import { SandboxMode } from '../policy/modes';
import { ProfileName, ServiceName } from '../policy/services';
import { PASTA_PROOF, PROFILE_DEFINITIONS } from '../seccomp/additions';

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
  // None. The last one (agent sandbox in seccomp mode: runsc's gofer could not mount its procfs
  // under a masked /proc, nor chroot) was fixed by the planner (procMount: Unmasked with
  // hostUsers: false, refused where /proc cannot be unmasked) and the gvisor profile (chroot).
];

/** The known gap of a service in a mode, if any. */
export function knownGap(service: ServiceName, mode: SandboxMode | 'refused'): KnownGap | undefined {
  return KNOWN_GAPS.find((g) => g.service === service && g.mode === mode);
}

/**
 * Additions that are alternatives: each removable alone, removing the whole group must break the
 * sandbox. None now: nsjail's clone3 was dropped (NsJail falls back to clone on the base's ENOSYS),
 * so clone is needed on its own.
 */
export const ALTERNATIVE_ADDITIONS: Readonly<Record<ProfileName, readonly (readonly string[])[]>> = {
  nsjail: [],
  gvisor: [],
};

/**
 * Additions kept although no probe here needs them (their `unproven` reason in
 * src/seccomp/additions.ts), by profile: the minimality test requires that removing each changes
 * nothing, and that every other addition's removal breaks the sandbox.
 */
export const UNPROVEN_ADDITIONS: Readonly<Record<ProfileName, Readonly<Record<string, string>>>> = {
  nsjail: unprovenOf('nsjail'),
  gvisor: unprovenOf('gvisor'),
};

function unprovenOf(profile: ProfileName): Readonly<Record<string, string>> {
  return Object.fromEntries(PROFILE_DEFINITIONS[profile].additions.flatMap((a) => (a.unproven ? [[a.syscall, a.unproven]] : [])));
}

/**
 * Additions proven by pasta (the agent sandbox's network, test/verify/pasta.test.ts), not by runsc:
 * the runsc minimality runs must find them changing nothing, like the unproven ones.
 */
export const PROVEN_BY_PASTA: Readonly<Record<ProfileName, readonly string[]>> = {
  nsjail: pastaProven('nsjail'),
  gvisor: pastaProven('gvisor'),
};

function pastaProven(profile: ProfileName): string[] {
  return PROFILE_DEFINITIONS[profile].additions.filter((a) => a.provenBy?.startsWith(PASTA_PROOF)).map((a) => a.syscall);
}
