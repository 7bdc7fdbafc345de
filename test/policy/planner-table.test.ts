import { plan, SandboxConfigError, SandboxKitConfig, SERVICE_NAMES, ServiceName, TARGET_NAMES, TargetName } from '../../src';

/**
 * The expected outcome of every target × service × requested mode, written by hand from
 * docs/platforms.md and Retool's documentation, not from the planner's output.
 * A mode name means the plan uses that mode; 'ERR' means the planner refuses.
 * Columns: auto, privileged, seccomp, gvisor-runtimeclass, rlimits-seccomp, unsandboxed (no ack).
 */
type Outcome = 'privileged' | 'seccomp' | 'gvisor-runtimeclass' | 'rlimits-seccomp' | 'unsandboxed' | 'ERR';
const REQUESTS = ['auto', 'privileged', 'seccomp', 'gvisor-runtimeclass', 'rlimits-seccomp', 'unsandboxed'] as const;
type Row = readonly [Outcome, Outcome, Outcome, Outcome, Outcome, Outcome];

// Full control (EKS EC2, GKE Standard, self-managed): seccomp preferred over privileged (the
// container boundary stays); gVisor RuntimeClass only when asked for (node pool or self-installed).
// Inside gVisor nothing builds its own sandbox (measured: NsJail cannot create namespaces, runsc
// cannot nest), so js-executor and the agent sandbox are refused there, and code-executor with
// Retool's image runs its unprivileged mode inside it, only with the acknowledgement.
// rlimits-seccomp needs the kit's image (Retool's ships no such jail).
const FULL: Record<ServiceName, Row> = {
  'code-executor': ['seccomp', 'privileged', 'seccomp', 'ERR', 'ERR', 'ERR'],
  'js-executor': ['seccomp', 'privileged', 'seccomp', 'ERR', 'ERR', 'ERR'],
  'agent-sandbox': ['seccomp', 'ERR', 'seccomp', 'ERR', 'ERR', 'ERR'],
};
const NONE: Row = ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'];

/** Retool's images (the default). */
const EXPECTED: Record<TargetName, Record<ServiceName, Row>> = {
  'eks': FULL,
  'gke-standard': FULL,
  'kubernetes': FULL,
  // Autopilot: no privileged (Warden), no Localhost profile can reach nodes; GKE Sandbox is built
  // in, but code-executor runs inside it only unsandboxed (acknowledgement needed).
  'gke-autopilot': { 'code-executor': NONE, 'js-executor': NONE, 'agent-sandbox': NONE },
  // EKS Fargate: no privileged, no added caps, no profile delivery, no RuntimeClass.
  'eks-fargate': { 'code-executor': NONE, 'js-executor': NONE, 'agent-sandbox': NONE },
  // ECS EC2: privileged allowed; seccomp only daemon-wide, and /proc stays masked, which Retool's
  // jail (a fresh procfs) cannot run under: auto picks privileged, as Retool does on ECS EC2.
  'ecs-ec2': {
    'code-executor': ['privileged', 'privileged', 'ERR', 'ERR', 'ERR', 'ERR'],
    'js-executor': ['privileged', 'privileged', 'ERR', 'ERR', 'ERR', 'ERR'],
    // gVisor's gofer needs an unmasked /proc, which no ECS task definition can ask for.
    'agent-sandbox': NONE,
  },
  'ecs-fargate': { 'code-executor': NONE, 'js-executor': NONE, 'agent-sandbox': NONE },
};

