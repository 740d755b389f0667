import {
  ArnFormat, Aws, Duration, Lazy, Names, RemovalPolicy, Resource, Size, SizeRoundingBehavior, Stack, Token, Validations,
} from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
import { DNS_RETRY_SECONDS, renderMountCommands, renderPersistentVolume } from './clients';
import { LustreConnections } from './connections';
import {
  DataRepositoryEvent, LustreDataCompression, LustreDeploymentType, LustreLogLevel, LustreMetadataConfiguration,
  LustreReadCache, LustreRootSquash, LustreStorageType, LustreVersion,
} from './options';
import * as rules from './rules';
import { acknowledgeFinding } from '../core/acknowledge';
import { DataLocation } from '../core/data-location';
import { createDataKey } from '../core/encryption';
import { TrainingStorageError, renderValue } from '../core/errors';
import { createEncryptedLogGroup } from '../core/log-group';
import { availabilityZoneIdOf } from '../core/training-zone';
import { wholeDays } from '../core/validation';

/** A data repository association: a directory of the file system linked to an S3 location. */
export interface LustreDataRepositoryOptions {
  /**
   * The S3 side: a general purpose bucket and prefix (`s3://bucket/prefix/`), such as
   * `lake.dataset('corpus')` or `lake.checkpoints`. When the location knows its KMS key, the key
   * policy gets the statement FSx needs to read and write through it.
   */
  readonly location: DataLocation;

  /**
   * The directory of the file system linked to the location, an absolute path such as `/datasets`.
   * Paths of one file system must not overlap (`/a` and `/a/b` do; `/` overlaps every path). It
   * names the association's construct (`DataRepository:<segments joined by ":">`): changing it
   * replaces the association.
   *
   * @default - `/` followed by the location's prefix without its trailing `/` (`datasets/corpus/`
   *   gives `/datasets/corpus`); `/` for a whole bucket
   */
  readonly fileSystemPath?: string;

  /**
   * S3 changes imported into the file system as they happen (metadata only: content loads on first
   * read). An empty list turns automatic import off. Needs the bucket in the file system's Region.
   *
   * @default [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED]
   */
  readonly autoImport?: DataRepositoryEvent[];

  /**
   * File system changes exported to S3 as they happen (for checkpoints: `[NEW, CHANGED]`, and
   * `DELETED` to mirror deletions). An empty list turns automatic export off.
   *
   * @default [] - nothing is written to S3 unless asked for
   */
  readonly autoExport?: DataRepositoryEvent[];

  /**
   * Import the metadata of every object under the location when the association is created, so
   * that existing data is visible at once.
   *
   * @default true
   */
  readonly batchImportMetaDataOnCreate?: boolean;

  /**
   * Stripe size of imported files, in MiB: the most data of one file on one disk (1 to 512000).
   *
   * @default - FSx's default, 1024 MiB
   */
  readonly importedFileChunkSizeMiB?: number;
}

/** Properties of a {@link LustreScratch}. */
export interface LustreScratchProps {
  /** The VPC of the file system and its clients. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnet of the file system: the training zone, where the GPU instances run. FSx for Lustre
   * lives in one subnet; traffic from other zones crosses zones. A subnet placed by zone ID
   * (`TrainingVpc.trainingSubnet`, a `TrainingSubnet` of `vpc`) makes the zone known at synthesis
   * time (`availabilityZoneId`).
   */
  readonly subnet: ec2.ISubnet;

  /**
   * The deployment type. PERSISTENT_2 by default because this file system holds checkpoints that are
   * exported to S3 asynchronously: on PERSISTENT_2 the data is replicated and a failed file server is
   * replaced, so a checkpoint not yet exported survives a hardware failure; SCRATCH_2 loses it. It also
   * brings metadata IOPS, EFA, your own KMS key and backups. SCRATCH_2 costs less per TiB and suits
   * read-only dataset caches that S3 can always refill.
   *
   * @default LustreDeploymentType.PERSISTENT_2
   */
  readonly deploymentType?: LustreDeploymentType;

  /**
   * The storage class. Intelligent-Tiering (PERSISTENT_2 only) has no capacity to provision and takes
   * no data repository associations.
   *
   * @default LustreStorageType.SSD
   */
  readonly storageType?: LustreStorageType;

  /**
   * SSD storage capacity in GiB: 1200, 2400, then multiples of 2400 (SCRATCH_1: of 3600; EFA: of
   * 38400, 19200, 9600 or 4800 GiB at 125, 250, 500 or 1000 MB/s/TiB). Give this or
   * `throughputTargetMBps`, not both.
   *
   * @default - derived from `throughputTargetMBps`; without it 1200 GiB (EFA: one step of its
   *   increment, such as 38400 GiB at 125 MB/s/TiB)
   */
  readonly storageCapacityGiB?: number;

