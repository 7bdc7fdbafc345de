import { TARGETS } from '../targets';
import { ARCHITECTURES, Architecture, NODE_OS_NAMES, NodeOs, PROFILE_DELIVERIES, ProfileDelivery, TARGET_NAMES, TargetName } from '../targets/types';
import {
  AppArmorOption, DEFAULT_KUBERNETES_VERSION, DEFAULT_PIDS_LIMIT, DEFAULT_REPLICAS, MIN_KUBERNETES_VERSION, SandboxKitConfig, ServiceImageKind, ServiceOptions, UserNamespaceOption,
} from './config';
import { ConfigProblem, SandboxConfigError } from './errors';
import { RequestedMode, SANDBOX_MODES } from './modes';
import { compareVersions, parseCpu, parseMemory } from './quantity';
import { ResourceRequirements, SERVICE_NAMES, SERVICES, ServiceName } from './services';

/** A config with every default filled in, checked field by field. */
export interface ResolvedConfig {
  readonly target: TargetName;
  readonly kubernetesVersion: string;
  readonly nodeOs?: NodeOs;
  readonly architectures: readonly Architecture[];
  readonly profileDelivery?: ProfileDelivery;
  readonly userNamespaces: UserNamespaceOption;
  readonly appArmor: AppArmorOption;
  readonly acknowledgeUnsandboxedCode: boolean;
  readonly services: Readonly<Record<ServiceName, ResolvedServiceOptions>>;
}

/** Service options with defaults filled in. */
export interface ResolvedServiceOptions {
  readonly enabled: boolean;
  readonly mode: RequestedMode;
  readonly image: string;
  readonly imageKind: ServiceImageKind;
  readonly resources: ResourceRequirements;
  readonly replicas: number;
  readonly pidsLimit: number;
  readonly capacity: 'fargate' | 'ec2';
}

const TOP_LEVEL_KEYS = ['target', 'kubernetesVersion', 'nodeOs', 'architectures', 'profileDelivery', 'userNamespaces', 'appArmor', 'acknowledgeUnsandboxedCode', 'services'];
const SERVICE_KEYS = ['enabled', 'mode', 'image', 'imageKind', 'resources', 'replicas', 'pidsLimit', 'capacity'];
const IMAGE_KINDS: readonly ServiceImageKind[] = ['retool', 'kit'];
const USERNS_OPTIONS: readonly UserNamespaceOption[] = ['auto', 'required', 'off'];
const APPARMOR_OPTIONS: readonly AppArmorOption[] = ['auto', 'kit-profile', 'unconfined'];

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function list(values: readonly string[]): string {
  return values.map((v) => `"${v}"`).join(', ');
}

/**
 * Check a config (typed, or parsed from JSON) and fill in defaults. Throws one
 * SandboxConfigError with every problem found.
 */
