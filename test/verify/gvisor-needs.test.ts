import { probeUnderProfile, profileFileWith } from '../../src/verify/minimality';
import { hostArchitecture } from '../../src/verify/node-runtime';
import { servicesUnderTest } from '../../src/verify/rendered';
import { profileDefinition } from '../../src/seccomp/build';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithRunc, runscBinaries } from './helpers';
import * as fs from 'fs';
import * as path from 'path';

/**
 * What gVisor (runsc rootless) needs from its container, each on its own, so that when the
 * planner or the profile changes, the test that no longer holds names what changed: with runsc
 * 20221219 a fresh procfs (so an unmasked /proc, which the planner gives the agent sandbox with
 * hostUsers: false wherever it can), not with runsc 20240729 (the plan names that release where
 * /proc stays masked); and chroot (in the gvisor profile).
 */
const ARCH = hostArchitecture();
const committed = fs.readFileSync(path.resolve(__dirname, '..', '..', 'profiles', `gvisor-${ARCH}.oci.json`), 'utf8');

describeWithRunc('what gVisor (runsc rootless) needs from its container', () => {
  const eks = (): RenderedSecurity => {
    const s = servicesUnderTest({ target: 'eks', retoolVersion: '3.334.0-stable' }).find((x) => x.service === 'agent-sandbox');
    if (!s) throw new Error('eks renders no agent sandbox');
    return s.container.security;
  };

  test('as rendered for eks: /proc unmasked with hostUsers: false (what the next tests show runsc needs)', () => {
    expect({ procMount: eks().procMount, hostUsers: eks().hostUsers }).toEqual({ procMount: 'Unmasked', hostUsers: false });
  });

  test.each(runscBinaries().map((r) => [r.release, r] as const))('with /proc masked (procMount Default), runsc %s: 20221219\'s gofer cannot mount its procfs, 20240729 starts', (release, runsc) => {
    const failing = probeUnderProfile('gvisor', committed, { arch: ARCH, security: { ...eks(), procMount: 'Default' }, runsc });
    if (release < '20240729') {
      expect(failing).toHaveLength(1);
      expect(failing[0]).toMatch(/gofer: error mounting proc: operation not permitted/);
    } else {
      expect(failing).toEqual([]);
    }
  });

  test.each(runscBinaries().map((r) => [r.release, r] as const))('runsc %s without a user namespace of its pod (hostUsers: true) and masked /proc, as Kubernetes < 1.33 renders it', (release, runsc) => {
    const k132 = servicesUnderTest({ target: 'kubernetes', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.32' }).find((x) => x.service === 'agent-sandbox');
    expect(k132?.plan?.nodePrerequisites.join(' ')).toMatch(/runsc 20240729 or newer/);
    const security = k132!.container.security;
    expect({ procMount: security.procMount, hostUsers: security.hostUsers }).toEqual({ procMount: 'Default', hostUsers: true });
    const failing = probeUnderProfile('gvisor', committed, { arch: ARCH, security, runsc });
    expect(failing.length === 0).toBe(release >= '20240729');
  });

  test('with /proc unmasked and the committed profile (which adds chroot), runsc starts and runs /bin/true', () => {
    const security: RenderedSecurity = { ...eks(), procMount: 'Unmasked', hostUsers: false };
    expect(probeUnderProfile('gvisor', committed, { arch: ARCH, security })).toEqual([]);
  });

  test('with /proc unmasked but chroot left out, the gofer\'s chroot is denied (CAP_SYS_CHROOT is dropped)', () => {
    const security: RenderedSecurity = { ...eks(), procMount: 'Unmasked', hostUsers: false };
    const content = profileFileWith('gvisor', profileDefinition('gvisor').additions.filter((a) => a.syscall !== 'chroot'), ARCH);
    const failing = probeUnderProfile('gvisor', content, { arch: ARCH, security });
    expect(failing).toHaveLength(1);
    expect(failing[0]).toMatch(/failed to chroot/);
  });
});
