import { CfnResource, Duration, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as cr from 'aws-cdk-lib/custom-resources';
import {
  fileSystem, message, plainNetwork, rejection, scratchIn, SCRATCH_PATH, thrown, validatedNetwork,
} from './fixtures';
import {
  LustreDataCompression, LustreDeploymentType, LustreLogLevel, LustreMetadataConfiguration, LustreReadCache, LustreRootSquash,
  LustreScratch, LustreStorageType, LustreVersion,
} from '../../src';
import { createDataKey } from '../../src/core/encryption';
import { plainStack, plainTemplate, testApp, testStack, validatedTemplate } from '../support/harness';

/** Every security group rule of the template as `<direction> <group> <peer> <protocol> <from>-<to>`. */
function securityGroupRules(template: Template): string[] {
  const json = template.toJSON().Resources as Record<string, any>;
  const ref = (v: any): string => (typeof v === 'string' ? v : v?.['Fn::GetAtt']?.[0] ?? v?.Ref ?? JSON.stringify(v));
  const rules: string[] = [];
  const render = (direction: string, group: string, r: any) => {
    const peer = r.SourceSecurityGroupId ?? r.DestinationSecurityGroupId ?? r.CidrIp ?? r.CidrIpv6;
    rules.push(`${direction} ${group} ${ref(peer)} ${r.IpProtocol} ${r.FromPort ?? '*'}-${r.ToPort ?? '*'}`);
  };
  for (const [id, resource] of Object.entries(json)) {
    if (resource.Type === 'AWS::EC2::SecurityGroup') {
      for (const r of resource.Properties.SecurityGroupIngress ?? []) render('in', id, r);
      for (const r of resource.Properties.SecurityGroupEgress ?? []) render('out', id, r);
    } else if (resource.Type === 'AWS::EC2::SecurityGroupIngress') {
      render('in', ref(resource.Properties.GroupId), resource.Properties);
    } else if (resource.Type === 'AWS::EC2::SecurityGroupEgress') {
      render('out', ref(resource.Properties.GroupId), resource.Properties);
    }
  }
  return rules.sort();
}

function logicalId(stack: Stack, construct: { node: { defaultChild?: any } } | any): string {
  return stack.getLogicalId((construct.node.defaultChild ?? construct) as any);
}

describe('LustreScratch defaults', () => {
  let stack: Stack;
  let fs: LustreScratch;
  let subnet: ec2.ISubnet;
  let template: Template;
  beforeAll(() => {
    stack = testStack();
    const network = validatedNetwork(stack);
    subnet = network.subnet;
    fs = new LustreScratch(stack, 'Scratch', { vpc: network.vpc, subnet });
    template = validatedTemplate(stack);
  });

  test('PERSISTENT_2 SSD, 1200 GiB at 125 MB/s/TiB, automatic metadata IOPS, LZ4, Lustre 2.15, in the given subnet', () => {
    const resource = fileSystem(template);
    expect(resource.Properties).toEqual({
      FileSystemType: 'LUSTRE',
      FileSystemTypeVersion: '2.15',
      StorageType: 'SSD',
      StorageCapacity: 1200,
      SubnetIds: [{ Ref: logicalId(stack, subnet) }],
      SecurityGroupIds: [{ 'Fn::GetAtt': [logicalId(stack, fs.securityGroup), 'GroupId'] }],
      KmsKeyId: { Ref: logicalId(stack, fs.encryptionKey) },
      LustreConfiguration: {
        DeploymentType: 'PERSISTENT_2',
        PerUnitStorageThroughput: 125,
        MetadataConfiguration: { Mode: 'AUTOMATIC' },
        DataCompressionType: 'LZ4',
        AutomaticBackupRetentionDays: 30,
        CopyTagsToBackups: true,
        LogConfiguration: {
          Level: 'WARN_ERROR',
          Destination: {
            'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:',
              { Ref: logicalId(stack, fs.logGroup) }]],
          },
        },
      },
    });
    expect(fs.node.defaultChild).toBe(fs.node.findChild('Resource'));
    expect(logicalId(stack, fs)).toMatch(/^Scratch[0-9A-F]{8}$/);
  });

  test('retained when removed or replaced, with its key', () => {
    const resource = fileSystem(template);
    expect(resource.DeletionPolicy).toBe('Retain');
    expect(resource.UpdateReplacePolicy).toBe('Retain');
    template.hasResource('AWS::KMS::Key', {
      Properties: Match.objectLike({ EnableKeyRotation: true, Description: `Encrypts the FSx for Lustre file system ${SCRATCH_PATH}` }),
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    expect(fs.encryptionKey).toBe(fs.node.findChild('Key'));
  });

  test('logs warnings and errors to /aws/fsx/lustre/<unique name>, KMS-encrypted, kept a year, retained', () => {
    template.hasResource('AWS::Logs::LogGroup', {
      Properties: {
        LogGroupName: Match.stringLikeRegexp('^/aws/fsx/lustre/Test-Scratch-[0-9A-F]{8}$'),
        RetentionInDays: 365,
        // The stack's log key, shared by the library's log groups in the stack.
        KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^CdkTrainingStorageLogsKey'), 'Arn'] },
      },
      DeletionPolicy: 'Retain',
    });
    expect(fs.logGroup).toBe(fs.node.findChild('Logs'));
  });

  test('the security group opens TCP 988 and 1018-1023 within itself only, and no other outbound traffic', () => {
    const sg = logicalId(stack, fs.securityGroup);
    expect(securityGroupRules(template).filter((r) => r.includes(sg))).toEqual([
      `in ${sg} ${sg} tcp 1018-1023`,
      `in ${sg} ${sg} tcp 988-988`,
      `out ${sg} 255.255.255.255/32 icmp 252-86`,
      `out ${sg} ${sg} tcp 1018-1023`,
      `out ${sg} ${sg} tcp 988-988`,
    ]);
    expect(JSON.stringify(template.toJSON())).not.toContain('0.0.0.0/0');
  });

  test('attributes: ID, ARN, DNS name, mount name, capacity, throughput, types', () => {
    const id = logicalId(stack, fs);
    expect(stack.resolve(fs.fileSystemId)).toEqual({ Ref: id });
    expect(stack.resolve(fs.fileSystemArn)).toEqual({ 'Fn::GetAtt': [id, 'ResourceARN'] });
    expect(stack.resolve(fs.dnsName)).toEqual({ 'Fn::GetAtt': [id, 'DNSName'] });
    expect(stack.resolve(fs.mountName)).toEqual({ 'Fn::GetAtt': [id, 'LustreMountName'] });
    expect(fs.storageCapacityGiB).toBe(1200);
    expect(fs.throughputMBps).toBe(150);
    expect(fs.deploymentType).toBe(LustreDeploymentType.PERSISTENT_2);
    expect(fs.storageType).toBe(LustreStorageType.SSD);
    expect(fs.connections.defaultPort?.toString()).toBe('988');
  });

  test('no data repositories, root squash custom resource or alarm', () => {
    template.resourceCountIs('AWS::FSx::DataRepositoryAssociation', 0);
    template.resourceCountIs('Custom::LustreRootSquash', 0);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
    template.resourceCountIs('AWS::Lambda::Function', 0);
    expect(fs.dataRepositories).toEqual([]);
    expect(fs.freeCapacityAlarm).toBeUndefined();
  });

  test('its properties, LogConfiguration included, pass the bundled CloudFormation Validate schema with nothing acknowledged', () => {
    // The same properties on a plain CfnResource (references made literal), without any acknowledgement.
    const properties = literal(fileSystem(template).Properties);
    expect(properties.LustreConfiguration.LogConfiguration).toEqual({ Level: 'WARN_ERROR', Destination: expect.any(String) });
    properties.SubnetIds = ['subnet-0123456789abcdef0'];
    properties.SecurityGroupIds = ['sg-0123456789abcdef0'];
    properties.KmsKeyId = 'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    const app = testApp();
    const bare = new Stack(app, 'Bare');
    new CfnResource(bare, 'FileSystem', { type: 'AWS::FSx::FileSystem', properties });
    expect(() => app.synth()).not.toThrow();
    expect(JSON.stringify(fs.node.defaultChild!.node.metadata)).not.toContain('CloudFormation-Validate');
  });
});

/** A CloudFormation value with every reference replaced by a literal. */
function literal(value: any): any {
  if (Array.isArray(value)) {
    return value.map(literal);
  }
  if (value && typeof value === 'object') {
    if ('Ref' in value || 'Fn::GetAtt' in value || 'Fn::Join' in value) {
      return 'arn:aws:logs:us-east-1:111122223333:log-group:/aws/fsx/x';
    }
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, literal(v)]));
  }
  return value;
}

