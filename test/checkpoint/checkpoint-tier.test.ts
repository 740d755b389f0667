import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import {
  CheckpointTier, CheckpointTierKind, CheckpointTierProps, DataRepositoryEvent, ExpressCache, LustreDeploymentType, LustreScratch, LustreStorageType,
  LustreVersion, TrainingDataLake,
} from '../../src';
import { CHECKPOINT_TIER_DEFAULTS } from '../../src/checkpoint/checkpoint-tier';
import { CANCEL_TASKS_RESOURCE_TYPE, CHECKPOINT_CONFIG_ENV, CheckpointHandlerConfig } from '../../src/checkpoint/handler/contract';
import { plainNetwork, thrown } from '../lustre/fixtures';
import { plainStack, plainTemplate } from '../support/harness';

/** A lake, a VPC and a file system in a new plain stack. */
function lustreSetup(props: Partial<ConstructorParameters<typeof LustreScratch>[2]> = {}) {
  const stack = plainStack();
  const lake = new TrainingDataLake(stack, 'Lake');
  const { vpc, subnet } = plainNetwork(stack);
  const scratch = new LustreScratch(stack, 'Scratch', { vpc, subnet, storageCapacityGiB: 2400, ...props });
  return { stack, lake, scratch };
}

function expressSetup() {
  const stack = plainStack('Test', { env: { account: '111111111111', region: 'us-east-1' } });
  const lake = new TrainingDataLake(stack, 'Lake');
  const cache = new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4' });
  return { stack, lake, cache };
}

/** The handler's configuration as the template holds it (tokens as CloudFormation intrinsics). */
function handlerConfig(template: Template): any {
  const fns = template.findResources('AWS::Lambda::Function', { Properties: { Environment: { Variables: { [CHECKPOINT_CONFIG_ENV]: Match.anyValue() } } } });
  expect(Object.keys(fns)).toHaveLength(1);
  const value = Object.values(fns)[0].Properties.Environment.Variables[CHECKPOINT_CONFIG_ENV];
  if (typeof value === 'string') {
    return JSON.parse(value);
  }
  // Fn::Join of literal parts and tokens: render tokens as <Ref> placeholders, then parse.
  const [, parts] = value['Fn::Join'];
  return JSON.parse(parts.map((part: any) => (typeof part === 'string' ? part : `<${JSON.stringify(part).replace(/"/g, '\'')}>`)).join(''));
}

/** The statements of every policy attached to the handler's role. */
function handlerStatements(template: Template): any[] {
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((policy: any) => JSON.stringify(policy.Properties.Roles).includes('CheckpointsHandlerRole'))
    .flatMap((policy: any) => policy.Properties.PolicyDocument.Statement);
}

