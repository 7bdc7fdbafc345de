import * as fs from 'fs';
import * as path from 'path';
import { OciSeccomp } from '../seccomp/types';

/**
 * A minimal OCI runtime config (runtime-spec 1.0) for running one process under runc with a
 * given seccomp filter, capability set and namespaces: the shape containerd gives a
 * Kubernetes container, on an empty root filesystem with the host's /usr, /lib, /etc read-only.
 */

/** uid/gid mapping of a user namespace. */
export interface IdMapping {
  /** First id inside the namespace. */
  readonly containerID: number;
  /** First id on the host. */
  readonly hostID: number;
  /** Number of ids. */
  readonly size: number;
}

/** One mount of the runtime spec. */
export interface OciMount {
  /** Path inside the container. */
  readonly destination: string;
  /** Filesystem type (`bind`, `proc`, `tmpfs`, ...). */
  readonly type: string;
  /** Source path or device name. */
  readonly source: string;
  /** Mount options. */
  readonly options?: readonly string[];
}

/** Namespaces runc can create. */
export type NamespaceType = 'pid' | 'network' | 'ipc' | 'uts' | 'mount' | 'user' | 'cgroup';

/** The runtime spec document runc reads from `config.json` (the fields the kit uses). */
export interface OciRuntimeSpec {
  readonly ociVersion: string;
  readonly process: {
    readonly terminal: boolean;
    readonly user: { readonly uid: number; readonly gid: number; readonly additionalGids?: readonly number[] };
    readonly args: readonly string[];
    readonly env: readonly string[];
    readonly cwd: string;
    readonly capabilities: {
      readonly bounding: readonly string[];
      readonly effective: readonly string[];
      readonly permitted: readonly string[];
      readonly inheritable: readonly string[];
      readonly ambient: readonly string[];
    };
    readonly rlimits: readonly { readonly type: string; readonly hard: number; readonly soft: number }[];
    readonly noNewPrivileges: boolean;
  };
  readonly root: { readonly path: string; readonly readonly: boolean };
  readonly hostname: string;
  readonly mounts: readonly OciMount[];
  readonly linux: {
    readonly uidMappings?: readonly IdMapping[];
    readonly gidMappings?: readonly IdMapping[];
    readonly resources: { readonly devices: readonly { readonly allow: boolean; readonly access: string; readonly type?: string; readonly major?: number; readonly minor?: number }[] };
    readonly namespaces: readonly { readonly type: NamespaceType; readonly path?: string }[];
    readonly maskedPaths: readonly string[];
    readonly readonlyPaths: readonly string[];
    readonly seccomp?: OciSeccomp;
  };
}

/**
 * Paths containerd masks in every non-privileged container (containerd `oci/spec.go`
 * populateDefaultUnixSpec); runc's `runc spec` lists the same set minus /proc/scsi and powercap.
 */
export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/acpi', '/proc/asound', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/sys/firmware', '/sys/devices/virtual/powercap', '/proc/scsi',
];

/** Paths containerd makes read-only in every non-privileged container. */
export const DEFAULT_READONLY_PATHS: readonly string[] = ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger'];

/** Host directories bound read-only into the empty root filesystem, so host binaries run. */
export const DEFAULT_HOST_BINDS: readonly string[] = ['/usr', '/lib', '/lib64', '/bin', '/sbin', '/etc'];

/**
 * Namespaces of a Kubernetes container (plus `user` when `userNamespace` is set). containerd
 * gives every container a private cgroup namespace on cgroup v2 nodes (the nodes of every target).
 */
export const DEFAULT_NAMESPACES: readonly NamespaceType[] = ['mount', 'pid', 'ipc', 'uts', 'network', 'cgroup'];

/** What to run and how. */
export interface OciSpecOptions {
  /** Command and arguments; `args[0]` must exist in the container (host binaries are bound in). */
  readonly args: readonly string[];
  /**
   * Environment.
   * @default ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin']
   */
  readonly env?: readonly string[];
  /**
   * User the process runs as.
   * @default { uid: 0, gid: 0 }
   */
  readonly user?: { readonly uid: number; readonly gid: number; readonly additionalGids?: readonly number[] };
  /**
   * Working directory.
   * @default '/'
   */
  readonly cwd?: string;
  /**
   * Capabilities (with or without `CAP_`) put in the bounding, effective and permitted sets.
   * @default [] (what `drop: [ALL]` gives)
   */
  readonly capabilities?: readonly string[];
  /**
   * no_new_privs (Kubernetes `allowPrivilegeEscalation: false`).
   * @default true
   */
  readonly noNewPrivileges?: boolean;
  /**
   * Seccomp filter, as containerd would pass it. Undefined runs with no filter (Unconfined).
   * @default undefined
   */
  readonly seccomp?: OciSeccomp;
  /**
   * Read-only root filesystem.
   * @default true
   */
  readonly readonlyRoot?: boolean;
  /**
   * Namespaces besides `user`.
   * @default DEFAULT_NAMESPACES
   */
  readonly namespaces?: readonly NamespaceType[];
  /**
   * Run in a new user namespace with these mappings (Kubernetes `hostUsers: false`).
   * @default undefined (no user namespace)
   */
  readonly userNamespace?: { readonly uidMappings: readonly IdMapping[]; readonly gidMappings: readonly IdMapping[] };
  /**
   * Masked paths; `[]` is what `procMount: Unmasked` gives.
   * @default DEFAULT_MASKED_PATHS
   */
  readonly maskedPaths?: readonly string[];
  /**
   * Read-only paths; `[]` with `procMount: Unmasked`.
   * @default DEFAULT_READONLY_PATHS
   */
  readonly readonlyPaths?: readonly string[];
  /**
   * Mounts after the defaults (proc, /dev, /dev/pts, /dev/shm, /sys, /tmp and the host binds).
   * @default []
   */
  readonly extraMounts?: readonly OciMount[];
  /**
   * Hostname (needs the `uts` namespace).
   * @default 'sandbox-kit'
   */
  readonly hostname?: string;
  /**
   * Mount the container's cgroup tree at /sys/fs/cgroup writable: what containerd and dockerd
   * give a privileged container (others get it read-only).
   * @default false
   */
  readonly writableCgroups?: boolean;
}

