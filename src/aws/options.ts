import { resolveRendererOptions } from '../k8s/options';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { EgressAllowRule, ResolvedEgressAllowRule, resolveEgressAllowlist } from '../policy/egress';
import { parseCpu, parseMemory } from '../policy/quantity';
import { ResourceQuantities, SERVICE_NAMES, ServiceName } from '../policy/services';
import { ARCHITECTURES, Architecture } from '../targets/types';
import { FargateTaskSize } from './fargate-sizes';

/** An existing VPC, named by ids so that synth needs no lookup. */
export interface ExistingVpcOptions {
  /** VPC id (`vpc-...`). */
  readonly vpcId: string;
  /** Availability zones of the subnets below, in the same order. */
  readonly availabilityZones: readonly string[];
  /** Private subnets (with a route to the internet through NAT) for tasks and nodes. */
  readonly privateSubnetIds: readonly string[];
  /**
   * Security groups of the VPC's interface endpoints (ECR, CloudWatch Logs, ...). With private
   * DNS on, their names resolve to private addresses, which the tasks' default egress does not
   * reach: the kit opens 443 to these groups.
   * @default []
   */
  readonly endpointSecurityGroupIds?: readonly string[];
}

/** ECS options. */
export interface EcsOptions {
  /**
   * Name of an existing ECS cluster. Only for plans with no EC2 capacity (the kit must own the
   * capacity provider associations of a cluster it adds EC2 capacity to). Needs `vpc`.
   * @default a new cluster
   */
  readonly clusterName?: string;
  /**
   * Instance type of the EC2 capacity providers; its architecture must be in the plan's.
   * @default 'm7i.xlarge'
   */
  readonly instanceType?: string;
  /**
   * Minimum instances per EC2 capacity provider.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Maximum instances per EC2 capacity provider.
   * @default 4
   */
  readonly maxCapacity?: number;
  /**
   * Fargate task size per service (CPU units and MiB), checked against the sizes Fargate offers.
   * @default the smallest offered size that holds the containers' limits
   */
  readonly fargateTaskSizes?: Partial<Record<ServiceName, FargateTaskSize>>;
  /**
   * Size of each writable scratch tmpfs (EC2) in MiB; it counts against the task's memory.
   * @default 512
   */
  readonly scratchSizeMiB?: number;
  /**
   * CPU and memory of each supporting container (agent sandbox controller and proxy).
   * @default { cpu: '250m', memory: '512Mi' }
   */
  readonly supportingResources?: ResourceQuantities;
  /**
   * Destinations user code may reach besides the IPv4 internet (tasks cannot reach the VPC's
   * private ranges, link-local addresses or IPv6 otherwise): a CIDR and a port each.
   * @default []
   */
  readonly egressAllowlist?: readonly EgressAllowRule[];
  /**
   * Interface endpoints for ECR and CloudWatch Logs (and an S3 gateway endpoint) in the VPC the
   * kit creates, reached by the tasks on 443: image pulls and logs stay off the internet. An
   * imported VPC names its endpoints' security groups in vpc.endpointSecurityGroupIds instead.
   * @default true
   */
  readonly vpcEndpoints?: boolean;
  /**
   * Cloud Map private DNS namespace the services register in.
   * @default 'sandbox-kit.local'
   */
  readonly namespaceName?: string;
}

/** EKS options. */
export interface EksOptions {
  /**
   * Node instance type per architecture; one managed node group per architecture of the plan.
   * @default { amd64: 'm7i.xlarge', arm64: 'm7g.xlarge' }
   */
  readonly instanceTypes?: Partial<Record<Architecture, string>>;
  /**
   * Nodes per node group: minimum.
   * @default 1
   */
  readonly minSize?: number;
  /**
   * Nodes per node group: desired at creation.
   * @default 2
   */
  readonly desiredSize?: number;
  /**
   * Nodes per node group: maximum.
   * @default 4
   */
  readonly maxSize?: number;
  /**
   * Kubernetes API endpoint access. `private` runs the kubectl handler inside the VPC.
   * @default 'private'
   */
  readonly endpointAccess?: 'private' | 'public-and-private';
  /**
   * Name of an existing EKS cluster to add the node groups and the chart to. Needs `vpc` (the
   * cluster's), `clusterSecurityGroupId` and `networkPolicyEnforced: true`, and an authentication
   * mode that accepts access entries (the kit grants its kubectl handler cluster admin through one).
   * The config's `kubernetesVersion` must be the cluster's (synth cannot look it up).
   * @default a new cluster
   */
  readonly clusterName?: string;
  /**
   * Existing cluster: its cluster security group, which the kubectl handler joins to reach a
   * private endpoint.
   * @default none (required with clusterName)
   */
  readonly clusterSecurityGroupId?: string;
  /**
   * Existing cluster: confirms that its VPC CNI enforces NetworkPolicies (`enableNetworkPolicy`),
   * which the chart relies on to admit only the backend. The kit does not reconfigure the add-on
   * of a cluster it does not own.
   * @default false
   */
  readonly networkPolicyEnforced?: boolean;
  /**
   * Options of the kit's Kubernetes chart on the cluster (the fields of the kit file's
   * `kubernetes.renderer`: backend selector, namespaces, autoscaling...).
   * @default {}
   */
  readonly chart?: Record<string, unknown>;
}

