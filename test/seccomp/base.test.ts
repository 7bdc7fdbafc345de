import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { DOCKER_DEFAULT, DOCKER_DEFAULT_SOURCE } from '../../src/seccomp';
import { BASE_PROFILE_FILE, REPO_ROOT } from './helpers';

describe('the base is Docker\'s default profile', () => {
  const bytes = fs.readFileSync(BASE_PROFILE_FILE);
  const file = JSON.parse(bytes.toString('utf8'));

  test('the repository\'s copy is the recorded upstream file (sha256)', () => {
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(DOCKER_DEFAULT_SOURCE.sha256);
    expect(DOCKER_DEFAULT_SOURCE.url).toContain(DOCKER_DEFAULT_SOURCE.commit);
  });

  test('the parsed base keeps the file\'s top-level settings', () => {
    expect(DOCKER_DEFAULT.defaultAction).toBe(file.defaultAction);
    expect(DOCKER_DEFAULT.defaultErrnoRet).toBe(file.defaultErrnoRet);
    expect(DOCKER_DEFAULT.archMap).toEqual(file.archMap);
  });

  test('the parsed base equals the file group for group', () => {
    expect(DOCKER_DEFAULT.syscalls).toHaveLength(file.syscalls.length);
    file.syscalls.forEach((group: unknown, i: number) => {
      // One assertion per group, so a difference names the group.
      expect({ group: i, rule: DOCKER_DEFAULT.syscalls[i] }).toEqual({ group: i, rule: group });
    });
  });

  test('the copy carries its attribution', () => {
    const notice = fs.readFileSync(path.join(REPO_ROOT, 'src', 'seccomp', 'data', 'NOTICE.md'), 'utf8');
    expect(notice).toContain(DOCKER_DEFAULT_SOURCE.commit);
    expect(notice).toContain('Apache License 2.0');
  });

  test('the compiled kit loads the base (the JSON is part of the build output)', () => {
    // npm test builds lib/ first; the compiled module must find its data without src/.
    const compiled = path.join(REPO_ROOT, 'lib', 'seccomp', 'base.js');
    if (!fs.existsSync(compiled)) throw new Error('lib/ is not built: run npm run build');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled file, by path
    const { DOCKER_DEFAULT: fromLib } = require(compiled) as { DOCKER_DEFAULT: typeof DOCKER_DEFAULT };
    expect(fromLib.syscalls).toHaveLength(file.syscalls.length);
    expect(fs.existsSync(path.join(REPO_ROOT, 'lib', 'seccomp', 'data', 'docker-default.json'))).toBe(true);
  });
});
