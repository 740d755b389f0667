import { readFileSync } from 'fs';
import * as path from 'path';
import { App, Aws, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ExpressCacheExampleStack } from '../../examples/express-cache-stack';
import { GPU_SUBNET_GROUP, trainingVpc } from '../../examples/training-vpc';
import {
  DataLocation, DatasetCopyEngine, ExpressCache, ExpressCacheProps, OverwritePolicy, TrainingDataLake, TrainingStorageError,
} from '../../src';
import { createDataKey } from '../../src/core/encryption';
import { plainAnnotations, plainApp, plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

const CACHE_PATH = 'Test/Cache';

function role(stack: Stack, id = 'Role'): iam.Role {
  return new iam.Role(stack, id, { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
}

function cacheIn(stack: Stack, props: Partial<ExpressCacheProps> = {}): ExpressCache {
  return new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4', ...props } as ExpressCacheProps);
}

/** Builds a cache in a new stack and returns the error it throws. */
function rejection(props: Partial<ExpressCacheProps>, stack = plainStack()): TrainingStorageError {
  try {
    new ExpressCache(stack, 'Cache', props as ExpressCacheProps);
  } catch (e) {
    expect(e).toBeInstanceOf(TrainingStorageError);
    return e as TrainingStorageError;
  }
  throw new Error('no error thrown');
}

function directoryBucket(template: Template): { [key: string]: any } {
  const buckets = template.findResources('AWS::S3Express::DirectoryBucket');
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.values(buckets)[0];
}

function policyStatements(stack: Stack, grantee: iam.Role): any[] {
  return stack.resolve((grantee.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()).Statement;
}

const CACHE_ARN = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3express:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':bucket/', { Ref: Match.stringLikeRegexp('^Cache') }]],
};

describe('ExpressCache defaults', () => {
  let stack: Stack;
  let cache: ExpressCache;
  let template: Template;
  beforeAll(() => {
    stack = testStack();
    cache = cacheIn(stack);
    template = validatedTemplate(stack);
  });

  test('one directory bucket, single-AZ redundancy, in the given zone ID', () => {
    expect(directoryBucket(template).Properties).toEqual(expect.objectContaining({
      DataRedundancy: 'SingleAvailabilityZone',
      LocationName: 'use1-az4',
    }));
    expect(Object.keys(template.findResources('AWS::S3Express::DirectoryBucket'))[0]).toMatch(/^Cache[0-9A-F]{8}$/);
    expect(cache.node.defaultChild).toBe(cache.node.findChild('Resource'));
  });

  test('the name is <path>-<hash>-<account>--<az-id>--x-s3', () => {
    expect(directoryBucket(template).Properties.BucketName).toEqual({
      'Fn::Join': ['', [expect.stringMatching(/^test-cache-[0-9a-f]{8}-$/), { Ref: 'AWS::AccountId' }, '--use1-az4--x-s3']],
    });
  });

  test('SSE-S3 encryption, stated on the bucket', () => {
    expect(directoryBucket(template).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }],
    });
    expect(cache.encryptionKey).toBeUndefined();
  });

  test('request metrics for the whole bucket', () => {
    expect(directoryBucket(template).Properties.MetricsConfigurations).toEqual([{ Id: 'EntireBucket' }]);
    expect(cache.requestMetricsEnabled).toBe(true);
  });

  test('retained when removed or replaced', () => {
    const bucket = directoryBucket(template);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
  });

  test('no lifecycle rules, no bucket policy, no endpoint', () => {
    expect(directoryBucket(template).Properties.LifecycleConfiguration).toBeUndefined();
    template.resourceCountIs('AWS::S3Express::BucketPolicy', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(cache.gatewayEndpoint).toBeUndefined();
  });

  test('attributes: name (Ref), ARN (GetAtt), zone, s3:// URI, zonal endpoint', () => {
    const ref = { Ref: Object.keys(template.findResources('AWS::S3Express::DirectoryBucket'))[0] };
    expect(stack.resolve(cache.bucketName)).toEqual(ref);
    expect(stack.resolve(cache.bucketArn)).toEqual({ 'Fn::GetAtt': [ref.Ref, 'Arn'] });
    expect(cache.availabilityZoneId).toBe('use1-az4');
    expect(stack.resolve(cache.s3Uri)).toEqual({ 'Fn::Join': ['', ['s3://', ref, '/']] });
    expect(stack.resolve(cache.zonalEndpoint)).toEqual({
      'Fn::Join': ['', ['https://s3express-use1-az4.', { Ref: 'AWS::Region' }, '.', { Ref: 'AWS::URLSuffix' }]],
    });
  });

  test('location(prefix) is a directory-bucket DataLocation of this bucket', () => {
    const location = cache.location('datasets/corpus');
    expect(location.prefix).toBe('datasets/corpus/');
    expect(location.isDirectoryBucket).toBe(true);
    expect(location.child('v2').isDirectoryBucket).toBe(true);
    expect(stack.resolve(location.bucketName)).toEqual(stack.resolve(cache.bucketName));
    expect(() => cache.location('/bad')).toThrow(`[${CACHE_PATH}] prefix: received "/bad"; allowed: a key prefix such as "datasets/"`);
  });
});