describe('CheckpointTier on Lustre, defaults', () => {
  let stack: Stack;
  let tier: CheckpointTier;
  let scratch: LustreScratch;
  let template: Template;
  beforeAll(() => {
    const setup = lustreSetup();
    stack = setup.stack;
    scratch = setup.scratch;
    tier = new CheckpointTier(stack, 'Checkpoints', { lake: setup.lake, fileSystem: scratch });
    template = plainTemplate(stack);
  });

  test('documented defaults', () => {
    expect(CHECKPOINT_TIER_DEFAULTS).toMatchObject({
      layout: '{run}/{step}/',
      completionMarker: '.metadata',
      keepLatest: 2,
      fileSystemPath: '/checkpoints',
      releaseWhenFreeCapacityBelowPercent: 20,
      cachePrefix: 'checkpoints/',
      copyConcurrency: 64,
    });
    expect(tier.kind).toBe(CheckpointTierKind.LUSTRE);
    expect([tier.layout, tier.completionMarker, tier.keepLatest, tier.fileSystemPath]).toEqual(['{run}/{step}/', '.metadata', 2, '/checkpoints']);
  });

  test('links /checkpoints to the lake\'s checkpoints location, exporting NEW, CHANGED and DELETED, importing nothing', () => {
    template.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', {
      FileSystemPath: '/checkpoints',
      DataRepositoryPath: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      BatchImportMetaDataOnCreate: false,
      S3: { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] }, AutoImportPolicy: Match.absent() },
    });
    expect(tier.dataRepository).toBe(scratch.dataRepositories[0]);
  });

  test('the handler gets the file system, the path, the layout and the defaults', () => {
    const config: CheckpointHandlerConfig = handlerConfig(template);
    expect(config.tier).toBe('Test/Checkpoints');
    expect(config.scheme).toEqual({ layout: '{run}/{step}/', marker: '.metadata', keepLatest: 2 });
    expect(config.lake.root).toBe('checkpoints/');
    expect(config.lustre).toMatchObject({ fileSystemPath: '/checkpoints', settleMs: 15 * 60_000, unreadForDays: 0 });
    expect(config.lustre!.reportPath).toBeUndefined();
    expect(config.express).toBeUndefined();
  });

  test('runs every hour (EventBridge Scheduler) on a Node.js 22+ runtime, 15 minutes at most', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', {
      ScheduleExpression: 'rate(1 hour)',
      Target: Match.objectLike({ Input: JSON.stringify({ trigger: 'schedule' }) }),
    });
    const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('^CheckpointTier') } }))[0];
    expect(Number(/nodejs(\d+)/.exec(fn.Properties.Runtime)![1])).toBeGreaterThanOrEqual(22);
    expect(fn.Properties.Timeout).toBe(900);
  });

  test('and when free capacity falls below 20% (an alarm whose state change an EventBridge rule routes to the handler)', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreeDataStorageCapacity',
      Namespace: 'AWS/FSx',
      Statistic: 'Sum',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: Math.floor(2400 * 1024 ** 3 * 0.2),
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: {
        'source': ['aws.cloudwatch'],
        'detail-type': ['CloudWatch Alarm State Change'],
        'resources': [{ 'Fn::GetAtt': [stack.getLogicalId(tier.lowCapacityAlarm!.node.defaultChild as any), 'Arn'] }],
        'detail': { state: { value: ['ALARM'] } },
      },
      Targets: [Match.objectLike({ Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('CheckpointsHandler'), 'Arn'] } })],
    });
  });

  test('least privilege: release tasks on this file system only, task descriptions, metrics in the tier\'s namespace, the lake\'s checkpoints read-only', () => {
    const statements = handlerStatements(template);
    const create = statements.find((s) => s.Action === 'fsx:CreateDataRepositoryTask');
    expect(JSON.stringify(create.Resource)).toContain(stack.getLogicalId(scratch.node.defaultChild as any));
    expect(JSON.stringify(create.Resource)).toContain(':task/*');
    expect(statements.find((s) => s.Action === 'fsx:CancelDataRepositoryTask').Resource).toEqual(expect.objectContaining({ 'Fn::Join': expect.anything() }));
    expect(statements.find((s) => s.Action === 'fsx:DescribeDataRepositoryTasks').Resource).toBe('*');
    expect(statements.find((s) => s.Action === 'cloudwatch:PutMetricData')).toMatchObject({
      Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'CdkTrainingStorage/Checkpoints' } },
    });
    const actions = statements.flatMap((s) => [s.Action].flat());
    expect(actions).not.toContain('s3:PutObject');
    expect(actions).not.toContain('s3:DeleteObject*');
    expect(actions.some((a: string) => a.startsWith('fsx:Delete') || a === 'fsx:*')).toBe(false);
  });

  test('on stack deletion, running tasks are cancelled before the file system is deleted; the schedule goes first', () => {
    const resources = template.toJSON().Resources;
    const [cancelId, cancel] = Object.entries<any>(resources).find(([, r]) => r.Type === CANCEL_TASKS_RESOURCE_TYPE)!;
    expect(cancel.DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(scratch.node.defaultChild as any)]));
    const schedule = Object.values<any>(resources).find((r) => r.Type === 'AWS::Scheduler::Schedule');
    const rule = Object.values<any>(resources).find((r) => r.Type === 'AWS::Events::Rule');
    expect(schedule.DependsOn).toContain(cancelId);
    expect(rule.DependsOn).toContain(cancelId);
    expect(cancel.Properties.FileSystemId).toEqual({ Ref: stack.getLogicalId(scratch.node.defaultChild as any) });
  });

  test('stale alarm: the newest complete checkpoint older than 2 hours in two runs\' periods in a row, missing data breaching', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      Period: 3600,
      EvaluationPeriods: 2,
      DatapointsToAlarm: 2,
      Namespace: 'CdkTrainingStorage/Checkpoints',
      MetricName: 'NewestCompleteCheckpointAgeSeconds',
      Dimensions: [{ Name: 'Tier', Value: 'Test/Checkpoints' }],
      Threshold: 7200,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  test('grants: no IAM write on Lustre (it is the network), reads of the lake\'s checkpoints', () => {
    const role = new iam.Role(stack, 'Trainer', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(tier.grantWrite(role).success).toBe(false);
    expect(tier.grantRead(role).success).toBe(true);
  });

  test('client settings: the directory under the mount point and the lake URI, as environment variables too', () => {
    const settings = tier.clientSettings;
    expect(settings.writeTo).toBe('checkpoints');
    expect(stack.resolve(settings.lakeUri)).toEqual(stack.resolve(tier.lakeLocation.s3Uri));
    expect(JSON.stringify(stack.resolve(settings.lakeUri))).toContain('/checkpoints/');
    expect(Object.keys(settings.environment)).toEqual(['CHECKPOINT_WRITE_TO', 'CHECKPOINT_LAKE_URI', 'CHECKPOINT_LAYOUT', 'CHECKPOINT_MARKER',
      'CHECKPOINT_REGION', 'CHECKPOINT_SIZE_MANIFEST']);
    expect(settings.environment.CHECKPOINT_MARKER).toBe('.metadata');
    expect(stack.resolve(settings.region)).toEqual({ Ref: 'AWS::Region' });
    expect(settings.mountpointOptions).toEqual([]);
  });

  test('size manifests by default: .export-sizes, required, and the command that writes it', () => {
    expect(tier.sizeManifest).toBe('.export-sizes');
    expect(handlerConfig(template).lustre!.sizeManifest).toEqual({ name: '.export-sizes', required: true });
    expect(tier.clientSettings.sizeManifest).toBe('.export-sizes');
    expect(tier.clientSettings.environment.CHECKPOINT_SIZE_MANIFEST).toBe('.export-sizes');
    expect(tier.clientSettings.sizeManifestCommand).toBe(
      "find . -type f ! -path './.export-sizes' ! -path './.export-sizes.tmp' -printf '%s %P\\n' > '.export-sizes.tmp' && mv '.export-sizes.tmp' '.export-sizes'");
  });

  test('mountpointCommand: a Lustre tier is not mounted with Mountpoint', () => {
    expect(thrown(() => tier.mountpointCommand('/mnt/ckpt')).message)
      .toContain('[Test/Checkpoints] fileSystem: received Test/Checkpoints; allowed: an Express or lake tier');
  });
});

