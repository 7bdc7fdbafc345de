import { dockerProfilePath } from '../policy/planner';
import { Ec2Capacity } from './ecs-layout';
import { ProfileSource, writeProfileCommands } from './profiles';

/** Instance attribute that pins each task to its capacity (ECS_INSTANCE_ATTRIBUTES). */
export const CAPACITY_ATTRIBUTE = 'sandbox-kit.capacity';

/**
 * User data of one EC2 capacity, run by cloud-init before the ECS agent starts (the agent's unit
 * is ordered after cloud-final). It fails closed: any error masks the agent, so an instance whose
 * Docker daemon did not take the profile never joins the cluster.
 */
export function ecsCapacityCommands(capacity: Ec2Capacity, profiles: ProfileSource): string[] {
  const lines = [
    'set -euo pipefail',
    "trap 'echo \"sandbox-kit: instance setup failed; the ECS agent stays off\" >&2; systemctl mask --now --no-block ecs.service' ERR",
    'cat >> /etc/ecs/ecs.config <<\'SANDBOX_KIT_ECS_EOF\'',
    // Tasks in awsvpc mode cannot reach the instance role's credentials through IMDS.
    'ECS_AWSVPC_BLOCK_IMDS=true',
    // No plan puts a privileged container here: the agent refuses one.
    ...(capacity.privileged ? [] : ['ECS_DISABLE_PRIVILEGED=true']),
    `ECS_INSTANCE_ATTRIBUTES={"${CAPACITY_ATTRIBUTE}":"${capacity.id}"}`,
    'SANDBOX_KIT_ECS_EOF',
  ];
  if (capacity.dockerProfile) {
    const path = capacity.dockerProfilePath ?? dockerProfilePath(capacity.dockerProfile);
    lines.push(
      // The sandboxes create unprivileged user namespaces (plan node prerequisite): refuse a host without them.
      'test "$(sysctl -n user.max_user_namespaces)" -gt 0',
      `# The kit's Docker-format ${capacity.dockerProfile} profile becomes dockerd's default for every container on these hosts.`,
      ...writeProfileCommands(profiles.docker(capacity.dockerProfile), path),
      // Merge into any daemon.json the AMI ships rather than replace it.
      `python3 -c 'import json,os,sys; p="/etc/docker/daemon.json"; d=json.load(open(p)) if os.path.exists(p) else {}; d["seccomp-profile"]=sys.argv[1]; json.dump(d,open(p,"w"),indent=2)' ${path}`,
      'systemctl restart docker',
      `docker info --format '{{json .SecurityOptions}}' | grep -qF '"name=seccomp,profile=${path}"'`,
    );
  }
  return lines;
}
