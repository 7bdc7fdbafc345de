import { ApiObject, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import { DEFAULT_KUBERNETES_VERSION } from '../policy/config';
import { SandboxConfigError } from '../policy/errors';
import { DeploymentPlan, PodSecurityLevel, SandboxPlan } from '../policy/plan';
import { SYSTEM_NAMESPACE } from '../seccomp/locations';
import { ServiceName } from '../policy/services';
import { dnsResolverCidrs } from '../policy/egress';
import { planAgentSandboxNetwork } from '../policy/agent-sandbox';
import { addressRange, rangeContains } from '../policy/address-math';
import { METADATA_CIDRS } from './defaults';
import { TARGETS } from '../targets';
import { AgentSandbox, CONTROLLER_RESOURCES } from './agent-sandbox';
import { DEVICE_PLUGIN_POD_SECURITY_REASON, TunDevicePlugin } from './agent-sandbox-nodes';
import { agentSandboxPostgresDestination, resolveAgentSandboxRendererOptions } from './agent-sandbox-options';
import { AppArmorProfileLoader, APPARMOR_LOADER_POD_SECURITY_REASON } from './apparmor-loader';
import { apiServerViolations } from './api-server-rules';
import { CodeExecutor, JsExecutor } from './executor';
import { applyImageSource, imageViolations } from './image-source';
import { KubeObject, PodSpecJson, podsOf } from './manifest';
import { podsNeedSecurityGroups, securityGroupTargets } from './pod-security-groups';
import { TrustDomain, TrustNamespace } from './namespace';
import { KubernetesRendererOptions, ResolvedRendererOptions, resolveRendererOptions } from './options';
import { checksItsOutput } from './plan-needs';
import { platformViolations } from './platform-rules';
import { checkPodSecurity, strictestLevel } from './pod-security';
import { sandboxPod, sandboxPodJson } from './pod';
import { referencedProfiles } from './profiles';
import { OperatorSeccompProfiles, SeccompProfileInstaller } from './seccomp-installer';

/** Why the installer's namespace must be `privileged`. */
export const INSTALLER_POD_SECURITY_REASON =
  'the seccomp profile installer mounts the node directory /var/lib/kubelet/seccomp/sandbox-kit (a hostPath volume, which baseline forbids) and writes it as uid 0 (the directory owner), with every capability dropped';

/**
 * Executors whose plan leaves Retool's egress blocks to the NetworkPolicy, with the ranges the
 * policy would not block (covered neither by privateCidrs nor by the metadata endpoints).
 */
export function missingEgressBlocks(plan: DeploymentPlan, privateCidrs: readonly string[]): { service: ServiceName; ranges: string[]; reason: string }[] {
  const blocked = [...privateCidrs, ...METADATA_CIDRS].map((c) => addressRange(c)).filter((r): r is NonNullable<typeof r> => r !== undefined);
  return plan.services.flatMap((s) => {
    if (s.retoolEgress?.enforcedBy !== 'network-policy') return [];
    const ranges = s.retoolEgress.ranges.filter((c) => !blocked.some((b) => rangeContains(b, addressRange(c)!)));
    return ranges.length ? [{ service: s.service, ranges, reason: s.retoolEgress.reason }] : [];
  });
}

/** One endpoint a backend needs. */
export interface KubernetesEndpoint {
  /** Service. */
  readonly service: ServiceName;
  /** Component (`main`, `controller`, `proxy`). */
  readonly component: string;
  /** The backend's environment variable. */
  readonly env: string;
  /** In-cluster URL. */
  readonly url: string;
}

/** Props of SandboxKitChart: the plan plus the renderer options. */
export interface SandboxKitChartProps extends KubernetesRendererOptions, Omit<ChartProps, 'namespace'> {
  /** The plan of a Kubernetes target (`plan(config)`). */
  readonly plan: DeploymentPlan;
}

/**
 * Everything the plan of one Kubernetes target needs: trust-level namespaces, the profile
 * installer (or Security Profiles Operator objects), the services and their NetworkPolicies.
 * At synth it checks its own output: every pod against the Pod Security level its namespace
 * enforces, the API server's cross-field rules, and the platform's admission rules (GKE Warden
 * on gke-autopilot, the Fargate scheduler on eks-fargate).
 */
export class SandboxKitChart extends Chart {
  /** The plan rendered. */
  public readonly plan: DeploymentPlan;
  /** Options with defaults applied. */
  public readonly options: ResolvedRendererOptions;
  /** Namespaces by name, with the level each enforces. */
  public readonly namespaces: ReadonlyMap<string, TrustNamespace>;
  /** In-cluster URLs for the backend. */
  public readonly endpoints: readonly KubernetesEndpoint[];
  private rendered?: { readonly count: number; readonly objects: readonly KubeObject[]; readonly errors: readonly string[] };

  constructor(scope: Construct, id: string, props: SandboxKitChartProps) {
    const { plan: planned, labels, disableResourceNameHashes, ...rendererOptions } = props;
    super(scope, id, { labels, disableResourceNameHashes });
    const facts = TARGETS[planned.target];
    if (facts.kind !== 'kubernetes') throw new Error(`SandboxKitChart: target "${planned.target}" is not a Kubernetes target; render it with the AWS app`);
    // It brings what each service needs and checks every object at synth (below): the services skip their own checks.
    checksItsOutput(this);
    this.options = resolveRendererOptions(rendererOptions);
    const opts = this.options;
    // DNS goes where the target's resolvers really are (catalog), not only to the kube-dns pods.
    const dnsCidrs = dnsResolverCidrs(facts, opts.dns.nodeLocalDnsCache, opts.dns.cidrs);
    // The planner records the agent sandbox's network once the renderer's DNS and Postgres settings are known.
    const agentNetwork = { dns: { namespace: opts.dns.namespace, k8sAppLabels: opts.dns.k8sAppLabels, cidrs: dnsCidrs }, postgres: agentSandboxPostgresDestination(opts.agentSandbox) };
    const plan: DeploymentPlan = { ...planned, services: planned.services.map((s) => (s.agent ? planAgentSandboxNetwork(s, agentNetwork) : s)) };
    this.plan = plan;
    const version = plan.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    // The kit app names the kit-file entry this came from (src/apps/kit-check.ts, rendererField).
    // Where NetworkPolicies do not reach the pods (catalog fact egressFilter), the executors bring
    // a SecurityGroupPolicy with these ids.
    const sgField = 'kubernetes.renderer.podSecurityGroupIds';
    const sgTargets = securityGroupTargets();
    const perTarget = (t: string) => `kubernetes.rendererOverrides.${t}.podSecurityGroupIds`;
    const needsGroups = podsNeedSecurityGroups(plan.target);
    if (needsGroups && opts.podSecurityGroupIds.length === 0) {
      throw new SandboxConfigError('sandbox-kit Kubernetes renderer options', [{
        field: sgField,
        message: `NetworkPolicies do not apply to the pods of ${facts.displayName} (${facts.egressFilter.source}), so on ${plan.target} the user-code pods' egress is held by security groups (a SecurityGroupPolicy), and none are named`,
        alternatives: [`the ids of groups that allow egress to the internet only, DNS to CoreDNS and ingress from the backend, in ${perTarget(plan.target)} of a kit file (the AWS construct FargatePodSecurityGroups creates such groups)`, facts.alternativeForSandbox],
      }]);
    }
    if (!needsGroups && opts.podSecurityGroupIds.length) {
      throw new SandboxConfigError('sandbox-kit Kubernetes renderer options', [{
        field: sgField,
        message: `security groups for pods apply to ${sgTargets.join(', ')} only; on ${plan.target} NetworkPolicies hold the pods' egress, and the ids would be ignored`,
        alternatives: [`set them for ${sgTargets.join(', ')} alone: ${sgTargets.map(perTarget).join(', ')} in a kit file`, `remove podSecurityGroupIds from the ${plan.target} options`],
      }]);
    }
    // The planner moved Retool's egress blocks to the NetworkPolicy (DISABLE_IPTABLES_SECURITY_CONFIGURATION):
    // the policy must block them, or the executors would reach them silently.
    const unblocked = missingEgressBlocks(plan, opts.privateCidrs);
    if (unblocked.length) {
      throw new SandboxConfigError('sandbox-kit Kubernetes renderer options', [{
        field: 'kubernetes.renderer.privateCidrs',
        message: `${unblocked.map((u) => `${u.service} reaches ${u.ranges.join(', ')}`).join('; ')}: the plan leaves these ranges to the kit's NetworkPolicy (its iptables rules are off: ${unblocked[0].reason}), and privateCidrs does not cover them`,
        alternatives: [`privateCidrs including ${[...new Set(unblocked.flatMap((u) => u.ranges))].join(' and ')} (open a single destination with a narrower allow instead)`, 'executorNetAdmin: "grant" (the services\' own iptables rules; the namespaces become Pod Security privileged)'],
      }]);
    }
    const namespaces = new Map<string, TrustNamespace>();
    const ns = (name: string, trust: TrustDomain, level: PodSecurityLevel, reason?: string) => {
      const n = new TrustNamespace(this, `Namespace-${name}`, { name, trust, podSecurityLevel: level, podSecurityReason: reason, kubernetesVersion: version });
      namespaces.set(name, n);
      return n;
    };

    // Profiles: installer, operator objects, or nothing (node user data writes them); AppArmor
    // profiles through the loader, whatever delivers the seccomp profiles.
    const profiles = referencedProfiles(plan);
    const byDelivery = (d: string) => profiles.filter((p) => p.delivery === d);
    const supporting = plan.services[0]?.supporting;
    const appArmorProfiles = [...new Set(plan.services.flatMap((s) => (s.sandbox.appArmor?.type === 'Localhost' ? [s.sandbox.appArmor.profile] : [])))];
    const archs = [...new Set(plan.services.flatMap((s) => s.architectures))];
    const agentPlan = plan.services.find((s) => s.service === 'agent-sandbox');
    const devicePlugin = agentPlan?.agent?.tunDevice === 'device-plugin';
    const installerReasons = [
      ...(byDelivery('daemonset').length ? [INSTALLER_POD_SECURITY_REASON] : []),
      ...(appArmorProfiles.length ? [APPARMOR_LOADER_POD_SECURITY_REASON] : []),
      ...(devicePlugin ? [DEVICE_PLUGIN_POD_SECURITY_REASON] : []),
    ];
    if (installerReasons.length) ns(SYSTEM_NAMESPACE, 'node-installer', 'privileged', installerReasons.join('; '));
    else if (byDelivery('security-profiles-operator').length) ns(SYSTEM_NAMESPACE, 'profiles', 'restricted');
    if (appArmorProfiles.length) {
      new AppArmorProfileLoader(this, 'AppArmorProfileLoader', {
        profiles: appArmorProfiles,
        architectures: archs,
        image: opts.installerImage,
        nodeSelector: opts.nodeSelector,
        tolerations: opts.tolerations,
      });
    }
    if (byDelivery('daemonset').length) {
      new SeccompProfileInstaller(this, 'SeccompProfileInstaller', {
        profiles: byDelivery('daemonset'),
        architectures: archs,
        image: opts.installerImage,
        nodeSelector: opts.nodeSelector,
        tolerations: opts.tolerations,
        appArmor: supporting?.appArmor?.type === 'RuntimeDefault' ? 'RuntimeDefault' : undefined,
        kubernetesVersion: version,
      });
    }
    if (devicePlugin && agentPlan?.agent) {
      const d = resolveAgentSandboxRendererOptions(opts.agentSandbox).devicePlugin;
      new TunDevicePlugin(this, 'TunDevicePlugin', {
        image: d.image, priorityClassName: d.priorityClassName, maxDevices: d.maxDevices, priorityQuota: agentPlan.agent.devicePluginPriorityQuota,
        nodeSelector: opts.nodeSelector, tolerations: opts.tolerations,
      });
    }
    if (byDelivery('security-profiles-operator').length) {
      new OperatorSeccompProfiles(this, 'OperatorSeccompProfiles', { profiles: byDelivery('security-profiles-operator') });
    }

    // The services apply the catalog's resolvers themselves too; the kit file's NodeLocal DNSCache and addresses here.
    const network = { ...opts, dns: { ...opts.dns, cidrs: dnsCidrs } };
    const common = {
      kubernetesVersion: version,
      network,
      nodeSelector: opts.nodeSelector,
      tolerations: opts.tolerations,
      clusterDomain: opts.clusterDomain,
    };
    // The executors bring their SecurityGroupPolicy where the pods need one.
    const executorGroups = needsGroups ? { podSecurityGroupIds: opts.podSecurityGroupIds } : {};
    const endpoints: KubernetesEndpoint[] = [];
    // A service that refuses its options (quota caps, the agent sandbox's Secret) throws at
    // construction: the others are still built, so one error lists every service's problems.
    const failures: SandboxConfigError[] = [];
    const attempt = (make: () => void): void => {
      try {
        make();
      } catch (e) {
        if (!(e instanceof SandboxConfigError)) throw e;
        failures.push(e);
      }
    };
    const get = (name: ServiceName): SandboxPlan | undefined => plan.services.find((s) => s.service === name);
    const code = get('code-executor');
    if (code) {
      ns(opts.namespaces.codeExecutor, 'user-code', code.podSecurityLevel, code.podSecurityReason);
      attempt(() => {
        const c = new CodeExecutor(this, 'CodeExecutor', { ...common, ...executorGroups, probeHost: opts.executorProbeHost, plan: code, namespace: opts.namespaces.codeExecutor, autoscaling: opts.autoscaling['code-executor'] });
        endpoints.push({ service: 'code-executor', component: 'main', env: c.ingressEnv, url: c.url });
      });
    }
    const js = get('js-executor');
    if (js) {
      ns(opts.namespaces.jsExecutor, 'user-code', js.podSecurityLevel, js.podSecurityReason);
      attempt(() => {
        const j = new JsExecutor(this, 'JsExecutor', { ...common, ...executorGroups, probeHost: opts.executorProbeHost, plan: js, namespace: opts.namespaces.jsExecutor, autoscaling: opts.autoscaling['js-executor'] });
        endpoints.push({ service: 'js-executor', component: 'main', env: j.ingressEnv, url: j.url });
      });
    }
    const agent = get('agent-sandbox');
    // The AgentSandbox renders no SecurityGroupPolicy: the planner does not plan it where the pods need one.
    if (agent && needsGroups) throw new Error(`SandboxKitChart: the ${plan.target} plan holds the agent sandbox, which the planner does not plan where NetworkPolicies do not reach the pods; its user code's egress would be open`);
    if (agent) {
      // The controller and proxy run kit code with the plan's supporting settings: their
      // namespace enforces the strictest level those pods meet.
      const probe = sandboxPodJson(sandboxPod({
        containerName: 'probe', image: agent.image, component: agent.components[0], security: agent.supporting, env: {},
        resources: opts.agentComponentResources ?? CONTROLLER_RESOURCES, serviceAccountName: 'probe', automountServiceAccountToken: true,
        architectures: agent.architectures, nodeSelector: {}, kubernetesVersion: version, spreadLabels: {}, spreadRequired: false,
      }));
      const level = strictestLevel(probe.metadata, probe.spec as unknown as PodSpecJson, version);
      const reason = level === 'restricted' ? undefined
        : `the agent sandbox controller and proxy settings (plan "supporting") do not meet restricted: ${checkPodSecurity(probe.metadata, probe.spec as unknown as PodSpecJson, 'restricted', version).map((v) => v.message).join('; ')}`;
      // One namespace holds the controller, the proxy and the sandbox Jobs (the controller creates
      // Jobs in its own): it enforces the weaker of the sandbox pods' level and the controller's.
      const order: PodSecurityLevel[] = ['restricted', 'baseline', 'privileged'];
      const nsLevel = order[Math.max(order.indexOf(level), order.indexOf(agent.podSecurityLevel))];
      const nsReason = [agent.podSecurityReason, reason].filter((r): r is string => Boolean(r)).join('; ') || undefined;
      ns(opts.namespaces.agentSandbox, 'user-code', nsLevel, nsReason);
      attempt(() => {
        const a = new AgentSandbox(this, 'AgentSandbox', {
          ...common, plan: agent, namespace: opts.namespaces.agentSandbox, agentSandbox: opts.agentSandbox, pauseImage: opts.installerImage, imagePullSecrets: plan.images.pullSecrets,
          autoscaling: opts.autoscaling['agent-sandbox'], componentResources: opts.agentComponentResources,
        });
        const env = (c: string) => agent.components.find((x) => x.name === c)?.ingressEnv ?? '';
        endpoints.push({ service: 'agent-sandbox', component: 'controller', env: env('controller'), url: a.controllerUrl });
        endpoints.push({ service: 'agent-sandbox', component: 'proxy', env: env('proxy'), url: a.proxyUrl });
      });
    }
    this.namespaces = namespaces;
    this.endpoints = endpoints;
    // Every image through the mirror, every pod with the pull secrets (checked again in checkOutput).
    applyImageSource(this.node.findAll().filter(ApiObject.isApiObject), plan.images);

    // The services bring their namespaces' resource fences and refuse quota caps below their
    // scaling; every service's problems come in one error.
    if (failures.length === 1) throw failures[0];
    if (failures.length) {
      const contexts = [...new Set(failures.map((f) => f.context))];
      throw new SandboxConfigError(contexts.length === 1 ? contexts[0] : 'sandbox-kit services', failures.flatMap((f) => f.problems));
    }

    this.node.addValidation({ validate: () => [...this.renderObjects().errors] });
  }

  /**
   * The chart's objects, serialized once, and the problems checkOutput finds in them. Computed
   * at the first call (synth time), then reused: cdk8s validates the whole app once per chart
   * (Chart.toJson), which would otherwise repeat the checks for every chart of the app.
   */
  public renderObjects(): { readonly objects: readonly KubeObject[]; readonly errors: readonly string[] } {
    // Chart.toJson() runs validations itself: read the objects directly, in construct order
    // (namespaces are created before what they hold).
    const apiObjects = this.node.findAll().filter(ApiObject.isApiObject);
    if (!this.rendered || this.rendered.count !== apiObjects.length) {
      const objects = apiObjects.map((o) => o.toJson() as KubeObject);
      this.rendered = { count: apiObjects.length, objects, errors: this.checkOutput(objects) };
    }
    return this.rendered;
  }

  /** Problems with the rendered objects that would make a cluster refuse them. */
  public checkOutput(objects: readonly KubeObject[]): string[] {
    const errors: string[] = [];
    const version = this.plan.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION;
    for (const pod of podsOf(objects)) {
      const n = pod.namespace ? this.namespaces.get(pod.namespace) : undefined;
      if (!n) {
        errors.push(`${pod.source}: runs in namespace "${pod.namespace}", which the chart does not render`);
        continue;
      }
      for (const v of checkPodSecurity(pod.metadata, pod.spec, n.podSecurityLevel, version)) {
        errors.push(`${pod.source}: Pod Security "${n.podSecurityLevel}" of namespace ${n.name} refuses it: ${v.message}`);
      }
    }
    errors.push(...imageViolations(podsOf(objects), this.plan.images));
    for (const v of apiServerViolations(objects)) errors.push(`${v.source}: the API server refuses it (${v.rule}): ${v.message}`);
    const platform = platformViolations(TARGETS[this.plan.target], objects, version);
    for (const v of platform) errors.push(`${v.source}: ${this.plan.target} refuses it (${v.rule}): ${v.message}`);
    return errors;
  }
}
