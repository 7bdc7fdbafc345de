import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DeploymentPlan, SandboxPlan } from '../policy/plan';
import { checkEcsPlan, EcsSandboxes } from './ecs-sandboxes';
import { BuildContextWriter } from './images';
import { ResolvedAwsOptions } from './options';
import { SandboxNetwork } from './network';
import { ProfileSource } from './profiles';

/** Props of {@link EcsSandboxStack}. */
export interface EcsSandboxStackProps extends StackProps {
  /** Plan of `ecs-ec2` or `ecs-fargate`. */
  readonly plan: DeploymentPlan;
  /** Renderer options with defaults applied. */
  readonly options: ResolvedAwsOptions;
  /** The kit's seccomp profiles. */
  readonly profiles: ProfileSource;
  /**
   * Build context writer for `buildImages`.
   * @default none
   */
  readonly buildContext?: BuildContextWriter;
}

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

/** One ECS target's stack: network, cluster, capacity and services, with the endpoints as outputs. */
export class EcsSandboxStack extends Stack {
  /** The services. */
  public readonly sandboxes: EcsSandboxes;

  constructor(scope: Construct, id: string, props: EcsSandboxStackProps) {
    super(scope, id, { ...props, description: props.description ?? stackDescription(props.plan) });
    // Refuse before any construct stages an asset.
    checkEcsPlan(props.plan, props.options);
    const network = new SandboxNetwork(this, 'Network', props.options);
    this.sandboxes = new EcsSandboxes(this, 'Sandboxes', {
      plan: props.plan,
      options: props.options,
      vpc: network.vpc,
      backendSecurityGroup: network.backendSecurityGroup!,
      profiles: props.profiles,
      buildContext: props.buildContext,
    });
    for (const e of this.sandboxes.endpoints) {
      new CfnOutput(this, e.env ? outputId(e.env) : outputId(`${e.task}-${e.component}-endpoint`), {
        value: e.url,
        description: e.env ? `Set ${e.env} on the backend to this.` : `${e.task} ${e.component}, reached only by the service's own tasks.`,
      });
    }
    for (const s of props.plan.services.filter(isPartial)) {
      new CfnOutput(this, `${outputId(s.service)}RemainingRisks`, {
        value: `${s.service} runs in mode ${s.mode}. ${s.risks.map((r) => r.sentence).join(' ')}`,
        description: `What ${s.service} user code can still do under mode ${s.mode}.`,
      });
    }
    if (props.plan.services.some((s) => s.placement === 'ecs-fargate' && !s.sandbox.allowPrivilegeEscalation)) {
      new CfnOutput(this, 'FargateNoNewPrivileges', {
        value: 'Fargate accepts no dockerSecurityOptions, so no-new-privileges is not set on Fargate tasks; their containers run as a non-root user with every capability dropped.',
        description: 'A setting of the plan that Fargate cannot express.',
      });
    }
    new CfnOutput(this, 'ClusterName', { value: this.sandboxes.cluster.clusterName });
  }
}
