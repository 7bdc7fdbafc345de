import { plan, SandboxConfigError } from '../../src';

function problemsOf(config: unknown): SandboxConfigError['problems'] {
  try {
    plan(config);
  } catch (e) {
    if (e instanceof SandboxConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a SandboxConfigError');
}

test('unknown target names the field and lists the targets', () => {
  const [p] = problemsOf({ target: 'openshift' });
  expect(p.field).toBe('target');
  expect(p.message).toBe('"openshift" is not a value this field takes');
  expect(p.alternatives[0]).toMatch(/^one of "eks".*"ecs-fargate"$/);
});

test('unknown service', () => {
  const [p] = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'python-executor': {} } });
  expect(p.field).toBe('services.python-executor');
  expect(p.message).toBe('unknown field "python-executor"');
  expect(p.alternatives.join(' ')).toMatch(/"code-executor"/);
});

test('bad resource quantities and a request above its limit', () => {
  const problems = problemsOf({
    target: 'eks', retoolVersion: '3.334.0-stable',
    services: { 'code-executor': { resources: { requests: { cpu: 'two', memory: '1Gi' }, limits: { cpu: '2', memory: '512Mi' } } } },
  });
  expect(problems.map((p) => p.field)).toEqual([
    'services.code-executor.resources.requests.cpu',
    'services.code-executor.resources.requests.memory',
  ]);
  expect(problems[0].message).toMatch(/"two" is not a CPU quantity/);
  expect(problems[0].alternatives).toEqual(['"500m"']);
  expect(problems[1].message).toMatch(/request 1Gi is above the limit 512Mi/);
});

test('Kubernetes version below what a mode needs', () => {
  const [p] = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.31', userNamespaces: 'required', services: { 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } });
  expect(p.field).toBe('kubernetesVersion');
  expect(p.message).toMatch(/needs Kubernetes 1\.33 or newer, the config says 1\.31/);
  expect(p.alternatives.length).toBeGreaterThan(0);
});

test('Kubernetes version below what the kit supports, or not a version', () => {
  expect(problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.20' })[0].message).toMatch(/not a Kubernetes minor version the kit renders for \("1\.27" or newer/);
  expect(problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: 'latest' })[0].message).toMatch(/not a Kubernetes minor version/);
  expect(problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.26' })[0].alternatives).toEqual(['"1.35"']);
  expect(() => plan({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.27', services: { 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } })).not.toThrow();
});

test('unsandboxed without the acknowledgement', () => {
  const [p] = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { mode: 'unsandboxed' } } });
  expect(p.field).toBe('acknowledgeUnsandboxedCode');
  expect(p.alternatives[0]).toMatch(/acknowledgeUnsandboxedCode: true/);
  // The stronger modes that would work on EKS are offered too.
  expect(p.alternatives).toContain('services.code-executor.mode: "seccomp"');
});

test('every problem is reported at once', () => {
  const problems = problemsOf({ target: 'ecs-fargate', retoolVersion: '3.334.0-stable' });
  expect(problems.map((p) => p.field)).toEqual([
    'services.code-executor.mode', 'services.js-executor.mode', 'services.agent-sandbox.mode',
  ]);
  expect(problems[1].alternatives[0]).toMatch(/capacity: "ec2"/);
});

test('node OS, delivery, architecture and capacity must fit the target', () => {
  const problems = problemsOf({
    target: 'gke-autopilot', retoolVersion: '3.334.0-stable', nodeOs: 'al2023', profileDelivery: 'daemonset', architectures: [],
    services: { 'code-executor': { capacity: 'ec2' } },
  });
  // The schema's problems first (architectures: at least one), then the rules' in registry order.
  expect(problems.map((p) => p.field)).toEqual(['architectures', 'nodeOs', 'profileDelivery', 'services.code-executor.capacity']);
  expect(problems[2].alternatives[0]).toMatch(/no custom profile reaches/);
});

