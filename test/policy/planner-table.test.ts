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
const FULL: Record<ServiceName, Row> = {
  'code-executor': ['seccomp', 'privileged', 'seccomp', 'gvisor-runtimeclass', 'rlimits-seccomp', 'ERR'],
  'js-executor': ['seccomp', 'privileged', 'seccomp', 'gvisor-runtimeclass', 'ERR', 'ERR'],
  'agent-sandbox': ['seccomp', 'ERR', 'seccomp', 'gvisor-runtimeclass', 'ERR', 'ERR'],
};

const EXPECTED: Record<TargetName, Record<ServiceName, Row>> = {
  'eks': FULL,
  'gke-standard': FULL,
  'kubernetes': FULL,
  // Autopilot: no privileged (Warden), no Localhost profile can reach nodes; GKE Sandbox is built in.
  'gke-autopilot': {
    'code-executor': ['gvisor-runtimeclass', 'ERR', 'ERR', 'gvisor-runtimeclass', 'rlimits-seccomp', 'ERR'],
    'js-executor': ['gvisor-runtimeclass', 'ERR', 'ERR', 'gvisor-runtimeclass', 'ERR', 'ERR'],
    'agent-sandbox': ['gvisor-runtimeclass', 'ERR', 'ERR', 'gvisor-runtimeclass', 'ERR', 'ERR'],
  },
  // EKS Fargate: no privileged, no added caps, no profile delivery, no RuntimeClass.
  'eks-fargate': {
    'code-executor': ['ERR', 'ERR', 'ERR', 'ERR', 'rlimits-seccomp', 'ERR'],
    'js-executor': ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'],
    'agent-sandbox': ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'],
  },
  // ECS EC2: privileged allowed; seccomp only daemon-wide; no RuntimeClass in a task definition.
  'ecs-ec2': {
    'code-executor': ['seccomp', 'privileged', 'seccomp', 'ERR', 'rlimits-seccomp', 'ERR'],
    'js-executor': ['seccomp', 'privileged', 'seccomp', 'ERR', 'ERR', 'ERR'],
    // gVisor's gofer needs an unmasked /proc, which no ECS task definition can ask for.
    'agent-sandbox': ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'],
  },
  'ecs-fargate': {
    'code-executor': ['ERR', 'ERR', 'ERR', 'ERR', 'rlimits-seccomp', 'ERR'],
    'js-executor': ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'],
    'agent-sandbox': ['ERR', 'ERR', 'ERR', 'ERR', 'ERR', 'ERR'],
  },
};

function only(target: TargetName, service: ServiceName, mode: string, ack = false): SandboxKitConfig {
  const services = Object.fromEntries(SERVICE_NAMES.map((s) => [s, s === service ? { mode } : { enabled: false }]));
  return { target, services, acknowledgeUnsandboxedCode: ack } as SandboxKitConfig;
}

const cases = TARGET_NAMES.flatMap((t) => SERVICE_NAMES.flatMap((s) => REQUESTS.map((m, i) => [t, s, m, EXPECTED[t][s][i]] as const)));

test('the table covers every target, service and mode', () => {
  expect(cases).toHaveLength(TARGET_NAMES.length * SERVICE_NAMES.length * REQUESTS.length);
});

test.each(cases)('%s / %s / mode %s → %s', (target, service, mode, expected) => {
  const config = only(target, service, mode);
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
  test.each(['eks', 'ecs-fargate', 'eks-fargate', 'gke-autopilot'] as const)('unsandboxed code-executor on %s only with acknowledgeUnsandboxedCode', (target) => {
    expect(() => plan(only(target, 'code-executor', 'unsandboxed'))).toThrow(/acknowledgeUnsandboxedCode/);
    const [p] = plan(only(target, 'code-executor', 'unsandboxed', true)).services;
    expect(p.mode).toBe('unsandboxed');
    expect(p.env).toEqual({ CONTAINER_UNPRIVILEGED_MODE: 'true' });
    expect(p.risks.map((r) => r.category)).toEqual(['data', 'account', 'execution', 'system', 'external-misuse']);
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
