import { Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { fileSystem, message, rejection, scratchIn, thrown, validatedNetwork } from './fixtures';
import {
  DataLocation, DataRepositoryEvent, LustreDeploymentType, LustreScratch, LustreStorageType, LustreVersion, TrainingDataLake,
} from '../../src';
import { createDataKey } from '../../src/core/encryption';
import { plainAnnotations, plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

function associations(template: Template): Array<{ [key: string]: any }> {
  return Object.values(template.findResources('AWS::FSx::DataRepositoryAssociation'));
}

function lakeOf(stack: Stack): TrainingDataLake {
  return stack.node.findChild('Lake') as TrainingDataLake;
}

function keyPolicyStatements(template: Template, keyLogicalId: string): any[] {
  return template.toJSON().Resources[keyLogicalId].Properties.KeyPolicy.Statement;
}

const FSX_STATEMENT_ACTIONS = ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'];

describe('data repository associations', () => {
  test('datasets imported (new, changed, deleted, metadata at creation), checkpoints exported; passes the validators', () => {
    const stack = testStack();
    const { vpc, subnet, lake } = validatedNetwork(stack);
    const fs = new LustreScratch(stack, 'Scratch', { vpc, subnet, dataRepositories: [{ location: lake.datasets }] });
    const checkpoints = fs.addDataRepository({
      location: lake.checkpoints,
      autoImport: [],
      autoExport: [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED],
      batchImportMetaDataOnCreate: false,
      importedFileChunkSizeMiB: 512000,
    });
    const template = validatedTemplate(stack);
    const fsRef = { Ref: stack.getLogicalId(fs.node.defaultChild as any) };
    const bucket = { Ref: stack.getLogicalId(lake.bucket.node.defaultChild as any) };
    template.hasResource('AWS::FSx::DataRepositoryAssociation', {
      Properties: {
        FileSystemId: fsRef,
        FileSystemPath: '/datasets',
        DataRepositoryPath: { 'Fn::Join': ['', ['s3://', bucket, '/datasets/']] },
        BatchImportMetaDataOnCreate: true,
        S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', {
      FileSystemId: fsRef,
      FileSystemPath: '/checkpoints',
      DataRepositoryPath: { 'Fn::Join': ['', ['s3://', bucket, '/checkpoints/']] },
      BatchImportMetaDataOnCreate: false,
      ImportedFileChunkSize: 512000,
      S3: { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
    });
    expect(fs.dataRepositories).toEqual([fs.node.findChild('DataRepository:datasets'), checkpoints]);
    // ImportedFileChunkSize is left to FSx (1024 MiB) unless given.
    const datasetsAssociation = associations(template).find((a) => a.Properties.FileSystemPath === '/datasets')!;
    expect(datasetsAssociation.Properties.ImportedFileChunkSize).toBeUndefined();
    // Created one after another: FSx can fail associations of one file system created at the same time.
    const checkpointsAssociation = associations(template).find((a) => a.Properties.FileSystemPath === '/checkpoints')!;
    expect(checkpointsAssociation.DependsOn).toEqual(expect.arrayContaining([stack.getLogicalId(fs.node.findChild('DataRepository:datasets') as any)]));
    expect(datasetsAssociation.DependsOn ?? []).not.toContain(stack.getLogicalId(checkpoints));
    expect(checkpoints.node.id).toBe('DataRepository:checkpoints');
    // Linked to S3: no backups (FSx cannot link data repositories to file systems with backups).
    expect(fileSystem(template).Properties.LustreConfiguration.AutomaticBackupRetentionDays).toBe(0);
    expect(fileSystem(template).Properties.LustreConfiguration.CopyTagsToBackups).toBeUndefined();
  });

  test('a data repository added after construction turns the default backups off', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    fs.addDataRepository({ location: lakeOf(stack).dataset('corpus') });
    const template = plainTemplate(stack);
    expect(fileSystem(template).Properties.LustreConfiguration.AutomaticBackupRetentionDays).toBe(0);
    expect(associations(template)[0].Properties.FileSystemPath).toBe('/datasets/corpus');
  });

  test('a given path is normalized and names the association; no S3 policy without events', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const lake = lakeOf(stack);
    const data = fs.addDataRepository({ location: lake.datasets, fileSystemPath: '/lake/data/', autoImport: [] });
    expect(data.node.id).toBe('DataRepository:lake:data');
    const [properties] = associations(plainTemplate(stack)).map((a) => a.Properties);
    expect(properties.FileSystemPath).toBe('/lake/data');
    expect(properties.S3).toBeUndefined();
  });

  test('the whole bucket links to / as DataRepository', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const root = fs.addDataRepository({ location: DataLocation.fromBucket(lakeOf(stack).bucket, '') });
    expect(root.node.id).toBe('DataRepository');
    expect(associations(plainTemplate(stack))[0].Properties.FileSystemPath).toBe('/');
  });

  test('eight synthesize; a ninth is rejected', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const lake = lakeOf(stack);
    for (let i = 0; i < 8; i++) {
      fs.addDataRepository({ location: lake.dataset(`d${i}`) });
    }
    expect(associations(plainTemplate(stack))).toHaveLength(8);
    expect(thrown(() => fs.addDataRepository({ location: lake.dataset('d8') })).message).toBe(message('dataRepositories', '9 data repositories',
      'at most 8 per file system'));
  });

  test('removal policy DESTROY deletes the associations', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { removalPolicy: RemovalPolicy.DESTROY });
    fs.addDataRepository({ location: lakeOf(stack).datasets });
    plainTemplate(stack).hasResource('AWS::FSx::DataRepositoryAssociation', { DeletionPolicy: 'Delete', UpdateReplacePolicy: 'Delete' });
  });
});

