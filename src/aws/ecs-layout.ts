import * as ecs from 'aws-cdk-lib/aws-ecs';
import { ConfigProblem, SandboxConfigError } from '../policy/errors';
import { ContainerSecurity, DeploymentPlan, SandboxPlan } from '../policy/plan';
import { parseCpu, memoryMiB } from '../policy/quantity';
import { ProfileName, ResourceQuantities, ServiceComponent, ServiceName } from '../policy/services';
import { describeMemory, FARGATE_TASK_SIZES, fargatePairProblem, FargateTaskSize, smallestFargateSize } from './fargate-sizes';
import { TARGET_NAMES, TARGETS } from '../targets';
import { instanceArchitecture } from './instance-architecture';
import { ECS_PLATFORM_PACKS } from './rules';
import { AwsFieldNames, KIT_FILE_FIELDS, scoped } from './field-names';
import { ResolvedAwsOptions } from './options';

/**
 * Where a task runs. EC2 capacity is split by what the host imposes on every container on it:
 * a daemon-wide seccomp profile (one capacity per profile), privileged containers (their own
 * hosts), or neither.
 */
export type CapacityId = 'fargate' | 'ec2-standard' | 'ec2-privileged' | `ec2-seccomp-${ProfileName}`;

/** One EC2 capacity provider the plan needs. */
export interface Ec2Capacity {
  /** Capacity id, also the instance attribute tasks are constrained to. */
  readonly id: Exclude<CapacityId, 'fargate'>;
  /** The kit profile dockerd applies to every container on these hosts. */
  readonly dockerProfile?: ProfileName;
  /** Where the plan puts that profile on the host (`dockerProfilePath`). */
  readonly dockerProfilePath?: string;
  /** Whether any task on it is privileged (else the agent refuses privileged containers). */
  readonly privileged: boolean;
  /** ECS_TASK_PIDS_LIMIT: the largest pidsLimit of the plans placed on it. */
  readonly taskPidsLimit: number;
}

/** One container: one component of a service with its security settings. */
export interface ContainerLayout {
  /** Component. */
  readonly component: ServiceComponent;
  /** Settings from the plan (`sandbox` for user-code components, `supporting` for the others). */
  readonly security: ContainerSecurity;
  /** CPU units reserved (the requests) and the ceiling (the limits; enforced at task level). */
  readonly cpuReservationUnits: number;
  readonly cpuLimitUnits: number;
  /** Memory (MiB): reservation (requests) and hard limit (limits). */
  readonly memoryReservationMiB: number;
  readonly memoryLimitMiB: number;
}

/** One ECS service: the containers of one service that share a capacity. */
export interface TaskLayout {
  /** Service of the plan. */
  readonly service: ServiceName;
  /** Cloud Map name and construct id (`code-executor`, `agent-sandbox-sandbox`). */
  readonly name: string;
  /** The plan. */
  readonly plan: SandboxPlan;
  /** Capacity. */
  readonly capacity: CapacityId;
  /** Containers. */
  readonly containers: readonly ContainerLayout[];
  /** Fargate task size, for Fargate tasks. */
  readonly fargateSize?: FargateTaskSize;
}

/** The ECS layout of a plan. */
export interface EcsLayout {
  /** Tasks, in plan order. */
  readonly tasks: readonly TaskLayout[];
  /** EC2 capacity providers needed. */
  readonly ec2Capacities: readonly Ec2Capacity[];
}

/** The ECS targets of the catalog. */
const ECS_TARGETS = TARGET_NAMES.filter((t) => TARGETS[t].ecsLaunchType);

/** Capability names ECS task definitions accept (KernelCapabilities). */
const ECS_CAPABILITIES: readonly string[] = Object.values(ecs.Capability);


/** CPU units (1024 per vCPU) of a Kubernetes CPU quantity, rounded up. */
export function cpuUnits(quantity: string): number {
  const milli = parseCpu(quantity);
  if (milli === undefined) throw new Error(`not a CPU quantity: ${quantity}`);
  return Math.ceil((milli * 1024) / 1000);
}

