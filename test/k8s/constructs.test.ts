import { ApiObject, App, Chart } from 'cdk8s';
import { AgentSandbox, CodeExecutor, JsExecutor, SandboxKitChart, TrustNamespace } from '../../src/k8s';
import { KubeObject, PodSpecJson } from '../../src/k8s/manifest';
import { DeploymentPlan, SandboxPlan } from '../../src/policy/plan';
import { plan } from '../../src/policy/planner';
import { SandboxConfigError } from '../../src/policy/errors';
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

  test('Deployment, Service, ServiceAccount without token, PDB, NetworkPolicy, and its namespace\'s quotas and LimitRange', () => {
    expect(objects.map((o) => `${o.kind}/${o.metadata?.name}`)).toEqual([
      'ServiceAccount/code-executor', 'Deployment/code-executor', 'Service/code-executor', 'PodDisruptionBudget/code-executor', 'NetworkPolicy/code-executor',
      'ResourceQuota/sandbox-kit-user-code', 'ResourceQuota/sandbox-kit-no-critical-priority', 'LimitRange/sandbox-kit-bounds',
    ]);
    expect(find(objects, 'ServiceAccount', 'code-executor').automountServiceAccountToken).toBe(false);
    expect(podSpec(find(objects, 'Deployment', 'code-executor')).spec.automountServiceAccountToken).toBe(false);
    expect(find(objects, 'PodDisruptionBudget', 'code-executor').spec).toMatchObject({ maxUnavailable: 1 });
  });

  test('the full security context of the plan, at pod and container level', () => {
    const t = podSpec(find(objects, 'Deployment', 'code-executor'));
    const sec = servicePlan(eks, 'code-executor').sandbox;
    expect(t.spec.hostUsers).toBe(false);
    // Retool's image starts as root (uid 0 of the pod's user namespace) and drops to retool_user itself.
    expect(t.spec.securityContext).toEqual({ runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, seccompProfile: { type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' } });
    expect(t.spec.containers[0].securityContext).toEqual({
      privileged: false, allowPrivilegeEscalation: false, capabilities: { add: ['SETUID', 'SETGID'], drop: ['ALL'] }, readOnlyRootFilesystem: true,
      runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, procMount: 'Unmasked',
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
  const NS = 'sandbox-kit-agent';
  const jobOf = (objs: readonly KubeObject[]) => JSON.parse((find(objs, 'ConfigMap', 'agent-sandbox-job-template', NS).data as Record<string, string>)['job-template.json']) as {
    kind: string; metadata: { labels: Record<string, string>; namespace?: string };
    spec: { backoffLimit: number; ttlSecondsAfterFinished: number; template: { metadata: { labels: Record<string, string>; annotations: Record<string, string> }; spec: Spec & Record<string, unknown> } };
  };
  const envNames = (c: { env?: { name: string }[] }) => (c.env ?? []).map((e) => e.name);

  test('one namespace: controller, proxy, the Job template and the headless Service', () => {
    for (const [kind, name] of [['Deployment', 'agent-sandbox-controller'], ['Deployment', 'agent-sandbox-proxy'], ['ConfigMap', 'agent-sandbox-job-template'], ['Service', 'agent-sandbox-pods'], ['Role', 'agent-sandbox-controller']]) {
      expect([kind, name, find(objects, kind, name).metadata?.namespace]).toEqual([kind, name, NS]);
    }
    expect(ofKind(objects, 'Namespace').map((n) => n.metadata?.name)).not.toContain('sandbox-kit-agent-sandboxes');
    const job = jobOf(objects);
    // The controller creates Jobs in its own namespace: the template names none.
    expect(job.metadata.namespace).toBeUndefined();
  });

  test('the Role: Retool\'s resources and verbs, get narrowed to the known names, nothing cluster-wide', () => {
    expect(ofKind(objects, 'ClusterRole')).toEqual([]);
    expect(ofKind(objects, 'ClusterRoleBinding')).toEqual([]);
    const [role] = ofKind(objects, 'Role');
    expect(role.rules).toEqual([
      { apiGroups: ['batch'], resources: ['jobs'], verbs: ['get', 'list', 'watch', 'create', 'delete'] },
      { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['agent-sandbox-job-template'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], verbs: ['list', 'watch'] },
      { apiGroups: ['apps'], resources: ['daemonsets'], resourceNames: ['agent-sandbox-image-prepuller'], verbs: ['get'] },
      { apiGroups: ['apps'], resources: ['deployments'], resourceNames: ['agent-sandbox'], verbs: ['get', 'list', 'watch', 'update', 'patch'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['agent-sandbox'], verbs: ['get', 'patch'] },
    ]);
    const [binding] = ofKind(objects, 'RoleBinding');
    expect(binding.metadata?.namespace).toBe(NS);
    expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'agent-sandbox-controller', namespace: NS }]);
  });

  test('only the controller gets an API token', () => {
    const tokens = Object.fromEntries(ofKind(objects, 'ServiceAccount').map((o) => [`${o.metadata?.namespace}/${o.metadata?.name}`, o.automountServiceAccountToken]));
    expect(tokens[`${NS}/agent-sandbox-controller`]).toBe(true);
    for (const [k, v] of Object.entries(tokens)) if (k !== `${NS}/agent-sandbox-controller`) expect([k, v]).toEqual([k, false]);
    expect(podSpec(find(objects, 'Deployment', 'agent-sandbox-proxy')).spec.automountServiceAccountToken).toBe(false);
    expect(jobOf(objects).spec.template.spec.automountServiceAccountToken).toBe(false);
  });

  test('controller and proxy: the supporting settings as uid 1001, Retool\'s probes, the template\'s checksum', () => {
    const ctrl = podSpec(find(objects, 'Deployment', 'agent-sandbox-controller'));
    const c = ctrl.spec.containers[0] as unknown as { securityContext: Record<string, unknown>; livenessProbe: { httpGet: { path: string } }; readinessProbe: { httpGet: { path: string } } };
    expect(c.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, seccompProfile: { type: 'RuntimeDefault' } });
    expect([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path]).toEqual(['/livez', '/health']);
    expect(ctrl.spec.hostUsers).toBeUndefined();
    expect(ctrl.metadata.annotations?.['sandbox-kit.io/job-template-sha256']).toMatch(/^[0-9a-f]{64}$/);
  });

  test('the Job template: Retool\'s Job, pod and container settings with the plan\'s security', () => {
    const p = servicePlan(chart.plan, 'agent-sandbox');
    const job = jobOf(objects);
    expect(job.kind).toBe('Job');
    expect([job.spec.backoffLimit, job.spec.ttlSecondsAfterFinished]).toEqual([0, 300]);
    expect(job.metadata.labels).toMatchObject({ 'retoolService': 'agent-sandbox', 'app.kubernetes.io/name': 'agent-sandbox' });
    expect(job.spec.template.metadata.labels).toMatchObject({ 'retoolService': 'agent-sandbox', 'app.kubernetes.io/name': 'agent-sandbox', 'app.kubernetes.io/component': 'sandbox' });
    expect(job.spec.template.metadata.annotations).toMatchObject({ 'karpenter.sh/do-not-disrupt': 'true', 'cluster-autoscaler.kubernetes.io/safe-to-evict': 'false' });
    const spec = job.spec.template.spec;
    expect(spec).toMatchObject({ restartPolicy: 'Never', subdomain: 'agent-sandbox-pods', automountServiceAccountToken: false, hostUsers: false });
    const [c] = spec.containers as (Spec['containers'][number] & { image: string; env: { name: string }[]; livenessProbe?: unknown; readinessProbe?: unknown; startupProbe?: unknown; resources: { limits: Record<string, string> } })[];
    expect(c.image).toBe('tryretool/agent-sandbox-service:__IMAGE_TAG__');
    expect([c.livenessProbe, c.readinessProbe, c.startupProbe]).toEqual([undefined, undefined, undefined]);
    expect(c.securityContext).toMatchObject({ runAsUser: 1001, runAsGroup: 1001, seccompProfile: { type: 'Localhost', localhostProfile: p.sandbox.seccomp.type === 'Localhost' ? p.sandbox.seccomp.localhostProfile : '' } });
    expect(c.resources.limits['smarter-devices/net_tun']).toBe('1');
    expect(spec.volumes).toEqual([
      { name: 'run', emptyDir: { medium: 'Memory', sizeLimit: '64Mi' } },
      { name: 'tmp', emptyDir: { sizeLimit: '20Gi' } },
      { name: 'rootfs-appjob', emptyDir: { sizeLimit: '2Gi' } },
      { name: 'rootfs-etc', emptyDir: { medium: 'Memory', sizeLimit: '4Mi' } },
    ]);
    const [init] = spec.initContainers as { name: string; image: string; securityContext: Record<string, unknown> }[];
    expect(init.name).toBe('rootfs-etc-copy');
    expect(init.image).toBe(c.image);
    expect(init.securityContext).toMatchObject({ runAsUser: 1001, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect((init.securityContext.capabilities as { add?: string[] }).add).toBeUndefined();
  });

  test('variables: exactly Retool\'s, none of the kit\'s own', () => {
    const names = (name: string) => envNames(podSpec(find(objects, 'Deployment', name)).spec.containers[0] as { env?: { name: string }[] });
    const all = [...names('agent-sandbox-controller'), ...names('agent-sandbox-proxy'), ...envNames(jobOf(objects).spec.template.spec.containers[0] as { env?: { name: string }[] })];
    expect(all.filter((n) => n.startsWith('SANDBOX_KIT_'))).toEqual([]);
    expect(names('agent-sandbox-controller')).toEqual(expect.arrayContaining(['AGENT_SANDBOX_ROLE', 'JOB_TEMPLATE_CONFIGMAP', 'DEPLOYED_IMAGE_TAG', 'K8S_NAMESPACE', 'PREWARM_POOL_SIZE', 'MAX_TOTAL_JOBS', 'AGENT_SANDBOX_POSTGRES_URL']));
  });

  test('secrets are referenced, and synth refuses when none is named', () => {
    const env = (podSpec(find(objects, 'Deployment', 'agent-sandbox-proxy')).spec.containers[0] as unknown as { env: { name: string; valueFrom?: unknown; value?: string }[] }).env;
    expect(env.find((e) => e.name === 'AGENT_SANDBOX_ENCRYPTION_KEY')).toEqual({ name: 'AGENT_SANDBOX_ENCRYPTION_KEY', valueFrom: { secretKeyRef: { name: 'retool-agent-sandbox', key: 'encryption-key' } } });
    expect(env.find((e) => e.name === 'AGENT_SANDBOX_POSTGRES_URL')).toEqual({ name: 'AGENT_SANDBOX_POSTGRES_URL', valueFrom: { secretKeyRef: { name: 'retool-agent-sandbox', key: 'postgres-url' } } });
    const agent = servicePlan(chart.plan, 'agent-sandbox');
    let thrown: unknown;
    try {
      standalone((c) => new AgentSandbox(c, 'a', { plan: agent }));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(SandboxConfigError);
    expect((thrown as SandboxConfigError).problems.map((x) => x.field)).toEqual(['kubernetes.renderer.agentSandbox.secretName', 'kubernetes.renderer.agentSandbox.postgres']);
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

  test('a private range list that leaves out Retool\'s egress blocks is refused while the NetworkPolicy holds them', () => {
    expect(() => render({ target: 'eks', retoolVersion: '3.334.0-stable' }, { privateCidrs: ['10.0.0.0/16', '169.254.0.0/16'] }))
      .toThrow(/kubernetes\.renderer\.privateCidrs: code-executor reaches 192\.168\.0\.0\/16; js-executor reaches 192\.168\.0\.0\/16/);
  });

  test('the metadata endpoints stay denied even with a custom private range list', () => {
    // With the services' own iptables rules (executorNetAdmin: grant) the list may leave Retool's ranges out.
    const r = render({ target: 'eks', retoolVersion: '3.334.0-stable', executorNetAdmin: 'grant' }, { privateCidrs: ['10.0.0.0/16', '2001:db8::/32'] });
    const p = find(r.objects, 'NetworkPolicy', 'code-executor', 'sandbox-kit-code-executor').spec as { egress: Rule[] };
    expect(p.egress[1].to!.map((t) => t.ipBlock!.except)).toEqual([['169.254.169.254/32', '0.0.0.0/8', '127.0.0.0/8', '224.0.0.0/3', '10.0.0.0/16'], ['2001:db8::/32']]);
  });

  test('agent sandbox pods: ingress only from the backend, the controller and the proxy (Retool\'s chart)', () => {
    const p = policy('agent-sandbox-sandbox', 'sandbox-kit-agent');
    expect(p.ingress).toEqual([{
      from: [
        { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'apps' } }, podSelector: { matchLabels: { app: 'retool-backend' } } },
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
  const template = (JSON.parse((find(objects, 'ConfigMap', 'agent-sandbox-job-template').data as Record<string, string>)['job-template.json']) as { spec: { template: { spec: Spec & { tolerations?: unknown[] } } } }).spec.template;
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
    expect(() => chart.toJson()).toThrow(/Pod Security "baseline" of namespace sandbox-kit-code-executor refuses it: container "code-executor" must not set securityContext.privileged=true/);
    expect(() => chart.toJson()).toThrow(/cannot set `allowPrivilegeEscalation` to false and `privileged` to true/);
  });

  test('an ECS plan is refused', () => {
    expect(() => new SandboxKitChart(new App(), 'x', { plan: plan({ target: 'ecs-ec2', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { enabled: false } } }) })).toThrow(/not a Kubernetes target/);
  });
});