/** The `CAP_`-prefixed form runc expects. */
function capName(c: string): string {
  const u = c.toUpperCase();
  return u.startsWith('CAP_') ? u : `CAP_${u}`;
}

/**
 * Builds the runtime config. The root filesystem is `rootfs` inside the bundle (see
 * `prepareRootfs`); host directories that are symlinks (merged /usr) become symlinks there
 * instead of binds, so `hostBindMounts` lists only real directories.
 *
 * @param hostBindMounts from `prepareRootfs`
 */
export function buildOciSpec(options: OciSpecOptions, hostBindMounts: readonly OciMount[]): OciRuntimeSpec {
  if (!options.args.length) throw new Error('OciSpecOptions.args: empty; give the command to run, e.g. ["/bin/true"]');
  const caps = (options.capabilities ?? []).map(capName);
  const namespaces = [...(options.namespaces ?? DEFAULT_NAMESPACES)];
  if (options.userNamespace && !namespaces.includes('user')) namespaces.push('user');
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    { destination: '/dev/pts', type: 'devpts', source: 'devpts', options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620'] },
    { destination: '/dev/shm', type: 'tmpfs', source: 'shm', options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'] },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
    // containerd's default mount (oci/mounts.go); runc mounts the container's own cgroup v2 tree, or
    // its v1 hierarchies on a v1 host. Writable for privileged containers (WithWriteableCgroupfs).
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'relatime', options.writableCgroups ? 'rw' : 'ro'] },
    { destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777', 'size=65536k'] },
    ...hostBindMounts,
    ...(options.extraMounts ?? []),
  ];
  return {
    ociVersion: '1.0.2',
    process: {
      terminal: false,
      user: options.user ?? { uid: 0, gid: 0 },
      args: [...options.args],
      env: [...(options.env ?? ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'])],
      cwd: options.cwd ?? '/',
      capabilities: { bounding: caps, effective: caps, permitted: caps, inheritable: [], ambient: [] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: options.noNewPrivileges ?? true,
    },
    root: { path: 'rootfs', readonly: options.readonlyRoot ?? true },
    hostname: options.hostname ?? 'sandbox-kit',
    mounts,
    linux: {
      ...(options.userNamespace ? { uidMappings: options.userNamespace.uidMappings, gidMappings: options.userNamespace.gidMappings } : {}),
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: namespaces.map((type) => ({ type })),
      maskedPaths: [...(options.maskedPaths ?? DEFAULT_MASKED_PATHS)],
      readonlyPaths: [...(options.readonlyPaths ?? DEFAULT_READONLY_PATHS)],
      ...(options.seccomp ? { seccomp: options.seccomp } : {}),
    },
  };
}

/**
 * Lays out an empty root filesystem at `rootfs`: the /tmp mount point (mode 1777), and for each
 * host directory a symlink where the host has one (Debian's merged /usr: /bin -> usr/bin) or a
 * mount point plus a read-only bind.
 * Missing host directories (/lib64 on arm64) are skipped.
 *
 * @returns the bind mounts to put in the spec
 */
export function prepareRootfs(rootfs: string, hostDirs: readonly string[] = DEFAULT_HOST_BINDS): OciMount[] {
  fs.mkdirSync(rootfs, { recursive: true });
  // runc gives a tmpfs the mode of the directory it covers (it chmods the mount to it, whatever
  // `mode=` says), so /tmp's mount point must be 1777 for a non-root process to write there.
  const tmp = path.join(rootfs, 'tmp');
  fs.mkdirSync(tmp, { recursive: true });
  fs.chmodSync(tmp, 0o1777);
  const binds: OciMount[] = [];
  for (const dir of hostDirs) {
    let st: fs.Stats;
    try {
      st = fs.lstatSync(dir);
    } catch {
      continue;
    }
    const inside = path.join(rootfs, dir);
    if (st.isSymbolicLink()) {
      fs.symlinkSync(fs.readlinkSync(dir), inside);
    } else if (st.isDirectory()) {
      fs.mkdirSync(inside, { recursive: true });
      binds.push({ destination: dir, type: 'bind', source: dir, options: ['rbind', 'ro', 'nosuid', 'nodev'] });
    }
  }
  return binds;
}
