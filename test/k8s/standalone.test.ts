/**
 * The service constructs used on their own, outside SandboxKitChart: synth passes only when the
 * app brings what the plan needs, and otherwise fails with a message scoped to the construct
 * that names what is missing.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import {
  AgentSandbox, AppArmorProfileLoader, CodeExecutor, DeploymentPlan, OperatorSeccompProfiles, PodSecurityLevel, plan, referencedProfiles,
  SandboxConfigError, SandboxKitChart, SandboxPlan, SeccompProfileInstaller, TrustNamespace,
} from '../../src';

const servicePlan = (p: DeploymentPlan, name: string): SandboxPlan => p.services.find((s) => s.service === name)!;

interface Needs {
  /** Level of the code-executor namespace; none: no namespace. */
  readonly level?: PodSecurityLevel;
  readonly installer?: boolean;
  readonly loader?: boolean;
}

/** A chart with a gke-standard CodeExecutor and what the test gives it; returns the synth error, if any. */
function synthCodeExecutor(deployment: DeploymentPlan, needs: Needs): string | undefined {
  const chart = new Chart(new App(), 'app');
  const p = servicePlan(deployment, 'code-executor');
  const ce = new CodeExecutor(chart, 'ce', { plan: p, kubernetesVersion: deployment.kubernetesVersion });
  if (needs.level) new TrustNamespace(chart, 'ns', { name: ce.namespace, trust: 'user-code', podSecurityLevel: needs.level, podSecurityReason: 'test' });
  if (needs.installer) {
    new TrustNamespace(chart, 'system', { name: 'sandbox-kit-system', trust: 'node-installer', podSecurityLevel: 'privileged', podSecurityReason: 'test' });
    new SeccompProfileInstaller(chart, 'installer', { profiles: referencedProfiles(deployment), architectures: p.architectures });
  }
  if (needs.loader) new AppArmorProfileLoader(chart, 'loader', { profiles: ['sandbox-kit-nsjail'], architectures: p.architectures });
  try {
    chart.toJson();
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

const ONLY_CODE = { 'js-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } as const;

describe('a gke-standard CodeExecutor on its own, privileged (Kubernetes 1.32: no user namespaces)', () => {
  const gke = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.32', services: ONLY_CODE });
  const p = servicePlan(gke, 'code-executor');

  test('the plan needs a privileged namespace', () => {
    expect([p.mode, p.podSecurityLevel]).toEqual(['privileged', 'privileged']);
  });

  test('with its namespace at the plan\'s level and the AppArmor loader, synth passes', () => {
    expect(synthCodeExecutor(gke, { level: 'privileged', loader: true })).toBeUndefined();
  });

  test('in a restricted namespace, synth fails at the construct, naming the level the plan needs', () => {
    const error = synthCodeExecutor(gke, { level: 'restricted', loader: true })!;
    expect(error).toMatch(/\[app\/ce\] Deployment\/sandbox-kit-code-executor\/code-executor: namespace sandbox-kit-code-executor enforces Pod Security "restricted", which refuses this pod \(.*privileged/);
    expect(error).toContain('the plan needs "privileged"');
  });

  test('without a namespace, synth fails naming the namespace and its level', () => {
    expect(synthCodeExecutor(gke, { loader: true })).toMatch(/\[app\/ce\] .*namespace "sandbox-kit-code-executor", which no TrustNamespace of this app renders: it needs one that enforces Pod Security "privileged"/);
  });

});

describe('a gke-standard CodeExecutor on its own, under the kit\'s seccomp profile (Kubernetes 1.35)', () => {
  const gke = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', services: ONLY_CODE });
  const p = servicePlan(gke, 'code-executor');

  test('the plan references a Localhost profile the DaemonSet delivers, and the kit\'s AppArmor profile', () => {
    expect(p.mode).toBe('seccomp');
    expect(p.sandbox.appArmor).toEqual({ type: 'Localhost', profile: 'sandbox-kit-nsjail' });
    expect(p.sandbox.seccomp).toMatchObject({ type: 'Localhost', localhostProfile: 'sandbox-kit/nsjail.json' });
    expect(p.profileDelivery).toBe('daemonset');
  });

  test('with the profile installer, synth passes', () => {
    expect(synthCodeExecutor(gke, { level: p.podSecurityLevel, installer: true, loader: true })).toBeUndefined();
  });

  test('without the profile installer, synth fails naming the seccomp profile and each architecture', () => {
    const error = synthCodeExecutor(gke, { level: p.podSecurityLevel, loader: true })!;
    for (const arch of p.architectures) expect(error).toContain(`[app/ce] the pods reference seccomp profile sandbox-kit/nsjail.json, and no SeccompProfileInstaller of this app installs it on ${arch} nodes`);
  });

  test('without the AppArmor loader, synth fails naming the profile', () => {
    expect(synthCodeExecutor(gke, { level: p.podSecurityLevel, installer: true })).toMatch(/\[app\/ce\] the pods run under AppArmor profile sandbox-kit-nsjail, and no AppArmorProfileLoader of this app loads it/);
  });

  test('with an installer for another architecture only, the missing one is named', () => {
    const chart = new Chart(new App(), 'app');
    const ce = new CodeExecutor(chart, 'ce', { plan: p });
    new TrustNamespace(chart, 'ns', { name: ce.namespace, trust: 'user-code', podSecurityLevel: p.podSecurityLevel, podSecurityReason: 'test' });
    new SeccompProfileInstaller(chart, 'installer', { profiles: referencedProfiles(gke), architectures: ['amd64'] });
    new AppArmorProfileLoader(chart, 'loader', { profiles: ['sandbox-kit-nsjail'], architectures: p.architectures });
    expect(() => chart.toJson()).toThrow(/installs it on arm64 nodes/);
    expect(() => chart.toJson()).not.toThrow(/on amd64 nodes/);
  });

  test('profiles for the Security Profiles Operator: its objects are what is needed', () => {
    const spo = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', architectures: ['amd64'], profileDelivery: 'security-profiles-operator', appArmor: 'unconfined', services: ONLY_CODE });
    const build = (withOperator: boolean) => {
      const chart = new Chart(new App(), 'app');
      const sp = servicePlan(spo, 'code-executor');
      const ce = new CodeExecutor(chart, 'ce', { plan: sp });
      new TrustNamespace(chart, 'ns', { name: ce.namespace, trust: 'user-code', podSecurityLevel: sp.podSecurityLevel, podSecurityReason: 'test' });
      if (withOperator) new OperatorSeccompProfiles(chart, 'spo', { profiles: referencedProfiles(spo) });
      return () => chart.toJson();
    };
    expect(build(false)).toThrow(/no OperatorSeccompProfiles of this app declares it/);
    expect(build(true)).not.toThrow();
  });
});

test('an AgentSandbox on its own needs its namespace (controller, proxy and sandbox Jobs), named with its level', () => {
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' });
  const chart = new Chart(new App(), 'app');
  new AgentSandbox(chart, 'agent', { plan: servicePlan(eks, 'agent-sandbox'), agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } } } });
  expect(() => chart.toJson()).toThrow(/\[app\/agent\] .*namespace "sandbox-kit-agent", which no TrustNamespace/);
  expect(() => chart.toJson()).toThrow(/\[app\/agent\] ConfigMap\/sandbox-kit-agent\/agent-sandbox-job-template:job-template.json runs in namespace "sandbox-kit-agent"/);
});

test('a CodeExecutor on its own brings its namespace\'s quota (sized from its replicas and autoscaling) and LimitRange; a cap below them is refused', () => {
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: ONLY_CODE });
  const chart = new Chart(new App(), 'app');
  new CodeExecutor(chart, 'ce', { plan: servicePlan(eks, 'code-executor'), autoscaling: { maxReplicas: 4 } });
  const objects = chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as { kind: string; metadata: { name: string; namespace: string }; spec: { hard?: Record<string, string> } });
  const quota = objects.find((o) => o.kind === 'ResourceQuota' && o.metadata.name === 'sandbox-kit-user-code')!;
  // 4 replicas at most, one more during a rollout, 4 old pods still terminating.
  expect([quota.metadata.namespace, quota.spec.hard!.pods]).toEqual(['sandbox-kit-code-executor', '9']);
  expect(objects.filter((o) => o.kind === 'LimitRange').map((o) => o.metadata.namespace)).toEqual(['sandbox-kit-code-executor']);
  const capped = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { ...ONLY_CODE, 'code-executor': { quota: { pods: 2 } } } });
  expect(() => new CodeExecutor(new Chart(new App(), 'app'), 'ce', { plan: servicePlan(capped, 'code-executor') })).toThrow(/services\.code-executor\.quota\.pods: 2 pods is below/);
});

