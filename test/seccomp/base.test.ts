import * as fs from 'fs';
import * as path from 'path';
import { DOCKER_DEFAULT, DOCKER_DEFAULT_SOURCE } from '../../src/seccomp';
import { REFERENCE_PROFILE, REPO_ROOT } from './helpers';

describe('the base is Docker\'s default profile', () => {
  const reference = JSON.parse(fs.readFileSync(REFERENCE_PROFILE, 'utf8'));

  test('same top-level settings as ../shared/reference', () => {
    expect(DOCKER_DEFAULT.defaultAction).toBe(reference.defaultAction);
    expect(DOCKER_DEFAULT.defaultErrnoRet).toBe(reference.defaultErrnoRet);
    expect(DOCKER_DEFAULT.archMap).toEqual(reference.archMap);
  });

  test('equals the reference group for group', () => {
    expect(DOCKER_DEFAULT.syscalls).toHaveLength(reference.syscalls.length);
    reference.syscalls.forEach((group: unknown, i: number) => {
      // One assertion per group, so a difference names the group.
      expect({ group: i, rule: DOCKER_DEFAULT.syscalls[i] }).toEqual({ group: i, rule: group });
    });
  });

  test('the kept copy is byte-identical to the reference and carries its attribution', () => {
    const copy = fs.readFileSync(path.join(REPO_ROOT, 'src', 'seccomp', 'data', 'docker-default.json'), 'utf8');
    expect(copy).toBe(fs.readFileSync(REFERENCE_PROFILE, 'utf8'));
    const notice = fs.readFileSync(path.join(REPO_ROOT, 'src', 'seccomp', 'data', 'NOTICE.md'), 'utf8');
    expect(notice).toContain(DOCKER_DEFAULT_SOURCE.commit);
    expect(notice).toContain('Apache License 2.0');
  });

  test('the compiled kit can load the base (JSON is part of the build output)', () => {
    // tsc copies JSON imported with resolveJsonModule into lib/; the import must be relative.
    const src = fs.readFileSync(path.join(REPO_ROOT, 'src', 'seccomp', 'base.ts'), 'utf8');
    expect(src).toMatch(/import dockerDefault from '\.\/data\/docker-default\.json'/);
  });
});
