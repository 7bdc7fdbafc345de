import {
  DOCKER_DEFAULT, extendProfile, flattenProfile, ociProfile, parseDockerProfile, SeccompProfileError, validateOciSeccomp,
  buildProfile, runtimeDefaultOci,
} from '../../src/seccomp';
import { Architecture } from '../../src/targets/types';

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('bad input gets a clear error that names the thing', () => {
  test('unknown syscall name in an addition', () => {
    const e = errorOf(() => extendProfile(DOCKER_DEFAULT, [{ syscall: 'pivotroot', reason: 'typo on purpose' }], 'test'));
    expect(e).toBeInstanceOf(SeccompProfileError);
    expect(e.message).toContain('profiles.test.additions[0].syscall');
    expect(e.message).toContain('unknown syscall "pivotroot"');
    expect(e.message).toContain('"pivot_root"');
  });

  test('unknown syscall name in a Docker-format profile', () => {
    const e = errorOf(() => parseDockerProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read', 'clone_newuser'], action: 'SCMP_ACT_ALLOW' }] }, 'custom.json'));
    expect(e.message).toContain('custom.json.syscalls[0].names[1]');
    expect(e.message).toContain('unknown syscall "clone_newuser"');
  });

  test('unknown capability', () => {
    const e = errorOf(() => ociProfile('nsjail', 'amd64', ['SYS_ADMN']));
    expect(e).toBeInstanceOf(SeccompProfileError);
    expect(e.message).toContain('capabilities');
    expect(e.message).toContain('unknown capability "SYS_ADMN"');
    expect(errorOf(() => runtimeDefaultOci('amd64', ['ALL'])).message).toContain('ALL is a drop-list keyword');
    expect(errorOf(() => parseDockerProfile({ defaultAction: 'SCMP_ACT_ERRNO', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_NOPE'] } }] }, 'x.json')).message)
      .toContain('x.json.syscalls[0].includes.caps[0]: unknown capability "CAP_NOPE"');
  });

  test('empty architecture list', () => {
    const e = errorOf(() => validateOciSeccomp({ defaultAction: 'SCMP_ACT_ERRNO', architectures: [], syscalls: [] }, 'custom'));
    expect(e.message).toContain('custom.architectures: empty architecture list');
    expect(e.message).toContain('SCMP_ARCH_X86_64');
    // A Docker profile with no archMap entry for the node flattens to an empty list: refused.
    const noArm = { ...DOCKER_DEFAULT, archMap: DOCKER_DEFAULT.archMap!.filter((a) => a.architecture !== 'SCMP_ARCH_AARCH64') };
    expect(errorOf(() => flattenProfile(noArm, { arch: 'arm64', capabilities: [], source: 'no-arm' })).message).toContain('no-arm.architectures: empty architecture list');
    expect(errorOf(() => ociProfile('nsjail', 'sparc' as Architecture)).message).toContain('unknown architecture "sparc"');
  });

  test('an addition that duplicates a base rule with a different action', () => {
    const e = errorOf(() => extendProfile(DOCKER_DEFAULT, [{ syscall: 'clone3', reason: 'no replacesBaseRule on purpose' }], 'test'));
    expect(e.message).toContain('profiles.test.additions[0].replacesBaseRule');
    expect(e.message).toMatch(/addition "clone3" \(SCMP_ACT_ALLOW\) duplicates base rule syscalls\[\d+\] \(SCMP_ACT_ERRNO\(38\), excludes caps CAP_SYS_ADMIN\) with a different action/);
    const deny = errorOf(() => extendProfile(DOCKER_DEFAULT, [{ syscall: 'read', reason: 'deny read', action: 'SCMP_ACT_ERRNO' }], 'test'));
    expect(deny.message).toMatch(/addition "read" \(SCMP_ACT_ERRNO\(1\)\) duplicates base rule syscalls\[0\] \(SCMP_ACT_ALLOW\)/);
    // Same action is not a conflict: the addition just replaces the (conditional) base rules.
    expect(() => extendProfile(DOCKER_DEFAULT, [{ syscall: 'mount', reason: 'same action as the SYS_ADMIN group' }], 'test')).not.toThrow();
  });

  test('two rules with different actions for one syscall in an OCI profile', () => {
    const e = errorOf(() => validateOciSeccomp({
      defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [{ names: ['clone3'], action: 'SCMP_ACT_ALLOW' }, { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }],
    }, 'custom'));
    expect(e.message).toContain('syscall "clone3" has conflicting rules');
  });

  test('without: only additions of the profile', () => {
    expect(errorOf(() => buildProfile('nsjail', { without: ['setns'] })).message).toContain('"setns" is not an addition of profile "nsjail"');
  });

  test('a duplicate addition and a missing reason', () => {
    const e = errorOf(() => extendProfile(DOCKER_DEFAULT, [{ syscall: 'mount', reason: 'x mounts things' }, { syscall: 'mount', reason: '' }], 'test'));
    expect(e.message).toContain('"mount" is added twice');
    expect(e.message).toContain('profiles.test.additions[1].reason: every addition needs a one-line reason');
  });

  test('an addition marked both proven and unproven', () => {
    const e = errorOf(() => extendProfile(DOCKER_DEFAULT, [{ syscall: 'mount', reason: 'x mounts things', provenBy: 'a test', unproven: 'no probe' }], 'test'));
    expect(e.message).toContain('profiles.test.additions[0].unproven: "mount" is marked both proven (provenBy) and unproven');
  });
});