test('inside SandboxKitChart, the AgentSandbox\'s quota problems and the executors\' come in one error', () => {
  const kit = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { quota: { pods: 1 } }, 'agent-sandbox': { quota: { pods: 1 } } } });
  let fields: string[] = [];
  try {
    new SandboxKitChart(new App(), 'kit', { plan: kit, agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } } } });
  } catch (e) {
    fields = (e as SandboxConfigError).problems.map((p) => p.field);
  }
  expect(fields).toEqual(['services.code-executor.quota.pods', 'services.agent-sandbox.quota.pods']);
});

test('inside SandboxKitChart a service leaves the checks to the chart: one report, not two', () => {
  const kit = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable' });
  const chart = new SandboxKitChart(new App(), 'kit', { plan: kit, agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } } } });
  // A service in a namespace the chart does not render: the chart reports it, the service does not repeat it.
  const extra = new CodeExecutor(chart, 'extra', { plan: servicePlan(kit, 'code-executor'), namespace: 'elsewhere' });
  expect(extra.node.validate()).toEqual([]);
  let message = '';
  try {
    chart.toJson();
  } catch (e) {
    message = (e as Error).message;
  }
  expect(message.split('\n').filter((line) => line.includes('elsewhere'))).toHaveLength(1);
  expect(message).toMatch(/runs in namespace "elsewhere", which the chart does not render/);
});

