import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { appArmorParserAvailability, renderedAppArmorProfiles } from '../../src/apparmor';
import { APPARMOR_LOADER_MOUNT, APPARMOR_NODE_DIR, appArmorLoaderScript } from '../../src/k8s/apparmor-loader';
import { DEFAULT_INSTALLER_IMAGE } from '../../src/k8s/options';
import { KubeObject, PodSpecJson, podsOf } from '../../src/k8s/manifest';
import { render } from './helpers';

/**
 * The loader's init-container script, run for real by a POSIX shell (/bin/sh: busybox's own sh
 * would run its nsenter applet instead of the shim; busybox checks the syntax below) against a stand-in node: `nsenter -t 1 -m --` becomes a shim that runs the command
 * here, the node's /etc/apparmor.d and /sys/kernel/security/apparmor/profiles become temporary
 * paths, and the node's apparmor_parser becomes a shim that reports a chosen version and, for an
 * AppArmor 3 node, compiles what the script wrote with the real apparmor_parser (not loaded).
 */
const realParser = appArmorParserAvailability();
const hasBusybox = spawnSync('busybox', ['--help']).status === 0;
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-apparmor-loader-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function runLoader(parserVersion: string, opts: { failLoad?: boolean; notListed?: boolean } = {}) {
  const node = path.join(dir, 'node');
  const profiles = path.join(dir, 'profiles');
  const loaded = path.join(dir, 'loaded-profiles');
  const bin = path.join(dir, 'bin');
  for (const d of [node, profiles, bin]) fs.mkdirSync(d, { recursive: true });
  fs.writeFileSync(loaded, 'cri-containerd.apparmor.d (enforce)\n');
  for (const name of ['sandbox-kit-gvisor', 'sandbox-kit-nsjail'] as const) {
    for (const f of renderedAppArmorProfiles(name)) fs.writeFileSync(path.join(profiles, f.fileName), f.content);
  }
  fs.writeFileSync(path.join(bin, 'nsenter'), '#!/bin/sh\n[ "$1 $2 $3 $4" = "-t 1 -m --" ] || { echo "unexpected nsenter $*" >&2; exit 9; }\nshift 4\nexec "$@"\n', { mode: 0o755 });
  const compile = realParser.ok && parserVersion.startsWith('3') ? `apparmor_parser --skip-kernel-load --skip-cache "$3" >/dev/null 2>&1 || exit 1` : 'grep -q "^  userns,$" "$3" || exit 1';
  fs.writeFileSync(path.join(bin, 'apparmor_parser'), [
    '#!/bin/sh',
    `if [ "$1" = --version ]; then echo "AppArmor parser version ${parserVersion}"; exit 0; fi`,
    '[ "$1 $2" = "--replace --skip-cache" ] || exit 8',
    opts.failLoad ? 'exit 1' : `PATH=/usr/sbin:/sbin:/usr/bin:/bin; ${compile}`,
    opts.notListed ? 'exit 0' : `sed -n 's/^profile \\([^ ]*\\) .*/\\1 (enforce)/p' "$3" >> ${loaded}`,
  ].join('\n'), { mode: 0o755 });
  const script = appArmorLoaderScript(['sandbox-kit-gvisor', 'sandbox-kit-nsjail'])
    .split(`${APPARMOR_LOADER_MOUNT}/`).join(`${profiles}/`)
    .split(APPARMOR_NODE_DIR).join(node)
    .split('/sys/kernel/security/apparmor/profiles').join(loaded);
  const r = spawnSync('/bin/sh', ['-c', script], { encoding: 'utf8', env: { PATH: `${bin}:${process.env.PATH}` } });
  return { ...r, node, loaded: fs.readFileSync(loaded, 'utf8') };
}

test('an AppArmor 3 node gets the variant without userns, written under /etc/apparmor.d, loaded, and checked in enforce mode', () => {
  const r = runLoader('3.0.8');
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('loaded AppArmor profile sandbox-kit-nsjail (AppArmor 3 variant, parser 3)');
  for (const name of ['sandbox-kit-gvisor', 'sandbox-kit-nsjail'] as const) {
    expect(fs.readFileSync(path.join(r.node, name), 'utf8')).toBe(renderedAppArmorProfiles(name)[0].content);
  }
  expect(r.loaded).toContain('sandbox-kit-nsjail (enforce)');
  expect(fs.readdirSync(r.node).sort()).toEqual(['sandbox-kit-gvisor', 'sandbox-kit-nsjail']);
});

