import { CfnOutput, Stack } from 'aws-cdk-lib';
import { DeploymentPlan, SandboxPlan } from '../policy/plan';

/** aws-cdk-lib limits a stack description to 512 characters. */
export const DESCRIPTION_LIMIT = 512;

/** `CODE_EXECUTOR_INGRESS_DOMAIN` → `CodeExecutorIngressDomain`. */
export function outputId(name: string): string {
  return name.toLowerCase().split(/[^a-z0-9]+/).filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}

/** Modes whose remaining risks the stack states loudly. */
function isPartial(s: SandboxPlan): boolean {
  return s.mode === 'unsandboxed' || s.mode === 'rlimits-seccomp';
}

/**
 * The stack description: each service's mode and, for partial modes, the risk categories that
 * remain and as many of their sentences as fit (all of them are in the RemainingRisks outputs).
 */
export function stackDescription(plan: DeploymentPlan): string {
  const modes = plan.services.map((s) => `${s.service}: ${s.mode}${s.placement !== plan.target ? ` on ${s.placement}` : ''}`).join('; ');
  let text = `sandbox-kit ${plan.target} (${modes}).`;
  const partial = plan.services.filter(isPartial);
  for (const s of partial) {
    text += ` ${s.service.toUpperCase()} RUNS ${s.mode === 'unsandboxed' ? 'WITH NO SANDBOX' : 'WITH A PARTIAL SANDBOX'}; risks: ${s.risks.map((r) => r.category).join(', ')} (output ${outputId(s.service)}RemainingRisks).`;
  }
  for (const sentence of partial.flatMap((s) => s.risks.map((r) => r.sentence))) {
    if (text.length + 1 + sentence.length > DESCRIPTION_LIMIT) break;
    text += ` ${sentence}`;
  }
  if (text.length > DESCRIPTION_LIMIT) text = `${text.slice(0, DESCRIPTION_LIMIT - 3)}...`;
  return text;
}

/**
 * Outputs every stack carries from its plan: the risks of services in a partial mode, and what
 * each service needs that the stack does not render.
 */
export function planOutputs(stack: Stack, plan: DeploymentPlan): void {
  for (const s of plan.services.filter(isPartial)) {
    new CfnOutput(stack, `${outputId(s.service)}RemainingRisks`, {
      value: `${s.service} runs in mode ${s.mode}. ${s.risks.map((r) => r.sentence).join(' ')}`,
      description: `What ${s.service} user code can still do under mode ${s.mode}.`,
    });
  }
  for (const s of plan.services.filter((x) => x.nodePrerequisites.length)) {
    new CfnOutput(stack, `${outputId(s.service)}Prerequisites`, {
      value: s.nodePrerequisites.join('; '),
      description: `What ${s.service} needs in mode ${s.mode} beyond this stack (from the plan).`,
    });
  }
}