describe('LustreScratch deployment types and sizing', () => {
  test('SCRATCH_2: no per-unit throughput, metadata configuration, key or backups; 240 MB/s per 1200 GiB', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { deploymentType: LustreDeploymentType.SCRATCH_2 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.LustreConfiguration).toEqual({
      DeploymentType: 'SCRATCH_2',
      DataCompressionType: 'LZ4',
      LogConfiguration: expect.objectContaining({ Level: 'WARN_ERROR' }),
    });
    expect(resource.Properties.KmsKeyId).toBeUndefined();
    expect(resource.Properties.StorageCapacity).toBe(1200);
    expect(fs.encryptionKey).toBeUndefined();
    expect(fs.node.tryFindChild('Key')).toBeUndefined();
    expect(fs.throughputMBps).toBe(240);
  });

  test.each([1200, 2400, 4800])('%i GiB synthesizes as given', (capacity) => {
    const stack = plainStack();
    scratchIn(stack, { storageCapacityGiB: capacity });
    expect(fileSystem(plainTemplate(stack)).Properties.StorageCapacity).toBe(capacity);
  });

  test('a throughput target gives the smallest valid capacity that reaches it', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { throughputTargetMBps: 1000, perUnitStorageThroughput: 250 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.StorageCapacity).toBe(4800);
    expect(resource.Properties.LustreConfiguration.PerUnitStorageThroughput).toBe(250);
    expect(fs.throughputMBps).toBe(1200);
  });

  test('capacities above 65536 GiB (the cap of aws-cdk-lib 2.262\'s bundled schema) pass the validators, with nothing acknowledged', () => {
    const stack = testStack();
    const fs = new LustreScratch(stack, 'Scratch', { ...validatedNetwork(stack), storageCapacityGiB: 100800 });
    expect(fileSystem(validatedTemplate(stack)).Properties.StorageCapacity).toBe(100800);
    expect(JSON.stringify(fs.node.defaultChild!.node.metadata)).not.toContain('CloudFormation-Validate');
  });

  test('rejects invalid capacities and per-unit throughputs with the allowed values', () => {
    expect(rejection({ storageCapacityGiB: 3600 }).message).toBe(message('storageCapacityGiB', '3600',
      '1200, 2400, then multiples of 2400 GiB (4800, 7200, ...) for PERSISTENT_2 SSD'));
    expect(rejection({ perUnitStorageThroughput: 200 }).message).toBe(message('perUnitStorageThroughput', '200',
      'one of 125, 250, 500, 1000 (MB/s per TiB) for PERSISTENT_2 SSD'));
    expect(rejection({ deploymentType: LustreDeploymentType.SCRATCH_2, perUnitStorageThroughput: 125 }).message).toBe(message('perUnitStorageThroughput', '125',
      'nothing with SCRATCH_2: scratch file systems have a fixed baseline of 200 MB/s/TiB'));
    expect(rejection({ deploymentType: LustreDeploymentType.SCRATCH_1, storageCapacityGiB: 4800 }).message).toBe(message('storageCapacityGiB', '4800',
      '1200, 2400, then multiples of 3600 GiB (3600, 7200, ...) for SCRATCH_1 SSD'));
  });

  test('rejects a capacity together with a throughput target, and a target that is not positive', () => {
    expect(rejection({ storageCapacityGiB: 1200, throughputTargetMBps: 100 }).message).toBe(message('throughputTargetMBps', '100',
      'nothing together with storageCapacityGiB: give the capacity or the throughput it is derived from, not both'));
    expect(rejection({ throughputTargetMBps: -1 }).message).toBe(message('throughputTargetMBps', '-1', 'a positive number of MB/s'));
    expect(rejection({ throughputTargetMBps: Token.asNumber({ Ref: 'Target' }) }).message).toBe(message('throughputTargetMBps', '(unresolved token)',
      'a literal number of MB/s: the capacity is derived from it at synth time'));
  });

  test('rejects a subnet that is not in the VPC', () => {
    const stack = plainStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'x', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const error = thrown(() => new LustreScratch(stack, 'Scratch', { vpc: plainNetwork(stack).vpc, subnet: other.isolatedSubnets[0] }));
    expect(error.message).toBe(message('subnet', '"Test/Other/xSubnet1"', 'a subnet of vpc: the file system and its security group live in the same VPC'));
  });
});