  /**
   * Aggregate throughput to provision, in MB/s: the storage capacity becomes the smallest valid one
   * whose throughput (capacity in TiB, counted as FSx does with 1000 GiB per TiB, times the per-unit
   * throughput: `perUnitStorageThroughput` on PERSISTENT_2, the 200 MB/s/TiB baseline on scratch)
   * reaches it, rounded up to 1200, 2400 or the next multiple of the increment.
   *
   * @default - `storageCapacityGiB` decides
   */
  readonly throughputTargetMBps?: number;

  /**
   * Throughput per TiB of storage, in MB/s (PERSISTENT_2 SSD): 125, 250, 500 or 1000.
   *
   * @default 125 on PERSISTENT_2 SSD; none on scratch (fixed baseline) and Intelligent-Tiering
   */
  readonly perUnitStorageThroughput?: number;

  /**
   * Throughput capacity of an Intelligent-Tiering file system in MB/s, a multiple of 4000.
   *
   * @default - required with Intelligent-Tiering; not allowed with SSD
   */
  readonly throughputCapacityMBps?: number;

  /**
   * The SSD read cache of an Intelligent-Tiering file system.
   *
   * @default LustreReadCache.proportionalToThroughput() with Intelligent-Tiering; none with SSD
   */
  readonly readCache?: LustreReadCache;

  /**
   * Metadata performance (PERSISTENT_2 only). AUTOMATIC scales metadata IOPS with the SSD capacity;
   * provisioned IOPS suit many small files (1500, 3000, 6000, 12000, then multiples of 12000 up to
   * 192000; Intelligent-Tiering: 6000 or 12000).
   *
   * @default LustreMetadataConfiguration.automatic() on PERSISTENT_2 SSD with Lustre 2.15,
   *   provisioned(6000) on Intelligent-Tiering, none on scratch and with Lustre 2.12
   */
  readonly metadataConfiguration?: LustreMetadataConfiguration;

  /**
   * Elastic Fabric Adapter and GPUDirect Storage support, chosen at creation (PERSISTENT_2 with a
   * metadata configuration). The security group then allows all traffic within itself and with the
   * clients, as EFA needs.
   *
   * @default false
   */
  readonly efa?: boolean;

  /**
   * Data compression.
   *
   * @default LustreDataCompression.LZ4
   */
  readonly dataCompression?: LustreDataCompression;

  /**
   * The Lustre version. Changing it replaces the file system.
   *
   * @default LustreVersion.V_2_15
   */
  readonly lustreVersion?: LustreVersion;

  /**
   * Root squash: what root on a client becomes on the file system. CloudFormation has no property
   * for it: a custom resource (aws-cdk-lib `AwsCustomResource`) calls `UpdateFileSystem` after the
   * file system and its data repositories exist, and again when the setting changes. Removing the
   * property leaves the file system's setting as it is: set `LustreRootSquash.disabled()` to turn
   * it off.
   *
   * @default - not managed: FSx's default, root squash off
   */
  readonly rootSquash?: LustreRootSquash;

  /**
   * The customer-managed KMS key that encrypts the file system at rest (PERSISTENT_2 only: scratch
   * file systems use keys FSx manages). Changing it replaces the file system.
   *
   * @default - a new key with rotation on PERSISTENT_2 (retained like the file system); keys that
   *   FSx manages on scratch
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Which data repository events (failed imports and exports) Lustre logs to CloudWatch Logs.
   *
   * @default LustreLogLevel.WARN_ERROR
   */
  readonly logLevel?: LustreLogLevel;

  /**
   * The log group that receives the logs; its name must begin with `/aws/fsx`.
   *
   * @default - a new log group `/aws/fsx/lustre/<unique name>`, KMS-encrypted with a new key,
   *   kept `logRetention` long, retained when it leaves the stack
   */
  readonly logGroup?: logs.ILogGroup;

  /**
   * How long the new log group keeps the logs.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * How long automatic daily backups are kept, whole days from 0 (off) to 90. PERSISTENT_2 only,
   * and only without data repositories: FSx does not link data repositories to file systems with
   * backups, and S3 keeps what they export.
   *
   * @default - 30 days on PERSISTENT_2 without data repositories (a month of daily restore points: the data lives nowhere
   *   else; CloudFormation's own default is 0, no backups); off otherwise
   */
  readonly automaticBackupRetention?: Duration;

  /**
   * The UTC time of day, HH:MM, at which the daily backup starts.
   *
   * @default - a time FSx chooses
   */
  readonly dailyAutomaticBackupStartTime?: string;

  /**
   * Copy the file system's tags to its backups.
   *
   * @default true when backups are on
   */
  readonly copyTagsToBackups?: boolean;

  /**
   * Data repository associations to create with the file system (at most 8); `addDataRepository`
   * adds more.
   *
   * @default - none
   */
  readonly dataRepositories?: LustreDataRepositoryOptions[];

