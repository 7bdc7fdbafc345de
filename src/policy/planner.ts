import { appArmorProfileFor } from '../apparmor/profile';
import { planAgentSandbox } from './agent-sandbox';
import { NSJAIL_NAMESPACES_IN_GVISOR, NSJAIL_RLIMITS_IN_GVISOR, RUNSC_NESTED_IN_GVISOR, RUNSC_UNDER_MASKED_PROC, TARGETS, UBUNTU_USERNS_RESTRICTION } from '../targets';
import { assumed, Fact } from '../targets/facts';
import { NodeOs, ProfileDelivery, TargetFacts } from '../targets/types';
import { dockerProfilePath, localhostProfilePath } from '../seccomp/locations';
import { EPHEMERAL_STORAGE_ALLOWANCE_MI, SandboxKitConfig } from './config';
import { SANDBOX_UID } from './identity';
import { ConfigProblem, SandboxConfigError } from './errors';
import { MODE_BOUNDARY, SandboxMode } from './modes';
import { compareVersions, parseMemory } from './quantity';
import { remainingRisks } from './remaining-risks';
import { AppArmorSetting, AssumptionNote, ContainerSecurity, DeploymentPlan, JailCapabilities, MinimumVersions, RetoolEgressBlocks, SandboxPlan, SeccompSetting, StorageBounds } from './plan';
import { podSecurityVerdict } from './pod-security-level';
import { IPTABLES_CAPABILITIES, RETOOL_UNSANDBOXED_UID, RUNUSER_CAPABILITIES, SERVICE_NAMES, SERVICES, ServiceRequirements } from './services';
import { DISABLE_IPTABLES_ENV, RETOOL_IPTABLES_BLOCKS } from '../targets/retool';
import { ResolvedConfig, ResolvedServiceOptions, resolveConfig } from './validate';


/** Assumption: Retool's agent sandbox image bundles a runsc release that starts under a masked /proc. */
const RETOOL_RUNSC_RELEASE = assumed(
  true,
  'Retool bundles its own runsc (systrap platform, per the comment of charts/retool/files/gvisor-seccomp.json in tryretool/retool-helm), newer than Debian bookworm\'s 20221219; its release is not published, and Retool\'s chart runs it without unmasking /proc',
  'With runsc 20221219 the sandbox fails to start under a masked /proc ("gofer: error mounting proc")',
);

/** Assumption: SELinux on the node lets the sandbox mount inside its own user namespace. */
const SELINUX_ALLOWS_USERNS_MOUNTS = assumed(
  true,
  'not tested here (this kernel has no SELinux); AL2023 EKS AMIs run SELinux permissive, Bottlerocket enforcing',
  'If container_t is refused mount or pivot_root on your nodes, the sandbox fails with EPERM at start',
);

/** Assumption: the runtime default AppArmor profile denies mount, which the sandbox needs. */
const APPARMOR_DENIES_MOUNT = assumed(
  true,
  'containerd contrib/apparmor template and docker-default both contain "deny mount,"',
  'AppArmor mediates mount inside user namespaces too',
);

/** Assumption: the kit's AppArmor profile lets the sandbox do what it does, on a kernel that enforces it. */
const KIT_APPARMOR_PROFILE_WORKS = assumed(
  true,
  'the profile compiles with apparmor_parser 3.0 in the tests (test/apparmor), but no kernel here enforces AppArmor, so its run-time effect is not observed',
  'If a node denies the sandbox a mount or pivot_root under it, the sandbox fails to start (it never runs unconfined instead)',
);

/** Assumption: AppArmor 4 nodes load the profile variant with the userns rule. */
const KIT_APPARMOR_USERNS_VARIANT = assumed(
  true,
  'the AppArmor 4 variant (userns rule, abi 4.0) is checked by its text only: Debian 12 has no AppArmor 4 parser',
  'Without it, Ubuntu 24.04 nodes with kernel.apparmor_restrict_unprivileged_userns=1 refuse the sandbox its user namespace',
);

type Feasibility =
  | { readonly ok: true; readonly build: () => SandboxPlanBody }
  | { readonly ok: false; readonly reason: string; readonly field?: string };

type SandboxPlanBody = Pick<SandboxPlan,
  'sandbox' | 'supporting' | 'podSecurityLevel' | 'podSecurityReason' | 'profileDelivery' | 'jail' | 'env' |
  'minimumVersions' | 'nodePrerequisites' | 'assumptions' | 'insideGvisor'> & {
  /** Where the boundary is, when the mode's general sentence (MODE_BOUNDARY) says too little. */
  readonly boundary?: string;
};

interface Context {
  readonly config: ResolvedConfig;
  readonly facts: TargetFacts;
  readonly req: ServiceRequirements;
  readonly opts: ResolvedServiceOptions;
}

/** What the planner decided for one target: the services it could plan, and why it refused the others. */
export interface PlanOutcome {
  /** The plan of every enabled service that can be planned (all of them when `refusals` is empty). */
  readonly plan: DeploymentPlan;
  /** Every refusal, with what would work; empty when the whole target can be planned. */
  readonly refusals: readonly ConfigProblem[];
}

/**
 * The planner: the one place where security is decided. Returns the plan of every enabled
 * service, or throws one SandboxConfigError listing every problem.
 */
