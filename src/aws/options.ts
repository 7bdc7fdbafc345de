import { checkAwsRendererOptions } from '../config/validate-aws';
import { KubernetesRendererOptions } from '../k8s/options';
import { EgressAllowRule, ResolvedEgressAllowRule, resolveEgressAllowlist } from '../policy/egress';
import { SandboxConfigError } from '../policy/errors';
import { ResourceQuantities, ServiceName } from '../policy/services';
import { Architecture } from '../targets/types';
import { FargateTaskSize } from './fargate-sizes';

/**
 * A VPC id.
 * @pattern ^vpc-([0-9a-f]{8}|[0-9a-f]{17})$
 * @mismatch is not a VPC id (vpc- and 8 or 17 hex digits)
 * @example "vpc-0123456789abcdef0"
 */
export type VpcId = string;

/**
 * A subnet id.
 * @pattern ^subnet-([0-9a-f]{8}|[0-9a-f]{17})$
 * @mismatch is not a subnet id (subnet- and 8 or 17 hex digits)
 * @example "subnet-0123456789abcdef0"
 */
export type SubnetId = string;

/**
 * A security group id.
 * @pattern ^sg-([0-9a-f]{8}|[0-9a-f]{17})$
 * @mismatch is not a security group id (sg- and 8 or 17 hex digits)
 * @example "sg-0123456789abcdef0"
 */
export type SecurityGroupId = string;

/**
 * An EC2 instance type.
 * @pattern ^[a-z][a-z0-9-]*\.[a-z0-9]+$
 * @mismatch is not an EC2 instance type
 * @example "m7i.xlarge"
 */
export type InstanceTypeName = string;

/** CloudWatch Logs retention values (days); 9999 is "never expire". */
export type LogRetentionDays = 1 | 3 | 5 | 7 | 14 | 30 | 60 | 90 | 120 | 150 | 180 | 365 | 400 | 545 | 731 | 1096 | 1827 | 2192 | 2557 | 2922 | 3288 | 3653 | 9999;

/** An existing VPC, named by ids so that synth needs no lookup. */
export interface ExistingVpcOptions {
  /** VPC id (`vpc-...`). */
  readonly vpcId: VpcId;
  /**
   * Availability zones of the subnets below, in the same order.
   * @minItems 1
   * @example ["eu-west-1a", "eu-west-1b"]
   */
  readonly availabilityZones: readonly string[];
  /**
   * Private subnets (with a route to the internet through NAT) for tasks and nodes, one per zone.
   * @minItems 1
   */
  readonly privateSubnetIds: readonly SubnetId[];
  /**
   * Security groups of the VPC's interface endpoints (ECR, CloudWatch Logs, ...). With private
   * DNS on, their names resolve to private addresses, which the tasks' default egress does not
   * reach: the kit opens 443 to these groups.
   * @default []
   */
  readonly endpointSecurityGroupIds?: readonly SecurityGroupId[];
}

/** ECS options. */
export interface EcsOptions {
  /**
   * Name of an existing ECS cluster. Only for plans with no EC2 capacity (the kit must own the
   * capacity provider associations of a cluster it adds EC2 capacity to). Needs `vpc`.
   * @pattern ^[A-Za-z0-9_-]{1,255}$
   * @mismatch is not an ECS cluster name
   * @default - a new cluster
   */
  readonly clusterName?: string;
  /**
   * Instance type of the EC2 capacity providers; its architecture must be in the plan's.
   * @default "m7i.xlarge"
   */
  readonly instanceType?: InstanceTypeName;
  /**
   * Minimum instances per EC2 capacity provider.
   * @asType integer
   * @minimum 0
   * @maximum 1000
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Maximum instances per EC2 capacity provider.
   * @asType integer
   * @minimum 1
   * @maximum 1000
   * @default - 4, or minCapacity if larger
   */
  readonly maxCapacity?: number;
  /**
   * Fargate task size per service (CPU units and MiB), checked against the sizes Fargate offers.
   * @default - the smallest offered size that holds the containers' limits
   */
  readonly fargateTaskSizes?: Partial<Record<ServiceName, FargateTaskSize>>;
  /**
   * Size of each writable scratch tmpfs (EC2) in MiB; it counts against the task's memory.
   * @asType integer
   * @minimum 1
   * @maximum 1048576
   * @default 512
   */
  readonly scratchSizeMiB?: number;
  /**
   * CPU and memory of each supporting container (agent sandbox controller and proxy).
   * @default { "cpu": "250m", "memory": "512Mi" }
   */
  readonly supportingResources?: ResourceQuantities;
  /**
   * Destinations user code may reach besides the IPv4 internet (tasks cannot reach the VPC's
   * private ranges, link-local addresses or IPv6 otherwise): a CIDR and a port each. Each entry
   * is one security group rule, and the kit keeps them in one group.
   * @maxItems 50
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
   * @pattern ^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$
   * @mismatch is not a private DNS namespace name (two or more DNS labels)
   * @default "sandbox-kit.local"
   */
  readonly namespaceName?: string;
}