describe('ExpressCache placement', () => {
  test('by subnet: the zone ID is the subnet\'s AvailabilityZoneId attribute, in the location and the name', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const vpc = trainingVpc(stack, 'Vpc', lake.serverAccessLogsBucket!);
    const subnet = vpc.selectSubnets({ subnetGroupName: GPU_SUBNET_GROUP }).subnets[0];
    const cache = new ExpressCache(stack, 'Cache', { subnet, bucketBaseName: 'gpu-cache' });
    const template = plainTemplate(stack);
    const subnetId = stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet);
    const azId = { 'Fn::GetAtt': [subnetId, 'AvailabilityZoneId'] };
    expect(directoryBucket(template).Properties).toEqual(expect.objectContaining({
      LocationName: azId,
      BucketName: { 'Fn::Join': ['', ['gpu-cache--', azId, '--x-s3']] },
    }));
    expect(stack.resolve(cache.availabilityZoneId)).toEqual(azId);
    // No warning: the zone is only known at deploy time.
    expect(plainAnnotations(stack).findWarning('*', Match.stringLikeRegexp('S3 Express One Zone'))).toHaveLength(0);
  });

  test('by subnet: a zone ID set on the CfnSubnet is used as is', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const subnet = trainingVpc(stack, 'Vpc', lake.serverAccessLogsBucket!).isolatedSubnets[0];
    const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
    cfnSubnet.availabilityZone = undefined; // CloudFormation takes one of AvailabilityZone and AvailabilityZoneId
    cfnSubnet.availabilityZoneId = 'use1-az5';
    const cache = new ExpressCache(stack, 'Cache', { subnet, bucketBaseName: 'gpu-cache' });
    expect(cache.availabilityZoneId).toBe('use1-az5');
    plainTemplate(stack).hasResourceProperties('AWS::S3Express::DirectoryBucket', { BucketName: 'gpu-cache--use1-az5--x-s3', LocationName: 'use1-az5' });
  });

  test('rejects an imported subnet, whose zone ID is not known', () => {
    const stack = plainStack();
    const subnet = ec2.Subnet.fromSubnetAttributes(stack, 'Imported', { subnetId: 'subnet-0123', availabilityZone: 'us-east-1a' });
    expect(rejection({ subnet }, stack).message).toBe(`[${CACHE_PATH}] subnet: received an imported subnet ("subnet-0123"); allowed: a subnet created in this app `
      + '(ec2.Subnet or a subnet of an ec2.Vpc), whose AvailabilityZoneId CloudFormation returns; for an imported subnet pass its zone ID as '
      + 'availabilityZoneId instead (not its zone name: names differ per account)');
  });

  test('rejects both subnet and availabilityZoneId, and neither', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'gpu', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(rejection({ subnet: vpc.isolatedSubnets[0], availabilityZoneId: 'use1-az4' }, stack).message).toBe(
      `[${CACHE_PATH}] availabilityZoneId: received "use1-az4"; allowed: nothing together with subnet: give exactly one of subnet and availabilityZoneId`);
    expect(rejection({}).message).toBe(
      `[${CACHE_PATH}] availabilityZoneId: received nothing; allowed: exactly one of subnet (the GPU subnet) and availabilityZoneId (such as "use1-az4")`);
  });

  test.each(['us-east-1a', 'us-gov-west-1b', 'us-west-2-lax-1a'])('rejects the zone name %s and explains names versus IDs', (name) => {
    expect(rejection({ availabilityZoneId: name }).message).toBe(`[${CACHE_PATH}] availabilityZoneId: received "${name}"; allowed: an Availability Zone ID `
      + `such as "use1-az4": "${name}" is a zone name, and zone names map to different physical zones in different accounts; `
      + 'find the ID with `aws ec2 describe-availability-zones` (ZoneId), or place the bucket with subnet');
  });

  test('rejects a Local Zone ID and anything that is not a zone ID', () => {
    expect(rejection({ availabilityZoneId: 'use1-bos1-az1' }).message).toBe(`[${CACHE_PATH}] availabilityZoneId: received "use1-bos1-az1"; allowed: an `
      + 'Availability Zone ID such as "use1-az4": Local Zone directory buckets (SingleLocalZone redundancy) are not supported by ExpressCache');
    expect(rejection({ availabilityZoneId: 'USE1-AZ4' }).message).toBe(`[${CACHE_PATH}] availabilityZoneId: received "USE1-AZ4"; allowed: an Availability Zone ID such as "use1-az4"`);
  });

  test('rejects a zone ID of another Region than the stack\'s', () => {
    const stack = plainStack('Test', { env: { region: 'us-west-2' } });
    expect(rejection({ availabilityZoneId: 'use1-az4' }, stack).message).toBe(
      `[${CACHE_PATH}] availabilityZoneId: received "use1-az4"; allowed: an Availability Zone ID of the stack's Region us-west-2: "use1-az4" is in us-east-1`);
  });

  test('a zone ID of a known Region where S3 Express is not documented gives a warning that can be acknowledged', () => {
    const stack = testStack();
    cacheIn(stack, { availabilityZoneId: 'use1-az1' });
    const warnings = Annotations.fromStack(stack).findWarning(`/${CACHE_PATH}`, Match.stringLikeRegexp('.*'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0].entry.data)).toContain('availabilityZoneId \\"use1-az1\\" is not among the zones where S3 Express One Zone is documented '
      + 'in us-east-1 (use1-az4, use1-az5, use1-az6;');
    // A warning, not an error: synthesis and the three validators pass.
    validatedTemplate(stack);

    const acknowledged = testStack();
    const cache = cacheIn(acknowledged, { availabilityZoneId: 'use1-az1' });
    Validations.of(cache).acknowledge({ id: 'ExpressCache.UnsupportedZone', reason: 'AWS added the zone.' });
    expect(Annotations.fromStack(acknowledged).findWarning('*', Match.stringLikeRegexp('.*'))).toHaveLength(0);
    validatedTemplate(acknowledged);
  });

  test('supported zones and zones of Regions without a list give no warning', () => {
    const stack = plainStack();
    for (const [i, az] of ['use1-az4', 'usw2-az3', 'apne1-az4', 'eun1-az2', 'euc1-az1'].entries()) {
      new ExpressCache(stack, `Cache${i}`, { availabilityZoneId: az });
    }
    expect(plainAnnotations(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toHaveLength(0);
  });
});

describe('ExpressCache name', () => {
  test('<bucketBaseName>--<az-id>--x-s3, literal when both parts are', () => {
    const stack = plainStack();
    cacheIn(stack, { bucketBaseName: 'training-cache' });
    expect(directoryBucket(plainTemplate(stack)).Properties.BucketName).toBe('training-cache--use1-az4--x-s3');
  });

  test('the longest base that fits 63 characters is accepted', () => {
    const stack = plainStack();
    cacheIn(stack, { bucketBaseName: 'a'.repeat(47) });
    expect(directoryBucket(plainTemplate(stack)).Properties.BucketName).toHaveLength(63);
  });

  const rules = 'lowercase letters, digits and hyphens, starting and ending with a letter or digit, without "--", not starting with "xn--" or "sthree-", ';
  test.each([
    ['Training-Cache'],
    ['-cache'],
    ['cache-'],
    ['cache--x'],
    ['cache_x'],
    ['xn--cache'],
    ['sthree-cache'],
    ['a'.repeat(48)],
  ])('rejects the base %j with the naming rules', (base) => {
    expect(rejection({ availabilityZoneId: 'use1-az4', bucketBaseName: base }).message).toBe(`[${CACHE_PATH}] bucketBaseName: received "${base}"; allowed: ${rules}`
      + 'at most 47 characters here (the name <base>--<az-id>--x-s3 is 3 to 63 characters)');
  });

  test('with a zone ID known at deploy time only, the length check counts 10 characters for it', () => {
    const stack = plainStack();
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'gpu', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    expect(rejection({ subnet: vpc.isolatedSubnets[0], bucketBaseName: 'a'.repeat(46) }, stack).message).toBe(
      `[${CACHE_PATH}] bucketBaseName: received "${'a'.repeat(46)}"; allowed: ${rules}at most 45 characters here `
      + '(the name <base>--<az-id>--x-s3 is 3 to 63 characters, counting 10 for a zone ID known at deploy time only)');
  });
});