describe('LustreScratch Intelligent-Tiering', () => {
  test('no capacity; throughput capacity, proportional read cache, 6000 provisioned metadata IOPS', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { storageType: LustreStorageType.INTELLIGENT_TIERING, throughputCapacityMBps: 8000 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.StorageCapacity).toBeUndefined();
    expect(resource.Properties.StorageType).toBe('INTELLIGENT_TIERING');
    expect(resource.Properties.LustreConfiguration).toEqual(expect.objectContaining({
      DeploymentType: 'PERSISTENT_2',
      ThroughputCapacity: 8000,
      DataReadCacheConfiguration: { SizingMode: 'PROPORTIONAL_TO_THROUGHPUT_CAPACITY' },
      MetadataConfiguration: { Mode: 'USER_PROVISIONED', Iops: 6000 },
    }));
    expect(resource.Properties.LustreConfiguration.PerUnitStorageThroughput).toBeUndefined();
    expect(fs.storageCapacityGiB).toBeUndefined();
    expect(fs.throughputMBps).toBe(8000);
  });

  test('a provisioned read cache and 12000 metadata IOPS', () => {
    const stack = plainStack();
    scratchIn(stack, {
      storageType: LustreStorageType.INTELLIGENT_TIERING,
      throughputCapacityMBps: 4000,
      readCache: LustreReadCache.provisioned(Size.gibibytes(1024)),
      metadataConfiguration: LustreMetadataConfiguration.provisioned(12000),
    });
    expect(fileSystem(plainTemplate(stack)).Properties.LustreConfiguration).toEqual(expect.objectContaining({
      DataReadCacheConfiguration: { SizingMode: 'USER_PROVISIONED', SizeGiB: 1024 },
      MetadataConfiguration: { Mode: 'USER_PROVISIONED', Iops: 12000 },
    }));
  });

  test('rejects what Intelligent-Tiering does not take', () => {
    const it = { storageType: LustreStorageType.INTELLIGENT_TIERING, throughputCapacityMBps: 4000 };
    expect(rejection({ storageType: LustreStorageType.INTELLIGENT_TIERING }).message).toBe(message('throughputCapacityMBps', 'nothing',
      'a multiple of 4000 MB/s (4000, 8000, ...): Intelligent-Tiering file systems are sized by throughput'));
    expect(rejection({ ...it, throughputCapacityMBps: 5000 }).message).toBe(message('throughputCapacityMBps', '5000',
      'a multiple of 4000 MB/s (4000, 8000, 12000, ...)'));
    expect(rejection({ ...it, storageCapacityGiB: 1200 }).message).toBe(message('storageCapacityGiB', '1200',
      'nothing with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering storage is elastic and has no provisioned capacity; '
      + 'size its throughput with throughputCapacityMBps'));
    expect(rejection({ ...it, deploymentType: LustreDeploymentType.SCRATCH_2 }).message).toBe(message('storageType', 'LustreStorageType.INTELLIGENT_TIERING',
      'LustreStorageType.SSD with SCRATCH_2: Intelligent-Tiering is for PERSISTENT_2 only'));
    expect(rejection({ ...it, metadataConfiguration: LustreMetadataConfiguration.automatic() }).message).toBe(message('metadataConfiguration', 'AUTOMATIC',
      'LustreMetadataConfiguration.provisioned(iops) with 6000, 12000 IOPS: AUTOMATIC mode is for SSD file systems only'));
    expect(rejection({ ...it, metadataConfiguration: LustreMetadataConfiguration.provisioned(24000) }).message).toBe(message('metadataConfiguration',
      '24000 IOPS', '6000, 12000 metadata IOPS for Intelligent-Tiering file systems'));
    expect(rejection({ ...it, readCache: LustreReadCache.provisioned(Size.gibibytes(16)) }).message).toBe(message('readCache', '16 GiB',
      'a whole number of GiB from 32 to 131072 for 4000 MB/s of throughput capacity (32 to 131072 GiB for every 4000 MB/s)'));
    expect(rejection({ ...it, readCache: LustreReadCache.provisioned(Size.mebibytes(1536)) }).message).toBe(message('readCache', '1536 MiB', 'a whole number of GiB'));
    expect(rejection({ ...it, perUnitStorageThroughput: 125 }).message).toBe(message('perUnitStorageThroughput', '125',
      'nothing with LustreStorageType.INTELLIGENT_TIERING: set throughputCapacityMBps (multiples of 4000 MB/s) instead'));
  });

  test('rejects throughput capacity and a read cache with SSD', () => {
    expect(rejection({ throughputCapacityMBps: 4000 }).message).toBe(message('throughputCapacityMBps', '4000',
      'nothing with SSD storage: throughput is storage capacity times perUnitStorageThroughput (use throughputTargetMBps to size it)'));
    expect(rejection({ throughputCapacityMBps: Token.asNumber({ Ref: 'Throughput' }) }).message).toBe(message('throughputCapacityMBps', '(unresolved token)',
      'nothing with SSD storage: throughput is storage capacity times perUnitStorageThroughput (use throughputTargetMBps to size it)'));
    expect(rejection({ readCache: LustreReadCache.none() }).message).toBe(message('readCache', 'a read cache',
      'nothing with SSD storage: the SSD read cache belongs to Intelligent-Tiering'));
  });
});

