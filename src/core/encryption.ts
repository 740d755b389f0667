import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/** Properties of a {@link CompliantKey}. */
export interface CompliantKeyProps {
  /**
   * A description of the key: what it encrypts.
   *
   * @default - no description
   */
  readonly description?: string;

  /**
   * An alias for the key (`alias/` is added when missing).
   *
   * @default - no alias
   */
  readonly alias?: string;

  /**
   * What happens to the key when it leaves the stack. A deleted key makes everything it encrypted
   * unreadable, for good.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * How long KMS waits before deleting the key, once it is scheduled for deletion (7 to 30 days).
   *
   * @default - 30 days (KMS's default)
   */
  readonly pendingWindow?: Duration;
}

/**
 * A customer-managed KMS key that passes the validators this library is built to pass: the key the
 * library's own constructs create when none is given, for your other resources (an alarm topic, a
 * queue, a log group).
 *
 * - Automatic rotation is on (Control Tower control CT.KMS.PR.1).
 * - `kms:CreateGrant` is denied unless the grant is for an AWS resource or the caller is an AWS
 *   service (CT.KMS.PR.3; condition keys `kms:GrantIsForAWSResource` and `aws:PrincipalIsAWSService`),
 *   so that only services such as S3, FSx and CloudWatch Logs create grants on it.
 * - It is retained when it leaves the stack, unless `removalPolicy` says otherwise.
 *
 * Everything else is aws-cdk-lib's `kms.Key`: the account root can administer it, and
 * `grant...` methods add to its key policy.
 */
export class CompliantKey extends kms.Key {
  /**
   * @param scope the parent construct
   * @param id the construct ID
   * @param props description, alias and removal policy
   */
  public constructor(scope: Construct, id: string, props: CompliantKeyProps = {}) {
    super(scope, id, {
      description: props.description,
      alias: props.alias,
      enableKeyRotation: true,
      pendingWindow: props.pendingWindow,
      removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
    });
    this.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'DenyCreateGrantUnlessForAwsResource',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: {
        BoolIfExists: {
          'kms:GrantIsForAWSResource': 'false',
          'aws:PrincipalIsAWSService': 'false',
        },
      },
    }));
  }
}

/**
 * Creates the customer-managed key that the library's constructs use by default (a
 * {@link CompliantKey}).
 * @internal
 */
export function createDataKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  return new CompliantKey(scope, id, { description, removalPolicy });
}