  /**
   * The security group of the file system. Lustre's rules are added to it.
   *
   * @default - a new security group that allows TCP 988 and 1018-1023 within itself (all traffic
   *   with EFA) and nothing else until clients are allowed
   */
  readonly securityGroup?: ec2.ISecurityGroup;

  /**
   * Raise an alarm (`freeCapacityAlarm`) when the free data storage capacity stays below this size
   * for 15 minutes (the Minimum of FreeDataStorageCapacity over three 5-minute periods). Add an
   * action to it: an alarm nobody receives does not help (Control Tower CT.CLOUDWATCH.PR.1).
   *
   * @default - no alarm
   */
  readonly freeCapacityAlarmThreshold?: Size;

  /**
   * What happens to the file system, its data repository associations and its key when they leave
   * the stack. `RemovalPolicy.DESTROY` deletes the file system and every file on it that was not
   * exported: an explicit opt-in to losing data. The log group is retained either way.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** Options of {@link ILustreScratch.mountCommands}. */
export interface LustreMountOptions {
  /**
   * The local directory to mount at: an absolute path of letters, digits, `.`, `_`, `-` and `/`.
   *
   * @default '/fsx'
   */
  readonly mountPath?: string;

  /**
   * A directory of the file system to mount instead of all of it, such as `/datasets`.
   *
   * @default '/' - the whole file system
   */
  readonly fileSystemPath?: string;

  /**
   * How long to wait for the file system's DNS name to resolve before the script fails (checked
   * every 10 seconds).
   *
   * @default Duration.minutes(10)
   */
  readonly dnsWaitTimeout?: Duration;

  /**
   * Install the Lustre client (`dnf install -y lustre-client`).
   *
   * @default true
   */
  readonly installClient?: boolean;

  /**
   * Add an fstab entry (with `_netdev`) so that the mount comes back after a reboot.
   *
   * @default true
   */
  readonly fstab?: boolean;
}

/** Options of {@link ILustreScratch.persistentVolume}. */
export interface LustrePersistentVolumeOptions {
  /** The PersistentVolume's name (a DNS subdomain: lowercase letters, digits, `-` and `.`). */
  readonly name: string;

  /**
   * The namespace of the PersistentVolumeClaim (the PersistentVolume is cluster scoped).
   *
   * @default 'default'
   */
  readonly claimNamespace?: string;

  /**
   * The PersistentVolumeClaim's name.
   *
   * @default - the volume's name
   */
  readonly claimName?: string;

  /**
   * The storage class of both objects. The empty string binds statically, without a provisioner.
   *
   * @default ''
   */
  readonly storageClassName?: string;

  /**
   * The capacity the objects declare.
   *
   * @default - the file system's storage capacity (required when it is unknown: Intelligent-Tiering,
   *   or an imported file system without `storageCapacityGiB`)
   */
  readonly storageCapacity?: Size;

  /**
   * Mount options the CSI driver passes to `mount -t lustre`.
   *
   * @default ['flock']
   */
  readonly mountOptions?: string[];
}

/** A static PersistentVolume and its PersistentVolumeClaim, as manifest objects. */
export interface LustrePersistentVolumeManifests {
  /** The PersistentVolume (cluster scoped). */
  readonly persistentVolume: { [key: string]: any };
  /** The PersistentVolumeClaim bound to it. */
  readonly persistentVolumeClaim: { [key: string]: any };
}

/** Attributes of an existing file system, for {@link LustreScratch.fromLustreScratchAttributes}. */
export interface LustreScratchAttributes {
  /** The file system ID, such as `fs-0123456789abcdef0`. */
  readonly fileSystemId: string;
  /** The file system's DNS name. */
  readonly dnsName: string;
  /** The file system's mount name. */
  readonly mountName: string;
  /** The security group of the file system. */
  readonly securityGroup: ec2.ISecurityGroup;
  /**
   * The storage capacity in GiB, for Kubernetes manifests.
   *
   * @default - unknown
   */
  readonly storageCapacityGiB?: number;
  /**
   * Whether the file system is EFA-enabled (its clients then need all traffic allowed).
   *
   * @default false
   */
  readonly efa?: boolean;
}

/** An FSx for Lustre file system that GPU instances and pods mount. */
export interface ILustreScratch extends IConstruct, ec2.IConnectable {
  /** The file system ID. */
  readonly fileSystemId: string;
  /** The file system's DNS name. */
  readonly dnsName: string;
  /** The mount name, the first component of the Lustre path (`<dnsName>@tcp:/<mountName>`). */
  readonly mountName: string;
  /**
   * The storage capacity in GiB.
   *
   * @default - unknown (Intelligent-Tiering, or an imported file system without it)
   */
  readonly storageCapacityGiB?: number;

  /**
   * Opens the file system to these clients: TCP 988 and 1018-1023 (all traffic when EFA-enabled),
   * both ways. Same as `connections.allowDefaultPortFrom(client)`.
   *
   * @param client the clients, such as a launch template, an instance or a security group
   */
  allowFrom(client: ec2.IConnectable): void;

