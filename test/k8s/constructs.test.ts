import { ApiObject, App, Chart } from 'cdk8s';
import { AgentSandbox, CodeExecutor, JsExecutor, SandboxKitChart, TrustNamespace } from '../../src/k8s';
import { KubeObject, PodSpecJson } from '../../src/k8s/manifest';
import { DeploymentPlan, SandboxPlan } from '../../src/policy/plan';
import { plan } from '../../src/policy/planner';
import { find, ofKind, render } from './helpers';

type Spec = PodSpecJson & { automountServiceAccountToken?: boolean; serviceAccountName?: string; topologySpreadConstraints?: { topologyKey: string; whenUnsatisfiable: string }[] };
const podSpec = (o: KubeObject) => (o.spec as { template: { metadata: { annotations?: Record<string, string> }; spec: Spec } }).template;
const servicePlan = (p: DeploymentPlan, name: string): SandboxPlan => p.services.find((s) => s.service === name)!;

/** The objects a construct renders on its own (what synth checks then: test/k8s/standalone.test.ts). */
function standalone(build: (chart: Chart) => void): KubeObject[] {
  const chart = new Chart(new App(), 'test');
  build(chart);
  return chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as KubeObject);
}

describe('CodeExecutor / JsExecutor on their own', () => {
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' });
  const objects = standalone((c) => new CodeExecutor(c, 'ce', { plan: servicePlan(eks, 'code-executor') }));

  test('Deployment, Service, ServiceAccount without token, PDB, NetworkPolicy', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ServiceAccount/code-executor', 'Deployment/code-executor', 'Service/code-executor', 'PodDisruptionBudget/code-executor', 'NetworkPolicy/code-executor',
    ]);
    expect(find(objects, 'ServiceAccount', 'code-executor').automountServiceAccountToken).toBe(false);
    expect(podSpec(find(objects, 'Deployment', 'code-executor')).spec.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'PodDisruptionBudget', 'code-executor').spec).toMatchObject({ maxUnavailable: 1 });
  });

  test('the full security context of the plan, at pod and container level', () => {
    const t = podSpec(find(objects, 'Deployment', 'code-executor'));
    const sec = servicePlan(eks, 'code-executor').sandbox;
    expect(t.spec.hostUsers).toBe(false);
    expect(t.spec.securityContext).toEqual({ runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' } });
    expect(t.spec.containers[0].securityContext).toEqual({
      privileged: false, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] }, readOnlyRootFilesystem: true,
      runAsUser: 1000, runAsGroup: 1000, runAsNonRoot: true, procMount: 'Unmasked',
      seccompProfile: { type: 'Localhost', localhostProfile: sec.seccomp.type === 'Localhost' ? sec.seccomp.localhostProfile : '' },
    });
    expect(t.spec.containers[0].volumeMounts).toEqual([{ name: 'writable-0', mountPath: '/tmp' }]);
    expect(t.spec.volumes).toEqual([{ name: 'writable-0', emptyDir: { sizeLimit: '1Gi' } }]);
    expect(t.metadata.annotations?.['sandbox-kit.io/sandbox-mode']).toBe('seccomp');
    expect(t.spec.topologySpreadConstraints!.map((c) => `${c.topologyKey}:${c.whenUnsatisfiable}`)).toEqual(['kubernetes.io/hostname:DoNotSchedule', 'topology.kubernetes.io/zone:ScheduleAnyway']);
  });

  test('a plan of another service is refused', () => {
    expect(() => standalone((c) => new JsExecutor(c, 'js', { plan: servicePlan(eks, 'code-executor') }))).toThrow(/plan of code-executor, expected js-executor/);
  });

  test('an HPA takes over replicas, with the plan\'s replicas as its minimum', () => {
    const o = standalone((c) => new JsExecutor(c, 'js', { plan: servicePlan(eks, 'js-executor'), autoscaling: { maxReplicas: 6 } }));
    const hpa = find(o, 'HorizontalPodAutoscaler', 'js-executor');
    expect(hpa.spec).toMatchObject({ minReplicas: 2, maxReplicas: 6, scaleTargetRef: { kind: 'Deployment', name: 'js-executor' } });
    expect((find(o, 'Deployment', 'js-executor').spec as { replicas?: number }).replicas).toBeUndefined();
    expect(() => standalone((c) => new JsExecutor(c, 'js', { plan: servicePlan(eks, 'js-executor'), autoscaling: { maxReplicas: 1 } }))).toThrow(/maxReplicas \(1\) is below the plan's replicas \(2\)/);
  });
});

