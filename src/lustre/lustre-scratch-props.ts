import { Duration, RemovalPolicy, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
// The two type imports serve the documentation's links.
import type { LustreScratch } from './lustre-scratch';
import type { ILustreScratch } from './lustre-scratch-base';
import {
  DataRepositoryEvent, LustreDataCompression, LustreDeploymentType, LustreLogLevel, LustreMetadataConfiguration,
  LustreReadCache, LustreRootSquash, LustreStorageType, LustreVersion,
} from './options';
import { DataLocation } from '../core/data-location';

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

/**
 * Monthly prices of FSx for Lustre SSD storage in one Region, in US dollars per GB-month: FSx bills
 * the provisioned capacity (1200 GiB at $0.145 is $174 a month). They choose the cheapest
 * configuration of a {@link LustreScratch} whose capacity is derived, and price it.
 */
export interface LustrePrices {
  /** PERSISTENT_2 SSD at 125 MB/s/TiB, USD per GB-month. */
  readonly persistent2Ssd125UsdPerGbMonth: number;
  /** PERSISTENT_2 SSD at 250 MB/s/TiB, USD per GB-month. */
  readonly persistent2Ssd250UsdPerGbMonth: number;
  /** PERSISTENT_2 SSD at 500 MB/s/TiB, USD per GB-month. */
  readonly persistent2Ssd500UsdPerGbMonth: number;
  /** PERSISTENT_2 SSD at 1000 MB/s/TiB, USD per GB-month. */
  readonly persistent2Ssd1000UsdPerGbMonth: number;
  /** Scratch SSD (SCRATCH_1 and SCRATCH_2, 200 MB/s/TiB baseline), USD per GB-month. */
  readonly scratchSsdUsdPerGbMonth: number;
  /**
   * Where the prices come from, for `sizingReason`, such as `eu-west-1 list prices of 2026-12-01`.
   *
   * @default 'the given prices'
   */
  readonly description?: string;
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
   * 38400, 19200, 9600 or 4800 GiB at 125, 250, 500 or 1000 MB/s/TiB). Give this, or what it is
   * derived from (`throughputTargetMBps`, `minimumStorageCapacityGiB`), not both.
   *
   * @default - the cheapest valid configuration that reaches `throughputTargetMBps` and holds
   *   `minimumStorageCapacityGiB` at `prices` (see `perUnitStorageThroughput`); without either,
   *   the cheapest valid file system: 1200 GiB at 125 MB/s/TiB (EFA, at the built-in prices:
   *   4800 GiB at 1000 MB/s/TiB)
   */
  readonly storageCapacityGiB?: number;

  /**
   * Aggregate throughput to provision, in MB/s. Throughput is the capacity in TiB, counted as FSx
   * does with 1000 GiB per TiB, times the per-unit throughput (`perUnitStorageThroughput` on
   * PERSISTENT_2, the 200 MB/s/TiB baseline on scratch). On PERSISTENT_2 SSD without
   * `perUnitStorageThroughput`, the construct prices the smallest valid capacity that reaches the
   * target at each per-unit throughput (125, 250, 500, 1000 MB/s/TiB) and takes the cheapest:
   * 1000 MB/s gives 1200 GiB at 1000 MB/s/TiB, about half the monthly price of 9600 GiB at 125.
   * With `perUnitStorageThroughput`, or on scratch, the capacity is the smallest valid one that
   * reaches the target at that per-unit throughput. `sizingReason` tells what was chosen and why.
   *
   * @default - no throughput target: `storageCapacityGiB` or `minimumStorageCapacityGiB` decides
   */
  readonly throughputTargetMBps?: number;

  /**
   * The capacity the data needs, in GiB: the derived capacity holds at least this much (together
   * with `throughputTargetMBps`, whichever needs more). A capacity the data needs can make a lower
   * per-unit throughput the cheaper choice: 1000 MB/s for 4000 GiB of data gives 4800 GiB at
   * 250 MB/s/TiB. Not with `storageCapacityGiB` or Intelligent-Tiering.
   *
   * @default - no minimum: the throughput target alone decides
   */
  readonly minimumStorageCapacityGiB?: number;

  /**
   * Throughput per TiB of storage, in MB/s (PERSISTENT_2 SSD): 125, 250, 500 or 1000. When given,
   * it is kept: the capacity is sized at it.
   *
   * @default - on PERSISTENT_2 SSD, the per-unit throughput of the cheapest valid configuration
   *   when the capacity is derived, 125 when `storageCapacityGiB` is given; none on scratch (fixed
   *   baseline) and Intelligent-Tiering
   */
  readonly perUnitStorageThroughput?: number;

  /**
   * Monthly prices of SSD storage, which choose the cheapest configuration when the capacity is
   * derived and price the result (`estimatedMonthlyCostUsd`). Give your Region's prices (from
   * https://aws.amazon.com/fsx/lustre/pricing/) outside us-east-1.
   *
   * @default - the built-in us-east-1 table (`src/core/prices.ts`), checked 2026-12-01: $0.145,
   *   $0.210, $0.340 and $0.600 per GB-month for PERSISTENT_2 SSD at 125, 250, 500 and
   *   1000 MB/s/TiB, $0.140 for scratch SSD; estimates, from sources that quote the pricing page
   */
  readonly prices?: LustrePrices;

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
   * @default - a new log group `/aws/fsx/lustre/<unique name>`, KMS-encrypted with the stack's log
   *   key (`CdkTrainingStorageLogsKey`, one per stack, created on first use), kept `logRetention`
   *   long, retained when it leaves the stack
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