  /**
   * User data lines that mount the file system on Amazon Linux 2023: install the Lustre client,
   * wait until the DNS name resolves, mount with `relatime,flock`, add an fstab entry with `_netdev`.
   * Idempotent.
   */
  mountCommands(options?: LustreMountOptions): string[];

  /** Adds {@link mountCommands} to a Linux `UserData`. */
  addMountToUserData(userData: ec2.UserData, options?: LustreMountOptions): void;

  /**
   * A static PersistentVolume for the FSx for Lustre CSI driver (`fsx.csi.aws.com`) and its
   * PersistentVolumeClaim, as manifest objects for a cluster's `addManifest`.
   */
  persistentVolume(options: LustrePersistentVolumeOptions): LustrePersistentVolumeManifests;

  /**
   * A metric of this file system (namespace `AWS/FSx`, dimension `FileSystemId`).
   *
   * @param metricName the FSx metric, such as `FreeDataStorageCapacity`
   * @param props statistic, period and the other metric options
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Free data storage capacity, bytes (Minimum). */
  metricFreeDataStorageCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Bytes read by clients (Sum). */
  metricDataReadBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Bytes written by clients (Sum). */
  metricDataWriteBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metadata operations (Sum). */
  metricMetadataOperations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/** Defaults, stated once and used by the code and its tests. */
const DEFAULTS = {
  deploymentType: LustreDeploymentType.PERSISTENT_2,
  storageType: LustreStorageType.SSD,
  storageCapacityGiB: 1200,
  dataCompression: LustreDataCompression.LZ4,
  lustreVersion: LustreVersion.V_2_15,
  logLevel: LustreLogLevel.WARN_ERROR,
  logRetention: logs.RetentionDays.ONE_YEAR,
  backupRetentionDays: 30,
  intelligentTieringMetadataIops: 6000,
  removalPolicy: RemovalPolicy.RETAIN,
  mountPath: '/fsx',
  dnsWaitTimeout: Duration.minutes(10),
  freeCapacityAlarmPeriod: Duration.minutes(5),
  freeCapacityAlarmEvaluationPeriods: 3,
};

/** What new and imported file systems share: clients, manifests and metrics. */
abstract class LustreScratchBase extends Resource implements ILustreScratch {
  public abstract readonly fileSystemId: string;
  public abstract readonly dnsName: string;
  public abstract readonly mountName: string;
  public abstract readonly storageCapacityGiB?: number;
  public abstract readonly connections: ec2.Connections;

  public allowFrom(client: ec2.IConnectable): void {
    this.connections.allowDefaultPortFrom(client);
  }

  public mountCommands(options: LustreMountOptions = {}): string[] {
    const mountPath = options.mountPath ?? DEFAULTS.mountPath;
    if (!Token.isUnresolved(mountPath) && (!/^\/[A-Za-z0-9._/-]*$/.test(mountPath) || mountPath === '/')) {
      throw TrainingStorageError.invalidProperty(this, 'mountPath', renderValue(mountPath),
        'an absolute path below / of letters, digits, ".", "_", "-" and "/", such as "/fsx" (no spaces or shell characters)');
    }
    let fileSystemPath = '/';
    if (options.fileSystemPath !== undefined) {
      fileSystemPath = literalFileSystemPath(this, options.fileSystemPath);
      if (!/^\/[A-Za-z0-9._/-]*$/.test(fileSystemPath)) {
        throw TrainingStorageError.invalidProperty(this, 'fileSystemPath', renderValue(options.fileSystemPath),
          'a directory of letters, digits, ".", "_", "-" and "/" (the mount script quotes nothing else)');
      }
    }
    const timeout = options.dnsWaitTimeout ?? DEFAULTS.dnsWaitTimeout;
    const seconds = timeout.toSeconds();
    if (seconds < DNS_RETRY_SECONDS) {
      throw TrainingStorageError.invalidProperty(this, 'dnsWaitTimeout', timeout.toHumanString(), `at least ${DNS_RETRY_SECONDS} seconds`);
    }
    return renderMountCommands({
      dnsName: this.dnsName,
      mountName: this.mountName,
      mountPath,
      fileSystemPath,
      dnsAttempts: Math.ceil(seconds / DNS_RETRY_SECONDS),
      installClient: options.installClient ?? true,
      fstab: options.fstab ?? true,
    });
  }

  public addMountToUserData(userData: ec2.UserData, options: LustreMountOptions = {}): void {
    userData.addCommands(...this.mountCommands(options));
  }

