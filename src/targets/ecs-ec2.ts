import { CONTAINER_DEFAULT_CAPABILITIES } from './common';
import { assumed, observed, verified } from './facts';
import { TargetFacts } from './types';

/** Amazon ECS on EC2 container instances with Docker (platforms.md §6). */
export const ECS_EC2: TargetFacts = {
  name: 'ecs-ec2',
  displayName: 'Amazon ECS on EC2',
  kind: 'ecs',
  privileged: verified(true, 'platforms.md §6: ContainerDefinition.privileged', 'Unless the agent sets ECS_DISABLE_PRIVILEGED=true'),
  addableCapabilities: verified('any', 'platforms.md §6: KernelCapabilities.add accepts any capability or ALL'),
  defaultCapabilities: verified(CONTAINER_DEFAULT_CAPABILITIES, 'moby oci/caps/defaults.go'),
  customSeccomp: observed(
    false,
    'platforms.md §6: seccomp is not an accepted dockerSecurityOptions value (amazon-ecs-agent#896, containers-roadmap#356)',
    'Per task: no. Daemon-wide through /etc/docker/daemon.json "seccomp-profile": yes',
  ),
  profileDelivery: verified(['docker-daemon-default'], 'platforms.md §6: dockerd --seccomp-profile / daemon.json "seccomp-profile"'),
  defaultSeccomp: verified('docker-default', 'platforms.md §0: Docker default profile unless the daemon is reconfigured'),
  hostPath: verified('any', 'platforms.md §0: volumes[].host.sourcePath'),
  hostNamespaces: verified(true, 'platforms.md §6: pidMode host and ipcMode host allowed'),
  daemonSets: verified(false, 'ECS has daemon services, not DaemonSets'),
  gvisor: assumed('self-installed', 'platforms.md §0: self-install runsc as a Docker runtime'),
  userNamespaces: verified({ supported: false }, 'platforms.md §0: n/a, Docker userns-remap is daemon-wide'),
  procMount: assumed({ unmasked: false }, 'ECS task definitions have no way to unmask /proc (no systempaths option)'),
  admission: observed('RegisterTaskDefinition ClientException; agent and daemon errors at run time', 'platforms.md §0'),
  nodeOs: ['al2023'],
  securityModule: assumed({ al2023: 'selinux' }, 'ECS-optimized AL2023 AMI'),
  noNewPrivileges: verified(true, 'platforms.md §6: dockerSecurityOptions accepts no-new-privileges'),
  vmPerWorkload: verified(false, 'tasks share the container instance kernel'),
  alternativeForSandbox: 'an EC2 capacity provider whose instances run the kit\'s Docker seccomp profile (target ecs-ec2)',
};