function capacityOf(plan: SandboxPlan, sec: ContainerSecurity, field: string, problems: ConfigProblem[]): CapacityId | undefined {
  const facts = TARGETS[plan.placement];
  const onFargate = facts.ecsLaunchType === 'FARGATE';
  const bad = (message: string, ...alternatives: string[]) => { problems.push({ field, message, alternatives }); return undefined; };
  if (!facts.ecsLaunchType) {
    return bad(`the plan places ${plan.service} on ${plan.placement}, which the ECS renderer does not render`, `an ECS target (${ECS_TARGETS.map((t) => `"${t}"`).join(', ')})`);
  }
  // Settings ECS cannot express: refuse rather than drop them.
  if (sec.runtimeClassName) return bad(`runtimeClassName "${sec.runtimeClassName}" has no ECS equivalent`, 'a Kubernetes target');
  if (!sec.hostUsers) return bad('hostUsers: false (user namespaces) has no ECS equivalent', 'a Kubernetes target');
  if (sec.procMount !== 'Default') return bad(`procMount ${sec.procMount} has no ECS equivalent`, 'a Kubernetes target');
  const unknownCaps = [...sec.capabilitiesAdd, ...sec.capabilitiesDrop].filter((c) => !ECS_CAPABILITIES.includes(c));
  if (unknownCaps.length) return bad(`capabilities ${unknownCaps.join(', ')} are not ones ECS accepts`, `names from ${ECS_CAPABILITIES.join(', ')}`);
  if (sec.appArmor && sec.appArmor.type !== 'RuntimeDefault') return bad(`AppArmor ${sec.appArmor.type} is not rendered on ECS (the ECS-optimized AL2023 AMI has no AppArmor)`, 'a Kubernetes target');
  if (onFargate) {
    // The platform's own rules (catalog: platformRules), each a unit in src/aws/rules/.
    const findings = facts.platformRules.value.flatMap((pack) => (ECS_PLATFORM_PACKS[pack] ?? []).flatMap((rule) => rule.checkContainer(sec)));
    const elsewhere = [...(facts.mixedCapacity ? [`services.${plan.service}.capacity: "ec2"`] : []), ...ECS_TARGETS.filter((t) => TARGETS[t].ecsLaunchType === 'EC2').map((t) => `target "${t}"`)];
    if (findings.length) return bad(findings.join('; '), ...elsewhere);
    return 'fargate';
  }
  if (sec.privileged) return 'ec2-privileged';
  switch (sec.seccomp.type) {
    case 'DockerDaemonDefault': return `ec2-seccomp-${sec.seccomp.profile}`;
    case 'RuntimeDefault': return 'ec2-standard';
    case 'Localhost': return bad('Localhost seccomp profiles cannot be set per task on ECS; the plan should use DockerDaemonDefault', 'target "ecs-ec2" with its default profile delivery');
    case 'Unconfined': return bad('an unprivileged container without seccomp cannot be expressed on ECS', 'mode "seccomp"');
  }
}

function fargateSize(plan: SandboxPlan, containers: readonly ContainerLayout[], explicit: FargateTaskSize | undefined, problems: ConfigProblem[], names: AwsFieldNames): FargateTaskSize | undefined {
  const cpu = containers.reduce((s, c) => s + c.cpuLimitUnits, 0);
  const mem = containers.reduce((s, c) => s + c.memoryLimitMiB, 0);
  if (explicit) {
    const field = names.field(`ecs.fargateTaskSizes.${plan.service}`);
    const why = fargatePairProblem(explicit);
    if (why) {
      const fit = smallestFargateSize(cpu, mem);
      problems.push({ field, message: why, alternatives: fit ? [`{ "cpu": ${fit.cpu}, "memoryMiB": ${fit.memoryMiB} } (the smallest that holds the containers' limits)`] : [] });
      return undefined;
    }
    if (explicit.cpu < cpu || explicit.memoryMiB < mem) {
      problems.push({ field, message: `${explicit.cpu} CPU units / ${explicit.memoryMiB} MiB cannot hold the containers' limits (${cpu} units, ${mem} MiB)`, alternatives: [`a size of at least ${cpu} units and ${mem} MiB`, `smaller services.${plan.service}.resources.limits`] });
      return undefined;
    }
    return explicit;
  }
  const fit = smallestFargateSize(cpu, mem);
  if (!fit) {
    const largest = FARGATE_TASK_SIZES[FARGATE_TASK_SIZES.length - 1];
    problems.push({
      field: `services.${plan.service}.resources.limits`,
      message: `no Fargate task size holds ${cpu} CPU units and ${mem} MiB; the largest is ${largest.cpu} units with ${describeMemory(largest)}`,
      alternatives: [`limits within ${largest.cpu / 1024} vCPU and ${largest.memoryMiB[largest.memoryMiB.length - 1] / 1024} GiB`, `services.${plan.service}.capacity: "ec2"`],
    });
  }
  return fit;
}

function containerOf(component: ServiceComponent, security: ContainerSecurity, resources: { requests: ResourceQuantities; limits: ResourceQuantities }): ContainerLayout {
  return {
    component,
    security,
    cpuReservationUnits: cpuUnits(resources.requests.cpu),
    cpuLimitUnits: cpuUnits(resources.limits.cpu),
    memoryReservationMiB: memoryMiB(resources.requests.memory),
    memoryLimitMiB: memoryMiB(resources.limits.memory),
  };
}

/**
 * Lay a plan out as ECS services and capacity providers, or throw one SandboxConfigError with
 * every setting ECS cannot express. Nothing here chooses a security setting: each container
 * carries the plan's, and the capacity follows from what the host must impose. `names` says how
 * problems name the options (kit-file paths, or a construct's props).
 */
