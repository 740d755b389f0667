import { Size } from 'aws-cdk-lib';

/**
 * How an FSx for Lustre file system is deployed (CloudFormation `LustreConfiguration.DeploymentType`).
 * PERSISTENT_1, the older persistent type with HDD storage, is not offered: PERSISTENT_2 supersedes it.
 */
export enum LustreDeploymentType {
  /**
   * Legacy scratch: no replication, no data repository associations, 1200 GiB, 2400 GiB, then
   * increments of 3600 GiB. Kept for completeness; prefer SCRATCH_2.
   */
  SCRATCH_1 = 'SCRATCH_1',
  /**
   * Scratch: data is not replicated and a failed file server loses the data on it that was not
   * exported; 200 MB/s per TiB baseline (bursts to 1300); cheapest per TiB. Data repository
   * associations and auto-export work; backups, KMS keys of your own and metadata configurations do not.
   */
  SCRATCH_2 = 'SCRATCH_2',
  /**
   * Persistent: data is replicated within the Availability Zone and failed file servers are replaced;
   * 125 to 1000 MB/s per TiB, metadata IOPS, EFA, your own KMS key, backups, Intelligent-Tiering.
   */
  PERSISTENT_2 = 'PERSISTENT_2',
}

/** The storage class of the file system (CloudFormation `StorageType`). */
export enum LustreStorageType {
  /** SSD storage, provisioned in GiB (`storageCapacityGiB`). */
  SSD = 'SSD',
  /**
   * Elastic, intelligently tiered storage (PERSISTENT_2 only): no capacity to provision; sized by
   * `throughputCapacityMBps` (multiples of 4000 MB/s), with an optional SSD read cache. Takes no data
   * repository associations.
   */
  INTELLIGENT_TIERING = 'INTELLIGENT_TIERING',
}

/** Data compression of the file system (CloudFormation `LustreConfiguration.DataCompressionType`). */
export enum LustreDataCompression {
  /** No compression. */
  NONE = 'NONE',
  /** LZ4: typically more data per TiB and more throughput per byte, at little CPU cost on the file servers. */
  LZ4 = 'LZ4',
}

/** The Lustre version (CloudFormation `FileSystemTypeVersion`). */
export enum LustreVersion {
  /** 2.10: scratch types only; no data repository associations. */
  V_2_10 = '2.10',
  /** 2.12: all types, but not PERSISTENT_2 with a metadata configuration. */
  V_2_12 = '2.12',
  /** 2.15: all types; recommended for new file systems and required by metadata configurations and EFA. */
  V_2_15 = '2.15',
}

/** Which data repository events Lustre logs to CloudWatch Logs (`LustreConfiguration.LogConfiguration.Level`). */
export enum LustreLogLevel {
  /** No logging. */
  DISABLED = 'DISABLED',
  /** Warnings only. */
  WARN_ONLY = 'WARN_ONLY',
  /** Errors only. */
  ERROR_ONLY = 'ERROR_ONLY',
  /** Warnings and errors (for example failed exports of checkpoints). */
  WARN_ERROR = 'WARN_ERROR',
}

/** A change that a data repository association imports from S3 or exports to S3. */
export enum DataRepositoryEvent {
  /** New files or objects. */
  NEW = 'NEW',
  /** Changed files or objects. */
  CHANGED = 'CHANGED',
  /** Deleted files or objects. */
  DELETED = 'DELETED',
}

/**
 * The metadata performance of a PERSISTENT_2 file system (CloudFormation
 * `LustreConfiguration.MetadataConfiguration`).
 */
export class LustreMetadataConfiguration {
  /**
   * FSx provisions and scales metadata IOPS with the storage capacity (SSD file systems only).
   */
  public static automatic(): LustreMetadataConfiguration {
    return new LustreMetadataConfiguration('AUTOMATIC');
  }