describe('data repository rules', () => {
  test('rejects overlapping file system paths, and / next to anything', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const lake = lakeOf(stack);
    fs.addDataRepository({ location: lake.datasets, fileSystemPath: '/data' });
    expect(thrown(() => fs.addDataRepository({ location: lake.checkpoints, fileSystemPath: '/data/checkpoints' })).message).toBe(message(
      'fileSystemPath', '"/data/checkpoints"', 'a path that does not overlap "/data" (s3://<Test/Lake/Bucket>/datasets/): the paths of a file system\'s '
      + 'data repositories must not contain one another, and "/" can only be the one data repository'));
    expect(thrown(() => fs.addDataRepository({ location: lake.checkpoints, fileSystemPath: '/' })).message).toMatch(
      /^\[Test\/Scratch\] fileSystemPath: received "\/"; allowed: a path that does not overlap "\/data"/);
    expect(thrown(() => fs.addDataRepository({ location: lake.checkpoints, fileSystemPath: '/data' })).message).toMatch(
      /fileSystemPath: received "\/data"; allowed: a path that does not overlap "\/data"/);
  });

  test('rejects overlapping S3 prefixes of one bucket; the same prefix of another bucket is fine', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const lake = lakeOf(stack);
    fs.addDataRepository({ location: lake.datasets });
    expect(thrown(() => fs.addDataRepository({ location: lake.dataset('corpus'), fileSystemPath: '/corpus' })).message).toBe(message('location',
      '"datasets/corpus/"', 'a prefix that does not overlap "datasets/" of the same bucket (linked to /datasets): the S3 paths of a file system\'s '
      + 'data repositories must not contain one another'));
    const other = new s3.Bucket(stack, 'Other', { enforceSSL: true });
    fs.addDataRepository({ location: DataLocation.fromBucket(other, 'datasets/'), fileSystemPath: '/other' });
    expect(fs.dataRepositories).toHaveLength(2);
  });

  test('rejects file system paths that are not absolute or are tokens', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    expect(thrown(() => fs.addDataRepository({ location: lakeOf(stack).datasets, fileSystemPath: 'datasets' })).message).toBe(message('fileSystemPath',
      '"datasets"', 'an absolute path on the file system such as "/datasets" or "/checkpoints/run1": starts with "/", no empty, "." or ".." segment, '
      + 'no whitespace or control characters, at most 4096 characters'));
    expect(thrown(() => fs.addDataRepository({ location: lakeOf(stack).datasets, fileSystemPath: fs.fileSystemId }))
      .message).toBe(message('fileSystemPath', '(unresolved token)', 'a literal path such as "/datasets": it names the association and is checked for overlaps'));
  });

  test('a location whose prefix is a token needs a file system path', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const location = DataLocation.fromBucket(lakeOf(stack).bucket, Token.asString({ Ref: 'Prefix' }));
    expect(thrown(() => fs.addDataRepository({ location })).message).toBe(message('fileSystemPath', 'nothing',
      'a path such as "/datasets" when the location\'s prefix is an unresolved token (the default path is derived from the prefix)'));
    expect(fs.addDataRepository({ location, fileSystemPath: '/parameterized' }).node.id).toBe('DataRepository:parameterized');
  });

  test('rejects data repositories on SCRATCH_1, Intelligent-Tiering and Lustre 2.10', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake0');
    const datasets = [{ location: lake.datasets }];
    expect(rejection({ deploymentType: LustreDeploymentType.SCRATCH_1, dataRepositories: datasets }, stack).message).toBe(message(
      'dataRepositories', 'a data repository', 'none with SCRATCH_1: data repository associations need SCRATCH_2 or PERSISTENT_2'));
    const stack2 = plainStack();
    const lake2 = new TrainingDataLake(stack2, 'Lake0');
    const it = { storageType: LustreStorageType.INTELLIGENT_TIERING, throughputCapacityMBps: 4000 };
    expect(rejection({ ...it, dataRepositories: [{ location: lake2.datasets }] },
      stack2).message).toBe(message('dataRepositories', 'a data repository',
      'none with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering file systems take no data repository associations'));
    const stack3 = plainStack();
    const lake3 = new TrainingDataLake(stack3, 'Lake0');
    const v210 = { deploymentType: LustreDeploymentType.SCRATCH_2, lustreVersion: LustreVersion.V_2_10 };
    expect(rejection({ ...v210, dataRepositories: [{ location: lake3.datasets }] },
      stack3).message).toBe(message('dataRepositories', 'a data repository', 'none with Lustre 2.10: data repository associations need Lustre 2.12 or 2.15'));
  });

  test('SCRATCH_2 takes data repositories', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { deploymentType: LustreDeploymentType.SCRATCH_2 });
    fs.addDataRepository({ location: lakeOf(stack).datasets });
    expect(associations(plainTemplate(stack))).toHaveLength(1);
  });

  test('rejects backups together with data repositories, both ways round', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake0');
    expect(rejection({ automaticBackupRetention: Duration.days(7), dataRepositories: [{ location: lake.datasets }] }, stack).message).toBe(message(
      'automaticBackupRetention', '7 days', '0 days or nothing on a file system with data repositories: FSx cannot link data repositories to file '
      + 'systems with backups; exported data is kept in S3'));
    const stack2 = plainStack();
    const fs = scratchIn(stack2, { automaticBackupRetention: Duration.days(7) });
    expect(thrown(() => fs.addDataRepository({ location: lakeOf(stack2).datasets })).message).toBe(message('dataRepositories', 'a data repository',
      'none on a file system with automatic backups (automaticBackupRetention, dailyAutomaticBackupStartTime or copyTagsToBackups set): '
      + 'FSx cannot link data repositories to file systems with backups; leave the backup properties out (backups then stay off)'));
  });

  test('rejects repeated or unknown events and chunk sizes out of range', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const lake = lakeOf(stack);
    const twice = [DataRepositoryEvent.NEW, DataRepositoryEvent.NEW];
    expect(thrown(() => fs.addDataRepository({ location: lake.datasets, autoExport: twice })).message).toBe(
      message('autoExport', '["NEW","NEW"]', 'any of DataRepositoryEvent.NEW, CHANGED and DELETED, each at most once (an empty list turns the policy off)'));
    expect(thrown(() => fs.addDataRepository({ location: lake.datasets, importedFileChunkSizeMiB: 0 })).message).toBe(message('importedFileChunkSizeMiB',
      '0', 'a whole number of MiB from 1 to 512000 (FSx default 1024)'));
  });

  test('rejects automatic import from a bucket in another Region; export only is fine', () => {
    const stack = plainStack('Test', { env: { region: 'us-east-1' } });
    const fs = scratchIn(stack);
    const remote = s3.Bucket.fromBucketAttributes(stack, 'Remote', { bucketName: 'training-eu', region: 'eu-west-1' });
    expect(thrown(() => fs.addDataRepository({ location: DataLocation.fromBucket(remote, 'datasets/') })).message).toBe(message('autoImport',
      '["NEW","CHANGED","DELETED"]', '[] for a bucket in eu-west-1: automatic import needs the bucket in the file system\'s Region (us-east-1); '
      + 'automatic export works across Regions'));
    fs.addDataRepository({ location: DataLocation.fromBucket(remote, 'checkpoints/'), autoImport: [], autoExport: [DataRepositoryEvent.NEW] });
    expect(fs.dataRepositories).toHaveLength(1);
  });
});

