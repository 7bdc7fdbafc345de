import * as fs from 'fs';
import { buildOciSpec, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, prepareRootfs } from '../../src/verify/oci-spec';
import { runcAvailability, runInRunc } from '../../src/verify/runc';
import * as os from 'os';
import * as path from 'path';

describe('OCI runtime config builder', () => {
  test('defaults: containerd\'s masked and read-only paths, drop-all capabilities, no_new_privs, read-only root', () => {
    const spec = buildOciSpec({ args: ['/bin/true'] }, []);
    expect(spec.linux.maskedPaths).toEqual(DEFAULT_MASKED_PATHS);
    expect(spec.linux.readonlyPaths).toEqual(DEFAULT_READONLY_PATHS);
    expect(spec.process.capabilities.bounding).toEqual([]);
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.root).toEqual({ path: 'rootfs', readonly: true });
    expect(spec.linux.namespaces.map((n) => n.type)).toEqual(['mount', 'pid', 'ipc', 'uts', 'network', 'cgroup']);
    // containerd's cgroup mount, read-only unless privileged (writableCgroups).
    expect(spec.mounts.find((m) => m.destination === '/sys/fs/cgroup')?.options).toContain('ro');
    expect(spec.linux.seccomp).toBeUndefined();
    expect(spec.mounts.map((m) => m.destination)).toEqual(expect.arrayContaining(['/proc', '/dev', '/tmp']));
  });

  test('capabilities get the CAP_ prefix; a user namespace adds the namespace and mappings', () => {
    const ids = [{ containerID: 0, hostID: 100000, size: 65536 }];
    const spec = buildOciSpec({ args: ['/bin/true'], capabilities: ['sys_ptrace', 'CAP_NET_RAW'], userNamespace: { uidMappings: ids, gidMappings: ids } }, []);
    expect(spec.process.capabilities.effective).toEqual(['CAP_SYS_PTRACE', 'CAP_NET_RAW']);
    expect(spec.linux.namespaces.map((n) => n.type)).toContain('user');
    expect(spec.linux.uidMappings).toEqual(ids);
    expect(() => buildOciSpec({ args: [] }, [])).toThrow(/args: empty/);
  });

  test('rootfs: host symlinks (merged /usr) become symlinks, real directories read-only binds', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-rootfs-test-'));
    try {
      const binds = prepareRootfs(path.join(root, 'rootfs'), ['/usr', '/bin', '/no-such-dir']);
      expect(binds).toEqual([{ destination: '/usr', type: 'bind', source: '/usr', options: ['rbind', 'ro', 'nosuid', 'nodev'] }]);
      if (fs.lstatSync('/bin').isSymbolicLink()) expect(fs.readlinkSync(path.join(root, 'rootfs', 'bin'))).toBe(fs.readlinkSync('/bin'));
      expect(fs.existsSync(path.join(root, 'rootfs', 'no-such-dir'))).toBe(false);
      expect(fs.statSync(path.join(root, 'rootfs', 'tmp')).mode & 0o7777).toBe(0o1777);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});

const availability = runcAvailability();
if (!availability.ok && process.env.SANDBOX_KIT_STRICT_TOOLS === '1') throw new Error(`SANDBOX_KIT_STRICT_TOOLS=1 but ${availability.reason}`);
if (!availability.ok) console.warn(`SKIPPED runc runner tests: ${availability.reason}`);
const maybe = availability.ok ? describe : describe.skip;

maybe('runc runner', () => {
  test('captures stdout, stderr and the exit code, and removes the bundle', () => {
    const r = runInRunc({ args: ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3'] });
    expect({ exit: r.exitCode, stdout: r.stdout, stderr: r.stderr, timedOut: r.timedOut }).toEqual({ exit: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
    expect(fs.existsSync(r.bundle)).toBe(false);
  });

  test('read-only root, writable /tmp, hostname from the spec', () => {
    const r = runInRunc({ args: ['/bin/sh', '-c', 'hostname; touch /x 2>/dev/null && echo root-writable; touch /tmp/x && echo tmp-writable'] });
    expect(r.stdout).toBe('sandbox-kit\ntmp-writable\n');
  });

  test('/tmp is mode 1777 and writable by a non-root user (runc gives a tmpfs its mount point\'s mode)', () => {
    const r = runInRunc({ args: ['/bin/sh', '-c', 'stat -c %a /tmp; touch /tmp/x && echo tmp-writable'], user: { uid: 1000, gid: 1000 } });
    expect({ exit: r.exitCode, stdout: r.stdout, stderr: r.stderr }).toEqual({ exit: 0, stdout: '1777\ntmp-writable\n', stderr: '' });
  });

  test('user namespace with mappings (hostUsers: false)', () => {
    const ids = [{ containerID: 0, hostID: 100000, size: 65536 }];
    const r = runInRunc({ args: ['/bin/cat', '/proc/self/uid_map'], userNamespace: { uidMappings: ids, gidMappings: ids } });
    expect(r.exitCode).toBe(0);
    expect(r.stdout.trim().split(/\s+/)).toEqual(['0', '100000', '65536']);
  });

  test('a timeout kills the container and still cleans up', () => {
    const r = runInRunc({ args: ['/bin/sleep', '30'] }, { timeoutMs: 1500 });
    expect(r.timedOut).toBe(true);
    expect(r.exitCode).toBeNull();
    expect(fs.existsSync(r.bundle)).toBe(false);
  });
});
