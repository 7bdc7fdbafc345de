import { App } from 'cdk8s';
import type { AwsRendererOptions, ResolvedAwsOptions } from '../aws/options';
import { AppFamily } from '../config/kit-file';
import { KitInput } from '../config/load';
import { SandboxKitChart } from '../k8s/chart';
import { KubernetesRendererOptions, TARGET_ONLY_RENDERER_FIELDS } from '../k8s/options';
import { SandboxKitConfig } from '../policy/config';
import { ConfigProblem, problemsOf, SandboxConfigError } from '../policy/errors';
import { DeploymentPlan } from '../policy/plan';
import { planOutcome } from '../policy/planner';
import { TARGETS } from '../targets';
import { TargetName } from '../targets/types';

/** Everything the kit found for one target of one app. */
export interface TargetCheck {
  /** The app. */
  readonly family: AppFamily;
  /** The target. */
  readonly target: TargetName;
  /** The target's config as the app plans it. */
  readonly config: SandboxKitConfig;
  /** The plans of the services that could be planned; undefined when the config itself is invalid. */
  readonly plan?: DeploymentPlan;
  /** The chart rendered from the plan (Kubernetes app), for its objects. */
  readonly chart?: SandboxKitChart;
  /** This target's problems: config rules, the planner's refusals, the renderer's checks. */
  readonly problems: readonly ConfigProblem[];
}

/** One app's targets. */
export interface AppCheck {
  /** Whether the app renders anything. */
  readonly enabled: boolean;
  /** Its targets, in file order. */
  readonly targets: readonly TargetCheck[];
  /** Its renderer options, as written. */
  readonly renderer?: KubernetesRendererOptions | AwsRendererOptions;
}

/** Every check of a kit file, in one pass. */
export interface KitCheck {
  /** Where the options came from. */
  readonly source: string;
  /** Per app. */
  readonly apps: Readonly<Record<AppFamily, AppCheck>>;
  /** Every problem: the file's, then each target's, each scoped to its app and target. */
  readonly problems: readonly ConfigProblem[];
}

/** What the AWS app adds: its options resolved, and its plan and render checks (loaded only when the AWS app has targets). */
interface AwsChecks {
  readonly options: ResolvedAwsOptions;
  check(config: SandboxKitConfig): { plan?: DeploymentPlan; chart?: SandboxKitChart; problems: ConfigProblem[] };
}