/** The `aws.renderer` section of the kit file. */
export interface AwsRendererOptions {
  /**
   * Existing VPC.
   * @default a new VPC (2 AZs, one NAT gateway, flow logs)
   */
  readonly vpc?: ExistingVpcOptions;
  /**
   * Security group of the backend that calls the services; the only source admitted on the
   * service ports.
   * @default a new, empty security group, exported as an output for the backend to attach
   */
  readonly backendSecurityGroupId?: string;
  /**
   * CloudWatch Logs retention in days (one of CloudWatch's values).
   * @default 30
   */
  readonly logRetentionDays?: number;
  /**
   * Build the runtime images with the kit (DockerImageAsset, built at `cdk deploy`) instead of
   * pulling the plan's image references.
   * @default false
   */
  readonly buildImages?: boolean;
  /**
   * Prefix of the stack names: `<prefix>-<target>`.
   * @default 'SandboxKit'
   */
  readonly stackNamePrefix?: string;
  /** ECS options. @default {} */
  readonly ecs?: EcsOptions;
  /** EKS options. @default {} */
  readonly eks?: EksOptions;
}

/** Options with every default applied. */
export interface ResolvedAwsOptions {
  readonly vpc?: ExistingVpcOptions;
  readonly backendSecurityGroupId?: string;
  readonly logRetentionDays: number;
  readonly buildImages: boolean;
  readonly stackNamePrefix: string;
  readonly ecs: Required<Omit<EcsOptions, 'clusterName' | 'fargateTaskSizes' | 'egressAllowlist'>> & Pick<EcsOptions, 'clusterName' | 'fargateTaskSizes'>
    & { readonly egressAllowlist: readonly ResolvedEgressAllowRule[] };
  readonly eks: Required<Omit<EksOptions, 'instanceTypes' | 'clusterName' | 'clusterSecurityGroupId'>>
    & Pick<EksOptions, 'clusterName' | 'clusterSecurityGroupId'>
    & { readonly instanceTypes: Readonly<Record<Architecture, string>> };
}

/** CloudWatch Logs retention values (days); 9999 is "never expire". */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999] as const;

