import { plan, SandboxConfigError, SandboxKitConfig, SandboxPlan } from '../../src';
import {
  JAIL_DENIED_SYSCALLS, JAIL_HOST_ID_WHEN_ROOT, KAFEL_TABLES, kafelIdentifier, UNIFIED_SYSCALL_NUMBERS, NsjailConfigOptions, renderNsjailConfig, renderNsjailConfigs,
} from '../../src/images';
import { quote } from '../../src/images/textproto';

/** An image built from the kit's NsJail runtime image: what runs a jail without procfs, or the rlimits-only one. */
const KIT = { imageKind: 'kit' as const, image: 'registry.example.com/code-executor-on-sandbox-kit:1' };
const FARGATE_RLIMITS: SandboxKitConfig = {
  target: 'ecs-fargate',
  services: { 'code-executor': { mode: 'rlimits-seccomp', ...KIT }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } },
};

/** Plan one service alone (the agent sandbox is refused on ECS; that must not hide the executors). */
function planOf(config: SandboxKitConfig, service: string): SandboxPlan {
  const only = { ...config, services: { 'code-executor': { enabled: false }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false }, ...config.services, [service]: config.services?.[service as 'code-executor'] ?? {} } };
  const p = plan(only).services.find((s) => s.service === service);
  if (!p) throw new Error(`no plan for ${service}`);
  return p;
}

/** Top-level scalar fields of a rendered config: name -> values in order. */
function scalars(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let depth = 0;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    if (line.trim().endsWith('{')) { depth++; continue; }
    if (line.trim() === '}') { depth--; continue; }
    const m = /^(\w+): (.*)$/.exec(line);
    if (depth === 0 && m) out.set(m[1], [...(out.get(m[1]) ?? []), m[2]]);
  }
  return out;
}

function one(text: string, field: string): string | undefined {
  const v = scalars(text).get(field);
  if (v && v.length > 1) throw new Error(`${field} is repeated`);
  return v?.[0];
}

/** Nested messages named `name` (mount, uidmap, ...), as field -> value records. */
function blocks(text: string, name: string): Array<Record<string, string>> {
  const out: Array<Record<string, string>> = [];
  let cur: Record<string, string> | undefined;
  for (const line of text.split('\n')) {
    if (line === `${name} {`) cur = {};
    else if (cur && line === '}') { out.push(cur); cur = undefined; } else if (cur) {
      const m = /^\s+(\w+): (.*)$/.exec(line);
      if (m) cur[m[1]] = m[2];
    }
  }
  return out;
}

const CLONE_FIELDS = ['clone_newnet', 'clone_newuser', 'clone_newns', 'clone_newpid', 'clone_newipc', 'clone_newuts', 'clone_newcgroup', 'clone_newtime'];

