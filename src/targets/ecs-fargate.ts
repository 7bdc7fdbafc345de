import { assumed, observed, verified } from './facts';
import { Capability, TargetFacts } from './types';

/** Fargate's default capability set (platforms.md §5 [O] containers-roadmap#409). */
export const FARGATE_DEFAULT_CAPABILITIES: readonly Capability[] = [
  'CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'FSETID', 'KILL', 'SETGID', 'SETUID', 'SETPCAP',
  'NET_BIND_SERVICE', 'NET_RAW', 'SYS_CHROOT', 'MKNOD', 'AUDIT_WRITE', 'SETFCAP',
];

/** Amazon ECS on AWS Fargate (platforms.md §5). */
export const ECS_FARGATE: TargetFacts = {
  name: 'ecs-fargate',
  displayName: 'Amazon ECS on Fargate',
  kind: 'ecs',
  privileged: verified(false, 'platforms.md §5: ContainerDefinition.privileged "not supported for tasks run on Fargate"'),
  addableCapabilities: verified(['SYS_PTRACE'], 'platforms.md §5: KernelCapabilities, platform version >= 1.4.0'),
  defaultCapabilities: observed(FARGATE_DEFAULT_CAPABILITIES, 'platforms.md §5: containers-roadmap#409'),
  customSeccomp: verified(false, 'platforms.md §5: dockerSecurityOptions invalid on Fargate; containers-roadmap#1957 open'),
  profileDelivery: verified([], 'platforms.md §5'),
  defaultSeccomp: assumed('docker-default', 'platforms.md §0: no control'),
  hostPath: assumed('none', 'platforms.md §0: host bind volumes are not available on Fargate'),
  hostNamespaces: verified(false, 'platforms.md §5: pidMode may only be task; ipcMode rejected'),
  daemonSets: verified(false, 'Fargate has no nodes'),
  gvisor: verified('none', 'platforms.md §0'),
  userNamespaces: verified({ supported: false }, 'platforms.md §0: n/a'),
  procMount: assumed({ unmasked: false }, 'platforms.md §5: no such task definition field'),
  admission: observed('RegisterTaskDefinition ClientException (e.g. "Fargate compatible task definitions do not support ...")', 'platforms.md §0'),
  nodeOs: [],
  securityModule: observed({}, 'platforms.md §0: AppArmor unsupported (containers-roadmap#2128)'),
  noNewPrivileges: verified(false, 'platforms.md §5: dockerSecurityOptions "isn\'t valid for containers in tasks using the Fargate launch type"'),
  vmPerWorkload: verified(true, 'each Fargate task runs in its own microVM'),
  alternativeForSandbox: 'an EC2 capacity provider in the same cluster (set capacity: "ec2" for the service)',
};