const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const FIELD = 'aws.renderer';

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Read and check the renderer options; throws SandboxConfigError naming every bad field. */
export function resolveAwsOptions(raw: Record<string, unknown> = {}): ResolvedAwsOptions {
  const problems: ConfigProblem[] = [];
  const bad = (field: string, message: string, ...alternatives: string[]) => problems.push({ field: `${FIELD}.${field}`, message, alternatives });
  const known = (obj: Record<string, unknown>, prefix: string, keys: readonly string[]) => {
    for (const k of Object.keys(obj)) {
      if (k !== '$comment' && !keys.includes(k)) bad(`${prefix}${k}`, `unknown field "${k}"`, ...keys.map((x) => `"${x}"`));
    }
  };
  known(raw, '', ['vpc', 'backendSecurityGroupId', 'logRetentionDays', 'buildImages', 'stackNamePrefix', 'ecs', 'eks']);

  const str = (obj: Record<string, unknown>, field: string, key: string, pattern?: RegExp, example?: string): string | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'string' || (pattern && !pattern.test(v))) {
      bad(field, `must be a string${pattern ? ` like ${example}` : ''}, got ${JSON.stringify(v)}`, example ?? '"..."');
      return undefined;
    }
    return v;
  };
  const int = (obj: Record<string, unknown>, field: string, key: string, min: number, max: number): number | undefined => {
    const v = obj[key];
    if (v === undefined) return undefined;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) {
      bad(field, `must be a whole number from ${min} to ${max}, got ${JSON.stringify(v)}`, `${min}`);
      return undefined;
    }
    return v;
  };

  let vpc: ExistingVpcOptions | undefined;
  if (raw.vpc !== undefined) {
    if (!isRecord(raw.vpc)) bad('vpc', 'must be an object', '{ "vpcId": "vpc-0123", "availabilityZones": ["eu-west-1a"], "privateSubnetIds": ["subnet-0123"] }');
    else {
      known(raw.vpc, 'vpc.', ['vpcId', 'availabilityZones', 'privateSubnetIds', 'endpointSecurityGroupIds']);
      const eps = raw.vpc.endpointSecurityGroupIds;
      if (eps !== undefined && (!Array.isArray(eps) || !eps.every((x) => typeof x === 'string' && /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/.test(x)))) {
        bad('vpc.endpointSecurityGroupIds', 'must list security group ids (sg- and 8 or 17 hex digits)', '["sg-0123456789abcdef0"]');
      }
      const vpcId = str(raw.vpc, 'vpc.vpcId', 'vpcId', /^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/, '"vpc-0123456789abcdef0"');
      const azs = raw.vpc.availabilityZones;
      const subnets = raw.vpc.privateSubnetIds;
      const strings = (v: unknown) => Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
      if (vpcId === undefined && raw.vpc.vpcId === undefined) bad('vpc.vpcId', 'is required with vpc', '"vpc-0123456789abcdef0"');
      if (!strings(azs)) bad('vpc.availabilityZones', 'must list the availability zones of the private subnets', '["eu-west-1a", "eu-west-1b"]');
      if (!strings(subnets) || !(subnets as string[]).every((s) => /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/.test(s))) bad('vpc.privateSubnetIds', 'must list subnet ids (subnet- and 8 or 17 hex digits)', '["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"]');
      else if (strings(azs) && (azs as string[]).length !== (subnets as string[]).length) {
        bad('vpc.privateSubnetIds', `has ${(subnets as string[]).length} subnets for ${(azs as string[]).length} availability zones; give one subnet per zone, in the same order`, 'one subnet id per availability zone');
      }
      if (vpcId && strings(azs) && strings(subnets)) {
        vpc = { vpcId, availabilityZones: azs as string[], privateSubnetIds: subnets as string[], ...(Array.isArray(eps) ? { endpointSecurityGroupIds: eps as string[] } : {}) };
      }
    }
  }
  const backendSecurityGroupId = str(raw, 'backendSecurityGroupId', 'backendSecurityGroupId', /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, '"sg-0123456789abcdef0"');
  let logRetentionDays = 30;
  if (raw.logRetentionDays !== undefined) {
    if (!(LOG_RETENTION_DAYS as readonly unknown[]).includes(raw.logRetentionDays)) {
      bad('logRetentionDays', `${JSON.stringify(raw.logRetentionDays)} is not a CloudWatch Logs retention period`, `one of ${LOG_RETENTION_DAYS.join(', ')} (9999: never expire)`);
    } else logRetentionDays = raw.logRetentionDays as number;
  }
  let buildImages = false;
  if (raw.buildImages !== undefined) {
    if (typeof raw.buildImages !== 'boolean') bad('buildImages', 'must be true or false', 'true', 'false');
    else buildImages = raw.buildImages;
  }
  const stackNamePrefix = str(raw, 'stackNamePrefix', 'stackNamePrefix', /^[A-Za-z][A-Za-z0-9-]{0,80}$/, '"SandboxKit"') ?? 'SandboxKit';

  // ECS
  const ecsRaw = raw.ecs ?? {};
  const e = isRecord(ecsRaw) ? ecsRaw : {};
  if (!isRecord(ecsRaw)) bad('ecs', 'must be an object', '{}');
  known(e, 'ecs.', ['clusterName', 'instanceType', 'minCapacity', 'maxCapacity', 'fargateTaskSizes', 'scratchSizeMiB', 'supportingResources', 'namespaceName', 'egressAllowlist', 'vpcEndpoints']);
  const allowlist = resolveEgressAllowlist(e.egressAllowlist, `${FIELD}.ecs.egressAllowlist`);
  problems.push(...allowlist.problems);
  let vpcEndpoints = true;
  if (e.vpcEndpoints !== undefined) {
    if (typeof e.vpcEndpoints !== 'boolean') bad('ecs.vpcEndpoints', 'must be true or false', 'true', 'false');
    else vpcEndpoints = e.vpcEndpoints;
  }
  const clusterName = str(e, 'ecs.clusterName', 'clusterName', /^[A-Za-z0-9_-]{1,255}$/, '"my-cluster"');
  if (clusterName && !raw.vpc) bad('ecs.clusterName', 'an existing cluster needs its VPC: set vpc too', '"vpc": { "vpcId": ..., "availabilityZones": [...], "privateSubnetIds": [...] }');
  const instanceType = str(e, 'ecs.instanceType', 'instanceType', INSTANCE_TYPE, '"m7i.xlarge"') ?? 'm7i.xlarge';
  const minCapacity = int(e, 'ecs.minCapacity', 'minCapacity', 0, 1000) ?? 1;
  const maxCapacity = int(e, 'ecs.maxCapacity', 'maxCapacity', 1, 1000) ?? Math.max(4, minCapacity);
  if (maxCapacity < minCapacity) bad('ecs.maxCapacity', `must be at least minCapacity (${minCapacity})`, `${minCapacity}`);
  const scratchSizeMiB = int(e, 'ecs.scratchSizeMiB', 'scratchSizeMiB', 1, 1024 * 1024) ?? 512;
  const namespaceName = str(e, 'ecs.namespaceName', 'namespaceName', /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/, '"sandbox-kit.local"') ?? 'sandbox-kit.local';
  let fargateTaskSizes: Partial<Record<ServiceName, FargateTaskSize>> | undefined;
  if (e.fargateTaskSizes !== undefined) {
    if (!isRecord(e.fargateTaskSizes)) bad('ecs.fargateTaskSizes', 'must be an object keyed by service', '{ "code-executor": { "cpu": 2048, "memoryMiB": 4096 } }');
    else {
      const sizes: Partial<Record<ServiceName, FargateTaskSize>> = {};
      for (const [name, size] of Object.entries(e.fargateTaskSizes)) {
        if (!(SERVICE_NAMES as readonly string[]).includes(name)) { bad(`ecs.fargateTaskSizes.${name}`, 'not a service', ...SERVICE_NAMES); continue; }
        if (!isRecord(size) || typeof size.cpu !== 'number' || typeof size.memoryMiB !== 'number') {
          bad(`ecs.fargateTaskSizes.${name}`, 'must be { "cpu": <units>, "memoryMiB": <MiB> }', '{ "cpu": 2048, "memoryMiB": 4096 }');
          continue;
        }
        sizes[name as ServiceName] = { cpu: size.cpu, memoryMiB: size.memoryMiB };
      }
      fargateTaskSizes = sizes;
    }
  }
  let supportingResources: ResourceQuantities = { cpu: '250m', memory: '512Mi' };
  if (e.supportingResources !== undefined) {
    const r = e.supportingResources;
    if (!isRecord(r) || typeof r.cpu !== 'string' || typeof r.memory !== 'string' || parseCpu(r.cpu) === undefined || parseMemory(r.memory) === undefined) {
      bad('ecs.supportingResources', 'must be { "cpu": <Kubernetes CPU quantity>, "memory": <Kubernetes memory quantity> }', '{ "cpu": "250m", "memory": "512Mi" }');
    } else supportingResources = { cpu: r.cpu, memory: r.memory };
  }

  // EKS
  const eksRaw = raw.eks ?? {};
  const k = isRecord(eksRaw) ? eksRaw : {};
  if (!isRecord(eksRaw)) bad('eks', 'must be an object', '{}');
  known(k, 'eks.', ['instanceTypes', 'minSize', 'desiredSize', 'maxSize', 'endpointAccess', 'chart', 'clusterName', 'clusterSecurityGroupId', 'networkPolicyEnforced']);
  const eksClusterName = str(k, 'eks.clusterName', 'clusterName', /^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$/, '"my-cluster"');
  const clusterSecurityGroupId = str(k, 'eks.clusterSecurityGroupId', 'clusterSecurityGroupId', /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/, '"sg-0123456789abcdef0"');
  let networkPolicyEnforced = false;
  if (k.networkPolicyEnforced !== undefined) {
    if (typeof k.networkPolicyEnforced !== 'boolean') bad('eks.networkPolicyEnforced', 'must be true or false', 'true');
    else networkPolicyEnforced = k.networkPolicyEnforced;
  }
  if (eksClusterName) {
    if (!raw.vpc) bad('eks.clusterName', 'an existing cluster needs its VPC: set vpc too', '"vpc": { "vpcId": ..., "availabilityZones": [...], "privateSubnetIds": [...] }');
    if (k.clusterSecurityGroupId === undefined) bad('eks.clusterSecurityGroupId', 'is required with eks.clusterName (the kubectl handler reaches the endpoint through it)', '"sg-0123456789abcdef0"');
    if (!networkPolicyEnforced) {
      bad('eks.networkPolicyEnforced', 'the chart admits only the backend through NetworkPolicies, which the VPC CNI enforces only with enableNetworkPolicy; the kit does not reconfigure the add-on of a cluster it does not own',
        'enable it on the cluster (vpc-cni add-on configuration {"enableNetworkPolicy": "true", "env": {"NETWORK_POLICY_ENFORCING_MODE": "strict"}}; strict mode starts new pods denied, standard mode leaves them open until their policies apply) and set networkPolicyEnforced: true', 'leave eks.clusterName unset: the kit creates a cluster with it enabled');
    }
  } else {
    for (const f of ['clusterSecurityGroupId', 'networkPolicyEnforced']) {
      if (k[f] !== undefined) bad(`eks.${f}`, 'applies only to an existing cluster (eks.clusterName)', 'remove it', 'set eks.clusterName');
    }
  }
  let chart: Record<string, unknown> = {};
  if (k.chart !== undefined) {
    if (!isRecord(k.chart)) bad('eks.chart', 'must be an object of Kubernetes renderer options', '{ "backend": { "namespace": "retool" } }');
    else {
      try {
        resolveRendererOptions(k.chart, `${FIELD}.eks.chart`);
        chart = k.chart;
      } catch (e) {
        if (e instanceof SandboxConfigError) problems.push(...e.problems);
        else throw e;
      }
    }
  }
  const instanceTypes: Record<Architecture, string> = { amd64: 'm7i.xlarge', arm64: 'm7g.xlarge' };
  if (k.instanceTypes !== undefined) {
    if (!isRecord(k.instanceTypes)) bad('eks.instanceTypes', 'must be an object keyed by architecture', '{ "amd64": "m7i.xlarge", "arm64": "m7g.xlarge" }');
    else {
      for (const [arch, t] of Object.entries(k.instanceTypes)) {
        if (!(ARCHITECTURES as readonly string[]).includes(arch)) bad(`eks.instanceTypes.${arch}`, 'not an architecture', ...ARCHITECTURES);
        else if (typeof t !== 'string' || !INSTANCE_TYPE.test(t)) bad(`eks.instanceTypes.${arch}`, `must be an instance type, got ${JSON.stringify(t)}`, arch === 'arm64' ? '"m7g.xlarge"' : '"m7i.xlarge"');
        else instanceTypes[arch as Architecture] = t;
      }
    }
  }
  const minSize = int(k, 'eks.minSize', 'minSize', 0, 450) ?? 1;
  const desiredSize = int(k, 'eks.desiredSize', 'desiredSize', 0, 450) ?? Math.max(2, minSize);
  const maxSize = int(k, 'eks.maxSize', 'maxSize', 1, 450) ?? Math.max(4, desiredSize);
  if (desiredSize < minSize || desiredSize > maxSize) bad('eks.desiredSize', `must be between minSize (${minSize}) and maxSize (${maxSize})`, `${Math.max(minSize, Math.min(maxSize, 2))}`);
  let endpointAccess: 'private' | 'public-and-private' = 'private';
  if (k.endpointAccess !== undefined) {
    if (k.endpointAccess !== 'private' && k.endpointAccess !== 'public-and-private') bad('eks.endpointAccess', `unknown value ${JSON.stringify(k.endpointAccess)}`, '"private"', '"public-and-private"');
    else endpointAccess = k.endpointAccess;
  }

  if (problems.length) throw new SandboxConfigError('sandbox-kit AWS renderer options', problems);
  return {
    vpc,
    backendSecurityGroupId,
    logRetentionDays,
    buildImages,
    stackNamePrefix,
    ecs: { clusterName, instanceType, minCapacity, maxCapacity, fargateTaskSizes, scratchSizeMiB, supportingResources, namespaceName, egressAllowlist: allowlist.rules, vpcEndpoints },
    eks: { instanceTypes, minSize, desiredSize, maxSize, endpointAccess, chart, clusterName: eksClusterName, clusterSecurityGroupId, networkPolicyEnforced },
  };
}
