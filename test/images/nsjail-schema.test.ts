import { plan } from '../../src';
import { DEFAULT_IMAGE_CONFIGS, renderNsjailConfig, renderNsjailConfigs } from '../../src/images';

/**
 * The fields of NsJail's config.proto (google/nsjail, 3.x: message NsJailConfig, MountPt, IdMap,
 * Exe) that the kit writes, with their protobuf kinds. NsJail refuses a config with an unknown
 * field or a value of the wrong kind, so a typo here would stop every sandbox at start.
 */
type Kind = 'string' | 'bool' | 'uint' | 'int' | `enum:${string}` | `message:${string}`;
const SCHEMA: Readonly<Record<string, Readonly<Record<string, Kind>>>> = {
  NsJailConfig: {
    name: 'string', description: 'string', mode: 'enum:Mode', hostname: 'string', cwd: 'string',
    time_limit: 'uint', log_level: 'enum:LogLevel', keep_env: 'bool', envar: 'string', keep_caps: 'bool',
    disable_no_new_privs: 'bool', disable_rl: 'bool',
    rlimit_as: 'uint', rlimit_as_type: 'enum:RLimit', rlimit_core: 'uint', rlimit_core_type: 'enum:RLimit',
    rlimit_cpu: 'uint', rlimit_cpu_type: 'enum:RLimit', rlimit_fsize: 'uint', rlimit_fsize_type: 'enum:RLimit',
    rlimit_nofile: 'uint', rlimit_nofile_type: 'enum:RLimit', rlimit_nproc: 'uint', rlimit_nproc_type: 'enum:RLimit',
    clone_newnet: 'bool', clone_newuser: 'bool', clone_newns: 'bool', clone_newpid: 'bool', clone_newipc: 'bool',
    clone_newuts: 'bool', clone_newcgroup: 'bool', clone_newtime: 'bool',
    uidmap: 'message:IdMap', gidmap: 'message:IdMap', mount_proc: 'bool', mount: 'message:MountPt',
    seccomp_string: 'string', cgroup_mem_max: 'uint', cgroup_mem_swap_max: 'int', cgroup_pids_max: 'uint',
    cgroup_cpu_ms_per_sec: 'uint', cgroupv2_mount: 'string', use_cgroupv2: 'bool', detect_cgroupv2: 'bool',
    cgroup_mem_parent: 'string', cgroup_pids_parent: 'string', cgroup_cpu_parent: 'string', exec_bin: 'message:Exe',
  },
  IdMap: { inside_id: 'string', outside_id: 'string', count: 'uint', use_newidmap: 'bool' },
  MountPt: {
    src: 'string', dst: 'string', fstype: 'string', options: 'string', is_bind: 'bool', rw: 'bool', is_dir: 'bool',
    mandatory: 'bool', is_symlink: 'bool', nosuid: 'bool', nodev: 'bool', noexec: 'bool',
  },
  Exe: { path: 'string', arg: 'string', arg0: 'string' },
};
const ENUMS: Readonly<Record<string, readonly string[]>> = {
  Mode: ['LISTEN', 'ONCE', 'RERUN', 'EXECVE'],
  LogLevel: ['DEBUG', 'INFO', 'WARNING', 'ERROR', 'FATAL'],
  RLimit: ['VALUE', 'SOFT', 'HARD', 'INF'],
};
/** Fields NsJail reads once (not `repeated`): writing one twice is an error. */
const REPEATED = new Set(['description', 'envar', 'uidmap', 'gidmap', 'mount', 'seccomp_string', 'arg']);

/** Check a rendered config against SCHEMA; returns the problems. */
function schemaProblems(text: string): string[] {
  const problems: string[] = [];
  const stack: Array<{ type: string; seen: Set<string> }> = [{ type: 'NsJailConfig', seen: new Set() }];
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const top = stack[stack.length - 1];
    const fields = SCHEMA[top.type];
    const where = `line ${i + 1} (${top.type})`;
    if (line === '}') { stack.pop(); return; }
    const open = /^(\w+) \{$/.exec(line);
    const scalar = /^(\w+): (.*)$/.exec(line);
    const name = open?.[1] ?? scalar?.[1];
    const value = scalar?.[2];
    if (name === undefined) { problems.push(`${where}: not a field: ${line}`); return; }
    const kind = fields[name];
    if (!kind) { problems.push(`${where}: unknown field ${name}`); return; }
    if (top.seen.has(name) && !REPEATED.has(name)) problems.push(`${where}: ${name} set twice`);
    top.seen.add(name);
    if (kind.startsWith('message:')) {
      if (!open) problems.push(`${where}: ${name} must be a message`);
      stack.push({ type: kind.slice('message:'.length), seen: new Set() });
      return;
    }
    if (open || value === undefined) { problems.push(`${where}: ${name} is not a message`); return; }
    const ok = kind === 'string' ? /^"(?:[^"\\]|\\.)*"$/.test(value)
      : kind === 'bool' ? /^(true|false)$/.test(value)
        : kind === 'uint' ? /^\d+$/.test(value)
          : kind === 'int' ? /^-?\d+$/.test(value)
            : (ENUMS[kind.slice('enum:'.length)] ?? []).includes(value);
    if (!ok) problems.push(`${where}: ${name} = ${value} is not a ${kind}`);
  });
  if (stack.length !== 1) problems.push('unbalanced braces');
  return problems;
}

describe('rendered configs match NsJail\'s config.proto', () => {
  const all = DEFAULT_IMAGE_CONFIGS.flatMap((c) => plan(c).services).flatMap((p) => renderNsjailConfigs(p));

  test('the default image carries configs for every default target', () => {
    expect(new Set(all.map((c) => c.target))).toEqual(new Set(['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'ecs-ec2', 'ecs-fargate', 'eks-fargate']));
    // 3 per target with both executors (eks, gke-standard, kubernetes, ecs-ec2 with the kit's image:
    // code-executor python + javascript, js-executor javascript), 2 per code-executor-only plan
    // (gke-autopilot inside gVisor, the two Fargate rlimits plans).
    expect(all.length).toBe(4 * 3 + 3 * 2);
  });

  test.each(all.map((c) => [c.path, c.text]))('%s', (_path, text) => {
    expect(schemaProblems(text)).toEqual([]);
  });

  test('with every option set, including cgroups and egress', () => {
    const privileged = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'privileged' } } }).services[0];
    const text = renderNsjailConfig(privileged, 'javascript', {
      cpuMsPerSecond: 800, addressSpaceMiB: 'unlimited', network: { mode: 'egress', allow: [{ cidr: '10.0.0.0/8', ports: [443] }] },
      runtimePaths: [{ src: '/opt/node', dst: '/usr/local/node', mandatory: false }],
    }).text;
    expect(schemaProblems(text)).toEqual([]);
  });

  test('the checker itself rejects unknown fields, wrong kinds and repeats', () => {
    expect(schemaProblems('mode: ONCE\nrlimit_ass: 1\ntime_limit: "30"\nmode: ONCE\nmount {\n  rw: yes\n}\nlog_level: LOUD\n')).toEqual([
      'line 2 (NsJailConfig): unknown field rlimit_ass',
      'line 3 (NsJailConfig): time_limit = "30" is not a uint',
      'line 4 (NsJailConfig): mode set twice',
      'line 6 (MountPt): rw = yes is not a bool',
      'line 8 (NsJailConfig): log_level = LOUD is not a enum:LogLevel',
    ]);
  });
});