describe('ExpressCache encryption', () => {
  test('encryptionKey: SSE-KMS with the key by ARN, bucket keys on; grants include the key', () => {
    const stack = plainStack();
    const key = createDataKey(stack, 'Key', 'cache key', RemovalPolicy.RETAIN);
    const cache = cacheIn(stack, { encryptionKey: key });
    const reader = role(stack, 'Reader');
    const writer = role(stack, 'Writer');
    cache.grantRead(reader);
    cache.grantReadWrite(writer);
    const template = plainTemplate(stack);
    expect(directoryBucket(template).Properties.BucketEncryption).toEqual({
      ServerSideEncryptionConfiguration: [{
        ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [expect.stringMatching(/^Key/), 'Arn'] } },
        BucketKeyEnabled: true,
      }],
    });
    expect(cache.encryptionKey).toBe(key);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    expect(policyStatements(stack, reader)).toEqual([
      expect.objectContaining({ Action: 's3express:CreateSession', Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } } }),
      // GetObject of an SSE-KMS object in a directory bucket needs kms:GenerateDataKey as well.
      { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: keyArn },
    ]);
    expect(policyStatements(stack, writer)).toEqual([
      expect.objectContaining({ Action: 's3express:CreateSession' }),
      { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: keyArn },
    ]);
  });

  test('rejects the AWS managed aws/s3 key', () => {
    const stack = plainStack();
    const message = `[${CACHE_PATH}] encryptionKey: received the AWS managed key aws/s3; allowed: a customer-managed KMS key: directory buckets use one `
      + 'customer-managed key for their whole life, given as key ID or ARN; the AWS managed aws/s3 key is not supported (leave encryptionKey out for SSE-S3)';
    expect(rejection({ availabilityZoneId: 'use1-az4', encryptionKey: kms.Alias.fromAliasName(stack, 'S3Alias', 'alias/aws/s3') }, stack).message).toBe(message);
    const byArn = plainStack();
    expect(rejection({ availabilityZoneId: 'use1-az4', encryptionKey: kms.Key.fromKeyArn(byArn, 'S3Key', 'arn:aws:kms:us-east-1:111122223333:alias/aws/s3') }, byArn).message)
      .toBe(message);
  });

  test.each([
    ['an alias by name', (stack: Stack) => kms.Alias.fromAliasName(stack, 'A', 'alias/training'), '"alias/training"'],
    ['a new alias', (stack: Stack) => new kms.Alias(stack, 'A', { aliasName: 'alias/training', targetKey: createDataKey(stack, 'K', 'k', RemovalPolicy.DESTROY) }), '"alias/training"'],
    ['an alias ARN', (stack: Stack) => kms.Key.fromKeyArn(stack, 'A', 'arn:aws:kms:us-east-1:111122223333:alias/training'), '"arn:aws:kms:us-east-1:111122223333:alias/training"'],
  ])('rejects %s', (_name, make, rendered) => {
    const stack = plainStack();
    expect(rejection({ availabilityZoneId: 'use1-az4', encryptionKey: make(stack) }, stack).message).toBe(
      `[${CACHE_PATH}] encryptionKey: received an alias (${rendered}); allowed: a key (kms.Key, or kms.Key.fromKeyArn): directory buckets take their `
      + 'one customer-managed key by key ID or ARN, never by alias; use the alias\'s target key (alias.aliasTargetKey for a kms.Alias)');
  });
});

describe('ExpressCache grants', () => {
  test('grantRead: CreateSession in ReadOnly mode on this bucket only; grantReadWrite: CreateSession (ReadWrite)', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    const reader = role(stack, 'Reader');
    const writer = role(stack, 'Writer');
    expect(cache.grantRead(reader).success).toBe(true);
    expect(cache.grantReadWrite(writer).success).toBe(true);
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: { Statement: [{ Action: 's3express:CreateSession', Effect: 'Allow', Resource: CACHE_ARN, Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } } }] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Writer') }],
      PolicyDocument: { Statement: [{ Action: 's3express:CreateSession', Effect: 'Allow', Resource: CACHE_ARN }] },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/"s3:|kms:|\*"/);
  });
});

/**
 * The session mode a Mountpoint mount asks for, `--read-only` or not: Mountpoint sends CreateSession
 * without `x-amz-create-session-mode` (awslabs/mountpoint-s3 issue 1076, open; the aws-c-s3 session
 * provider adds that header only when the caller sets it), and without it S3 creates a `ReadWrite`
 * session when policy allows one (Amazon S3 API Reference, CreateSession, x-amz-create-session-mode).
 */
const MOUNTPOINT_SESSION_MODE = 'ReadWrite';

/** Whether an IAM policy statement allows `s3express:CreateSession` in this session mode. */
function allowsSessionMode(statement: any, mode: string): boolean {
  if (statement.Effect !== 'Allow' || ![statement.Action].flat().includes('s3express:CreateSession')) {
    return false;
  }
  if (statement.Condition === undefined) {
    return true;
  }
  const operators = Object.keys(statement.Condition);
  const keys = Object.keys(statement.Condition.StringEquals ?? {});
  if (operators.length !== 1 || operators[0] !== 'StringEquals' || keys.length !== 1 || keys[0] !== 's3express:SessionMode') {
    throw new Error(`a condition this test does not judge: ${JSON.stringify(statement.Condition)}`);
  }
  return [statement.Condition.StringEquals['s3express:SessionMode']].flat().includes(mode);
}

