import { ContainerSecurity } from '../../policy/plan';

/**
 * A rule over one ECS container's settings, in cdk-nag's style: a small named unit, one per
 * file, `(container) => findings`; none means the container complies.
 */
export interface ContainerRule {
  /** Rule name. */
  readonly id: string;
  /** What the rule enforces, in one sentence. */
  readonly description: string;
  /** Where the rule comes from (public source). */
  readonly source: string;
  /** The container's findings; empty when it complies. */
  checkContainer(container: ContainerSecurity): string[];
}