describe('CheckpointTier on Lustre, options', () => {
  test('reuses the association the user added for the same path and location', () => {
    const { stack, lake, scratch } = lustreSetup();
    const association = scratch.addDataRepository({
      location: lake.checkpoints,
      autoImport: [],
      autoExport: [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED],
    });
    const tier = new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch });
    expect(tier.dataRepository).toBe(association);
    plainTemplate(stack).resourceCountIs('AWS::FSx::DataRepositoryAssociation', 1);
  });

  test('an existing association that does not export DELETED (or NEW, CHANGED) is rejected', () => {
    const { stack, lake, scratch } = lustreSetup();
    scratch.addDataRepository({ location: lake.checkpoints, autoImport: [], autoExport: [DataRepositoryEvent.NEW] });
    expect(thrown(() => new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch })).message)
      .toContain('an association that exports NEW, CHANGED and DELETED: checkpoints are released only once exported (missing CHANGED, DELETED)');
  });

  test('an existing association of the same path to another location is rejected', () => {
    const { stack, lake, scratch } = lustreSetup();
    scratch.addDataRepository({ location: lake.datasets, fileSystemPath: '/checkpoints' });
    expect(thrown(() => new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch })).message)
      .toContain('[Test/Checkpoints] fileSystemPath: received "/checkpoints"; allowed: the path of the association');
  });

  test('options reach the handler, the schedule and the alarms', () => {
    const { stack, lake, scratch } = lustreSetup();
    const topic = new sns.Topic(stack, 'Topic');
    new CheckpointTier(stack, 'Checkpoints', {
      lake,
      fileSystem: scratch,
      layout: '{run}/step_{step}/',
      completionMarker: 'COMPLETE',
      keepLatest: 3,
      fileSystemPath: '/ckpt',
      releaseInterval: Duration.minutes(30),
      releaseWhenFreeCapacityBelowPercent: 35,
      releaseSettleTime: Duration.minutes(5),
      releaseUnreadFor: Duration.days(2),
      releaseReports: true,
      sizeManifest: 'SIZES',
      requireSizeManifest: false,
      staleAfter: Duration.hours(6),
      staleAlarmAction: new cloudwatchActions.SnsAction(topic),
    });
    const template = plainTemplate(stack);
    const config = handlerConfig(template);
    expect(config.scheme).toEqual({ layout: '{run}/step_{step}/', marker: 'COMPLETE', keepLatest: 3 });
    expect(config.lustre).toMatchObject({ fileSystemPath: '/ckpt', settleMs: 300_000, unreadForDays: 2, sizeManifest: { name: 'SIZES', required: false } });
    expect(config.lustre.reportPath).toMatch(/^s3:\/\/.*\/checkpoints\/$/);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(30 minutes)' });
    template.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', { FileSystemPath: '/ckpt' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FreeDataStorageCapacity', Threshold: Math.floor(2400 * 1024 ** 3 * 0.35) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'NewestCompleteCheckpointAgeSeconds', Threshold: 21600, AlarmActions: [{ Ref: Match.anyValue() }] });
  });

  test.each([
    [{ deploymentType: LustreDeploymentType.SCRATCH_1, storageCapacityGiB: 3600 }, 'received Test/Scratch (SCRATCH_1); allowed: a SCRATCH_2 or PERSISTENT_2 file system'],
    [{ deploymentType: LustreDeploymentType.SCRATCH_2, lustreVersion: LustreVersion.V_2_10 }, 'received Test/Scratch (Lustre 2.10); allowed: Lustre 2.12 or newer'],
    [{ storageType: LustreStorageType.INTELLIGENT_TIERING, storageCapacityGiB: undefined, throughputCapacityMBps: 4000 }, 'received Test/Scratch (Intelligent-Tiering storage); allowed: SSD or HDD storage'],
  ])('a file system that cannot release is rejected at synth time: %j', (props, expected) => {
    const setup = lustreSetup(props as any);
    expect(thrown(() => new CheckpointTier(setup.stack, 'Checkpoints', { lake: setup.lake, fileSystem: setup.scratch })).message)
      .toContain(`[Test/Checkpoints] fileSystem: ${expected}`);
  });
});