export function plan(input: SandboxKitConfig | unknown): DeploymentPlan {
  const outcome = planOutcome(input);
  if (outcome.refusals.length) {
    throw new SandboxConfigError(`sandbox-kit cannot plan target "${outcome.plan.target}"`, outcome.refusals);
  }
  return outcome.plan;
}

/**
 * Plan every enabled service of one target, keeping the plans of the services that can be planned
 * next to the refusals of those that cannot (what `explain` shows). Throws SandboxConfigError only
 * for a config that is invalid in itself.
 */
export function planOutcome(input: SandboxKitConfig | unknown): PlanOutcome {
  const config = resolveConfig(input);
  const problems: ConfigProblem[] = [];
  const services: SandboxPlan[] = [];
  for (const name of SERVICE_NAMES) {
    const opts = config.services[name];
    if (!opts.enabled) continue;
    // A service moved to the other capacity of a mixed cluster is planned with that capacity's facts.
    const mixed = TARGETS[config.target].mixedCapacity;
    const placement = mixed && opts.capacity === 'ec2' ? mixed : config.target;
    const ctx: Context = { config, facts: TARGETS[placement], req: SERVICES[name], opts };
    let result = planService(ctx);
    if (!('problems' in result) && name === 'agent-sandbox') result = planAgentSandbox(result.plan, config.agentSandbox, ctx.facts, TARGETS[config.target].kind === 'kubernetes' ? config.kubernetesVersion : undefined);
    if ('problems' in result) problems.push(...result.problems);
    else services.push(result.plan);
  }
  return {
    plan: {
      target: config.target,
      kubernetesVersion: TARGETS[config.target].kind === 'kubernetes' ? config.kubernetesVersion : undefined,
      services,
      images: { ...(config.imageRegistry ? { registry: config.imageRegistry } : {}), pullSecrets: config.imagePullSecrets },
    },
    refusals: problems,
  };
}

function planService(ctx: Context): { plan: SandboxPlan } | { problems: ConfigProblem[] } {
  const { req, opts, config, facts } = ctx;
  const field = `services.${req.name}.mode`;
  const tried: string[] = [];
  let chosen: { mode: SandboxMode; body: SandboxPlanBody } | undefined;
  let chosenByAuto = false;

  if (opts.mode !== 'auto') {
    const mode = opts.mode;
    if (!req.acceptedModes.includes(mode)) {
      return { problems: [{ field, message: req.unsupportedModeReasons[mode] ?? `${req.displayName} does not support mode "${mode}".`, alternatives: alternatives(ctx, mode) }] };
    }
    const f = feasibility(ctx, mode, true);
    if (!f.ok) {
      return { problems: [{ field: f.field ?? field, message: f.reason, alternatives: alternatives(ctx, mode) }] };
    }
    if (mode === 'unsandboxed' && !config.acknowledgeUnsandboxedCode) {
      return { problems: [{
        field: 'acknowledgeUnsandboxedCode',
        message: `${req.displayName} in mode "unsandboxed" runs user code with no sandbox; the kit needs acknowledgeUnsandboxedCode: true to render it.`,
        alternatives: ['acknowledgeUnsandboxedCode: true, if every user who writes code is fully trusted', ...alternatives(ctx, mode)],
      }] };
    }
    chosen = { mode, body: f.build() };
  } else {
    for (const mode of req.acceptedModes) {
      const explicitOnly = req.explicitOnlyModes.includes(mode);
      // unsandboxed is the one explicit-only mode auto may reach, and only with the acknowledgement.
      if (explicitOnly && !(mode === 'unsandboxed' && config.acknowledgeUnsandboxedCode)) continue;
      const f = feasibility(ctx, mode, false);
      if (f.ok) {
        chosen = { mode, body: f.build() };
        chosenByAuto = true;
        break;
      }
      // A mode ruled out by an explicit setting (userNamespaces: required) is the user's error,
      // not a reason to fall back to a weaker mode.
      if (f.field) return { problems: [{ field: f.field, message: f.reason, alternatives: alternatives(ctx, undefined) }] };
      tried.push(`${mode}: ${f.reason}`);
    }
    if (!chosen) {
      return { problems: [{
        field,
        message: `no sandbox mode for ${req.displayName} works on ${facts.displayName}. ${tried.join(' ')}`,
        alternatives: alternatives(ctx, undefined),
      }] };
    }
  }

  const { mode } = chosen;
  const retoolEgress = retoolEgressBlocks(ctx, mode, chosen.body.sandbox);
  // Retool's own variables first, then the mode's: the iptables switch follows the NET_ADMIN decision.
  const env: Record<string, string> = { ...req.env, ...chosen.body.env };
  if (retoolEgress && retoolEgress.enforcedBy !== 'service-iptables') env[DISABLE_IPTABLES_ENV] = 'true';
  // The namespace's Pod Security level follows from the settings alone, whatever the mode.
  const verdict = podSecurityVerdict(chosen.body.sandbox, config.kubernetesVersion);
  const body: SandboxPlanBody = {
    ...chosen.body,
    env,
    podSecurityLevel: verdict.level,
    podSecurityReason: verdict.reason,
    nodePrerequisites: [...chosen.body.nodePrerequisites, ...processLimitPrerequisites(ctx)],
  };
  if (config.userNamespaces === 'required' && body.sandbox.hostUsers) {
    // "required" holds in every mode, not only where the seccomp mode would use user namespaces.
    return { problems: [{
      field: 'userNamespaces',
      message: `userNamespaces is "required", but ${req.displayName} runs in mode "${mode}" on ${facts.displayName}, which does not give it a user namespace (hostUsers: false).`,
      alternatives: ['userNamespaces: "auto"', ...alternatives(ctx, mode)],
    }] };
  }
  const reason = chosenByAuto
    ? (tried.length ? `Strongest mode ${facts.displayName} allows; ruled out: ${tried.join(' ')}` : `Strongest mode ${req.displayName} supports; ${facts.displayName} allows it.`)
    : `Requested in ${field}.`;
  return {
    plan: {
      service: req.name,
      target: config.target,
      placement: facts.name,
      ...(TARGETS[config.target].kind === 'kubernetes' ? { kubernetesVersion: config.kubernetesVersion } : {}),
      engine: req.engine,
      mode,
      chosenByAuto,
      reason,
      ...planBody(body),
      boundary: body.boundary ?? MODE_BOUNDARY[mode],
      architectures: config.architectures,
      nodeOs: nodeOs(ctx),
      risks: remainingRisks(req, mode, facts, body.insideGvisor),
      image: opts.image,
      imageParts: opts.imageParts,
      ...(opts.release !== undefined ? { release: opts.release } : {}),
      imageKind: opts.imageKind,
      resources: opts.resources,
      replicas: opts.replicas,
      pidsLimit: opts.pidsLimit,
      storage: storageBounds(opts.scratchSize, body.sandbox.writablePaths.length),
      components: req.components,
      ...(retoolEgress ? { retoolEgress } : {}),
      ...(req.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: req.terminationGracePeriodSeconds } : {}),
      ...(opts.quota ? { quota: opts.quota } : {}),
    },
  };
}

