import { App, CfnElement, CfnParameter, CustomResource, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import {
  DataLocation, DatasetCopy, DatasetCopyEngine, DatasetCopyProps, ExpressCache, OverwritePolicy, TrainingDataLake, TrainingStorageError,
} from '../../src';
import { plainApp, plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

interface Setup {
  readonly stack: Stack;
  readonly lake: TrainingDataLake;
  readonly cache: TrainingDataLake;
}

/** A lake and a cache lake in a stack: a validated test stack only for the tests about validation. */
function setup(validated = false): Setup {
  const stack = validated ? testStack() : plainStack();
  const lake = new TrainingDataLake(stack, 'Lake');
  const cache = new TrainingDataLake(stack, 'Cache', { serverAccessLogsBucket: lake.serverAccessLogsBucket, serverAccessLogsPrefix: 'cache/' });
  return { stack, lake, cache };
}

function copyTemplate(
  props: (s: Setup) => Partial<DatasetCopyProps> = () => ({}), validated = false,
): { template: Template; copy: DatasetCopy; s: Setup } {
  const s = setup(validated);
  const copy = new DatasetCopy(s.stack, 'Copy', { source: s.lake.dataset('corpus'), destination: s.cache.dataset('corpus'), ...props(s) });
  return { template: validated ? validatedTemplate(s.stack) : plainTemplate(s.stack), copy, s };
}

function handlerPolicy(template: Template): string {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^CopyRole') }] } });
  expect(Object.keys(policies)).toHaveLength(1);
  return JSON.stringify(Object.values(policies)[0].Properties.PolicyDocument);
}

describe('DatasetCopy with the default (Lambda) engine', () => {
  let template: Template;
  let copy: DatasetCopy;
  let s: Setup;
  beforeAll(() => {
    // The representative stack: passes the three validators.
    ({ template, copy, s } = copyTemplate(undefined, true));
  });

  test('a custom resource carries source, destination and the documented defaults', () => {
    template.hasResourceProperties('Custom::DatasetCopy', {
      SourceBucket: { Ref: Match.stringLikeRegexp('^LakeBucket') },
      SourcePrefix: 'datasets/corpus/',
      DestinationBucket: { Ref: Match.stringLikeRegexp('^CacheBucket') },
      DestinationPrefix: 'datasets/corpus/',
      Engine: 'LAMBDA',
      Concurrency: '256',
      Overwrite: 'IF_DIFFERENT',
      SourceRegion: { Ref: 'AWS::Region' },
      DestinationRegion: { Ref: 'AWS::Region' },
      Keys: Match.absent(),
      StorageClass: Match.absent(),
      SseKmsKeyId: Match.absent(),
      WaitForBatchJob: Match.absent(),
    });
  });

  test('the copied data stays when the resource is deleted: no deletion policy deletes objects, the handler skips Delete', () => {
    const resource = Object.values(template.findResources('Custom::DatasetCopy'))[0];
    expect(resource.DeletionPolicy).toBe('Delete'); // the resource record only; see copy-resource.test.ts for the handler
  });

  test('two functions from the prebuilt bundle, on a Node.js 22+ runtime, 15 minutes, 1 GiB', () => {
    const functions = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { COPY_HANDLER_MODE: Match.anyValue() } } } });
    expect(Object.values(functions).map((f) => f.Properties.Environment.Variables.COPY_HANDLER_MODE).sort()).toEqual(['isComplete', 'onEvent']);
    for (const fn of Object.values(functions)) {
      expect(fn.Properties).toEqual(expect.objectContaining({ Runtime: 'nodejs24.x', Handler: 'index.handler', Timeout: 900, MemorySize: 1024 }));
      expect(Number(/nodejs(\d+)/.exec(fn.Properties.Runtime)![1])).toBeGreaterThanOrEqual(22);
    }
  });

  test('the Provider waits at most 1 hour, checking every 30 seconds', () => {
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.stringify(machine.Properties.DefinitionString);
    expect(definition).toContain('\\"IntervalSeconds\\":30,\\"MaxAttempts\\":120');
    expect(machine.Properties.TracingConfiguration).toEqual({ Enabled: true });
    expect(machine.Properties.LoggingConfiguration).toEqual(expect.objectContaining({ Level: 'ALL' }));
  });

  test('reads the source prefix and reads and writes the destination prefix, and nothing else', () => {
    const policy = handlerPolicy(template);
    expect(policy).toContain('/datasets/corpus/*');
    expect(policy).not.toContain('checkpoints');
    const document = JSON.parse(policy);
    const statements: any[] = document.Statement;
    const sourceObjects = statements.filter((st) => JSON.stringify(st.Resource).includes('LakeBucket') && JSON.stringify(st.Resource).includes('/datasets/corpus/*'));
    // Tags travel with the copies: read at the source, written at the destination.
    expect(sourceObjects.flatMap((st) => [st.Action].flat())).toEqual(['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes', 's3:GetObjectTagging']);
    const destinationObjects = statements.filter((st) => JSON.stringify(st.Resource).includes('CacheBucket') && JSON.stringify(st.Resource).includes('/datasets/corpus/*'));
    expect(destinationObjects.flatMap((st) => [st.Action].flat()).sort()).toEqual([
      's3:AbortMultipartUpload', 's3:DeleteObject', 's3:GetObject', 's3:GetObjectAttributes', 's3:GetObjectVersion', 's3:ListMultipartUploadParts', 's3:PutObject',
      's3:PutObjectTagging',
    ]);
    const listing = statements.filter((st) => st.Action === 's3:ListBucket');
    expect(listing.map((st) => st.Condition)).toEqual([
      { StringLike: { 's3:prefix': ['datasets/corpus/*'] } },
      { StringLike: { 's3:prefix': ['datasets/corpus/*'] } },
    ]);
  });

  test('uses the source key to decrypt and the destination key to encrypt', () => {
    const statements: any[] = JSON.parse(handlerPolicy(template)).Statement;
    const kms = statements.filter((st) => JSON.stringify(st.Action).includes('kms:'));
    expect(kms).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'kms:Decrypt', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^LakeKey/), 'Arn'] } }),
      expect.objectContaining({ Action: ['kms:GenerateDataKey', 'kms:Decrypt'], Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CacheKey/), 'Arn'] } }),
    ]));
  });

  test('logs to the stack\'s KMS-encrypted log group, kept for a year, retained, under the stack\'s log key', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkTrainingStorageLogsKey'), 'Arn'] } },
      DeletionPolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowCloudWatchLogs' })]) },
    });
  });

  test('framework functions use roles without AWS managed policies', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    }
  });

  test('exposes the copy statistics as attributes', () => {
    expect(s.stack.resolve(copy.objectsCopied)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Copy/), 'ObjectsCopied'] });
    expect(s.stack.resolve(copy.objectsSkipped)).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^Copy/), 'ObjectsSkipped'] });
  });
});

