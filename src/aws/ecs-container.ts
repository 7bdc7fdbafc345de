import { Duration } from 'aws-cdk-lib';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ContainerLayout, TaskLayout } from './ecs-layout';
import { ServiceImages } from './images';
import { ECS_MAX_STOP_TIMEOUT_SECONDS } from '../targets/retool';

/** Health check command that needs only the Node.js runtime of the service images (no curl). */
export function healthCommand(port: number, path: string): string[] {
  const script = `require('http').get('http://127.0.0.1:${port}${path}',r=>process.exit(r.statusCode<400?0:1)).on('error',()=>process.exit(1))`;
  return ['CMD', 'node', '-e', script];
}

/** What {@link addPlannedContainer} needs besides the task definition. */
export interface PlannedContainerOptions {
  /** The ECS service the container belongs to. */
  readonly task: TaskLayout;
  /** The container and its settings from the plan. */
  readonly container: ContainerLayout;
  /** Where the image comes from. */
  readonly images: ServiceImages;
  /** Log group of the stack. */
  readonly logGroup: logs.ILogGroup;
  /** Whether the task runs on Fargate (no privileged flag, no docker security options, no tmpfs). */
  readonly onFargate: boolean;
  /** Size of each writable tmpfs on EC2, MiB. */
  readonly scratchSizeMiB: number;
}

/** Add one container to a task definition with exactly the plan's settings. */
export function addPlannedContainer(scope: Construct, taskDef: ecs.TaskDefinition, options: PlannedContainerOptions): ecs.ContainerDefinition {
  const { task, container: c, images, logGroup, onFargate } = options;
    const sec = c.security;
    const linuxParameters = new ecs.LinuxParameters(scope, `${task.name}-${c.component.name}-Linux`, { initProcessEnabled: true });
    const known = Object.values(ecs.Capability) as string[];
    for (const cap of [...sec.capabilitiesAdd, ...sec.capabilitiesDrop]) {
      if (!known.includes(cap)) throw new Error(`services.${task.service}: capability ${cap} is not one ECS accepts (${known.join(', ')})`);
    }
    if (sec.capabilitiesAdd.length) linuxParameters.addCapabilities(...(sec.capabilitiesAdd as ecs.Capability[]));
    if (sec.capabilitiesDrop.length) linuxParameters.dropCapabilities(...(sec.capabilitiesDrop as ecs.Capability[]));
    if (sec.readOnlyRootFilesystem && !onFargate) {
      for (const path of sec.writablePaths) {
        // Kernel tmpfs default mode is 1777, so the non-root user can write it.
        linuxParameters.addTmpfs({ containerPath: path, size: options.scratchSizeMiB, mountOptions: [ecs.TmpfsMountOption.RW, ecs.TmpfsMountOption.NOSUID, ecs.TmpfsMountOption.NODEV] });
      }
    }
    const healthPath = c.component.healthPath;
    const container = taskDef.addContainer(c.component.name, {
      image: images.ecsImage(task.plan),
      essential: true,
      cpu: c.cpuReservationUnits,
      memoryReservationMiB: c.memoryReservationMiB,
      memoryLimitMiB: c.memoryLimitMiB,
      // Retool's executor images start as root and drop to retool_user themselves: their own user, as Retool's templates.
      user: sec.imageUser ? undefined : `${sec.runAsUser}:${sec.runAsGroup}`,
      // Retool's 391 s grace lets running workflow steps finish; ECS allows at most 120 s (a departure explain states).
      ...(c.component.runsUserCode && task.plan.terminationGracePeriodSeconds !== undefined
        ? { stopTimeout: Duration.seconds(Math.min(task.plan.terminationGracePeriodSeconds, ECS_MAX_STOP_TIMEOUT_SECONDS.value)) } : {}),
      readonlyRootFilesystem: sec.readOnlyRootFilesystem,
      privileged: onFargate ? undefined : sec.privileged,
      // no_new_privs; dockerSecurityOptions are invalid on Fargate (ECS ContainerDefinition; docs/platforms.md#ecs-fargate).
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
  return container;
}