/** The plan fields of a body (without the planner's own notes). */
function planBody(body: SandboxPlanBody): Omit<SandboxPlanBody, 'boundary'> {
  const { boundary: _boundary, ...rest } = body;
  return rest;
}

/**
 * Whether the service's sandbox must mount a fresh procfs: runsc always does; Retool's NsJail
 * images mount one in every jail; only the kit's image runs NsJail without one.
 */
function freshProcfs(ctx: Context): 'required' | 'optional' | 'preferred' {
  return ctx.req.engine === 'nsjail' && ctx.opts.imageKind === 'retool' ? 'required' : ctx.req.freshProcfs;
}

/** The oldest runsc that starts under a masked /proc (measured: 20221219's gofer mounts a procfs, 20240729's does not). */
export const RUNSC_WITHOUT_PROCFS = RUNSC_UNDER_MASKED_PROC.value;

/** Settings that work in any mode and take nothing the workload does not need. */
function restricted(ctx: Context, appArmor: boolean): ContainerSecurity {
  return {
    privileged: false,
    capabilitiesAdd: [],
    capabilitiesDrop: ['ALL'],
    effectiveCapabilities: [],
    seccomp: { type: 'RuntimeDefault' },
    procMount: 'Default',
    hostUsers: true,
    runAsUser: SANDBOX_UID,
    runAsGroup: SANDBOX_UID,
    runAsNonRoot: true,
    readOnlyRootFilesystem: true,
    writablePaths: ctx.req.writablePaths,
    // Set no_new_privs wherever the platform can; ECS on Fargate accepts no dockerSecurityOptions.
    allowPrivilegeEscalation: !ctx.facts.noNewPrivileges.value,
    appArmor: appArmor ? { type: 'RuntimeDefault' } : undefined,
  };
}

function nodeOs(ctx: Context): NodeOs | undefined {
  return ctx.facts.nodeOs.length ? ctx.config.nodeOs ?? ctx.facts.nodeOs[0] : undefined;
}

function hasAppArmor(ctx: Context): boolean {
  const os = nodeOs(ctx);
  return ctx.facts.kind === 'kubernetes' && os !== undefined && ctx.facts.securityModule.value[os] === 'apparmor';
}

/** Disk bounds: each scratch volume at its size, each container at its scratch plus the allowance. */
export function storageBounds(scratchSize: string, scratchVolumes: number): StorageBounds {
  const limitMi = Math.ceil((scratchVolumes * parseMemory(scratchSize)!) / (1024 * 1024)) + EPHEMERAL_STORAGE_ALLOWANCE_MI;
  return { scratchSizeLimit: scratchSize, ephemeralStorageRequest: `${EPHEMERAL_STORAGE_ALLOWANCE_MI}Mi`, ephemeralStorageLimit: `${limitMi}Mi` };
}

/** What bounds processes per pod where the kit does not set it itself. */
function processLimitPrerequisites(ctx: Context): string[] {
  const pl = ctx.facts.processLimit.value;
  return pl.setBy === 'node-operator' ? [`at most ${ctx.opts.pidsLimit} processes per pod: ${pl.where}`] : [];
}