describe('LustreScratch metadata, EFA, versions, compression', () => {
  test('provisioned metadata IOPS, no compression', () => {
    const stack = plainStack();
    scratchIn(stack, { metadataConfiguration: LustreMetadataConfiguration.provisioned(24000), dataCompression: LustreDataCompression.NONE });
    expect(fileSystem(plainTemplate(stack)).Properties.LustreConfiguration).toEqual(expect.objectContaining({
      MetadataConfiguration: { Mode: 'USER_PROVISIONED', Iops: 24000 },
      DataCompressionType: 'NONE',
    }));
  });

  test('rejects metadata IOPS FSx does not offer, and metadata on scratch', () => {
    expect(rejection({ metadataConfiguration: LustreMetadataConfiguration.provisioned(2000) }).message).toBe(message('metadataConfiguration', '2000 IOPS',
      'one of 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000 (24000, 36000, 48000, ..., 192000) metadata IOPS for SSD file systems'));
    expect(rejection({ deploymentType: LustreDeploymentType.SCRATCH_2, metadataConfiguration: LustreMetadataConfiguration.automatic() }).message)
      .toBe(message('metadataConfiguration', 'AUTOMATIC', 'nothing with SCRATCH_2: a metadata configuration is for PERSISTENT_2 file systems only'));
  });

  test('EFA: EfaEnabled, the smallest EFA capacity, and all traffic within the security group', () => {
    const stack = plainStack();
    const { vpc, subnet } = validatedNetwork(stack);
    const fs = new LustreScratch(stack, 'Scratch', { vpc, subnet, efa: true, perUnitStorageThroughput: 1000 });
    const template = plainTemplate(stack);
    expect(fileSystem(template).Properties).toEqual(expect.objectContaining({
      StorageCapacity: 4800,
      LustreConfiguration: expect.objectContaining({ EfaEnabled: true, PerUnitStorageThroughput: 1000, MetadataConfiguration: { Mode: 'AUTOMATIC' } }),
    }));
    const sg = logicalId(stack, fs.securityGroup);
    expect(securityGroupRules(template).filter((r) => r.includes(sg))).toEqual([
      `in ${sg} ${sg} -1 *-*`,
      `out ${sg} 255.255.255.255/32 icmp 252-86`,
      `out ${sg} ${sg} -1 *-*`,
    ]);
    expect(fs.throughputMBps).toBe(4800);
  });

  test('rejects EFA on scratch, without a metadata configuration, and at capacities outside its steps', () => {
    expect(rejection({ deploymentType: LustreDeploymentType.SCRATCH_2, efa: true }).message).toBe(message('efa', 'true',
      'false with SCRATCH_2: EFA-enabled file systems are PERSISTENT_2 with a metadata configuration'));
    expect(rejection({ efa: true, lustreVersion: LustreVersion.V_2_12 }).message).toBe(message('efa', 'true',
      'false without a metadataConfiguration: EFA-enabled file systems are PERSISTENT_2 with a metadata configuration '
      + '(LustreMetadataConfiguration.automatic() or .provisioned(iops))'));
    expect(rejection({ efa: true, storageCapacityGiB: 2400 }).message).toBe(message('storageCapacityGiB', '2400',
      'multiples of 38400 GiB (38400, 76800, 115200, ...): EFA-enabled file systems at 125 MB/s/TiB grow in steps of 38400 GiB'));
  });

  test('Lustre 2.12 on PERSISTENT_2 comes without a metadata configuration', () => {
    const stack = plainStack();
    scratchIn(stack, { lustreVersion: LustreVersion.V_2_12 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.FileSystemTypeVersion).toBe('2.12');
    expect(resource.Properties.LustreConfiguration.MetadataConfiguration).toBeUndefined();
  });

  test('rejects Lustre versions the configuration does not support', () => {
    expect(rejection({ lustreVersion: LustreVersion.V_2_10 }).message).toBe(message('lustreVersion', '2.10',
      'LustreVersion.V_2_12 or V_2_15 for PERSISTENT_2 (2.15 with a metadata configuration)'));
    expect(rejection({ lustreVersion: LustreVersion.V_2_12, metadataConfiguration: LustreMetadataConfiguration.automatic() }).message)
      .toBe(message('lustreVersion', '2.12', 'LustreVersion.V_2_15 with a metadata configuration'));
  });
});

describe('LustreScratch encryption and backups', () => {
  test('a given key encrypts the file system; none is created', () => {
    const stack = plainStack();
    const key = createDataKey(stack, 'MyKey', 'k', RemovalPolicy.RETAIN);
    const fs = scratchIn(stack, { encryptionKey: key });
    expect(fileSystem(plainTemplate(stack)).Properties.KmsKeyId).toEqual({ Ref: logicalId(stack, key) });
    expect(fs.node.tryFindChild('Key')).toBeUndefined();
  });

  test('rejects a key on scratch', () => {
    const stack = plainStack();
    expect(rejection({
      deploymentType: LustreDeploymentType.SCRATCH_2,
      encryptionKey: kms.Key.fromKeyArn(stack, 'K',
        'arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab'),
    }, stack).message).toBe(message('encryptionKey', 'a key',
      'nothing with SCRATCH_2: scratch file systems are encrypted with keys that FSx manages'));
  });

  test('backup retention, start time and tags as given', () => {
    const stack = plainStack();
    scratchIn(stack, { automaticBackupRetention: Duration.days(7), dailyAutomaticBackupStartTime: '03:30', copyTagsToBackups: false });
    expect(fileSystem(plainTemplate(stack)).Properties.LustreConfiguration).toEqual(expect.objectContaining({
      AutomaticBackupRetentionDays: 7,
      DailyAutomaticBackupStartTime: '03:30',
      CopyTagsToBackups: false,
    }));
  });

  test('zero days turns backups off', () => {
    const stack = plainStack();
    scratchIn(stack, { automaticBackupRetention: Duration.days(0) });
    const configuration = fileSystem(plainTemplate(stack)).Properties.LustreConfiguration;
    expect(configuration.AutomaticBackupRetentionDays).toBe(0);
    expect(configuration.CopyTagsToBackups).toBeUndefined();
  });

  test('rejects backups FSx does not take', () => {
    expect(rejection({ automaticBackupRetention: Duration.days(91) }).message).toBe(message('automaticBackupRetention', '91 days',
      'a whole number of days, 0 to 90 days'));
    expect(rejection({ automaticBackupRetention: Duration.hours(36) }).message).toBe(message('automaticBackupRetention', '1 day 12 hours',
      'a whole number of days, 0 to 90 days'));
    expect(rejection({ deploymentType: LustreDeploymentType.SCRATCH_2, automaticBackupRetention: Duration.days(7) }).message).toBe(message(
      'automaticBackupRetention', '7 days', '0 days or nothing with SCRATCH_2: scratch file systems are not backed up'));
    expect(rejection({ dailyAutomaticBackupStartTime: '3am' }).message).toBe(message('dailyAutomaticBackupStartTime', '"3am"',
      'a UTC time of day HH:MM, such as "03:00"'));
  });
});

describe('LustreScratch logging', () => {
  test('logging off: no LogConfiguration and no log group', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { logLevel: LustreLogLevel.DISABLED });
    const template = plainTemplate(stack);
    expect(fileSystem(template).Properties.LustreConfiguration.LogConfiguration).toBeUndefined();
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(fs.logGroup).toBeUndefined();
  });

  test('a given log group and level', () => {
    const stack = plainStack();
    const logGroup = logs.LogGroup.fromLogGroupName(stack, 'Given', '/aws/fsx/training');
    const fs = scratchIn(stack, { logGroup, logLevel: LustreLogLevel.ERROR_ONLY });
    const template = plainTemplate(stack);
    expect(fileSystem(template).Properties.LustreConfiguration.LogConfiguration).toEqual({
      Level: 'ERROR_ONLY',
      Destination: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':logs:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':log-group:/aws/fsx/training']] },
    });
    template.resourceCountIs('AWS::Logs::LogGroup', 0);
    expect(fs.logGroup).toBe(logGroup);
  });

  test('a log retention', () => {
    const stack = plainStack();
    scratchIn(stack, { logRetention: logs.RetentionDays.TWO_YEARS });
    plainTemplate(stack).hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 731 });
  });

  test('rejects log groups FSx cannot write to and settings that do not apply', () => {
    const stack = plainStack();
    expect(rejection({ logGroup: logs.LogGroup.fromLogGroupName(stack, 'G', '/training/lustre') }, stack).message).toBe(message('logGroup',
      '"/training/lustre"', 'a log group whose name begins with "/aws/fsx" (Lustre logging writes only there)'));
    const stack2 = plainStack();
    expect(rejection({ logGroup: logs.LogGroup.fromLogGroupName(stack2, 'G', '/aws/fsx/x'), logRetention: logs.RetentionDays.ONE_WEEK }, stack2).message)
      .toBe(message('logRetention', '7', 'nothing with logGroup: the retention of a given log group is set on it'));
    const stack3 = plainStack();
    expect(rejection({ logGroup: logs.LogGroup.fromLogGroupName(stack3, 'G', '/aws/fsx/x'), logLevel: LustreLogLevel.DISABLED }, stack3).message)
      .toBe(message('logGroup', 'a log group', 'nothing with logLevel LustreLogLevel.DISABLED'));
  });
});

