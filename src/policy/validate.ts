import { checkConfig } from '../config/validate';
import { TARGETS } from '../targets';
import { Architecture, NodeOs, ProfileDelivery, TargetName } from '../targets/types';
import { AppArmorOption, DEFAULT_KUBERNETES_VERSION, ExecutorNetAdminOption, DEFAULT_PIDS_LIMIT, DEFAULT_REPLICAS, DEFAULT_SCRATCH_SIZE, SandboxKitConfig, ServiceImageKind, UserNamespaceOption } from './config';
import { SandboxConfigError } from './errors';
import { QuotaCaps } from './quota';
import { formatImage, ImageParts, mirrorImage, parseImage } from './images';
import { RequestedMode } from './modes';
import { ResourceRequirements, SERVICE_NAMES, SERVICES, ServiceName } from './services';

/** A config with every default filled in. */
export interface ResolvedConfig {
  readonly target: TargetName;
  readonly kubernetesVersion: string;
  readonly nodeOs?: NodeOs;
  readonly architectures: readonly Architecture[];
  readonly profileDelivery?: ProfileDelivery;
  readonly userNamespaces: UserNamespaceOption;
  readonly appArmor: AppArmorOption;
  readonly acknowledgeUnsandboxedCode: boolean;
  readonly executorNetAdmin: ExecutorNetAdminOption;
  readonly imageRegistry?: string;
  readonly imagePullSecrets: readonly string[];
  readonly services: Readonly<Record<ServiceName, ResolvedServiceOptions>>;
  readonly agentSandbox?: SandboxKitConfig['agentSandbox'];
}

/** Service options with defaults filled in. */
export interface ResolvedServiceOptions {
  readonly enabled: boolean;
  readonly mode: RequestedMode;
  /** The reference the container pulls: mirrored, tagged with the release, digest when given. */
  readonly image: string;
  /** Its parts. */
  readonly imageParts: ImageParts;
  /** The Retool release of Retool's image; undefined for an image named in `image`. */
  readonly release?: string;
  readonly imageKind: ServiceImageKind;
  readonly resources: ResourceRequirements;
  readonly replicas: number;
  readonly pidsLimit: number;
  readonly scratchSize: string;
  readonly capacity: 'fargate' | 'ec2';
  readonly quota?: QuotaCaps;
}

/**
 * Check a config (typed, or parsed from JSON) against the generated JSON Schema and the config
 * rules (src/config), then fill in defaults. Throws one SandboxConfigError with every problem.
 */
export function resolveConfig(input: SandboxKitConfig | unknown): ResolvedConfig {
  const problems = checkConfig(input);
  if (problems.length) throw new SandboxConfigError('sandbox-kit config is invalid', problems);
  const c = input as SandboxKitConfig;
  const facts = TARGETS[c.target];
  const services = {} as Record<ServiceName, ResolvedServiceOptions>;
  for (const name of SERVICE_NAMES) {
    const o = c.services?.[name] ?? {};
    const release = o.image === undefined ? o.retoolVersion ?? c.retoolVersion : undefined;
    // checkConfig refused a Retool image without a release; a custom image is taken as named.
    const named = o.image ?? formatImage({ repository: SERVICES[name].repository, tag: release!, digest: o.imageDigest });
    const withDigest = o.image !== undefined && o.imageDigest !== undefined ? formatImage({ ...parseImage(named), digest: o.imageDigest }) : named;
    const image = mirrorImage(withDigest, c.imageRegistry);
    services[name] = {
      enabled: o.enabled ?? true,
      mode: o.mode ?? 'auto',
      image,
      imageParts: parseImage(image),
      ...(release !== undefined ? { release } : {}),
      imageKind: o.imageKind ?? 'retool',
      resources: o.resources ?? SERVICES[name].resources,
      replicas: o.replicas ?? DEFAULT_REPLICAS,
      pidsLimit: o.pidsLimit ?? DEFAULT_PIDS_LIMIT,
      scratchSize: o.scratchSize ?? DEFAULT_SCRATCH_SIZE,
      capacity: facts.mixedCapacity ? o.capacity ?? 'fargate' : 'fargate',
      ...(o.quota ? { quota: o.quota } : {}),
    };
  }
  return {
    target: c.target,
    kubernetesVersion: c.kubernetesVersion ?? DEFAULT_KUBERNETES_VERSION,
    nodeOs: c.nodeOs ?? facts.nodeOs[0],
    architectures: c.architectures ?? ['amd64', 'arm64'],
    profileDelivery: c.profileDelivery,
    userNamespaces: c.userNamespaces ?? 'auto',
    appArmor: c.appArmor ?? 'auto',
    acknowledgeUnsandboxedCode: c.acknowledgeUnsandboxedCode ?? false,
    executorNetAdmin: c.executorNetAdmin ?? 'auto',
    imageRegistry: c.imageRegistry,
    imagePullSecrets: [...(c.imagePullSecrets ?? [])],
    services,
    agentSandbox: c.agentSandbox,
  };
}
