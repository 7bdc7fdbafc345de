import { dockerProfilePath } from '../seccomp/locations';
import { Ec2Capacity } from './ecs-layout';
import { ProfileSource, writeProfileCommands } from './profiles';

/** Instance attribute that pins each task to its capacity (ECS_INSTANCE_ATTRIBUTES). */
export const CAPACITY_ATTRIBUTE = 'sandbox-kit.capacity';

/** The check the ECS agent's unit runs before every start (ExecStartPre). */
export const ECS_AGENT_PRECHECK = '/usr/local/sbin/sandbox-kit-ecs-agent-precheck';
/** The drop-in that adds it to ecs.service. */
export const ECS_AGENT_DROP_IN = '/etc/systemd/system/ecs.service.d/50-sandbox-kit.conf';

/** How long the precheck waits for dockerd to answer: attempts x seconds apart. */
export const PRECHECK_ATTEMPTS = 60;
export const PRECHECK_INTERVAL_SECONDS = 2;

/** What the ECS agent of one capacity is told, beyond joining the cluster. */
export interface EcsAgentSettings {
  /** `ECS_TASK_PIDS_LIMIT`: the pids.max of each task's cgroup. */
  readonly taskPidsLimit: number;
}

/**
 * The ECS agent's precheck: the agent starts only where dockerd runs with the kit's profile as
 * its default and unprivileged user namespaces are on. It runs as the agent unit's ExecStartPre,
 * after docker.service (the agent's unit requires docker), so it never waits on cloud-init; its
 * wait for dockerd's API is bounded. A failure fails the agent's start, and systemd's restarts run
 * the check again: the instance never joins the cluster until it passes (fail closed).
 */
export function ecsAgentPrecheckScript(capacity: Ec2Capacity): string {
  const path = capacity.dockerProfilePath ?? dockerProfilePath(capacity.dockerProfile!);
  return [
    '#!/bin/bash',
    '# sandbox-kit: the ECS agent starts only where the sandbox can run (ExecStartPre of ecs.service).',
    'set -uo pipefail',
    'if [ "$(sysctl -n user.max_user_namespaces)" -le 0 ]; then',
    '  echo "sandbox-kit: unprivileged user namespaces are off (user.max_user_namespaces=0); the ECS agent stays off" >&2; exit 1',
    'fi',
    `for attempt in $(seq 1 ${PRECHECK_ATTEMPTS}); do`,
    '  if options=$(timeout 10 docker info --format \'{{json .SecurityOptions}}\' 2>/dev/null); then',
    `    if grep -qF '"name=seccomp,profile=${path}"' <<<"$options"; then exit 0; fi`,
    `    echo "sandbox-kit: dockerd runs without the kit's seccomp profile ${path} as its default ($options); the ECS agent stays off" >&2; exit 1`,
    '  fi',
    `  sleep ${PRECHECK_INTERVAL_SECONDS}`,
    'done',
    `echo "sandbox-kit: dockerd did not answer within ${PRECHECK_ATTEMPTS * PRECHECK_INTERVAL_SECONDS} s; the ECS agent stays off" >&2`,
    'exit 1',
  ].join('\n');
}

/**
 * The cloud-boothook of one EC2 capacity. cloud-init runs boothooks early, on every boot, before
 * docker.service and ecs.service start (both wait for cloud-final, aws/amazon-ecs-agent#1707).
 * So dockerd starts with the kit's profile as its default and is never restarted: a synchronous
 * `systemctl restart docker` inside cloud-final waits for cloud-final itself, the deadlock that
 * issue describes. The hook only writes files (the agent's settings, the profile, daemon.json, the
 * agent's precheck and its drop-in) and reloads systemd's units; it starts nothing and calls no
 * docker command. Any failure masks the agent, so the instance never joins the cluster.
 */
export function ecsCapacityBoothook(capacity: Ec2Capacity, profiles: ProfileSource, agent: EcsAgentSettings): string {
  const lines = [
    '#!/bin/bash',
    `# sandbox-kit: capacity ${capacity.id} (cloud-boothook: runs before docker and the ECS agent start).`,
    'set -euo pipefail',
    "trap 'echo \"sandbox-kit: instance setup failed at line $LINENO; the ECS agent stays off\" >&2; systemctl mask ecs.service' ERR",
    'install -d -m 0755 /etc/ecs',
    // Every boot runs the hook again: replace the kit's block instead of appending a second one.
    'touch /etc/ecs/ecs.config',
    "sed -i '/^# sandbox-kit begin$/,/^# sandbox-kit end$/d' /etc/ecs/ecs.config",
    "cat >> /etc/ecs/ecs.config <<'SANDBOX_KIT_ECS_EOF'",
    '# sandbox-kit begin',
    // Tasks in awsvpc mode cannot reach the instance role's credentials through IMDS.
    'ECS_AWSVPC_BLOCK_IMDS=true',
    // No plan puts a privileged container here: the agent refuses one.
    ...(capacity.privileged ? [] : ['ECS_DISABLE_PRIVILEGED=true']),
    `ECS_INSTANCE_ATTRIBUTES={"${CAPACITY_ATTRIBUTE}":"${capacity.id}"}`,
    // pids.max of every task's cgroup: a fork bomb stays inside its task (RLIMIT_NPROC would not: it counts per uid across the host and does not bind root).
    `ECS_TASK_PIDS_LIMIT=${agent.taskPidsLimit}`,
    '# sandbox-kit end',
    'SANDBOX_KIT_ECS_EOF',
  ];
  if (capacity.dockerProfile) {
    const path = capacity.dockerProfilePath ?? dockerProfilePath(capacity.dockerProfile);
    lines.push(
      // The sandboxes create unprivileged user namespaces (plan node prerequisite): refuse a host without them.
      'test "$(sysctl -n user.max_user_namespaces)" -gt 0',
      `# The kit's Docker-format ${capacity.dockerProfile} profile becomes dockerd's default for every container on these hosts.`,
      ...writeProfileCommands(profiles.docker(capacity.dockerProfile), path),
      'install -d -m 0755 /etc/docker',
      // Merge into any daemon.json the AMI ships rather than replace it.
      `python3 -c 'import json,os,sys; p="/etc/docker/daemon.json"; d=json.load(open(p)) if os.path.exists(p) else {}; d["seccomp-profile"]=sys.argv[1]; json.dump(d,open(p,"w"),indent=2)' ${path}`,
      `install -d -m 0755 ${ECS_AGENT_PRECHECK.slice(0, ECS_AGENT_PRECHECK.lastIndexOf('/'))} ${ECS_AGENT_DROP_IN.slice(0, ECS_AGENT_DROP_IN.lastIndexOf('/'))}`,
      `cat > ${ECS_AGENT_PRECHECK} <<'SANDBOX_KIT_PRECHECK_EOF'`,
      ecsAgentPrecheckScript(capacity),
      'SANDBOX_KIT_PRECHECK_EOF',
      `chmod 0755 ${ECS_AGENT_PRECHECK}`,
      `cat > ${ECS_AGENT_DROP_IN} <<'SANDBOX_KIT_DROPIN_EOF'`,
      '[Service]',
      `ExecStartPre=${ECS_AGENT_PRECHECK}`,
      'SANDBOX_KIT_DROPIN_EOF',
      // Loads the drop-in; reloading starts no unit and waits for no job.
      'systemctl daemon-reload',
    );
  }
  return `${lines.join('\n')}\n`;
}