function awsChecks(renderer: AwsRendererOptions): AwsChecks {
  // Required here, not imported: the Kubernetes app and a Kubernetes-only explain never load aws-cdk-lib.
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { checkEcsPlan } = require('../aws/ecs-layout') as typeof import('../aws/ecs-layout');
  const { awsPlanConfig, checkEksPlan, kitChart } = require('../aws/eks-checks') as typeof import('../aws/eks-checks');
  const { withAwsDefaults } = require('../aws/options') as typeof import('../aws/options');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const options = withAwsDefaults(renderer);
  return {
    options,
    check: (config) => {
      const scope = `aws/${config.target}`;
      const outcome = planOutcome(awsPlanConfig(config));
      const problems: ConfigProblem[] = outcome.refusals.map((p) => ({ ...p, scope }));
      const p = outcome.plan;
      if (!p.services.length) return { plan: p, problems };
      let chart: SandboxKitChart | undefined;
      try {
        if (TARGETS[p.target].kind === 'kubernetes') {
          checkEksPlan(p, options);
          problems.push(...chartProblems(() => kitChart(options.eks.chart)(p), scope, 'aws.renderer.eks.chart', (c) => { chart = c; })
            .map((q) => ({ ...q, field: q.field.replace(/^kubernetes\.renderer(?=[.[]|$)/, 'aws.renderer.eks.chart') })));
        } else {
          checkEcsPlan(p, options);
        }
      } catch (e) {
        problems.push(...problemsOf(e, 'aws.renderer', scope));
      }
      return { plan: chart?.plan ?? p, chart, problems };
    },
  };
}

/** The plan alone, when the renderer's options are invalid (their problems are reported already). */
function onlyPlan(config: SandboxKitConfig, scope: string): { plan: DeploymentPlan; problems: ConfigProblem[] } {
  const outcome = planOutcome(config);
  return { plan: outcome.plan, problems: outcome.refusals.map((p) => ({ ...p, scope })) };
}

/**
 * Where in the kit file a chart problem's `kubernetes.renderer.<field>` is: the target's
 * `rendererOverrides` entry when the value came from there, or when it is unset and only ever
 * set per target (TARGET_ONLY_RENDERER_FIELDS); else `renderer`.
 */
function rendererField(field: string, target: TargetName, shared: KubernetesRendererOptions, rendered: KubernetesRendererOptions): string {
  const m = /^kubernetes\.renderer\.([A-Za-z]+)(.*)$/.exec(field);
  if (!m) return field;
  const [, top, rest] = m;
  const fromOverride = shared[top as keyof KubernetesRendererOptions] !== rendered[top as keyof KubernetesRendererOptions];
  const unsetPerTarget = rendered[top as keyof KubernetesRendererOptions] === undefined && (TARGET_ONLY_RENDERER_FIELDS as readonly string[]).includes(top);
  return fromOverride || unsetPerTarget ? `kubernetes.rendererOverrides.${target}.${top}${rest}` : field;
}

/** The chart's own checks (Pod Security, API server, platform rules) and any construct error, as problems. */
function chartProblems(make: () => SandboxKitChart, scope: string, field: string, keep?: (c: SandboxKitChart) => void): ConfigProblem[] {
  let chart: SandboxKitChart;
  try {
    chart = make();
  } catch (e) {
    return problemsOf(e, field, scope);
  }
  keep?.(chart);
  return chart.renderObjects().errors.map((message) => ({ field: `${field} (rendered manifest)`, message, alternatives: [], scope }));
}

/**
 * Every check that is a function of the kit file, the plans and the rendered objects, for both
 * apps at once: the file's schema and rules (already in `input.problems`), each target's plan
 * (keeping the services that can be planned next to the refusals), and the renderers' checks on
 * what they would write. cdk-nag is not run: it needs the synthesized CloudFormation.
 */
/** Options of {@link checkKit}. */
export interface CheckKitOptions {
  /**
   * The apps to check (the Kubernetes app alone never loads aws-cdk-lib).
   * @default - both
   */
  readonly apps?: readonly AppFamily[];
}

export function checkKit(input: KitInput, options: CheckKitOptions = {}): KitCheck {
  const wanted = new Set<AppFamily>(options.apps ?? ['kubernetes', 'aws']);
  const problems: ConfigProblem[] = [...input.problems];
  const rendererInvalid = (family: AppFamily) => input.problems.some((p) => p.scope === family || p.field.startsWith(`${family}.renderer`));

  const k8s = input.apps.kubernetes;
  const k8sTargets: TargetCheck[] = !wanted.has('kubernetes') ? [] : k8s.configs.map((config) => {
    const scope = `kubernetes/${config.target}`;
    if (k8s.invalid.includes(config.target)) return { family: 'kubernetes', target: config.target, config, problems: [] };
    const outcome = planOutcome(config);
    const found: ConfigProblem[] = outcome.refusals.map((p) => ({ ...p, scope }));
    let chart: SandboxKitChart | undefined;
    if (outcome.plan.services.length && !rendererInvalid('kubernetes')) {
      const renderer = (k8s.targetRenderers[config.target] ?? k8s.renderer) as KubernetesRendererOptions;
      found.push(...chartProblems(() => new SandboxKitChart(new App(), config.target, { ...renderer, plan: outcome.plan }), scope, 'kubernetes.renderer', (c) => { chart = c; })
        .map((p) => ({ ...p, field: rendererField(p.field, config.target, k8s.renderer as KubernetesRendererOptions, renderer) })));
    }
    problems.push(...found);
    // The chart's plan carries what the renderer's options decide too (the agent sandbox's network).
    return { family: 'kubernetes', target: config.target, config, plan: chart?.plan ?? outcome.plan, chart, problems: found };
  });

  const aws = input.apps.aws;
  let awsTargets: TargetCheck[] = [];
  if (aws.enabled && wanted.has('aws')) {
    const checks = rendererInvalid('aws') ? undefined : awsChecks(aws.renderer as AwsRendererOptions);
    awsTargets = aws.configs.map((config) => {
      if (aws.invalid.includes(config.target)) return { family: 'aws', target: config.target, config, problems: [] };
      const result = checks ? checks.check(config) : onlyPlan(config, `aws/${config.target}`);
      problems.push(...result.problems);
      return { family: 'aws', target: config.target, config, plan: result.plan, chart: 'chart' in result ? result.chart : undefined, problems: result.problems };
    });
  }
  return {
    source: input.source,
    apps: {
      kubernetes: { enabled: k8s.enabled, targets: k8sTargets, renderer: k8s.renderer },
      aws: { enabled: aws.enabled, targets: awsTargets, renderer: aws.renderer },
    },
    problems,
  };
}

/** The one error of a check, or nothing when it found no problem. */
export function kitError(check: KitCheck): SandboxConfigError | undefined {
  return check.problems.length ? new SandboxConfigError(`sandbox-kit: ${check.source}`, check.problems) : undefined;
}
