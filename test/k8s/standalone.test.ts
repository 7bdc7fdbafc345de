/**
 * The service constructs used on their own, outside SandboxKitChart: synth passes only when the
 * app brings what the plan needs, and otherwise fails with a message scoped to the construct
 * that names what is missing.
 */
import { ApiObject, App, Chart } from 'cdk8s';
import {
  AgentSandbox, AppArmorProfileLoader, CodeExecutor, DEFAULT_DEVICE_PLUGIN_IMAGE, DeploymentPlan, JsExecutor, TunDevicePlugin, OperatorSeccompProfiles, PodSecurityLevel, plan, referencedProfiles,
  SandboxConfigError, SandboxKitChart, SandboxPlan, SeccompProfileInstaller, Toleration, TrustNamespace,
} from '../../src';
import { toleratesAllOf } from '../../src/k8s/plan-needs';

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

/** What an eks AgentSandbox's plan needs from the rest of the app, each one switchable. */
interface AgentNeeds {
  readonly namespace?: boolean;
  readonly installer?: boolean;
  readonly plugin?: false | { readonly nodeSelector?: Record<string, string>; readonly priorityQuota?: boolean; readonly tolerations?: Toleration[] };
  readonly outsideApp?: string;
}
const AGENT_OPTIONS = { secretName: 's', postgres: { urlSecret: { name: 's' } } };

