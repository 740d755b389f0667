import { CfnOutput, Lazy, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { plainAnnotations, plainStack, plainTemplate, testStack, validatedTemplate } from './harness';
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

describe('the plain harness', () => {
  /** An output whose value is CDK_VALIDATION as it is while the template is synthesized. */
  function validationSetting(stack: ReturnType<typeof plainStack>): void {
    new CfnOutput(stack, 'Setting', { value: Lazy.string({ produce: () => String(process.env.CDK_VALIDATION) }) });
  }

  test.each([[undefined], ['true']])('synthesizes with CloudFormation Validate off, then restores CDK_VALIDATION (before: %s)', (before) => {
    const saved = process.env.CDK_VALIDATION;
    try {
      if (before === undefined) {
        delete process.env.CDK_VALIDATION;
      } else {
        process.env.CDK_VALIDATION = before;
      }
      const stack = plainStack();
      validationSetting(stack);
      expect(plainTemplate(stack).toJSON().Outputs.Setting.Value).toBe('false');
      expect(process.env.CDK_VALIDATION).toBe(before);
      const annotated = plainStack();
      validationSetting(annotated);
      expect(plainAnnotations(annotated).findWarning('*', '*')).toEqual([]);
      expect(process.env.CDK_VALIDATION).toBe(before);
    } finally {
      if (saved === undefined) {
        delete process.env.CDK_VALIDATION;
      } else {
        process.env.CDK_VALIDATION = saved;
      }
    }
  });

  test('has no validator: a bucket every validator rejects synthesizes', () => {
    const stack = plainStack();
    new s3.Bucket(stack, 'PlainBucket', { removalPolicy: RemovalPolicy.DESTROY });
    plainTemplate(stack).resourceCountIs('AWS::S3::Bucket', 1);
  });

  test('refuses a stack of a validated test App, whose synthesis would run the validators', () => {
    const stack = testStack();
    expect(() => plainTemplate(stack)).toThrow('Test is in a validated test App: synthesize it with validatedTemplate(), or build it with plainStack()');
    expect(() => plainAnnotations(stack)).toThrow('Test is in a validated test App');
  });
});
