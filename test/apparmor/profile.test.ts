import {
  APPARMOR_PROFILE_NAMES, APPARMOR_PROFILES, appArmorParserAvailability, compileAppArmorProfile, renderAppArmorProfile,
} from '../../src/apparmor';

/**
 * The kit's AppArmor profiles, compiled by the real apparmor_parser (Debian 12: 3.0) without
 * loading them (this kernel has no AppArmor, so what they do at run time is an assumption the
 * plans state). The AppArmor 4 variant cannot be compiled here: it is checked by its text.
 */
const parser = appArmorParserAvailability();
const strict = process.env.SANDBOX_KIT_STRICT_TOOLS === '1';
if (!parser.ok && strict) throw new Error(`SANDBOX_KIT_STRICT_TOOLS=1 but ${parser.reason}`);
if (!parser.ok) console.log(`skipping the apparmor_parser compiles: ${parser.reason}`);
const withParser = parser.ok ? test : test.skip;
const parserMajor = parser.ok ? Number(/version (\d+)/.exec(parser.version)?.[1] ?? 0) : 0;

/** The rules of a rendered profile (the lines that end with a comma, in the profile block). */
function rules(text: string): string[] {
  const body = text.slice(text.indexOf('{') + 1, text.lastIndexOf('}'));
  return body.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/**
 * The deny rules of the container runtime's default profile (moby/profiles apparmor/template.go,
 * replicated in containerd contrib/apparmor/template.go), transcribed: every one but `deny mount`
 * must stay, so the kit profile is the runtime default plus what the sandbox needs, not less.
 */
const RUNTIME_DEFAULT_DENIALS = [
  'deny @{PROC}/* w,',
  'deny @{PROC}/{[^1-9],[^1-9][^0-9],[^1-9s][^0-9y][^0-9s],[^1-9][^0-9][^0-9][^0-9/]*}/** w,',
  'deny @{PROC}/sys/[^k]** w,',
  'deny @{PROC}/sys/kernel/{?,??,[^s][^h][^m]**} w,',
  'deny @{PROC}/sysrq-trigger rwklx,',
  'deny @{PROC}/kcore rwklx,',
  'deny /sys/[^f]*/** wklx,',
  'deny /sys/f[^s]*/** wklx,',
  'deny /sys/fs/[^c]*/** wklx,',
  'deny /sys/fs/c[^g]*/** wklx,',
  'deny /sys/fs/cg[^r]*/** wklx,',
  'deny /sys/firmware/** rwklx,',
  'deny /sys/devices/virtual/powercap/** rwklx,',
  'deny /sys/kernel/security/** rwklx,',
];

describe.each(APPARMOR_PROFILE_NAMES)('%s', (name) => {
  const v3 = renderAppArmorProfile(name, 3);
  const v4 = renderAppArmorProfile(name, 4);

  withParser('the AppArmor 3 variant compiles with the real apparmor_parser (not loaded)', () => {
    const r = compileAppArmorProfile(v3);
    expect(r.stderr).toBe('');
    expect(r.ok).toBe(true);
    expect(r.compiledBytes).toBeGreaterThan(1000);
  });

  withParser('negative control: the parser rejects a profile with a rule it does not know', () => {
    const broken = v3.replace('  pivot_root,', '  pivot_root,\n  not_a_rule,');
    expect(compileAppArmorProfile(broken).ok).toBe(false);
  });

  withParser('the AppArmor 4 variant: an AppArmor 3 parser refuses it for the userns rule alone (the gap), a 4 parser accepts it', () => {
    if (parserMajor >= 4) {
      expect(compileAppArmorProfile(v4)).toMatchObject({ ok: true, stderr: '' });
      return;
    }
    // Under ABI 3.0 every rule of the variant compiles except userns, which this parser does not know.
    const underAbi3 = v4.replace('abi <abi/4.0>,', 'abi <abi/3.0>,');
    const r = compileAppArmorProfile(underAbi3);
    expect(r.ok).toBe(false);
    const line = underAbi3.split('\n').findIndex((l) => l.trim() === 'userns,') + 1;
    expect(r.stderr).toContain(`at line ${line}:`);
    expect(compileAppArmorProfile(underAbi3.replace('  userns,\n', ''))).toMatchObject({ ok: true, stderr: '' });
  });

  test('it allows what the sandbox needs and what the runtime default denies: mount, umount, pivot_root; no deny mount', () => {
    for (const r of ['mount,', 'umount,', 'pivot_root,']) expect(rules(v3)).toContain(r);
    expect(rules(v3).some((r) => /^deny mount/.test(r))).toBe(false);
    expect(rules(v3)).not.toContain('userns,');
  });

  test('it keeps every denial of the runtime default profile (writes to /proc and /sys)', () => {
    for (const d of RUNTIME_DEFAULT_DENIALS) expect([d, rules(v3).includes(d)]).toEqual([d, true]);
  });

  test('the AppArmor 4 variant is the AppArmor 3 one plus userns and unix, under ABI 4.0', () => {
    expect(v3).toContain('\nabi <abi/3.0>,\n');
    expect(v4).toContain('\nabi <abi/4.0>,\n');
    const added = rules(v4).filter((r) => !rules(v3).includes(r));
    const removed = rules(v3).filter((r) => !rules(v4).includes(r));
    expect(added.sort()).toEqual(['unix,', 'userns,']);
    expect(removed).toEqual([]);
  });

  test('no capability the kernel honours only in the initial user namespace', () => {
    expect(rules(v3)).toContain('deny capability mac_admin mac_override sys_module sys_rawio sys_boot sys_time syslog audit_control bpf perfmon,');
  });

  test('signals and ptrace only between processes of the same profile (plus the runtime stopping the container)', () => {
    const signal = rules(v3).filter((r) => r.startsWith('signal'));
    expect(signal).toEqual([
      'signal (receive) peer=unconfined,', 'signal (receive) peer=runc,', 'signal (receive) peer=crun,', `signal (send,receive) peer=${name},`,
    ]);
    const ptrace = rules(v3).filter((r) => r.startsWith('ptrace'));
    // runsc's systrap traces its own threads; NsJail traces nothing, so its profile only reads /proc.
    expect(ptrace).toEqual([APPARMOR_PROFILES[name].engine === 'gvisor' ? `ptrace (trace,read,tracedby,readby) peer=${name},` : `ptrace (read,readby) peer=${name},`]);
  });

  test('self-contained: no #include, one variable defined in the file', () => {
    expect(v3).not.toMatch(/#include|include </);
    expect(v3).toContain('@{PROC}=/proc/');
  });
});

test('one profile per sandbox engine', () => {
  expect(Object.values(APPARMOR_PROFILES).map((p) => p.engine).sort()).toEqual(['gvisor', 'nsjail']);
  expect(() => renderAppArmorProfile('sandbox-kit-nsjail', 3, { without: ['no such rule'] })).toThrow(/no rule/);
});