  public persistentVolume(options: LustrePersistentVolumeOptions): LustrePersistentVolumeManifests {
    const namespace = options.claimNamespace ?? 'default';
    const claimName = options.claimName ?? options.name;
    checkKubernetesName(this, 'name', options.name, 253);
    checkKubernetesName(this, 'claimName', claimName, 253);
    checkKubernetesName(this, 'claimNamespace', namespace, 63);
    let storage: string;
    if (options.storageCapacity) {
      storage = kubernetesQuantity(this, options.storageCapacity);
    } else if (this.storageCapacityGiB !== undefined) {
      storage = `${this.storageCapacityGiB}Gi`;
    } else {
      throw TrainingStorageError.invalidProperty(this, 'storageCapacity', 'nothing',
        'a Size when the file system\'s capacity is unknown (Intelligent-Tiering, or imported without storageCapacityGiB): '
        + 'Kubernetes volumes declare a capacity');
    }
    return renderPersistentVolume({
      fileSystemId: this.fileSystemId,
      dnsName: this.dnsName,
      mountName: this.mountName,
      name: options.name,
      claimName,
      namespace,
      storageClassName: options.storageClassName ?? '',
      storage,
      mountOptions: options.mountOptions ?? ['flock'],
    });
  }

  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/FSx',
      metricName,
      dimensionsMap: { FileSystemId: this.fileSystemId },
      statistic: cloudwatch.Stats.SUM,
      ...props,
    }).attachTo(this);
  }

  public metricFreeDataStorageCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FreeDataStorageCapacity', { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  public metricDataReadBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DataReadBytes', props);
  }

  public metricDataWriteBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DataWriteBytes', props);
  }

  public metricMetadataOperations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('MetadataOperations', props);
  }
}

/** A file system this stack does not manage. */
class ImportedLustreScratch extends LustreScratchBase {
  public readonly fileSystemId: string;
  public readonly dnsName: string;
  public readonly mountName: string;
  public readonly storageCapacityGiB?: number;
  public readonly connections: ec2.Connections;

  public constructor(scope: Construct, id: string, attrs: LustreScratchAttributes) {
    super(scope, id);
    this.fileSystemId = attrs.fileSystemId;
    this.dnsName = attrs.dnsName;
    this.mountName = attrs.mountName;
    this.storageCapacityGiB = attrs.storageCapacityGiB;
    this.connections = new LustreConnections([attrs.securityGroup], attrs.efa ?? false);
  }
}