test('the fences and node pieces SandboxKitChart adds are public constructs, for apps that compose the services themselves', async () => {
  const api = await import('../../src');
  const { Construct } = await import('constructs');
  for (const name of ['AgentSandboxFences', 'SandboxAdmission', 'TunDevicePlugin', 'ImagePrepuller', 'NamespaceFences'] as const) {
    const cls = api[name] as unknown as { prototype: object };
    expect([name, cls.prototype instanceof Construct]).toEqual([name, true]);
  }
});

describe('an AgentSandbox on its own brings the fences of its own namespace', () => {
  const build = (target: 'eks' | 'gke-standard') => {
    const p = servicePlan(plan({ target, retoolVersion: '3.334.0-stable' }), 'agent-sandbox');
    const chart = new Chart(new App(), 'app');
    new AgentSandbox(chart, 'agent', { plan: p, agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } }, scaling: { maxTotalJobs: 7, prewarmPoolSize: 2 } } });
    return chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as { kind: string; metadata: { name: string; namespace?: string }; spec?: Record<string, unknown> });
  };

  test('a ResourceQuota counting the sandbox PriorityClass, sized from its scaling, a LimitRange, and critical priority refused', () => {
    const objects = build('eks');
    const quota = objects.find((o) => o.kind === 'ResourceQuota' && o.metadata.name === 'sandbox-kit-user-code')!;
    expect(quota.metadata.namespace).toBe('sandbox-kit-agent');
    // MAX_TOTAL_JOBS 7, twice (a deleted Job's pod counts while its replacement starts).
    expect((quota.spec as { hard: Record<string, string> }).hard.pods).toBe('14');
    expect(quota.spec!.scopeSelector).toEqual({ matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In', values: ['sandbox-kit-agent-sandbox'] }] });
    expect(objects.find((o) => o.kind === 'LimitRange')?.metadata.namespace).toBe('sandbox-kit-agent');
    expect(objects.find((o) => o.metadata.name === 'sandbox-kit-no-critical-priority')?.metadata.namespace).toBe('sandbox-kit-agent');
  });

  test('a quota cap below its scaling is refused at construction, naming what would work', () => {
    const p = servicePlan(plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'agent-sandbox': { quota: { pods: 3 } } } }), 'agent-sandbox');
    expect(() => new AgentSandbox(new Chart(new App(), 'app'), 'agent', { plan: p, agentSandbox: { secretName: 's', postgres: { urlSecret: { name: 's' } } } }))
      .toThrow(/services\.agent-sandbox\.quota\.pods: 3 pods is below what sandbox Job may run at once \(100/);
  });

  test('DNS where the target\'s resolvers are: on gke-standard, Cloud DNS and NodeLocal DNSCache on port 53, as SandboxKitChart renders it', () => {
    const policy = build('gke-standard').find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'agent-sandbox-sandbox')!;
    const cidrs = JSON.stringify(policy.spec!.egress);
    expect(cidrs).toContain('169.254.169.254/32');
    expect(cidrs).toContain('169.254.20.10/32');
    expect(JSON.stringify(build('eks').find((o) => o.kind === 'NetworkPolicy' && o.metadata.name === 'agent-sandbox-sandbox')!.spec!.egress)).not.toContain('169.254.169.254/32');
  });
});
