import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ecsAgentPrecheckScript, PRECHECK_ATTEMPTS, PRECHECK_INTERVAL_SECONDS } from '../../src/aws/ecs-user-data';

/**
 * The ECS agent's precheck, run for real by bash with stand-ins for `docker` and `sysctl` on PATH
 * (the wait shortened to three attempts without sleeping): the agent may start only when dockerd
 * answers with the kit's profile as its default and user namespaces are on.
 */
const profilePath = '/etc/docker/seccomp/sandbox-kit-nsjail.json';
const script = ecsAgentPrecheckScript({ id: 'ec2-seccomp-nsjail', dockerProfile: 'nsjail', dockerProfilePath: profilePath, privileged: false, taskPidsLimit: 4096 })
  .replace(`seq 1 ${PRECHECK_ATTEMPTS}`, 'seq 1 3').replace(`sleep ${PRECHECK_INTERVAL_SECONDS}`, 'sleep 0');
let dir: string;
beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sandbox-kit-precheck-')); });
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function run(docker: string, userns = '63000') {
  fs.writeFileSync(path.join(dir, 'docker'), `#!/bin/sh\necho "$*" >> ${dir}/calls\n${docker}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, 'sysctl'), `#!/bin/sh\n[ "$*" = "-n user.max_user_namespaces" ] && echo ${userns}\n`, { mode: 0o755 });
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8', env: { PATH: `${dir}:${process.env.PATH}` } });
  const calls = fs.existsSync(path.join(dir, 'calls')) ? fs.readFileSync(path.join(dir, 'calls'), 'utf8').trim().split('\n') : [];
  return { status: r.status, stderr: r.stderr, calls };
}

test('passes when dockerd runs with the kit profile as its default', () => {
  const r = run(`echo '["name=seccomp,profile=${profilePath}","name=cgroupns"]'`);
  expect(r).toMatchObject({ status: 0, stderr: '' });
  expect(r.calls).toEqual(['info --format {{json .SecurityOptions}}']);
});

test('fails (the agent stays off) when dockerd runs the builtin profile', () => {
  const r = run('echo \'["name=seccomp,profile=builtin"]\'');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('without the kit\'s seccomp profile');
  expect(r.calls).toHaveLength(1);
});

test('fails after a bounded wait when dockerd does not answer', () => {
  const r = run('exit 1');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('did not answer');
  expect(r.calls).toHaveLength(3);
});

test('fails without unprivileged user namespaces, before asking dockerd', () => {
  const r = run(`echo '["name=seccomp,profile=${profilePath}"]'`, '0');
  expect(r.status).toBe(1);
  expect(r.stderr).toContain('user namespaces are off');
  expect(r.calls).toEqual([]);
});