/** The AppArmor profile of a sandbox that mounts (seccomp mode) on an AppArmor node, and what it relies on. */
function sandboxAppArmor(ctx: Context): { setting: AppArmorSetting; reason: string; prerequisites: string[]; assumptions: AssumptionNote[] } | undefined {
  if (!hasAppArmor(ctx)) return undefined;
  const { config, facts, req } = ctx;
  const denies = 'the runtime default AppArmor profile denies mount, which the sandbox performs inside its user namespace';
  if (config.appArmor === 'unconfined') {
    return { setting: { type: 'Unconfined' }, reason: `requested in appArmor (${denies}; the kit profile was declined)`, prerequisites: [], assumptions: [] };
  }
  if (!facts.appArmorProfiles.value) {
    // Only "auto" reaches here (validate refuses "kit-profile"): said in explain, not silent.
    return {
      setting: { type: 'Unconfined' },
      reason: `${denies}, and ${facts.displayName} cannot load the kit's profile (${facts.appArmorProfiles.source})`,
      prerequisites: [],
      assumptions: note('no AppArmor profile can be loaded on the nodes', facts.appArmorProfiles),
    };
  }
  const profile = appArmorProfileFor(req.engine).name;
  return {
    setting: { type: 'Localhost', profile },
    reason: 'the runtime default AppArmor profile denies mount; the kit\'s profile allows mount, umount, pivot_root and user namespaces and keeps the default\'s denials of writes to /proc and /sys',
    prerequisites: ['the node\'s own apparmor_parser (the kit\'s AppArmor loader DaemonSet runs it in the host\'s mount namespace, as containerd loads its default profile)'],
    assumptions: [
      ...note('a privileged DaemonSet can load AppArmor profiles with the node\'s apparmor_parser', facts.appArmorProfiles),
      { what: `the kit AppArmor profile ${profile} permits what the sandbox does`, fact: KIT_APPARMOR_PROFILE_WORKS },
      { what: 'AppArmor 4 nodes (Ubuntu 24.04+) get the variant with the userns rule', fact: KIT_APPARMOR_USERNS_VARIANT },
    ],
  };
}

function note(what: string, fact: Fact<unknown>): AssumptionNote[] {
  return fact.confidence === 'verified' ? [] : [{ what, fact }];
}

/** Whether the service runs Retool's image, which starts as root and drops to retool_user itself. */
function startsAsRoot(ctx: Context): boolean {
  return ctx.req.startsAsRoot === true && ctx.opts.imageKind === 'retool';
}

/** Whether the target lets a container add this capability after dropping ALL. */
function canAdd(facts: TargetFacts, cap: string): boolean {
  const addable = facts.addableCapabilities.value;
  return addable === 'any' || addable.includes(cap);
}

/**
 * Retool's image in a sandboxed mode without privileged: it starts as root (its entrypoint drops
 * to retool_user with runuser, which needs SETUID and SETGID), plus NET_ADMIN and NET_RAW for its
 * iptables rules when executorNetAdmin is "grant". Undefined for other images.
 */
function retoolStart(ctx: Context): { settings: Partial<ContainerSecurity>; problem?: { reason: string; field?: string } } | undefined {
  if (!startsAsRoot(ctx)) return undefined;
  const grant = ctx.req.iptablesEgress === true && ctx.config.executorNetAdmin === 'grant';
  const caps = [...RUNUSER_CAPABILITIES, ...(grant ? IPTABLES_CAPABILITIES : [])];
  const refused = caps.filter((c) => !canAdd(ctx.facts, c));
  const problem = refused.length
    ? {
      reason: `${ctx.facts.displayName} does not let a container add ${refused.join(', ')} (${ctx.facts.addableCapabilities.source}), which Retool's ${ctx.req.displayName} image needs ${refused.some((c) => IPTABLES_CAPABILITIES.includes(c)) ? 'for its iptables rules (executorNetAdmin: "grant")' : 'to drop from root to retool_user at start'}.`,
      field: refused.some((c) => IPTABLES_CAPABILITIES.includes(c)) ? 'executorNetAdmin' : undefined,
    }
    : undefined;
  return {
    settings: { runAsUser: 0, runAsGroup: 0, runAsNonRoot: false, imageUser: true, capabilitiesDrop: ['ALL'], capabilitiesAdd: caps, effectiveCapabilities: caps },
    problem,
  };
}

/**
 * The planner's NET_ADMIN decision for an executor running Retool's image: who blocks the ranges
 * Retool's iptables rules block, and what of them stays open.
 */