export function ecsLayout(deployment: DeploymentPlan, options: ResolvedAwsOptions, names: AwsFieldNames = KIT_FILE_FIELDS): EcsLayout {
  const problems: ConfigProblem[] = [];
  const tasks: TaskLayout[] = [];
  const capacities = new Map<string, Ec2Capacity>();
  if (!TARGETS[deployment.target].ecsLaunchType) {
    throw new SandboxConfigError('sandbox-kit ECS renderer', [{ field: 'target', message: `"${deployment.target}" is not an ECS target`, alternatives: ECS_TARGETS.map((t) => `"${t}"`) }]);
  }
  const supportingResources = { requests: options.ecs.supportingResources, limits: options.ecs.supportingResources };
  for (const plan of deployment.services) {
    const groups = new Map<CapacityId, ContainerLayout[]>();
    for (const component of plan.components) {
      const security = component.runsUserCode ? plan.sandbox : plan.supporting;
      const field = `services.${plan.service}.mode`;
      const cap = capacityOf(plan, security, field, problems);
      if (!cap) continue;
      const list = groups.get(cap) ?? [];
      list.push(containerOf(component, security, component.runsUserCode ? plan.resources : supportingResources));
      groups.set(cap, list);
      if (cap !== 'fargate') {
        const prev = capacities.get(cap);
        const daemon = security.seccomp.type === 'DockerDaemonDefault' && !security.privileged ? security.seccomp : undefined;
        if (daemon && prev?.dockerProfilePath && prev.dockerProfilePath !== daemon.path) {
          problems.push({ field: `services.${plan.service}.mode`, message: `the ${daemon.profile} profile is planned at ${daemon.path} here and at ${prev.dockerProfilePath} for another service; one daemon reads one path`, alternatives: ['plans from one planner version'] });
        }
        capacities.set(cap, {
          id: cap,
          dockerProfile: prev?.dockerProfile ?? daemon?.profile,
          dockerProfilePath: prev?.dockerProfilePath ?? daemon?.path,
          privileged: (prev?.privileged ?? false) || security.privileged,
          taskPidsLimit: Math.max(prev?.taskPidsLimit ?? 0, plan.pidsLimit),
        });
      }
    }
    for (const [capacity, containers] of groups) {
      const hostsIngress = containers.some((c) => c.component.ingressEnv);
      const name = groups.size === 1 || hostsIngress ? plan.service : `${plan.service}-${containers.map((c) => c.component.name).join('-')}`;
      const size = capacity === 'fargate' ? fargateSize(plan, containers, options.ecs.fargateTaskSizes?.[plan.service], problems, names) : undefined;
      tasks.push({ service: plan.service, name, plan, capacity, containers, fargateSize: size });
    }
  }
  for (const [service, size] of Object.entries(options.ecs.fargateTaskSizes ?? {})) {
    if (size && !tasks.some((t) => t.service === service && t.capacity === 'fargate')) {
      problems.push({ field: names.field(`ecs.fargateTaskSizes.${service}`), message: `${service} has no Fargate task in this plan`, alternatives: ['remove it'] });
    }
  }
  if (problems.length) throw new SandboxConfigError(`sandbox-kit cannot render target "${deployment.target}" on ECS`, scoped(problems, names));
  const order: CapacityId[] = ['ec2-seccomp-nsjail', 'ec2-seccomp-gvisor', 'ec2-privileged', 'ec2-standard'];
  const ec2Capacities = [...capacities.values()].sort((a, b) => order.indexOf(a.id) - order.indexOf(b.id));
  return { tasks, ec2Capacities };
}


/**
 * Everything about an ECS plan that can fail, checked without creating a construct (the app runs
 * it before it creates the App, so that a failure writes nothing). Returns the layout. Problems
 * name the options as `names` says: kit-file paths (`aws.renderer.ecs.instanceType`) by default,
 * a construct's props when it checks its own.
 */
export function checkEcsPlan(plan: DeploymentPlan, options: ResolvedAwsOptions, names: AwsFieldNames = KIT_FILE_FIELDS): EcsLayout {
  const layout = ecsLayout(plan, options, names);
  const problems: ConfigProblem[] = [];
  if (layout.ec2Capacities.length) {
    const arch = instanceArchitecture(options.ecs.instanceType);
    for (const s of plan.services) {
      if (TARGETS[s.placement].ecsLaunchType === 'EC2' && !s.architectures.includes(arch)) {
        problems.push({
          field: names.field('ecs.instanceType'),
          message: `${options.ecs.instanceType} is ${arch}, but the plan of ${s.service} is for ${s.architectures.join(', ')}`,
          alternatives: [`an instance type of ${s.architectures.join(' or ')}`, `architectures: [..., "${arch}"]`],
        });
        break;
      }
    }
    if (options.ecs.clusterName) {
      problems.push({
        field: names.field('ecs.clusterName'),
        message: `this plan needs EC2 capacity providers (${layout.ec2Capacities.map((c) => c.id).join(', ')}), which the kit adds only to a cluster it creates`,
        alternatives: ['remove clusterName'],
      });
    }
  }
  if (problems.length) throw new SandboxConfigError(`sandbox-kit cannot render target "${plan.target}" on ECS`, scoped(problems, names));
  return layout;
}