describe('AppArmor, RuntimeClass and user namespaces follow the plan and the version', () => {
  test('gke-standard: the kit\'s Localhost profile on the sandbox container (field, reason annotated), RuntimeDefault on supporting ones', () => {
    const { objects } = render({ target: 'gke-standard', retoolVersion: '3.334.0-stable' });
    const ce = podSpec(find(objects, 'Deployment', 'code-executor'));
    expect(ce.spec.containers[0].securityContext!.appArmorProfile).toEqual({ type: 'Localhost', localhostProfile: 'sandbox-kit-nsjail' });
    expect(ce.metadata.annotations?.['sandbox-kit.io/apparmor-reason']).toMatch(/denies mount/);
    expect(podSpec(find(objects, 'Deployment', 'agent-sandbox-controller')).spec.containers[0].securityContext!.appArmorProfile).toEqual({ type: 'RuntimeDefault' });
  });

  test('Kubernetes 1.29: the AppArmor annotation instead of the field', () => {
    // The agent sandbox cannot run there (no user namespaces, and runsc cannot nest in gVisor).
    // code-executor with the kit's image: seccomp without a procfs (Retool's would be privileged under the masked /proc).
    const { objects } = render({ target: 'kubernetes', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.29', userNamespaces: 'off', services: { 'code-executor': { imageKind: 'kit', image: 'registry.example.com/code-executor-on-sandbox-kit:1' }, 'agent-sandbox': { enabled: false } } });
    const ce = podSpec(find(objects, 'Deployment', 'code-executor'));
    expect(ce.spec.containers[0].securityContext!.appArmorProfile).toBeUndefined();
    expect(ce.metadata.annotations?.['container.apparmor.security.beta.kubernetes.io/code-executor']).toBe('localhost/sandbox-kit-nsjail');
    expect(ce.spec.hostUsers).toBeUndefined();
  });

  test('gke-autopilot (the example): code-executor under runtimeClassName gvisor, RuntimeDefault seccomp, no hostUsers or procMount', () => {
    const { objects } = render({ target: 'gke-autopilot', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: { 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } });
    const t = podSpec(find(objects, 'Deployment', 'code-executor'));
    expect(t.spec.runtimeClassName).toBe('gvisor');
    expect(t.spec.hostUsers).toBeUndefined();
    expect(t.spec.securityContext!.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(t.spec.containers[0].securityContext!.procMount).toBeUndefined();
    // Its unprivileged mode: NsJail cannot create namespaces inside gVisor.
    expect(t.spec.containers[0].env).toContainEqual({ name: 'CONTAINER_UNPRIVILEGED_MODE', value: 'true' });
    expect(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata?.name)).toEqual(['code-executor']);
  });
});

describe('AgentSandbox', () => {
  const { objects, chart } = render({ target: 'eks', retoolVersion: '3.334.0-stable' });

  test('least RBAC: pods in the sandbox namespace only, bound to the controller', () => {
    expect(ofKind(objects, 'ClusterRole')).toEqual([]);
    expect(ofKind(objects, 'ClusterRoleBinding')).toEqual([]);
    const [role] = ofKind(objects, 'Role');
    expect(role.metadata?.namespace).toBe('sandbox-kit-agent-sandboxes');
    expect(role.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['create', 'delete', 'get', 'list', 'watch'] }]);
    const [binding] = ofKind(objects, 'RoleBinding');
    expect(binding.metadata?.namespace).toBe('sandbox-kit-agent-sandboxes');
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-sandbox-controller', namespace: 'sandbox-kit-agent' }]);
  });

  test('only the controller gets an API token', () => {
    const tokens = Object.fromEntries(ofKind(objects, 'ServiceAccount').map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o.automountServiceAccountToken]));
    expect(tokens['sandbox-kit-agent/agent-sandbox-controller']).toBe(true);
    for (const [k, v] of Object.entries(tokens)) if (k !== 'sandbox-kit-agent/agent-sandbox-controller') expect([k, v]).toEqual([k, false]);
  });

  test('controller and proxy get the supporting settings, the sandbox pod template the sandbox settings', () => {
    const p = servicePlan(chart.plan, 'agent-sandbox');
    const ctrl = podSpec(find(objects, 'Deployment', 'agent-sandbox-controller')).spec;
    expect(ctrl.containers[0].securityContext!.seccompProfile).toEqual({ type: 'RuntimeDefault' });
    expect(ctrl.hostUsers).toBeUndefined();
    const cm = find(objects, 'ConfigMap', 'agent-sandbox-pod-template', 'sandbox-kit-agent');
    const pod = JSON.parse((cm.data as Record<string, string>)['sandbox-pod.json']) as { metadata: { namespace: string }; spec: Spec };
    expect(pod.metadata.namespace).toBe('sandbox-kit-agent-sandboxes');
    expect(pod.spec.securityContext!.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'sandbox-kit/gvisor.json' });
    expect(p.sandbox.hostUsers).toBe(false);
    expect(pod.spec.hostUsers).toBe(false);
    expect(pod.spec.serviceAccountName).toBe('agent-sandbox-sandbox');
    expect(pod.spec.automountServiceAccountToken).toBe(false);
    expect(pod.spec.topologySpreadConstraints!.map((c) => c.whenUnsatisfiable)).toEqual(['ScheduleAnyway', 'ScheduleAnyway']);
    expect(ctrl.containers[0].volumeMounts).toContainEqual({ name: 'sandbox-pod-template', mountPath: '/etc/sandbox-kit', readOnly: true });
  });

  test('an admission policy pins every pod of the sandbox namespace to the template (Kubernetes >= 1.30)', () => {
    const [policy] = ofKind(objects, 'ValidatingAdmissionPolicy');
    const [binding] = ofKind(objects, 'ValidatingAdmissionPolicyBinding');
    const spec = policy.spec as { failurePolicy: string; validations: { expression: string; message: string }[] };
    expect(spec.failurePolicy).toBe('Fail');
    expect(binding.spec).toMatchObject({
      policyName: policy.metadata!.name, validationActions: ['Deny'],
      matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sandbox-kit-agent-sandboxes' } } },
    });
    const rules = spec.validations.map((v) => v.expression);
    expect(rules).toContain("object.spec.containers.all(c, c.image == 'tryretool/agent-sandbox-service:3.334.0-stable' || c.image.startsWith('tryretool/agent-sandbox-service:3.334.0-stable@'))");
    expect(rules).toContain("object.spec.containers.all(c, has(c.securityContext) && has(c.securityContext.seccompProfile) && c.securityContext.seccompProfile.type == 'Localhost' && has(c.securityContext.seccompProfile.localhostProfile) && c.securityContext.seccompProfile.localhostProfile == 'sandbox-kit/gvisor.json')");
    expect(rules).toContain('has(object.spec.hostUsers) && !object.spec.hostUsers');
    expect(rules).toContain("has(object.spec.serviceAccountName) && object.spec.serviceAccountName == 'agent-sandbox-sandbox'");
    expect(spec.validations.every((v) => v.message.length > 10)).toBe(true);
    // (No agent sandbox can be planned before 1.30: it needs hostUsers: false, from 1.33, and
    // cannot run inside a gVisor RuntimeClass.)
  });

  test('the admission rules follow the template: no AppArmor rule where the plan is Unconfined, no RuntimeClass rule without one', () => {
    // (No agent sandbox runs under a gVisor RuntimeClass: runsc cannot nest, measured.)
    const rulesOf = (appArmor?: 'unconfined') => (ofKind(render({ target: 'gke-standard', retoolVersion: '3.334.0-stable', appArmor }).objects, 'ValidatingAdmissionPolicy')[0].spec as { validations: { expression: string }[] }).validations.map((v) => v.expression);
    expect(rulesOf('unconfined').join()).not.toContain("appArmorProfile.type != 'Unconfined'");
    expect(rulesOf().join()).toContain("appArmorProfile.type != 'Unconfined'");
    expect(rulesOf().join()).not.toContain('runtimeClassName');
  });

  test('a namespace of its own for the sandbox pods', () => {
    expect(() => standalone((c) => new AgentSandbox(c, 'a', { plan: servicePlan(chart.plan, 'agent-sandbox'), namespace: 'x', podNamespace: 'x' }))).toThrow(/namespace of their own/);
  });
});

