import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderedAppArmorProfiles } from '../apparmor/profile';
import { DEFAULT_KUBERNETES_VERSION } from '../policy/config';
import { AppArmorSetting, SandboxPlan } from '../policy/plan';
import { TARGETS } from '../targets';
import { AppArmorProfileLoader } from './apparmor-loader';
import { apiServerViolations } from './api-server-rules';
import { KubeObject, PodInManifest, podsOf } from './manifest';
import { TrustNamespace } from './namespace';
import { platformViolations } from './platform-rules';
import { checkPodSecurity, strictestLevel } from './pod-security';
import { referencedProfile } from './profiles';
import { OperatorSeccompProfiles, SeccompProfileInstaller } from './seccomp-installer';
import { CRITICAL_PRIORITY_CLASSES, TunDevicePlugin } from './agent-sandbox-nodes';
import { NET_TUN_RESOURCE } from './agent-sandbox-job';
import { DEFAULT_DEVICE_PLUGIN_IMAGE } from './agent-sandbox-options';
import { noSecurityGroupPolicyProblems, podSecurityGroupProblems } from './pod-security-groups';
import { Toleration } from './options';

/** Constructs that check their whole output themselves (SandboxKitChart). */
const CHECKED_AS_A_WHOLE = new WeakSet<IConstruct>();

/**
 * Mark a construct that brings everything its services' plans need and checks its own output at
 * synth (SandboxKitChart): the services inside it skip their own checks, which would only repeat it.
 */
export function checksItsOutput(scope: IConstruct): void {
  CHECKED_AS_A_WHOLE.add(scope);
}

/**
 * Register, on a service construct (CodeExecutor, JsExecutor, AgentSandbox), the checks that
 * make it safe to use on its own: at synth, what its plan needs from the rest of the app must be
 * there (its pods' namespaces, at a Pod Security level that admits them; the installer of its
 * Localhost seccomp profile; the loader of its AppArmor profile) and its objects must pass the
 * API server's and the platform's rules; and where NetworkPolicies do not reach the pods
 * (eks-fargate), the construct must have been given the security groups of the SecurityGroupPolicy
 * it brings. Each problem names what is missing and what would work.
 * Profiles delivered by node user data or the Docker daemon are outside any cdk8s app: not checked.
 */
/**
 * The Kubernetes version a service construct renders for: its `kubernetesVersion` prop, else the
 * one its plan was made for. A prop that differs from the plan's is refused: the plan's decisions
 * (user namespaces, Pod Security level, admission policies) hold for its own version only.
 */
export function renderVersion(id: string, plan: SandboxPlan, prop: string | undefined): string | undefined {
  if (prop !== undefined && plan.kubernetesVersion !== undefined && prop !== plan.kubernetesVersion) {
    throw new Error(`${id}: props.kubernetesVersion is "${prop}" but props.plan was made for Kubernetes ${plan.kubernetesVersion}: plan again with kubernetesVersion "${prop}", or leave the prop out`);
  }
  return prop ?? plan.kubernetesVersion;
}

export function addPlanValidation(scope: IConstruct, plan: SandboxPlan, brings: ServiceBrings, kubernetesVersion?: string, outside: OutsideTheApp = {}): void {
  scope.node.addValidation({ validate: () => planNeeds(scope, plan, brings, kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION, outside) });
}

/** What a service construct brings for its plan from its own props, checked against the plan. */
export interface ServiceBrings {
  /** The construct's class, for messages naming its props (`CodeExecutor`). */
  readonly construct: string;
  /**
   * Whether it renders a SecurityGroupPolicy from `podSecurityGroupIds` (the executors), and the
   * ids it was given.
   * @default - it renders none (AgentSandbox)
   */
  readonly podSecurityGroups?: { readonly ids?: readonly string[] };
}

/** Pieces of a plan that something outside the cdk8s app provides, each with the reason (not checked). */
export interface OutsideTheApp {
  /**
   * Why no TunDevicePlugin of the app is needed: a device plugin outside it advertises the tun device.
   * @default - a TunDevicePlugin is required where the plan's tunDevice is "device-plugin"
   */
  readonly tunDevicePlugin?: string;
}

