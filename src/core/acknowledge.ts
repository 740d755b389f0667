import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one validator finding on one construct, with the reason stated once here so that
 * the library's own acknowledgements are easy to audit (`grep acknowledgeFinding src`).
 * @internal
 */
export function acknowledgeFinding(construct: IConstruct, id: string, reason: string): void {
  Validations.of(construct).acknowledge({ id, reason });
}