describe('ExpressCache.grantMountpointRead', () => {
  test('SSE-S3: CreateSession on this bucket with no session mode condition, nothing else', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    const reader = role(stack, 'Reader');
    expect(cache.grantMountpointRead(reader).success).toBe(true);
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: { Statement: [Match.objectEquals({ Action: 's3express:CreateSession', Effect: 'Allow', Resource: CACHE_ARN })] },
    });
    expect(allowsSessionMode(policyStatements(stack, reader)[0], MOUNTPOINT_SESSION_MODE)).toBe(true);
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toMatch(/"s3:|kms:|\*"/);
  });

  test('SSE-KMS: kms:GenerateDataKey and kms:Decrypt on the key (GetObject on a directory bucket needs both)', () => {
    const stack = plainStack();
    const key = createDataKey(stack, 'Key', 'cache key', RemovalPolicy.RETAIN);
    const cache = cacheIn(stack, { encryptionKey: key });
    const reader = role(stack, 'Reader');
    cache.grantMountpointRead(reader);
    const template = plainTemplate(stack);
    const keyArn = { 'Fn::GetAtt': [stack.getLogicalId(key.node.defaultChild as kms.CfnKey), 'Arn'] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Reader') }],
      PolicyDocument: {
        Statement: [
          Match.objectEquals({ Action: 's3express:CreateSession', Effect: 'Allow', Resource: CACHE_ARN }),
          Match.objectEquals({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: keyArn }),
        ],
      },
    });
  });

  test('an imported cache grants the same, on its ARN and key', () => {
    const stack = plainStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const cache = ExpressCache.fromBucketAttributes(stack, 'Existing', { bucketName: 'team-cache--use1-az4--x-s3', encryptionKey: key });
    const reader = role(stack);
    cache.grantMountpointRead(reader);
    expect(policyStatements(stack, reader)).toEqual([
      { Action: 's3express:CreateSession', Effect: 'Allow', Resource: stack.resolve(cache.bucketArn) },
      { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: key.keyArn },
    ]);
  });

  test('the example: the role on the GPU instances may create the session its read-only mount command asks for', () => {
    const stack = new ExpressCacheExampleStack(plainApp(), 'ExpressCacheExample');
    const template = plainTemplate(stack);
    template.hasOutput('MountCommand', { Value: { 'Fn::Join': ['', ['mount-s3 ', { Ref: Match.stringLikeRegexp('^Cache') }, Match.stringLikeRegexp(' --read-only$')]] } });
    const trainingRole = stack.node.findChild('TrainingRole') as iam.Role;
    const sessions = policyStatements(stack, trainingRole).filter((s) => [s.Action].flat().includes('s3express:CreateSession'));
    expect(sessions).toHaveLength(1);
    expect(allowsSessionMode(sessions[0], MOUNTPOINT_SESSION_MODE)).toBe(true);
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TrainingRole') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3express:CreateSession', Resource: CACHE_ARN })]) },
    });
  });

  test('the README pairs the read-only mount command with grantMountpointRead', () => {
    const readme = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf-8');
    const section = readme.slice(readme.indexOf('## ExpressCache'));
    const sample = /```ts[^\n]*\n([\s\S]*?)```/.exec(section)![1];
    expect(sample).toContain('readOnly: true');
    expect(sample).toMatch(/cache\.grantMountpointRead\(trainingRole\);/);
    expect(sample).not.toMatch(/cache\.grantRead\(/);
  });
});

describe('ExpressCache bucket policy', () => {
  test('addToResourcePolicy adds CreateSession statements to an AWS::S3Express::BucketPolicy', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    const result = cache.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.AccountRootPrincipal()],
      actions: ['s3express:CreateSession'],
      resources: [cache.bucketArn],
      conditions: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } },
    }));
    expect(result.statementAdded).toBe(true);
    expect(result.policyDependable).toBe(cache.node.findChild('Policy'));
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::S3Express::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Cache') },
      PolicyDocument: {
        Statement: [{
          Action: 's3express:CreateSession',
          Effect: 'Allow',
          Principal: { AWS: Match.anyValue() },
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cache'), 'Arn'] },
          Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } },
        }],
      },
    });
  });

  test.each([
    [['s3:GetObject'], 'actions ["s3:GetObject"]'],
    [['s3express:CreateSession', 's3:PutObject'], 'actions ["s3express:CreateSession","s3:PutObject"]'],
    [['s3express:*'], 'actions ["s3express:*"]'],
  ])('rejects a statement with the actions %j and names them', (actions, received) => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    const statement = new iam.PolicyStatement({ principals: [new iam.AccountRootPrincipal()], actions, resources: [cache.bucketArn] });
    expect(() => cache.addToResourcePolicy(statement))
      .toThrow(`[${CACHE_PATH}] statement: received ${received}; allowed: a statement whose only action is "s3express:CreateSession": a directory bucket `
        + 'policy can allow nothing else (limit access with the s3express:SessionMode condition: ReadOnly or ReadWrite)');
  });

  test('rejects NotAction statements', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    expect(() => cache.addToResourcePolicy(new iam.PolicyStatement({ effect: iam.Effect.DENY, principals: [new iam.AnyPrincipal()], notActions: ['s3express:CreateSession'], resources: [cache.bucketArn] })))
      .toThrow(`[${CACHE_PATH}] statement: received NotAction ["s3express:CreateSession"]; allowed: a statement whose only action is "s3express:CreateSession"`);
  });
});

