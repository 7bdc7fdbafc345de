import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { accountFiles, ContainerAccount } from './entrypoint';
import { NodeContainerConfig } from './node-runtime';
import { OciMount, prepareRootfs } from './oci-spec';
import { PROBE_SCRIPT } from './probe-script';
import { runcAvailability, RuncResult, runInRunc } from './runc';

/**
 * Runs the probe inside a container built from a NodeContainerConfig, on top of the shared
 * runc runner (runc.ts). Two things the runner's per-run bundle cannot give a probe container,
 * done here once per process:
 * - a root filesystem whose mount points all exist and are world-traversable, so runc can
 *   mount onto them from inside a user namespace (`hostUsers: false`), whose root is an
 *   unmapped host id that may not create directories in a host-root-owned tree (/tmp, mode
 *   1777, comes from prepareRootfs);
 * - a read-only /probe with the probe script, readable by the container's non-root user.
 */

/** Tools the behavioural tests need on the host, with the Debian package of each. */
export const REQUIRED_TOOLS: readonly { readonly path: string; readonly pkg: string }[] = [
  { path: '/usr/bin/python3', pkg: 'python3' },
  { path: '/usr/bin/runsc', pkg: 'runsc' },
];

/** Whether the behavioural harness can run here; the reason when it cannot. */
export function verifyAvailability(): { readonly ok: true; readonly runc: string } | { readonly ok: false; readonly reason: string } {
  const runc = runcAvailability();
  if (!runc.ok) return runc;
  const missing = REQUIRED_TOOLS.filter((t) => !fs.existsSync(t.path));
  if (missing.length) {
    return { ok: false, reason: `missing ${missing.map((t) => t.path).join(', ')} (Debian: apt-get install ${missing.map((t) => t.pkg).join(' ')})` };
  }
  return { ok: true, runc: runc.version };
}

let shared: { root: string; rootfs: string; probeDir: string; binds: OciMount[] } | undefined;

/** The per-process rootfs template and probe directory (created once, removed at exit). */
function sharedDirs(): { rootfs: string; probeDir: string; binds: OciMount[] } {
  if (shared && fs.existsSync(shared.rootfs)) return shared;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-verify-'));
  fs.chmodSync(root, 0o755);
  const rootfs = path.join(root, 'rootfs');
  const binds = prepareRootfs(rootfs);
  for (const d of ['proc', 'dev', 'sys', 'probe']) fs.mkdirSync(path.join(rootfs, d), { recursive: true });
  const probeDir = path.join(root, 'probe');
  fs.mkdirSync(probeDir, { mode: 0o755 });
  fs.writeFileSync(path.join(probeDir, 'probe.py'), PROBE_SCRIPT, { mode: 0o644 });
  shared = { root, rootfs, probeDir, binds };
  process.once('exit', () => {
    if (shared) fs.rmSync(shared.root, { recursive: true, force: true });
  });
  return shared;
}

/** Copies a host file into the shared probe directory (e.g. a compiled benchmark), returning its path inside. */
export function addProbeFile(name: string, content: Buffer | string, mode = 0o755): string {
  const { probeDir } = sharedDirs();
  fs.writeFileSync(path.join(probeDir, name), content, { mode });
  fs.chmodSync(path.join(probeDir, name), mode);
  return `/probe/${name}`;
}

/** Host path of the shared probe directory (to compile into it). */
export function probeHostDir(): string {
  return sharedDirs().probeDir;
}

/** Where the container sees the directory of each host tool (real NsJail, runsc). */
export const TOOLS_DIR = '/opt/sandbox-kit-tools';

/**
 * The path inside a probe container of a host binary passed in `RunOptions.tools`: its directory
 * is bound read-only at TOOLS_DIR/<hash> (binaries outside the host's /usr, such as a built
 * NsJail or a second runsc, are not in the container otherwise).
 */
export function containerToolPath(hostBinary: string): string {
  const dir = path.dirname(path.resolve(hostBinary));
  return `${TOOLS_DIR}/${crypto.createHash('sha256').update(dir).digest('hex').slice(0, 12)}/${path.basename(hostBinary)}`;
}

function toolMounts(rootfs: string, tools: readonly string[]): OciMount[] {
  const out = new Map<string, OciMount>();
  for (const t of tools) {
    const inside = path.posix.dirname(containerToolPath(t));
    fs.mkdirSync(path.join(rootfs, inside), { recursive: true, mode: 0o755 });
    out.set(inside, { destination: inside, type: 'bind', source: path.dirname(path.resolve(t)), options: ['rbind', 'ro', 'nosuid', 'nodev'] });
  }
  return [...out.values()];
}

/** Options of runInNodeContainer. */
export interface RunOptions {
  /**
   * Give up after this many milliseconds.
   * @default 120000
   */
  readonly timeoutMs?: number;
  /**
   * Host binaries to make visible (their directory, read-only), at containerToolPath().
   * @default []
   */
  readonly tools?: readonly string[];
  /**
   * Accounts the container's /etc/passwd and /etc/group must hold besides the host's (an image's
   * own user, such as Retool's `retool_user`, that runuser looks up by name).
   * @default []
   */
  readonly accounts?: readonly ContainerAccount[];
  /**
   * Mounts after the harness's own (e.g. a writable /run, as an emptyDir gives it).
   * @default []
   */
  readonly extraMounts?: readonly OciMount[];
  /**
   * Join this network namespace (a host path such as /run/netns/x) instead of creating one: a
   * network namespace the container's user namespace does not own. runc cannot mount sysfs for
   * a user-namespaced container there (the kernel refuses it), so /sys is left out.
   * @default undefined (a new network namespace, owned by the container's user namespace if it has one)
   */
  readonly networkNamespacePath?: string;
  /**
   * Character devices the container gets, mode 0666, allowed by its device cgroup: what a device
   * plugin hands a pod (e.g. /dev/net/tun, 10:200, for pasta).
   * @default []
   */
  readonly devices?: readonly { readonly path: string; readonly major: number; readonly minor: number }[];
}