describe('DatasetCopy: one provider, log group and log key per stack', () => {
  /** The logical ID of a construct's CloudFormation resource. */
  const logicalId = (stack: Stack, construct: Construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement);
  /** Template of every policy attached to a role, statements flattened. */
  const statementsOf = (template: Template, roleId: string): any[] => Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((p) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap((p) => p.Properties.PolicyDocument.Statement);

  test('two copies in one stack: one provider set, one log group, one log key; each copy has its own role, scoped to its prefixes', () => {
    const s = setup();
    const corpus = new DatasetCopy(s.stack, 'CopyCorpus', { source: s.lake.dataset('corpus'), destination: s.cache.dataset('corpus') });
    const images = new DatasetCopy(s.stack, 'CopyImages', { source: s.lake.dataset('images'), destination: s.cache.dataset('images') });
    const template = plainTemplate(s.stack);

    // The copy functions (2) and the Provider framework's (3), one waiter, one log group; keys: lake, cache, logs.
    template.resourceCountIs('AWS::Lambda::Function', 5);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.resourceCountIs('Custom::DatasetCopy', 2);
    // Roles: the shared functions', two framework roles, the waiter's, and one per copy.
    template.resourceCountIs('AWS::IAM::Role', 6);
    const provider = s.stack.node.findChild('CdkTrainingStorageCopyProvider');
    expect(s.stack.node.findChild('CdkTrainingStorageLogs')).toBeDefined();
    expect(s.stack.node.findChild('CdkTrainingStorageLogsKey')).toBeDefined();
    expect(provider.node.children.map((c) => c.node.id).sort()).toEqual(
      ['FrameworkCompleteRole', 'FrameworkOnEventRole', 'HandlerRole', 'IsCompleteHandler', 'OnEventHandler', 'Provider']);

    const sharedRoleId = logicalId(s.stack, provider.node.findChild('HandlerRole'));
    const copyRoleIds = [corpus, images].map((c) => logicalId(s.stack, c.role as iam.Role));
    const resources = template.findResources('Custom::DatasetCopy');
    const serviceTokens = new Set(Object.values(resources).map((r) => JSON.stringify(r.Properties.ServiceToken)));
    expect(serviceTokens.size).toBe(1);
    const cases = [[corpus, copyRoleIds[0], 'datasets/corpus/', 'datasets/images/'], [images, copyRoleIds[1], 'datasets/images/', 'datasets/corpus/']] as const;
    for (const [copy, roleId, prefix, other] of cases) {
      // The copy's resource names its role; only the shared functions' role may assume it.
      const resourceId = logicalId(s.stack, copy.node.findChild('Copy'));
      expect(resources[resourceId].Properties.CopyRoleArn).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
      const copyRole = template.toJSON().Resources[roleId];
      expect(copyRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': [sharedRoleId, 'Arn'] } } },
      ]);
      // Its grants are its own prefixes only.
      const grants = JSON.stringify(statementsOf(template, roleId));
      expect(grants).toContain(prefix);
      expect(grants).not.toContain(other);
      // It runs once its role, the role's policy and the shared role's right to assume it exist.
      const dependsOn: string[] = resources[resourceId].DependsOn;
      expect(dependsOn).toEqual(expect.arrayContaining([roleId, logicalId(s.stack, copy.role.node.findChild('DefaultPolicy'))]));
      expect(dependsOn).toContain(logicalId(s.stack, provider.node.findChild('HandlerRole').node.findChild('DefaultPolicy')));
    }
    // The shared functions' role: logs, and assuming exactly these two roles; no S3, no KMS.
    const shared = statementsOf(template, sharedRoleId);
    const assumes = shared.filter((st) => [st.Action].flat().includes('sts:AssumeRole'));
    expect(assumes.flatMap((st) => [st.Resource].flat())).toEqual(expect.arrayContaining(copyRoleIds.map((id) => ({ 'Fn::GetAtt': [id, 'Arn'] }))));
    expect(assumes.flatMap((st) => [st.Resource].flat())).toHaveLength(2);
    expect(JSON.stringify(shared)).not.toMatch(/"s3:|"kms:/);
  });

  test('two copies and an ExpressCache import with auto-delete in one stack: 7 functions, 1 waiter, 1 log group, 1 log key', () => {
    const s = setup();
    new DatasetCopy(s.stack, 'CopyCorpus', { source: s.lake.dataset('corpus'), destination: s.cache.dataset('corpus') });
    new DatasetCopy(s.stack, 'CopyImages', { source: s.lake.dataset('images'), destination: s.cache.dataset('images') });
    const express = new ExpressCache(s.stack, 'Express', { availabilityZoneId: 'use1-az4', removalPolicy: RemovalPolicy.DESTROY, autoDeleteObjects: true });
    express.importFrom(s.lake.dataset('corpus'));
    const template = plainTemplate(s.stack);
    // 5 for every copy and the import, 2 for the auto-delete (its function and its framework's onEvent).
    template.resourceCountIs('AWS::Lambda::Function', 7);
    template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::KMS::Key', 3);
    template.resourceCountIs('Custom::DatasetCopy', 3);
  });

  test('two stacks: one set each, each found in its own stack\'s construct tree', () => {
    const app = plainApp();
    const stacks = ['One', 'Two'].map((id) => {
      const stack = new Stack(app, id);
      const lake = new TrainingDataLake(stack, 'Lake');
      new DatasetCopy(stack, 'CopyCorpus', { source: lake.dataset('corpus'), destination: lake.dataset('corpus-copy') });
      new DatasetCopy(stack, 'CopyImages', { source: lake.dataset('images'), destination: lake.dataset('images-copy') });
      return stack;
    });
    for (const stack of stacks) {
      const template = plainTemplate(stack);
      template.resourceCountIs('AWS::Lambda::Function', 5);
      template.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      template.resourceCountIs('AWS::Logs::LogGroup', 1);
      template.resourceCountIs('AWS::KMS::Key', 2);
    }
    expect(stacks[0].node.findChild('CdkTrainingStorageCopyProvider')).not.toBe(stacks[1].node.findChild('CdkTrainingStorageCopyProvider'));
    // A new app starts from nothing: no provider is kept outside the construct tree.
    const again = new Stack(new App(), 'One');
    expect(again.node.tryFindChild('CdkTrainingStorageCopyProvider')).toBeUndefined();
    new DatasetCopy(again, 'Copy', { source: new TrainingDataLake(again, 'Lake').dataset('a'), destination: DataLocation.fromBucket(new s3.Bucket(again, 'B'), 'a/') });
    expect(again.node.findChild('CdkTrainingStorageCopyProvider').node.scope).toBe(again);
  });

  /** The provider, log group and copy resource IDs of a plain stack with these copies, in this order. */
  function ids(copies: Array<[string, (stack: Stack) => Partial<DatasetCopyProps>]>) {
    const stack = new Stack(new App(), 'Plain');
    const lake = new TrainingDataLake(stack, 'Lake');
    const other = new s3.Bucket(stack, 'Other');
    new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const resources: Record<string, string> = {};
    for (const [id, props] of copies) {
      const copy = new DatasetCopy(stack, id, { source: lake.dataset(id), destination: DataLocation.fromBucket(other, `${id}/`), ...props(stack) });
      resources[id] = copy.node.children.find((c) => c instanceof CustomResource)!.node.id;
    }
    const children = (prefix: string) => stack.node.children.map((c) => c.node.id).filter((id) => id.startsWith(prefix)).sort();
    return { providers: children('CdkTrainingStorageCopyProvider'), logs: children('CdkTrainingStorageLogs'), resources, template: plainTemplate(stack) };
  }
  const vpcOf = (stack: Stack) => ({ vpc: stack.node.children.find((c) => c instanceof ec2.Vpc) as ec2.Vpc });

  test('copies with other function or waiter settings use another provider, named by a hash of the settings, whatever the order', () => {
    const defaults = (): Partial<DatasetCopyProps> => ({});
    const explicitDefaults = (): Partial<DatasetCopyProps> => ({
      totalTimeout: Duration.hours(1), queryInterval: Duration.seconds(30), logRetention: 365,
    });
    const shorter = (): Partial<DatasetCopyProps> => ({ totalTimeout: Duration.minutes(20) });
    const first = ids([['a', defaults], ['b', vpcOf], ['c', explicitDefaults], ['d', shorter], ['e', vpcOf]]);
    const second = ids([['e', vpcOf], ['d', shorter], ['c', explicitDefaults], ['b', vpcOf], ['a', defaults]]);
    expect(first.providers).toHaveLength(3);
    expect(first.providers).toContain('CdkTrainingStorageCopyProvider');
    expect(first.providers.filter((id) => /^CdkTrainingStorageCopyProvider[0-9A-F]{8}$/.test(id))).toHaveLength(2);
    expect(second.providers).toEqual(first.providers);
    expect(second.resources).toEqual(first.resources);
    // Copy resource IDs name the provider: `Copy` for the default one, `Copy<hash>` for the others.
    expect(first.resources.a).toBe('Copy');
    expect(first.resources.c).toBe('Copy');
    expect(first.resources.b).toBe(first.resources.e);
    expect(first.resources.b).toMatch(/^Copy[0-9A-F]{8}$/);
    expect(first.resources.d).toMatch(/^Copy[0-9A-F]{8}$/);
    expect(first.resources.d).not.toBe(first.resources.b);
    // 3 providers x 5 functions; one log group and one log key for all of them.
    first.template.resourceCountIs('AWS::Lambda::Function', 15);
    first.template.resourceCountIs('AWS::Logs::LogGroup', 1);
    expect(first.logs).toEqual(['CdkTrainingStorageLogs', 'CdkTrainingStorageLogsKey']);
  });

  test('other log settings: another log group (and provider); the stack\'s log key unless a key is given', () => {
    const { providers, logs, template } = ids([['a', () => ({})], ['b', () => ({ logRetention: 731 })]]);
    expect(providers).toHaveLength(2);
    expect(logs).toHaveLength(3);
    expect(logs.filter((id) => id === 'CdkTrainingStorageLogs' || id === 'CdkTrainingStorageLogsKey')).toHaveLength(2);
    expect(logs.filter((id) => /^CdkTrainingStorageLogs[0-9A-F]{8}$/.test(id))).toHaveLength(1);
    template.resourceCountIs('AWS::Logs::LogGroup', 2);
    const keys = Object.values(template.findResources('AWS::Logs::LogGroup')).map((g) => JSON.stringify(g.Properties.KmsKeyId));
    expect(new Set(keys).size).toBe(1);
  });

  test('vpcSubnets or securityGroups without vpc are rejected', () => {
    const s = setup();
    const base = { source: s.lake.dataset('corpus'), destination: s.cache.dataset('corpus') };
    expect(() => new DatasetCopy(s.stack, 'Subnets', { ...base, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED } }))
      .toThrow('[Test/Subnets] vpcSubnets: received a subnet selection; allowed: nothing without `vpc`: they place the copy functions in a VPC');
    expect(() => new DatasetCopy(s.stack, 'Groups', { ...base, securityGroups: [] }))
      .toThrow('[Test/Groups] securityGroups: received security groups; allowed: nothing without `vpc`');
  });
});