function agentApp(deployment: DeploymentPlan, needs: AgentNeeds, nodeSelector: Record<string, string> = {}, tolerations?: Toleration[]): { chart: Chart; agent: AgentSandbox; synth: () => string | undefined } {
  const chart = new Chart(new App(), 'app');
  const p = servicePlan(deployment, 'agent-sandbox');
  const agent = new AgentSandbox(chart, 'agent', { plan: p, agentSandbox: AGENT_OPTIONS, nodeSelector, tolerations, tunDevicePluginOutsideApp: needs.outsideApp });
  if (needs.namespace !== false) new TrustNamespace(chart, 'ns', { name: agent.namespace, trust: 'user-code', podSecurityLevel: p.podSecurityLevel, podSecurityReason: p.podSecurityReason });
  new TrustNamespace(chart, 'system', { name: 'sandbox-kit-system', trust: 'node-installer', podSecurityLevel: 'privileged', podSecurityReason: 'test' });
  if (needs.installer !== false) new SeccompProfileInstaller(chart, 'installer', { profiles: referencedProfiles(deployment), architectures: p.architectures });
  if (p.sandbox.appArmor?.type === 'Localhost') new AppArmorProfileLoader(chart, 'loader', { profiles: [p.sandbox.appArmor.profile], architectures: p.architectures });
  if (needs.plugin !== false) {
    new TunDevicePlugin(chart, 'tun', {
      image: DEFAULT_DEVICE_PLUGIN_IMAGE, priorityClassName: 'system-node-critical', maxDevices: 130,
      priorityQuota: needs.plugin?.priorityQuota ?? p.agent!.devicePluginPriorityQuota, nodeSelector: needs.plugin?.nodeSelector ?? {}, tolerations: needs.plugin?.tolerations,
    });
  }
  return {
    chart, agent, synth: () => {
      try {
        chart.toJson();
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
  };
}

describe('an eks AgentSandbox on its own: the tun device plugin its plan needs', () => {
  const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { enabled: false }, 'js-executor': { enabled: false } } });
  const p = servicePlan(eks, 'agent-sandbox');

  test('the plan gives sandboxes /dev/net/tun through the device plugin, and prepulls the image', () => {
    expect([p.agent!.tunDevice, p.agent!.imagePrepuller]).toEqual(['device-plugin', true]);
  });

  test('with its namespace, the profile installer and a TunDevicePlugin on the sandbox nodes, synth passes; it brings its prepuller and admission', () => {
    const app = agentApp(eks, {}, { pool: 'sandbox' });
    expect(app.synth()).toBeUndefined();
    const kinds = app.agent.node.findAll().filter(ApiObject.isApiObject).map((o) => o.kind);
    expect(kinds).toEqual(expect.arrayContaining(['DaemonSet', 'ValidatingAdmissionPolicy', 'ResourceQuota', 'LimitRange', 'NetworkPolicy', 'PriorityClass']));
  });

  test('without the plugin, synth fails naming it, why the plan needs it and what to add, beside every other missing piece in the same error', () => {
    const error = agentApp(eks, { plugin: false, namespace: false, installer: false }).synth()!;
    expect(error).toContain('[app/agent] the sandbox pods ask for smarter-devices/net_tun (the plan\'s tunDevice "device-plugin": ');
    expect(error).toMatch(/no TunDevicePlugin of this app advertises it: without one no sandbox pod is scheduled\. Add TunDevicePlugin \{ image: DEFAULT_DEVICE_PLUGIN_IMAGE .*priorityQuota: false/);
    expect(error).toContain('tunDevicePluginOutsideApp');
    expect(error).toMatch(/\[app\/agent\] .*namespace "sandbox-kit-agent", which no TrustNamespace/);
    expect(error).toMatch(/\[app\/agent\] the pods reference seccomp profile sandbox-kit\/gvisor\.json, and no SeccompProfileInstaller/);
  });

  test('a plugin whose node labels the sandbox nodes lack is not on them: synth fails', () => {
    expect(agentApp(eks, { plugin: { nodeSelector: { pool: 'other' } } }, { pool: 'sandbox' }).synth())
      .toMatch(/\[app\/agent\] .*no TunDevicePlugin of this app runs on the sandbox nodes: give it node labels the sandbox pods' nodeSelector holds \(\{"pool":"sandbox"\}\)/);
  });

  test('tolerations: a plugin runs on the sandbox nodes when its tolerations cover theirs, by Kubernetes\' matching, not only when they are the same', () => {
    const sandboxTaint: Toleration[] = [{ key: 'sandbox', operator: 'Equal', value: 'true', effect: 'NoSchedule' }];
    const synth = (tolerations: Toleration[] | undefined) => agentApp(eks, { plugin: { nodeSelector: { pool: 'sandbox' }, tolerations } }, { pool: 'sandbox' }, sandboxTaint).synth();
    expect(synth(sandboxTaint)).toBeUndefined();
    expect(synth([{ operator: 'Exists' }])).toBeUndefined();
    expect(synth([{ key: 'sandbox', operator: 'Exists' }])).toBeUndefined();
    expect(synth([{ key: 'sandbox', operator: 'Equal', value: 'true' }])).toBeUndefined();
    const off = /no TunDevicePlugin of this app runs on the sandbox nodes/;
    expect(synth(undefined)).toMatch(off);
    expect(synth([{ key: 'sandbox', operator: 'Equal', value: 'false', effect: 'NoSchedule' }])).toMatch(off);
    expect(synth([{ key: 'sandbox', operator: 'Exists', effect: 'NoExecute' }])).toMatch(off);
    expect(synth([{ key: 'other', operator: 'Exists' }])).toMatch(off);
  });

  test('toleratesAllOf: Kubernetes\' toleration matching, as sets of taints', () => {
    expect(toleratesAllOf({ operator: 'Exists' }, { key: 'a', operator: 'Exists' })).toBe(true);
    expect(toleratesAllOf({ key: 'a', operator: 'Exists' }, { operator: 'Exists' })).toBe(false);
    expect(toleratesAllOf({ key: 'a', value: 'x' }, { key: 'a', operator: 'Exists' })).toBe(false);
    expect(toleratesAllOf({ key: 'a', value: 'x' }, { key: 'a', operator: 'Equal', value: 'x', effect: 'NoSchedule' })).toBe(true);
    expect(toleratesAllOf({ key: 'a', value: 'x', effect: 'NoSchedule' }, { key: 'a', value: 'x' })).toBe(false);
  });

  test('a plugin outside the app, with the reason: synth passes, and the reason is written on the Job template', () => {
    const app = agentApp(eks, { plugin: false, outsideApp: 'smarter-device-manager from the platform team\'s chart' });
    expect(app.synth()).toBeUndefined();
    const configMap = app.agent.node.findAll().filter(ApiObject.isApiObject).find((o) => o.kind === 'ConfigMap' && o.name === 'agent-sandbox-job-template')!;
    expect(configMap.toJson().metadata.annotations).toEqual({ 'sandbox-kit.io/outside-app.tun-device-plugin': 'smarter-device-manager from the platform team\'s chart' });
    expect(app.agent.outsideApp).toEqual({ tunDevicePlugin: 'smarter-device-manager from the platform team\'s chart' });
  });

  test('on gke-standard, a plugin with a critical PriorityClass and no priority quota is named (GKE refuses its pods)', () => {
    const gke = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', services: { 'code-executor': { enabled: false }, 'js-executor': { enabled: false } } });
    expect(servicePlan(gke, 'agent-sandbox').agent!.devicePluginPriorityQuota).toBe(true);
    expect(agentApp(gke, {}).synth()).toBeUndefined();
    expect(agentApp(gke, { plugin: { priorityQuota: false } }).synth()).toMatch(/DaemonSet\/sandbox-kit-system\/agent-sandbox-device-plugin: gke-standard admits PriorityClass system-node-critical outside kube-system only in a namespace with a ResourceQuota for it/);
  });

  test('tunDevice "host-path": no plugin needed, and the namespace must be privileged for the hostPath', () => {
    const hostPath = plan({ target: 'eks', retoolVersion: '3.334.0-stable', agentSandbox: { tunDevice: 'host-path' }, services: { 'code-executor': { enabled: false }, 'js-executor': { enabled: false } } });
    const hp = servicePlan(hostPath, 'agent-sandbox');
    expect([hp.agent!.tunDevice, hp.podSecurityLevel]).toEqual(['host-path', 'privileged']);
    expect(agentApp(hostPath, { plugin: false }).synth()).toBeUndefined();
    const chart = new Chart(new App(), 'app');
    const agent = new AgentSandbox(chart, 'agent', { plan: hp, agentSandbox: AGENT_OPTIONS });
    new TrustNamespace(chart, 'ns', { name: agent.namespace, trust: 'user-code', podSecurityLevel: 'restricted' });
    expect(() => chart.toJson()).toThrow(/job-template\.json: namespace sandbox-kit-agent enforces Pod Security "restricted", which refuses this pod \(.*hostPath.*the plan needs "privileged"/);
  });
});

describe('the platform\'s admission rules, run by a service construct used alone', () => {
  // The planner never plans what the target's platform refuses: a plan made for another target
  // (here edited to name this one) is what reaches these rules.
  const onlyJs = { 'code-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } as const;

  test('a CodeExecutor planned for gke-autopilot (unprivileged inside GKE Sandbox, acknowledged), in its namespace, passes GKE Warden\'s rules', () => {
    const p = servicePlan(plan({ target: 'gke-autopilot', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: ONLY_CODE }), 'code-executor');
    const chart = new Chart(new App(), 'app');
    const ce = new CodeExecutor(chart, 'ce', { plan: p });
    new TrustNamespace(chart, 'ns', { name: ce.namespace, trust: 'user-code', podSecurityLevel: p.podSecurityLevel, podSecurityReason: p.podSecurityReason });
    expect(() => chart.toJson()).not.toThrow();
  });

  test('a CodeExecutor whose plan (made for gke-standard) names gke-autopilot: synth fails naming Warden\'s localhost-seccomp rule', () => {
    const gke = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', architectures: ['amd64'], services: ONLY_CODE });
    const p: SandboxPlan = { ...servicePlan(gke, 'code-executor'), target: 'gke-autopilot' };
    const chart = new Chart(new App(), 'app');
    const ce = new CodeExecutor(chart, 'ce', { plan: p });
    new TrustNamespace(chart, 'ns', { name: ce.namespace, trust: 'user-code', podSecurityLevel: p.podSecurityLevel, podSecurityReason: p.podSecurityReason });
    expect(() => chart.toJson()).toThrow(/\[app\/ce\] Deployment\/sandbox-kit-code-executor\/code-executor: gke-autopilot refuses it \(localhost-seccomp\): .*Localhost profile sandbox-kit\/nsjail\.json, which no Autopilot node can hold/);
  });

  test('a JsExecutor whose plan (made for gke-standard) names gke-autopilot: synth fails naming Warden\'s localhost-seccomp rule', () => {
    const gke = plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', architectures: ['amd64'], services: onlyJs });
    const p: SandboxPlan = { ...servicePlan(gke, 'js-executor'), target: 'gke-autopilot' };
    const chart = new Chart(new App(), 'app');
    const js = new JsExecutor(chart, 'js', { plan: p });
    new TrustNamespace(chart, 'ns', { name: js.namespace, trust: 'user-code', podSecurityLevel: p.podSecurityLevel, podSecurityReason: p.podSecurityReason });
    expect(() => chart.toJson()).toThrow(/\[app\/js\] Deployment\/sandbox-kit-js-executor\/js-executor: gke-autopilot refuses it \(localhost-seccomp\): .*Localhost profile sandbox-kit\/nsjail\.json, which no Autopilot node can hold/);
  });

  test('a CodeExecutor whose plan (made for eks) names eks-fargate: synth fails naming the Fargate scheduler\'s rule', () => {
    const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: ONLY_CODE });
    const p: SandboxPlan = { ...servicePlan(eks, 'code-executor'), target: 'eks-fargate' };
    const chart = new Chart(new App(), 'app');
    new CodeExecutor(chart, 'ce', { plan: p });
    expect(() => chart.toJson()).toThrow(/\[app\/ce\] Deployment\/sandbox-kit-code-executor\/code-executor: eks-fargate refuses it \(localhost-seccomp\)/);
  });

  test('an AgentSandbox whose plan (made for eks) names eks-fargate: synth fails naming the Localhost-seccomp and DaemonSet rules', () => {
    // No platform-rule target plans the agent sandbox (gke-autopilot and eks-fargate refuse it),
    // nor the js-executor: their passing cases are the eks ones above.
    const eks = plan({ target: 'eks', retoolVersion: '3.334.0-stable' });
    const p: SandboxPlan = { ...servicePlan(eks, 'agent-sandbox'), target: 'eks-fargate' };
    const chart = new Chart(new App(), 'app');
    new AgentSandbox(chart, 'agent', { plan: p, agentSandbox: AGENT_OPTIONS });
    expect(() => chart.toJson()).toThrow(/\[app\/agent\] ConfigMap\/sandbox-kit-agent\/agent-sandbox-job-template:job-template\.json: eks-fargate refuses it \(localhost-seccomp\): Pod not supported on Fargate: container agent-sandbox needs a Localhost seccomp file on the node/);
    expect(() => chart.toJson()).toThrow(/\[app\/agent\] DaemonSet\/sandbox-kit-agent\/agent-sandbox-image-prepuller: eks-fargate refuses it \(daemonsets\)/);
    // It brings no SecurityGroupPolicy (the planner refuses the agent sandbox on eks-fargate), and says so.
    expect(() => chart.toJson()).toThrow(/\[app\/agent\] AgentSandbox renders no SecurityGroupPolicy, and on eks-fargate NetworkPolicies do not apply to the pods .*its user code's egress would be open\. The planner does not plan agent-sandbox there; plan another target: an EKS managed node group/);
  });
});

describe('a CodeExecutor on its own on eks-fargate, where NetworkPolicies do not apply: it brings its SecurityGroupPolicy', () => {
  const GROUPS = ['sg-0123456789abcdef0', 'sg-0123456789abcdef1'];
  const fargate = plan({ target: 'eks-fargate', retoolVersion: '3.334.0-stable', acknowledgeUnsandboxedCode: true, services: ONLY_CODE });
  const p = servicePlan(fargate, 'code-executor');
  type Obj = { kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; spec?: Record<string, unknown> };
  const build = (props: { podSecurityGroupIds?: string[]; namespace?: boolean }, servicePlanned: SandboxPlan = p) => {
    const chart = new Chart(new App(), 'app');
    const ce = new CodeExecutor(chart, 'ce', { plan: servicePlanned, podSecurityGroupIds: props.podSecurityGroupIds });
    if (props.namespace !== false) new TrustNamespace(chart, 'ns', { name: ce.namespace, trust: 'user-code', podSecurityLevel: servicePlanned.podSecurityLevel, podSecurityReason: 'test' });
    const objects = () => chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as Obj);
    const synth = (): string | undefined => {
      try {
        chart.toJson();
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    };
    return { ce, objects, synth };
  };

  test('the catalog says security groups, not NetworkPolicies, hold the pods\' egress there', async () => {
    const { TARGETS } = await import('../../src');
    expect(TARGETS['eks-fargate'].egressFilter.value.by).toBe('security-group');
    expect(TARGETS.eks.egressFilter.value.by).toBe('network-policy');
  });

  test('with ids, synth passes and its SecurityGroupPolicy gives its Deployment\'s pods exactly those groups', () => {
    const app = build({ podSecurityGroupIds: GROUPS });
    expect(app.synth()).toBeUndefined();
    const objects = app.objects();
    const policies = objects.filter((o) => o.kind === 'SecurityGroupPolicy');
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({ metadata: { name: 'code-executor-user-code', namespace: 'sandbox-kit-code-executor' }, spec: { securityGroups: { groupIds: GROUPS } } });
    // Its selector matches the labels of the pods the Deployment creates, in the same namespace.
    const deployment = objects.find((o) => o.kind === 'Deployment')!;
    const podLabels = (deployment.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels;
    const selector = (policies[0].spec as { podSelector: { matchLabels: Record<string, string> } }).podSelector.matchLabels;
    expect(Object.entries(selector).length).toBeGreaterThan(0);
    for (const [k, v] of Object.entries(selector)) expect([k, podLabels[k]]).toEqual([k, v]);
    expect(deployment.metadata.namespace).toBe(policies[0].metadata.namespace);
  });

  test('without ids, synth fails at the construct naming the prop and what would work, beside every other missing piece in one error', () => {
    const app = build({ namespace: false });
    expect(app.objects().filter((o) => o.kind === 'SecurityGroupPolicy')).toEqual([]);
    const error = app.synth()!;
    expect(error).toMatch(/\[app\/ce\] CodeExecutor\.podSecurityGroupIds is empty, and on eks-fargate NetworkPolicies do not apply to the pods \(.*security-groups-for-pods.*\): user code's egress is held by security groups, so without a SecurityGroupPolicy it would be open\. Set podSecurityGroupIds to .*FargatePodSecurityGroups.*; or plan another target: an EKS managed node group/);
    expect(error).toMatch(/\[app\/ce\] .*namespace "sandbox-kit-code-executor", which no TrustNamespace of this app renders/);
    // With its namespace, the missing ids alone are reported.
    expect(build({}).synth()!.split('\n').filter((l) => l.includes('[app/ce]'))).toEqual([expect.stringContaining('CodeExecutor.podSecurityGroupIds is empty')]);
    expect(build({ podSecurityGroupIds: [] }).synth()).toMatch(/CodeExecutor\.podSecurityGroupIds is empty/);
  });

  test('ids that are not security group ids are named by index', () => {
    expect(build({ podSecurityGroupIds: ['sg-0123456789abcdef0', 'sg-nothex'] }).synth()).toMatch(/\[app\/ce\] CodeExecutor\.podSecurityGroupIds\[1\]: .*not a security group id/);
  });

  test('on eks, where NetworkPolicies hold the pods, ids would be ignored: refused, and no SecurityGroupPolicy is rendered', () => {
    const eks = servicePlan(plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: ONLY_CODE }), 'code-executor');
    const app = build({ podSecurityGroupIds: GROUPS }, eks);
    expect(app.objects().filter((o) => o.kind === 'SecurityGroupPolicy')).toEqual([]);
    expect(app.synth()).toMatch(/\[app\/ce\] CodeExecutor\.podSecurityGroupIds: security groups for pods apply where NetworkPolicies do not reach the pods \(eks-fargate\); on eks NetworkPolicies hold the pods' egress, and the ids would be ignored: remove podSecurityGroupIds/);
  });

  test('a JsExecutor whose plan names eks-fargate needs them too, named at its own prop', () => {
    const js = servicePlan(plan({ target: 'eks', retoolVersion: '3.334.0-stable', services: { 'code-executor': { enabled: false }, 'agent-sandbox': { enabled: false } } }), 'js-executor');
    const chart = new Chart(new App(), 'app');
    new JsExecutor(chart, 'js', { plan: { ...js, target: 'eks-fargate' } });
    expect(() => chart.toJson()).toThrow(/\[app\/js\] JsExecutor\.podSecurityGroupIds is empty, and on eks-fargate/);
    const withIds = new Chart(new App(), 'app');
    new JsExecutor(withIds, 'js', { plan: { ...js, target: 'eks-fargate' }, podSecurityGroupIds: GROUPS });
    expect(withIds.node.findAll().filter(ApiObject.isApiObject).filter((o) => o.kind === 'SecurityGroupPolicy').map((o) => o.toJson().metadata))
      .toEqual([expect.objectContaining({ name: 'js-executor-user-code', namespace: 'sandbox-kit-js-executor' })]);
  });
});

describe('a service construct renders for the Kubernetes version its plan was made for', () => {
  const objectsOf = (chart: Chart) => chart.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as { kind: string; spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec?: { containers?: { securityContext?: { appArmorProfile?: unknown } }[] } } } });

  test('without the prop: an AgentSandbox planned for 1.29 renders no admission policies, one planned for 1.32 renders them', () => {
    const policies = (kubernetesVersion: string) => {
      const p = servicePlan(plan({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion }), 'agent-sandbox');
      expect(p.kubernetesVersion).toBe(kubernetesVersion);
      const chart = new Chart(new App(), 'app');
      new AgentSandbox(chart, 'agent', { plan: p, agentSandbox: AGENT_OPTIONS });
      return objectsOf(chart).filter((o) => o.kind === 'ValidatingAdmissionPolicy').length;
    };
    expect(policies('1.29')).toBe(0);
    expect(policies('1.32')).toBe(2);
  });

  test('without the prop: a CodeExecutor sets AppArmor by field for a plan made for 1.33, by annotation when the plan says 1.29', () => {
    // Seccomp mode with the kit's AppArmor profile needs user namespaces (1.33 here); the second
    // plan is the same one saying 1.29, to show the construct reads the plan's version.
    const p = servicePlan(plan({ target: 'gke-standard', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.33', services: ONLY_CODE }), 'code-executor');
    expect([p.mode, p.sandbox.appArmor]).toEqual(['seccomp', { type: 'Localhost', profile: 'sandbox-kit-nsjail' }]);
    const rendered = (q: SandboxPlan) => {
      const chart = new Chart(new App(), 'app');
      new CodeExecutor(chart, 'ce', { plan: q });
      const deployment = objectsOf(chart).find((o) => o.kind === 'Deployment')!;
      return {
        annotation: Object.keys(deployment.spec!.template!.metadata!.annotations ?? {}).some((k) => k.startsWith('container.apparmor.security.beta.kubernetes.io/')),
        field: deployment.spec!.template!.spec!.containers!.some((c) => c.securityContext?.appArmorProfile !== undefined),
      };
    };
    expect(rendered(p)).toEqual({ annotation: false, field: true });
    expect(rendered({ ...p, kubernetesVersion: '1.29' })).toEqual({ annotation: true, field: false });
  });

  test('a kubernetesVersion prop other than the plan\'s is refused, naming both', () => {
    const d = plan({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion: '1.29' });
    expect(() => new AgentSandbox(new Chart(new App(), 'app'), 'agent', { plan: servicePlan(d, 'agent-sandbox'), kubernetesVersion: '1.32', agentSandbox: AGENT_OPTIONS }))
      .toThrow('agent: props.kubernetesVersion is "1.32" but props.plan was made for Kubernetes 1.29: plan again with kubernetesVersion "1.32", or leave the prop out');
    expect(() => new JsExecutor(new Chart(new App(), 'app'), 'js', { plan: servicePlan(d, 'js-executor'), kubernetesVersion: '1.30' }))
      .toThrow(/^js: props\.kubernetesVersion is "1\.30" but props\.plan was made for Kubernetes 1\.29/);
    // The same version as the plan's is what SandboxKitChart passes.
    expect(() => new JsExecutor(new Chart(new App(), 'app'), 'js', { plan: servicePlan(d, 'js-executor'), kubernetesVersion: '1.29' })).not.toThrow();
  });
});

test('before Kubernetes 1.30 no admission policies are rendered, and the plan names that as a risk instead of a silently weaker sandbox', () => {
  const at = (kubernetesVersion: string) => {
    const d = plan({ target: 'eks', retoolVersion: '3.334.0-stable', kubernetesVersion });
    const p = servicePlan(d, 'agent-sandbox');
    const chart = new Chart(new App(), 'app');
    new AgentSandbox(chart, 'agent', { plan: p, kubernetesVersion: d.kubernetesVersion, agentSandbox: AGENT_OPTIONS });
    const policies = chart.node.findAll().filter(ApiObject.isApiObject).filter((o) => o.kind === 'ValidatingAdmissionPolicy').length;
    return { policies, risks: p.risks.filter((r) => r.sentence.startsWith('no sandbox admission policies')).map((r) => r.sentence) };
  };
  const old = at('1.29');
  expect(old.policies).toBe(0);
  expect(old.risks).toEqual([expect.stringMatching(/^no sandbox admission policies on Kubernetes 1\.29 \(ValidatingAdmissionPolicy v1 needs 1\.30\): nothing pins the Jobs and pods the controller creates/)]);
  const current = at('1.30');
  expect(current.policies).toBeGreaterThan(0);
  expect(current.risks).toEqual([]);
});
