import { Fact, TARGET_NAMES, TARGETS, TargetFacts } from '../../src';

function facts(t: TargetFacts): [string, Fact<unknown>][] {
  return Object.entries(t).filter(([, v]) => typeof v === 'object' && v !== null && 'confidence' in v) as [string, Fact<unknown>][];
}

test('every target has a record and every fact a source and a confidence', () => {
  expect(Object.keys(TARGETS).sort()).toEqual([...TARGET_NAMES].sort());
  for (const t of Object.values(TARGETS)) {
    const f = facts(t);
    expect(f.length).toBeGreaterThanOrEqual(15);
    for (const [name, fact] of f) {
      expect([name, fact.source.length > 5]).toEqual([name, true]);
      expect(['verified', 'observed', 'assumed']).toContain(fact.confidence);
    }
  }
});

// Expected values written by hand from docs/platforms.md#matrix.
test('privileged containers: only where the platform admits them', () => {
  const privileged = Object.fromEntries(TARGET_NAMES.map((t) => [t, TARGETS[t].privileged.value]));
  expect(privileged).toEqual({
    'eks': true, 'gke-standard': true, 'kubernetes': true, 'gke-autopilot': false,
    'eks-fargate': false, 'ecs-ec2': true, 'ecs-fargate': false,
  });
});

test('addable capabilities, exactly', () => {
  expect(TARGETS['gke-autopilot'].addableCapabilities.value).toEqual([
    'AUDIT_WRITE', 'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'MKNOD', 'NET_BIND_SERVICE',
    'NET_RAW', 'SETFCAP', 'SETGID', 'SETPCAP', 'SETUID', 'SYS_CHROOT', 'SYS_PTRACE',
  ]);
  expect(TARGETS['ecs-fargate'].addableCapabilities.value).toEqual(['SYS_PTRACE']);
  expect(TARGETS['eks-fargate'].addableCapabilities.value).toEqual([]);
  for (const t of ['eks', 'gke-standard', 'kubernetes', 'ecs-ec2'] as const) expect(TARGETS[t].addableCapabilities.value).toBe('any');
  // No capability name carries the CAP_ prefix: GKE Warden rejects it.
  for (const t of Object.values(TARGETS)) {
    const caps = t.addableCapabilities.value;
    if (caps !== 'any') for (const c of caps) expect(c).not.toMatch(/^CAP_/);
  }
});

test('custom seccomp and how it reaches nodes', () => {
  expect(TARGETS.eks.profileDelivery.value).toEqual(['daemonset', 'node-user-data', 'security-profiles-operator']);
  expect(TARGETS['ecs-ec2'].profileDelivery.value).toEqual(['docker-daemon-default']);
  for (const t of ['gke-autopilot', 'eks-fargate', 'ecs-fargate'] as const) {
    expect(TARGETS[t].customSeccomp.value).toBe(false);
    expect(TARGETS[t].profileDelivery.value).toEqual([]);
  }
  expect(TARGETS['gke-autopilot'].defaultSeccomp.value).toBe('runtime-default');
  expect(TARGETS.eks.defaultSeccomp.value).toBe('unconfined');
});

test('gVisor, user namespaces and procMount', () => {
  expect(TARGETS['gke-autopilot'].gvisor.value).toBe('built-in');
  expect(TARGETS['gke-standard'].gvisor.value).toBe('node-pool');
  expect(TARGETS['eks-fargate'].gvisor.value).toBe('none');
  expect(TARGETS.eks.userNamespaces.value).toMatchObject({ supported: true, minKubernetes: '1.33', minContainerd: '2.0', unsupportedNodeOs: ['bottlerocket'] });
  expect(TARGETS.kubernetes.procMount.value).toMatchObject({ unmasked: true, minPodSecurityVersion: '1.35' });
  expect(TARGETS['gke-autopilot'].userNamespaces.confidence).toBe('assumed');
  expect(TARGETS['gke-autopilot'].hostPath.value).toBe('read-only-var-log');
  expect(TARGETS['eks-fargate'].daemonSets.value).toBe(false);
});

test('no_new_privs everywhere but ECS on Fargate (no dockerSecurityOptions there)', () => {
  expect(TARGET_NAMES.filter((t) => !TARGETS[t].noNewPrivileges.value)).toEqual(['ecs-fargate']);
});

test('node security modules: SELinux on AL2023 and Bottlerocket, AppArmor on Ubuntu', () => {
  expect(TARGETS.eks.securityModule.value).toEqual({ al2023: 'selinux', bottlerocket: 'selinux', ubuntu: 'apparmor' });
});
