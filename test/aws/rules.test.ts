import { ECS_FARGATE_RULES } from '../../src/aws/rules';
import { ContainerSecurity } from '../../src/policy/plan';
import { plan } from '../../src/policy/planner';

const fargate = plan({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'code-executor': { mode: 'unsandboxed' }, 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } }).services[0].sandbox;
const cases: Record<string, [ContainerSecurity, ContainerSecurity]> = {
  'fargate-no-privileged': [fargate, { ...fargate, privileged: true }],
  'fargate-addable-capabilities': [{ ...fargate, capabilitiesAdd: ['SYS_PTRACE'] }, { ...fargate, capabilitiesAdd: ['SYS_ADMIN'] }],
  'fargate-platform-seccomp': [fargate, { ...fargate, seccomp: { type: 'DockerDaemonDefault', profile: 'nsjail', path: '/etc/docker/seccomp/x.json' } }],
};

test('every ECS Fargate rule is a named unit with a source and a passing and a failing case here', () => {
  expect(ECS_FARGATE_RULES.map((r) => r.id).sort()).toEqual(Object.keys(cases).sort());
});

test.each(ECS_FARGATE_RULES.map((r) => [r.id, r] as const))('%s: passes the plan\'s own container, refuses the changed one', (id, rule) => {
  const [pass, fail] = cases[id];
  expect(rule.checkContainer(pass)).toEqual([]);
  expect(rule.checkContainer(fail).length).toBeGreaterThan(0);
});