/** EKS options. */
export interface EksOptions {
  /**
   * Node instance type per architecture; one managed node group per architecture of the plan.
   * @default { "amd64": "m7i.xlarge", "arm64": "m7g.xlarge" }
   */
  readonly instanceTypes?: Partial<Record<Architecture, InstanceTypeName>>;
  /**
   * Nodes per node group: minimum.
   * @asType integer
   * @minimum 0
   * @maximum 450
   * @default 1
   */
  readonly minSize?: number;
  /**
   * Nodes per node group: desired at creation.
   * @asType integer
   * @minimum 0
   * @maximum 450
   * @default - 2, or minSize if larger
   */
  readonly desiredSize?: number;
  /**
   * Nodes per node group: maximum.
   * @asType integer
   * @minimum 1
   * @maximum 450
   * @default - 4, or desiredSize if larger
   */
  readonly maxSize?: number;
  /**
   * Kubernetes API endpoint access. `private` runs the kubectl handler inside the VPC.
   * @default "private"
   */
  readonly endpointAccess?: 'private' | 'public-and-private';
  /**
   * Name of an existing EKS cluster to add the node groups and the chart to. Needs `vpc` (the
   * cluster's), `clusterSecurityGroupId` and `networkPolicyEnforced: true`, and an authentication
   * mode that accepts access entries (the kit grants its kubectl handler cluster admin through one).
   * The config's `kubernetesVersion` must be the cluster's (synth cannot look it up).
   * @pattern ^[0-9A-Za-z][A-Za-z0-9_-]{0,99}$
   * @mismatch is not an EKS cluster name
   * @default - a new cluster
   */
  readonly clusterName?: string;
  /**
   * Existing cluster: its cluster security group, which the kubectl handler joins to reach a
   * private endpoint.
   * @default - none (required with clusterName)
   */
  readonly clusterSecurityGroupId?: SecurityGroupId;
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
  readonly chart?: KubernetesRendererOptions;
}

/** The `aws.renderer` section of the kit file. */
export interface AwsRendererOptions {
  /**
   * Existing VPC.
   * @default - a new VPC (2 AZs, one NAT gateway, flow logs)
   */
  readonly vpc?: ExistingVpcOptions;
  /**
   * Security group of the backend that calls the services; the only source admitted on the
   * service ports.
   * @default - a new, empty security group, exported as an output for the backend to attach
   */
  readonly backendSecurityGroupId?: SecurityGroupId;
  /**
   * CloudWatch Logs retention in days (one of CloudWatch's values; 9999 never expires).
   * @default 30
   */
  readonly logRetentionDays?: LogRetentionDays;
  /**
   * Build the runtime images with the kit (DockerImageAsset, built at `cdk deploy`) instead of
   * pulling the plan's image references.
   * @default false
   */
  readonly buildImages?: boolean;
  /**
   * Prefix of the stack names: `<prefix>-<target>`.
   * @pattern ^[A-Za-z][A-Za-z0-9-]{0,80}$
   * @mismatch is not a stack name prefix (a letter, then letters, digits and "-")
   * @default "SandboxKit"
   */
  readonly stackNamePrefix?: string;
  /**
   * ECS options.
   * @default {}
   */
  readonly ecs?: EcsOptions;
  /**
   * EKS options.
   * @default {}
   */
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
  readonly eks: Required<Omit<EksOptions, 'instanceTypes' | 'clusterName' | 'clusterSecurityGroupId' | 'chart'>>
    & Pick<EksOptions, 'clusterName' | 'clusterSecurityGroupId'>
    & { readonly instanceTypes: Readonly<Record<Architecture, string>>; readonly chart: KubernetesRendererOptions };
}

/** CloudWatch Logs retention values (days); 9999 is "never expire". */
export const LOG_RETENTION_DAYS: readonly LogRetentionDays[] = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653, 9999];

/** Defaults applied to options that are known to be valid. */
export function withAwsDefaults(raw: AwsRendererOptions): ResolvedAwsOptions {
  const e = raw.ecs ?? {};
  const k = raw.eks ?? {};
  const minCapacity = e.minCapacity ?? 1;
  const minSize = k.minSize ?? 1;
  const desiredSize = k.desiredSize ?? Math.max(2, minSize);
  return {
    vpc: raw.vpc,
    backendSecurityGroupId: raw.backendSecurityGroupId,
    logRetentionDays: raw.logRetentionDays ?? 30,
    buildImages: raw.buildImages ?? false,
    stackNamePrefix: raw.stackNamePrefix ?? 'SandboxKit',
    ecs: {
      clusterName: e.clusterName,
      instanceType: e.instanceType ?? 'm7i.xlarge',
      minCapacity,
      maxCapacity: e.maxCapacity ?? Math.max(4, minCapacity),
      fargateTaskSizes: e.fargateTaskSizes,
      scratchSizeMiB: e.scratchSizeMiB ?? 512,
      supportingResources: e.supportingResources ?? { cpu: '250m', memory: '512Mi' },
      namespaceName: e.namespaceName ?? 'sandbox-kit.local',
      // Checked by the schema and the rules already: this only applies the entries' defaults.
      egressAllowlist: resolveEgressAllowlist(e.egressAllowlist, 'aws.renderer.ecs.egressAllowlist').rules,
      vpcEndpoints: e.vpcEndpoints ?? true,
    },
    eks: {
      instanceTypes: { amd64: 'm7i.xlarge', arm64: 'm7g.xlarge', ...k.instanceTypes },
      minSize,
      desiredSize,
      maxSize: k.maxSize ?? Math.max(4, desiredSize),
      endpointAccess: k.endpointAccess ?? 'private',
      chart: k.chart ?? {},
      clusterName: k.clusterName,
      clusterSecurityGroupId: k.clusterSecurityGroupId,
      networkPolicyEnforced: k.networkPolicyEnforced ?? false,
    },
  };
}

/** Read and check the renderer options (schema and rules, src/config); throws SandboxConfigError naming every bad field. */
export function resolveAwsOptions(raw: unknown = {}): ResolvedAwsOptions {
  const problems = checkAwsRendererOptions(raw ?? {});
  if (problems.length) throw new SandboxConfigError('sandbox-kit AWS renderer options', problems);
  return withAwsDefaults((raw ?? {}) as AwsRendererOptions);
}
