import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledge one cdk-nag AwsSolutions finding on a construct and its children, with the reason
 * it is acceptable here. Every acknowledgement in the kit goes through this function, so that
 * `grep acknowledgeNag` lists them all.
 */
export function acknowledgeNag(scope: IConstruct, rule: string, reason: string): void {
  if (reason.trim().length < 40) throw new Error(`cdk-nag acknowledgement of ${rule} needs a specific reason`);
  Validations.of(scope).acknowledge({ id: `AwsSolutions::${rule}`, reason });
}