/** One association, as the overlap checks need it. */
interface AssociationRecord {
  readonly fileSystemPath: string;
  /** The bucket name resolved for comparison (a literal or a token's CloudFormation form). */
  readonly bucketKey: string;
  readonly prefix: string;
  readonly s3Uri: string;
  readonly association: fsx.CfnDataRepositoryAssociation;
}

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
 * and `LogsKey` (the log group and its key), `RootSquash`, `FreeCapacityAlarm`,
 * `DataRepository:<file system path segments joined by ":">` (`DataRepository` for `/`).
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
  private readonly lustreVersion: LustreVersion;
  private readonly removalPolicy: RemovalPolicy;
  private readonly explicitBackups: boolean;
  private readonly associations: AssociationRecord[] = [];
  private readonly keysWithFsxStatement = new Set<kms.IKey>();
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

    // Throughput per TiB (PERSISTENT_2 SSD).
    let perUnitStorageThroughput: number | undefined;
    if (props.perUnitStorageThroughput !== undefined) {
      if (!Token.isUnresolved(props.perUnitStorageThroughput)) {
        this.fail(rules.checkPerUnitStorageThroughput(deploymentType, storageType, props.perUnitStorageThroughput));
      }
      perUnitStorageThroughput = props.perUnitStorageThroughput;
    } else if (persistent && !intelligentTiering) {
      perUnitStorageThroughput = rules.PERSISTENT_2_PER_UNIT_THROUGHPUTS[0];
    }

    // Metadata configuration (PERSISTENT_2).
    // By default: provisioned IOPS on Intelligent-Tiering (AUTOMATIC is SSD only), AUTOMATIC on
    // PERSISTENT_2 SSD with Lustre 2.15 (Lustre 2.12 takes no metadata configuration), none on scratch.
    const metadata = props.metadataConfiguration
      ?? (intelligentTiering ? LustreMetadataConfiguration.provisioned(DEFAULTS.intelligentTieringMetadataIops)
        : persistent && this.lustreVersion === LustreVersion.V_2_15 ? LustreMetadataConfiguration.automatic() : undefined);
    const literalIops = metadata?.iops !== undefined && !Token.isUnresolved(metadata.iops) ? metadata.iops : undefined;
    this.fail(rules.checkMetadata(deploymentType, storageType, metadata?.mode as rules.MetadataModeValue | undefined, literalIops));
    if (efa) {
      this.fail(rules.checkEfa(deploymentType, metadata !== undefined));
    }
    this.fail(rules.checkLustreVersion(this.lustreVersion as rules.LustreVersionValue, deploymentType, metadata !== undefined));

    // Capacity and throughput.
    const capacityContext: rules.CapacityContext = {
      deploymentType,
      storageType,
      efa,
      perUnitStorageThroughput: perUnitStorageThroughput !== undefined && !Token.isUnresolved(perUnitStorageThroughput)
        ? perUnitStorageThroughput : undefined,
    };
    if (props.storageCapacityGiB !== undefined && props.throughputTargetMBps !== undefined) {
      throw TrainingStorageError.invalidProperty(this, 'throughputTargetMBps', renderValue(props.throughputTargetMBps),
        'nothing together with storageCapacityGiB: give the capacity or the throughput it is derived from, not both');
    }
    if (props.throughputTargetMBps !== undefined && Token.isUnresolved(props.throughputTargetMBps)) {
      throw TrainingStorageError.invalidProperty(this, 'throughputTargetMBps', '(unresolved token)', 'a literal number of MB/s: the capacity is derived from it at synth time');
    }
    const throughputCapacity = props.throughputCapacityMBps;
    if (throughputCapacity === undefined || !Token.isUnresolved(throughputCapacity)) {
      this.fail(rules.checkThroughputCapacity(storageType, throughputCapacity));
    } else if (!intelligentTiering) {
      const violation = rules.checkThroughputCapacity(storageType, 0)!;
      this.fail({ ...violation, received: '(unresolved token)' });
    }
    let capacity: number | undefined;
    if (props.storageCapacityGiB !== undefined) {
      if (!Token.isUnresolved(props.storageCapacityGiB)) {
        this.fail(rules.checkStorageCapacity(capacityContext, props.storageCapacityGiB));
      }
      capacity = props.storageCapacityGiB;
    } else if (props.throughputTargetMBps !== undefined) {
      this.fail(rules.checkThroughputTarget(capacityContext, props.throughputTargetMBps));
      capacity = rules.capacityForThroughput(capacityContext, props.throughputTargetMBps);
    } else if (!intelligentTiering) {
      capacity = efa && capacityContext.perUnitStorageThroughput !== undefined
        ? rules.capacityForThroughput(capacityContext, 1) : DEFAULTS.storageCapacityGiB;
    }
    this.storageCapacityGiB = capacity;
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
    const backupsOn = () => persistent && this.associations.length === 0 && (retentionDays ?? DEFAULTS.backupRetentionDays) > 0;

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

    this.logGroup = this.configureLogging(props);
    if (props.rootSquash) {
      this.configureRootSquash(props.rootSquash);
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
    return this.associations.map((a) => a.association);
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
    this.fail(rules.checkDataRepositoryCount(this.associations.length + 1));

    const location = options.location;
    if (location.isDirectoryBucket) {
      throw TrainingStorageError.invalidProperty(this, 'location', renderLocation(location),
        'a location in a general purpose bucket: FSx for Lustre data repositories link to general purpose buckets, not S3 Express One Zone directory buckets');
    }
    const fileSystemPath = literalFileSystemPath(this, options.fileSystemPath ?? defaultFileSystemPath(this, location));
    const stack = Stack.of(this);
    const bucketKey = JSON.stringify(stack.resolve(location.bucketName));
    for (const other of this.associations) {
      if (rules.fileSystemPathsOverlap(fileSystemPath, other.fileSystemPath)) {
        throw TrainingStorageError.invalidProperty(this, 'fileSystemPath', renderValue(fileSystemPath),
          `a path that does not overlap ${renderValue(other.fileSystemPath)} (${other.s3Uri}): the paths of a file system's data repositories `
          + 'must not contain one another, and "/" can only be the one data repository');
      }
      if (bucketKey === other.bucketKey && !Token.isUnresolved(location.prefix) && rules.s3PrefixesOverlap(location.prefix, other.prefix)) {
        throw TrainingStorageError.invalidProperty(this, 'location', renderValue(location.prefix === '' ? '(the whole bucket)' : location.prefix),
          `a prefix that does not overlap ${renderValue(other.prefix === '' ? '(the whole bucket)' : other.prefix)} of the same bucket (linked to `
          + `${other.fileSystemPath}): the S3 paths of a file system's data repositories must not contain one another`);
      }
    }

    const autoImport = options.autoImport ?? [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED];
    const autoExport = options.autoExport ?? [];
    this.fail(rules.checkEvents('autoImport', autoImport));
    this.fail(rules.checkEvents('autoExport', autoExport));
    if (options.importedFileChunkSizeMiB !== undefined && !Token.isUnresolved(options.importedFileChunkSizeMiB)) {
      this.fail(rules.checkImportedFileChunkSize(options.importedFileChunkSizeMiB));
    }
    const bucketRegion = location.bucket.env.region;
    if (autoImport.length > 0 && !Token.isUnresolved(bucketRegion) && !Token.isUnresolved(stack.region) && bucketRegion !== stack.region) {
      throw TrainingStorageError.invalidProperty(this, 'autoImport', JSON.stringify(autoImport),
        `[] for a bucket in ${bucketRegion}: automatic import needs the bucket in the file system's Region (${stack.region}); automatic export works across Regions`);
    }

    const id = fileSystemPath === '/' ? 'DataRepository' : `DataRepository:${fileSystemPath.slice(1).split('/').join(':')}`;
    const association = new fsx.CfnDataRepositoryAssociation(this, id, {
      fileSystemId: this.fileSystemId,
      fileSystemPath,
      dataRepositoryPath: location.s3Uri,
      batchImportMetaDataOnCreate: options.batchImportMetaDataOnCreate ?? true,
      importedFileChunkSize: options.importedFileChunkSizeMiB,
      s3: autoImport.length > 0 || autoExport.length > 0 ? {
        autoImportPolicy: autoImport.length > 0 ? { events: [...autoImport] } : undefined,
        autoExportPolicy: autoExport.length > 0 ? { events: [...autoExport] } : undefined,
      } : undefined,
    });
    association.applyRemovalPolicy(this.removalPolicy);
    // One after another: FSx can fail associations of one file system created at the same time.
    const previous = this.associations[this.associations.length - 1]?.association;
    if (previous) {
      association.node.addDependency(previous);
    }
    this.associations.push({ fileSystemPath, bucketKey, prefix: location.prefix, s3Uri: renderLocation(location), association });
    this.rootSquashResource?.node.addDependency(association);
    if (location.encryptionKey) {
      this.allowFsxThroughKey(location);
    }
    return association;
  }

  /**
   * The key policy statement of the FSx for Lustre User Guide ("Working with server-side encrypted
   * Amazon S3 buckets") that lets the file systems of this account use the bucket's key through S3:
   * the FSx S3 service-linked roles (`AWSServiceRoleForFSxS3Access_fs-...`, session name `FSx`),
   * calling through `s3.<region>.amazonaws.com`. The per-file-system form names the role
   * `AWSServiceRoleForFSxS3Access_<file system ID>`, which exists only once the association is
   * created, after the key: a key policy cannot name it in the same deployment. With a literal
   * bucket name the statement is also limited to the bucket's encryption context (the bucket ARN,
   * as S3 Bucket Keys use, and its objects under the prefix).
   */
  private allowFsxThroughKey(location: DataLocation): void {
    const key = location.encryptionKey!;
    if (this.keysWithFsxStatement.has(key)) {
      return;
    }
    this.keysWithFsxStatement.add(key);
    const stack = Stack.of(this);
    const bucketRegion = location.bucket.env.region;
    const account = Token.isUnresolved(stack.account) ? Aws.ACCOUNT_ID : stack.account;
    const stringLike: Record<string, unknown> = { 'aws:userid': '*:FSx' };
    if (!Token.isUnresolved(location.bucketName)) {
      stringLike['kms:EncryptionContext:aws:s3:arn'] = [location.bucket.bucketArn, location.objectsArn];
    }
    const statement = new iam.PolicyStatement({
      sid: 'AllowFSxForLustreDataRepositories',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `s3.${bucketRegion}.amazonaws.com` },
        StringLike: stringLike,
      },
    });
    const result = key.addToResourcePolicy(statement);
    if (!result.statementAdded) {
      Validations.of(this).addWarning('LustreScratch.KeyPolicy',
        `The KMS key of ${renderLocation(location)} is not managed by this app: add this statement to its key policy so that FSx can read and `
        + 'write the bucket through it (FSx for Lustre User Guide, "Working with server-side encrypted Amazon S3 buckets"): '
        + `${JSON.stringify(stack.resolve(statement.toStatementJson()))}. Acknowledge with Validations.of(fs).acknowledge({ id: 'LustreScratch.KeyPolicy', reason }).`);
    }
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

  private configureRootSquash(rootSquash: LustreRootSquash): void {
    if (rootSquash.enabled) {
      this.fail(rules.checkSquashId('rootSquash.uid', rootSquash.uid));
      this.fail(rules.checkSquashId('rootSquash.gid', rootSquash.gid));
    }
    this.fail(rules.checkNoSquashNids(rootSquash.noSquashNids));
    const call: cr.AwsSdkCall = {
      service: 'FSx',
      action: 'UpdateFileSystem',
      parameters: {
        FileSystemId: this.fileSystemId,
        LustreConfiguration: {
          RootSquashConfiguration: { RootSquash: `${rootSquash.uid}:${rootSquash.gid}`, NoSquashNids: rootSquash.noSquashNids },
        },
      },
      physicalResourceId: cr.PhysicalResourceId.of(`${this.fileSystemId}:root-squash`),
      // The response describes the whole file system; a custom resource answer holds at most 4096 bytes.
      outputPaths: ['FileSystem.FileSystemId'],
    };
    this.rootSquashResource = new cr.AwsCustomResource(this, 'RootSquash', {
      resourceType: 'Custom::LustreRootSquash',
      onCreate: call,
      onUpdate: call,
      installLatestAwsSdk: false,
      policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
        actions: ['fsx:UpdateFileSystem'],
        resources: [this.fileSystemArn],
      })]),
    });
    // aws-cdk-lib's AwsCustomResource runs in one function per stack: its findings are aws-cdk-lib's.
    const provider = Stack.of(this).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
    const role = provider?.node.tryFindChild('ServiceRole')?.node.defaultChild;
    const fn = provider?.node.defaultChild;
    if (role) {
      acknowledgeFinding(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
        'aws-cdk-lib AwsCustomResource\'s provider function writes its logs with the AWS managed basic execution policy; LustreScratch uses it '
        + 'to call FSx UpdateFileSystem (root squash has no CloudFormation property).');
    }
    if (fn) {
      acknowledgeFinding(fn, 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        'aws-cdk-lib AwsCustomResource\'s provider function only calls AWS APIs (FSx UpdateFileSystem for root squash) over TLS with IAM.');
    }
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
    if (violation) {
      throw TrainingStorageError.invalidProperty(this, violation.property, violation.received, violation.allowed);
    }
  }
}