describe('NetworkPolicies', () => {
  const { objects } = render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { backend: { namespace: 'apps', podLabels: { app: 'retool-backend' } } });
  const policies = ofKind(objects, 'NetworkPolicy');
  type Rule = { from?: Record<string, unknown>[]; to?: { ipBlock?: { cidr: string; except?: string[] } }[]; ports?: { port: number; protocol: string }[] };
  const policy = (name: string, ns: string) => find(policies, 'NetworkPolicy', name, ns).spec as { ingress: Rule[]; egress: Rule[]; policyTypes: string[] };

  test('default deny in every namespace the kit renders', () => {
    for (const ns of ofKind(objects, 'Namespace')) {
      expect(find(policies, 'NetworkPolicy', 'default-deny', ns.metadata!.name).spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
    }
  });

  test.each([['code-executor', 'sandbox-kit-code-executor', 3004], ['js-executor', 'sandbox-kit-js-executor', 3000]])('%s: ingress only from the backend, egress to DNS and the internet only', (name, ns, port) => {
    const p = policy(name, ns);
    expect(p.ingress).toEqual([{
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { app: 'retool-backend' } } }],
      ports: [{ protocol: 'TCP', port }],
    }]);
    expect(p.egress).toHaveLength(2);
    expect(p.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    const blocks = p.egress[1].to!.map((t) => t.ipBlock!);
    // IPv6: global unicast only (no unique-local, link-local, NAT64, loopback or mapped addresses).
    expect(blocks.map((b) => b.cidr)).toEqual(['0.0.0.0/0', '2000::/3']);
    for (const denied of ['169.254.169.254/32', '10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']) expect(blocks[0].except).toContain(denied);
  });

  test('the metadata endpoints stay denied even with a custom private range list', () => {
    const r = render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { privateCidrs: ['10.0.0.0/16', '2001:db8::/32'] });
    const p = find(r.objects, 'NetworkPolicy', 'code-executor', 'sandbox-kit-code-executor').spec as { egress: Rule[] };
    expect(p.egress[1].to!.map((t) => t.ipBlock!.except)).toEqual([['169.254.169.254/32', '0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '10.0.0.0/16'], ['2001:db8::/32']]);
  });

  test('agent sandbox pods: ingress only from the controller and proxy', () => {
    const p = policy('agent-sandbox-sandbox', 'sandbox-kit-agent-sandboxes');
    expect(p.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sandbox-kit-agent' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'controller' } } },
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'sandbox-kit-agent' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'proxy' } } },
      ],
      ports: [{ protocol: 'TCP', port: 3017 }],
    }]);
  });
});

