import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildOciSpec, OciRuntimeSpec, OciSpecOptions, prepareRootfs } from './oci-spec';

/**
 * Runs one process as a real OCI container with `runc run`, the way containerd would start a
 * Kubernetes container with the same settings, and reports how it ended. Used by tests to
 * prove that a rendered seccomp profile loads and that its rules do what they say; needs root.
 */

/** Options of runInRunc. */
export interface RuncOptions {
  /**
   * Give up after this many milliseconds (the container is then killed with `runc delete -f`).
   * @default 30000
   */
  readonly timeoutMs?: number;
  /**
   * The runc binary.
   * @default process.env.RUNC ?? 'runc'
   */
  readonly runc?: string;
  /**
   * Keep the bundle directory (config.json, rootfs) for debugging instead of removing it.
   * @default false
   */
  readonly keepBundle?: boolean;
  /**
   * Adjusts the generated config before it is written (for probes the options do not cover).
   * @default identity
   */
  readonly patchSpec?: (spec: OciRuntimeSpec) => OciRuntimeSpec;
}

/** How a container run ended. */
export interface RuncResult {
  /** Exit code of the container's process (runc passes it through); null when killed or not started. */
  readonly exitCode: number | null;
  /** Signal that ended runc, if any (timeout). */
  readonly signal: NodeJS.Signals | null;
  /** The process's standard output. */
  readonly stdout: string;
  /** The process's standard error, with runc's own errors (e.g. a seccomp filter runc refused). */
  readonly stderr: string;
  /** Whether the timeout was hit. */
  readonly timedOut: boolean;
  /** Container id used. */
  readonly id: string;
  /** Bundle directory (removed after the run unless `keepBundle`). */
  readonly bundle: string;
  /** The config runc was given. */
  readonly spec: OciRuntimeSpec;
}

/** Whether runc can be used here: root, and the binary answers `--version`. */
export function runcAvailability(runc: string = process.env.RUNC ?? 'runc'): { readonly ok: true; readonly version: string } | { readonly ok: false; readonly reason: string } {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return { ok: false, reason: 'not root: runc needs root to create containers' };
  const r = spawnSync(runc, ['--version'], { encoding: 'utf8', timeout: 10000 });
  if (r.error || r.status !== 0) return { ok: false, reason: `${runc} --version failed: ${r.error?.message ?? r.stderr.trim()} (Debian: apt-get install runc)` };
  return { ok: true, version: r.stdout.split('\n')[0].trim() };
}

/**
 * Runs `options.args` in a fresh container and always cleans up (`runc delete -f`, bundle and
 * state directories removed), whatever happened.
 */
export function runInRunc(options: OciSpecOptions, runcOptions: RuncOptions = {}): RuncResult {
  const runc = runcOptions.runc ?? process.env.RUNC ?? 'runc';
  const bundle = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-runc-'));
  // mkdtemp makes it 0700; a user-namespaced root (host uid 100000...) must traverse it to the rootfs.
  fs.chmodSync(bundle, 0o755);
  // A private state directory, so the run never sees or touches other runc containers.
  const state = path.join(bundle, 'state');
  const id = `sandbox-kit-${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
  try {
    const binds = prepareRootfs(path.join(bundle, 'rootfs'));
    const built = buildOciSpec(options, binds);
    const spec = runcOptions.patchSpec ? runcOptions.patchSpec(built) : built;
    // Create top-level mount points now: in a user namespace the container's root (a high host
    // uid) cannot mkdir in a rootfs owned by the host's root. Deeper ones (/dev/pts) land on tmpfs.
    for (const m of spec.mounts) {
      const top = m.destination.split('/').filter(Boolean)[0];
      const p = path.join(bundle, 'rootfs', top ?? '');
      if (top && !fs.existsSync(p) && !isSymlink(p)) fs.mkdirSync(p);
    }
    fs.writeFileSync(path.join(bundle, 'config.json'), JSON.stringify(spec, null, 2));
    const r = spawnSync(runc, ['--root', state, 'run', '--bundle', bundle, id], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: runcOptions.timeoutMs ?? 30000,
      killSignal: 'SIGKILL',
      maxBuffer: 16 * 1024 * 1024,
    });
    const timedOut = r.error !== undefined && (r.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    if (r.error && !timedOut) throw new Error(`cannot start ${runc}: ${r.error.message}`);
    return { exitCode: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', timedOut, id, bundle, spec };
  } finally {
    spawnSync(runc, ['--root', state, 'delete', '-f', id], { stdio: 'ignore', timeout: 10000 });
    if (!runcOptions.keepBundle) fs.rmSync(bundle, { recursive: true, force: true });
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