describe('DatasetCopy options', () => {
  test('keys, renames, overwrite, concurrency, storage class and SSE-KMS key are passed to the handler', () => {
    const { template } = copyTemplate((s) => ({
      keys: ['a.txt', 'b/c.bin'],
      renames: { 'a.txt': 'a-copied.txt' },
      overwrite: OverwritePolicy.ALWAYS,
      concurrency: 16,
      storageClass: s3.StorageClass.INTELLIGENT_TIERING,
      encryptionKey: s.cache.encryptionKey,
    }));
    template.hasResourceProperties('Custom::DatasetCopy', {
      Keys: ['a.txt', 'b/c.bin'],
      Renames: { 'a.txt': 'a-copied.txt' },
      Overwrite: 'ALWAYS',
      Concurrency: '16',
      StorageClass: 'INTELLIGENT_TIERING',
      SseKmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheKey'), 'Arn'] },
    });
  });

  test('totalTimeout and queryInterval shape the waiter', () => {
    const { template } = copyTemplate(() => ({ totalTimeout: Duration.minutes(20), queryInterval: Duration.minutes(1) }));
    const machine = Object.values(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(JSON.stringify(machine.Properties.DefinitionString)).toContain('\\"IntervalSeconds\\":60,\\"MaxAttempts\\":20');
  });

  test('in a VPC: every function gets the VPC configuration', () => {
    // In a VPC the functions' role acknowledges the network interface wildcard: passes the three validators.
    const { template } = copyTemplate((s) => ({ vpc: privateVpc(s.stack) }), true);
    const functions = Object.values(template.findResources('AWS::Lambda::Function'));
    expect(functions).toHaveLength(5);
    for (const fn of functions) {
      expect(fn.Properties.VpcConfig).toEqual({ SubnetIds: expect.arrayContaining([{ Ref: expect.stringMatching(/^Vpcprivate/) }]), SecurityGroupIds: [expect.anything()] });
    }
  });

  test('log retention and log key can be given', () => {
    const s = setup();
    new DatasetCopy(s.stack, 'Copy', {
      source: s.lake.dataset('corpus'),
      destination: s.cache.dataset('corpus'),
      logRetention: 731,
      logEncryptionKey: s.lake.encryptionKey,
    });
    const template = plainTemplate(s.stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeKey'), 'Arn'] } });
    expect(Object.keys(template.findResources('AWS::KMS::Key'))).toHaveLength(2);
  });
});

describe('DatasetCopy tagging permissions', () => {
  test('into a directory bucket (no object tags there): no tagging permission at all', () => {
    const { template } = copyTemplate((s) => ({
      destination: DataLocation.fromBucket(s3.Bucket.fromBucketName(s.stack, 'Express', 'cache--use1-az4--x-s3'), 'corpus/'),
    }));
    expect(handlerPolicy(template)).not.toContain('Tagging');
  });
});

describe('DatasetCopy with S3 Batch Operations', () => {
  let template: Template;
  beforeAll(() => {
    // The representative stack of the engine (its job role acknowledges its own findings): passes the three validators.
    template = copyTemplate(() => ({ engine: DatasetCopyEngine.BATCH_OPERATIONS }), true).template;
  });

  test('passes the job settings: account, role, report location, wait', () => {
    template.hasResourceProperties('Custom::DatasetCopy', {
      Engine: 'BATCH_OPERATIONS',
      AccountId: { Ref: 'AWS::AccountId' },
      BatchRoleArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CopyBatchRole'), 'Arn'] },
      ReportBucketArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CacheBucket'), 'Arn'] },
      ReportPrefix: 'dataset-copy-reports',
      WaitForBatchJob: 'true',
    });
  });

  test('the job role is assumed by S3 Batch Operations and scoped to the prefixes and the report', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'batchoperations.s3.amazonaws.com' } })] },
    });
    const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^CopyBatchRole') }] } });
    const policy = JSON.stringify(Object.values(policies)[0].Properties.PolicyDocument);
    expect(policy).toContain('/datasets/corpus/*');
    expect(policy).toContain('/dataset-copy-reports/*');
    expect(policy).not.toContain('checkpoints');
  });

  test('the handler may create and describe jobs and pass the job role only', () => {
    const statements: any[] = JSON.parse(handlerPolicy(template)).Statement;
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: ['s3:CreateJob', 's3:DescribeJob'], Resource: '*' }),
      expect.objectContaining({ Action: 'iam:PassRole', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^CopyBatchRole/), 'Arn'] } }),
    ]));
  });

  test('waitForBatchJob false only starts the job; the report location can be given', () => {
    const { template: t } = copyTemplate((s) => ({
      engine: DatasetCopyEngine.BATCH_OPERATIONS,
      waitForBatchJob: false,
      batchReportLocation: DataLocation.fromBucket(s.lake.bucket, 'reports/copies'),
    }));
    t.hasResourceProperties('Custom::DatasetCopy', {
      WaitForBatchJob: 'false',
      ReportBucketArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeBucket'), 'Arn'] },
      ReportPrefix: 'reports/copies',
    });
  });
});

