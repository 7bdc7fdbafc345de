import * as fs from 'fs';
import {
  allowedSyscalls, decodeAsContainerd, dockerProfile, ociProfile, OciSeccomp, ruleConflicts,
} from '../../src/seccomp';
import { ARCHITECTURES } from '../../src/targets/types';
import { BASE_PROFILE_FILE } from './helpers';

describe('the containerd trap, made visible', () => {
  test.each(['nsjail', 'gvisor'] as const)('%s: the Docker-format file read the way containerd reads it allows bpf and perf_event_open', (profile) => {
    const decoded = decodeAsContainerd(dockerProfile(profile).content);
    const allowed = allowedSyscalls(decoded);
    // Conditions are gone: CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON, CAP_SYS_MODULE groups all apply.
    for (const s of ['bpf', 'perf_event_open', 'init_module', 'mount']) {
      expect({ syscall: s, allowed: allowed.has(s) }).toEqual({ syscall: s, allowed: true });
    }
    // And it carries no architectures: runc would filter the native ABI only.
    expect(decoded.architectures).toEqual([]);
    // The raw file does contain the keys containerd drops.
    const raw = JSON.parse(dockerProfile(profile).content);
    expect(raw.archMap).toBeDefined();
    expect(raw.syscalls.some((g: { includes?: unknown }) => g.includes)).toBe(true);
  });

  test.each(ARCHITECTURES)('%s: the flattened file denies them, and containerd reads it without losing anything', (arch) => {
    for (const profile of ['nsjail', 'gvisor'] as const) {
      const file = ociProfile(profile, arch);
      const decoded = decodeAsContainerd(file.content);
      expect(decoded).toEqual(JSON.parse(file.content) as OciSeccomp);
      const allowed = allowedSyscalls(decoded);
      expect(allowed.has('bpf')).toBe(false);
      expect(allowed.has('perf_event_open')).toBe(false);
      expect(decoded.architectures.length).toBeGreaterThan(0);
    }
  });

  test('the Docker default itself, decoded by containerd, even gives clone3 two different actions', () => {
    const decoded = decodeAsContainerd(fs.readFileSync(BASE_PROFILE_FILE, 'utf8'));
    const problems = ruleConflicts(decoded, 'docker-default');
    expect(problems.map((p) => p.message).join('\n')).toMatch(/syscall "clone3" has conflicting rules/);
  });
});
