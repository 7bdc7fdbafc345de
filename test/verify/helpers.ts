import { verifyAvailability } from '../../src/verify/container';

/** Whether the behavioural tests can run: root, runc, python3, runsc. */
export const AVAILABILITY = verifyAvailability();

/** CI sets CI; there the tools must be present and the tests must run. */
export const IN_CI = Boolean(process.env.CI);

/**
 * `describe` for tests that start containers. Outside CI, with a tool truly absent, the block
 * is skipped with a printed reason; in CI a missing tool fails every test in it.
 */
export function describeWithRunc(name: string, fn: () => void): void {
  if (!AVAILABILITY.ok && !IN_CI) {
    // eslint-disable-next-line no-console
    console.log(`skipping "${name}": ${AVAILABILITY.reason} (these tests run in CI, which is root and installs the tools)`);
    describe.skip(name, fn);
    return;
  }
  describe(name, () => {
    beforeAll(() => {
      if (!AVAILABILITY.ok) throw new Error(`CI must run the behavioural tests: ${AVAILABILITY.reason}`);
    });
    fn();
  });
}
