import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { LakeEncryption, TrainingDataLake, TrainingDataLakeProps, TrainingStorageError } from '../../src';
import { createDataKey } from '../../src/core/encryption';
import { plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

const LAKE_BUCKET = { Properties: { LoggingConfiguration: Match.anyValue() } };

/** A lake in a plain stack: its template, without the validators. */
function lakeTemplate(props?: TrainingDataLakeProps): Template {
  const stack = plainStack();
  new TrainingDataLake(stack, 'Lake', props);
  return plainTemplate(stack);
}

function lakeBucketProps(template: Template): any {
  const buckets = template.findResources('AWS::S3::Bucket', LAKE_BUCKET);
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.values(buckets)[0].Properties;
}

function rule(template: Template, id: string): any {
  return lakeBucketProps(template).LifecycleConfiguration.Rules.find((r: any) => r.Id === id);
}

function newLake(props: TrainingDataLakeProps): () => TrainingDataLake {
  return () => new TrainingDataLake(plainStack(), 'Lake', props);
}

describe('TrainingDataLake defaults', () => {
  let template: Template;
  beforeAll(() => {
    // The representative stack: passes the three validators.
    const stack = testStack();
    new TrainingDataLake(stack, 'Lake');
    template = validatedTemplate(stack);
  });

  test('creates the lake bucket and a separate access logs bucket', () => {
    template.resourceCountIs('AWS::S3::Bucket', 2);
    expect(lakeBucketProps(template).LoggingConfiguration).toEqual({
      DestinationBucketName: { Ref: expect.stringMatching(/^LakeAccessLogsBucket/) },
      LogFilePrefix: 'training-data-lake/',
    });
  });

  test('blocks public access on all four settings and disables ACLs, on both buckets', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
  });

  test('denies requests without TLS (and older than TLS 1.2), on both buckets', () => {
    const policies = template.findResources('AWS::S3::BucketPolicy');
    expect(Object.keys(policies)).toHaveLength(2);
    for (const policy of Object.values(policies)) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        expect.objectContaining({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
      ]));
    }
  });

  test('versions the lake bucket', () => {
    expect(lakeBucketProps(template).VersioningConfiguration).toEqual({ Status: 'Enabled' });
  });

  test('encrypts with SSE-KMS under a new customer-managed key with rotation, bucket keys on', () => {
    expect(lakeBucketProps(template).BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{
        BucketKeyEnabled: true,
        ServerSideEncryptionByDefault: {
          SSEAlgorithm: 'aws:kms',
          KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] },
        },
      }],
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
  });

  test('the key lets only AWS services create grants', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([{
          Sid: 'DenyCreateGrantUnlessForAwsResource',
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'kms:CreateGrant',
          Resource: '*',
          Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
        }]),
      },
    });
  });

  test('retains the buckets and the key on deletion', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Retain');
        expect(resource.UpdateReplacePolicy).toBe('Retain');
      }
    }
  });

  test('moves datasets to Intelligent-Tiering at 0 days, without archive tiers', () => {
    expect(rule(template, 'Datasets')).toEqual({
      Id: 'Datasets',
      Prefix: 'datasets/',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 0 }],
    });
    expect(lakeBucketProps(template).IntelligentTieringConfigurations).toBeUndefined();
  });

  test('moves checkpoints to Glacier Instant Retrieval at 30 days and never expires them', () => {
    expect(rule(template, 'Checkpoints')).toEqual({
      Id: 'Checkpoints',
      Prefix: 'checkpoints/',
      Status: 'Enabled',
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 30 }],
    });
  });

  test('expires noncurrent versions after 30 days and aborts incomplete uploads after 7 days', () => {
    expect(rule(template, 'AllObjects')).toEqual({
      Id: 'AllObjects',
      Status: 'Enabled',
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 7 },
      NoncurrentVersionExpiration: { NoncurrentDays: 30 },
      ExpiredObjectDeleteMarker: true,
    });
  });

  test('access logs bucket: SSE-S3, versioned, logs expire after 365 days, S3 logging may write the prefix', () => {
    const logs = Object.values(template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.absent() } }));
    expect(logs).toHaveLength(1);
    expect(logs[0].Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(logs[0].Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(logs[0].Properties.LifecycleConfiguration.Rules).toEqual([expect.objectContaining({ ExpirationInDays: 365 })]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowS3ServerAccessLogs',
          Principal: { Service: 'logging.s3.amazonaws.com' },
          Action: 's3:PutObject',
          Condition: {
            ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeBucket'), 'Arn'] } },
            StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
          },
        })]),
      },
    });
  });

  test('sends object events to EventBridge from both buckets, without a custom resource', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.NotificationConfiguration).toEqual({ EventBridgeConfiguration: { EventBridgeEnabled: true } });
    }
    template.resourceCountIs('AWS::Lambda::Function', 0);
    template.resourceCountIs('Custom::S3BucketNotifications', 0);
  });

  test('does not enable Object Lock', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.ObjectLockEnabled).toBeUndefined();
    }
  });
});

