import { IConstruct } from 'constructs';
import { DataLocation } from '../../core/data-location';
import { IZonalStorage } from '../../core/training-zone';
import { IExpressCache } from '../../express/express-cache-base';
import { ILustreScratch } from '../../lustre/lustre-scratch-base';

/**
 * How a training job reads an S3 channel (SageMaker `Channel.InputMode`).
 *
 * Pipe mode is not offered: it needs an algorithm that reads a named pipe, and FastFile serves the
 * same streaming purpose through ordinary files.
 */
export enum S3InputMode {
  /**
   * SageMaker copies the whole prefix to the instance's storage volume before the training
   * container starts: the GPUs wait for the copy, and the volume must hold the data.
   */
  FILE = 'File',
  /**
   * SageMaker exposes the prefix as files and streams each file from S3 when it is read: training
   * starts without the copy. Recommended for a directory bucket (`ExpressCache`), whose
   * single-digit-millisecond first-byte latency is what streaming reads wait on.
   */
  FAST_FILE = 'FastFile',
}

/** How the objects of an S3 channel are spread over the instances (`S3DataSource.S3DataDistributionType`). */
export enum S3DataDistribution {
  /** Every instance gets every object. */
  FULLY_REPLICATED = 'FullyReplicated',
  /** Each instance gets about 1/N of the objects, by key. */
  SHARDED_BY_S3_KEY = 'ShardedByS3Key',
}

/** How a training job mounts a file system channel (`FileSystemDataSource.FileSystemAccessMode`). */
export enum FileSystemAccessMode {
  /** Read-only. */
  READ_ONLY = 'ro',
  /** Read and write: the job can write results or checkpoints to the file system. */
  READ_WRITE = 'rw',
}

/** Options of an S3 training input. */
export interface S3TrainingInputOptions {
  /**
   * How the job reads the channel.
   *
   * @default S3InputMode.FAST_FILE - streamed: training starts without copying the data first
   */
  readonly inputMode?: S3InputMode;

  /**
   * How the objects are spread over the instances.
   *
   * @default S3DataDistribution.FULLY_REPLICATED - every instance sees every object
   */
  readonly distribution?: S3DataDistribution;
}

/** Options of an FSx for Lustre training input. */
export interface LustreTrainingInputOptions {
  /**
   * How the job mounts the file system.
   *
   * @default FileSystemAccessMode.READ_ONLY
   */
  readonly accessMode?: FileSystemAccessMode;
}

/** The kind of a training input. */
export enum TrainingInputKind {
  /** An S3 prefix in a general purpose bucket (the lake). */
  S3 = 'S3',
  /** An S3 prefix in a directory bucket (S3 Express One Zone). */
  EXPRESS = 'EXPRESS',
  /** A directory of an FSx for Lustre file system. */
  LUSTRE = 'LUSTRE',
}

/**
 * Where a training channel's data comes from: an S3 prefix of the lake, a prefix of an
 * `ExpressCache`, or a directory of a `LustreScratch` file system.
 */
export class TrainingInput {
  /**
   * An S3 prefix: a lake dataset (`lake.dataset('corpus')`) or any other `DataLocation`. A location
   * in a directory bucket is an S3 Express One Zone input (prefer `fromExpressCache`, which also
   * checks the cache's zone).
   */
  public static fromLocation(location: DataLocation, options: S3TrainingInputOptions = {}): TrainingInput {
    return new TrainingInput(location.isDirectoryBucket ? TrainingInputKind.EXPRESS : TrainingInputKind.S3, options, location);
  }

  /**
   * A prefix of an S3 Express One Zone cache next to the GPUs: the job must run in the cache's
   * zone, which is checked at synthesis time.
   *
   * @param cache the directory bucket
   * @param prefix the key prefix in it, such as `datasets/corpus/`
   */
  public static fromExpressCache(cache: IExpressCache, prefix: string, options: S3TrainingInputOptions = {}): TrainingInput {
    return new TrainingInput(TrainingInputKind.EXPRESS, options, cache.location(prefix), cache);
  }

  /**
   * A directory of an FSx for Lustre file system, as a `FileSystemDataSource` channel: the job
   * mounts the file system in its VPC (the job's security group is let in on the Lustre ports).
   *
   * @param fileSystem the file system
   * @param path the directory on the file system, relative to its root, such as `datasets/corpus`
   *   (the empty string is the root)
   */
  public static fromLustre(fileSystem: ILustreScratch, path: string, options: LustreTrainingInputOptions = {}): TrainingInput {
    return new TrainingInput(TrainingInputKind.LUSTRE, { accessMode: options.accessMode }, undefined, undefined, fileSystem, path);
  }

  /** The kind of input. */
  public readonly kind: TrainingInputKind;
  /** The S3 location (S3 and Express inputs). */
  public readonly location?: DataLocation;
  /** The file system (Lustre inputs). */
  public readonly fileSystem?: ILustreScratch;
  /** The directory on the file system, relative to its root (Lustre inputs). */
  public readonly path?: string;
  /** The S3 input mode (S3 and Express inputs). */
  public readonly inputMode?: S3InputMode;
  /** The S3 data distribution (S3 and Express inputs). */
  public readonly distribution?: S3DataDistribution;
  /** The file system access mode (Lustre inputs). */
  public readonly accessMode?: FileSystemAccessMode;
  /** The zonal tier the input lives on, when known (an `ExpressCache`). */
  public readonly zonalStorage?: IZonalStorage;

  private constructor(kind: TrainingInputKind,
    options: { inputMode?: S3InputMode; distribution?: S3DataDistribution; accessMode?: FileSystemAccessMode },
    location?: DataLocation, zonalStorage?: IZonalStorage, fileSystem?: ILustreScratch, path?: string) {
    this.kind = kind;
    this.location = location;
    this.zonalStorage = zonalStorage;
    this.fileSystem = fileSystem;
    this.path = path;
    if (kind === TrainingInputKind.LUSTRE) {
      this.accessMode = options.accessMode ?? FileSystemAccessMode.READ_ONLY;
    } else {
      this.inputMode = options.inputMode ?? S3InputMode.FAST_FILE;
      this.distribution = options.distribution ?? S3DataDistribution.FULLY_REPLICATED;
    }
  }
}

/** A named input of a training job: the container finds it under `/opt/ml/input/data/<channelName>`. */
export interface TrainingChannel {
  /** The channel's name: 1 to 64 letters, digits, `.`, `-` and `_`. */
  readonly channelName: string;
  /** Where the channel's data comes from. */
  readonly input: TrainingInput;
}

/** The Availability Zone ID of a Lustre file system, when it exposes one (`LustreScratch` does). @internal */
export function lustreZoneId(fileSystem: IConstruct): string | undefined {
  const zone = (fileSystem as { availabilityZoneId?: unknown }).availabilityZoneId;
  return typeof zone === 'string' ? zone : undefined;
}
