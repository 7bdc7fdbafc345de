import { profileDefinition } from '../../src/seccomp/build';
import { ALTERNATIVE_ADDITIONS, MISSING_ADDITIONS, UNPROVEN_ADDITIONS } from '../../src/verify/known-gaps';
import { minimalityRun, RemovalResult } from '../../src/verify/minimality';
import { hostArchitecture } from '../../src/verify/node-runtime';
import { servicesUnderTest } from '../../src/verify/rendered';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithRunc } from './helpers';

/**
 * For every syscall the kit adds to a profile: the sandbox's probe under the profile without
 * that one syscall must fail (run in the sandbox container as the eks target renders it).
 * Additions no probe needs are listed in UNPROVEN_ADDITIONS with why; the test pins that list
 * to what the probes show, so it changes only together with the evidence.
 */
const ARCH = hostArchitecture();

function renderedOnEks(service: 'js-executor' | 'agent-sandbox'): RenderedSecurity {
  const sut = servicesUnderTest({ target: 'eks' }).find((s) => s.service === service);
  if (!sut) throw new Error(`eks renders no ${service}`);
  return sut.container.security;
}

function report(profile: string, results: readonly RemovalResult[]): void {
  // eslint-disable-next-line no-console
  console.log(`minimality of profile ${profile}:\n${results.map((r) => `  ${r.removed ? `without ${r.removed}` : 'full profile'}: ${r.failing.length ? r.failing.join(' ') : 'every step ok'}`).join('\n')}`);
}

function expectMinimal(profile: 'nsjail' | 'gvisor', results: readonly RemovalResult[]): void {
  expect(results[0]).toEqual({ removed: '', failing: [] });
  const unproven = UNPROVEN_ADDITIONS[profile];
  for (const r of results.slice(1)) {
    if (r.removed in unproven) expect({ removed: r.removed, failing: r.failing }).toEqual({ removed: r.removed, failing: [] });
    else expect({ removed: r.removed, failing: r.failing.length > 0 }).toEqual({ removed: r.removed, failing: true });
  }
  // Every addition is either proven or listed with a reason; no stale entries.
  const additions = profileDefinition(profile).additions.map((a) => a.syscall);
  expect(Object.keys(unproven).filter((s) => !additions.includes(s))).toEqual([]);
}

describeWithRunc('seccomp additions are each needed (minimality)', () => {
  test('nsjail: removing any addition but the unproven ones (or clone with clone3) breaks an NsJail step', () => {
    const results = minimalityRun('nsjail', { arch: ARCH, security: renderedOnEks('js-executor'), groups: ALTERNATIVE_ADDITIONS.nsjail });
    report('nsjail', results);
    expectMinimal('nsjail', results);
  });

  test('gvisor: removing any addition but the unproven ones breaks runsc (with /proc unmasked and chroot added, without which runsc never starts)', () => {
    // The agent sandbox as eks renders it, with the two fixes the probes showed it needs
    // (KNOWN_GAPS): procMount Unmasked and the chroot addition.
    const security: RenderedSecurity = { ...renderedOnEks('agent-sandbox'), procMount: 'Unmasked', hostUsers: false };
    const results = minimalityRun('gvisor', { arch: ARCH, security, extraAdditions: MISSING_ADDITIONS.gvisor, groups: ALTERNATIVE_ADDITIONS.gvisor });
    report('gvisor', results);
    expectMinimal('gvisor', results);
  });
});