function retoolEgressBlocks(ctx: Context, mode: SandboxMode, sandbox: ContainerSecurity): RetoolEgressBlocks | undefined {
  const { req, facts, opts } = ctx;
  if (!req.iptablesEgress || opts.imageKind !== 'retool') return undefined;
  const ranges = RETOOL_IPTABLES_BLOCKS.value;
  const netAdmin = sandbox.privileged || sandbox.effectiveCapabilities.includes('ALL') || sandbox.effectiveCapabilities.includes('NET_ADMIN');
  if (netAdmin && mode !== 'unsandboxed' && sandbox.runtimeClassName === undefined) {
    return {
      enforcedBy: 'service-iptables',
      ranges,
      reason: sandbox.privileged
        ? `the privileged container has NET_ADMIN, so ${req.displayName}'s own iptables rules drop retool_user's traffic to ${ranges.join(' and ')} (as Retool runs it on ECS on EC2); ${facts.egressFilter.value.by === 'network-policy' ? 'the kit\'s NetworkPolicy blocks them too' : 'the kit\'s security groups block 192.168.0.0/16 too (they do not filter link-local traffic)'}`
        : `executorNetAdmin is "grant": NET_ADMIN and NET_RAW let ${req.displayName}'s own iptables rules drop retool_user's traffic to ${ranges.join(' and ')}; ${sandbox.hostUsers ? '' : 'with hostUsers: false NET_ADMIN counts only in the user namespace that owns the pod\'s network namespace; '}Pod Security baseline forbids both, so the namespace is privileged`,
      residualRisks: [],
    };
  }
  const by = facts.egressFilter.value.by;
  const why = mode === 'unsandboxed' || sandbox.runtimeClassName !== undefined
    ? `${req.displayName} runs as uid ${sandbox.runAsUser} without capabilities here, so it cannot set iptables rules`
    : canAdd(facts, 'NET_ADMIN')
      ? 'NET_ADMIN and NET_RAW would take the namespace from Pod Security baseline to privileged (executorNetAdmin: "grant" adds them)'
      : `${facts.displayName} does not let a container add NET_ADMIN (${facts.addableCapabilities.source})`;
  const residual = [...facts.egressFilter.value.unfiltered];
  if (by === 'security-group') residual.unshift('link-local 169.254.0.0/16: security groups do not filter traffic to the link-local services (instance and task metadata, DNS, time)');
  for (const r of facts.clusterDns.value.resolvers) residual.push(`DNS (port 53 only) to ${r.address}: ${r.why}`);
  return {
    enforcedBy: by,
    ranges,
    reason: `${why}: ${DISABLE_IPTABLES_ENV}=true skips the service's iptables step, and the kit's ${by === 'network-policy' ? 'NetworkPolicy' : 'security groups'} block ${ranges.join(' and ')} instead`,
    residualRisks: [...new Set(residual)],
  };
}

function feasibility(ctx: Context, mode: SandboxMode, explicit: boolean): Feasibility {
  switch (mode) {
    case 'privileged': return privilegedMode(ctx);
    case 'seccomp': return seccompMode(ctx);
    case 'gvisor-runtimeclass': return gvisorMode(ctx, explicit);
    case 'rlimits-seccomp': return partialMode(ctx, 'rlimits-seccomp');
    case 'unsandboxed': return partialMode(ctx, 'unsandboxed');
  }
}

function privilegedMode(ctx: Context): Feasibility {
  const { facts } = ctx;
  if (!facts.privileged.value) {
    return { ok: false, reason: `${facts.displayName} does not admit privileged containers (${facts.privileged.source}).` };
  }
  return {
    ok: true,
    build: () => ({
      sandbox: {
        ...restricted(ctx, false),
        privileged: true,
        capabilitiesDrop: [],
        effectiveCapabilities: ['ALL'],
        // A privileged container always runs Unconfined, whatever profile is asked (kubernetes.io, seccomp).
        seccomp: { type: 'Unconfined' },
        // NsJail sets up cgroups and namespaces as root in privileged mode.
        runAsUser: 0,
        runAsGroup: 0,
        runAsNonRoot: false,
        ...(startsAsRoot(ctx) ? { imageUser: true } : {}),
        // The API server rejects privileged: true with allowPrivilegeEscalation: false.
        allowPrivilegeEscalation: true,
      },
      supporting: restricted(ctx, hasAppArmor(ctx)),
      podSecurityLevel: 'privileged',
      jail: { namespaces: true, procfs: 'new', cgroups: true },
      env: {},
      minimumVersions: {},
      nodePrerequisites: [],
      assumptions: note('privileged containers are admitted', facts.privileged),
    }),
  };
}

