import { CONTAINER_DEFAULT_CAPABILITIES } from '../../src/targets';
import { decodeAsContainerd } from '../../src/seccomp/flatten';
import { DEFAULT_MASKED_PATHS } from '../../src/verify/oci-spec';
import { effectiveCapabilities, localhostFileWithout, nodeContainerConfig, runtimeCapabilities, USERNS_MAPPING } from '../../src/verify/node-runtime';
import { expectationsFor, meets } from '../../src/verify/expectations';
import { RenderedSecurity, securityFromEcsContainer, securityFromPodSpec } from '../../src/verify/workload';
import * as fs from 'fs';
import * as path from 'path';

/** How the harness builds a node's container from rendered settings (no runc needed). */
const seccompMode: RenderedSecurity = {
  runtime: 'containerd', privileged: false, capabilitiesAdd: [], capabilitiesDrop: ['ALL'],
  seccomp: { type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' }, procMount: 'Unmasked', hostUsers: false,
  runAsUser: 1000, runAsGroup: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
};

describe('pod spec and container definition reading', () => {
  test('container-level fields win over pod-level ones; hostUsers and runtimeClassName come from the pod', () => {
    const spec = {
      hostUsers: false,
      runtimeClassName: 'gvisor',
      securityContext: { runAsUser: 1, runAsGroup: 2, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [{ name: 'c', securityContext: { runAsUser: 1000, seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' }, procMount: 'Unmasked', capabilities: { drop: ['ALL'] } } }],
    };
    const sec = securityFromPodSpec(spec, 'c', 'test');
    expect(sec).toMatchObject({ runAsUser: 1000, runAsGroup: 2, hostUsers: false, runtimeClassName: 'gvisor', procMount: 'Unmasked', capabilitiesDrop: ['ALL'] });
    expect(sec.seccomp).toEqual({ type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' });
  });

  test('a container with no seccomp profile at any level is an error, not a silent default', () => {
    expect(() => securityFromPodSpec({ containers: [{ name: 'c' }] }, 'c', 'x.yaml')).toThrow(/no seccompProfile/);
    expect(() => securityFromPodSpec({ containers: [{ name: 'c' }] }, 'd', 'x.yaml')).toThrow(/no container named "d"/);
  });

  test('ECS: dockerd\'s daemon default applies unless privileged; user "uid:gid"', () => {
    const def = { Privileged: false, User: '1000:1000', ReadonlyRootFilesystem: true, LinuxParameters: { Capabilities: { Drop: ['ALL'] } } };
    const sec = securityFromEcsContainer(def, 'tmpl', { path: '/etc/docker/seccomp/x.json', content: '{}' });
    expect(sec).toMatchObject({ runtime: 'dockerd', runAsUser: 1000, runAsGroup: 1000, capabilitiesDrop: ['ALL'], seccomp: { type: 'DockerDaemonDefault' } });
    expect(securityFromEcsContainer({ ...def, Privileged: true }, 'tmpl').seccomp).toEqual({ type: 'Unconfined' });
    expect(() => securityFromEcsContainer({ User: 'app' }, 'tmpl')).toThrow(/not numeric/);
  });
});

describe('the container the node builds', () => {
  test('seccomp mode: no caps, the committed Localhost file decoded as containerd, unmasked /proc, userns, no_new_privs', () => {
    const cfg = nodeContainerConfig(seccompMode, { arch: 'amd64' });
    const file = fs.readFileSync(path.resolve(__dirname, '..', '..', 'profiles', 'nsjail-amd64.oci.json'), 'utf8');
    expect(cfg.capabilities).toEqual([]);
    expect(cfg.seccomp).toEqual(decodeAsContainerd(file));
    expect(cfg.maskedPaths).toEqual([]);
    expect(cfg.userNamespace?.uidMappings).toEqual(USERNS_MAPPING);
    expect(cfg.user).toEqual({ uid: 1000, gid: 1000 });
    expect(cfg.noNewPrivileges).toBe(true);
    expect(cfg.readonlyRoot).toBe(true);
  });

  test('procMount Default keeps the masked paths; hostUsers true has no user namespace', () => {
    const cfg = nodeContainerConfig({ ...seccompMode, procMount: 'Default', hostUsers: true }, { arch: 'amd64' });
    expect(cfg.maskedPaths).toEqual(DEFAULT_MASKED_PATHS);
    expect(cfg.userNamespace).toBeUndefined();
  });

  test('privileged: every capability the runtime holds, no filter, nothing masked, whatever seccomp says', () => {
    const cfg = nodeContainerConfig({ ...seccompMode, privileged: true, allowPrivilegeEscalation: true }, { arch: 'amd64' });
    expect(cfg.capabilities).toEqual(runtimeCapabilities());
    expect(cfg.capabilities).toContain('CAP_SYS_ADMIN');
    expect(cfg.seccomp).toBeUndefined();
    expect(cfg.maskedPaths).toEqual([]);
    expect(cfg.noNewPrivileges).toBe(false);
  });

  test('default capabilities minus drop plus add', () => {
    const sec = { ...seccompMode, capabilitiesDrop: ['NET_RAW'], capabilitiesAdd: ['SYS_PTRACE'] };
    const caps = effectiveCapabilities(sec);
    expect(caps).toHaveLength(CONTAINER_DEFAULT_CAPABILITIES.length);
    expect(caps).toContain('CAP_SYS_PTRACE');
    expect(caps).not.toContain('CAP_NET_RAW');
  });

  test('RuntimeDefault with the default caps keeps clone\'s namespace-flag filter and denies unshare', () => {
    const cfg = nodeContainerConfig({ ...seccompMode, capabilitiesDrop: [], seccomp: { type: 'RuntimeDefault' } }, { arch: 'amd64' });
    const rules = cfg.seccomp?.syscalls ?? [];
    expect(rules.some((r) => r.names.includes('clone') && r.args?.length)).toBe(true);
    expect(rules.some((r) => r.names.includes('unshare') && r.action === 'SCMP_ACT_ALLOW')).toBe(false);
  });

  test('a profile file with an addition removed no longer allows it', () => {
    const broken = decodeAsContainerd(localhostFileWithout('nsjail', 'amd64', ['pivot_root']));
    expect(broken.syscalls.some((r) => r.names.includes('pivot_root'))).toBe(false);
    const cfg = nodeContainerConfig(seccompMode, { arch: 'amd64', profileFiles: { nsjail: localhostFileWithout('nsjail', 'amd64', ['pivot_root']) } });
    expect(cfg.seccomp).toEqual(broken);
  });
});

describe('expectations from the plan', () => {
  test('seccomp with procfs none expects the fresh procfs to fail with EPERM', () => {
    const e = expectationsFor({ engine: 'nsjail', mode: 'seccomp', procfs: 'none' }, 'amd64');
    expect(e.find((x) => x.probe === 'mount_proc')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
    expect(e.find((x) => x.probe === 'pivot_root')?.expected).toEqual({ kind: 'pass' });
  });

  test('refused and gvisor-runtimeclass expect clone and unshare to fail with EPERM, and the rest not reached', () => {
    for (const mode of ['refused', 'gvisor-runtimeclass', 'unsandboxed'] as const) {
      const e = expectationsFor({ engine: 'nsjail', mode, procfs: 'none' }, 'amd64');
      expect(e.find((x) => x.probe === 'clone_newns')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
      expect(e.find((x) => x.probe === 'unshare_newns')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
      expect(e.find((x) => x.probe === 'mount_tmpfs')?.expected).toEqual({ kind: 'skipped' });
    }
  });

  test('dangerous syscalls: EPERM in every mode but privileged; iopl/ioperm only on amd64', () => {
    const seccomp = expectationsFor({ engine: 'gvisor', mode: 'seccomp', procfs: 'none' }, 'arm64');
    expect(seccomp.filter((x) => x.expected.kind === 'fail').map((x) => x.probe)).not.toContain('iopl');
    expect(seccomp.find((x) => x.probe === 'bpf')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
    const priv = expectationsFor({ engine: 'nsjail', mode: 'privileged', procfs: 'new' }, 'amd64');
    expect(priv.find((x) => x.probe === 'bpf')?.expected).toEqual({ kind: 'any' });
  });

  test('a refused service under an Unconfined platform default records dangerous syscalls; a planned mode never does', () => {
    const refused = expectationsFor({ engine: 'gvisor', mode: 'refused', procfs: 'none' }, 'amd64', { refusedUnderUnconfinedDefault: true });
    expect(refused.find((x) => x.probe === 'bpf')?.expected).toEqual({ kind: 'any' });
    expect(refused.find((x) => x.probe === 'runsc_do_true')?.expected).toEqual({ kind: 'fail' });
    const planned = expectationsFor({ engine: 'nsjail', mode: 'seccomp', procfs: 'new' }, 'amd64', { refusedUnderUnconfinedDefault: true });
    expect(planned.find((x) => x.probe === 'bpf')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
  });

  test('nsjail expectations cover both mount paths; the fresh procfs of both follows jail.procfs', () => {
    const none = expectationsFor({ engine: 'nsjail', mode: 'seccomp', procfs: 'none' }, 'amd64');
    expect(none.find((x) => x.probe === 'newapi_mount_proc')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
    expect(none.find((x) => x.probe === 'newapi_fsopen_tmpfs')?.expected).toEqual({ kind: 'pass' });
    const refused = expectationsFor({ engine: 'nsjail', mode: 'refused', procfs: 'none' }, 'amd64');
    expect(refused.find((x) => x.probe === 'newapi_clone_newns')?.expected).toEqual({ kind: 'fail', errname: 'EPERM' });
    expect(refused.find((x) => x.probe === 'newapi_fsopen_tmpfs')?.expected).toEqual({ kind: 'skipped' });
  });

  test('meets: a skipped step never counts as a pass or a failure', () => {
    const skipped = { ok: false, errno: 0, errname: '', skipped: true };
    expect(meets(skipped, { kind: 'pass' })).toBe(false);
    expect(meets(skipped, { kind: 'fail', errname: 'EPERM' })).toBe(false);
    expect(meets({ ok: false, errno: 38, errname: 'ENOSYS' }, { kind: 'fail', errname: 'EPERM' })).toBe(false);
    expect(meets(undefined, { kind: 'pass' })).toBe(false);
  });
});