describe('LustreScratch root squash', () => {
  test('UpdateFileSystem after the file system and its data repositories, allowed on this file system only, passing the validators', () => {
    const stack = testStack();
    const { vpc, subnet, lake } = validatedNetwork(stack);
    const fs = new LustreScratch(stack, 'Scratch', {
      vpc,
      subnet,
      rootSquash: LustreRootSquash.squashTo(65534, 65534, { noSquashNids: ['10.0.1.6@tcp'] }),
      dataRepositories: [{ location: lake.datasets }],
    });
    const template = validatedTemplate(stack);
    const id = logicalId(stack, fs);
    const resources = template.findResources('Custom::LustreRootSquash');
    expect(Object.keys(resources)).toHaveLength(1);
    const [resource] = Object.values(resources);
    expect(resource.DependsOn).toEqual(expect.arrayContaining([logicalId(stack, fs.dataRepositories[0])]));
    const create = JSON.parse(stack.resolve(resource.Properties.Create)['Fn::Join'][1].map((p: any) => (typeof p === 'string' ? p : `<${p.Ref}>`)).join(''));
    expect(create).toEqual({
      service: 'FSx',
      action: 'UpdateFileSystem',
      parameters: { FileSystemId: `<${id}>`, LustreConfiguration: { RootSquashConfiguration: { RootSquash: '65534:65534', NoSquashNids: ['10.0.1.6@tcp'] } } },
      physicalResourceId: { id: `<${id}>:root-squash` },
      outputPaths: ['FileSystem.FileSystemId'],
    });
    expect(resource.Properties.Update).toEqual(resource.Properties.Create);
    expect(resource.Properties.InstallLatestAwsSdk).toBe(false);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'fsx:UpdateFileSystem', Effect: 'Allow', Resource: { 'Fn::GetAtt': [id, 'ResourceARN'] } }] },
    });
  });

  test('with an AwsCustomResource of the user\'s own, the shared provider function\'s findings are reported, not acknowledged', () => {
    const stack = testStack();
    const { vpc, subnet } = validatedNetwork(stack);
    new LustreScratch(stack, 'Scratch', { vpc, subnet, rootSquash: LustreRootSquash.squashTo(65534, 65534) });
    new cr.AwsCustomResource(stack, 'UserLookup', {
      onCreate: { service: 'STS', action: 'GetCallerIdentity', physicalResourceId: cr.PhysicalResourceId.of('caller') },
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    let report = '';
    try {
      validatedTemplate(stack);
    } catch (error) {
      report = String(error);
    }
    expect(report).toMatch(/AwsSolutions-IAM4\[Policy::arn:<AWS::Partition>:iam::aws:policy\/service-role\/AWSLambdaBasicExecutionRole\][\s\S]*AWS679f53fac002430cb0da5b7982bd2287/);
    expect(report).toMatch(/CT\.LAMBDA\.PR\.3[^\n]*\n\s*Test\/AWS679f53fac002430cb0da5b7982bd2287\/Resource/);
  });

  test('disabled() sets 0:0', () => {
    const stack = plainStack();
    scratchIn(stack, { rootSquash: LustreRootSquash.disabled() });
    const [resource] = Object.values(plainTemplate(stack).findResources('Custom::LustreRootSquash'));
    expect(JSON.stringify(resource.Properties.Create)).toContain('\\"RootSquash\\":\\"0:0\\",\\"NoSquashNids\\":[]');
  });

  test('rejects root as the squash identity and malformed NIDs', () => {
    expect(rejection({ rootSquash: LustreRootSquash.squashTo(0, 65534) }).message).toBe(message('rootSquash.uid', '0',
      'a whole number from 1 to 4294967294 (0 is root: use LustreRootSquash.disabled() to turn root squash off)'));
    expect(rejection({ rootSquash: LustreRootSquash.squashTo(65534, 65534, { noSquashNids: ['10.0.1.6'] }) }).message).toBe(message(
      'rootSquash.noSquashNids[0]', '"10.0.1.6"',
      'a Lustre NID of 11 to 43 characters: an IPv4 address or range followed by "@tcp", such as "10.0.1.6@tcp" or "10.0.[2-10].[1-255]@tcp"'));
  });
});