function seccompMode(ctx: Context): Feasibility {
  const { facts, config, req } = ctx;
  if (!facts.customSeccomp.value) {
    const why = facts.nodeOs.length === 0
      ? 'it offers no custom seccomp profile and no way to put one on a node'
      : 'no custom seccomp profile can reach its nodes';
    if (facts.profileDelivery.value.includes('docker-daemon-default')) {
      // ECS on EC2: not per task, but daemon-wide on a dedicated capacity provider.
    } else {
      return { ok: false, reason: `${facts.displayName}: ${why} (${facts.customSeccomp.source}).` };
    }
  }
  const delivery: ProfileDelivery = facts.kind === 'ecs'
    ? 'docker-daemon-default'
    : config.profileDelivery ?? facts.profileDelivery.value[0];

  const os = nodeOs(ctx);
  const userns = facts.userNamespaces.value;
  const usernsBlockers: string[] = [];
  if (facts.kind !== 'kubernetes' || !userns.supported) usernsBlockers.push(`${facts.displayName} does not offer hostUsers: false (${facts.userNamespaces.source})`);
  if (userns.minKubernetes && compareVersions(config.kubernetesVersion, userns.minKubernetes) < 0) {
    usernsBlockers.push(`hostUsers: false needs Kubernetes ${userns.minKubernetes} or newer, the config says ${config.kubernetesVersion}`);
  }
  if (os && userns.unsupportedNodeOs?.includes(os)) usernsBlockers.push(`${os} nodes do not support user namespaces yet (${facts.userNamespaces.source})`);
  if (config.userNamespaces === 'required' && usernsBlockers.length) {
    const versionOnly = usernsBlockers.length === 1 && usernsBlockers[0].startsWith('hostUsers: false needs Kubernetes');
    return { ok: false, field: versionOnly ? 'kubernetesVersion' : 'userNamespaces', reason: `userNamespaces is "required" but ${usernsBlockers.join('; ')}.` };
  }
  const useUserns = config.userNamespaces !== 'off' && usernsBlockers.length === 0;
  const pm = facts.procMount.value;
  // The API server accepts procMount: Unmasked only with hostUsers: false.
  const canUnmask = useUserns && pm.unmasked;
  const podSecurityAdmitsUnmasked = compareVersions(config.kubernetesVersion, pm.minPodSecurityVersion ?? pm.minKubernetes ?? '0') >= 0;
  if (facts.kind === 'ecs' && req.kubernetesOnly) {
    return { ok: false, reason: `${req.displayName} runs only on Kubernetes: ${req.kubernetesOnly}.` };
  }
  const procfs = freshProcfs(ctx);
  if (procfs === 'required' && !canUnmask) {
    const why = facts.kind === 'ecs'
      ? `${facts.displayName} cannot unmask /proc for a container (${facts.procMount.source})`
      : config.userNamespaces === 'off' ? 'userNamespaces is "off"' : usernsBlockers.join('; ');
    const who = req.engine === 'nsjail'
      ? `Retool's ${req.displayName} image mounts a fresh procfs in every jail (only the kit's image, imageKind "kit", runs NsJail without one)`
      : `${req.displayName}'s sandbox mounts a fresh procfs`;
    return {
      ok: false,
      reason: `${who}, which the kernel refuses while /proc is masked; unmasking needs procMount: Unmasked with hostUsers: false, and ${why}.`,
    };
  }
  // The kit's NsJail can run without a procfs of its own: unmask only where Pod Security still
  // admits the pod at restricted. runsc and Retool's NsJail cannot, so they unmask wherever the API allows it.
  const unmasked = procfs === 'optional' ? canUnmask && podSecurityAdmitsUnmasked : canUnmask;

  const appArmor = sandboxAppArmor(ctx);
  const seccomp: SeccompSetting = delivery === 'docker-daemon-default'
    ? { type: 'DockerDaemonDefault', profile: req.profile, path: dockerProfilePath(req.profile) }
    : { type: 'Localhost', profile: req.profile, localhostProfile: localhostProfilePath(req.profile, delivery) };

  const minimumVersions: MinimumVersions = useUserns
    ? { kubernetes: unmasked && podSecurityAdmitsUnmasked ? pm.minPodSecurityVersion : userns.minKubernetes, containerd: userns.minContainerd, kernel: userns.minKernel, runc: userns.minRunc }
    : {};
  const prerequisites = ['unprivileged user namespaces enabled on the nodes (sysctl user.max_user_namespaces > 0)'];
  const assumptions: AssumptionNote[] = [
    ...note('custom seccomp profiles reach the nodes', facts.customSeccomp),
    ...note(`profiles are delivered by ${delivery}`, facts.profileDelivery),
  ];
  if (procfs === 'preferred' && !unmasked) {
    prerequisites.push(`runsc ${RUNSC_WITHOUT_PROCFS} or newer in the ${req.displayName} image: /proc stays masked here, and runsc 20221219's gofer cannot mount its procfs under a masked /proc (measured); Retool's image and the kit's gVisor image ship newer releases`);
    assumptions.push({ what: `the ${req.displayName} image's runsc is ${RUNSC_WITHOUT_PROCFS} or newer`, fact: RETOOL_RUNSC_RELEASE });
  }
  if (os === 'ubuntu' && appArmor?.setting.type !== 'Localhost') {
    // The kit profile grants userns on AppArmor 4 nodes; without it only the sysctls lift the restriction.
    prerequisites.push(`on Ubuntu 23.10+ nodes: ${UBUNTU_USERNS_RESTRICTION.value}`);
    assumptions.push({ what: 'Ubuntu restricts unprivileged user namespaces through AppArmor', fact: UBUNTU_USERNS_RESTRICTION });
  }
  if (useUserns) {
    prerequisites.push(`nodes with containerd >= ${userns.minContainerd} (older containerd silently ignores hostUsers: false), Linux >= ${userns.minKernel}, runc >= ${userns.minRunc}`);
    assumptions.push(...note('hostUsers: false works on these nodes', facts.userNamespaces));
  }
  if (appArmor) {
    assumptions.push({ what: 'the runtime default AppArmor profile denies mount', fact: APPARMOR_DENIES_MOUNT });
    prerequisites.push(...appArmor.prerequisites);
    assumptions.push(...appArmor.assumptions);
  }
  if (os && facts.securityModule.value[os] === 'selinux') {
    assumptions.push({ what: `the ${os} nodes' SELinux policy lets the sandbox mount inside its user namespace`, fact: SELINUX_ALLOWS_USERNS_MOUNTS });
  }
  if (delivery === 'security-profiles-operator') prerequisites.push('the Security Profiles Operator installed in the cluster');

  const start = retoolStart(ctx);
  if (start?.problem) return { ok: false, reason: start.problem.reason, field: start.problem.field };
  const jail: JailCapabilities = { namespaces: true, procfs: unmasked ? 'new' : 'none', cgroups: false };
  return {
    ok: true,
    build: () => ({
      sandbox: {
        ...restricted(ctx, false),
        ...start?.settings,
        seccomp,
        hostUsers: !useUserns,
        procMount: unmasked ? 'Unmasked' : 'Default',
        appArmor: appArmor?.setting,
        appArmorReason: appArmor?.reason,
      },
      supporting: restricted(ctx, appArmor !== undefined),
      // Computed from the settings in planService.
      podSecurityLevel: 'privileged',
      profileDelivery: delivery,
      jail,
      env: {},
      minimumVersions,
      nodePrerequisites: prerequisites,
      assumptions,
    }),
  };
}

