import { AwsRendererOptions } from '../../aws/options';
import { KubernetesRendererOptions } from '../../k8s/options';
import { SandboxKitConfig } from '../../policy/config';
import { ConfigProblem } from '../../policy/errors';

/** What each kind of rule checks: one target's config, or one app's renderer options. */
export interface RuleSubjects {
  /** One target's config (`defaults` merged with `overrides.<target>`, plus `target`). */
  readonly config: SandboxKitConfig;
  /** The Kubernetes chart's options (`kubernetes.renderer`, `aws.renderer.eks.chart`). */
  readonly 'kubernetes-renderer': KubernetesRendererOptions;
  /** The AWS stacks' options (`aws.renderer`). */
  readonly 'aws-renderer': AwsRendererOptions;
}

/**
 * A cross-field rule of the kit file: what the JSON Schema cannot say (one field's allowed values
 * depend on another's, or on the target's catalog facts). One rule per file under
 * src/config/rules/<subject>/, registered in that folder's index.ts, tested with a passing and a
 * failing case (test/config/rules.test.ts). Rules run after the schema on the same value: they may
 * meet values the schema refused (report nothing then, the schema has said it), and problems on
 * a field the schema already refused are dropped.
 */
export interface ConfigRule<S extends keyof RuleSubjects> {
  /** Kebab-case id, the file name. */
  readonly id: string;
  /** One sentence: what the rule enforces, and why. */
  readonly description: string;
  /**
   * The problems of one value: fields relative to it (`nodeOs`, `namespaces.jsExecutor`), each
   * with what would work.
   */
  check(subject: RuleSubjects[S]): ConfigProblem[];
}