/** Each pod's namespace must be a TrustNamespace of the app at a level that admits the pod. */
function namespaceProblems(pods: readonly PodInManifest[], namespaces: ReadonlyMap<string, TrustNamespace>, version: string, add: string): string[] {
  const errors: string[] = [];
  for (const pod of pods) {
    const level = strictestLevel(pod.metadata, pod.spec, version);
    const ns = pod.namespace === undefined ? undefined : namespaces.get(pod.namespace);
    if (!ns) {
      errors.push(`${pod.source} runs in namespace "${pod.namespace}", which no TrustNamespace of this app renders: it needs one that enforces Pod Security "${level}" (${add})`);
      continue;
    }
    const refused = checkPodSecurity(pod.metadata, pod.spec, ns.podSecurityLevel, version);
    if (refused.length) {
      errors.push(`${pod.source}: namespace ${ns.name} enforces Pod Security "${ns.podSecurityLevel}", which refuses this pod (${refused.map((v) => v.message).join('; ')}); the plan needs "${level}"`);
    }
  }
  return errors;
}

function planNeeds(scope: IConstruct, plan: SandboxPlan, brings: ServiceBrings, version: string, outside: OutsideTheApp): string[] {
  if (scope.node.scopes.some((s) => CHECKED_AS_A_WHOLE.has(s))) return [];
  const everything = scope.node.root.node.findAll();
  const objects = scope.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as KubeObject);
  const add = 'add it to the app, or render the whole plan with SandboxKitChart, which brings it';
  const errors: string[] = [];

  // Where NetworkPolicies do not reach the pods (eks-fargate), the SecurityGroupPolicy the construct brings.
  errors.push(...(brings.podSecurityGroups
    ? podSecurityGroupProblems(plan, brings.podSecurityGroups.ids, brings.construct)
    : noSecurityGroupPolicyProblems(plan, brings.construct)));

  // Every pod's namespace, rendered at a level that admits the pod.
  const namespaces = new Map(everything.filter((c): c is TrustNamespace => c instanceof TrustNamespace).map((n) => [n.name, n]));
  errors.push(...namespaceProblems(podsOf(objects), namespaces, version, add));

  // The Localhost seccomp profile, on every architecture of the plan.
  const ref = referencedProfile(plan);
  if (ref?.delivery === 'daemonset') {
    const installers = everything.filter((c): c is SeccompProfileInstaller => c instanceof SeccompProfileInstaller);
    for (const file of ref.files) {
      const installed = installers.some((i) => file.arch !== undefined && i.daemonSets[file.arch] !== undefined
        && (i.configMap.toJson() as { data?: Record<string, string> }).data?.[file.fileName] === file.content);
      if (!installed) {
        errors.push(`the pods reference seccomp profile ${ref.localhostProfile}, and no SeccompProfileInstaller of this app installs it on ${file.arch} nodes (${file.fileName}): without it the kubelet refuses to start them (${add})`);
      }
    }
  } else if (ref?.delivery === 'security-profiles-operator') {
    const operated = everything.filter((c) => c instanceof OperatorSeccompProfiles).flatMap((c) => c.node.findAll().filter(ApiObject.isApiObject))
      .map((o) => o.toJson() as KubeObject)
      .some((o) => o.kind === 'SeccompProfile' && `operator/${o.metadata?.namespace}/${o.metadata?.name}.json` === ref.localhostProfile);
    if (!operated) errors.push(`the pods reference seccomp profile ${ref.localhostProfile}, and no OperatorSeccompProfiles of this app declares it for the Security Profiles Operator (${add})`);
  }

  // The kit's AppArmor profiles, loaded on the nodes.
  const loaded = new Set(everything.filter((c): c is AppArmorProfileLoader => c instanceof AppArmorProfileLoader)
    .flatMap((l) => Object.keys((l.configMap.toJson() as { data?: Record<string, string> }).data ?? {})));
  const appArmor = [plan.sandbox.appArmor, plan.supporting.appArmor].filter((a): a is Extract<AppArmorSetting, { type: 'Localhost' }> => a?.type === 'Localhost');
  for (const profile of new Set(appArmor.map((a) => a.profile))) {
    const missing = renderedAppArmorProfiles(profile).filter((f) => !loaded.has(f.fileName));
    if (missing.length) errors.push(`the pods run under AppArmor profile ${profile}, and no AppArmorProfileLoader of this app loads it: without it the kubelet refuses to start them (${add})`);
  }

  // The device plugin that advertises the tun device the sandbox pods ask for, on their nodes.
  if (plan.agent?.tunDevice === 'device-plugin' && outside.tunDevicePlugin === undefined) {
    errors.push(...devicePluginProblems(everything, podsOf(objects), plan, namespaces, version, add));
  }

  // What the API server and the platform's admission would refuse.
  for (const v of apiServerViolations(objects)) errors.push(`${v.source}: the API server refuses it (${v.rule}): ${v.message}`);
  for (const v of platformViolations(TARGETS[plan.target], objects, version)) errors.push(`${v.source}: ${plan.target} refuses it (${v.rule}): ${v.message}`);
  return errors;
}

