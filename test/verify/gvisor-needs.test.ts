import { MISSING_ADDITIONS } from '../../src/verify/known-gaps';
import { probeUnderProfile, profileFileWith } from '../../src/verify/minimality';
import { hostArchitecture } from '../../src/verify/node-runtime';
import { servicesUnderTest } from '../../src/verify/rendered';
import { profileDefinition } from '../../src/seccomp/build';
import { describeWithRunc } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

/**
 * The diagnosis behind KNOWN_GAPS (agent sandbox in seccomp mode): runsc needs a fresh procfs
 * (so an unmasked /proc) and chroot. Each step is shown on its own, so that when the planner or
 * the profile changes, the test that no longer holds names what changed.
 */
const ARCH = hostArchitecture();
const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', 'profiles', `gvisor-${ARCH}.oci.json`), 'utf8');

describeWithRunc('what gVisor (runsc rootless) needs from its container', () => {
  const eks = (): ReturnType<typeof servicesUnderTest>[number] => {
    const s = servicesUnderTest({ target: 'eks' }).find((x) => x.service === 'agent-sandbox');
    if (!s) throw new Error('eks renders no agent sandbox');
    return s;
  };

  test('as rendered for eks (masked /proc, committed gvisor profile), the runsc gofer cannot mount its procfs', () => {
    const failing = probeUnderProfile('gvisor', committed, { arch: ARCH, security: eks().container.security });
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/gofer: error mounting proc: operation not permitted/);
  });

  test('with /proc unmasked but the committed profile, the gofer\'s chroot is denied', () => {
    const security = { ...eks().container.security, procMount: 'Unmasked' as const };
    const failing = probeUnderProfile('gvisor', committed, { arch: ARCH, security });
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/failed to chroot/);
  });

  test('with /proc unmasked and chroot added, runsc starts and runs /bin/true', () => {
    const security = { ...eks().container.security, procMount: 'Unmasked' as const };
    const content = profileFileWith('gvisor', [...profileDefinition('gvisor').additions, ...(MISSING_ADDITIONS.gvisor ?? [])], ARCH);
    expect(probeUnderProfile('gvisor', content, { arch: ARCH, security })).toEqual([]);
  });
});