test('an AppArmor 4 node (Ubuntu 24.04) gets the variant with userns', () => {
  const r = runLoader('4.0.1');
  expect(r.status).toBe(0);
  expect(fs.readFileSync(path.join(r.node, 'sandbox-kit-gvisor'), 'utf8')).toBe(renderedAppArmorProfiles('sandbox-kit-gvisor')[1].content);
  expect(r.stdout).toContain('(AppArmor 4 variant, parser 4)');
});

(hasBusybox ? test : test.skip)('busybox sh (the image\'s shell) accepts the script', () => {
  const r = spawnSync('busybox', ['sh', '-n', '-c', appArmorLoaderScript(['sandbox-kit-nsjail'])], { encoding: 'utf8' });
  expect([r.status, r.stderr]).toEqual([0, '']);
});

test('fails closed: a load that fails, or a profile the kernel does not list, fails the pod', () => {
  const failed = runLoader('3.0.8', { failLoad: true });
  expect(failed.status).not.toBe(0);
  expect(failed.stderr).toBe('');
  expect(failed.loaded).not.toContain('sandbox-kit');
  const unlisted = runLoader('3.0.8', { notListed: true });
  expect(unlisted.status).not.toBe(0);
  expect(unlisted.stdout).not.toContain('loaded AppArmor profile');
  const none = runLoader('');
  expect(none.status).not.toBe(0);
  expect(none.stderr).toContain('no apparmor_parser');
});

describe('rendered', () => {
  const { objects } = render({ target: 'gke-standard', retoolVersion: '3.334.0-stable' });
  const loader = objects.find((o) => o.kind === 'DaemonSet' && o.metadata?.name === 'apparmor-profile-loader') as KubeObject;
  const spec = (loader.spec as { template: { spec: PodSpecJson & { initContainers: PodSpecJson['containers']; hostPID?: boolean } } }).template.spec;

  test('only the init container is privileged; the long-running one holds no privilege', () => {
    expect(spec.hostPID).toBe(true);
    expect(spec.initContainers.map((c) => c.securityContext?.privileged)).toEqual([true]);
    expect(spec.containers[0].securityContext).toMatchObject({ privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, runAsNonRoot: true, readOnlyRootFilesystem: true });
    expect(spec.volumes!.every((v) => !v.hostPath)).toBe(true);
    for (const c of [...spec.initContainers, ...spec.containers]) expect(c.image).toBe(DEFAULT_INSTALLER_IMAGE);
    expect(loader.metadata?.namespace).toBe('sandbox-kit-system');
  });

  test('every profile a sandbox pod references is one the loader loads, on the nodes the pod may use', () => {
    const cm = objects.find((o) => o.kind === 'ConfigMap' && o.metadata?.name === 'apparmor-profiles')!;
    const loaded = new Set(Object.keys(cm.data as Record<string, string>).map((k) => k.replace(/\.apparmor\d$/, '')));
    let refs = 0;
    for (const pod of podsOf(objects)) {
      for (const c of pod.spec.containers) {
        const ap = c.securityContext?.appArmorProfile;
        if (ap?.type !== 'Localhost') continue;
        refs++;
        expect(loaded.has(ap.localhostProfile!)).toBe(true);
        expect(pod.spec.tolerations ?? []).toEqual(spec.tolerations ?? []);
      }
    }
    expect(refs).toBe(3);
    expect(loaded).toEqual(new Set(['sandbox-kit-gvisor', 'sandbox-kit-nsjail']));
  });

  test('no loader where no pod references a kit AppArmor profile', () => {
    for (const config of [{ target: 'eks' as const, retoolVersion: '3.334.0-stable' }, { target: 'gke-standard' as const, retoolVersion: '3.334.0-stable', appArmor: 'unconfined' as const }]) {
      expect(render(config).objects.filter((o) => o.metadata?.name === 'apparmor-profile-loader')).toEqual([]);
    }
  });
});