describe('TrainingDataLake locations', () => {
  test('datasets/ and checkpoints/ by default, dataset(name) below datasets/', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    expect(lake.datasets.prefix).toBe('datasets/');
    expect(lake.checkpoints.prefix).toBe('checkpoints/');
    expect(lake.dataset('corpus').prefix).toBe('datasets/corpus/');
    expect(stack.resolve(lake.dataset('corpus').s3Uri)).toEqual({
      'Fn::Join': ['', ['s3://', { Ref: expect.stringMatching(/^LakeBucket/) }, '/datasets/corpus/']],
    });
    expect(lake.dataset('corpus').encryptionKey).toBe(lake.encryptionKey);
  });

  test('prefixes can be overridden; they are normalized and the lifecycle rules follow them', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake', { datasetsPrefix: 'ml/data', checkpointsPrefix: 'ml/ckpt/' });
    expect(lake.datasets.prefix).toBe('ml/data/');
    expect(lake.checkpoints.prefix).toBe('ml/ckpt/');
    const template = plainTemplate(stack);
    expect(rule(template, 'Datasets').Prefix).toBe('ml/data/');
    expect(rule(template, 'Checkpoints').Prefix).toBe('ml/ckpt/');
  });

  test('a dataset reader cannot read checkpoints', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.dataset('corpus').grantRead(reader);
    const template = plainTemplate(stack);
    const policy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policy).toContain('/datasets/corpus/*');
    expect(policy).not.toContain('checkpoints');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] } },
        ]),
      },
    });
  });

  test('lake-wide grants cover the whole bucket and the key', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const admin = new iam.Role(stack, 'Admin', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    expect(lake.grantRead(admin).success).toBe(true);
    expect(lake.grantWrite(admin).success).toBe(true);
    expect(lake.grantReadWrite(admin).success).toBe(true);
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Action: 's3:ListBucket', Condition: Match.absent() }),
          Match.objectLike({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'] }),
        ]),
      },
    });
  });
});

