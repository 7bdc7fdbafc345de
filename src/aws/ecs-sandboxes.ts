import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import { Construct } from 'constructs';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { Architecture } from '../targets/types';
import { CapacityId, ContainerLayout, Ec2Capacity, ecsLayout, EcsLayout, TaskLayout } from './ecs-layout';
import { CAPACITY_ATTRIBUTE, ecsCapacityCommands } from './ecs-user-data';
import { BuildContextWriter, ServiceImages } from './images';
import { ResolvedAwsOptions } from './options';
import { acknowledgeNag } from './nag';
import { ProfileSource } from './profiles';

/** Props of {@link EcsSandboxes}. */
export interface EcsSandboxesProps {
  /** The plan of an ECS target (`ecs-ec2` or `ecs-fargate`). */
  readonly plan: DeploymentPlan;
  /** Renderer options with defaults applied (see `resolveAwsOptions`). */
  readonly options: ResolvedAwsOptions;
  /** VPC of the cluster; tasks and instances go to its private subnets. */
  readonly vpc: ec2.IVpc;
  /** The only security group admitted on the service ports. */
  readonly backendSecurityGroup: ec2.ISecurityGroup;
  /** The kit's seccomp profiles. */
  readonly profiles: ProfileSource;
  /**
   * Writes the runtime images' build context, when `options.buildImages` is true.
   * @default none: buildImages must be false
   */
  readonly buildContext?: BuildContextWriter;
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

/** The ECS architecture of an instance type. */
export function instanceArchitecture(instanceType: string): Architecture {
  return new ec2.InstanceType(instanceType).architecture === ec2.InstanceArchitecture.ARM_64 ? 'arm64' : 'amd64';
}

/**
 * Everything about an ECS plan that can fail, checked without creating a construct (the app runs
 * it before it creates the App, so that a failure writes nothing). Returns the layout.
 */
export function checkEcsPlan(plan: DeploymentPlan, options: ResolvedAwsOptions): EcsLayout {
  const layout = ecsLayout(plan, options);
  const problems: ConfigProblem[] = [];
  if (layout.ec2Capacities.length) {
    const arch = instanceArchitecture(options.ecs.instanceType);
    for (const s of plan.services) {
      if (s.placement === 'ecs-ec2' && !s.architectures.includes(arch)) {
        problems.push({
          field: 'aws.renderer.ecs.instanceType',
          message: `${options.ecs.instanceType} is ${arch}, but the plan of ${s.service} is for ${s.architectures.join(', ')}`,
          alternatives: [`an instance type of ${s.architectures.join(' or ')}`, `architectures: [..., "${arch}"]`],
        });
        break;
      }
    }
    if (options.ecs.clusterName) {
      problems.push({
        field: 'aws.renderer.ecs.clusterName',
        message: `this plan needs EC2 capacity providers (${layout.ec2Capacities.map((c) => c.id).join(', ')}), which the kit adds only to a cluster it creates`,
        alternatives: ['remove clusterName'],
      });
    }
  }
  if (problems.length) throw new SandboxConfigError(`sandbox-kit cannot render target "${plan.target}" on ECS`, problems);
  return layout;
}

/** Health check command that needs only the Node.js runtime of the service images (no curl). */
export function healthCommand(port: number, path: string): string[] {
  const script = `require('http').get('http://127.0.0.1:${port}${path}',r=>process.exit(r.statusCode<400?0:1)).on('error',()=>process.exit(1))`;
  return ['CMD', 'node', '-e', script];
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
  /** Capacity providers by capacity id. */
  public readonly capacityProviders: Readonly<Partial<Record<CapacityId, ecs.AsgCapacityProvider>>>;
  /** Endpoints for the backend. */
  public readonly endpoints: readonly ServiceEndpoint[];
  /** Cloud Map namespace. */
  public readonly namespace: servicediscovery.PrivateDnsNamespace;
  private readonly options: ResolvedAwsOptions;

  constructor(scope: Construct, id: string, props: EcsSandboxesProps) {
    super(scope, id);
    const { plan, options, vpc } = props;
    this.options = options;
    this.layout = checkEcsPlan(plan, options);
    const ec2Arch = instanceArchitecture(options.ecs.instanceType);

    if (options.ecs.clusterName) {
      this.cluster = ecs.Cluster.fromClusterAttributes(this, 'Cluster', { clusterName: options.ecs.clusterName, vpc });
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
      providers[capacity.id] = this.addCapacity(capacity, ec2Arch, props);
    }
    this.capacityProviders = providers;

    const fargateArch: Architecture = plan.services.some((s) => s.placement === 'ecs-fargate' && !s.architectures.includes('amd64')) ? 'arm64' : 'amd64';
    const images = {
      ec2: new ServiceImages(this, { buildImages: options.buildImages, buildContext: props.buildContext, architecture: ec2Arch }),
      fargate: new ServiceImages(new Construct(this, 'FargateImages'), { buildImages: options.buildImages, buildContext: props.buildContext, architecture: fargateArch }),
    };

    const services: Record<string, ecs.BaseService> = {};
    const groups: Record<string, ec2.SecurityGroup> = {};
    const endpoints: ServiceEndpoint[] = [];
    for (const task of this.layout.tasks) {
      const sg = new ec2.SecurityGroup(this, `${task.name}-SecurityGroup`, {
        vpc,
        description: `sandbox-kit ${task.name}: service ports open to the backend only`,
        allowAllOutbound: true,
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
            groups[task.name].addIngressRule(groups[peer.name], port, `${peer.name} to ${task.name} ${c.component.name}`);
          }
        }
      }
    }
    this.services = services;
    this.securityGroups = groups;
    this.endpoints = endpoints;
  }