test('sandbox nodes: nodeSelector and tolerations on user-code pods and the installer, not on the controller and proxy', () => {
  const toleration = { key: 'sandbox-kit.io/sandbox', operator: 'Exists' as const, effect: 'NoSchedule' as const };
  const { objects } = render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { nodeSelector: { pool: 'sandboxes' }, tolerations: [toleration] });
  for (const [kind, name] of [['Deployment', 'code-executor'], ['Deployment', 'js-executor'], ['DaemonSet', 'seccomp-profile-installer-amd64']]) {
    const spec = podSpec(find(objects, kind, name)).spec as Spec & { tolerations?: unknown[] };
    expect([name, spec.nodeSelector?.pool, spec.tolerations]).toEqual([name, 'sandboxes', [toleration]]);
  }
  const template = JSON.parse((find(objects, 'ConfigMap', 'agent-sandbox-pod-template').data as Record<string, string>)['sandbox-pod.json']) as { spec: Spec & { tolerations?: unknown[] } };
  expect(template.spec.tolerations).toEqual([toleration]);
  expect(template.spec.nodeSelector).toEqual({ pool: 'sandboxes' });
  const ctrl = podSpec(find(objects, 'Deployment', 'agent-sandbox-controller')).spec as Spec & { tolerations?: unknown[] };
  expect(ctrl.tolerations).toBeUndefined();
  expect(ctrl.nodeSelector).toBeUndefined();
});

describe('TrustNamespace and SandboxKitChart checks', () => {
  test('a level other than restricted needs a reason', () => {
    expect(() => standalone((c) => new TrustNamespace(c, 'n', { name: 'x', trust: 'user-code', podSecurityLevel: 'baseline' }))).toThrow(/needs a reason/);
  });

  test('synth refuses a plan whose pods the namespace level would reject', () => {
    const p = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } });
    const ce = p.services[0];
    // A tampered plan: privileged sandbox, but a namespace level of restricted.
    const bad: DeploymentPlan = { ...p, services: [{ ...ce, sandbox: { ...ce.sandbox, privileged: true, allowPrivilegeEscalation: false } }] };
    const chart = new SandboxKitChart(new App(), 'eks', { plan: bad });
    expect(() => chart.toJson()).toThrow(/Pod Security "restricted" of namespace sandbox-kit-code-executor refuses it: container "code-executor" must not set securityContext.privileged=true/);
    expect(() => chart.toJson()).toThrow(/cannot set `allowPrivilegeEscalation` to false and `privileged` to true/);
  });

  test('an ECS plan is refused', () => {
    expect(() => new SandboxKitChart(new App(), 'x', { plan: plan({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } }) })).toThrow(/not a Kubernetes target/);
  });
});