describe('TrainingDataLake options', () => {
  test('encryptionKey: SSE-KMS with the given key and no new key', () => {
    const stack = plainStack();
    const key = createDataKey(stack, 'MyKey', 'team key', RemovalPolicy.RETAIN);
    const lake = new TrainingDataLake(stack, 'Lake', { encryptionKey: key });
    expect(lake.encryptionKey).toBe(key);
    const template = plainTemplate(stack);
    template.resourceCountIs('AWS::KMS::Key', 1);
    expect(lakeBucketProps(template).BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault)
      .toEqual({ SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^MyKey/), 'Arn'] } });
  });

  test('serverAccessLogsBucket and prefix: logs go to the given bucket, no logs bucket is created', () => {
    const stack = plainStack();
    const logs = new TrainingDataLake(stack, 'Org').serverAccessLogsBucket!;
    const lake = new TrainingDataLake(stack, 'Lake', { serverAccessLogsBucket: logs, serverAccessLogsPrefix: 'lakes/ml' });
    expect(lake.serverAccessLogsBucket).toBe(logs);
    const template = plainTemplate(stack);
    template.resourceCountIs('AWS::S3::Bucket', 3);
    const lakeBucket = template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: { LogFilePrefix: 'lakes/ml/' } } });
    expect(Object.values(lakeBucket).map((b) => b.Properties.LoggingConfiguration.DestinationBucketName))
      .toEqual([{ Ref: expect.stringMatching(/^OrgAccessLogsBucket/) }]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^OrgAccessLogsBucket') },
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'AllowS3ServerAccessLogs',
          Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^OrgAccessLogsBucket'), 'Arn'] }, '/lakes/ml/*']] },
          Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeBucket'), 'Arn'] } } }),
        })]),
      },
    });
  });

  test('lifecycle ages, archive tiers and checkpoint expiry are configurable', () => {
    const template = lakeTemplate({
      datasetsIntelligentTieringAfter: Duration.days(1),
      datasetsArchiveAccessAfter: Duration.days(90),
      datasetsDeepArchiveAccessAfter: Duration.days(180),
      checkpointsGlacierInstantRetrievalAfter: Duration.days(14),
      checkpointsExpireAfter: Duration.days(120),
      noncurrentVersionsExpireAfter: Duration.days(3),
      abortIncompleteMultipartUploadsAfter: Duration.days(2),
      serverAccessLogsExpireAfter: Duration.days(30),
    });
    expect(rule(template, 'Datasets').Transitions).toEqual([{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 1 }]);
    expect(rule(template, 'Checkpoints')).toEqual(expect.objectContaining({
      Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 14 }], ExpirationInDays: 120,
    }));
    expect(rule(template, 'AllObjects')).toEqual(expect.objectContaining({
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 2 }, NoncurrentVersionExpiration: { NoncurrentDays: 3 },
    }));
    expect(lakeBucketProps(template).IntelligentTieringConfigurations).toEqual([{
      Id: 'DatasetsArchive',
      Prefix: 'datasets/',
      Status: 'Enabled',
      Tierings: [{ AccessTier: 'ARCHIVE_ACCESS', Days: 90 }, { AccessTier: 'DEEP_ARCHIVE_ACCESS', Days: 180 }],
    }]);
    template.hasResourceProperties('AWS::S3::Bucket', {
      LoggingConfiguration: Match.absent(),
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 30 })] },
    });
  });

  test('objectLockEnabled: both buckets are created with Object Lock', () => {
    const template = lakeTemplate({ objectLockEnabled: true });
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.ObjectLockEnabled).toBe(true);
    }
  });

  test('removalPolicy DESTROY is an explicit opt-in for the buckets and the key', () => {
    const template = lakeTemplate({ removalPolicy: RemovalPolicy.DESTROY });
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key']) {
      for (const resource of Object.values(template.findResources(type))) {
        expect(resource.DeletionPolicy).toBe('Delete');
      }
    }
  });

  test('bucketName names the new bucket', () => {
    const template = lakeTemplate({ bucketName: 'my-training-lake' });
    expect(lakeBucketProps(template).BucketName).toBe('my-training-lake');
  });
});

describe('TrainingDataLake options that the lake acknowledges findings for', () => {
  // Both options in one lake, under the validators: each turns off what a Control Tower rule
  // checks, and the lake acknowledges that finding on its bucket.
  let lake: TrainingDataLake;
  let template: Template;
  beforeAll(() => {
    const stack = testStack();
    lake = new TrainingDataLake(stack, 'Lake', { encryption: LakeEncryption.S3_MANAGED, eventBridgeEnabled: false });
    template = validatedTemplate(stack);
  });

  test('encryption S3_MANAGED: SSE-S3 and no key', () => {
    expect(lake.encryptionKey).toBeUndefined();
    template.resourceCountIs('AWS::KMS::Key', 0);
    expect(lakeBucketProps(template).BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
  });

  test('eventBridgeEnabled false: no notification configuration', () => {
    for (const bucket of Object.values(template.findResources('AWS::S3::Bucket'))) {
      expect(bucket.Properties.NotificationConfiguration).toBeUndefined();
    }
  });
});

describe('TrainingDataLake adopting an existing bucket', () => {
  test('adds locations and grants only: no bucket, key or policy is created', () => {
    const stack = plainStack();
    const key = kms.Key.fromKeyArn(stack, 'ExistingKey', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'team-lake');
    const lake = new TrainingDataLake(stack, 'Lake', { bucket, encryptionKey: key, datasetsPrefix: 'data/' });
    expect(lake.bucket).toBe(bucket);
    expect(lake.encryptionKey).toBe(key);
    expect(lake.serverAccessLogsBucket).toBeUndefined();
    expect(lake.dataset('corpus').s3Uri).toBe('s3://team-lake/data/corpus/');

    const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    lake.dataset('corpus').grantRead(reader);
    const template = plainTemplate(stack);
    template.resourceCountIs('AWS::S3::Bucket', 0);
    template.resourceCountIs('AWS::S3::BucketPolicy', 0);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([{
          Action: 'kms:Decrypt',
          Effect: 'Allow',
          Resource: 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        }]),
      },
    });
  });

  test('rejects properties that would configure the adopted bucket', () => {
    const stack = plainStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Existing', 'team-lake');
    expect(() => new TrainingDataLake(stack, 'Lake', { bucket, checkpointsExpireAfter: Duration.days(90) })).toThrow(
      '[Test/Lake] checkpointsExpireAfter: received 90 days; allowed: nothing when `bucket` adopts an existing bucket: '
      + 'the lake does not modify an adopted bucket');
    expect(() => new TrainingDataLake(stack, 'Lake2', { bucket, encryption: LakeEncryption.KMS })).toThrow(
      '[Test/Lake2] encryption: received "KMS"; allowed: nothing when `bucket` adopts an existing bucket');
  });
});

describe('TrainingDataLake validation', () => {
  test.each<[string, TrainingDataLakeProps, string]>([
    ['a checkpoint expiring before it transitions', {
      checkpointsGlacierInstantRetrievalAfter: Duration.days(30), checkpointsExpireAfter: Duration.days(20),
    }, '[Test/Lake] checkpointsExpireAfter: received 20 days; allowed: longer than checkpointsGlacierInstantRetrievalAfter (30 days): a checkpoint cannot expire before it transitions'],
    ['a checkpoint expiring the day it transitions', {
      checkpointsGlacierInstantRetrievalAfter: Duration.days(30), checkpointsExpireAfter: Duration.days(30),
    }, '[Test/Lake] checkpointsExpireAfter: received 30 days; allowed: longer than checkpointsGlacierInstantRetrievalAfter (30 days)'],
    ['a zero checkpoint expiry', { checkpointsExpireAfter: Duration.days(0) },
      '[Test/Lake] checkpointsExpireAfter: received 0 days; allowed: a whole number of days, at least 1 days'],
    ['a zero noncurrent version expiry', { noncurrentVersionsExpireAfter: Duration.days(0) },
      '[Test/Lake] noncurrentVersionsExpireAfter: received 0 days; allowed: a whole number of days, at least 1 days'],
    ['a zero multipart abort age', { abortIncompleteMultipartUploadsAfter: Duration.seconds(0) },
      '[Test/Lake] abortIncompleteMultipartUploadsAfter: received 0 seconds; allowed: a whole number of days, at least 1 days'],
    ['a zero access log expiry', { serverAccessLogsExpireAfter: Duration.days(0) },
      '[Test/Lake] serverAccessLogsExpireAfter: received 0 days; allowed: a whole number of days, at least 1 days'],
    ['a fractional age', { checkpointsGlacierInstantRetrievalAfter: Duration.hours(36) },
      '[Test/Lake] checkpointsGlacierInstantRetrievalAfter: received 1 day 12 hours; allowed: a whole number of days, at least 0 days'],
    ['a fractional tiering age', { datasetsIntelligentTieringAfter: Duration.hours(12) },
      '[Test/Lake] datasetsIntelligentTieringAfter: received 12 hours; allowed: a whole number of days, at least 0 days'],
    ['an archive tier before 90 days', { datasetsArchiveAccessAfter: Duration.days(60) },
      '[Test/Lake] datasetsArchiveAccessAfter: received 60 days; allowed: a whole number of days, 90 to 730 days'],
    ['a deep archive tier after 730 days', { datasetsDeepArchiveAccessAfter: Duration.days(731) },
      '[Test/Lake] datasetsDeepArchiveAccessAfter: received 731 days; allowed: a whole number of days, 180 to 730 days'],
    ['a deep archive tier not after the archive tier', {
      datasetsArchiveAccessAfter: Duration.days(200), datasetsDeepArchiveAccessAfter: Duration.days(180),
    }, '[Test/Lake] datasetsDeepArchiveAccessAfter: received 180 days; allowed: longer than datasetsArchiveAccessAfter (200 days)'],
    ['an empty datasets prefix', { datasetsPrefix: '' },
      '[Test/Lake] datasetsPrefix: received ""; allowed: a non-empty key prefix such as "datasets/": the empty prefix is the whole bucket'],
    ['a malformed checkpoints prefix', { checkpointsPrefix: '/checkpoints' },
      '[Test/Lake] checkpointsPrefix: received "/checkpoints"; allowed: a key prefix such as "datasets/"'],
    ['overlapping prefixes', { datasetsPrefix: 'ml/', checkpointsPrefix: 'ml/checkpoints/' },
      '[Test/Lake] checkpointsPrefix: received "ml/checkpoints/"; allowed: a prefix that does not overlap datasetsPrefix ("ml/")'],
    ['a malformed access logs prefix', { serverAccessLogsPrefix: 'logs//lake' },
      '[Test/Lake] serverAccessLogsPrefix: received "logs//lake"; allowed: a key prefix'],
  ])('rejects %s', (_name, props, message) => {
    const create = newLake(props);
    expect(create).toThrow(TrainingStorageError);
    expect(create).toThrow(message);
  });

  test('rejects a key with SSE-S3', () => {
    const stack = plainStack();
    const key = new kms.Key(stack, 'Key');
    expect(() => new TrainingDataLake(stack, 'Lake', { encryption: LakeEncryption.S3_MANAGED, encryptionKey: key })).toThrow(
      '[Test/Lake] encryptionKey: received a key; allowed: no key with encryption LakeEncryption.S3_MANAGED');
  });

  test('rejects a dataset name that is not one key segment', () => {
    const lake = new TrainingDataLake(plainStack(), 'Lake');
    expect(() => lake.dataset('corpus/v2')).toThrow(
      '[Test/Lake] name: received "corpus/v2"; allowed: 1 to 255 characters from A-Z, a-z, 0-9, ".", "_" and "-"');
    expect(() => lake.dataset('')).toThrow('[Test/Lake] name: received ""');
  });

  test('accepts tokens for names without checking them', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    expect(() => lake.dataset(Stack.of(stack).stackName)).not.toThrow();
  });
});