/** The kit's images (imageKind "kit"): where they change code-executor's or js-executor's outcome. */
const EXPECTED_KIT: Partial<Record<TargetName, Partial<Record<ServiceName, Row>>>> = {
  // The rlimits-only jail runs inside gVisor (prlimit sets the limits), so gVisor needs no acknowledgement.
  'eks': { 'code-executor': ['seccomp', 'privileged', 'seccomp', 'gvisor-runtimeclass', 'rlimits-seccomp', 'ERR'] },
  'gke-autopilot': { 'code-executor': ['gvisor-runtimeclass', 'ERR', 'ERR', 'gvisor-runtimeclass', 'rlimits-seccomp', 'ERR'] },
  'eks-fargate': { 'code-executor': ['ERR', 'ERR', 'ERR', 'ERR', 'rlimits-seccomp', 'ERR'] },
  // The kit's jail runs without a procfs under ECS's masked /proc: seccomp through dockerd's profile.
  'ecs-ec2': {
    'code-executor': ['seccomp', 'privileged', 'seccomp', 'ERR', 'rlimits-seccomp', 'ERR'],
    'js-executor': ['seccomp', 'privileged', 'seccomp', 'ERR', 'ERR', 'ERR'],
  },
  'ecs-fargate': { 'code-executor': ['ERR', 'ERR', 'ERR', 'ERR', 'rlimits-seccomp', 'ERR'] },
};

function only(target: TargetName, service: ServiceName, mode: string, ack = false, kit = false): SandboxKitConfig {
  const own = kit ? { mode, imageKind: 'kit', image: `registry.example.com/${service}-on-sandbox-kit:1` } : { mode };
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, s === service ? own : { enabled: false }]));
  return { target, retoolVersion: '3.334.0-stable', services, acknowledgeUnsandboxedCode: ack } as SandboxKitConfig;
}

const cases = [
  ...TARGET_NAMES.flatMap((t) => SERVICE_NAMES.flatMap((s) => REQUESTS.map((m, i) => [t, s, m, EXPECTED[t][s][i], 'retool'] as const))),
  ...TARGET_NAMES.flatMap((t) => SERVICE_NAMES.flatMap((s) => REQUESTS.map((m, i) => [t, s, m, (EXPECTED_KIT[t]?.[s] ?? EXPECTED_KIT[t === 'gke-standard' || t === 'kubernetes' ? 'eks' : t]?.[s] ?? EXPECTED[t][s])[i], 'kit'] as const))),
];

test('the hand-written table has a row for every target of the catalog and every service', () => {
  expect(Object.keys(EXPECTED).sort()).toEqual([...TARGET_NAMES].sort());
  for (const t of TARGET_NAMES) expect([t, Object.keys(EXPECTED[t]).sort()]).toEqual([t, [...SERVICE_NAMES].sort()]);
});

test.each(cases)('%s / %s / mode %s → %s (%s image)', (target, service, mode, expected, imageKind) => {
  const config = only(target, service, mode, false, imageKind === 'kit');
  if (expected === 'ERR') {
    expect(() => plan(config)).toThrow(SandboxConfigError);
    try {
      plan(config);
    } catch (e) {
      const err = e as SandboxConfigError;
      expect(err.problems).toHaveLength(1);
      const p = err.problems[0];
      // Every refusal names a field and at least one thing that would work.
      expect(p.field).toMatch(/^(services\.[a-z-]+\.mode|acknowledgeUnsandboxedCode)$/);
      expect(p.alternatives.length).toBeGreaterThan(0);
      expect(err.message).toContain(p.field);
    }
  } else {
    const [svc] = plan(config).services;
    expect(svc.service).toBe(service);
    expect(svc.mode).toBe(expected);
  }
});

