import { TargetFacts } from '../targets/types';
import { SandboxMode } from './modes';
import { RemainingRisk, risk } from './risks';
import { ServiceRequirements } from './services';

/** Retool's risk categories (risks.ts) that remain under a mode, one sentence each. */
export function remainingRisks(req: ServiceRequirements, mode: SandboxMode, facts: TargetFacts, insideGvisor?: 'unsandboxed' | 'rlimits-seccomp'): RemainingRisk[] {
  const filter = facts.egressFilter.value;
  const unit = facts.kind === 'ecs' ? 'task' : 'pod';
  // The agent sandbox's NetworkPolicies leave its pods only DNS and Retool's proxy (3019).
  const egress = req.name === 'agent-sandbox' && filter.by === 'network-policy'
    ? risk('external-misuse', 'Sandboxed code reaches nothing but DNS and Retool\'s egress proxy, which forwards to whatever its ALLOWED_DOMAINS and the proxy\'s own NetworkPolicy (the internet, less the private and metadata ranges) admit, with the credentials it injects, so attacks can still be launched through it.')
    : risk('external-misuse', `Sandboxed code can still reach the internet and whatever else the ${filter.by === 'network-policy' ? 'NetworkPolicies' : 'security groups'} let the ${unit} reach, so attacks can be launched from it${filter.unfiltered.length ? `; no rule closes ${filter.unfiltered.join('; ')}` : ''}.`);
  const host = facts.vmPerWorkload.value ? 'the Fargate microVM of this task' : 'the node';
  return [...modeRisks(mode, egress, host, insideGvisor), ...targetRisks(facts, unit)];
}

/** Risks of the target itself, whatever the mode. */
function targetRisks(facts: TargetFacts, unit: string): RemainingRisk[] {
  const out: RemainingRisk[] = [];
  const pl = facts.processLimit.value;
  if (pl.setBy === 'none') out.push(risk('system', `Nothing bounds the processes of one ${unit} (${pl.where}), so a fork bomb exhausts what that ${unit} can use.`));
  return out;
}

function modeRisks(mode: SandboxMode, egress: RemainingRisk, host: string, insideGvisor?: 'unsandboxed' | 'rlimits-seccomp'): RemainingRisk[] {
  switch (mode) {
    case 'privileged':
      return [
        risk('system', 'An escape from the jail lands in a privileged container, which has full control of the node.'),
        risk('data', 'After an escape, the node\'s credentials and every other workload\'s secrets on the node are reachable.'),
        egress,
      ];
    case 'seccomp':
      return [
        risk('system', `A kernel bug reachable from an unprivileged user namespace (the profile's additions widen that surface) could break out of the jail and the container to ${host}.`),
        egress,
      ];
    case 'gvisor-runtimeclass': {
      const sentry = risk('system', 'An escape from gVisor\'s Sentry would reach the node kernel; host seccomp and AppArmor do not apply inside the sandbox.');
      if (!insideGvisor) return [sentry, egress];
      // Inside gVisor there is no per-run jail (NsJail cannot create namespaces there): runs share the pod.
      const what = insideGvisor === 'unsandboxed' ? 'User code runs as the service\'s own process inside gVisor' : 'Inside gVisor, user code runs with only rlimits and a syscall filter, in the service\'s filesystem and network';
      return [
        risk('data', `${what}, so it can read the service's environment, credentials and any data passing through it.`),
        risk('account', 'It can act with the service\'s credentials on behalf of other users of the deployment.'),
        risk('execution', 'It can leave files or processes behind that change the results of later runs in the same pod.'),
        sentry,
        egress,
      ];
    }
    case 'rlimits-seccomp':
    case 'unsandboxed': {
      const what = mode === 'unsandboxed' ? 'User code runs as the service\'s own process' : 'User code runs with only rlimits and a syscall filter, in the service\'s filesystem and network';
      return [
        risk('data', `${what}, so it can read the service's environment, credentials and any data passing through it.`),
        risk('account', 'It can act with the service\'s credentials on behalf of other users of the deployment.'),
        risk('execution', 'It can leave files or processes behind that change the results of later runs.'),
        risk('system', `It can delete or modify anything writable in the container; ${host} is the only boundary left.`),
        egress,
      ];
    }
  }
}