describe('DatasetCopy validation', () => {
  const cases: Array<[string, (s: Setup) => Partial<DatasetCopyProps>, string]> = [
    ['a concurrency of 0', () => ({ concurrency: 0 }), '[Test/Copy] concurrency: received 0; allowed: a whole number from 1 to 1000'],
    ['a concurrency over 1000', () => ({ concurrency: 1001 }), '[Test/Copy] concurrency: received 1001; allowed: a whole number from 1 to 1000'],
    ['a fractional concurrency', () => ({ concurrency: 2.5 }), '[Test/Copy] concurrency: received 2.5; allowed: a whole number from 1 to 1000'],
    ['a total timeout over the CloudFormation hour', () => ({ totalTimeout: Duration.minutes(61) }),
      '[Test/Copy] totalTimeout: received 1 hour 1 minute; allowed: 1 minute to 1 hour: CloudFormation waits at most one hour for a custom resource'],
    ['a total timeout under a minute', () => ({ totalTimeout: Duration.seconds(30) }), '[Test/Copy] totalTimeout: received 30 seconds; allowed: 1 minute to 1 hour'],
    ['a query interval as long as the timeout', () => ({ totalTimeout: Duration.minutes(5), queryInterval: Duration.minutes(5) }),
      '[Test/Copy] queryInterval: received 5 minutes; allowed: at least 1 second and shorter than totalTimeout (5 minutes)'],
    ['an empty key list', () => ({ keys: [] }), '[Test/Copy] keys: received []; allowed: at least one key, or no `keys` to copy the whole prefix'],
    ['a key ending with /', () => ({ keys: ['dir/'] }), '[Test/Copy] keys: received "dir/"; allowed: object keys relative to the prefix'],
    ['a rename to an absolute key', () => ({ renames: { a: '/b' } }), '[Test/Copy] keys: received "/b"; allowed: object keys relative to the prefix'],
    ['keys with Batch Operations', () => ({ engine: DatasetCopyEngine.BATCH_OPERATIONS, keys: ['a'] }),
      '[Test/Copy] keys: received "[\\"a\\"]"; allowed: nothing with DatasetCopyEngine.BATCH_OPERATIONS'],
    ['renames with Batch Operations', () => ({ engine: DatasetCopyEngine.BATCH_OPERATIONS, renames: { a: 'b' } }),
      '[Test/Copy] renames: received "{\\"a\\":\\"b\\"}"; allowed: nothing with DatasetCopyEngine.BATCH_OPERATIONS'],
    ['waitForBatchJob with the Lambda engine', () => ({ waitForBatchJob: false }),
      '[Test/Copy] waitForBatchJob: received false; allowed: nothing with DatasetCopyEngine.LAMBDA'],
    ['a report location with the Lambda engine', (s) => ({ batchReportLocation: s.lake.checkpoints }),
      '[Test/Copy] batchReportLocation: received a location; allowed: nothing with DatasetCopyEngine.LAMBDA'],
    ['Batch Operations into a directory bucket without a report location', (s) => ({
      engine: DatasetCopyEngine.BATCH_OPERATIONS,
      destination: DataLocation.fromBucket(s3.Bucket.fromBucketName(s.stack, 'Express', 'cache--use1-az4--x-s3'), 'corpus/'),
    }), '[Test/Copy] batchReportLocation: received (default: the destination, a directory bucket); allowed: a location in a general purpose bucket'],
  ];
  test.each(cases)('rejects %s', (_name, props, message) => {
    const create = () => {
      const s = setup();
      return new DatasetCopy(s.stack, 'Copy', { source: s.lake.dataset('corpus'), destination: s.cache.dataset('corpus'), ...props(s) });
    };
    expect(create).toThrow(TrainingStorageError);
    expect(create).toThrow(message);
  });
});

