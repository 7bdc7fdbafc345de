import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { INSTALLER_HOST_MOUNT, INSTALLER_PROFILES_MOUNT, INSTALLER_READINESS_SCRIPT, INSTALLER_SCRIPT } from '../../src/k8s/seccomp-installer';

/**
 * The installer's shell scripts, run for real with /bin/sh on temporary directories standing in
 * for the ConfigMap mount and the node directory (one loop iteration: `sleep 60` is replaced).
 */
let dir: string;
let profiles: string;
let host: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-installer-'));
  profiles = path.join(dir, 'profiles');
  host = path.join(dir, 'host');
  fs.mkdirSync(profiles);
  fs.mkdirSync(host);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function localize(script: string): string {
  return script.split(`${INSTALLER_PROFILES_MOUNT}/`).join(`${profiles}/`).split(`${INSTALLER_HOST_MOUNT}/`).join(`${host}/`);
}
function run(script: string) {
  return spawnSync('/bin/sh', ['-c', localize(script)], { encoding: 'utf8' });
}
const once = () => run(INSTALLER_SCRIPT.replace('sleep 60', 'exit 0'));
const ready = () => run(INSTALLER_READINESS_SCRIPT).status === 0;

test('copies every profile, byte for byte, and is then ready', () => {
  fs.writeFileSync(path.join(profiles, 'nsjail.json'), '{"defaultAction":"SCMP_ACT_ERRNO"}\n');
  fs.writeFileSync(path.join(profiles, 'gvisor.json'), '{"defaultAction":"SCMP_ACT_ERRNO","x":1}\n');
  expect(ready()).toBe(false);
  const r = once();
  expect(r.status).toBe(0);
  expect(r.stdout).toContain('installed /var/lib/kubelet/seccomp/sandbox-kit/nsjail.json');
  expect(fs.readdirSync(host).sort()).toEqual(['gvisor.json', 'nsjail.json']);
  expect(fs.readFileSync(path.join(host, 'gvisor.json'), 'utf8')).toBe('{"defaultAction":"SCMP_ACT_ERRNO","x":1}\n');
  expect(ready()).toBe(true);
});

test('repairs a changed node file, leaves equal ones alone', () => {
  fs.writeFileSync(path.join(profiles, 'nsjail.json'), 'new\n');
  fs.writeFileSync(path.join(host, 'nsjail.json'), 'old\n');
  expect(ready()).toBe(false);
  expect(once().stdout).toContain('nsjail.json');
  expect(fs.readFileSync(path.join(host, 'nsjail.json'), 'utf8')).toBe('new\n');
  expect(once().stdout).toBe('');
  expect(ready()).toBe(true);
});

test('a copy that fails stops the container (visible as CrashLoopBackOff) and installs nothing', () => {
  fs.writeFileSync(path.join(profiles, 'nsjail.json'), 'x\n');
  // A directory where the temporary file goes: the write fails even for root.
  fs.mkdirSync(path.join(host, 'nsjail.json.tmp'));
  const r = once();
  expect(r.status).not.toBe(0);
  expect(fs.existsSync(path.join(host, 'nsjail.json'))).toBe(false);
  expect(ready()).toBe(false);
});