describe('ExpressCache lifecycle', () => {
  test('expiration and abort rules by prefix and size, and the lifecycle service\'s ReadWrite sessions in the bucket policy', () => {
    const stack = plainStack();
    cacheIn(stack, {
      lifecycleRules: [
        { id: 'ExpireScratch', prefix: 'scratch', expiration: Duration.days(7), objectSizeGreaterThan: 0, objectSizeLessThan: 1024 },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
        { id: 'Paused', enabled: false, prefix: 'old/', expiration: Duration.days(30) },
      ],
    });
    const template = plainTemplate(stack);
    expect(directoryBucket(template).Properties.LifecycleConfiguration).toEqual({
      Rules: [
        { Id: 'ExpireScratch', Status: 'Enabled', Prefix: 'scratch/', ExpirationInDays: 7, ObjectSizeGreaterThan: '0', ObjectSizeLessThan: '1024' },
        { Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } },
        { Id: 'Paused', Status: 'Disabled', Prefix: 'old/', ExpirationInDays: 30 },
      ],
    });
    template.hasResourceProperties('AWS::S3Express::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^Cache') },
      PolicyDocument: {
        Statement: [{
          Sid: 'AllowS3LifecycleSessions',
          Effect: 'Allow',
          Principal: { Service: 'lifecycle.s3.amazonaws.com' },
          Action: 's3express:CreateSession',
          Condition: { StringEquals: { 's3express:SessionMode': 'ReadWrite' } },
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Cache'), 'Arn'] },
        }],
      },
    });
  });

  const only = 'directory bucket lifecycle rules support expiration and abortIncompleteMultipartUploadAfter only';
  test.each<[string, s3.LifecycleRule, string]>([
    ['transitions', { transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) }] },
      'received [{"storageClass":"GLACIER","transitionAfter":"30 days"}]; allowed: nothing: directory buckets hold one storage class (S3 Express One Zone) and cannot transition objects'],
    ['noncurrentVersionTransitions', { noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(30) }] },
      'received [{"storageClass":"GLACIER","transitionAfter":"30 days"}]; allowed: nothing: directory buckets are not versioned'],
    ['noncurrentVersionExpiration', { noncurrentVersionExpiration: Duration.days(3) }, 'received 3 days; allowed: nothing: directory buckets are not versioned'],
    ['noncurrentVersionsToRetain', { noncurrentVersionsToRetain: 2, expiration: Duration.days(1) }, 'received 2; allowed: nothing: directory buckets are not versioned'],
    ['expiredObjectDeleteMarker', { expiredObjectDeleteMarker: true }, 'received true; allowed: nothing: directory buckets are not versioned and have no delete markers'],
    ['expirationDate', { expirationDate: new Date('2030-01-01T00:00:00Z') },
      'received 2030-01-01T00:00:00.000Z; allowed: nothing: directory bucket rules expire objects after a number of days (expiration)'],
    ['tagFilters', { tagFilters: { team: 'nlp' }, expiration: Duration.days(1) }, 'received {"team":"nlp"}; allowed: nothing: directory bucket rules filter by prefix and object size only'],
  ])('rejects %s', (field, rule, message) => {
    expect(rejection({ availabilityZoneId: 'use1-az4', lifecycleRules: [{ expiration: Duration.days(1) }, rule] }).message)
      .toBe(`[${CACHE_PATH}] lifecycleRules[1].${field}: ${message}; ${only}`);
  });

  test('rejects a rule without an action, day counts that are not whole days, bad sizes and prefixes', () => {
    const az = { availabilityZoneId: 'use1-az4' };
    expect(rejection({ ...az, lifecycleRules: [{ prefix: 'x/' }] }).message).toBe(
      `[${CACHE_PATH}] lifecycleRules[0]: received a rule without an action; allowed: a rule with expiration, abortIncompleteMultipartUploadAfter or both`);
    expect(rejection({ ...az, lifecycleRules: [{ expiration: Duration.hours(36) }] }).message).toBe(
      `[${CACHE_PATH}] lifecycleRules[0].expiration: received 1 day 12 hours; allowed: a whole number of days, at least 1 days`);
    expect(rejection({ ...az, lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(0) }] }).message).toBe(
      `[${CACHE_PATH}] lifecycleRules[0].abortIncompleteMultipartUploadAfter: received 0 days; allowed: a whole number of days, at least 1 days`);
    expect(rejection({ ...az, lifecycleRules: [{ expiration: Duration.days(1), objectSizeLessThan: -1 }] }).message).toBe(
      `[${CACHE_PATH}] lifecycleRules[0].objectSizeLessThan: received -1; allowed: a whole number of bytes, 0 or more`);
    expect(rejection({ ...az, lifecycleRules: [{ expiration: Duration.days(1), objectSizeGreaterThan: 10, objectSizeLessThan: 10 }] }).message).toBe(
      `[${CACHE_PATH}] lifecycleRules[0].objectSizeLessThan: received 10; allowed: more than objectSizeGreaterThan (10)`);
    expect(rejection({ ...az, lifecycleRules: [{ expiration: Duration.days(1), prefix: 'a//b' }] }).message).toMatch(
      new RegExp(`^\\[${CACHE_PATH}\\] lifecycleRules\\[0\\]\\.prefix: received "a//b"; allowed: a key prefix such as "datasets/"`));
  });
});

describe('ExpressCache options', () => {
  test('removalPolicy DESTROY deletes the bucket', () => {
    const stack = plainStack();
    cacheIn(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const bucket = directoryBucket(plainTemplate(stack));
    expect(bucket.DeletionPolicy).toBe('Delete');
    expect(bucket.UpdateReplacePolicy).toBe('Delete');
  });

  test('requestMetricsEnabled: false leaves the metrics configuration out, and metric() says why it cannot work', () => {
    const stack = plainStack();
    const cache = cacheIn(stack, { requestMetricsEnabled: false });
    expect(directoryBucket(plainTemplate(stack)).Properties.MetricsConfigurations).toBeUndefined();
    expect(() => cache.metricAllRequests()).toThrow(`[${CACHE_PATH}] requestMetricsEnabled: received false; allowed: true to read request metrics: `
      + 'without the EntireBucket metrics configuration S3 publishes none');
  });

  test('metric helpers: AWS/S3, BucketName and FilterId dimensions, Sum (latencies: Average)', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    const dimensions = { BucketName: { Ref: Match.stringLikeRegexp('^Cache') }, FilterId: 'EntireBucket' };
    const cases: Array<[() => any, string, string]> = [
      [() => cache.metricAllRequests(), 'AllRequests', 'Sum'],
      [() => cache.metricGetRequests(), 'GetRequests', 'Sum'],
      [() => cache.metricPutRequests(), 'PutRequests', 'Sum'],
      [() => cache.metricListRequests(), 'ListRequests', 'Sum'],
      [() => cache.metricBytesDownloaded(), 'BytesDownloaded', 'Sum'],
      [() => cache.metricBytesUploaded(), 'BytesUploaded', 'Sum'],
      [() => cache.metricFirstByteLatency(), 'FirstByteLatency', 'Average'],
      [() => cache.metricTotalRequestLatency(), 'TotalRequestLatency', 'Average'],
      [() => cache.metric4xxErrors(), '4xxErrors', 'Sum'],
      [() => cache.metric5xxErrors(), '5xxErrors', 'Sum'],
    ];
    for (const [make, metricName, statistic] of cases) {
      const metric = make();
      expect({ namespace: metric.namespace, metricName: metric.metricName, statistic: metric.statistic, period: metric.period.toSeconds() })
        .toEqual({ namespace: 'AWS/S3', metricName, statistic, period: 300 });
      expect(stack.resolve(metric.dimensions)).toEqual({ BucketName: { Ref: expect.stringMatching(/^Cache/) }, FilterId: 'EntireBucket' });
    }
    const custom = cache.metric('HeadRequests', { statistic: 'p99', period: Duration.minutes(1) });
    expect([custom.statistic, custom.period.toSeconds()]).toEqual(['p99', 60]);
    expect(dimensions.FilterId).toBe('EntireBucket');
  });
});