describe('NsJail configuration rendered from the plan', () => {
  const eksCode = planOf({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'code-executor');
  const ec2Code = planOf({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT } }, 'code-executor');
  const gvisorCode = planOf({ target: 'gke-autopilot', retoolVersion: '3.334.0-stable', services: { 'code-executor': KIT } }, 'code-executor');
  const fargateCode = planOf(FARGATE_RLIMITS, 'code-executor');
  const privileged = planOf({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' } } }, 'code-executor');

  test('the plans under test are what the planner says (guards the premises of this file)', () => {
    expect(eksCode.jail).toEqual({ namespaces: true, procfs: 'new', cgroups: false });
    expect(ec2Code.jail).toEqual({ namespaces: true, procfs: 'none', cgroups: false });
    expect(fargateCode.mode).toBe('rlimits-seccomp');
    expect(fargateCode.jail).toEqual({ namespaces: false, procfs: 'none', cgroups: false });
    expect(privileged.jail).toEqual({ namespaces: true, procfs: 'new', cgroups: true });
    expect(gvisorCode).toMatchObject({ mode: 'gvisor-runtimeclass', insideGvisor: 'rlimits-seccomp', jail: { namespaces: false, rlimitsBy: 'prlimit' } });
  });

  test('inside gVisor NsJail\'s own limits are off and prlimit sets the same limits before the program', () => {
    const text = renderNsjailConfig(gvisorCode, 'python').text;
    expect(one(text, 'disable_rl')).toBe('true');
    expect(text).not.toMatch(/^rlimit_/m);
    const [exe] = blocks(text, 'exec_bin');
    expect(exe.path).toBe('"/usr/bin/prlimit"');
    const args = [...text.matchAll(/^  arg: (.*)$/gm)].map((m) => JSON.parse(m[1]) as string);
    expect(args).toEqual(['--as=1073741824', '--core=0', '--cpu=30', '--fsize=67108864', '--nofile=256', '--nproc=512', '--', '/usr/bin/python3', '-I', '-B', '-']);
    // The same limits NsJail sets itself outside gVisor.
    const outside = renderNsjailConfig(fargateCode, 'python').text;
    expect([one(outside, 'rlimit_as'), one(outside, 'rlimit_cpu'), one(outside, 'rlimit_fsize'), one(outside, 'rlimit_nofile'), one(outside, 'rlimit_nproc')]).toEqual(['1024', '30', '64', '256', '512']);
  });

  test.each([
    ['eks code-executor python', () => renderNsjailConfig(eksCode, 'python')],
    ['eks code-executor javascript', () => renderNsjailConfig(eksCode, 'javascript')],
    ['ecs-ec2 code-executor python', () => renderNsjailConfig(ec2Code, 'python')],
    ['ecs-fargate rlimits-seccomp python', () => renderNsjailConfig(fargateCode, 'python')],
    ['eks privileged code-executor python', () => renderNsjailConfig(privileged, 'python')],
  ])('snapshot: %s', (_name, render) => {
    expect(render().text).toMatchSnapshot();
  });

  test('each limit is the option given, in the unit NsJail reads', () => {
    const opts: NsjailConfigOptions = {
      timeLimitSeconds: 7, cpuSeconds: 5, memoryMiB: 300, addressSpaceMiB: 900, maxProcesses: 12,
      maxOpenFiles: 40, maxFileSizeMiB: 9, workDirSizeMiB: 16, cpuMsPerSecond: 500,
    };
    const text = renderNsjailConfig(privileged, 'python', opts).text;
    expect(one(text, 'time_limit')).toBe('7');
    expect(one(text, 'rlimit_cpu')).toBe('5');
    expect(one(text, 'rlimit_cpu_type')).toBe('VALUE');
    expect(one(text, 'rlimit_as')).toBe('900');
    expect(one(text, 'rlimit_as_type')).toBe('VALUE');
    expect(one(text, 'rlimit_nofile')).toBe('40');
    expect(one(text, 'rlimit_nproc')).toBe('12');
    // RLIMIT_NPROC's NsJail default type is SOFT (the inherited limit): it must be VALUE to apply.
    expect(one(text, 'rlimit_nproc_type')).toBe('VALUE');
    expect(one(text, 'rlimit_fsize')).toBe('9');
    expect(one(text, 'rlimit_core')).toBe('0');
    // cgroup v2 limits, memory in bytes.
    expect([one(text, 'detect_cgroupv2'), one(text, 'cgroup_mem_parent'), one(text, 'cgroup_pids_parent'), one(text, 'cgroup_cpu_parent')]).toEqual(['true', '"."', '"."', '"."']);
    expect(one(text, 'cgroup_mem_max')).toBe(String(300 * 1024 * 1024));
    expect(one(text, 'cgroup_mem_swap_max')).toBe('0');
    expect(one(text, 'cgroup_pids_max')).toBe('12');
    expect(one(text, 'cgroup_cpu_ms_per_sec')).toBe('500');
    const tmp = blocks(text, 'mount').find((m) => m.fstype === '"tmpfs"');
    expect(tmp?.options).toBe(`"size=${16 * 1024 * 1024},mode=1777"`);
  });

  test('defaults: 30 s, 1 GiB address space for Python, 4 GiB for V8 with its heap capped at the memory limit', () => {
    const py = renderNsjailConfig(eksCode, 'python').text;
    const js = renderNsjailConfig(eksCode, 'javascript').text;
    expect(one(py, 'time_limit')).toBe('30');
    expect(one(py, 'rlimit_as')).toBe('1024');
    expect(one(js, 'rlimit_as')).toBe('4096');
    expect(blocks(js, 'exec_bin')[0].path).toBe('"/usr/bin/node"');
    expect(js).toContain('arg: "--max-old-space-size=512"');
    expect(one(py, 'rlimit_nofile')).toBe('256');
    expect(one(py, 'rlimit_nproc')).toBe('64');
  });

  test('addressSpaceMiB "unlimited" renders RLIM_INFINITY, not a number', () => {
    const text = renderNsjailConfig(eksCode, 'javascript', { addressSpaceMiB: 'unlimited' }).text;
    expect(one(text, 'rlimit_as')).toBeUndefined();
    expect(one(text, 'rlimit_as_type')).toBe('INF');
  });

  test('cgroup limits appear only where the plan lets the jail use cgroups (privileged)', () => {
    for (const p of [eksCode, ec2Code, fargateCode]) {
      const text = renderNsjailConfig(p, 'python').text;
      expect(text).not.toMatch(/^cgroup_|^use_cgroupv2|^detect_cgroupv2/m);
    }
    // cgroup v2 where the node has it, v1 otherwise (NsJail checks /sys/fs/cgroup): proven on this cgroup v1 host by test/verify.
    expect(renderNsjailConfig(privileged, 'python').text).toMatch(/^detect_cgroupv2: true$/m);
  });

  test('/etc/resolv.conf, /etc/hosts and /etc/hostname are read-only binds', () => {
    for (const p of [eksCode, ec2Code, privileged]) {
      const mounts = blocks(renderNsjailConfig(p, 'python').text, 'mount');
      for (const f of ['/etc/resolv.conf', '/etc/hosts', '/etc/hostname']) {
        const m = mounts.filter((x) => x.dst === quote(f));
        expect(m).toHaveLength(1);
        expect(m[0]).toMatchObject({ src: quote(f), is_bind: 'true', rw: 'false' });
        expect(m[0].mandatory).toBeUndefined(); // mandatory (the default): fail rather than run without it
      }
    }
  });

  test('runtime paths are read-only, nosuid binds; the work dir is a fresh writable tmpfs; nothing else is writable', () => {
    const mounts = blocks(renderNsjailConfig(eksCode, 'python').text, 'mount');
    for (const dst of ['/usr', '/lib', '/bin', '/lib64', '/etc/alternatives', '/etc/ssl']) {
      expect(mounts.find((m) => m.dst === quote(dst))).toMatchObject({ is_bind: 'true', rw: 'false', nosuid: 'true', nodev: 'true' });
    }
    expect(mounts.find((m) => m.dst === '"/lib64"')?.mandatory).toBe('false'); // absent on arm64
    const writable = mounts.filter((m) => m.rw === 'true').map((m) => m.dst);
    expect(writable.sort()).toEqual(['"/dev/null"', '"/tmp"']);
    expect(mounts.find((m) => m.dst === '"/tmp"')).toMatchObject({ fstype: '"tmpfs"', is_bind: 'false', nosuid: 'true', nodev: 'true' });
  });

  test('unmasked /proc (eks): a fresh read-only procfs; masked /proc (ecs-ec2): none at all', () => {
    const eks = renderNsjailConfig(eksCode, 'python').text;
    const ec2 = renderNsjailConfig(ec2Code, 'python').text;
    expect(blocks(eks, 'mount').filter((m) => m.fstype === '"proc"')).toEqual([
      { dst: '"/proc"', fstype: '"proc"', rw: 'false', nosuid: 'true', nodev: 'true', noexec: 'true' },
    ]);
    expect(one(ec2, 'mount_proc')).toBe('false');
    expect(ec2).not.toContain('"proc"');
    expect(ec2).not.toContain('"/proc"');
    // Everything else is the same namespaces setup.
    for (const f of CLONE_FIELDS.slice(0, 7)) expect(one(ec2, f)).toBe('true');
  });

  test('rlimits-seccomp: every clone_new* off, no mounts, no id maps, limits and the syscall filter still on', () => {
    const text = renderNsjailConfig(fargateCode, 'python').text;
    for (const f of CLONE_FIELDS) expect(one(text, f)).toBe('false');
    expect(blocks(text, 'mount')).toEqual([]);
    expect(blocks(text, 'uidmap')).toEqual([]);
    expect(one(text, 'mount_proc')).toBe('false');
    expect(one(text, 'hostname')).toBeUndefined();
    expect(one(text, 'cwd')).toBe('"/tmp"');
    expect(one(text, 'time_limit')).toBe('30');
    expect(one(text, 'rlimit_as')).toBe('1024');
    // RLIMIT_NPROC counts the whole uid here (the service's threads too): a larger default.
    expect(one(text, 'rlimit_nproc')).toBe('512');
    // Without a network namespace, the filter refuses IPv4, IPv6, packet and netlink sockets.
    expect(text).toContain('ERRNO(97) { socket(domain, type, protocol) { domain == 2 || domain == 16 || domain == 17 || domain == 10 } }');
  });

  test('the syscall filter is in every mode, and the socket filter only without a network namespace', () => {
    for (const p of [eksCode, ec2Code, fargateCode, privileged]) {
      const text = renderNsjailConfig(p, 'python').text;
      const policy = (scalars(text).get('seccomp_string') ?? []).join('\n');
      for (const s of ['ptrace', 'bpf', 'perf_event_open', 'kexec_load', 'init_module', 'keyctl', 'add_key', 'open_by_handle_at', 'unshare', 'setns', 'mount']) {
        expect(JAIL_DENIED_SYSCALLS).toContain(s);
        expect(policy).toMatch(new RegExp(`[{ ,]${s}[,} ]`));
      }
      expect(policy).toContain('clone(flags) { (flags & 0x7e020000) != 0 }');
      expect(policy).toContain('ERRNO(38) { clone3 }');
      expect(policy).toContain('USE sandbox_kit DEFAULT ALLOW');
      expect(policy.includes('socket(')).toBe(!p.jail.namespaces);
    }
  });

  test('the policy names syscalls as kafel knows them on x86_64 and aarch64; numbers only where kafel has no name', () => {
    // include/uapi/asm-generic/unistd.h and arch/x86/entry/syscalls/syscall_64.tbl agree from 424 on.
    expect(UNIFIED_SYSCALL_NUMBERS).toEqual({
      io_uring_setup: 425, io_uring_enter: 426, io_uring_register: 427, open_tree: 428, move_mount: 429,
      fsopen: 430, fsconfig: 431, fsmount: 432, fspick: 433, pidfd_getfd: 438, process_madvise: 440, mount_setattr: 442, clone3: 435,
    });
    const policy = renderNsjailConfig(eksCode, 'python').text;
    // kafel 18f2074 names every one of them on both architectures, umount2 as "umount".
    expect(policy).not.toMatch(/SYSCALL\[/);
    expect(policy).toMatch(/[{ ,]umount[,} ]/);
    expect(policy).not.toMatch(/umount2/);
    for (const s of [...JAIL_DENIED_SYSCALLS, 'clone', 'clone3', 'socket']) {
      for (const t of Object.values(KAFEL_TABLES.arches)) expect({ s, known: t.syscalls[kafelIdentifier(s)] !== undefined }).toEqual({ s, known: true });
    }
  });

  test('kafelIdentifier: a number for a unified syscall kafel does not name; an error for one it cannot write', () => {
    const tables = { ...KAFEL_TABLES, arches: { ...KAFEL_TABLES.arches, aarch64: { ...KAFEL_TABLES.arches.aarch64, syscalls: {} } } };
    expect(kafelIdentifier('fsopen', tables)).toBe('SYSCALL[430]');
    expect(() => kafelIdentifier('ptrace', tables)).toThrow(/no name for ptrace on aarch64, and its number differs by architecture/);
    const wrongAlias = { ...KAFEL_TABLES, arches: { ...KAFEL_TABLES.arches, x86_64: { ...KAFEL_TABLES.arches.x86_64, syscalls: { ...KAFEL_TABLES.arches.x86_64.syscalls, umount: 22 } } } };
    expect(() => kafelIdentifier('umount2', wrongAlias)).toThrow(/kafel's "umount" is not the kernel's umount2/);
  });

  test('network: none is a new network namespace; egress shares the container network and returns the rules', () => {
    expect(one(renderNsjailConfig(eksCode, 'python').text, 'clone_newnet')).toBe('true');
    const r = renderNsjailConfig(eksCode, 'python', { network: { mode: 'egress', allow: [{ cidr: '10.1.0.0/16', ports: [443] }] } });
    expect(one(r.text, 'clone_newnet')).toBe('false');
    expect(one(r.text, 'clone_newuser')).toBe('true');
    expect(r.egress).toEqual([{ cidr: '10.1.0.0/16', ports: [443] }]);
    expect(renderNsjailConfig(eksCode, 'python').egress).toEqual([]);
  });

  test('uid/gid mapping: jailed code is uid 1000 inside, the user NsJail runs as outside, never root', () => {
    // Retool's image starts as root and drops to retool_user (1001) before NsJail runs.
    const maps = blocks(renderNsjailConfig(eksCode, 'python').text, 'uidmap');
    expect(maps).toEqual([{ inside_id: '"1000"', outside_id: '"1001"', count: '1' }]);
    expect([eksCode.sandbox.runAsUser, eksCode.sandbox.imageUser]).toEqual([0, true]);
    // Privileged: NsJail runs as root, which could map anything: jailed code goes to nobody.
    expect(privileged.sandbox.runAsUser).toBe(0);
    const priv = renderNsjailConfig(privileged, 'python').text;
    expect(blocks(priv, 'uidmap')).toEqual([{ inside_id: '"1000"', outside_id: `"${JAIL_HOST_ID_WHEN_ROOT}"`, count: '1' }]);
    expect(blocks(priv, 'gidmap')).toEqual([{ inside_id: '"1000"', outside_id: `"${JAIL_HOST_ID_WHEN_ROOT}"`, count: '1' }]);
  });

  test('renderNsjailConfigs: python and javascript for code-executor, javascript for js-executor, none for the agent sandbox', () => {
    const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' }).services;
    expect(eks.map((p) => renderNsjailConfigs(p).map((c) => c.path))).toEqual([
      ['/etc/nsjail/eks/code-executor/python.cfg', '/etc/nsjail/eks/code-executor/javascript.cfg'],
      ['/etc/nsjail/eks/js-executor/javascript.cfg'],
      [],
    ]);
  });

  test('text format strings are escaped', () => {
    expect(quote('a"b\\c\nd')).toBe('"a\\"b\\\\c\\nd"');
  });
});

describe('bad input: a clear error naming the field', () => {
  const eksCode = planOf({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'code-executor');

  function problems(fn: () => unknown): Array<{ field: string; message: string }> {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(SandboxConfigError);
      return [...(e as SandboxConfigError).problems];
    }
    throw new Error('expected a SandboxConfigError');
  }

  test('a memory limit above the pod limit', () => {
    expect(eksCode.resources.limits.memory).toBe('2Gi');
    const p = problems(() => renderNsjailConfig(eksCode, 'python', { memoryMiB: 4096 }));
    expect(p).toHaveLength(1);
    expect(p[0].field).toBe('nsjail.memoryMiB');
    expect(p[0].message).toMatch(/4096 MiB is above the memory limit of the code-executor pod \(2Gi/);
    // The bound itself is accepted.
    expect(() => renderNsjailConfig(eksCode, 'python', { memoryMiB: 2048 })).not.toThrow();
  });

  test('a time limit of zero', () => {
    const p = problems(() => renderNsjailConfig(eksCode, 'python', { timeLimitSeconds: 0 }));
    expect(p.map((x) => x.field)).toEqual(['nsjail.timeLimitSeconds']);
    expect(p[0].message).toMatch(/0 is not a time limit/);
    expect(problems(() => renderNsjailConfig(eksCode, 'python', { timeLimitSeconds: 1.5 }))[0].field).toBe('nsjail.timeLimitSeconds');
  });

  test('a runtime path that is not absolute', () => {
    const p = problems(() => renderNsjailConfig(eksCode, 'python', { runtimePaths: [{ src: '/usr' }, { src: 'opt/python' }] }));
    expect(p.map((x) => x.field)).toEqual(['nsjail.runtimePaths[1].src']);
    expect(p[0].message).toMatch(/"opt\/python" is not absolute/);
    expect(problems(() => renderNsjailConfig(eksCode, 'python', { runtimePaths: [{ src: '/usr/../etc' }] }))[0].message).toMatch(/not normalized/);
    expect(problems(() => renderNsjailConfig(eksCode, 'python', { workDir: 'tmp' }))[0].field).toBe('nsjail.workDir');
  });

  test('every bad field is reported at once', () => {
    const p = problems(() => renderNsjailConfig(eksCode, 'python', { timeLimitSeconds: 0, memoryMiB: 99999, maxProcesses: -1 }));
    expect(p.map((x) => x.field).sort()).toEqual(['nsjail.maxProcesses', 'nsjail.memoryMiB', 'nsjail.timeLimitSeconds']);
  });

  test('an egress mode without rules, and a bad CIDR', () => {
    expect(problems(() => renderNsjailConfig(eksCode, 'python', { network: { mode: 'egress', allow: [] } }))[0].field).toBe('nsjail.network.allow');
    expect(problems(() => renderNsjailConfig(eksCode, 'python', { network: { mode: 'egress', allow: [{ cidr: '10.0.0.0/40', ports: [443] }] } }))[0].field)
      .toBe('nsjail.network.allow[0].cidr');
  });

  test('a plan that runs no NsJail', () => {
    const agent = planOf({ target: 'eks', retoolVersion: '3.334.0-stable' }, 'agent-sandbox');
    expect(problems(() => renderNsjailConfig(agent, 'python'))[0].field).toBe('services.agent-sandbox');
    const unsandboxed = planOf({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } }, 'code-executor');
    expect(problems(() => renderNsjailConfig(unsandboxed, 'python'))[0].field).toBe('services.code-executor.mode');
  });
});