describe('data repositories in SSE-KMS buckets', () => {
  test('the lake key allows the FSx S3 service-linked roles through S3, once per key', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const lake = lakeOf(stack);
    fs.addDataRepository({ location: lake.datasets });
    fs.addDataRepository({ location: lake.checkpoints, autoImport: [], autoExport: [DataRepositoryEvent.NEW] });
    const template = plainTemplate(stack);
    const statements = keyPolicyStatements(template, stack.getLogicalId(lake.encryptionKey!.node.defaultChild as kms.CfnKey))
      .filter((s: any) => s.Sid === 'AllowFSxForLustreDataRepositories');
    expect(statements).toEqual([{
      Sid: 'AllowFSxForLustreDataRepositories',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: FSX_STATEMENT_ACTIONS,
      Resource: '*',
      Condition: {
        StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' }, 'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] } },
        StringLike: { 'aws:userid': '*:FSx' },
      },
    }]);
  });

  test('with a literal bucket name the statement is limited to the bucket\'s encryption context', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const key = createDataKey(stack, 'BucketKey', 'bucket key', RemovalPolicy.RETAIN);
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Named', { bucketName: 'training-lake', encryptionKey: key });
    fs.addDataRepository({ location: DataLocation.fromBucket(bucket, 'datasets/') });
    const template = plainTemplate(stack);
    const [statement] = keyPolicyStatements(template, stack.getLogicalId(key.node.defaultChild as kms.CfnKey))
      .filter((s: any) => s.Sid === 'AllowFSxForLustreDataRepositories');
    expect(statement.Condition.StringLike).toEqual({
      'aws:userid': '*:FSx',
      'kms:EncryptionContext:aws:s3:arn': [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-lake']] },
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::training-lake/datasets/*']] },
      ],
    });
  });

  test('an imported key gets a warning with the statement to add', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const key = kms.Key.fromKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    const bucket = s3.Bucket.fromBucketAttributes(stack, 'Named', { bucketName: 'training-lake', encryptionKey: key });
    fs.addDataRepository({ location: DataLocation.fromBucket(bucket, 'datasets/') });
    const warnings = plainAnnotations(stack).findWarning('/Test/Scratch', Match.stringLikeRegexp('LustreScratch.KeyPolicy'));
    expect(warnings).toHaveLength(1);
    const text = JSON.stringify(warnings[0].entry.data);
    expect(text).toContain('The KMS key of s3://training-lake/datasets/ is not managed by this app: add this statement to its key policy');
    expect(text).toContain('AllowFSxForLustreDataRepositories');
    expect(text).toContain('*:FSx');
  });

  test('an SSE-S3 bucket needs no key statement', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const bucket = s3.Bucket.fromBucketName(stack, 'Plain', 'plain-bucket');
    fs.addDataRepository({ location: DataLocation.fromBucket(bucket, 'x/') });
    expect(JSON.stringify(plainTemplate(stack).toJSON())).not.toContain('AllowFSxForLustreDataRepositories');
  });
});

describe('data repository locations', () => {
  test('a directory bucket (S3 Express One Zone) is rejected: FSx links general purpose buckets', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const bucket = s3.Bucket.fromBucketName(stack, 'Express', 'cache--use1-az4--x-s3');
    const location = DataLocation.fromBucket(bucket, 'corpus/', { directoryBucket: true });
    expect(thrown(() => fs.addDataRepository({ location })).message).toBe(message('location', 's3://cache--use1-az4--x-s3/corpus/',
      'a location in a general purpose bucket: FSx for Lustre data repositories link to general purpose buckets, not S3 Express One Zone directory buckets'));
  });
});
