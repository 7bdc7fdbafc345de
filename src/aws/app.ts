import { createHash } from 'crypto';
import * as os from 'os';
import * as path from 'path';
import { App, AppProps, Stack, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { SandboxKitChart } from '../k8s/chart';
import { checkKit } from '../apps/kit-check';
import { loadKit, LoadOptions, problemsFor } from '../config/load';
import { SandboxKitConfig } from '../policy/config';
import { SandboxConfigError } from '../policy/errors';
import { TARGETS } from '../targets';
import { DeploymentPlan } from '../policy/plan';
import { plan as makePlan } from '../policy/planner';
import { writeImageContext } from '../images';
import { checkEcsPlan } from './ecs-layout';
import { EcsSandboxStack, ecsSandboxesChoices } from './ecs-stack';
import { awsPlanConfig, checkEksPlan, kitChart } from './eks-checks';
import { EksSandboxStack } from './eks-stack';
import { BuildContextWriter } from './images';
import { KIT_PROFILES } from './kit-profiles';
import { AwsRendererOptions, resolveAwsOptions, ResolvedAwsOptions } from './options';
import { ProfileSource } from './profiles';

/** What the AWS app synthesizes (the shape `loadAppInput('aws')` returns). */
export interface AwsAppInput {
  /** One config per target. */
  readonly configs: readonly SandboxKitConfig[];
  /**
   * The `aws.renderer` options, checked by buildAwsApp.
   * @default {}
   */
  readonly renderer?: AwsRendererOptions;
}

/** Options of {@link buildAwsApp}. */
export interface BuildAwsAppOptions {
  /**
   * Props of the App (tests pass cdk.json's context and an outdir).
   * @default {}
   */
  readonly appProps?: AppProps;
  /**
   * Seccomp profiles.
   * @default KIT_PROFILES (src/seccomp)
   */
  readonly profiles?: ProfileSource;
  /**
   * Build context writer for `buildImages`.
   * @default the kit's runtime image contexts (src/images), written to a temporary directory
   */
  readonly buildContext?: BuildContextWriter;
  /**
   * The chart attached to the EKS cluster.
   * @default the kit's SandboxKitChart with `aws.renderer.eks.chart` options
   */
  readonly chart?: (plan: DeploymentPlan) => SandboxKitChart;
  /**
   * Register cdk-nag's AwsSolutionsChecks, so that an unacknowledged finding fails synth.
   * @default true
   */
  readonly nag?: boolean;
}

/** A built app and what it was built from. */
export interface AwsApp {
  /** The App; call `synth()` to write the cloud assembly. */
  readonly app: App;
  /** Plans, one per target, in config order. */
  readonly plans: readonly DeploymentPlan[];
  /** Stacks, one per target, in config order. */
  readonly stacks: readonly Stack[];
  /** Options with defaults applied. */
  readonly options: ResolvedAwsOptions;
}

/** Plans every config first, so that a bad one fails before any construct exists; throws every problem at once. */
export function planAwsTargets(configs: readonly SandboxKitConfig[]): DeploymentPlan[] {
  const plans: DeploymentPlan[] = [];
  const errors: { target: string; error: Error }[] = [];
  for (const config of configs) {
    try {
      plans.push(makePlan(awsPlanConfig(config)));
    } catch (e) {
      errors.push({ target: String(config.target), error: e as Error });
    }
  }
  if (errors.length === 1) throw errors[0].error;
  if (errors.length > 1) {
    const problems = errors.flatMap(({ target, error }) => error instanceof SandboxConfigError
      ? error.problems.map((p) => ({ ...p, field: `${target}: ${p.field}` }))
      : [{ field: target, message: error.message, alternatives: [] }]);
    throw new SandboxConfigError('sandbox-kit cannot plan the AWS targets', problems);
  }
  return plans;
}

function defaultBuildContext(plans: readonly DeploymentPlan[]): BuildContextWriter {
  const dirs = new Map<string, string>();
  const all = plans.flatMap((d) => d.services);
  return (p) => {
    let dir = dirs.get(p.engine);
    if (!dir) {
      // Named by content, so that repeated synths reuse one directory instead of leaving new ones.
      const key = createHash('sha256').update(JSON.stringify([p.engine, all])).digest('hex').slice(0, 16);
      dir = writeImageContext(p.engine, path.join(os.tmpdir(), `sandbox-kit-image-${p.engine}-${key}`), { plans: all });
      dirs.set(p.engine, dir);
    }
    return dir;
  };
}

/**
 * The CDK app of the kit: one stack per target, every plan computed before any stack exists.
 * Environment-agnostic, no lookups: synth needs neither credentials nor network.
 */
export function buildAwsApp(input: AwsAppInput, options: BuildAwsAppOptions = {}): AwsApp {
  const resolved = resolveAwsOptions(input.renderer ?? {});
  const plans = planAwsTargets(input.configs);
  // Every check that can fail runs before the App exists: the App creates its outdir at once.
  for (const plan of plans) {
    if (TARGETS[plan.target].kind === 'kubernetes') checkEksPlan(plan, resolved);
    else checkEcsPlan(plan, resolved);
  }
  const chart = options.chart ?? kitChart(resolved.eks.chart);
  // The chart checks its pods (Pod Security, API server rules) when rendered: render once now.
  for (const plan of plans.filter((p) => TARGETS[p.target].kind === 'kubernetes')) chart(plan).toJson();
  const app = new App(options.appProps);
  const profiles = options.profiles ?? KIT_PROFILES;
  const buildContext = resolved.buildImages ? options.buildContext ?? defaultBuildContext(plans) : undefined;
  const stacks: Stack[] = plans.map((plan) => {
    const name = `${resolved.stackNamePrefix}-${plan.target}`;
    if (TARGETS[plan.target].kind === 'kubernetes') {
      // The kit file's options as the stack's typed props (checked above, with the file's paths).
      const k = resolved.eks;
      return new EksSandboxStack(app, name, {
        plan, profiles, buildContext, chart,
        vpc: resolved.vpc,
        existingCluster: k.clusterName ? { clusterName: k.clusterName, clusterSecurityGroupId: k.clusterSecurityGroupId!, networkPolicyEnforced: k.networkPolicyEnforced } : undefined,
        endpointAccess: k.endpointAccess,
        instanceTypes: Object.fromEntries(Object.entries(k.instanceTypes).map(([arch, type]) => [arch, new ec2.InstanceType(type)])),
        minSize: k.minSize,
        desiredSize: k.desiredSize,
        maxSize: k.maxSize,
        logRetention: resolved.logRetentionDays as logs.RetentionDays,
        buildImages: resolved.buildImages,
      });
    }
    // The kit file's options as the stack's typed props (checked above, with the file's paths).
    return new EcsSandboxStack(app, name, {
      ...ecsSandboxesChoices(resolved),
      plan, profiles, buildContext,
      vpc: resolved.vpc,
      backendSecurityGroupId: resolved.backendSecurityGroupId,
      vpcEndpoints: resolved.ecs.vpcEndpoints,
      clusterName: resolved.ecs.clusterName,
    });
  });
  if (options.nag ?? true) Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, plans, stacks, options: resolved };
}