function gvisorMode(ctx: Context, explicit: boolean): Feasibility {
  const { facts, req, opts, config } = ctx;
  const g = facts.gvisor.value;
  if (g === 'none') return { ok: false, reason: `${facts.displayName} offers no gVisor RuntimeClass (${facts.gvisor.source}).` };
  if (facts.kind !== 'kubernetes') {
    return { ok: false, reason: `${facts.displayName} has no RuntimeClass: an ECS task definition cannot choose its container runtime.` };
  }
  if (g !== 'built-in' && !explicit) {
    return { ok: false, reason: `${facts.displayName} has gVisor only on ${g === 'node-pool' ? 'a GKE Sandbox node pool' : 'nodes where you install it'}, so auto does not assume it; request it explicitly.` };
  }
  // What runs inside the platform's gVisor is what gVisor can run (measured): no NsJail
  // namespaces, no nested runsc.
  if (req.engine === 'gvisor') {
    return { ok: false, reason: `The ${req.displayName}'s own gVisor cannot start inside the platform's gVisor (nested runsc fails; ${RUNSC_NESTED_IN_GVISOR.source}).` };
  }
  const noJail = `NsJail cannot create its namespaces inside gVisor (${NSJAIL_NAMESPACES_IN_GVISOR.source})`;
  let inside: 'unsandboxed' | 'rlimits-seccomp';
  if (!req.acceptedModes.includes('unsandboxed') && !req.acceptedModes.includes('rlimits-seccomp')) {
    return { ok: false, reason: `${noJail}, and ${req.displayName} never runs code without a full NsJail sandbox.` };
  } else if (opts.imageKind === 'kit') {
    // The kit's rlimits-only jail runs inside gVisor once its limits come from prlimit (measured).
    inside = 'rlimits-seccomp';
  } else {
    if (!config.acknowledgeUnsandboxedCode) {
      return {
        ok: false,
        field: explicit ? 'acknowledgeUnsandboxedCode' : undefined,
        reason: `${noJail}, so Retool's ${req.displayName} image runs there only in its unprivileged mode (gVisor around the pod, no per-run sandbox inside it), which needs acknowledgeUnsandboxedCode: true.`,
      };
    }
    inside = 'unsandboxed';
  }
  const prerequisites = g === 'node-pool'
    ? ['a GKE Sandbox node pool (gcloud container node-pools create ... --sandbox type=gvisor) besides the default pool']
    : g === 'self-installed' ? ['runsc and containerd-shim-runsc-v1 on the nodes and a RuntimeClass named gvisor with handler runsc'] : [];
  const inner = partialMode(ctx, inside);
  if (!inner.ok) return inner;
  const runtime = facts.gvisorRuntimeClassName ?? 'gvisor';
  return {
    ok: true,
    build: () => {
      const body = inner.build();
      return {
        ...body,
        // As before the measurement: no AppArmor field on a gVisor pod (the node's AppArmor does not confine the Sentry's guest).
        sandbox: { ...body.sandbox, appArmor: undefined, runtimeClassName: runtime },
        jail: inside === 'rlimits-seccomp' ? { ...body.jail, rlimitsBy: NSJAIL_RLIMITS_IN_GVISOR.value } : body.jail,
        minimumVersions: { ...facts.gvisorMinimumVersions?.value },
        nodePrerequisites: [...prerequisites, ...body.nodePrerequisites],
        assumptions: note('gVisor RuntimeClass is available', facts.gvisor),
        insideGvisor: inside,
        boundary: inside === 'unsandboxed'
          ? `gVisor (runtimeClassName: ${runtime}) around the pod only: inside it ${req.displayName} runs user code in its unprivileged mode, as its own process, with no per-run isolation (NsJail cannot create its namespaces inside gVisor: measured, see docs/verification.md).`
          : `gVisor (runtimeClassName: ${runtime}) around the pod; inside it each run gets only the kit's rlimits and syscall filter (NsJail without namespaces: runs share the container's files, processes and network).`,
      };
    },
  };
}

/** code-executor's own switch for running without NsJail (Retool, "Configure code-executor security and privileges"). */
const UNPRIVILEGED_ENV: Readonly<Record<string, string>> = { CONTAINER_UNPRIVILEGED_MODE: 'true' };