describe('ExpressCache gateway endpoint', () => {
  function vpcSetup() {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const vpc = trainingVpc(stack, 'Vpc', lake.serverAccessLogsBucket!);
    return { stack, vpc, subnets: vpc.selectSubnets({ subnetGroupName: GPU_SUBNET_GROUP }).subnets };
  }

  test('placed by subnet: an s3express gateway endpoint on that subnet\'s route table', () => {
    const { stack, vpc, subnets } = vpcSetup();
    const cache = new ExpressCache(stack, 'Cache', { subnet: subnets[0], gatewayEndpointVpc: vpc });
    const template = plainTemplate(stack);
    const routeTable = stack.getLogicalId(subnets[0].node.findChild('RouteTable') as ec2.CfnRouteTable);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3express']] },
      VpcEndpointType: 'Gateway',
      RouteTableIds: [{ Ref: routeTable }],
    });
    expect(cache.gatewayEndpoint).toBe(cache.node.findChild('GatewayEndpoint'));
  });

  test('gatewayEndpointSubnets choose the route tables; by zone ID the default is every subnet of the VPC', () => {
    const { stack, vpc, subnets } = vpcSetup();
    new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4', gatewayEndpointVpc: vpc });
    new ExpressCache(stack, 'Second', { availabilityZoneId: 'use1-az4', gatewayEndpointVpc: vpc, gatewayEndpointSubnets: [{ subnets: [subnets[1]] }] });
    const template = plainTemplate(stack);
    const endpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint', { Properties: { ServiceName: { 'Fn::Join': Match.arrayWith([Match.arrayWith(['.s3express'])]) } } }));
    expect(endpoints.map((e) => e.Properties.RouteTableIds.length).sort()).toEqual([1, 2]);
  });

  test('rejects gatewayEndpointSubnets without gatewayEndpointVpc', () => {
    expect(rejection({ availabilityZoneId: 'use1-az4', gatewayEndpointSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] }).message).toBe(
      `[${CACHE_PATH}] gatewayEndpointSubnets: received 1 selection(s); allowed: nothing without gatewayEndpointVpc, the VPC that gets the endpoint`);
  });
});

describe('ExpressCache.importFrom', () => {
  function importSetup() {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const cache = cacheIn(stack);
    return { stack, lake, cache };
  }

  test('copies a lake dataset to the same prefix in the cache with the Lambda engine; the copy role gets a ReadWrite session', () => {
    const { stack, lake, cache } = importSetup();
    const copy = cache.importFrom(lake.dataset('corpus'));
    expect(copy.node.id).toBe('Import:datasets:corpus');
    expect(copy.node.scope).toBe(cache);
    expect(copy.destination.isDirectoryBucket).toBe(true);
    const template = validatedTemplate(stack);
    template.hasResourceProperties('Custom::DatasetCopy', {
      SourceBucket: { Ref: Match.stringLikeRegexp('^LakeBucket') },
      SourcePrefix: 'datasets/corpus/',
      DestinationBucket: { Ref: Match.stringLikeRegexp('^Cache') },
      DestinationPrefix: 'datasets/corpus/',
      Engine: 'LAMBDA',
      Overwrite: 'IF_DIFFERENT',
    });
    const statements = policyStatements(stack, copy.role as iam.Role);
    const sessionArn = stack.resolve(stack.formatArn({ service: 's3express', resource: 'bucket', resourceName: cache.bucketName }));
    expect(statements).toContainEqual({ Action: 's3express:CreateSession', Effect: 'Allow', Resource: sessionArn });
  });

  test('destinationPrefix, engine and copy settings are passed on; the Batch report goes to the source bucket', () => {
    const { stack, lake, cache } = importSetup();
    const copy = cache.importFrom(lake.dataset('images'), {
      destinationPrefix: 'img',
      engine: DatasetCopyEngine.BATCH_OPERATIONS,
      waitForBatchJob: false,
      overwrite: OverwritePolicy.ALWAYS,
      totalTimeout: Duration.minutes(30),
    });
    expect(copy.node.id).toBe('Import:img');
    const template = plainTemplate(stack);
    template.hasResourceProperties('Custom::DatasetCopy', {
      SourcePrefix: 'datasets/images/',
      DestinationPrefix: 'img/',
      Engine: 'BATCH_OPERATIONS',
      WaitForBatchJob: 'false',
      Overwrite: 'ALWAYS',
      ReportBucketArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeBucket'), 'Arn'] },
      ReportPrefix: 'dataset-copy-reports',
    });
  });

  test('the whole bucket is imported as Import; keys and concurrency are passed on', () => {
    const { stack, lake, cache } = importSetup();
    const copy = cache.importFrom(lake.datasets, { destinationPrefix: '', keys: ['a.bin'], concurrency: 8 });
    expect(copy.node.id).toBe('Import');
    plainTemplate(stack).hasResourceProperties('Custom::DatasetCopy', { DestinationPrefix: '', Keys: ['a.bin'], Concurrency: '8' });
  });

  test('rejects a second import to the same prefix, and a token prefix', () => {
    const { lake, cache } = importSetup();
    cache.importFrom(lake.dataset('corpus'));
    expect(() => cache.importFrom(lake.dataset('other'), { destinationPrefix: 'datasets/corpus/' })).toThrow(
      `[${CACHE_PATH}] destinationPrefix: received "datasets/corpus/"; allowed: a destination prefix that no other importFrom of this cache uses `
      + '(construct ID Import:datasets:corpus exists already)');
    expect(() => cache.importFrom(lake.dataset('other'), { destinationPrefix: Stack.of(cache).region })).toThrow(
      `[${CACHE_PATH}] destinationPrefix: received (unresolved token); allowed: a literal key prefix: it names the copy construct (Import:<segments>)`);
  });

  test('Batch Operations: rejects a report location in a directory bucket, and needs one when the source is a directory bucket', () => {
    const { stack, cache } = importSetup();
    const other = ExpressCache.fromBucketName(stack, 'Other', 'other--use1-az4--x-s3');
    expect(() => cache.importFrom(other.location('x/'), { engine: DatasetCopyEngine.BATCH_OPERATIONS })).toThrow(
      `[${CACHE_PATH}] batchReportLocation: received nothing; allowed: a location in a general purpose bucket when the source is a directory bucket: `
      + 'Batch Operations cannot write reports to directory buckets');
    expect(() => cache.importFrom(DataLocation.fromBucket(s3.Bucket.fromBucketName(stack, 'Gp', 'general'), 'x/'), {
      engine: DatasetCopyEngine.BATCH_OPERATIONS, batchReportLocation: other.location('reports/'),
    })).toThrow(`[${CACHE_PATH}] batchReportLocation: received "s3://other--use1-az4--x-s3/reports/"; allowed: a location in a general purpose bucket: `
      + 'Batch Operations cannot write reports to directory buckets');
  });
});

