import { CONTAINER_DEFAULT_CAPABILITIES } from './common';
import { assumed, observed, verified } from './facts';
import { platformsDoc, SOURCES } from './sources';
import { TargetFacts } from './types';

/** Amazon ECS on EC2 container instances with Docker (docs/platforms.md#ecs-ec2). */
export const ECS_EC2: TargetFacts = {
  name: 'ecs-ec2',
  displayName: 'Amazon ECS on EC2',
  kind: 'ecs',
  privileged: verified(true, `ContainerDefinition.privileged: ${SOURCES.ecsContainerDefinition}`, 'Unless the agent sets ECS_DISABLE_PRIVILEGED=true'),
  addableCapabilities: verified('any', `KernelCapabilities.add accepts any capability or ALL: ${SOURCES.ecsKernelCapabilities}`),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, SOURCES.mobyDefaultCaps),
  customSeccomp: observed(
    false,
    `seccomp is not an accepted dockerSecurityOptions value: ${SOURCES.ecsAgentNoSeccomp}`,
    'Per task: no. Daemon-wide through /etc/docker/daemon.json "seccomp-profile": yes',
  ),
  profileDelivery: verified(['docker-daemon-default'], `dockerd --seccomp-profile / daemon.json "seccomp-profile": ${SOURCES.dockerdReference}`),
  defaultSeccomp: verified('docker-default', `Docker's default profile unless the daemon is reconfigured: ${SOURCES.dockerdReference}`),
  hostPath: verified('any', `volumes[].host.sourcePath: ${SOURCES.ecsTaskDefinition}`),
  hostNamespaces: verified(true, `pidMode host and ipcMode host allowed: ${SOURCES.ecsTaskDefinition}`),
  daemonSets: verified(false, 'ECS has daemon services, not DaemonSets'),
  gvisor: assumed('self-installed', `self-install runsc as a Docker runtime (${platformsDoc('ecs-ec2')})`),
  userNamespaces: verified({ supported: false }, `no per-task user namespaces; Docker userns-remap is daemon-wide: ${SOURCES.dockerdReference}`),
  procMount: assumed({ unmasked: false }, 'ECS task definitions have no way to unmask /proc (no systempaths option)'),
  admission: observed('RegisterTaskDefinition ClientException; agent and daemon errors at run time', platformsDoc('ecs-ec2')),
  nodeOs: ['al2023'],
  securityModule: assumed({ al2023: 'selinux' }, `ECS-optimized AL2023 AMI (${platformsDoc('ecs-ec2')})`),
  appArmorProfiles: assumed(false, 'the ECS-optimized AL2023 AMI runs SELinux, not AppArmor'),
  egressFilter: verified({ by: 'security-group', unfiltered: [
    'the task metadata endpoint 169.254.170.2 (task metadata and the task role\'s credentials; the kit\'s task roles hold no permissions)',
    'the Amazon-provided DNS resolver (queries can carry data out)',
    'Amazon Time Sync 169.254.169.123',
  ] }, SOURCES.sgUnfiltered),
  clusterDns: verified({ resolvers: [] }, 'ECS has no cluster DNS; the Amazon-provided resolver answers Cloud Map names'),
  processLimit: verified({ setBy: 'kit', where: 'ECS_TASK_PIDS_LIMIT in the capacity\'s agent configuration (pids.max of each task cgroup)' }, SOURCES.ecsTaskPidsLimit),
  noNewPrivileges: verified(true, `dockerSecurityOptions accepts no-new-privileges: ${SOURCES.ecsContainerDefinition}`),
  vmPerWorkload: verified(false, 'tasks share the container instance kernel'),
  alternativeForSandbox: 'an EC2 capacity provider whose instances run the kit\'s Docker seccomp profile (target ecs-ec2)',
  platformRules: verified([], `RegisterTaskDefinition accepts what the kit renders for EC2 tasks: ${SOURCES.ecsContainerDefinition}`),
  ecsLaunchType: 'EC2',
};
