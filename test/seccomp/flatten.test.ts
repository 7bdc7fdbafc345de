import {
  allowedSyscalls, buildProfile, DOCKER_DEFAULT, flattenProfile, ociProfile, OciSeccomp, PROFILE_DEFINITIONS,
  runtimeDefaultOci, unconditionallyAllowedSyscalls,
} from '../../src/seccomp';
import { ARCHITECTURES } from '../../src/targets/types';
import { effectiveFilter, everyFeasiblePlan, MUST_STAY_DENIED } from './helpers';

const plans = everyFeasiblePlan();
const nsjailSeccompPlans = plans.filter((p) => p.mode === 'seccomp' && (p.service === 'code-executor' || p.service === 'js-executor'));

function rulesFor(s: OciSeccomp, name: string) {
  return s.syscalls.filter((r) => r.names.includes(name));
}

describe('flattened nsjail profile for code-executor and js-executor', () => {
  test('the planner has seccomp-mode plans for both services, with SETUID and SETGID (Retool\'s runuser drop), which no group of the profile is conditioned on', () => {
    expect(new Set(nsjailSeccompPlans.map((p) => p.service))).toEqual(new Set(['code-executor', 'js-executor']));
    for (const p of nsjailSeccompPlans) expect(p.sandbox.effectiveCapabilities).toEqual(['SETUID', 'SETGID']);
    for (const arch of ARCHITECTURES) expect(ociProfile('nsjail', arch, ['SETUID', 'SETGID']).content).toBe(ociProfile('nsjail', arch, []).content);
  });

  test.each(ARCHITECTURES)('%s: allows exactly the base for those capabilities plus the additions', (arch) => {
    const additions = PROFILE_DEFINITIONS.nsjail.additions.map((a) => a.syscall);
    for (const caps of new Set(nsjailSeccompPlans.map((p) => JSON.stringify(p.sandbox.effectiveCapabilities)))) {
      const capabilities = JSON.parse(caps) as string[];
      const base = allowedSyscalls(runtimeDefaultOci(arch, capabilities));
      const flat = JSON.parse(ociProfile('nsjail', arch, capabilities).content) as OciSeccomp;
      expect([...allowedSyscalls(flat)].sort()).toEqual([...new Set([...base, ...additions])].sort());
      // And every addition without conditions: clone may take namespace flags.
      for (const a of additions) expect(unconditionallyAllowedSyscalls(flat).has(a)).toBe(true);
      // Nothing else changed: every base rule that does not name an addition is still there.
      const baseRules = runtimeDefaultOci(arch, capabilities).syscalls
        .map((r) => ({ ...r, names: r.names.filter((n) => !additions.includes(n)) }))
        .filter((r) => r.names.length);
      expect(flat.syscalls.slice(0, baseRules.length)).toEqual(baseRules);
    }
  });

  test.each(ARCHITECTURES)('%s: one unconditional rule per syscall; clone replaced, not doubled; clone3 keeps the base\'s ENOSYS', (arch) => {
    const flat = JSON.parse(ociProfile('nsjail', arch).content) as OciSeccomp;
    const seen = new Map<string, number>();
    for (const r of flat.syscalls) {
      if (r.args?.length) continue;
      for (const n of r.names) seen.set(n, (seen.get(n) ?? 0) + 1);
    }
    expect([...seen].filter(([, count]) => count > 1)).toEqual([]);
    // clone3 is not an addition: glibc and NsJail (cloneProc) fall back to clone only on ENOSYS,
    // so the flattened file must answer it exactly as the base does, ERRNO(38), never EPERM.
    expect(PROFILE_DEFINITIONS.nsjail.additions.map((a) => a.syscall)).not.toContain('clone3');
    expect(rulesFor(flat, 'clone3')).toEqual([{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
    expect(flat.defaultErrnoRet).toBe(1);
    expect(rulesFor(flat, 'clone')).toEqual([{ names: ['clone'], action: 'SCMP_ACT_ALLOW' }]);
    // The gvisor profile still adds clone3 (Retool's published table), replacing that rule.
    expect(rulesFor(JSON.parse(ociProfile('gvisor', arch).content) as OciSeccomp, 'clone3')).toEqual([{ names: ['clone3'], action: 'SCMP_ACT_ALLOW' }]);
    // The base, for the same caps, answers clone3 with ENOSYS and filters clone's namespace flags.
    const base = runtimeDefaultOci(arch, []);
    expect(rulesFor(base, 'clone3')).toEqual([{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
    expect(rulesFor(base, 'clone')).toEqual([{ names: ['clone'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }] }]);
  });

  test('architectures and arch-conditional groups follow the node architecture', () => {
    const amd = JSON.parse(ociProfile('nsjail', 'amd64').content) as OciSeccomp;
    const arm = JSON.parse(ociProfile('nsjail', 'arm64').content) as OciSeccomp;
    expect(amd.architectures).toEqual(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
    expect(arm.architectures).toEqual(['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
    expect(allowedSyscalls(amd).has('arch_prctl')).toBe(true);
    expect(allowedSyscalls(amd).has('modify_ldt')).toBe(true);
    expect(allowedSyscalls(amd).has('arm_fadvise64_64')).toBe(false);
    expect(allowedSyscalls(arm).has('arm_fadvise64_64')).toBe(true);
    expect(allowedSyscalls(arm).has('arch_prctl')).toBe(false);
    expect(allowedSyscalls(amd).has('s390_runtime_instr')).toBe(false);
  });

  test('minKernel groups are resolved for the assumed kernel and dropped for an older one', () => {
    expect(allowedSyscalls(runtimeDefaultOci('amd64', [])).has('process_vm_readv')).toBe(true);
    const old = flattenProfile(DOCKER_DEFAULT, { arch: 'amd64', capabilities: [], kernel: '4.4' });
    expect(allowedSyscalls(old).has('process_vm_readv')).toBe(false);
    expect(allowedSyscalls(old).has('ptrace')).toBe(false);
  });

  test('capability-gated groups follow the capability set (CAP_ prefix optional)', () => {
    const admin = runtimeDefaultOci('amd64', ['SYS_ADMIN']);
    expect(allowedSyscalls(admin).has('mount')).toBe(true);
    expect(rulesFor(admin, 'clone')).toEqual([{ names: expect.arrayContaining(['clone']), action: 'SCMP_ACT_ALLOW' }]);
    expect(rulesFor(admin, 'clone3').every((r) => r.action === 'SCMP_ACT_ALLOW')).toBe(true);
    expect(allowedSyscalls(runtimeDefaultOci('amd64', ['CAP_BPF'])).has('bpf')).toBe(true);
    expect(allowedSyscalls(runtimeDefaultOci('amd64', [])).has('bpf')).toBe(false);
    // ptrace is in two groups with CAP_SYS_PTRACE: merged into one rule.
    expect(rulesFor(runtimeDefaultOci('amd64', ['SYS_PTRACE']), 'ptrace')).toHaveLength(1);
  });
});

describe('dangerous syscalls stay denied in every mode but privileged', () => {
  test('the planner produces plans in several modes (the check below is not vacuous)', () => {
    expect(new Set(plans.map((p) => p.mode)).size).toBeGreaterThanOrEqual(4);
  });

  test.each(ARCHITECTURES)('%s: every container of every feasible plan', (arch) => {
    const failures: string[] = [];
    let checked = 0;
    for (const p of plans) {
      for (const [role, c] of [['sandbox', p.sandbox], ['supporting', p.supporting]] as const) {
        const filter = effectiveFilter(c, arch);
        if (filter === null) {
          if (p.mode !== 'privileged') failures.push(`${p.target}/${p.service}/${p.mode}/${role}: Unconfined`);
          continue;
        }
        checked++;
        const allowed = allowedSyscalls(filter);
        const bad = MUST_STAY_DENIED.filter((s) => allowed.has(s));
        if (p.mode !== 'privileged' && bad.length) failures.push(`${p.target}/${p.service}/${p.mode}/${role}: allows ${bad.join(', ')}`);
      }
    }
    expect(checked).toBeGreaterThan(10);
    expect(failures).toEqual([]);
  });

  test('the kit profiles themselves deny them for capabilities []', () => {
    for (const profile of ['nsjail', 'gvisor'] as const) {
      for (const arch of ARCHITECTURES) {
        const allowed = allowedSyscalls(JSON.parse(ociProfile(profile, arch).content) as OciSeccomp);
        expect({ profile, arch, allowed: MUST_STAY_DENIED.filter((s) => allowed.has(s)) }).toEqual({ profile, arch, allowed: [] });
      }
    }
    // userfaultfd: denied because the base does not allow it either.
    expect(allowedSyscalls(runtimeDefaultOci('amd64', [])).has('userfaultfd')).toBe(false);
  });
});

describe('additions are data', () => {
  test('buildProfile without one addition leaves exactly the base\'s rule for it', () => {
    const without = flattenProfile(buildProfile('nsjail', { without: ['pivot_root'] }), { arch: 'amd64', capabilities: [] });
    expect(allowedSyscalls(without).has('pivot_root')).toBe(false);
    expect(allowedSyscalls(without).has('mount')).toBe(true);
    const noClone3 = flattenProfile(buildProfile('gvisor', { without: ['clone3'] }), { arch: 'amd64', capabilities: [] });
    expect(rulesFor(noClone3, 'clone3')).toEqual([{ names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }]);
    const noClone = flattenProfile(buildProfile('nsjail', { without: ['clone'] }), { arch: 'amd64', capabilities: [] });
    expect(rulesFor(noClone, 'clone')[0].args).toEqual([{ index: 0, value: 2114060288, op: 'SCMP_CMP_MASKED_EQ' }]);
  });

  test('each addition has a one-line reason and is either proven by a test or kept as unproven with why', () => {
    for (const def of Object.values(PROFILE_DEFINITIONS)) {
      for (const a of def.additions) {
        expect(a.reason.length).toBeGreaterThan(20);
        expect(a.reason).not.toContain('\n');
        // Exactly one of the two (minimality.test.ts pins which, from the probes).
        expect({ syscall: a.syscall, status: [a.provenBy !== undefined, a.unproven !== undefined] })
          .toEqual({ syscall: a.syscall, status: a.provenBy !== undefined ? [true, false] : [false, true] });
        expect((a.provenBy ?? a.unproven ?? '')).not.toContain('\n');
      }
    }
    expect(PROFILE_DEFINITIONS.gvisor.additions.map((a) => a.syscall).sort())
      .toEqual(['chroot', 'clone', 'clone3', 'mount', 'pivot_root', 'ptrace', 'sethostname', 'setns', 'umount2', 'unshare']);
    // unshare and setns are proven by pasta (test/verify/pasta.test.ts), not by runsc.
    expect(PROFILE_DEFINITIONS.gvisor.additions.filter((a) => a.unproven).map((a) => a.syscall).sort())
      .toEqual(['clone3', 'ptrace', 'sethostname']);
    // Both of NsJail's mount paths: legacy mount(2), and mnt_newapi.cc's new mount API (no fspick).
    expect(PROFILE_DEFINITIONS.nsjail.additions.map((a) => a.syscall).sort())
      .toEqual(['clone', 'fsconfig', 'fsmount', 'fsopen', 'mount', 'mount_setattr', 'move_mount', 'open_tree', 'pivot_root', 'sethostname', 'umount2', 'unshare']);
    expect(PROFILE_DEFINITIONS.nsjail.additions.filter((a) => a.unproven)).toEqual([]);
    for (const s of ['fsopen', 'fsconfig', 'fsmount', 'move_mount', 'open_tree', 'mount_setattr']) {
      expect(PROFILE_DEFINITIONS.nsjail.additions.find((a) => a.syscall === s)?.reason).toContain('mnt_newapi.cc');
    }
  });
});