export function resolveConfig(input: SandboxKitConfig | unknown): ResolvedConfig {
  const problems: ConfigProblem[] = [];
  const bad = (field: string, message: string, alternatives: string[]) => problems.push({ field, message, alternatives });

  if (!isRecord(input)) {
    throw new SandboxConfigError('sandbox-kit config', [{ field: '(root)', message: 'the config must be an object', alternatives: ['{ "target": "eks" }'] }]);
  }
  for (const key of Object.keys(input)) {
    if (!TOP_LEVEL_KEYS.includes(key)) bad(key, `unknown config field "${key}"`, [`one of ${list(TOP_LEVEL_KEYS)}`]);
  }

  const target = input.target;
  const targetOk = typeof target === 'string' && (TARGET_NAMES as readonly string[]).includes(target);
  if (!targetOk) {
    bad('target', `unknown target ${JSON.stringify(target)}`, [`one of ${list(TARGET_NAMES)}`]);
  }
  const facts = targetOk ? TARGETS[target as TargetName] : undefined;

  let kubernetesVersion = DEFAULT_KUBERNETES_VERSION;
  if (input.kubernetesVersion !== undefined) {
    const v = input.kubernetesVersion;
    if (typeof v !== 'string' || !/^1\.\d+$/.test(v)) {
      bad('kubernetesVersion', `${JSON.stringify(v)} is not a Kubernetes minor version`, [`a string such as "${DEFAULT_KUBERNETES_VERSION}"`]);
    } else if (compareVersions(v, MIN_KUBERNETES_VERSION) < 0) {
      bad('kubernetesVersion', `Kubernetes ${v} is older than the kit supports (${MIN_KUBERNETES_VERSION})`, [`"${MIN_KUBERNETES_VERSION}" or newer`]);
    } else {
      kubernetesVersion = v;
    }
    if (facts && facts.kind !== 'kubernetes') {
      bad('kubernetesVersion', `target "${facts.name}" is not a Kubernetes target`, ['remove kubernetesVersion']);
    }
  }

  let nodeOs: NodeOs | undefined = facts?.nodeOs[0];
  if (input.nodeOs !== undefined) {
    const os = input.nodeOs;
    if (typeof os !== 'string' || !(NODE_OS_NAMES as readonly string[]).includes(os)) {
      bad('nodeOs', `unknown node OS ${JSON.stringify(os)}`, [`one of ${list(facts?.nodeOs ?? NODE_OS_NAMES)}`]);
    } else if (facts && !facts.nodeOs.includes(os as NodeOs)) {
      bad('nodeOs', facts.nodeOs.length === 0
        ? `${facts.displayName} has no nodes you choose an OS for`
        : `${facts.displayName} does not run "${os}" nodes`, facts.nodeOs.length ? [`one of ${list(facts.nodeOs)}`] : ['remove nodeOs']);
    } else {
      nodeOs = os as NodeOs;
    }
  }

  let architectures: readonly Architecture[] = ['amd64', 'arm64'];
  if (input.architectures !== undefined) {
    const a = input.architectures;
    if (!Array.isArray(a) || a.length === 0) {
      bad('architectures', 'must list at least one architecture', [`[${list(ARCHITECTURES)}]`]);
    } else {
      const unknown = a.filter((x) => !(ARCHITECTURES as readonly unknown[]).includes(x));
      if (unknown.length) bad('architectures', `unknown architecture ${unknown.map((x) => JSON.stringify(x)).join(', ')}`, [`any of ${list(ARCHITECTURES)}`]);
      else architectures = [...new Set(a as Architecture[])];
    }
  }

  let profileDelivery: ProfileDelivery | undefined;
  if (input.profileDelivery !== undefined) {
    const d = input.profileDelivery;
    if (typeof d !== 'string' || !(PROFILE_DELIVERIES as readonly string[]).includes(d)) {
      bad('profileDelivery', `unknown profile delivery ${JSON.stringify(d)}`, [`one of ${list(facts?.profileDelivery.value ?? PROFILE_DELIVERIES)}`]);
    } else if (facts && !facts.profileDelivery.value.includes(d as ProfileDelivery)) {
      bad('profileDelivery', `${facts.displayName} cannot deliver a profile by "${d}" (${facts.profileDelivery.source})`,
        facts.profileDelivery.value.length ? [`one of ${list(facts.profileDelivery.value)}`] : ['remove profileDelivery: no custom profile reaches this target\'s nodes']);
    } else {
      profileDelivery = d as ProfileDelivery;
    }
  }

  let userNamespaces: UserNamespaceOption = 'auto';
  if (input.userNamespaces !== undefined) {
    if (!(USERNS_OPTIONS as readonly unknown[]).includes(input.userNamespaces)) {
      bad('userNamespaces', `unknown value ${JSON.stringify(input.userNamespaces)}`, [`one of ${list(USERNS_OPTIONS)}`]);
    } else {
      userNamespaces = input.userNamespaces as UserNamespaceOption;
    }
  }

  let appArmor: AppArmorOption = 'auto';
  if (input.appArmor !== undefined) {
    if (!(APPARMOR_OPTIONS as readonly unknown[]).includes(input.appArmor)) {
      bad('appArmor', `unknown value ${JSON.stringify(input.appArmor)}`, [`one of ${list(APPARMOR_OPTIONS)}`]);
    } else {
      appArmor = input.appArmor as AppArmorOption;
      // An AppArmor choice means nothing where the nodes run no AppArmor: say so rather than ignore it.
      if (appArmor !== 'auto' && facts) {
        const apparmorOs = facts.nodeOs.filter((o) => facts.securityModule.value[o] === 'apparmor');
        if (nodeOs === undefined || facts.securityModule.value[nodeOs] !== 'apparmor') {
          bad('appArmor', `"${appArmor}" needs nodes that run AppArmor, but ${nodeOs === undefined ? `${facts.displayName} has no nodes you choose an OS for` : `${nodeOs} nodes on ${facts.displayName} run ${facts.securityModule.value[nodeOs] ?? 'no Linux security module the kit knows'}`} (${facts.securityModule.source})`,
            ['remove appArmor (or "auto")', ...(apparmorOs.length ? [`nodeOs: one of ${list(apparmorOs)}`] : [])]);
        } else if (appArmor === 'kit-profile' && !facts.appArmorProfiles.value) {
          bad('appArmor', `"kit-profile" needs a profile loaded on the nodes, which ${facts.displayName} does not allow (${facts.appArmorProfiles.source})`, ['remove appArmor (or "auto")']);
        }
      }
    }
  }

  let ack = false;
  if (input.acknowledgeUnsandboxedCode !== undefined) {
    if (typeof input.acknowledgeUnsandboxedCode !== 'boolean') bad('acknowledgeUnsandboxedCode', 'must be true or false', ['true', 'false']);
    else ack = input.acknowledgeUnsandboxedCode;
  }

  const servicesIn = input.services ?? {};
  if (!isRecord(servicesIn)) bad('services', 'must be an object keyed by service name', [`keys among ${list(SERVICE_NAMES)}`]);
  const svcRecord = isRecord(servicesIn) ? servicesIn : {};
  for (const key of Object.keys(svcRecord)) {
    if (!(SERVICE_NAMES as readonly string[]).includes(key)) bad(`services.${key}`, `unknown service "${key}"`, [`one of ${list(SERVICE_NAMES)}`]);
  }

  const services = {} as Record<ServiceName, ResolvedServiceOptions>;
  for (const name of SERVICE_NAMES) {
    services[name] = resolveService(name, svcRecord[name], facts?.name, bad);
  }

  if (problems.length) throw new SandboxConfigError('sandbox-kit config is invalid', problems);
  return {
    target: target as TargetName, kubernetesVersion, nodeOs, architectures, profileDelivery, userNamespaces, appArmor,
    acknowledgeUnsandboxedCode: ack, services,
  };
}

