import { ociProfile, OciSeccomp, renderedProfiles, runtimeDefaultOci } from '../../src/seccomp';
import { Architecture } from '../../src/targets/types';
import { runcAvailability, runInRunc } from '../../src/verify/runc';

/**
 * Each rendered OCI profile loads in runc (Debian's runc, built with libseccomp), the runtime
 * containerd uses. Only profiles of the host's architecture can run here: an arm64 profile on
 * an amd64 host also filters the host's native ABI and kills the process at its first
 * arch_prctl, so arm64 files are checked by the resolver test only.
 */
const availability = runcAvailability();
if (!availability.ok && process.env.SANDBOX_KIT_STRICT_TOOLS === '1') throw new Error(`SANDBOX_KIT_STRICT_TOOLS=1 but ${availability.reason}`);
if (!availability.ok) console.warn(`SKIPPED runc.test.ts: ${availability.reason}`);
const maybe = availability.ok ? describe : describe.skip;

const hostArch: Architecture | undefined = process.arch === 'x64' ? 'amd64' : process.arch === 'arm64' ? 'arm64' : undefined;
const hostFiles = renderedProfiles().filter((f) => f.format === 'oci' && f.arch === hostArch);

maybe(`rendered profiles load in runc (host architecture ${hostArch})`, () => {
  test('there is at least one profile per kit profile for this host', () => {
    expect(new Set(hostFiles.map((f) => f.profile))).toEqual(new Set(['nsjail', 'gvisor']));
  });

  test.each(hostFiles.map((f) => [f.fileName, f] as const))('%s: /bin/true starts and exits 0, under the filter', (_name, file) => {
    const seccomp = JSON.parse(file.content) as OciSeccomp;
    const t = runInRunc({ args: ['/bin/true'], seccomp });
    expect({ exit: t.exitCode, stderr: t.stderr }).toEqual({ exit: 0, stderr: '' });
    // The filter is really installed, with no capabilities and no_new_privs, as the plan says.
    const s = runInRunc({ args: ['/bin/grep', '-E', '^(CapEff|NoNewPrivs|Seccomp|Seccomp_filters):', '/proc/self/status'], seccomp });
    expect(s.exitCode).toBe(0);
    expect(s.stdout).toMatch(/^Seccomp:\s+2$/m);
    expect(s.stdout).toMatch(/^Seccomp_filters:\s+1$/m);
    expect(s.stdout).toMatch(/^NoNewPrivs:\s+1$/m);
    expect(s.stdout).toMatch(/^CapEff:\s+0+$/m);
  });

  test('the additions make a difference: unshare(CLONE_NEWUSER) is refused by RuntimeDefault and allowed by the kit profiles', () => {
    const probe = ['/usr/bin/unshare', '--user', '/bin/true'];
    const runtimeDefault = runInRunc({ args: probe, seccomp: runtimeDefaultOci(hostArch!, []) });
    expect(runtimeDefault.exitCode).not.toBe(0);
    expect(runtimeDefault.stderr).toContain('Operation not permitted');
    for (const profile of ['nsjail', 'gvisor'] as const) {
      const r = runInRunc({ args: probe, seccomp: JSON.parse(ociProfile(profile, hostArch!).content) as OciSeccomp });
      expect({ profile, exit: r.exitCode, stderr: r.stderr }).toEqual({ profile, exit: 0, stderr: '' });
    }
  });
});
