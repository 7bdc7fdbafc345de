import { assumed, observed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { Capability, TargetFacts } from './types';

/** Fargate's default capability set (observed: aws/containers-roadmap#409). */
export const FARGATE_DEFAULT_CAPABILITIES: readonly Capability[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'NET_BIND_SERVICE', 'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP',
];

/** Amazon ECS on AWS Fargate (docs/platforms.md#ecs-fargate). */
export const ECS_FARGATE: TargetFacts = {
  name: 'ecs-fargate',
  displayName: 'Amazon ECS on Fargate',
  kind: 'ecs',
  privileged: verified(false, `ContainerDefinition.privileged "not supported for tasks run on Fargate": ${SOURCES.ecsContainerDefinition}`),
  addableCapabilities: verified(['SYS_PTRACE'], `KernelCapabilities, platform version >= 1.4.0: ${SOURCES.ecsKernelCapabilities}`),
  defaultCapabilities: observed(FARGATE_DEFAULT_CAPABILITIES, SOURCES.fargateDefaultCaps),
  customSeccomp: verified(false, `dockerSecurityOptions invalid on Fargate (${SOURCES.ecsContainerDefinition}); ${SOURCES.fargateNoSeccomp} open`),
  profileDelivery: verified([], `no custom seccomp on Fargate: ${SOURCES.fargateNoSeccomp}`),
  defaultSeccomp: assumed('docker-default', `not under the task's control (${platformsDoc('ecs-fargate')})`),
  hostPath: assumed('none', `host bind volumes are not available on Fargate (${platformsDoc('ecs-fargate')})`),
  hostNamespaces: verified(false, `pidMode may only be task; ipcMode rejected: ${SOURCES.ecsTaskDefinition}`),
  daemonSets: verified(false, 'Fargate has no nodes'),
  gvisor: verified('none', `a task definition cannot choose its container runtime: ${SOURCES.ecsTaskDefinition}`),
  userNamespaces: verified({ supported: false }, `no user namespace field in a task definition: ${SOURCES.ecsTaskDefinition}`),
  procMount: assumed({ unmasked: false }, `no such task definition field: ${SOURCES.ecsTaskDefinition}`),
  admission: observed('RegisterTaskDefinition ClientException (e.g. "Fargate compatible task definitions do not support ...")', platformsDoc('ecs-fargate')),
  nodeOs: [],
  securityModule: observed({}, `AppArmor unsupported: ${SOURCES.fargateNoAppArmor}`),
  appArmorProfiles: observed(false, SOURCES.fargateNoAppArmor),
  egressFilter: verified({ by: 'security-group', unfiltered: [
    'the task metadata endpoint 169.254.170.2 (task metadata and the task role\'s credentials; the kit\'s task roles hold no permissions)',
    'the Amazon-provided DNS resolver (queries can carry data out)',
  ] }, SOURCES.sgUnfiltered),
  clusterDns: verified({ resolvers: [] }, 'ECS has no cluster DNS; the Amazon-provided resolver answers Cloud Map names'),
  processLimit: assumed({ setBy: 'none', where: 'no task definition field or agent setting bounds processes on Fargate; each task runs in its own microVM' }, SOURCES.ecsTaskDefinition),
  noNewPrivileges: verified(false, `dockerSecurityOptions "isn't valid for containers in tasks using the Fargate launch type": ${SOURCES.ecsContainerDefinition}`),
  vmPerWorkload: verified(true, 'each Fargate task runs in its own microVM'),
  alternativeForSandbox: 'an EC2 capacity provider in the same cluster (set capacity: "ec2" for the service)',
  platformRules: verified(['ecs-fargate'], `${SOURCES.ecsContainerDefinition}; ${SOURCES.ecsKernelCapabilities}`),
  ecsLaunchType: 'FARGATE',
  mixedCapacity: 'ecs-ec2',
  minimumPlatformVersion: verified('1.4.0', `capabilities.add and pidMode task need platform version 1.4.0: ${SOURCES.ecsKernelCapabilities}; ${SOURCES.ecsTaskDefinition}`),
};