function resolveService(
  name: ServiceName, raw: unknown, target: TargetName | undefined,
  bad: (field: string, message: string, alternatives: string[]) => void,
): ResolvedServiceOptions {
  const req = SERVICES[name];
  const f = (k: string) => `services.${name}.${k}`;
  const opts: ServiceOptions = isRecord(raw) ? raw as ServiceOptions : {};
  if (raw !== undefined && !isRecord(raw)) bad(`services.${name}`, 'must be an object', ['{ "enabled": true, "mode": "auto" }']);
  for (const key of Object.keys(opts)) {
    if (!SERVICE_KEYS.includes(key)) bad(f(key), `unknown service option "${key}"`, [`one of ${list(SERVICE_KEYS)}`]);
  }
  if (opts.enabled !== undefined && typeof opts.enabled !== 'boolean') bad(f('enabled'), 'must be true or false', ['true', 'false']);
  const mode = opts.mode ?? 'auto';
  if (mode !== 'auto' && !(SANDBOX_MODES as readonly string[]).includes(mode)) {
    bad(f('mode'), `unknown sandbox mode ${JSON.stringify(mode)}`, [`"auto" or one of ${list(req.acceptedModes)}`]);
  }
  if (opts.image !== undefined && (typeof opts.image !== 'string' || !/^[a-z0-9][\w./:@-]*$/i.test(opts.image) || /\s/.test(opts.image))) {
    bad(f('image'), `${JSON.stringify(opts.image)} is not an image reference`, [`"${req.image}"`]);
  }
  const imageKind = opts.imageKind ?? 'retool';
  if (!IMAGE_KINDS.includes(imageKind)) {
    bad(f('imageKind'), `unknown image kind ${JSON.stringify(opts.imageKind)}`, [`one of ${list(IMAGE_KINDS)}`]);
  } else if (imageKind === 'kit' && opts.image === undefined) {
    // The default image is Retool's: a plan for the kit's jail would silently run in it.
    bad(f('image'), `imageKind "kit" runs an image built from the kit's runtime image, which the kit does not publish; the default image is Retool's (${req.image})`,
      [`services.${name}.image: your build of the kit's image (npm run images)`, `remove services.${name}.imageKind (Retool's image)`]);
  }
  if (opts.replicas !== undefined && (!Number.isInteger(opts.replicas) || opts.replicas < 1)) {
    bad(f('replicas'), `${JSON.stringify(opts.replicas)} is not a positive whole number`, ['2']);
  }
  if (opts.pidsLimit !== undefined && (!Number.isInteger(opts.pidsLimit) || opts.pidsLimit < 64 || opts.pidsLimit > 4194304)) {
    bad(f('pidsLimit'), `${JSON.stringify(opts.pidsLimit)} is not a process limit the kit renders (a whole number from 64 to 4194304)`, [`${DEFAULT_PIDS_LIMIT}`]);
  }
  const capacity = opts.capacity ?? 'fargate';
  if (opts.capacity !== undefined) {
    if (capacity !== 'fargate' && capacity !== 'ec2') bad(f('capacity'), `unknown capacity ${JSON.stringify(capacity)}`, ['"fargate"', '"ec2"']);
    else if (target !== undefined && target !== 'ecs-fargate') bad(f('capacity'), `capacity applies only to target "ecs-fargate", not "${target}"`, ['remove capacity']);
  }
  const resources = opts.resources ?? req.resources;
  if (opts.resources !== undefined) checkResources(opts.resources, f('resources'), req.resources, bad);
  return {
    enabled: opts.enabled ?? true,
    mode,
    image: opts.image ?? req.image,
    imageKind,
    resources,
    replicas: opts.replicas ?? DEFAULT_REPLICAS,
    pidsLimit: opts.pidsLimit ?? DEFAULT_PIDS_LIMIT,
    capacity: target === 'ecs-fargate' ? capacity : 'fargate',
  };
}

