import { Aws, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLocation, TrainingStorageError } from '../../src';
import { createDataKey } from '../../src/core/encryption';
import { acknowledgePrefixGrants, plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

function importedBucket(stack: Stack, name = 'training-bucket'): s3.IBucket {
  return s3.Bucket.fromBucketName(stack, 'Imported', name);
}

function role(stack: Stack): iam.Role {
  return new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
}

describe('DataLocation', () => {
  test('normalizes the prefix to end with "/" and renders the s3:// URI', () => {
    const stack = plainStack();
    const location = DataLocation.fromBucket(importedBucket(stack), 'datasets/corpus');
    expect(location.prefix).toBe('datasets/corpus/');
    expect(location.s3Uri).toBe('s3://training-bucket/datasets/corpus/');
    expect(location.bucketName).toBe('training-bucket');
    expect(stack.resolve(location.objectsArn)).toEqual({
      'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-bucket/datasets/corpus/*']],
    });
  });

  test('the empty prefix is the whole bucket', () => {
    const stack = plainStack();
    const location = DataLocation.fromBucket(importedBucket(stack), '');
    expect(location.prefix).toBe('');
    expect(location.s3Uri).toBe('s3://training-bucket/');
  });

  test('child() appends key segments', () => {
    const stack = plainStack();
    const location = DataLocation.fromBucket(importedBucket(stack), 'datasets/').child('corpus/v2');
    expect(location.prefix).toBe('datasets/corpus/v2/');
  });

  test.each([
    ['/datasets/'],
    ['datasets//corpus/'],
    ['datasets/*/'],
    ['datasets/?'],
    ['datasets/../checkpoints/'],
    ['./datasets/'],
    ['x'.repeat(1024)],
  ])('rejects the prefix %j with a message that names the rule', (prefix) => {
    const stack = plainStack();
    const bucket = importedBucket(stack);
    expect(() => DataLocation.fromBucket(bucket, prefix)).toThrow(TrainingStorageError);
    expect(() => DataLocation.fromBucket(bucket, prefix)).toThrow(
      `[Test/Imported] prefix: received ${JSON.stringify(prefix)}; allowed: a key prefix such as "datasets/"`);
  });

  test('rejects a child name that is not a key segment', () => {
    const stack = plainStack();
    const location = DataLocation.fromBucket(importedBucket(stack), 'datasets/');
    expect(() => location.child('corpus v2')).toThrow(
      '[Test/Imported] name: received "corpus v2"; allowed: 1 to 255 characters from A-Z, a-z, 0-9, ".", "_" and "-"');
  });

  test('grantRead allows reading and listing the prefix only, and decrypting with the key', () => {
    const stack = testStack();
    const key = createDataKey(stack, 'Key', 'test key', RemovalPolicy.DESTROY);
    const location = DataLocation.fromBucket(importedBucket(stack), 'datasets/corpus/', { encryptionKey: key });
    const grantee = role(stack);
    const grant = location.grantRead(grantee);
    expect(grant.success).toBe(true);
    acknowledgePrefixGrants(grantee, [location]);

    // The representative grant: with its wildcard acknowledged, it passes the three validators.
    const template = validatedTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-bucket/datasets/corpus/*']] },
          },
          {
            Action: 's3:ListBucket',
            Condition: { StringLike: { 's3:prefix': ['datasets/corpus/*'] } },
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-bucket']] },
          },
          { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Key'), 'Arn'] } },
        ],
      },
    });
  });

  test('grantWrite allows writing and deleting under the prefix and encrypting with the key', () => {
    const stack = plainStack();
    const key = createDataKey(stack, 'Key', 'test key', RemovalPolicy.DESTROY);
    const location = DataLocation.fromBucket(importedBucket(stack), 'checkpoints/', { encryptionKey: key });
    const grantee = role(stack);
    location.grantWrite(grantee);

    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:DeleteObject'],
            Effect: 'Allow',
            Resource: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-bucket/checkpoints/*']] },
          },
          { Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Effect: 'Allow', Resource: Match.anyValue() },
        ]),
      },
    });
    // No read access comes with write access.
    const policies = template.findResources('AWS::IAM::Policy');
    expect(JSON.stringify(policies)).not.toContain('s3:GetObject');
  });

  test('a whole-bucket location lists without a prefix condition and grants no KMS without a key', () => {
    const stack = plainStack();
    const grantee = role(stack);
    const whole = DataLocation.fromBucket(importedBucket(stack), '');
    whole.grantReadWrite(grantee);
    const template = plainTemplate(stack);
    const policy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    expect(policy).not.toContain('s3:prefix');
    expect(policy).not.toContain('kms:');
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({ Action: 's3:ListBucket', Condition: Match.absent() })]),
      },
    });
  });
});

describe('DataLocation in an S3 Express One Zone directory bucket', () => {
  function directoryLocation(stack: Stack): DataLocation {
    const bucket = s3.Bucket.fromBucketName(stack, 'Cache', 'cache--use1-az4--x-s3');
    return DataLocation.fromBucket(bucket, 'corpus/');
  }

  test('is recognized by its name', () => {
    const stack = plainStack();
    expect(directoryLocation(stack).isDirectoryBucket).toBe(true);
    expect(DataLocation.fromBucket(importedBucket(stack), 'x/').isDirectoryBucket).toBe(false);
  });

  test('the directoryBucket option marks a bucket whose name is a token, and children keep it', () => {
    const stack = plainStack();
    const name = Fn.join('', [Fn.select(0, Fn.split('.', 'cache.x')), '--', Aws.REGION, '--x-s3']);
    const bucket = s3.Bucket.fromBucketName(stack, 'Cache', name);
    expect(DataLocation.fromBucket(bucket, 'corpus/').isDirectoryBucket).toBe(false);
    const location = DataLocation.fromBucket(bucket, 'corpus/', { directoryBucket: true });
    expect(location.isDirectoryBucket).toBe(true);
    expect(location.child('v2').isDirectoryBucket).toBe(true);
    const grantee = role(stack);
    location.grantRead(grantee);
    const statements = stack.resolve((grantee.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()).Statement;
    expect(statements).toEqual([expect.objectContaining({
      Action: 's3express:CreateSession',
      Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } },
    })]);
  });

  test('directoryBucket: false overrides the name', () => {
    const stack = plainStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Cache', 'cache--use1-az4--x-s3');
    expect(DataLocation.fromBucket(bucket, 'corpus/', { directoryBucket: false }).isDirectoryBucket).toBe(false);
  });

  test('grantRead allows a ReadOnly session on the bucket; grantWrite a ReadWrite session', () => {
    const stack = plainStack();
    const location = directoryLocation(stack);
    const reader = role(stack);
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    location.grantRead(reader);
    location.grantWrite(writer);
    const template = plainTemplate(stack);
    const arn = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3express:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':bucket/cache--use1-az4--x-s3']] };
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Role') }],
      PolicyDocument: { Statement: [{ Action: 's3express:CreateSession', Effect: 'Allow', Resource: arn, Condition: { StringEquals: { 's3express:SessionMode': 'ReadOnly' } } }] },
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^Writer') }],
      PolicyDocument: { Statement: [{ Action: 's3express:CreateSession', Effect: 'Allow', Resource: arn }] },
    });
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('s3:');
  });

  test('grantMountpointRead: a session without the ReadOnly condition (Mountpoint opens ReadWrite sessions); grantRead in a general purpose bucket', () => {
    const stack = plainStack();
    const mounter = role(stack);
    directoryLocation(stack).grantMountpointRead(mounter);
    const statements = stack.resolve((mounter.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()).Statement;
    expect(statements).toEqual([{ Action: 's3express:CreateSession', Effect: 'Allow', Resource: expect.anything() }]);
    const lakeReader = new iam.Role(stack, 'LakeReader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    DataLocation.fromBucket(importedBucket(stack), 'datasets/').grantMountpointRead(lakeReader);
    const lake = stack.resolve((lakeReader.node.findChild('DefaultPolicy') as iam.Policy).document.toJSON()).Statement;
    expect(lake.map((s: any) => s.Action)).toEqual([['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'], 's3:ListBucket']);
  });
});