describe('LustreScratch removal policy', () => {
  test('DESTROY deletes the file system, its associations and its key, never its log group', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { removalPolicy: RemovalPolicy.DESTROY });
    const template = plainTemplate(stack);
    expect(fileSystem(template).DeletionPolicy).toBe('Delete');
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::Logs::LogGroup', { DeletionPolicy: 'Retain' });
    expect(fs.encryptionKey).toBeDefined();
  });
});

describe('LustreScratch clients and security groups', () => {
  test('the file system is created after every rule of its security group (FSx checks port 988 at creation)', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    fs.allowFrom(new ec2.SecurityGroup(stack, 'Nodes', { vpc, allowAllOutbound: false }));
    const template = plainTemplate(stack);
    const rules = [
      ...Object.keys(template.findResources('AWS::EC2::SecurityGroupIngress')),
      ...Object.keys(template.findResources('AWS::EC2::SecurityGroupEgress')),
    ].filter((id) => fs.securityGroup.node.findAll().some((c) => c instanceof CfnResource && stack.getLogicalId(c) === id));
    expect(rules.length).toBeGreaterThanOrEqual(4); // 988 and 1018-1023, in and out, within the group
    expect(fileSystem(template).DependsOn).toEqual(expect.arrayContaining([...rules, logicalId(stack, fs.securityGroup)]));
  });

  test('allowFrom and connections.allowDefaultPortFrom open TCP 988 and 1018-1023 both ways, nothing else', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const vpc = stack.node.findChild('Vpc') as ec2.Vpc;
    const nodes = new ec2.SecurityGroup(stack, 'Nodes', { vpc, allowAllOutbound: false });
    const pods = new ec2.SecurityGroup(stack, 'Pods', { vpc });
    fs.allowFrom(nodes);
    fs.connections.allowDefaultPortFrom(pods);
    const template = plainTemplate(stack);
    const [sg, n, p] = [logicalId(stack, fs.securityGroup), logicalId(stack, nodes), logicalId(stack, pods)];
    expect(securityGroupRules(template).filter((r) => !r.startsWith(`in ${sg} ${sg}`) && !r.startsWith(`out ${sg} ${sg}`))).toEqual([
      `in ${n} ${sg} tcp 1018-1023`,
      `in ${n} ${sg} tcp 988-988`,
      `in ${p} ${sg} tcp 1018-1023`,
      `in ${p} ${sg} tcp 988-988`,
      `in ${sg} ${n} tcp 1018-1023`,
      `in ${sg} ${n} tcp 988-988`,
      `in ${sg} ${p} tcp 1018-1023`,
      `in ${sg} ${p} tcp 988-988`,
      `out ${n} ${sg} tcp 1018-1023`,
      `out ${n} ${sg} tcp 988-988`,
      // (aws-cdk-lib drops the clients' own "disallow all" placeholder: their group is theirs to fix.)
      `out ${p} 0.0.0.0/0 -1 *-*`,
      `out ${sg} 255.255.255.255/32 icmp 252-86`,
      `out ${sg} ${n} tcp 1018-1023`,
      `out ${sg} ${n} tcp 988-988`,
      `out ${sg} ${p} tcp 1018-1023`,
      `out ${sg} ${p} tcp 988-988`,
    ]);
    expect(securityGroupRules(template).join('\n')).not.toMatch(/988-1023|in \S+ 0\.0\.0\.0\/0/);
  });

  test('EFA: clients get all traffic both ways', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { efa: true });
    const nodes = new ec2.SecurityGroup(stack, 'Nodes', { vpc: stack.node.findChild('Vpc') as ec2.Vpc });
    fs.allowFrom(nodes);
    const [sg, n] = [logicalId(stack, fs.securityGroup), logicalId(stack, nodes)];
    expect(securityGroupRules(plainTemplate(stack)).filter((r) => r.includes(n) && r.includes(sg))).toEqual([
      `in ${n} ${sg} -1 *-*`,
      `in ${sg} ${n} -1 *-*`,
      `out ${sg} ${n} -1 *-*`,
    ]);
  });

  test('a given security group gets Lustre\'s rules and keeps its own outbound rules', () => {
    const stack = plainStack();
    const { vpc, subnet } = validatedNetwork(stack);
    const given = new ec2.SecurityGroup(stack, 'Given', { vpc });
    const fs = new LustreScratch(stack, 'Scratch', { vpc, subnet, securityGroup: given });
    expect(fs.securityGroup).toBe(given);
    expect(fs.node.tryFindChild('SecurityGroup')).toBeUndefined();
    const g = logicalId(stack, given);
    expect(securityGroupRules(plainTemplate(stack))).toEqual([
      `in ${g} ${g} tcp 1018-1023`,
      `in ${g} ${g} tcp 988-988`,
      `out ${g} 0.0.0.0/0 -1 *-*`,
    ]);
  });
});

