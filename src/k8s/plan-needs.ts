import { ApiObject } from 'cdk8s';
import { IConstruct } from 'constructs';
import { renderedAppArmorProfiles } from '../apparmor/profile';
import { DEFAULT_KUBERNETES_VERSION } from '../policy/config';
import { AppArmorSetting, SandboxPlan } from '../policy/plan';
import { TARGETS } from '../targets';
import { AppArmorProfileLoader } from './apparmor-loader';
import { apiServerViolations } from './api-server-rules';
import { KubeObject, podsOf } from './manifest';
import { TrustNamespace } from './namespace';
import { platformViolations } from './platform-rules';
import { checkPodSecurity, strictestLevel } from './pod-security';
import { referencedProfile } from './profiles';
import { OperatorSeccompProfiles, SeccompProfileInstaller } from './seccomp-installer';

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
 * API server's and the platform's rules. Each problem names what is missing and what would work.
 * Profiles delivered by node user data or the Docker daemon are outside any cdk8s app: not checked.
 */
export function addPlanValidation(scope: IConstruct, plan: SandboxPlan, kubernetesVersion?: string): void {
  scope.node.addValidation({ validate: () => planNeeds(scope, plan, kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION) });
}

function planNeeds(scope: IConstruct, plan: SandboxPlan, version: string): string[] {
  if (scope.node.scopes.some((s) => CHECKED_AS_A_WHOLE.has(s))) return [];
  const everything = scope.node.root.node.findAll();
  const objects = scope.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson() as KubeObject);
  const add = 'add it to the app, or render the whole plan with SandboxKitChart, which brings it';
  const errors: string[] = [];

  // Every pod's namespace, rendered at a level that admits the pod.
  const namespaces = new Map(everything.filter((c): c is TrustNamespace => c instanceof TrustNamespace).map((n) => [n.name, n]));
  for (const pod of podsOf(objects)) {
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

  // What the API server and the platform's admission would refuse.
  for (const v of apiServerViolations(objects)) errors.push(`${v.source}: the API server refuses it (${v.rule}): ${v.message}`);
  for (const v of platformViolations(TARGETS[plan.target], objects, version)) errors.push(`${v.source}: ${plan.target} refuses it (${v.rule}): ${v.message}`);
  return errors;
}