describe('DatasetCopy: where the copies land (checked at synth time, no synthesis)', () => {
  /** A plain stack (no validators, nothing synthesized) with a lake and a second bucket. */
  function plain() {
    const stack = new Stack(new App(), 'Plain');
    const lake = new TrainingDataLake(stack, 'Lake');
    const other = new s3.Bucket(stack, 'Other');
    const corpus = lake.dataset('corpus');
    const copy = (id: string, props: Partial<DatasetCopyProps>) => () =>
      new DatasetCopy(stack, id, { source: corpus, destination: DataLocation.fromBucket(other, 'corpus/'), ...props });
    return { stack, lake, other, corpus, copy };
  }

  test('two renames onto one destination key, with or without keys', () => {
    const { copy } = plain();
    expect(copy('WithoutKeys', { renames: { 'a.bin': 'x.bin', 'b.bin': 'x.bin' } })).toThrow(TrainingStorageError);
    expect(copy('WithoutKeys2', { renames: { 'a.bin': 'x.bin', 'b.bin': 'x.bin' } })).toThrow(
      '[Plain/WithoutKeys2] renames: received {"a.bin":"x.bin","b.bin":"x.bin"}; allowed: at most one source object per destination key: '
      + '"a.bin" and "b.bin" to "x.bin"');
    expect(copy('WithKeys', { keys: ['a.bin', 'b.bin'], renames: { 'a.bin': 'x.bin', 'b.bin': 'x.bin' } })).toThrow(
      '[Plain/WithKeys] renames: received {"a.bin":"x.bin","b.bin":"x.bin"}; allowed: at most one source object per destination key: '
      + '"a.bin" and "b.bin" to "x.bin"');
  });

  test('with keys, a rename onto a key copied unrenamed', () => {
    const { copy } = plain();
    expect(copy('Copy', { keys: ['a.bin', 'b.bin'], renames: { 'a.bin': 'b.bin' } })).toThrow(
      '[Plain/Copy] renames: received {"a.bin":"b.bin"}; allowed: at most one source object per destination key: "a.bin" and "b.bin" to "b.bin" '
      + '(a key of `keys` that is not renamed keeps its name)');
  });

  test('renames that cannot collide, or whose collision depends on the objects (checked by the copy before it starts)', () => {
    const { copy } = plain();
    expect(copy('Swap', { keys: ['a', 'b'], renames: { a: 'b', b: 'a' } })).not.toThrow();
    expect(copy('NotCopied', { keys: ['a'], renames: { a: 'b' } })).not.toThrow();
    // Without keys: whether an object "b" exists is known when the copy runs.
    expect(copy('Prefix', { renames: { a: 'b' } })).not.toThrow();
  });

  test('a whole prefix onto itself, and a destination inside the source, in the same bucket', () => {
    const { stack, lake, corpus, copy } = plain();
    expect(copy('Same', { destination: lake.dataset('corpus') })).toThrow(
      '[Plain/Same] destination: received prefix "datasets/corpus/" of the source\'s bucket; allowed: a location whose copies are not the source objects themselves: another prefix or bucket');
    expect(copy('Inside', { destination: DataLocation.fromBucket(lake.bucket, 'datasets/corpus/copy/') })).toThrow(
      '[Plain/Inside] destination: received prefix "datasets/corpus/copy/" of the source\'s bucket; allowed: a location outside the source prefix "datasets/corpus/" '
      + '(or another bucket): the copies would be listed as source objects and copied again');
    expect(copy('WholeBucket', { source: DataLocation.fromBucket(lake.bucket, ''), destination: DataLocation.fromBucket(lake.bucket, 'backup/') })).toThrow(
      'allowed: a location outside the source prefix (the whole bucket) (or another bucket)');
    // The same bucket by an equal literal name, or by a name that resolves to the same reference.
    const byName = (id: string) => s3.Bucket.fromBucketName(stack, id, 'shared-bucket');
    expect(copy('Literal', { source: DataLocation.fromBucket(byName('A'), 'x/'), destination: DataLocation.fromBucket(byName('B'), 'x/') }))
      .toThrow('[Plain/Literal] destination: received prefix "x/" of the source\'s bucket');
    const again = s3.Bucket.fromBucketName(stack, 'Again', lake.bucket.bucketName);
    expect(copy('SameRef', { destination: DataLocation.fromBucket(again, 'datasets/corpus/') })).toThrow('[Plain/SameRef] destination: received prefix "datasets/corpus/"');
    expect(copy('Beside', { destination: lake.dataset('corpus-copy') })).not.toThrow();
    expect(copy('Above', { source: lake.dataset('corpus').child('v2'), destination: corpus })).not.toThrow();
  });

  test('Batch Operations writes <destination prefix><full source key>: onto itself with an empty destination prefix', () => {
    const { lake, copy } = plain();
    const batch = { engine: DatasetCopyEngine.BATCH_OPERATIONS, batchReportLocation: lake.checkpoints };
    expect(copy('Onto', { ...batch, destination: DataLocation.fromBucket(lake.bucket, '') })).toThrow(
      '[Plain/Onto] destination: received prefix "" of the source\'s bucket; allowed: a location whose copies are not the source objects themselves: another prefix or bucket '
      + '(Batch Operations writes <destination prefix><full source key>)');
    expect(copy('Inside', { ...batch, destination: lake.dataset('corpus') })).toThrow('[Plain/Inside] destination: received prefix "datasets/corpus/"');
    expect(copy('Beside', { ...batch, destination: DataLocation.fromBucket(lake.bucket, 'mirror/') })).not.toThrow();
  });

  test('keys copied onto themselves; renamed keys and a destination inside the source are fine with keys', () => {
    const { lake, copy } = plain();
    expect(copy('Onto', { destination: lake.dataset('corpus'), keys: ['a.txt', 'b.txt'], renames: { 'a.txt': 'a-v2.txt' } })).toThrow(
      '[Plain/Onto] keys: received "b.txt"; allowed: keys whose copy is not the source object itself (the destination is the source prefix of the same bucket): rename them, '
      + 'or copy to another prefix or bucket');
    expect(copy('Renamed', { destination: lake.dataset('corpus'), keys: ['a.txt'], renames: { 'a.txt': 'a-v2.txt' } })).not.toThrow();
    expect(copy('Inside', { destination: DataLocation.fromBucket(lake.bucket, 'datasets/corpus/old/'), keys: ['a.txt'] })).not.toThrow();
  });

  test('unknown: bucket names that are different tokens, token prefixes, the same logical ID in two stacks', () => {
    const { stack, lake, copy } = plain();
    const name = new CfnParameter(stack, 'BucketName').valueAsString;
    const param = s3.Bucket.fromBucketName(stack, 'FromParam', name);
    expect(copy('Param', { destination: DataLocation.fromBucket(param, 'datasets/corpus/') })).not.toThrow();
    const prefix = new CfnParameter(stack, 'Prefix').valueAsString;
    expect(copy('TokenPrefix', { destination: DataLocation.fromBucket(lake.bucket, prefix) })).not.toThrow();
    // Two stacks, each with a bucket of the same construct path: the same { Ref } text, two buckets.
    const app = new App();
    const one = new Stack(app, 'One');
    const two = new Stack(app, 'Two');
    const first = new s3.Bucket(one, 'Data');
    const second = new s3.Bucket(two, 'Data');
    expect(() => new DatasetCopy(two, 'Copy', { source: DataLocation.fromBucket(first, 'x/'), destination: DataLocation.fromBucket(second, 'x/') })).not.toThrow();
  });
});

function privateVpc(stack: Stack): ec2.Vpc {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  const lake = stack.node.findChild('Lake') as TrainingDataLake;
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toS3(lake.serverAccessLogsBucket, 'vpc-flow-logs/') });
  return vpc;
}