/** The rule aws-cdk-lib puts in a security group without egress rules, so that EC2 adds no allow-all rule. */
const NO_EGRESS_RULE: ec2.CfnSecurityGroup.EgressProperty = {
  cidrIp: '255.255.255.255/32', description: 'Disallow all traffic', ipProtocol: 'icmp', fromPort: 252, toPort: 86,
};

/**
 * Keeps a security group's outbound traffic limited to its egress rules. aws-cdk-lib removes its
 * "disallow all traffic" placeholder as soon as any egress rule is added, also when that rule is a
 * separate `AWS::EC2::SecurityGroupEgress` resource (rules to security groups always are). The
 * group then has no inline egress rule and EC2 gives it its default rule, all traffic to 0.0.0.0/0.
 * The placeholder stays while no inline egress rule exists.
 */
function keepEgressRestricted(securityGroup: ec2.SecurityGroup): void {
  const cfn = securityGroup.node.defaultChild as ec2.CfnSecurityGroup;
  const inline = cfn.securityGroupEgress;
  cfn.securityGroupEgress = Lazy.any({
    produce: () => (Array.isArray(inline) && inline.length > 0 ? inline : [NO_EGRESS_RULE]),
  });
}

/** The file system path checked and normalized; tokens are rejected (the path names a construct and is compared). */
function literalFileSystemPath(scope: IConstruct, path: string): string {
  if (Token.isUnresolved(path)) {
    throw TrainingStorageError.invalidProperty(scope, 'fileSystemPath', '(unresolved token)',
      'a literal path such as "/datasets": it names the association and is checked for overlaps');
  }
  const normalized = rules.normalizeFileSystemPath(path);
  if (typeof normalized !== 'string') {
    throw TrainingStorageError.invalidProperty(scope, normalized.property, normalized.received, normalized.allowed);
  }
  return normalized;
}

