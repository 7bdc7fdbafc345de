import { verifyAvailability } from '../../src/verify/container';
import { nsjailTool, RunscBinary, runscTools, strictTools, STRICT_TOOLS_ENV } from '../../src/verify/tools';

/** Whether the behavioural tests can run: root, runc, python3, runsc. */
export const AVAILABILITY = verifyAvailability();

/** `SANDBOX_KIT_STRICT_TOOLS=1` (set by .ci/run, which provisions every tool): a missing tool fails. */
export const STRICT = strictTools();

/** The real NsJail (env NSJAIL, default `nsjail` on PATH). */
export const NSJAIL = nsjailTool();

/** The runsc binaries (env RUNSC_BINARIES, default /usr/bin/runsc). */
export const RUNSC = runscTools();

function skipOrFail(name: string, reason: string, fn: () => void): void {
  if (!STRICT) {
    console.log(`skipping "${name}": ${reason} (${STRICT_TOOLS_ENV}=1, as .ci/run sets it, makes this a failure)`);
    describe.skip(name, fn);
    return;
  }
  describe(name, () => {
    beforeAll(() => {
      throw new Error(`${STRICT_TOOLS_ENV}=1 but ${reason}`);
    });
    fn();
  });
}

/**
 * `describe` for tests that start containers. Without root, runc, python3 or runsc the block is
 * skipped with the reason printed, or fails under SANDBOX_KIT_STRICT_TOOLS=1.
 */
export function describeWithRunc(name: string, fn: () => void): void {
  if (!AVAILABILITY.ok) return skipOrFail(name, AVAILABILITY.reason, fn);
  describe(name, fn);
}

/** `describe` for tests that run the real NsJail (and runc). */
export function describeWithNsjail(name: string, fn: (nsjail: string) => void): void {
  if (!AVAILABILITY.ok) return skipOrFail(name, AVAILABILITY.reason, () => fn(''));
  if (!NSJAIL.ok) return skipOrFail(name, NSJAIL.reason, () => fn(''));
  const path = NSJAIL.path;
  describe(name, () => fn(path));
}

/**
 * The runsc binaries to test with; under SANDBOX_KIT_STRICT_TOOLS=1, a listed binary that is
 * missing, or fewer than two releases (CI provisions 20221219 and 20240729), fails.
 */
export function runscBinaries(): readonly RunscBinary[] {
  return RUNSC.found;
}

/** Why the runsc list is not what CI provisions, if it is not. */
export function runscProblem(): string | undefined {
  if (RUNSC.missing.length) return `runsc: ${RUNSC.missing.join('; ')}`;
  if (STRICT && RUNSC.found.length < 2) return `only ${RUNSC.found.map((r) => r.release).join(', ') || 'no'} runsc release(s): set RUNSC_BINARIES to Debian bookworm's and bookworm-backports' runsc`;
  return undefined;
}

/** The real tools for the behavioural matrix: NsJail when found (skipped with a printed reason otherwise, failing when strict). */
export function matrixTools(): { nsjail?: string; runsc: readonly RunscBinary[] } {
  const problems = [NSJAIL.ok ? undefined : NSJAIL.reason, runscProblem()].filter((p): p is string => p !== undefined);
  if (problems.length && STRICT) throw new Error(`${STRICT_TOOLS_ENV}=1 but ${problems.join('; ')}`);
  if (problems.length) console.log(`the behavioural matrix runs without: ${problems.join('; ')}`);
  return { nsjail: NSJAIL.ok ? NSJAIL.path : undefined, runsc: RUNSC.found };
}
