import { Duration } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { checkAwsRendererOptions } from '../config/validate-aws';
import { SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { ResourceQuantities } from '../policy/services';
import { TARGETS } from '../targets';
import { Architecture } from '../targets/types';
import { EcsCapacity } from './ecs-capacity';
import { SandboxEgress } from './egress';
import { addPlannedContainer } from './ecs-container';
import { CapacityId, checkEcsPlan, EcsLayout, TaskLayout } from './ecs-layout';
import { AwsFieldNames, propFieldNames, renamed } from './field-names';
import { instanceArchitecture } from './instance-architecture';
import { CAPACITY_ATTRIBUTE } from './ecs-user-data';
import { BuildContextWriter, ServiceImages } from './images';
import { AwsRendererOptions, EcsOptions, ResolvedAwsOptions, withAwsDefaults } from './options';
import { KIT_PROFILES } from './kit-profiles';
import { acknowledgeNag } from './nag';
import { ProfileSource } from './profiles';

/**
 * What a caller chooses for {@link EcsSandboxes} (aws-cdk-lib's Options/Props split: the owner's
 * resources are in {@link EcsSandboxesProps}). The same choices as the kit file's `aws.renderer.ecs`,
 * typed, and checked by the same schema and rules when the construct is created.
 */
export interface EcsSandboxesOptions {
  /**
   * An existing cluster in `vpc`. Only for plans with no EC2 capacity: the kit must own the
   * capacity provider associations of a cluster it adds EC2 capacity to.
   * @default - a new cluster in `vpc`, with Container Insights
   */
  readonly cluster?: ecs.ICluster;
  /**
   * Instance type of the EC2 capacity providers; its architecture must be in the plan's.
   * @default - m7i.xlarge
   */
  readonly instanceType?: ec2.InstanceType;
  /**
   * Minimum instances per EC2 capacity provider.
   * @default 1
   */
  readonly minCapacity?: number;
  /**
   * Maximum instances per EC2 capacity provider.
   * @default - 4, or minCapacity if larger
   */
  readonly maxCapacity?: number;
  /**
   * Fargate task size per service, checked against the sizes Fargate offers.
   * @default - the smallest offered size that holds the containers' limits
   */
  readonly fargateTaskSizes?: EcsOptions['fargateTaskSizes'];
  /**
   * Size of each writable scratch tmpfs (EC2) in MiB; it counts against the task's memory.
   * @default 512
   */
  readonly scratchSizeMiB?: number;
  /**
   * CPU and memory of each supporting container (agent sandbox controller and proxy).
   * @default - 250m CPU, 512Mi memory
   */
  readonly supportingResources?: ResourceQuantities;
  /**
   * Destinations user code may reach besides the IPv4 internet: a CIDR and a port each.
   * @default - none
   */
  readonly egressAllowlist?: EcsOptions['egressAllowlist'];
  /**
   * Cloud Map private DNS namespace the services register in.
   * @default "sandbox-kit.local"
   */
  readonly namespaceName?: string;
  /**
   * Retention of the services' CloudWatch Logs group.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Build the runtime images with the kit (DockerImageAsset) instead of pulling the plan's images.
   * @default false
   */
  readonly buildImages?: boolean;
  /**
   * Writes the runtime images' build context, when `buildImages` is true.
   * @default - none: buildImages must be false
   */
  readonly buildContext?: BuildContextWriter;
}

/** Props of {@link EcsSandboxes}: the caller's choices and the resources it owns. */
export interface EcsSandboxesProps extends EcsSandboxesOptions {
  /** The plan of an ECS target (`ecs-ec2` or `ecs-fargate`). */
  readonly plan: DeploymentPlan;
  /** VPC of the cluster; tasks and instances go to its private subnets. */
  readonly vpc: ec2.IVpc;
  /** The only security group admitted on the service ports. */
  readonly backendSecurityGroup: ec2.ISecurityGroup;
  /**
   * Security groups of the VPC's interface endpoints the tasks reach on 443.
   * @default []
   */
  readonly endpointSecurityGroups?: readonly ec2.ISecurityGroup[];
  /**
   * The kit's seccomp profiles.
   * @default KIT_PROFILES
   */
  readonly profiles?: ProfileSource;
}

/** Problems name EcsSandboxes' props (`EcsSandboxes.props.instanceType`), scoped to its path. */
function ecsPropNames(scope: Construct): AwsFieldNames {
  return propFieldNames(scope, 'EcsSandboxes', { 'ecs': '', 'ecs.clusterName': 'cluster', 'logRetentionDays': 'logRetention' });
}

/**
 * The options EcsSandboxes reads, from its typed props: checked by the kit file's schema and rules
 * for `aws.renderer` (one SandboxConfigError naming every bad prop), defaults applied.
 */
function resolveProps(scope: Construct, props: EcsSandboxesProps): ResolvedAwsOptions {
  const raw: AwsRendererOptions = {
    logRetentionDays: props.logRetention as number | undefined as AwsRendererOptions['logRetentionDays'],
    buildImages: props.buildImages,
    ecs: {
      instanceType: props.instanceType?.toString(),
      minCapacity: props.minCapacity,
      maxCapacity: props.maxCapacity,
      fargateTaskSizes: props.fargateTaskSizes,
      scratchSizeMiB: props.scratchSizeMiB,
      supportingResources: props.supportingResources,
      egressAllowlist: props.egressAllowlist,
      namespaceName: props.namespaceName,
    },
  };
  // Drop the unset props, as a kit file would leave them out.
  const clean = JSON.parse(JSON.stringify(raw)) as AwsRendererOptions;
  const problems = renamed(checkAwsRendererOptions(clean, 'props'), 'props', ecsPropNames(scope));
  if (problems.length) throw new SandboxConfigError(`EcsSandboxes ${scope.node.path}`, problems);
  const resolved = withAwsDefaults(clean);
  // A cluster's name is a token until deploy: it only says "not the kit's own cluster" here.
  return props.cluster ? { ...resolved, ecs: { ...resolved.ecs, clusterName: props.cluster.clusterName } } : resolved;
}

/** An endpoint a backend is configured with. */
export interface ServiceEndpoint {
  /** The backend's environment variable, when it has one. */
  readonly env?: string;
  /** ECS service (Cloud Map name). */
  readonly task: string;
  /** Component. */
  readonly component: string;
  /** `http://<name>.<namespace>:<port>`. */
  readonly url: string;
}

/**
 * The plan's services on ECS: one construct for both launch types. Each ECS service carries
 * exactly the plan's container settings; capacity providers are split by what their hosts
 * impose on every container (a daemon-wide seccomp profile, privileged containers, or neither).
 */
export class EcsSandboxes extends Construct {
  /** The cluster. */
  public readonly cluster: ecs.ICluster;
  /** How the plan was laid out. */
  public readonly layout: EcsLayout;
  /** ECS services by layout name. */
  public readonly services: Readonly<Record<string, ecs.BaseService>>;
  /** Security groups of the ECS services, by layout name. */
  public readonly securityGroups: Readonly<Record<string, ec2.SecurityGroup>>;
  /** The egress every task gets: the IPv4 internet, the VPC endpoints and the allowlist. */
  public readonly egress: SandboxEgress;
  /** Capacity providers by capacity id. */
  public readonly capacityProviders: Readonly<Partial<Record<CapacityId, ecs.AsgCapacityProvider>>>;
  /** Endpoints for the backend. */
  public readonly endpoints: readonly ServiceEndpoint[];
  /** Cloud Map namespace. */
  public readonly namespace: servicediscovery.PrivateDnsNamespace;
  private readonly options: ResolvedAwsOptions;

  constructor(scope: Construct, id: string, props: EcsSandboxesProps) {
    super(scope, id);
    const { plan, vpc } = props;
    const options = resolveProps(this, props);
    this.options = options;
    this.layout = checkEcsPlan(plan, options, ecsPropNames(this));
    const ec2Arch = instanceArchitecture(options.ecs.instanceType);

    if (props.cluster) {
      this.cluster = props.cluster;
    } else {
      this.cluster = new ecs.Cluster(this, 'Cluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    }
    this.namespace = new servicediscovery.PrivateDnsNamespace(this, 'Namespace', {
      name: options.ecs.namespaceName,
      vpc,
      description: 'sandbox-kit services',
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: options.logRetentionDays as logs.RetentionDays });

    const providers: Partial<Record<CapacityId, ecs.AsgCapacityProvider>> = {};
    for (const capacity of this.layout.ec2Capacities) {
      if (!(this.cluster instanceof ecs.Cluster)) throw new Error('EC2 capacity needs a cluster the kit creates');
      const ec2Capacity = new EcsCapacity(this, capacity.id, {
        capacity, cluster: this.cluster, vpc, architecture: ec2Arch, profiles: props.profiles ?? KIT_PROFILES,
        instanceType: options.ecs.instanceType, minCapacity: options.ecs.minCapacity, maxCapacity: options.ecs.maxCapacity,
      });
      providers[capacity.id] = ec2Capacity.provider;
      // dockerd on the instance pulls the images and ships the logs (its egress is open; the kit's endpoints admit it).
      for (const sg of props.endpointSecurityGroups ?? []) {
        if (sg instanceof ec2.SecurityGroup) sg.addIngressRule(ec2Capacity.instanceSecurityGroup, ec2.Port.tcp(443), `${capacity.id} container instances`);
      }
    }
    this.capacityProviders = providers;

    const fargateArch: Architecture = plan.services.some((s) => TARGETS[s.placement].ecsLaunchType === 'FARGATE' && !s.architectures.includes('amd64')) ? 'arm64' : 'amd64';
    const images = {
      ec2: new ServiceImages(this, { buildImages: options.buildImages, buildContext: props.buildContext, architecture: ec2Arch }),
      fargate: new ServiceImages(new Construct(this, 'FargateImages'), { buildImages: options.buildImages, buildContext: props.buildContext, architecture: fargateArch }),
    };

    this.egress = new SandboxEgress(this, 'Egress', { vpc, allow: options.ecs.egressAllowlist, endpointSecurityGroups: props.endpointSecurityGroups });
    const services: Record<string, ecs.BaseService> = {};
    const groups: Record<string, ec2.SecurityGroup> = {};
    const endpoints: ServiceEndpoint[] = [];
    for (const task of this.layout.tasks) {
      // No egress of its own: the internet and allowlist groups carry it (and peers add their ports below).
      const sg = new ec2.SecurityGroup(this, `${task.name}-SecurityGroup`, {
        vpc,
        description: `sandbox-kit ${task.name}: service ports open to the backend only`,
        allowAllOutbound: false,
        allowAllIpv6Outbound: false,
      });
      groups[task.name] = sg;
      const taskDef = this.taskDefinition(task, task.capacity === 'fargate' ? images.fargate : images.ec2, logGroup, fargateArch);
      services[task.name] = this.service(task, taskDef, sg, providers);
      for (const c of task.containers) {
        const url = `http://${task.name}.${options.ecs.namespaceName}:${c.component.port}`;
        endpoints.push({ env: c.component.ingressEnv, task: task.name, component: c.component.name, url });
      }
    }
    // Ports with a backend variable admit the backend; the others admit only the service's own tasks.
    for (const task of this.layout.tasks) {
      for (const c of task.containers) {
        const port = ec2.Port.tcp(c.component.port);
        if (c.component.ingressEnv) {
          groups[task.name].addIngressRule(props.backendSecurityGroup, port, `backend to ${task.name} ${c.component.name}`);
        } else {
          for (const peer of this.layout.tasks.filter((t) => t.service === task.service && t !== task)) {
            // Both directions: the peer's egress is closed unless opened here.
            groups[task.name].connections.allowFrom(groups[peer.name], port, `${peer.name} to ${task.name} ${c.component.name}`);
          }
        }
      }
    }
    this.services = services;
    this.securityGroups = groups;
    this.endpoints = endpoints;
  }

  private taskDefinition(task: TaskLayout, images: ServiceImages, logGroup: logs.ILogGroup, fargateArch: Architecture): ecs.TaskDefinition {
    const onFargate = task.capacity === 'fargate';
    const taskDef: ecs.TaskDefinition = onFargate
      ? new ecs.FargateTaskDefinition(this, `${task.name}-Task`, {
        cpu: task.fargateSize!.cpu,
        memoryLimitMiB: task.fargateSize!.memoryMiB,
        runtimePlatform: {
          operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
          cpuArchitecture: fargateArch === 'arm64' ? ecs.CpuArchitecture.ARM64 : ecs.CpuArchitecture.X86_64,
        },
      })
      // Task-level CPU and memory on EC2 are the hard ceiling: the sum of the containers' limits.
      : new ecs.TaskDefinition(this, `${task.name}-Task`, {
        compatibility: ecs.Compatibility.EC2,
        networkMode: ecs.NetworkMode.AWS_VPC,
        cpu: String(task.containers.reduce((s, c) => s + c.cpuLimitUnits, 0)),
        memoryMiB: String(task.containers.reduce((s, c) => s + c.memoryLimitMiB, 0)),
      });
    for (const c of task.containers) {
      addPlannedContainer(this, taskDef, { task, container: c, images, logGroup, onFargate, scratchSizeMiB: this.options.ecs.scratchSizeMiB });
    }
    const planned = Object.keys(task.plan.env);
    acknowledgeNag(taskDef, 'AwsSolutions-ECS2', `The container environment holds no secrets: at most AWS_REGION (which aws-cdk-lib adds to EC2 task definitions)${planned.length ? ` and the plan's mode switch ${planned.join(', ')}` : ''}.`);
    return taskDef;
  }

  private service(task: TaskLayout, taskDefinition: ecs.TaskDefinition, sg: ec2.SecurityGroup, providers: Partial<Record<CapacityId, ecs.AsgCapacityProvider>>): ecs.BaseService {
    const cloudMapOptions: ecs.CloudMapOptions = {
      name: task.name,
      cloudMapNamespace: this.namespace,
      dnsRecordType: servicediscovery.DnsRecordType.A,
      dnsTtl: Duration.seconds(10),
    };
    const common = {
      cloudMapOptions,
      cluster: this.cluster,
      desiredCount: task.plan.replicas,
      securityGroups: [sg, ...this.egress.groups],
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      minHealthyPercent: 50,
      maxHealthyPercent: 200,
      circuitBreaker: { rollback: true },
    };
    if (task.capacity === 'fargate') {
      return new ecs.FargateService(this, `${task.name}-Service`, {
        ...common,
        taskDefinition: taskDefinition as ecs.FargateTaskDefinition,
        assignPublicIp: false,
        // The plan's platform version (catalog: minimumPlatformVersion) is one of the enum's values.
        platformVersion: (task.plan.minimumVersions.fargatePlatform as ecs.FargatePlatformVersion | undefined) ?? ecs.FargatePlatformVersion.LATEST,
      });
    }
    const provider = providers[task.capacity]!;
    const service = new ecs.Ec2Service(this, `${task.name}-Service`, {
      ...common,
      taskDefinition,
      capacityProviderStrategies: [{ capacityProvider: provider.capacityProviderName, weight: 1 }],
      // Defence in depth: even a wrong strategy cannot put the task on another capacity's hosts.
      placementConstraints: [ecs.PlacementConstraint.memberOf(`attribute:${CAPACITY_ATTRIBUTE} == ${task.capacity}`)],
    });
    service.node.addDependency(this.cluster);
    return service;
  }
}
