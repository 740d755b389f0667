import { RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { testStack, validatedTemplate } from './harness';
import { TrainingDataLake } from '../../src';

describe('the validation harness', () => {
  test('fails on a finding of any of the validators', () => {
    const stack = testStack();
    new s3.Bucket(stack, 'PlainBucket', { removalPolicy: RemovalPolicy.DESTROY });
    expect(() => validatedTemplate(stack)).toThrow(/AwsSolutions-S10|s3_bucket_versioning_enabled_check/);
  });

  test('fails on an unacknowledged finding even when another finding of the same validator is acknowledged', () => {
    // The lake acknowledges some Control Tower findings on its own buckets; this key's finding is not acknowledged.
    const stack = testStack();
    const key = new kms.Key(stack, 'PlainKey', { enableKeyRotation: true });
    new TrainingDataLake(stack, 'Lake', { encryptionKey: key });
    expect(() => validatedTemplate(stack)).toThrow(/CT\.KMS\.PR\.3[^\n]*\n\s*Test\/PlainKey\/Resource/);
  });

  test('fails on a CloudFormation Validate finding', () => {
    const stack = testStack();
    new s3.CfnBucket(stack, 'Invalid', { lifecycleConfiguration: { rules: [{ status: 'Sometimes' }] } });
    expect(() => validatedTemplate(stack)).toThrow(/Validation|CloudFormation/);
  });
});