/** Device nodes (made once in the shared probe directory) bound at their paths. */
function deviceMounts(devices: NonNullable<RunOptions['devices']>): OciMount[] {
  const { probeDir } = sharedDirs();
  return devices.map((d) => {
    const source = path.join(probeDir, `dev-${d.major}-${d.minor}`);
    if (!fs.existsSync(source)) {
      const r = spawnSync('mknod', ['-m', '0666', source, 'c', String(d.major), String(d.minor)], { encoding: 'utf8' });
      if (r.status !== 0) throw new Error(`mknod ${source} c ${d.major} ${d.minor}: ${r.stderr.trim()}`);
    }
    return { destination: d.path, type: 'bind', source, options: ['bind'] };
  });
}

/** Binds of /etc/passwd and /etc/group holding `accounts` (files in the shared probe directory). */
function accountMounts(accounts: readonly ContainerAccount[]): OciMount[] {
  if (!accounts.length) return [];
  const { probeDir } = sharedDirs();
  const files = accountFiles(fs.readFileSync('/etc/passwd', 'utf8'), fs.readFileSync('/etc/group', 'utf8'), accounts);
  const tag = crypto.createHash('sha256').update(accounts.map((a) => `${a.name}:${a.uid}:${a.gid}`).join(',')).digest('hex').slice(0, 8);
  return (['passwd', 'group'] as const).map((f) => {
    const source = path.join(probeDir, `etc-${f}-${tag}`);
    fs.writeFileSync(source, files[f], { mode: 0o644 });
    return { destination: `/etc/${f}`, type: 'bind', source, options: ['rbind', 'ro', 'nosuid', 'nodev'] };
  });
}

/** Result of one probe container. */
export interface ProbeRun<T> {
  /** The parsed JSON the probe printed; undefined when it printed none. */
  readonly output?: T;
  /** The raw run. */
  readonly run: RuncResult;
}

/**
 * Runs `args` (e.g. `['/usr/bin/python3', '/probe/probe.py', 'nsjail']`) in a container with
 * the node's settings and parses the JSON line it prints.
 */
export function runInNodeContainer<T>(cfg: NodeContainerConfig, args: readonly string[], options: number | RunOptions = {}): ProbeRun<T> {
  const opts: RunOptions = typeof options === 'number' ? { timeoutMs: options } : options;
  const timeoutMs = opts.timeoutMs ?? 120000;
  const { rootfs, probeDir } = sharedDirs();
  const tools = toolMounts(rootfs, opts.tools ?? []);
  // Mount points of the extra mounts, in the shared rootfs (a user-namespaced runc cannot create them).
  for (const m of opts.extraMounts ?? []) fs.mkdirSync(path.join(rootfs, m.destination), { recursive: true, mode: 0o755 });
  const run = runInRunc({
    args,
    env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'HOME=/tmp'],
    user: cfg.user,
    cwd: '/tmp',
    capabilities: cfg.capabilities,
    noNewPrivileges: cfg.noNewPrivileges,
    seccomp: cfg.seccomp,
    readonlyRoot: cfg.readonlyRoot,
    userNamespace: cfg.userNamespace,
    maskedPaths: cfg.maskedPaths,
    readonlyPaths: cfg.readonlyPaths,
    writableCgroups: cfg.writableCgroups,
    extraMounts: [{ destination: '/probe', type: 'bind', source: probeDir, options: ['rbind', 'ro', 'nosuid', 'nodev'] }, ...tools, ...accountMounts(opts.accounts ?? []), ...(opts.extraMounts ?? []), ...deviceMounts(opts.devices ?? [])],
  }, {
    timeoutMs,
    // The shared rootfs (absolute path) replaces the runner's per-bundle one, whose directories
    // a user-namespaced runc init could not mount onto; same host binds.
    patchSpec: (spec) => {
      const netns = opts.networkNamespacePath;
      const allowed = (opts.devices ?? []).map((d) => ({ allow: true, type: 'c', major: d.major, minor: d.minor, access: 'rwm' }));
      const rooted = { ...spec, root: { ...spec.root, path: rootfs }, linux: { ...spec.linux, resources: { ...spec.linux.resources, devices: [...spec.linux.resources.devices, ...allowed] } } };
      if (!netns) return rooted;
      return {
        ...rooted,
        mounts: rooted.mounts.filter((m) => m.destination !== '/sys' && !m.destination.startsWith('/sys/')),
        linux: { ...rooted.linux, namespaces: rooted.linux.namespaces.map((n) => (n.type === 'network' ? { type: n.type, path: netns } : n)) },
      };
    },
  });
  const line = run.stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  let output: T | undefined;
  if (line) {
    try {
      output = JSON.parse(line) as T;
    } catch {
      output = undefined;
    }
  }
  return { output, run };
}

/** Whether `gcc` is on the host (the seccomp-cost benchmark compiles its loop with it). */
export function hasGcc(): boolean {
  return spawnSync('gcc', ['--version'], { stdio: 'ignore' }).status === 0;
}