describe('CheckpointTier on Express', () => {
  let stack: Stack;
  let tier: CheckpointTier;
  let trainer: iam.Role;
  let writeGrant: iam.Grant;
  let template: Template;
  beforeAll(() => {
    const setup = expressSetup();
    stack = setup.stack;
    tier = new CheckpointTier(stack, 'Checkpoints', { lake: setup.lake, cache: setup.cache });
    trainer = new iam.Role(stack, 'Trainer', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    writeGrant = tier.grantWrite(trainer);
    tier.grantRead(trainer);
    template = plainTemplate(stack);
  });

  test('copies every 10 minutes: directory buckets send no event notifications', () => {
    expect(tier.kind).toBe(CheckpointTierKind.EXPRESS);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(10 minutes)' });
    template.resourceCountIs(CANCEL_TASKS_RESOURCE_TYPE, 0);
    template.resourceCountIs('AWS::Events::Rule', 0);
  });

  test('the handler gets the directory bucket, its checkpoints root and the copy concurrency', () => {
    const config = handlerConfig(template);
    expect(config.express).toMatchObject({ root: 'checkpoints/', concurrency: 64 });
    expect(config.lustre).toBeUndefined();
  });

  test('aborts incomplete multipart uploads under the checkpoints root after 1 day (and lets the lifecycle service in)', () => {
    template.hasResourceProperties('AWS::S3Express::DirectoryBucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'checkpoints/', Status: 'Enabled', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })] },
    });
    template.hasResourceProperties('AWS::S3Express::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowS3LifecycleSessions' })]) },
    });
  });

  test('the handler may read and write the cache\'s checkpoints (ReadWrite sessions) and the lake\'s checkpoints', () => {
    const statements = handlerStatements(template);
    // CreateSession without a SessionMode condition: ReadWrite sessions (DeleteObject needs one).
    const sessions = statements.filter((s) => s.Action === 's3express:CreateSession');
    expect(sessions.some((s) => s.Condition === undefined && JSON.stringify(s.Resource).includes('Cache'))).toBe(true);
    const lakeWrite = statements.find((s) => [s.Action].flat().includes('s3:PutObject'));
    expect(JSON.stringify(lakeWrite.Resource)).toContain('/checkpoints/*');
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('fsx:CreateDataRepositoryTask');
  });

  test('grants: training writes to the cache\'s checkpoints; reads from the cache and the lake', () => {
    expect(writeGrant.success).toBe(true);
    const policy = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: stack.getLogicalId(trainer.node.defaultChild as any) }] } });
    const statements = Object.values<any>(policy).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements.some((s) => s.Action === 's3express:CreateSession' && s.Condition === undefined)).toBe(true);
    const reads = statements.filter((s) => [s.Action].flat().includes('s3:GetObject'));
    expect(JSON.stringify(reads)).toContain('LakeBucket');
  });

  test('client settings: write to the directory bucket\'s checkpoints URI', () => {
    expect(stack.resolve(tier.clientSettings.writeTo)).toEqual({ 'Fn::Join': ['', ['s3://', { Ref: stack.getLogicalId(tier.node.scope!.node.findChild('Cache').node.defaultChild as any) }, '/checkpoints/']] });
    const settings = tier.clientSettings;
    expect(settings.sizeManifest).toBeUndefined();
    expect(settings.sizeManifestCommand).toBeUndefined();
    expect(Object.keys(settings.environment)).not.toContain('CHECKPOINT_SIZE_MANIFEST');
    expect(stack.resolve(settings.mountpointOptions)).toEqual(['--prefix', 'checkpoints/', '--region', 'us-east-1',
      '--incremental-upload', '--upload-checksums', 'crc64nvme']);
  });

  test('mountpointCommand: mount-s3 <directory bucket> <path> with the options; a bad path is rejected', () => {
    const command = stack.resolve(tier.mountpointCommand('/mnt/checkpoints'));
    expect(JSON.stringify(command)).toMatch(/^\{"Fn::Join":\[""?,\["mount-s3 ",\{"Ref":"Cache/);
    expect(JSON.stringify(command)).toContain(' /mnt/checkpoints --prefix checkpoints/ --region ');
    expect(JSON.stringify(command)).toContain(' --incremental-upload --upload-checksums crc64nvme');
    expect(thrown(() => tier.mountpointCommand('mnt; rm -rf /')).message)
      .toContain('[Test/Checkpoints] mountPath: received "mnt; rm -rf /"; allowed: an absolute path of letters, digits');
  });
});

describe('CheckpointTier on the lake alone', () => {
  test('a schedule that measures the lake, grants on the lake\'s checkpoints, no fast-tier resources', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const tier = new CheckpointTier(stack, 'Checkpoints', { lake });
    const template = plainTemplate(stack);
    expect(tier.kind).toBe(CheckpointTierKind.LAKE);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
    const config = handlerConfig(template);
    expect(config.lustre).toBeUndefined();
    expect(config.express).toBeUndefined();
    const role = new iam.Role(stack, 'Trainer', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    expect(tier.grantWrite(role).success).toBe(true);
    expect(stack.resolve(tier.clientSettings.writeTo)).toEqual(stack.resolve(lake.checkpoints.s3Uri));
    // The lake's checkpoints: no appends or Express checksums, just the prefix and the Region.
    expect(stack.resolve(tier.clientSettings.mountpointOptions)).toEqual(['--prefix', 'checkpoints/', '--region', { Ref: 'AWS::Region' }]);
  });
});

describe('CheckpointTier rejects', () => {
  const lakeOnly = (props: Partial<CheckpointTierProps>) => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    return thrown(() => new CheckpointTier(stack, 'Checkpoints', { lake, ...props })).message;
  };

  test('two fast tiers', () => {
    const { stack, lake, scratch } = lustreSetup();
    const cache = new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4' });
    expect(thrown(() => new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch, cache })).message)
      .toBe('[Test/Checkpoints] cache: received a cache and a fileSystem; allowed: at most one fast tier: a fileSystem (FSx for Lustre) or a cache '
        + '(S3 Express One Zone); use two CheckpointTiers for two');
  });

  test.each([
    ['layout', '{step}/{run}/', '{step} exactly once, in the last segment'],
    ['layout', 'checkpoints/{step}', 'a relative pattern that ends with "/"'],
    ['completionMarker', '../done', 'path segments that are not empty'],
    ['keepLatest', 0, 'a whole number from 1 to 1000'],
  ])('%s %j', (property, value, allowed) => {
    expect(lakeOnly({ [property]: value })).toContain(`[Test/Checkpoints] ${property}: received ${JSON.stringify(value)}; allowed: ${allowed}`);
  });

  test.each([
    ['fileSystemPath', '/x', 'fileSystem', 'Lustre'],
    ['releaseInterval', Duration.hours(2), 'fileSystem', 'Lustre'],
    ['cachePrefix', 'c/', 'cache', 'Express'],
    ['copyInterval', Duration.minutes(5), 'cache', 'Express'],
    ['sizeManifest', '.sizes', 'fileSystem', 'Lustre'],
    ['requireSizeManifest', false, 'fileSystem', 'Lustre'],
  ])('%s without its tier', (property, value, needs, tierName) => {
    expect(lakeOnly({ [property]: value })).toContain(`[Test/Checkpoints] ${property}: received`);
    expect(lakeOnly({ [property]: value })).toContain(`allowed: nothing without ${needs}: it applies to the ${tierName} tier only`);
  });

  test.each([
    [{ fileSystemPath: '/' }, 'fileSystemPath: received "/"; allowed: an absolute directory below the root'],
    [{ fileSystemPath: 'checkpoints' }, 'fileSystemPath: received "checkpoints"; allowed: an absolute directory'],
    [{ fileSystemPath: '/a/../b' }, 'fileSystemPath: received "/a/../b"'],
    [{ releaseInterval: Duration.seconds(90) }, 'releaseInterval: received 1 minute 30 seconds; allowed: whole minutes, at least 1 and at most 720 (12 hours)'],
    [{ releaseInterval: Duration.hours(13) }, 'releaseInterval: received 13 hours; allowed: whole minutes, at least 1 and at most 720 (12 hours)'],
    [{ releaseWhenFreeCapacityBelowPercent: 0 }, 'releaseWhenFreeCapacityBelowPercent: received 0; allowed: a percentage from 1 to 99'],
    [{ releaseUnreadFor: Duration.hours(36) }, 'releaseUnreadFor: received'],
    [{ sizeManifest: 'a/b' }, 'sizeManifest: received "a/b"; allowed: a file name in the checkpoint\'s directory (letters, digits, ".", "_" and "-"; not "." or ".."), '
      + 'other than the completion marker .metadata'],
    [{ sizeManifest: '.metadata' }, 'sizeManifest: received ".metadata"; allowed: a file name'],
    [{ sizeManifest: "x'y" }, 'sizeManifest: received "x\'y"; allowed: a file name'],
  ])('Lustre option %j', (props, expected) => {
    const { stack, lake, scratch } = lustreSetup();
    expect(thrown(() => new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch, ...props })).message).toContain(`[Test/Checkpoints] ${expected}`);
  });

  test.each([
    [{ copyConcurrency: 0 }, 'copyConcurrency: received 0; allowed: a whole number from 1 to 1024'],
    [{ copyInterval: Duration.seconds(30) }, 'copyInterval: received 30 seconds; allowed: whole minutes, at least 1 and at most 720 (12 hours)'],
    [{ abortIncompleteUploadsAfter: Duration.hours(12) }, 'abortIncompleteUploadsAfter: received'],
  ])('Express option %j', (props, expected) => {
    const { stack, lake, cache } = expressSetup();
    expect(thrown(() => new CheckpointTier(stack, 'Checkpoints', { lake, cache, ...props })).message).toContain(`[Test/Checkpoints] ${expected}`);
  });

  test('staleAfter under 10 minutes', () => {
    expect(lakeOnly({ staleAfter: Duration.minutes(5) })).toContain('[Test/Checkpoints] staleAfter: received 5 minutes; allowed: whole minutes, at least 10');
  });
});

