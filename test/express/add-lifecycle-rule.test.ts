import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { ExpressCache, TrainingStorageError } from '../../src';
import { plainStack, plainTemplate } from '../support/harness';

function cache(props: Partial<ConstructorParameters<typeof ExpressCache>[2]> = {}) {
  const stack = plainStack('Test', { env: { account: '111111111111', region: 'us-east-1' } });
  return { stack, cache: new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4', ...props }) };
}

describe('ExpressCache.addLifecycleRule', () => {
  test('appends to the rules given as props, and the lifecycle service\'s session statement appears once', () => {
    const { stack, cache: c } = cache({ lifecycleRules: [{ id: 'Scratch', prefix: 'scratch/', expiration: Duration.days(7) }] });
    c.addLifecycleRule({ id: 'Uploads', prefix: 'checkpoints/', abortIncompleteMultipartUploadAfter: Duration.days(1) });
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::S3Express::DirectoryBucket', {
      LifecycleConfiguration: {
        Rules: [
          Match.objectLike({ Id: 'Scratch', Prefix: 'scratch/', ExpirationInDays: 7 }),
          Match.objectLike({ Id: 'Uploads', Prefix: 'checkpoints/', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }),
        ],
      },
    });
    const policy = Object.values<any>(template.findResources('AWS::S3Express::BucketPolicy'))[0];
    expect(policy.Properties.PolicyDocument.Statement.filter((s: any) => s.Sid === 'AllowS3LifecycleSessions')).toHaveLength(1);
  });

  test('on a cache without rules: the first rule brings the lifecycle service\'s statement', () => {
    const { stack, cache: c } = cache();
    c.addLifecycleRule({ abortIncompleteMultipartUploadAfter: Duration.days(2) });
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::S3Express::DirectoryBucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 } })] },
    });
    template.hasResourceProperties('AWS::S3Express::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowS3LifecycleSessions', Principal: { Service: 'lifecycle.s3.amazonaws.com' } })]) },
    });
  });

  test('checks the rule like lifecycleRules does, naming its index', () => {
    const { cache: c } = cache({ lifecycleRules: [{ expiration: Duration.days(7) }] });
    expect(() => c.addLifecycleRule({ transitions: [] } as any)).toThrow(TrainingStorageError);
    expect(() => c.addLifecycleRule({ prefix: 'x/' })).toThrow('[Test/Cache] lifecycleRules[1]');
  });
});
