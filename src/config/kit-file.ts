import type { AwsRendererOptions } from '../aws/options';
import type { KubernetesRendererOptions } from '../k8s/options';
import type { SandboxKitConfig } from '../policy/config';

/** Targets the Kubernetes app (`cdk8s synth`) renders. */
export const KUBERNETES_APP_TARGETS = ['eks', 'gke-standard', 'kubernetes', 'gke-autopilot', 'eks-fargate'] as const;
/** A target of the Kubernetes app. */
export type KubernetesAppTarget = (typeof KUBERNETES_APP_TARGETS)[number];

/** Targets the AWS app (`cdk synth`) renders: ECS, and EKS with the cluster and nodes. */
export const AWS_APP_TARGETS = ['ecs-ec2', 'ecs-fargate', 'eks'] as const;
/** A target of the AWS app. */
export type AwsAppTarget = (typeof AWS_APP_TARGETS)[number];

/**
 * Config fields of one target: every field of SandboxKitConfig but `target` (the section's
 * `targets` names it).
 */
export type TargetOptions = Omit<SandboxKitConfig, 'target'>;

/** The `kubernetes` section: read by the Kubernetes app (`cdk8s synth`). */
export interface KubernetesSection {
  /**
   * Targets to synthesize, each into `dist/<target>.k8s.yaml`. An empty list turns the app off.
   * @uniqueItems true
   * @default - DEFAULT_APP_TARGETS.kubernetes: the targets whose default plan needs no acknowledgement
   */
  readonly targets?: readonly KubernetesAppTarget[];
  /**
   * Config fields applied to every target.
   * @default {}
   */
  readonly defaults?: TargetOptions;
  /**
   * Config fields of one target, merged over `defaults` (services merged per service).
   * @default {}
   */
  readonly overrides?: { readonly [T in KubernetesAppTarget]?: TargetOptions };
  /**
   * Options of the Kubernetes chart (docs/kubernetes.md), for every target.
   * @default {}
   */
  readonly renderer?: KubernetesRendererOptions;
  /**
   * Chart options of one target, over `renderer`: each field given here replaces the same field
   * of `renderer` for that target (objects are not merged deeper). This is where options that only
   * one target takes go, such as eks-fargate's `podSecurityGroupIds`, so that one file holds it
   * together with the other targets.
   * @example { "eks-fargate": { "podSecurityGroupIds": ["sg-0123456789abcdef0"] } }
   * @default {}
   */
  readonly rendererOverrides?: { readonly [T in KubernetesAppTarget]?: KubernetesRendererOptions };
}

/** The `aws` section: read by the AWS app (`cdk synth` / `cdk deploy`). */
export interface AwsSection {
  /**
   * Targets to synthesize, one stack each into `cdk.out/`. An empty list turns the app off.
   * @uniqueItems true
   * @default - DEFAULT_APP_TARGETS.aws: the targets whose default plan needs no acknowledgement
   */
  readonly targets?: readonly AwsAppTarget[];
  /**
   * Config fields applied to every target.
   * @default {}
   */
  readonly defaults?: TargetOptions;
  /**
   * Config fields of one target, merged over `defaults` (services merged per service).
   * @default {}
   */
  readonly overrides?: { readonly [T in AwsAppTarget]?: TargetOptions };
  /**
   * Options of the ECS and EKS stacks (docs/aws.md).
   * @default {}
   */
  readonly renderer?: AwsRendererOptions;
}

/**
 * The kit file (`sandbox-kit.config.json`): one section per app. A missing section turns its app
 * off. Every object may carry a `$comment`, which the kit ignores.
 */
export interface KitFile {
  /**
   * The JSON Schema of this file, so that editors complete and check it.
   * @example "./sandbox-kit.schema.json"
   * @example "./node_modules/sandbox-kit/sandbox-kit.schema.json"
   */
  readonly $schema?: string;
  /**
   * The Kubernetes app.
   * @default - the app is off
   */
  readonly kubernetes?: KubernetesSection;
  /**
   * The AWS app.
   * @default - the app is off
   */
  readonly aws?: AwsSection;
}

/** Which app reads a section of the kit file. */
export type AppFamily = 'kubernetes' | 'aws';

/** Targets each app can render. */
export const APP_TARGETS: Readonly<Record<AppFamily, readonly string[]>> = {
  kubernetes: KUBERNETES_APP_TARGETS,
  aws: AWS_APP_TARGETS,
};

/**
 * Targets a section synthesizes when it names none: those whose default plan needs no
 * acknowledgement (README.md, "Two commands").
 */
export const DEFAULT_APP_TARGETS: Readonly<Record<AppFamily, readonly string[]>> = {
  kubernetes: ['eks', 'gke-standard', 'kubernetes'],
  aws: ['ecs-ec2', 'eks'],
};