test('a construct path that cannot name the metrics (over 255 characters) is rejected', () => {
  const stack = plainStack();
  const lake = new TrainingDataLake(stack, 'Lake');
  const id = 'c'.repeat(260);
  expect(thrown(() => new CheckpointTier(stack, id, { lake })).message)
    .toContain(`id: received "Test/${id}"; allowed: a construct path of 1 to 255 characters`);
});

describe('CheckpointTier, review fixes', () => {
  test('a second tier on the same lake is rejected', () => {
    const { stack, lake, scratch } = lustreSetup();
    new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch });
    expect(thrown(() => new CheckpointTier(stack, 'More', { lake })).message)
      .toContain('[Test/More] lake: received Test/Lake; allowed: a lake no other CheckpointTier uses (Test/Checkpoints does)');
  });

  test('Express: one run at a time, and the handler cannot delete in the lake', () => {
    const { stack, lake, cache } = expressSetup();
    new CheckpointTier(stack, 'Checkpoints', { lake, cache });
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { Description: Match.stringLikeRegexp('^CheckpointTier'), ReservedConcurrentExecutions: 1 });
    const lakeStatements = handlerStatements(template).filter((s) => JSON.stringify(s.Resource).includes('LakeBucket'));
    const actions = lakeStatements.flatMap((s) => [s.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:GetObject']));
    expect(actions.filter((a: string) => a.startsWith('s3:Delete'))).toEqual([]);
  });

  test('Lustre: the low-capacity alarm sums one minute of the storage targets\' data points, three minutes in a row', () => {
    const { stack, lake, scratch } = lustreSetup();
    new CheckpointTier(stack, 'Checkpoints', { lake, fileSystem: scratch });
    plainTemplate(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreeDataStorageCapacity', Statistic: 'Sum', Period: 60, EvaluationPeriods: 3, DatapointsToAlarm: 3,
    });
  });
});