/**
 * Whether toleration `u` tolerates every taint `t` does (Kubernetes' matching: an empty effect
 * matches all effects, `Exists` any value, `Exists` without a key every taint; `Equal` is the
 * default operator), so a pod with `u` runs wherever one with `t` may.
 */
export function toleratesAllOf(u: Toleration, t: Toleration): boolean {
  const exists = (x: Toleration) => x.operator === 'Exists';
  if (u.effect && u.effect !== t.effect) return false;
  if (exists(u) && !u.key) return true;
  if (!t.key || u.key !== t.key) return false;
  return exists(u) || (!exists(t) && (u.value ?? '') === (t.value ?? ''));
}

/** The TunDevicePlugin a device-plugin plan needs: present, in a namespace that admits it, on the sandbox nodes, with GKE's priority quota. */
function devicePluginProblems(everything: readonly IConstruct[], pods: readonly PodInManifest[], plan: SandboxPlan, namespaces: ReadonlyMap<string, TrustNamespace>, version: string, add: string): string[] {
  const why = `the sandbox pods ask for ${NET_TUN_RESOURCE} (the plan's tunDevice "device-plugin": ${plan.agent?.tunDeviceReason})`;
  const plugins = everything.filter((c): c is TunDevicePlugin => c instanceof TunDevicePlugin);
  if (!plugins.length) {
    return [`${why}, and no TunDevicePlugin of this app advertises it: without one no sandbox pod is scheduled. Add TunDevicePlugin { image: DEFAULT_DEVICE_PLUGIN_IMAGE (${DEFAULT_DEVICE_PLUGIN_IMAGE.split('@')[0]}), priorityClassName: "system-node-critical", maxDevices: 130, priorityQuota: ${plan.agent?.devicePluginPriorityQuota ?? false}, nodeSelector and tolerations of the sandbox nodes } with a TrustNamespace "sandbox-kit-system" enforcing "privileged" (${add}); or, when a device plugin outside this app advertises it, say why in the AgentSandbox's tunDevicePluginOutsideApp`];
  }
  const sandbox = pods.find((p) => p.ownerKind === 'Job');
  const errors: string[] = [];
  const matching = plugins.filter((plugin) => {
    const objects = plugin.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as KubeObject);
    const pod = podsOf(objects)[0];
    errors.push(...namespaceProblems(podsOf(objects), namespaces, version, add));
    const critical = pod?.spec.priorityClassName !== undefined && CRITICAL_PRIORITY_CLASSES.includes(pod.spec.priorityClassName);
    if (plan.agent?.devicePluginPriorityQuota && critical && !objects.some((o) => o.kind === 'ResourceQuota')) {
      errors.push(`${pod!.source}: ${plan.target} admits PriorityClass ${pod!.spec.priorityClassName} outside kube-system only in a namespace with a ResourceQuota for it, and this TunDevicePlugin renders none (priorityQuota: true renders it)`);
    }
    // It must run where the sandboxes run: its node labels a subset of theirs, their taints tolerated.
    const selector = pod?.spec.nodeSelector ?? {};
    const sandboxSelector = sandbox?.spec.nodeSelector ?? {};
    const tolerated = ((sandbox?.spec.tolerations ?? []) as readonly Toleration[]).every((t) => ((pod?.spec.tolerations ?? []) as readonly Toleration[]).some((u) => toleratesAllOf(u, t)));
    return Object.entries(selector).every(([k, v]) => sandboxSelector[k] === v) && tolerated;
  });
  if (!matching.length) {
    errors.push(`${why}, and no TunDevicePlugin of this app runs on the sandbox nodes: give it node labels the sandbox pods' nodeSelector holds (${JSON.stringify(sandbox?.spec.nodeSelector ?? {})}) and their tolerations`);
  }
  return errors;
}