describe('ExpressCache.fromBucketName / fromBucketAttributes', () => {
  test('an existing bucket: zone ID from the name, s3express ARN, session grants, no policy', () => {
    const stack = testStack();
    const cache = ExpressCache.fromBucketName(stack, 'Existing', 'team-cache--usw2-az1--x-s3');
    expect(cache.bucketName).toBe('team-cache--usw2-az1--x-s3');
    expect(cache.availabilityZoneId).toBe('usw2-az1');
    expect(cache.s3Uri).toBe('s3://team-cache--usw2-az1--x-s3/');
    expect(stack.resolve(cache.bucketArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3express:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':bucket/team-cache--usw2-az1--x-s3']],
    });
    const reader = role(stack);
    cache.grantRead(reader);
    expect(policyStatements(stack, reader)).toEqual([{
      Action: 's3express:CreateSession', Effect: 'Allow', Resource: stack.resolve(cache.bucketArn), Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } },
    }]);
    expect(cache.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3express:CreateSession'], resources: [cache.bucketArn] })).statementAdded).toBe(false);
    expect(() => cache.addToResourcePolicy(new iam.PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }))).toThrow('[Test/Existing] statement: received actions ["s3:GetObject"]');
    // An imported cache with grants passes the three validators.
    validatedTemplate(stack);
  });

  test('attributes: key and zone ID for a name that is a token', () => {
    const stack = plainStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const cache = ExpressCache.fromBucketAttributes(stack, 'Existing', { bucketName: Aws.STACK_NAME, availabilityZoneId: 'use1-az6', encryptionKey: key });
    expect(cache.availabilityZoneId).toBe('use1-az6');
    expect(cache.encryptionKey).toBe(key);
    expect(cache.location('x').isDirectoryBucket).toBe(true);
    const reader = role(stack);
    cache.grantRead(reader);
    expect(policyStatements(stack, reader)[1]).toEqual({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: key.keyArn });
  });

  test('rejects a name that is not a directory bucket name, a token name without zone ID, and a zone ID that contradicts the name', () => {
    const stack = plainStack();
    expect(() => ExpressCache.fromBucketName(stack, 'A', 'general-purpose-bucket')).toThrow(
      '[Test/A] bucketName: received "general-purpose-bucket"; allowed: a directory bucket name <base>--<az-id>--x-s3, 3 to 63 lowercase letters, '
      + 'digits and hyphens, such as "cache--use1-az4--x-s3"');
    expect(() => ExpressCache.fromBucketAttributes(stack, 'B', { bucketName: Aws.STACK_NAME })).toThrow(
      '[Test/B] availabilityZoneId: received nothing; allowed: the bucket\'s Availability Zone ID when bucketName is an unresolved token (it cannot be read from the name)');
    expect(() => ExpressCache.fromBucketAttributes(stack, 'C', { bucketName: 'c--use1-az4--x-s3', availabilityZoneId: 'use1-az5' })).toThrow(
      '[Test/C] availabilityZoneId: received "use1-az5"; allowed: the zone ID in bucketName ("use1-az4") or nothing');
  });
});

describe('ExpressCache client settings', () => {
  test('mountpointCommand renders mount-s3 with the options, tokens included', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    expect(stack.resolve(cache.mountpointCommand({ mountPath: '/mnt/cache' }))).toEqual({ 'Fn::Join': ['', ['mount-s3 ', { Ref: expect.stringMatching(/^Cache/) }, ' /mnt/cache']] });
    const full = cache.mountpointCommand({
      mountPath: '/mnt/cache',
      prefix: 'datasets/corpus',
      cacheDirectory: '/opt/dlami/nvme/mp-cache',
      maxCacheSizeMiB: 102400,
      allowDelete: true,
      allowOverwrite: true,
      uid: 1000,
      gid: 1000,
    });
    expect(stack.resolve(full)).toEqual({
      'Fn::Join': ['', ['mount-s3 ', { Ref: expect.stringMatching(/^Cache/) },
        ' /mnt/cache --prefix datasets/corpus/ --cache /opt/dlami/nvme/mp-cache --max-cache-size 102400 --allow-delete --allow-overwrite --uid 1000 --gid 1000']],
    });
    const imported = ExpressCache.fromBucketName(stack, 'Existing', 'c--use1-az4--x-s3');
    expect(imported.mountpointCommand({ mountPath: '/data', readOnly: true, prefix: '' })).toBe('mount-s3 c--use1-az4--x-s3 /data --read-only');
  });

  test('mountpointCommand rejects relative or unsafe paths, a cache size without cache directory, conflicting flags, bad numbers', () => {
    const stack = plainStack();
    const cache = cacheIn(stack);
    const pathRule = 'an absolute path of letters, digits, ".", "_", "-" and "/", such as "/mnt/cache" (no spaces or shell characters)';
    expect(() => cache.mountpointCommand({ mountPath: 'mnt/cache' })).toThrow(`[${CACHE_PATH}] mountPath: received "mnt/cache"; allowed: ${pathRule}`);
    expect(() => cache.mountpointCommand({ mountPath: '/mnt/a b' })).toThrow(`[${CACHE_PATH}] mountPath: received "/mnt/a b"; allowed: ${pathRule}`);
    expect(() => cache.mountpointCommand({ mountPath: '/mnt', cacheDirectory: '/tmp;rm' })).toThrow(`[${CACHE_PATH}] cacheDirectory: received "/tmp;rm"; allowed: ${pathRule}`);
    expect(() => cache.mountpointCommand({ mountPath: '/mnt', maxCacheSizeMiB: 10 })).toThrow(
      `[${CACHE_PATH}] maxCacheSizeMiB: received 10; allowed: nothing without cacheDirectory: the size limits the local cache`);
    expect(() => cache.mountpointCommand({ mountPath: '/mnt', cacheDirectory: '/c', maxCacheSizeMiB: 0.5 })).toThrow(
      `[${CACHE_PATH}] maxCacheSizeMiB: received 0.5; allowed: a whole number, 1 or more`);
    expect(() => cache.mountpointCommand({ mountPath: '/mnt', readOnly: true, allowDelete: true })).toThrow(
      `[${CACHE_PATH}] allowDelete: received true; allowed: false with readOnly: true (a read-only mount cannot delete or overwrite)`);
    expect(() => cache.mountpointCommand({ mountPath: '/mnt', uid: -1 })).toThrow(`[${CACHE_PATH}] uid: received -1; allowed: a whole number, 0 or more`);
  });

  test('s3ConnectorSettings: bucket, Region, zonal endpoint and URI', () => {
    const stack = new Stack(new App(), 'Test', { env: { region: 'us-east-1', account: '111122223333' } });
    const cache = ExpressCache.fromBucketName(stack, 'Existing', 'c--use1-az4--x-s3');
    expect(cache.s3ConnectorSettings()).toEqual({
      bucketName: 'c--use1-az4--x-s3',
      region: 'us-east-1',
      endpointUrl: 'https://s3express-use1-az4.us-east-1.amazonaws.com',
      s3Uri: 's3://c--use1-az4--x-s3/',
    });
  });
});

