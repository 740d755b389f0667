import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

/**
 * Creates the customer-managed key that the library's constructs use by default: rotation on, and
 * `kms:CreateGrant` denied unless the grant is for an AWS resource or the caller is an AWS service
 * (Control Tower control CT.KMS.PR.3), so that only services such as S3 and FSx create grants.
 * @internal
 */
export function createDataKey(scope: Construct, id: string, description: string, removalPolicy: RemovalPolicy): kms.Key {
  const key = new kms.Key(scope, id, {
    description,
    enableKeyRotation: true,
    removalPolicy,
  });
  key.addToResourcePolicy(new iam.PolicyStatement({
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
  return key;
}