function defaultFileSystemPath(scope: IConstruct, location: DataLocation): string {
  if (Token.isUnresolved(location.prefix)) {
    throw TrainingStorageError.invalidProperty(scope, 'fileSystemPath', 'nothing',
      'a path such as "/datasets" when the location\'s prefix is an unresolved token (the default path is derived from the prefix)');
  }
  return location.prefix === '' ? '/' : `/${location.prefix.slice(0, -1)}`;
}

/** A location for messages: its `s3://` URI, with the bucket's construct path when its name is a token. */
function renderLocation(location: DataLocation): string {
  return Token.isUnresolved(location.bucketName) ? `s3://<${location.bucket.node.path}>/${location.prefix}` : location.s3Uri;
}

function checkKubernetesName(scope: IConstruct, property: string, name: string, maxLength: number): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
  const pattern = maxLength === 63 ? new RegExp(`^${label}$`) : new RegExp(`^${label}(\\.${label})*$`);
  if (name.length > maxLength || !pattern.test(name)) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(name),
      `a Kubernetes ${maxLength === 63 ? 'DNS label' : 'DNS subdomain name'}: lowercase letters, digits and "-"${maxLength === 63 ? '' : ' and "."'}, `
      + `starting and ending with a letter or digit, at most ${maxLength} characters`);
  }
}

function kubernetesQuantity(scope: IConstruct, size: Size): string {
  return `${wholeGibibytes(scope, 'storageCapacity', size)}Gi`;
}

/** A size as a whole number of GiB. */
function wholeGibibytes(scope: IConstruct, property: string, size: Size): number {
  try {
    return size.toGibibytes({ rounding: SizeRoundingBehavior.FAIL });
  } catch {
    throw TrainingStorageError.invalidProperty(scope, property, `${size.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR })} MiB`, 'a whole number of GiB');
  }
}

/** A size in GiB for messages, with up to two decimals. */
function renderGibibytes(size: Size): string {
  return `${Math.round((size.toBytes() / 1024 ** 3) * 100) / 100} GiB`;
}