test('unknown fields are named, not ignored', () => {
  const problems = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxed: true, services: { 'code-executor': { privileged: true } } });
  expect(problems.map((p) => p.field)).toEqual(['acknowledgeUnsandboxed', 'services.code-executor.privileged']);
});

test('a mode the service does not support says why, from Retool\'s documentation', () => {
  const [p] = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { mode: 'privileged' } } });
  expect(p.message).toMatch(/does not support privileged mode/);
  expect(p.alternatives).toContain('services.agent-sandbox.mode: "seccomp"');
});

test('a required setting that rules out the strongest mode is an error, not a fallback to privileged', () => {
  const problems = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'bottlerocket', userNamespaces: 'required' });
  expect(problems.map((p) => p.field)).toEqual(['userNamespaces', 'userNamespaces', 'userNamespaces']);
  expect(problems[0].message).toMatch(/bottlerocket nodes do not support user namespaces/);
});

test.each<[string, Record<string, unknown>, RegExp, RegExp]>([
  ['SELinux nodes', { target: 'eks', retoolVersion: '3.334.0-stable', nodeOs: 'al2023', appArmor: 'kit-profile' }, /"kit-profile" needs nodes that run AppArmor, but al2023 nodes on Amazon EKS on EC2 node groups run selinux/, /nodeOs: one of "ubuntu"/],
  ['Bottlerocket nodes', { target: 'kubernetes', retoolVersion: '3.334.0-stable', nodeOs: 'bottlerocket', appArmor: 'unconfined' }, /"unconfined" needs nodes that run AppArmor, but bottlerocket nodes/, /nodeOs: one of "ubuntu", "cos"/],
  ['ECS on EC2 (AL2023)', { target: 'ecs-ec2', retoolVersion: '3.334.0-stable', appArmor: 'kit-profile' }, /al2023 nodes on Amazon ECS on EC2 run selinux/, /remove appArmor/],
  ['Fargate (no nodes)', { target: 'ecs-fargate', retoolVersion: '3.334.0-stable', appArmor: 'unconfined', acknowledgeUnsandboxedCode: true }, /Amazon ECS on Fargate has no nodes you choose an OS for/, /remove appArmor/],
  ['Autopilot (no profile can be loaded)', { target: 'gke-autopilot', retoolVersion: '3.334.0-stable', appArmor: 'kit-profile' }, /"kit-profile" needs a profile loaded on the nodes, which GKE Autopilot does not allow/, /remove appArmor/],
])('an AppArmor choice on %s is bad input, with what would work', (_name, config, message, alternative) => {
  const p = problemsOf(config).find((x) => x.field === 'appArmor');
  expect(p?.message).toMatch(message);
  expect(p?.alternatives.join(' ')).toMatch(alternative);
});

test('appArmor "auto" on nodes without AppArmor is no error (nothing to choose), and an unknown value is', () => {
  expect(() => plan({ target: 'eks', retoolVersion: '3.334.0-stable', appArmor: 'auto' })).not.toThrow();
  expect(problemsOf({ target: 'gke-standard', retoolVersion: '3.334.0-stable', appArmor: 'localhost' }).map((p) => `${p.field}: ${p.message}`)).toEqual(['appArmor: "localhost" is not a value this field takes']);
});

test('imageKind: an unknown kind, and "kit" without the image it names', () => {
  const problems = problemsOf({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { imageKind: 'nsjail' }, 'js-executor': { imageKind: 'kit' } } });
  expect(problems.map((p) => p.field)).toEqual(['services.code-executor.imageKind', 'services.js-executor.image']);
  expect(problems[0].alternatives[0]).toMatch(/"retool", "kit"/);
  expect(problems[1].message).toMatch(/imageKind "kit" runs an image built from the kit's runtime image/);
  expect(problems[1].alternatives.join(' ')).toMatch(/npm run images/);
});