  private addCapacity(capacity: Ec2Capacity, arch: Architecture, props: EcsSandboxesProps): ecs.AsgCapacityProvider {
    const { options, vpc } = props;
    const id = capacity.id;
    const userData = ec2.UserData.forLinux();
    userData.addCommands(...ecsCapacityCommands(capacity, props.profiles));
    const role = new iam.Role(this, `${id}-InstanceRole`, {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `sandbox-kit ${id} container instances`,
    });
    const securityGroup = new ec2.SecurityGroup(this, `${id}-InstanceSecurityGroup`, {
      vpc,
      description: `sandbox-kit ${id} container instances: no inbound (tasks use awsvpc)`,
      allowAllOutbound: true,
    });
    const launchTemplate = new ec2.LaunchTemplate(this, `${id}-LaunchTemplate`, {
      machineImage: ecs.EcsOptimizedImage.amazonLinux2023(arch === 'arm64' ? ecs.AmiHardwareType.ARM : ecs.AmiHardwareType.STANDARD),
      instanceType: new ec2.InstanceType(options.ecs.instanceType),
      userData,
      role,
      securityGroup,
      requireImdsv2: true,
      // Containers in bridge or host mode cannot reach IMDS either (awsvpc tasks are blocked by the agent).
      httpPutResponseHopLimit: 1,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(30, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    const asg = new autoscaling.AutoScalingGroup(this, `${id}-Asg`, {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      launchTemplate,
      minCapacity: options.ecs.minCapacity,
      maxCapacity: options.ecs.maxCapacity,
    });
    const provider = new ecs.AsgCapacityProvider(this, `${id}-CapacityProvider`, {
      autoScalingGroup: asg,
      enableManagedTerminationProtection: false,
      // ECS drains tasks off instances before scale-in ends them (no lifecycle-hook Lambda).
      enableManagedDraining: true,
    });
    (this.cluster as ecs.Cluster).addAsgCapacityProvider(provider);
    acknowledgeNag(role, 'AwsSolutions-IAM5[Resource::*]', 'The ECS container agent policy that aws-cdk-lib attaches: ecs:DiscoverPollEndpoint, ecr:GetAuthorizationToken and logs calls accept no resource scoping.');
    acknowledgeNag(role, 'AwsSolutions-IAM5[Action::ecs:Submit*]', 'The ECS container agent reports task and container state with the ecs:Submit* family, scoped by aws-cdk-lib to this cluster.');
    acknowledgeNag(asg, 'AwsSolutions-AS3', 'The ECS capacity provider owns scaling of this group; scaling shows in ECS service events and Container Insights, so no separate SNS notifications.');
    return provider;
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
    for (const c of task.containers) this.container(task, taskDef, c, images, logGroup, onFargate);
    acknowledgeNag(taskDef, 'AwsSolutions-ECS2', `Environment holds no secrets: AWS_REGION (added by aws-cdk-lib for the awslogs driver)${Object.keys(task.plan.env).length ? ` and the plan's ${Object.keys(task.plan.env).join(', ')}` : ''}.`);
    return taskDef;
  }

  private container(task: TaskLayout, taskDef: ecs.TaskDefinition, c: ContainerLayout, images: ServiceImages, logGroup: logs.ILogGroup, onFargate: boolean): void {
    const sec = c.security;
    const linuxParameters = new ecs.LinuxParameters(this, `${task.name}-${c.component.name}-Linux`, { initProcessEnabled: true });
    const known = Object.values(ecs.Capability) as string[];
    for (const cap of [...sec.capabilitiesAdd, ...sec.capabilitiesDrop]) {
      if (!known.includes(cap)) throw new Error(`services.${task.service}: capability ${cap} is not one ECS accepts (${known.join(', ')})`);
    }
    if (sec.capabilitiesAdd.length) linuxParameters.addCapabilities(...(sec.capabilitiesAdd as ecs.Capability[]));
    if (sec.capabilitiesDrop.length) linuxParameters.dropCapabilities(...(sec.capabilitiesDrop as ecs.Capability[]));
    if (sec.readOnlyRootFilesystem && !onFargate) {
      for (const path of sec.writablePaths) {
        // Kernel tmpfs default mode is 1777, so the non-root user can write it.
        linuxParameters.addTmpfs({ containerPath: path, size: this.options.ecs.scratchSizeMiB, mountOptions: [ecs.TmpfsMountOption.RW, ecs.TmpfsMountOption.NOSUID, ecs.TmpfsMountOption.NODEV] });
      }
    }
    const healthPath = c.component.healthPath;
    const container = taskDef.addContainer(c.component.name, {
      image: images.ecsImage(task.plan),
      essential: true,
      cpu: c.cpuReservationUnits,
      memoryReservationMiB: c.memoryReservationMiB,
      memoryLimitMiB: c.memoryLimitMiB,
      user: `${sec.runAsUser}:${sec.runAsGroup}`,
      readonlyRootFilesystem: sec.readOnlyRootFilesystem,
      privileged: onFargate ? undefined : sec.privileged,
      // no_new_privs; dockerSecurityOptions are invalid on Fargate (platforms.md §5).
      dockerSecurityOptions: !onFargate && !sec.allowPrivilegeEscalation ? ['no-new-privileges'] : undefined,
      linuxParameters,
      environment: c.component.runsUserCode && Object.keys(task.plan.env).length ? { ...task.plan.env } : undefined,
      portMappings: [{ containerPort: c.component.port, protocol: ecs.Protocol.TCP }],
      healthCheck: {
        command: healthCommand(c.component.port, healthPath),
        interval: Duration.seconds(30),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: `${task.name}-${c.component.name}` }),
    });
    if (sec.readOnlyRootFilesystem && onFargate) {
      sec.writablePaths.forEach((path, i) => {
        const name = `${c.component.name}-scratch-${i}`;
        taskDef.addVolume({ name });
        container.addMountPoints({ sourceVolume: name, containerPath: path, readOnly: false });
      });
    }
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
      securityGroups: [sg],
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
        platformVersion: task.plan.minimumVersions.fargatePlatform === '1.4.0' ? ecs.FargatePlatformVersion.VERSION1_4 : ecs.FargatePlatformVersion.LATEST,
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
