import { ArnFormat, Lazy, Names, RemovalPolicy, Size, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { LustreConnections } from './connections';
import { ILustreScratch, LustreScratchBase } from './lustre-scratch-base';
import { LustreDataRepositoryOptions, LustrePrices, LustreScratchAttributes, LustreScratchProps } from './lustre-scratch-props';
import {
  LustreDeploymentType, LustreLogLevel, LustreMetadataConfiguration, LustreReadCache, LustreStorageType, LustreVersion,
} from './options';
import { DataRepositoryAssociations } from './private/data-repositories';
import { DEFAULTS } from './private/defaults';
import { ImportedLustreScratch } from './private/imported-lustre-scratch';
import { createRootSquash } from './private/root-squash';
import { keepEgressRestricted } from './private/security-group';
import { renderGibibytes, wholeGibibytes } from './private/sizes';
import { fail } from './private/validation';
import * as rules from './rules';
import * as sizing from './sizing';
import { createDataKey } from '../core/encryption';
import { TrainingStorageError, renderValue } from '../core/errors';
import { createEncryptedLogGroup } from '../core/log-group';
import { availabilityZoneIdOf } from '../core/training-zone';
import { wholeDays } from '../core/validation';

/**
 * An FSx for Lustre file system in the GPUs' subnet, linked to the data lake: metadata is imported
 * from S3 and content loads lazily on first read; checkpoints written to it are exported back to S3.
 *
 * `AWS::FSx::FileSystem` (Lustre) with data repository associations, EFA, metadata IOPS,
 * Intelligent-Tiering, LZ4 compression, Lustre 2.15, logging of warnings and errors to an encrypted
 * log group, a security group that opens only Lustre's ports, and every combination FSx rejects
 * rejected at synth time with the allowed values. Retained when it leaves the stack.
 *
 * Construct IDs are part of the API: `Resource` (the file system), `SecurityGroup`, `Key`, `Logs`
 * (the log group, encrypted with the stack's log key `CdkTrainingStorageLogsKey`), `RootSquash`,
 * `FreeCapacityAlarm`, `DataRepository:<file system path segments joined by ":">` (`DataRepository` for `/`).
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * declare const gpuSubnet: ec2.ISubnet;
 * declare const lake: TrainingDataLake;
 * const scratch = new LustreScratch(this, 'Scratch', { vpc, subnet: gpuSubnet });
 * scratch.addDataRepository({ location: lake.datasets });
 * scratch.addDataRepository({ location: lake.checkpoints, autoImport: [], autoExport: [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED] });
 */
export class LustreScratch extends LustreScratchBase {
  /**
   * An existing FSx for Lustre file system, for mount commands, manifests, metrics and security
   * group rules.
   *
   * @param scope the scope
   * @param id the construct ID
   * @param attrs the file system's ID, DNS name, mount name and security group
   */
  public static fromLustreScratchAttributes(scope: Construct, id: string, attrs: LustreScratchAttributes): ILustreScratch {
    return new ImportedLustreScratch(scope, id, attrs);
  }

  public readonly fileSystemId: string;
  public readonly dnsName: string;
  public readonly mountName: string;
  public readonly storageCapacityGiB?: number;
  public readonly connections: ec2.Connections;
  /** The file system's ARN. */
  public readonly fileSystemArn: string;
  /** The deployment type. */
  public readonly deploymentType: LustreDeploymentType;
  /** The storage class. */
  public readonly storageType: LustreStorageType;
  /**
   * The provisioned aggregate throughput in MB/s: the capacity in TiB (1000 GiB per TiB, as FSx
   * counts) times the per-unit throughput, or the Intelligent-Tiering throughput capacity.
   *
   * @default - unknown when a property it depends on is an unresolved token
   */
  public readonly throughputMBps?: number;
  /**
   * The throughput per TiB of storage in MB/s (PERSISTENT_2 SSD): the one given, or the one chosen
   * with the capacity.
   *
   * @default - none on scratch (fixed 200 MB/s/TiB baseline) and Intelligent-Tiering; unknown when
   *   given as an unresolved token
   */
  public readonly perUnitStorageThroughput?: number;
  /**
   * The estimated monthly price of the SSD storage in US dollars, rounded to cents: the capacity
   * times the price per GB-month of `prices` for the deployment type and per-unit throughput.
   * Metadata IOPS provisioned above the AUTOMATIC level, backups, data transfer and the S3 requests
   * of data repositories are not counted.
   *
   * @default - unknown: Intelligent-Tiering (billed as used), or a property it depends on is an
   *   unresolved token
   */
  public readonly estimatedMonthlyCostUsd?: number;
  /**
   * Why the file system has its capacity and per-unit throughput, in one sentence: what was given or
   * chosen, what it reaches, its monthly price and, when the construct chose, the alternatives'.
   */
  public readonly sizingReason: string;
  /** The security group of the file system. */
  public readonly securityGroup: ec2.ISecurityGroup;
  /**
   * The KMS key that encrypts the file system.
   *
   * @default - keys FSx manages (scratch)
   */
  public readonly encryptionKey?: kms.IKey;
  /**
   * The log group Lustre logs to.
   *
   * @default - none when logging is disabled
   */
  public readonly logGroup?: logs.ILogGroup;
  /**
   * The low-free-capacity alarm.
   *
   * @default - none without `freeCapacityAlarmThreshold`
   */
  public readonly freeCapacityAlarm?: cloudwatch.Alarm;
  /**
   * The Availability Zone ID of the file system's subnet: a literal such as `use1-az4` for a subnet
   * placed by zone ID (`TrainingVpc`, `TrainingSubnet`), known at synthesis time; the subnet's
   * `Fn::GetAtt AvailabilityZoneId` for another subnet created in this app, known at deploy time.
   *
   * @default - unknown for an imported subnet
   */
  public readonly availabilityZoneId?: string;

  private readonly resource: fsx.CfnFileSystem;
  /** The Lustre version. */
  public readonly lustreVersion: LustreVersion;
  private readonly removalPolicy: RemovalPolicy;
  private readonly explicitBackups: boolean;
  private readonly repositories: DataRepositoryAssociations;
  private rootSquashResource?: cr.AwsCustomResource;

  public constructor(scope: Construct, id: string, props: LustreScratchProps) {
    super(scope, id);
    this.deploymentType = props.deploymentType ?? DEFAULTS.deploymentType;
    this.storageType = props.storageType ?? DEFAULTS.storageType;
    this.lustreVersion = props.lustreVersion ?? DEFAULTS.lustreVersion;
    this.removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;
    const deploymentType = this.deploymentType as rules.DeploymentTypeValue;
    const storageType = this.storageType as rules.StorageTypeValue;
    const intelligentTiering = this.storageType === LustreStorageType.INTELLIGENT_TIERING;
    const persistent = this.deploymentType === LustreDeploymentType.PERSISTENT_2;
    const efa = props.efa ?? false;

    this.checkSubnet(props.vpc, props.subnet);
    this.availabilityZoneId = availabilityZoneIdOf(props.subnet);
    if (intelligentTiering && !persistent) {
      throw TrainingStorageError.invalidProperty(this, 'storageType', 'LustreStorageType.INTELLIGENT_TIERING',
        `LustreStorageType.SSD with ${this.deploymentType}: Intelligent-Tiering is for PERSISTENT_2 only`);
    }

    // Throughput per TiB (PERSISTENT_2 SSD): checked here; when not given, chosen with the capacity below.
    if (props.perUnitStorageThroughput !== undefined && !Token.isUnresolved(props.perUnitStorageThroughput)) {
      this.fail(rules.checkPerUnitStorageThroughput(deploymentType, storageType, props.perUnitStorageThroughput));
    }

    // Metadata configuration (PERSISTENT_2).
    const metadataDefault = sizing.defaultMetadataConfiguration(deploymentType, storageType, this.lustreVersion as rules.LustreVersionValue);
    const metadata = props.metadataConfiguration ?? (metadataDefault === undefined ? undefined
      : metadataDefault.iops === undefined ? LustreMetadataConfiguration.automatic() : LustreMetadataConfiguration.provisioned(metadataDefault.iops));
    const literalIops = metadata?.iops !== undefined && !Token.isUnresolved(metadata.iops) ? metadata.iops : undefined;
    this.fail(rules.checkMetadata(deploymentType, storageType, metadata?.mode as rules.MetadataModeValue | undefined, literalIops));
    if (efa) {
      this.fail(rules.checkEfa(deploymentType, metadata !== undefined));
    }
    this.fail(rules.checkLustreVersion(this.lustreVersion as rules.LustreVersionValue, deploymentType, metadata !== undefined));

    // Capacity and throughput.
    if (props.storageCapacityGiB !== undefined && props.throughputTargetMBps !== undefined) {
      throw TrainingStorageError.invalidProperty(this, 'throughputTargetMBps', renderValue(props.throughputTargetMBps),
        'nothing together with storageCapacityGiB: give the capacity or the throughput it is derived from, not both');
    }
    if (props.storageCapacityGiB !== undefined && props.minimumStorageCapacityGiB !== undefined) {
      throw TrainingStorageError.invalidProperty(this, 'minimumStorageCapacityGiB', renderValue(props.minimumStorageCapacityGiB),
        'nothing together with storageCapacityGiB: give the capacity, or what it is derived from (throughputTargetMBps, minimumStorageCapacityGiB), not both');
    }
    if (props.throughputTargetMBps !== undefined && Token.isUnresolved(props.throughputTargetMBps)) {
      throw TrainingStorageError.invalidProperty(this, 'throughputTargetMBps', '(unresolved token)', 'a literal number of MB/s: the capacity is derived from it at synth time');
    }
    if (props.minimumStorageCapacityGiB !== undefined && Token.isUnresolved(props.minimumStorageCapacityGiB)) {
      throw TrainingStorageError.invalidProperty(this, 'minimumStorageCapacityGiB', '(unresolved token)',
        'a literal number of GiB: the capacity is derived from it at synth time');
    }
    const throughputCapacity = props.throughputCapacityMBps;
    if (throughputCapacity === undefined || !Token.isUnresolved(throughputCapacity)) {
      this.fail(rules.checkThroughputCapacity(storageType, throughputCapacity));
    } else if (!intelligentTiering) {
      const violation = rules.checkThroughputCapacity(storageType, 0)!;
      this.fail({ ...violation, received: '(unresolved token)' });
    }
    const prices = this.pricesOf(props.prices);
    const literal = (value: number | undefined) => (value !== undefined && !Token.isUnresolved(value) ? value : undefined);
    let perUnitStorageThroughput = props.perUnitStorageThroughput;
    let capacityContext: rules.CapacityContext;
    let capacity: number | undefined;
    if (props.storageCapacityGiB !== undefined) {
      // As given, at the given per-unit throughput or 125 MB/s/TiB.
      perUnitStorageThroughput ??= sizing.defaultPerUnitStorageThroughput(deploymentType, storageType);
      capacityContext = { deploymentType, storageType, efa, perUnitStorageThroughput: literal(perUnitStorageThroughput) };
      capacity = props.storageCapacityGiB;
      if (!Token.isUnresolved(capacity)) {
        this.fail(rules.checkStorageCapacity(capacityContext, capacity));
      }
      if (Token.isUnresolved(capacity) || (persistent && capacityContext.perUnitStorageThroughput === undefined)) {
        this.sizingReason = `${Token.isUnresolved(capacity) ? 'storageCapacityGiB' : 'perUnitStorageThroughput'} is an unresolved token: `
          + 'the throughput and the monthly price are unknown at synth time.';
      } else {
        const given = sizing.describeGivenConfiguration(deploymentType, capacityContext.perUnitStorageThroughput, capacity, prices);
        this.estimatedMonthlyCostUsd = given.monthlyCostUsd;
        this.sizingReason = given.reason;
      }
    } else {
      capacityContext = { deploymentType, storageType, efa, perUnitStorageThroughput: literal(perUnitStorageThroughput) };
      if (props.throughputTargetMBps !== undefined) {
        this.fail(rules.checkThroughputTarget(capacityContext, props.throughputTargetMBps));
      }
      if (props.minimumStorageCapacityGiB !== undefined) {
        this.fail(sizing.checkMinimumStorageCapacity(storageType, props.minimumStorageCapacityGiB));
      }
      const request = { throughputTargetMBps: props.throughputTargetMBps, minimumStorageCapacityGiB: props.minimumStorageCapacityGiB };
      if (intelligentTiering) {
        this.sizingReason = `Intelligent-Tiering, sized by throughputCapacityMBps (${Token.isUnresolved(throughputCapacity!) ? 'an unresolved token' : `${throughputCapacity} MB/s`}): `
          + 'its storage is billed as used, so no estimate.';
      } else if (perUnitStorageThroughput !== undefined && Token.isUnresolved(perUnitStorageThroughput)) {
        // Sized at 125 MB/s/TiB, the lowest: the capacity reaches the target whatever the token's value.
        capacity = sizing.requiredCapacity(capacityContext, request);
        this.sizingReason = sizing.describeUnknownPerUnitThroughput(capacity, request);
      } else {
        const choice = sizing.cheapestConfiguration({ deploymentType, efa, ...request, perUnitStorageThroughput }, prices);
        capacity = choice.storageCapacityGiB;
        perUnitStorageThroughput = choice.perUnitStorageThroughput;
        capacityContext = { ...capacityContext, perUnitStorageThroughput };
        this.estimatedMonthlyCostUsd = choice.monthlyCostUsd;
        this.sizingReason = choice.reason;
      }
    }
    this.storageCapacityGiB = capacity;
    this.perUnitStorageThroughput = literal(perUnitStorageThroughput);
    if (intelligentTiering) {
      this.throughputMBps = Token.isUnresolved(throughputCapacity!) ? undefined : throughputCapacity;
    } else if (capacity !== undefined && !Token.isUnresolved(capacity) && (!persistent || capacityContext.perUnitStorageThroughput !== undefined)) {
      this.throughputMBps = rules.throughputOf(capacityContext, capacity);
    }

    // The SSD read cache (Intelligent-Tiering).
    const readCache = props.readCache ?? (intelligentTiering ? LustreReadCache.proportionalToThroughput() : undefined);
    const readCacheGiB = readCache?.size === undefined ? undefined : wholeGibibytes(this, 'readCache', readCache.size);
    if (!intelligentTiering || !Token.isUnresolved(throughputCapacity!)) {
      this.fail(rules.checkReadCache(storageType, readCacheGiB, throughputCapacity ?? 0, props.readCache !== undefined));
    }

    // Encryption at rest.
    if (props.encryptionKey) {
      this.fail(rules.checkEncryptionKey(deploymentType));
    }
    this.encryptionKey = props.encryptionKey
      ?? (persistent ? createDataKey(this, 'Key', `Encrypts the FSx for Lustre file system ${this.node.path}`, this.removalPolicy) : undefined);

    // Backups (PERSISTENT_2 without data repositories).
    let retentionDays: number | undefined;
    if (props.automaticBackupRetention !== undefined) {
      retentionDays = wholeDays(this, 'automaticBackupRetention', props.automaticBackupRetention, { min: 0, max: rules.MAX_BACKUP_RETENTION_DAYS });
    }
    this.explicitBackups = (retentionDays ?? 0) > 0 || props.dailyAutomaticBackupStartTime !== undefined || props.copyTagsToBackups === true;
    this.fail(rules.checkBackups({
      deploymentType,
      retentionDays,
      dailyStartTime: props.dailyAutomaticBackupStartTime,
      copyTags: props.copyTagsToBackups,
      dataRepositories: props.dataRepositories?.length ?? 0,
    }));
    const backupsOn = () => persistent && this.repositories.count === 0 && (retentionDays ?? DEFAULTS.backupRetentionDays) > 0;

    // Network: Lustre's ports only, within the group (and, as clients are allowed, with them).
    this.securityGroup = props.securityGroup ?? new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `FSx for Lustre ${this.node.path}: Lustre traffic (${efa ? 'all traffic, EFA' : 'TCP 988 and 1018-1023'}) within the group and with its clients`,
      allowAllOutbound: false,
    });
    if (!props.securityGroup) {
      keepEgressRestricted(this.securityGroup as ec2.SecurityGroup);
    }
    this.connections = new LustreConnections([this.securityGroup], efa);
    this.connections.allowDefaultPortInternally();

    this.resource = new fsx.CfnFileSystem(this, 'Resource', {
      fileSystemType: 'LUSTRE',
      fileSystemTypeVersion: this.lustreVersion,
      subnetIds: [props.subnet.subnetId],
      securityGroupIds: [this.securityGroup.securityGroupId],
      storageType: this.storageType,
      // Intelligent-Tiering storage is elastic: no StorageCapacity.
      storageCapacity: intelligentTiering ? undefined : capacity,
      kmsKeyId: this.encryptionKey?.keyId,
      lustreConfiguration: {
        deploymentType: this.deploymentType,
        perUnitStorageThroughput,
        throughputCapacity: intelligentTiering ? throughputCapacity : undefined,
        dataReadCacheConfiguration: readCache && intelligentTiering ? { sizingMode: readCache.sizingMode, sizeGiB: readCacheGiB } : undefined,
        metadataConfiguration: metadata ? { mode: metadata.mode, iops: metadata.iops } : undefined,
        efaEnabled: efa ? true : undefined,
        dataCompressionType: props.dataCompression ?? DEFAULTS.dataCompression,
        // Backups are off once a data repository is linked, including one added after construction.
        automaticBackupRetentionDays: persistent
          ? Lazy.number({ produce: () => (backupsOn() ? retentionDays ?? DEFAULTS.backupRetentionDays : 0) }) : undefined,
        dailyAutomaticBackupStartTime: props.dailyAutomaticBackupStartTime,
        copyTagsToBackups: persistent ? Lazy.any({ produce: () => (backupsOn() ? props.copyTagsToBackups ?? true : undefined) }) : undefined,
      },
    });
    this.resource.applyRemovalPolicy(this.removalPolicy);
    // FSx checks the group's rules when it creates the file system ("do not permit Lustre LNET
    // network traffic on port 988"): the self-referencing rules are resources of their own, which
    // CloudFormation would otherwise create in parallel with the file system.
    this.resource.node.addDependency(this.securityGroup);
    this.fileSystemId = this.resource.ref;
    this.fileSystemArn = this.resource.attrResourceArn;
    this.dnsName = this.resource.attrDnsName;
    this.mountName = this.resource.attrLustreMountName;
    this.repositories = new DataRepositoryAssociations(this, this.fileSystemId, this.removalPolicy);

    this.logGroup = this.configureLogging(props);
    if (props.rootSquash) {
      this.rootSquashResource = createRootSquash(this, this.fileSystemId, this.fileSystemArn, props.rootSquash);
    }
    if (props.freeCapacityAlarmThreshold) {
      this.freeCapacityAlarm = this.createFreeCapacityAlarm(props.freeCapacityAlarmThreshold, capacity);
    }
    for (const repository of props.dataRepositories ?? []) {
      this.addDataRepository(repository);
    }
  }

  /** The data repository associations, in the order they were added. */
  public get dataRepositories(): fsx.CfnDataRepositoryAssociation[] {
    return this.repositories.associations;
  }

  /**
   * Links a directory of the file system to an S3 location (`AWS::FSx::DataRepositoryAssociation`).
   * At most 8 per file system; file system paths and S3 prefixes must not overlap. When the
   * location's KMS key is known and managed by this app, its key policy gets the statement the FSx
   * for Lustre User Guide gives for SSE-KMS buckets ("Working with server-side encrypted Amazon S3
   * buckets"); for an imported key a warning shows the statement to add.
   *
   * The association's construct ID is `DataRepository:<path segments joined by ":">`.
   *
   * @param options the location, the file system path and the import and export policies
   */
  public addDataRepository(options: LustreDataRepositoryOptions): fsx.CfnDataRepositoryAssociation {
    this.fail(rules.checkDataRepositoriesAllowed(this.deploymentType as rules.DeploymentTypeValue,
      this.storageType as rules.StorageTypeValue, this.lustreVersion as rules.LustreVersionValue));
    if (this.explicitBackups) {
      throw TrainingStorageError.invalidProperty(this, 'dataRepositories', 'a data repository',
        'none on a file system with automatic backups (automaticBackupRetention, dailyAutomaticBackupStartTime or copyTagsToBackups set): '
        + 'FSx cannot link data repositories to file systems with backups; leave the backup properties out (backups then stay off)');
    }
    this.fail(rules.checkDataRepositoryCount(this.repositories.count + 1));
    const association = this.repositories.add(options);
    this.rootSquashResource?.node.addDependency(association);
    return association;
  }

  private configureLogging(props: LustreScratchProps): logs.ILogGroup | undefined {
    const level = props.logLevel ?? DEFAULTS.logLevel;
    if (level === LustreLogLevel.DISABLED) {
      if (props.logGroup) {
        throw TrainingStorageError.invalidProperty(this, 'logGroup', 'a log group', 'nothing with logLevel LustreLogLevel.DISABLED');
      }
      return undefined;
    }
    let logGroup: logs.ILogGroup;
    if (props.logGroup) {
      if (props.logRetention !== undefined) {
        throw TrainingStorageError.invalidProperty(this, 'logRetention', String(props.logRetention),
          'nothing with logGroup: the retention of a given log group is set on it');
      }
      if (!Token.isUnresolved(props.logGroup.logGroupName)) {
        this.fail(rules.checkLogGroupName(props.logGroup.logGroupName));
      }
      logGroup = props.logGroup;
    } else {
      logGroup = createEncryptedLogGroup(this, {
        logGroupName: `/aws/fsx/lustre/${Names.uniqueResourceName(this, { maxLength: 200, separator: '-' })}`,
        retention: props.logRetention ?? DEFAULTS.logRetention,
      });
    }
    // The destination is the log group's ARN without the `:*` suffix of its CloudFormation Arn attribute.
    const destination = Stack.of(this).formatArn({
      service: 'logs', resource: 'log-group', resourceName: logGroup.logGroupName, arnFormat: ArnFormat.COLON_RESOURCE_NAME,
    });
    this.resource.lustreConfiguration = {
      ...this.resource.lustreConfiguration as fsx.CfnFileSystem.LustreConfigurationProperty,
      logConfiguration: { level, destination },
    };
    return logGroup;
  }

  private createFreeCapacityAlarm(threshold: Size, capacity: number | undefined): cloudwatch.Alarm {
    const bytes = threshold.toBytes();
    if (bytes <= 0 || (capacity !== undefined && !Token.isUnresolved(capacity) && bytes >= capacity * 1024 ** 3)) {
      throw TrainingStorageError.invalidProperty(this, 'freeCapacityAlarmThreshold', renderGibibytes(threshold),
        `more than 0 and less than the storage capacity${capacity === undefined ? '' : ` (${capacity} GiB)`}`);
    }
    return new cloudwatch.Alarm(this, 'FreeCapacityAlarm', {
      alarmDescription: `FSx for Lustre ${this.node.path}: less than ${renderGibibytes(threshold)} free`,
      metric: this.metricFreeDataStorageCapacity({ period: DEFAULTS.freeCapacityAlarmPeriod }),
      threshold: bytes,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: DEFAULTS.freeCapacityAlarmEvaluationPeriods,
      treatMissingData: cloudwatch.TreatMissingData.MISSING,
    });
  }

  /** The prices as the sizing reads them: the given ones, checked, or the built-in us-east-1 table. */
  private pricesOf(given: LustrePrices | undefined): sizing.SsdPrices {
    if (given === undefined) {
      return sizing.BUILT_IN_PRICES;
    }
    const values: Array<[string, number]> = [
      ['persistent2Ssd125UsdPerGbMonth', given.persistent2Ssd125UsdPerGbMonth],
      ['persistent2Ssd250UsdPerGbMonth', given.persistent2Ssd250UsdPerGbMonth],
      ['persistent2Ssd500UsdPerGbMonth', given.persistent2Ssd500UsdPerGbMonth],
      ['persistent2Ssd1000UsdPerGbMonth', given.persistent2Ssd1000UsdPerGbMonth],
      ['scratchSsdUsdPerGbMonth', given.scratchSsdUsdPerGbMonth],
    ];
    for (const [name, value] of values) {
      if (Token.isUnresolved(value)) {
        throw TrainingStorageError.invalidProperty(this, `prices.${name}`, '(unresolved token)',
          'a literal number of USD per GB-month: the configuration is chosen at synth time');
      }
      this.fail(sizing.checkPrice(name, value));
    }
    return {
      persistent2UsdPerGbMonth: {
        125: given.persistent2Ssd125UsdPerGbMonth,
        250: given.persistent2Ssd250UsdPerGbMonth,
        500: given.persistent2Ssd500UsdPerGbMonth,
        1000: given.persistent2Ssd1000UsdPerGbMonth,
      },
      scratchUsdPerGbMonth: given.scratchSsdUsdPerGbMonth,
      description: given.description ?? 'the given prices',
    };
  }

  private checkSubnet(vpc: ec2.IVpc, subnet: ec2.ISubnet): void {
    const subnets = [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
    if (subnets.length === 0) {
      return; // An imported VPC without subnet information: nothing to compare with.
    }
    const stack = Stack.of(this);
    const id = JSON.stringify(stack.resolve(subnet.subnetId));
    // A subnet created in this app for the VPC outside its subnet lists (a TrainingSubnet) is one of its subnets too.
    const cfnSubnet = subnet.node.defaultChild;
    const addedToVpc = cfnSubnet instanceof ec2.CfnSubnet
      && JSON.stringify(stack.resolve(cfnSubnet.vpcId)) === JSON.stringify(stack.resolve(vpc.vpcId));
    if (!addedToVpc && !subnets.some((s) => s === subnet || JSON.stringify(stack.resolve(s.subnetId)) === id)) {
      throw TrainingStorageError.invalidProperty(this, 'subnet', renderValue(Token.isUnresolved(subnet.subnetId) ? subnet.node.path : subnet.subnetId),
        'a subnet of vpc: the file system and its security group live in the same VPC');
    }
  }

  private fail(violation: rules.RuleViolation | undefined): void {
    fail(this, violation);
  }
}