  /**
   * A fixed number of metadata IOPS: 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000
   * on SSD; 6000 or 12000 on Intelligent-Tiering.
   *
   * @param iops the metadata IOPS to provision
   */
  public static provisioned(iops: number): LustreMetadataConfiguration {
    return new LustreMetadataConfiguration('USER_PROVISIONED', iops);
  }

  /** `AUTOMATIC` or `USER_PROVISIONED`. */
  public readonly mode: string;
  /**
   * The provisioned metadata IOPS.
   *
   * @default - none in AUTOMATIC mode
   */
  public readonly iops?: number;

  private constructor(mode: string, iops?: number) {
    this.mode = mode;
    this.iops = iops;
  }
}

/**
 * The SSD read cache of an Intelligent-Tiering file system (CloudFormation
 * `LustreConfiguration.DataReadCacheConfiguration`).
 */
export class LustreReadCache {
  /** A read cache sized by FSx in proportion to the throughput capacity. */
  public static proportionalToThroughput(): LustreReadCache {
    return new LustreReadCache('PROPORTIONAL_TO_THROUGHPUT_CAPACITY');
  }

  /** No SSD read cache: every read that misses the file servers' memory goes to the tiered storage. */
  public static none(): LustreReadCache {
    return new LustreReadCache('NO_CACHE');
  }

  /**
   * A read cache of this size: 32 to 131072 GiB for every 4000 MB/s of throughput capacity.
   *
   * @param size the size of the cache, a whole number of GiB
   */
  public static provisioned(size: Size): LustreReadCache {
    return new LustreReadCache('USER_PROVISIONED', size);
  }

  /** `PROPORTIONAL_TO_THROUGHPUT_CAPACITY`, `NO_CACHE` or `USER_PROVISIONED`. */
  public readonly sizingMode: string;
  /**
   * The size of a provisioned read cache.
   *
   * @default - none unless provisioned
   */
  public readonly size?: Size;

  private constructor(sizingMode: string, size?: Size) {
    this.sizingMode = sizingMode;
    this.size = size;
  }
}

/** Options of {@link LustreRootSquash.squashTo}. */
export interface LustreRootSquashOptions {
  /**
   * Clients that keep root access, as Lustre network IDs: an IPv4 address or range followed by
   * `@tcp`, such as `10.0.1.6@tcp` or `10.0.[2-10].[1-255]@tcp`; at most 64.
   *
   * @default - none: root squash applies to every client
   */
  readonly noSquashNids?: string[];
}

/**
 * Root squash: what root on a client becomes on the file system (FSx
 * `LustreRootSquashConfiguration`). CloudFormation has no property for it, so the construct sets it
 * with an `UpdateFileSystem` call after the file system exists.
 */
export class LustreRootSquash {
  /**
   * Root on clients acts as this user and group on the file system (both non-zero).
   *
   * @param uid the user ID root is mapped to, such as 65534 (nobody)
   * @param gid the group ID root is mapped to, such as 65534
   * @param options clients that keep root access
   */
  public static squashTo(uid: number, gid: number, options: LustreRootSquashOptions = {}): LustreRootSquash {
    return new LustreRootSquash(uid, gid, options.noSquashNids ?? [], true);
  }

  /** Root squash off (`0:0`): root on clients is root on the file system (FSx's default). */
  public static disabled(): LustreRootSquash {
    return new LustreRootSquash(0, 0, [], false);
  }

  /** The user ID root is mapped to (0: not squashed). */
  public readonly uid: number;
  /** The group ID root is mapped to (0: not squashed). */
  public readonly gid: number;
  /** Clients that keep root access. */
  public readonly noSquashNids: string[];
  /** Whether root squash is on. */
  public readonly enabled: boolean;

  private constructor(uid: number, gid: number, noSquashNids: string[], enabled: boolean) {
    this.uid = uid;
    this.gid = gid;
    this.noSquashNids = noSquashNids;
    this.enabled = enabled;
  }
}