/** Options of {@link runAwsApp}. */
export interface RunAwsAppOptions extends BuildAwsAppOptions {
  /**
   * Where the kit file and target list come from.
   * @default process.env and ./sandbox-kit.config.json
   */
  readonly load?: LoadOptions;
  /**
   * Where error text goes.
   * @default process.stderr
   */
  readonly stderr?: (text: string) => void;
}

/**
 * What `cdk synth` runs: load the kit file, plan every target, build every stack, then synthesize.
 * Returns the exit code; on a bad config it prints the planner's text and writes nothing.
 */
export function runAwsApp(options: RunAwsAppOptions = {}): number {
  const stderr = options.stderr ?? ((t: string) => process.stderr.write(t));
  let built: AwsApp;
  try {
    // One pass over the kit file, the plans and the renderers' checks: every problem in one error.
    const input = loadKit(options.load);
    const problems = problemsFor({ ...input, problems: checkKit(input, { apps: ['aws'] }).problems }, 'aws');
    if (problems.length) throw new SandboxConfigError(`sandbox-kit: ${input.source} (AWS app)`, problems);
    if (!input.apps.aws.enabled) {
      stderr('sandbox-kit: the AWS app is off (no "aws" section or no targets)\n');
      return 0;
    }
    built = buildAwsApp(input.apps.aws, options);
  } catch (e) {
    stderr(`${(e as Error).message}\n`);
    return 1;
  }
  try {
    built.app.synth();
  } catch (e) {
    // cdk-nag findings (or another validation) fail here, after the templates were written.
    stderr(`${(e as Error).message}\n`);
    return 1;
  }
  return 0;
}
