import { profileDefinition } from '../../src/seccomp/build';
import { runInNodeContainer } from '../../src/verify/container';
import { ProbeOutcome } from '../../src/verify/expectations';
import { ALTERNATIVE_ADDITIONS, PROVEN_BY_PASTA, UNPROVEN_ADDITIONS } from '../../src/verify/known-gaps';
import { minimalityRun, RemovalResult } from '../../src/verify/minimality';
import { hostArchitecture, nodeContainerConfig } from '../../src/verify/node-runtime';
import { servicesUnderTest } from '../../src/verify/rendered';
import { RenderedSecurity } from '../../src/verify/workload';
import { describeWithRunc, runscBinaries, runscProblem, STRICT } from './helpers';

/**
 * For every syscall the kit adds to a profile: the sandbox's probe under the profile without
 * that one syscall must fail (run in the sandbox container as the eks target renders it).
 * Additions kept without proof carry an `unproven` reason in src/seccomp/additions.ts; the test
 * pins that status to what the probes show (removing them changes nothing), so it changes only
 * together with the evidence.
 */
const ARCH = hostArchitecture();

function renderedOnEks(service: 'js-executor' | 'agent-sandbox'): RenderedSecurity {
  const sut = servicesUnderTest({ target: 'eks', retoolVersion: '3.334.0-stable' }).find((s) => s.service === service);
  if (!sut) throw new Error(`eks renders no ${service}`);
  return sut.container.security;
}

function report(profile: string, results: readonly RemovalResult[]): void {
  console.log(`minimality of profile ${profile}:\n${results.map((r) => `  ${r.removed ? `without ${r.removed}` : 'full profile'}: ${r.failing.length ? r.failing.join(' ') : 'every step ok'}`).join('\n')}`);
}

function expectMinimal(profile: 'nsjail' | 'gvisor', results: readonly RemovalResult[]): void {
  expect(results[0]).toEqual({ removed: '', failing: [] });
  const unproven = UNPROVEN_ADDITIONS[profile];
  // Needed by pasta, not by the sandbox this probe runs: their removal changes nothing here.
  const byPasta = PROVEN_BY_PASTA[profile];
  for (const r of results.slice(1)) {
    if (r.removed in unproven || byPasta.includes(r.removed)) expect({ removed: r.removed, failing: r.failing }).toEqual({ removed: r.removed, failing: [] });
    else expect({ removed: r.removed, failing: r.failing.length > 0 }).toEqual({ removed: r.removed, failing: true });
  }
  // Every addition was removed once, and is either proven or kept as unproven (never both).
  const additions = profileDefinition(profile).additions;
  expect(results.slice(1, additions.length + 1).map((r) => r.removed)).toEqual(additions.map((a) => a.syscall));
  for (const a of additions) expect({ syscall: a.syscall, proven: a.provenBy !== undefined }).toEqual({ syscall: a.syscall, proven: !(a.syscall in unproven) });
}

/**
 * What removing each nsjail addition breaks, on both of NsJail's mount paths (legacy mount(2),
 * and mnt_newapi.cc's new mount API, keys `newapi_`): exactly these steps, with EPERM.
 */
const NSJAIL_BREAKS: Readonly<Record<string, readonly string[]>> = {
  clone: ['clone_newns=EPERM', 'newapi_clone_newns=EPERM'],
  unshare: ['unshare_newns=EPERM'],
  mount: ['mount_private=EPERM', 'newapi_mount_private=EPERM'],
  umount2: ['umount2=EPERM', 'newapi_umount2=EPERM'],
  pivot_root: ['pivot_root=EPERM', 'newapi_pivot_root=EPERM'],
  sethostname: ['sethostname=EPERM', 'newapi_sethostname=EPERM'],
  fsopen: ['newapi_fsopen_tmpfs=EPERM'],
  fsconfig: ['newapi_fsconfig_size=EPERM'],
  fsmount: ['newapi_fsmount_tmpfs=EPERM'],
  move_mount: ['newapi_move_mount_root=EPERM'],
  open_tree: ['newapi_open_tree_bind=EPERM'],
  mount_setattr: ['newapi_mount_setattr_bind=EPERM', 'newapi_mount_setattr_ro=EPERM'],
};

describeWithRunc('seccomp additions are each needed (minimality)', () => {
  test('nsjail: removing any addition breaks the NsJail step it is for, on the legacy or the new mount API path', () => {
    const results = minimalityRun('nsjail', { arch: ARCH, security: renderedOnEks('js-executor'), groups: ALTERNATIVE_ADDITIONS.nsjail });
    report('nsjail', results);
    expectMinimal('nsjail', results);
    expect(Object.fromEntries(results.slice(1).map((r) => [r.removed, r.failing]))).toEqual(NSJAIL_BREAKS);
  });

  test('nsjail: clone3 gets the base\'s ENOSYS, so the jail is created by NsJail\'s clone fallback', () => {
    const cfg = nodeContainerConfig(renderedOnEks('js-executor'), { arch: ARCH });
    const run = runInNodeContainer<Record<string, ProbeOutcome>>(cfg, ['/usr/bin/python3', '/probe/probe.py', 'all', 'nsjail,nsjail-newapi']);
    expect(run.output?.clone_newns).toEqual({ ok: true, errno: 0, errname: '', detail: 'clone after clone3 ENOSYS' });
    expect(run.output?.newapi_clone_newns).toEqual({ ok: true, errno: 0, errname: '', detail: 'clone after clone3 ENOSYS' });
  });

  // With every runsc release provisioned (RUNSC_BINARIES: CI gives Debian's 20221219 and 20240729).
  const releases = runscBinaries();
  test('the runsc releases CI provisions are here', () => {
    const problem = runscProblem();
    if (problem && STRICT) throw new Error(problem);
    expect(releases.length).toBeGreaterThan(0);
  });
  test.each(releases.map((r) => [r.release, r] as const))('gvisor with runsc %s: removing any addition but the unproven ones breaks runsc; the unproven ones change nothing', (_release, runsc) => {
    // The agent sandbox as eks renders it: /proc unmasked with hostUsers: false (any runsc release starts there).
    const security = renderedOnEks('agent-sandbox');
    expect({ procMount: security.procMount, hostUsers: security.hostUsers }).toEqual({ procMount: 'Unmasked', hostUsers: false });
    const results = minimalityRun('gvisor', { arch: ARCH, security, groups: ALTERNATIVE_ADDITIONS.gvisor, runsc });
    report(`gvisor (runsc ${runsc.release})`, results);
    expectMinimal('gvisor', results);
    expect(results.find((r) => r.removed === 'chroot')?.failing.join(' ')).toMatch(runsc.release < '20240729' ? /chroot/ : /mounting root with overlay|chroot/);
  });

  test('an unproven gvisor addition stays only as the vendor\'s requirement (Retool\'s gvisor-seccomp.json lists it)', () => {
    for (const a of profileDefinition('gvisor').additions.filter((x) => x.unproven)) {
      expect({ syscall: a.syscall, vendor: a.vendor }).toEqual({ syscall: a.syscall, vendor: expect.stringMatching(/tryretool\/retool-helm charts\/retool\/files\/gvisor-seccomp\.json/) });
    }
  });
});