describe('ExpressCache autoDeleteObjects', () => {
  const MARKER_TAG = { Key: 'cdk-training-storage:auto-delete-objects', Value: 'true' };

  test('default: no marker tag, no custom resource, no functions', () => {
    const stack = plainStack();
    cacheIn(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const template = plainTemplate(stack);
    expect(directoryBucket(template).Properties.Tags).toBeUndefined();
    template.resourceCountIs('Custom::ExpressCacheAutoDeleteObjects', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
  });

  test('opted in: the bucket carries the marker tag; a custom resource that depends on the bucket, its function and its framework', () => {
    const stack = plainStack();
    const cache = cacheIn(stack, { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const template = plainTemplate(stack);
    expect(directoryBucket(template).Properties.Tags).toEqual([MARKER_TAG]);
    const bucketId = stack.getLogicalId(cache.node.defaultChild as any);

    const resources = template.findResources('Custom::ExpressCacheAutoDeleteObjects');
    expect(Object.keys(resources)).toHaveLength(1);
    const resource = Object.values(resources)[0];
    expect(resource.DependsOn).toContain(bucketId);
    expect(resource.Properties).toEqual({
      ServiceToken: expect.anything(),
      BucketName: { Ref: bucketId },
      BucketArn: { 'Fn::GetAtt': [bucketId, 'Arn'] },
      AccountId: { Ref: 'AWS::AccountId' },
    });
    // The handler and the Provider framework's onEvent function: no waiter.
    template.resourceCountIs('AWS::Lambda::Function', 2);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 0);
    template.hasResourceProperties('AWS::Lambda::Function', { Runtime: 'nodejs24.x', Timeout: 900 });
    // One KMS-encrypted log group, kept one year.
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: Match.anyValue() });
    // No AWS managed policies on any role.
    for (const iamRole of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(iamRole.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('the handler role may create ReadWrite sessions and list the tags of this bucket only', () => {
    const stack = plainStack();
    const cache = cacheIn(stack, { removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    const handlerRole = cache.node.findChild('AutoDeleteObjects').node.findChild('HandlerRole') as iam.Role;
    const bucketId = stack.getLogicalId(cache.node.defaultChild as any);
    const statements = policyStatements(stack, handlerRole);
    const bucketArn = { 'Fn::GetAtt': [bucketId, 'Arn'] };
    expect(statements).toEqual(expect.arrayContaining([
      { Action: 's3express:CreateSession', Effect: 'Allow', Resource: bucketArn, Condition: { StringEquals: { 's3express:SessionMode': 'ReadWrite' } } },
      { Action: 's3express:ListTagsForResource', Effect: 'Allow', Resource: bucketArn },
    ]));
    const s3expressStatements = statements.filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('s3express:')));
    expect(s3expressStatements).toHaveLength(2);
  });

  test.each([
    ['left out (RETAIN)', undefined, 'RemovalPolicy.RETAIN'],
    ['SNAPSHOT', RemovalPolicy.SNAPSHOT, 'RemovalPolicy.SNAPSHOT'],
    ['RETAIN_ON_UPDATE_OR_DELETE', RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE, 'RemovalPolicy.RETAIN_ON_UPDATE_OR_DELETE'],
  ])('autoDeleteObjects: true needs removalPolicy DESTROY (removalPolicy %s)', (_name, removalPolicy, rendered) => {
    const error = rejection({ availabilityZoneId: 'use1-az4', autoDeleteObjects: true, removalPolicy });
    expect(error.message).toBe(`[${CACHE_PATH}] autoDeleteObjects: received true; allowed: true only with removalPolicy: `
      + `RemovalPolicy.DESTROY (here removalPolicy is ${rendered}): objects are deleted only with a bucket that is deleted; `
      + 'otherwise false (the default)');
  });

  test('autoDeleteObjects: false with any removal policy is accepted', () => {
    const stack = plainStack();
    cacheIn(stack, { autoDeleteObjects: false });
    expect(directoryBucket(plainTemplate(stack)).Properties.Tags).toBeUndefined();
  });

  test('passes the validators with zero findings, also with SSE-KMS and lifecycle rules', () => {
    const stack = testStack();
    const key = createDataKey(stack, 'Key', 'cache key', RemovalPolicy.DESTROY);
    cacheIn(stack, {
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
      encryptionKey: key,
      lifecycleRules: [{ expiration: Duration.days(7) }],
    });
    expect(() => validatedTemplate(stack)).not.toThrow();
  });
});
