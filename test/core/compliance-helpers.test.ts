import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AlarmTopic, CompliantKey, DataLocation, TrainingDataLake, TrainingStorageError } from '../../src';
import { plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

const DENY_CREATE_GRANT = {
  Sid: 'DenyCreateGrantUnlessForAwsResource',
  Effect: 'Deny',
  Principal: { AWS: '*' },
  Action: 'kms:CreateGrant',
  Resource: '*',
  Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
};

describe('CompliantKey and AlarmTopic', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = testStack();
    new CompliantKey(stack, 'Key', { description: 'Encrypts the team queue', alias: 'team-queue' });
    new CompliantKey(stack, 'Scratch', { removalPolicy: RemovalPolicy.DESTROY });
    const topic = new AlarmTopic(stack, 'Alerts', { displayName: 'Training alerts' });
    new cloudwatch.Alarm(stack, 'Alarm', { metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1 })
      .addAlarmAction(new cloudwatchActions.SnsAction(topic));
    // Passes the three validators with nothing acknowledged.
    template = validatedTemplate(stack);
  });

  test('a key with rotation on, CreateGrant for AWS resources only, retained by default', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        Description: 'Encrypts the team queue',
        EnableKeyRotation: true,
        KeyPolicy: { Statement: Match.arrayWith([DENY_CREATE_GRANT]) },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/team-queue' });
  });

  test('a key deleted with the stack only on request', () => {
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, KeyPolicy: { Statement: Match.arrayWith([DENY_CREATE_GRANT]) } },
      DeletionPolicy: 'Delete',
    });
  });

  test('an alarm topic encrypted with its own key, which CloudWatch may use, TLS only', () => {
    const keyId = stack.getLogicalId(stack.node.findChild('AlertsKey').node.defaultChild as kms.CfnKey);
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Training alerts', KmsMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } });
    template.hasResource('AWS::KMS::Key', {
      Properties: {
        Description: 'Encrypts the alarm topic Test/Alerts',
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([DENY_CREATE_GRANT, {
            Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Resource: '*',
          }]),
        },
      },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
  });

  test('an alarm topic takes a key of the app', () => {
    const other = plainStack();
    const key = new CompliantKey(other, 'TeamKey');
    const topic = new AlarmTopic(other, 'Alerts', { masterKey: key });
    expect(topic.encryptionKey).toBe(key);
    expect(other.node.tryFindChild('AlertsKey')).toBeUndefined();
    plainTemplate(other).hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
  });

  test('an alarm topic rejects an imported key, whose policy it cannot change', () => {
    const other = plainStack();
    const key = kms.Key.fromKeyArn(other, 'Imported', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(() => new AlarmTopic(other, 'Alerts', { masterKey: key })).toThrow(new TrainingStorageError('Test/Alerts', 'masterKey', 'Test/Imported',
      'a kms.Key of this app, whose key policy can allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* '
      + '(for an imported key, add that statement to its key policy and use an sns.Topic)'));
  });
});

describe('DataLocation.acknowledgeGrantWildcard', () => {
  test('acknowledges exactly the location\'s wildcard in the grantee\'s policy: another prefix grant is still reported', () => {
    const stack = testStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com') });
    const corpus = lake.dataset('corpus');
    corpus.grantRead(role);
    lake.checkpoints.grantReadWrite(role);
    corpus.acknowledgeGrantWildcard(role, 'Reads every object of the corpus dataset.');
    let message = '';
    try {
      validatedTemplate(stack);
    } catch (error) {
      message = String(error);
    }
    expect(message).toMatch(/AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/checkpoints\/\*\]/);
    expect(message).not.toMatch(/datasets\/corpus/);
    const policy = role.node.findChild('DefaultPolicy').node.defaultChild!;
    expect(JSON.stringify(policy.node.metadata.map((m) => m.data))).toMatch(
      /AwsSolutions-IAM5\[Resource::<LakeBucket[0-9A-F]{8}\.Arn>\/datasets\/corpus\/\*\]":"Reads every object of the corpus dataset\."/);
  });

  test('works for a bucket by literal name and an imported role, and then passes the validators', () => {
    const stack = testStack();
    const bucket = s3.Bucket.fromBucketName(stack, 'Team', 'team-training-lake');
    const role = iam.Role.fromRoleArn(stack, 'Imported', 'arn:aws:iam::111122223333:role/training');
    const location = DataLocation.fromBucket(bucket, 'datasets/');
    location.grantRead(role);
    location.acknowledgeGrantWildcard(role, 'Reads every dataset of the team lake.');
    const policy = role.node.findChild('Policy').node.defaultChild!;
    expect(JSON.stringify(policy.node.metadata.map((m) => m.data))).toContain(
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::team-training-lake/datasets/*]');
    validatedTemplate(stack);
  });

  test('rejects a grantee without grants, a short reason and a directory bucket', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const role = new iam.Role(stack, 'Role', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(() => lake.datasets.acknowledgeGrantWildcard(role, 'Reads every dataset.')).toThrow(
      /^\[Test\/Lake\/Bucket\] grantee: received .*; allowed: a principal that was granted access to this location first/);
    expect(() => lake.datasets.acknowledgeGrantWildcard(role, 'ok')).toThrow(
      '[Test/Lake/Bucket] reason: received "ok"; allowed: a specific reason (at least 10 characters): why the principal needs every object under the prefix');
    const cache = DataLocation.fromBucket(s3.Bucket.fromBucketName(stack, 'Cache', 'cache--use1-az4--x-s3'), 'datasets/');
    expect(() => cache.acknowledgeGrantWildcard(role, 'Reads every dataset.')).toThrow(
      '[Test/Cache] acknowledgeGrantWildcard: received cache--use1-az4--x-s3; allowed: a general purpose bucket: grants on a directory bucket '
      + 'are s3express:CreateSession on the bucket, without a wildcard');
  });
});