describe('LustreScratch metrics and the free capacity alarm', () => {
  test('metrics: AWS/FSx, FileSystemId, their statistics', () => {
    const stack = plainStack();
    const fs = scratchIn(stack);
    const id = { Ref: logicalId(stack, fs) };
    const cases: Array<[cloudwatch.Metric, string, string]> = [
      [fs.metricFreeDataStorageCapacity(), 'FreeDataStorageCapacity', 'Minimum'],
      [fs.metricDataReadBytes(), 'DataReadBytes', 'Sum'],
      [fs.metricDataWriteBytes(), 'DataWriteBytes', 'Sum'],
      [fs.metricMetadataOperations(), 'MetadataOperations', 'Sum'],
      [fs.metric('DataReadOperations', { statistic: 'Average', period: Duration.minutes(1) }), 'DataReadOperations', 'Average'],
    ];
    for (const [metric, name, statistic] of cases) {
      expect(metric.namespace).toBe('AWS/FSx');
      expect(metric.metricName).toBe(name);
      expect(metric.statistic).toBe(statistic);
      expect(stack.resolve(metric.dimensions)).toEqual({ FileSystemId: id });
    }
  });

  test('the alarm fires below the threshold for three 5-minute periods, and passes the validators with an action', () => {
    const stack = testStack();
    const fs = new LustreScratch(stack, 'Scratch', { ...validatedNetwork(stack), freeCapacityAlarmThreshold: Size.gibibytes(120) });
    const topic = new sns.Topic(stack, 'Alerts', { enforceSSL: true, masterKey: createDataKey(stack, 'TopicKey', 'alerts', RemovalPolicy.RETAIN) });
    fs.freeCapacityAlarm!.addAlarmAction(new cloudwatchActions.SnsAction(topic));
    validatedTemplate(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
      Namespace: 'AWS/FSx',
      MetricName: 'FreeDataStorageCapacity',
      Dimensions: [{ Name: 'FileSystemId', Value: { Ref: logicalId(stack, fs) } }],
      Statistic: 'Minimum',
      Period: 300,
      EvaluationPeriods: 3,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 120 * 1024 ** 3,
      TreatMissingData: 'missing',
      AlarmActions: [{ Ref: logicalId(stack, topic) }],
    });
    expect(fs.freeCapacityAlarm).toBe(fs.node.findChild('FreeCapacityAlarm'));
  });

  test('rejects a threshold at or above the capacity', () => {
    expect(rejection({ freeCapacityAlarmThreshold: Size.gibibytes(1200) }).message).toBe(message('freeCapacityAlarmThreshold', '1200 GiB',
      'more than 0 and less than the storage capacity (1200 GiB)'));
  });
});