describe('the acknowledgement', () => {
  test('gvisor-runtimeclass for code-executor with Retool\'s image: its unprivileged mode inside gVisor, only with the acknowledgement', () => {
    for (const target of ['gke-autopilot', 'gke-standard'] as const) {
      expect(() => plan(only(target, 'code-executor', 'gvisor-runtimeclass'))).toThrow(/acknowledgeUnsandboxedCode/);
      const [p] = plan(only(target, 'code-executor', 'gvisor-runtimeclass', true)).services;
      expect({ mode: p.mode, inside: p.insideGvisor, env: p.env, namespaces: p.jail.namespaces, runtime: p.sandbox.runtimeClassName })
        .toEqual({ mode: 'gvisor-runtimeclass', inside: 'unsandboxed', env: { CONTAINER_UNPRIVILEGED_MODE: 'true', DISABLE_IPTABLES_SECURITY_CONFIGURATION: 'true', NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024' }, namespaces: false, runtime: 'gvisor' });
      expect(p.boundary).toMatch(/no per-run isolation/);
      expect([...new Set(p.risks.map((r) => r.category))]).toEqual(['data', 'account', 'execution', 'system', 'external-misuse']);
    }
    // auto on gke-autopilot reaches it with the acknowledgement (gVisor around the pod beats nothing).
    expect(plan(only('gke-autopilot', 'code-executor', 'auto', true)).services[0]).toMatchObject({ mode: 'gvisor-runtimeclass', insideGvisor: 'unsandboxed' });
  });

  test('js-executor and the agent sandbox are refused on gke-autopilot, with gke-standard named, acknowledgement or not', () => {
    for (const service of ['js-executor', 'agent-sandbox'] as const) {
      for (const ack of [false, true]) {
        try {
          plan(only('gke-autopilot', service, 'auto', ack));
          throw new Error('planned');
        } catch (e) {
          expect(e).toBeInstanceOf(SandboxConfigError);
          const [p] = (e as SandboxConfigError).problems;
          expect(p.message).toMatch(service === 'js-executor' ? /NsJail cannot create its namespaces inside gVisor/ : /cannot start inside the platform's gVisor/);
          expect(p.alternatives.join('\n')).toMatch(/target gke-standard/);
        }
      }
    }
  });

  test.each(['eks', 'ecs-fargate', 'eks-fargate', 'gke-autopilot'] as const)('unsandboxed code-executor on %s only with acknowledgeUnsandboxedCode', (target) => {
    expect(() => plan(only(target, 'code-executor', 'unsandboxed'))).toThrow(/acknowledgeUnsandboxedCode/);
    const [p] = plan(only(target, 'code-executor', 'unsandboxed', true)).services;
    expect(p.mode).toBe('unsandboxed');
    expect(p.env).toEqual({ CONTAINER_UNPRIVILEGED_MODE: 'true', DISABLE_IPTABLES_SECURITY_CONFIGURATION: 'true', NODE_ENV: 'production', NODE_OPTIONS: '--max_old_space_size=1024' });
    expect([p.sandbox.runAsUser, p.sandbox.runAsGroup]).toEqual([1001, 1001]);
    expect([...new Set(p.risks.map((r) => r.category))]).toEqual(['data', 'account', 'execution', 'system', 'external-misuse']);
  });

  test.each(['ecs-fargate', 'eks-fargate'] as const)('auto on %s picks unsandboxed for code-executor only with the acknowledgement', (target) => {
    expect(() => plan(only(target, 'code-executor', 'auto'))).toThrow(/unsandboxed" with acknowledgeUnsandboxedCode: true/);
    expect(plan(only(target, 'code-executor', 'auto', true)).services[0].mode).toBe('unsandboxed');
  });

  test('the acknowledgement never unlocks js-executor or the agent sandbox', () => {
    for (const service of ['js-executor', 'agent-sandbox'] as const) {
      for (const target of ['ecs-fargate', 'eks-fargate'] as const) {
        expect(() => plan(only(target, service, 'auto', true))).toThrow(SandboxConfigError);
        expect(() => plan(only(target, service, 'unsandboxed', true))).toThrow(SandboxConfigError);
      }
    }
  });

  test('where a sandbox exists, auto never picks unsandboxed even with the acknowledgement', () => {
    for (const target of ['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'ecs-ec2'] as const) {
      expect(plan(only(target, 'code-executor', 'auto', true)).services[0].mode).not.toBe('unsandboxed');
    }
  });
});