function checkResources(
  r: ResourceRequirements, field: string, defaults: ResourceRequirements,
  bad: (field: string, message: string, alternatives: string[]) => void,
): void {
  if (!isRecord(r) || !isRecord(r.requests) || !isRecord(r.limits)) {
    bad(field, 'must have requests and limits, each with cpu and memory', [JSON.stringify(defaults)]);
    return;
  }
  const cpu = { requests: parseCpu(String(r.requests.cpu)), limits: parseCpu(String(r.limits.cpu)) };
  const mem = { requests: parseMemory(String(r.requests.memory)), limits: parseMemory(String(r.limits.memory)) };
  for (const k of ['requests', 'limits'] as const) {
    if (cpu[k] === undefined || cpu[k] === 0) bad(`${field}.${k}.cpu`, `${JSON.stringify(r[k].cpu)} is not a CPU quantity`, [`"${defaults[k].cpu}"`, '"500m"']);
    if (mem[k] === undefined || mem[k] === 0) bad(`${field}.${k}.memory`, `${JSON.stringify(r[k].memory)} is not a memory quantity`, [`"${defaults[k].memory}"`, '"512Mi"']);
  }
  if (cpu.requests && cpu.limits && cpu.requests > cpu.limits) {
    bad(`${field}.requests.cpu`, `request ${r.requests.cpu} is above the limit ${r.limits.cpu}`, [`a request of at most "${r.limits.cpu}"`]);
  }
  if (mem.requests && mem.limits && mem.requests > mem.limits) {
    bad(`${field}.requests.memory`, `request ${r.requests.memory} is above the limit ${r.limits.memory}`, [`a request of at most "${r.limits.memory}"`]);
  }
}