function partialMode(ctx: Context, mode: 'rlimits-seccomp' | 'unsandboxed'): Feasibility {
  const { req, opts } = ctx;
  if (mode === 'rlimits-seccomp' && opts.imageKind !== 'kit') {
    return { ok: false, reason: `Retool's ${req.displayName} image has no rlimits-only NsJail configuration: rlimits-seccomp runs the kit's runtime image (services.${req.name}.imageKind: "kit" with services.${req.name}.image set to your build of it).` };
  }
  if (mode === 'unsandboxed' && opts.imageKind === 'kit') {
    return { ok: false, reason: `mode "unsandboxed" is Retool ${req.displayName}'s own unprivileged mode (CONTAINER_UNPRIVILEGED_MODE); the kit's runtime image has no such mode.` };
  }
  const base = restricted(ctx, hasAppArmor(ctx));
  // Retool runs code-executor unsandboxed as uid/gid 1001 (its ECS on Fargate template).
  const sec: ContainerSecurity = mode === 'unsandboxed' && ctx.opts.imageKind === 'retool'
    ? { ...base, runAsUser: RETOOL_UNSANDBOXED_UID, runAsGroup: RETOOL_UNSANDBOXED_UID }
    : base;
  return {
    ok: true,
    build: () => ({
      sandbox: sec,
      supporting: base,
      podSecurityLevel: 'restricted',
      jail: { namespaces: false, procfs: 'none', cgroups: false },
      env: mode === 'unsandboxed' ? UNPRIVILEGED_ENV : {},
      minimumVersions: ctx.facts.minimumPlatformVersion ? { fargatePlatform: ctx.facts.minimumPlatformVersion.value } : {},
      nodePrerequisites: mode === 'rlimits-seccomp'
        ? ['the kit\'s NsJail runtime image (npm run images), which ships the rlimits-only NsJail configuration']
        : [],
      assumptions: [],
    }),
  };
}

/** Settings that would work instead, for error messages. */
function alternatives(ctx: Context, rejected: SandboxMode | undefined): string[] {
  const { req, facts, config } = ctx;
  const out: string[] = [];
  for (const mode of req.acceptedModes) {
    if (mode === rejected) continue;
    const f = feasibility(ctx, mode, true);
    if (!f.ok) continue;
    if (mode === 'unsandboxed') {
      out.push(`services.${req.name}.mode: "unsandboxed" with acknowledgeUnsandboxedCode: true (no sandbox: only if all user code is trusted)`);
    } else if (mode === 'rlimits-seccomp') {
      out.push(`services.${req.name}.mode: "rlimits-seccomp" (partial: rlimits and a syscall filter only; needs the kit's runtime image)`);
    } else {
      out.push(`services.${req.name}.mode: "${mode}"`);
    }
  }
  // Modes that a choice only the user can make would open: the acknowledgement, or the kit's image.
  const withAck: Context = { ...ctx, config: { ...config, acknowledgeUnsandboxedCode: true } };
  const withKit: Context = { ...ctx, opts: { ...ctx.opts, imageKind: 'kit' } };
  for (const mode of req.acceptedModes) {
    if (mode === rejected || mode === 'unsandboxed' || feasibility(ctx, mode, true).ok) continue;
    if (mode === 'gvisor-runtimeclass' && !config.acknowledgeUnsandboxedCode && feasibility(withAck, mode, true).ok) {
      out.push(`acknowledgeUnsandboxedCode: true: ${req.displayName} then runs its unprivileged mode inside gVisor (gVisor around the pod, no per-run isolation inside it)`);
    }
    if (ctx.opts.imageKind !== 'kit' && feasibility(withKit, mode, true).ok) {
      const what = mode === 'seccomp' ? 'whose jail runs without a procfs under the masked /proc'
        : mode === 'gvisor-runtimeclass' ? 'whose rlimits-only jail runs inside gVisor' : 'which ships the rlimits-only jail';
      out.push(`services.${req.name}.imageKind: "kit" with services.${req.name}.image set to your build of the kit's NsJail image (npm run images), ${what}${mode === 'seccomp' ? '' : ` (mode ${mode})`}`);
    }
  }
  const mixed = TARGETS[config.target].mixedCapacity;
  if (mixed && ctx.opts.capacity !== 'ec2') {
    const onEc2: Context = { ...ctx, facts: TARGETS[mixed] };
    if (req.acceptedModes.some((m) => !req.explicitOnlyModes.includes(m) && feasibility(onEc2, m, true).ok)) {
      out.push(`services.${req.name}.capacity: "ec2" (runs it on an EC2 capacity provider in the same cluster)`);
    }
  }
  if (facts.kind === 'kubernetes' && freshProcfs(ctx) === 'required' && rejected !== 'seccomp') {
    // What would let the gofer's procfs work in seccomp mode on this same target.
    const userns = facts.userNamespaces.value;
    if (config.userNamespaces === 'off') out.push('userNamespaces: "auto" (procMount: Unmasked needs hostUsers: false)');
    if (userns.supported && userns.minKubernetes && compareVersions(config.kubernetesVersion, userns.minKubernetes) < 0) {
      out.push(`kubernetesVersion: "${userns.minKubernetes}" or newer, on nodes that support hostUsers: false`);
    }
  }
  if (facts.kind === 'ecs' && req.kubernetesOnly) {
    out.push(`target: "eks" (the same services on Kubernetes nodes)`);
  } else if (!mixed) {
    // In a mixed cluster (ECS on Fargate) the capacity line above is that alternative already.
    out.push(`target: ${facts.alternativeForSandbox}`);
  }
  out.push(`services.${req.name}.enabled: false`);
  return out;
}
