import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { ITrainingDataLake } from '../data-lake';
import { IExpressCache } from '../express';
import { LustreScratch } from '../lustre';

/** Properties of a {@link CheckpointTier}. */
export interface CheckpointTierProps {
  /**
   * The lake that receives every checkpoint: its `checkpoints` location is the checkpoints root in
   * S3, where checkpoints stay under the lake's lifecycle (S3 Glacier Instant Retrieval after
   * `checkpointsGlacierInstantRetrievalAfter`, optional expiry, noncurrent versions expired).
   */
  readonly lake: ITrainingDataLake;

  /**
   * The FSx for Lustre file system checkpoints are written to. The tier links `fileSystemPath` to the
   * lake's checkpoints location with automatic export of new, changed and deleted files (or reuses
   * such an association you added), and releases old checkpoints from the file system.
   *
   * Give at most one of `fileSystem` and `cache`.
   *
   * @default - no Lustre tier
   */
  readonly fileSystem?: LustreScratch;

  /**
   * The S3 Express One Zone directory bucket checkpoints are written to. The tier copies complete
   * checkpoints to the lake server-side, on a schedule, and deletes old ones from the directory
   * bucket once they are verified in the lake.
   *
   * Give at most one of `fileSystem` and `cache`.
   *
   * @default - no Express tier
   */
  readonly cache?: IExpressCache;

  /**
   * Where a checkpoint lives under the checkpoints root, as a pattern: `{run}` (one path segment, at
   * most once), `{step}` (digits, once, in the last segment), `*` (any characters within a segment),
   * letters, digits, `.`, `_`, `=` and `-`; it ends with `/`. Examples: `{run}/step_{step}/`
   * (PyTorch DCP directories), and for NeMo `{run}/checkpoints/*-step={step}-*` followed by `/`.
   *
   * @default '{run}/{step}/'
   */
  readonly layout?: string;

  /**
   * The file whose existence makes a checkpoint complete, relative to its directory. It must be
   * written last. Nothing is released, deleted or copied while it is missing.
   *
   * @default '.metadata' - the file PyTorch Distributed Checkpoint writes after every shard
   */
  readonly completionMarker?: string;

  /**
   * How many complete checkpoints of each run stay on the fast tier (Lustre or Express). The rest
   * are released (Lustre) or deleted (Express) once they are safe in the lake. 1 to 1000.
   *
   * @default 2
   */
  readonly keepLatest?: number;

  /**
   * The file system directory linked to the lake's checkpoints location (Lustre tier only).
   *
   * @default '/checkpoints'
   */
  readonly fileSystemPath?: string;

  /**
   * How often the tier releases old checkpoints from the file system (Lustre tier only). Whole
   * minutes, from 1 minute to 12 hours.
   *
   * @default Duration.hours(1)
   */
  readonly releaseInterval?: Duration;

  /**
   * Release as soon as the free data storage capacity falls below this percentage of the file
   * system's capacity (Lustre tier only; the file system's capacity must be known at synth time).
   * 1 to 99.
   *
   * @default 20
   */
  readonly releaseWhenFreeCapacityBelowPercent?: number;

  /**
   * The size manifest of a checkpoint, relative to its directory (Lustre tier only): a file that lists
   * each file of the checkpoint with its size (`<bytes> <relative path>` per line), written on the
   * file system after the completion marker; `clientSettings.sizeManifestCommand` writes it. A
   * checkpoint is released only once every file the manifest lists is in the lake with that size:
   * the handler cannot see the file system's files (Lambda does not mount Lustre), so the manifest
   * brings their sizes to the lake through the same export. Letters, digits, `.`, `_` and `-`.
   *
   * @default '.export-sizes'
   */
  readonly sizeManifest?: string;

  /**
   * Release only checkpoints whose size manifest is in the lake (Lustre tier only). With `false`, a
   * checkpoint without a manifest is released once its objects in the lake have not changed for
   * `releaseSettleTime` (FSx itself releases only files that are exported and unchanged since).
   *
   * @default true - a checkpoint without a size manifest stays on the file system, and each run reports it
   */
  readonly requireSizeManifest?: boolean;

  /**
   * How long a checkpoint's objects in the lake must stay unchanged before it is released when it
   * has no size manifest and `requireSizeManifest` is `false` (Lustre tier only): automatic export
   * is asynchronous, file by file.
   *
   * @default Duration.minutes(15)
   */
  readonly releaseSettleTime?: Duration;

  /**
   * Release only files not accessed for this long, in whole days (FSx's `DurationSinceLastAccess`;
   * Lustre tier only).
   *
   * @default Duration.days(0) - files of an expired checkpoint are released whenever they were last read
   */
  readonly releaseUnreadFor?: Duration;

  /**
   * Write a CSV report of the files a release task failed to release, under the lake's checkpoints
   * location (`task-<id>/failures.csv`; Lustre tier only).
   *
   * @default false
   */
  readonly releaseReports?: boolean;

  /**
   * The checkpoints root in the directory bucket (Express tier only).
   *
   * @default 'checkpoints/'
   */
  readonly cachePrefix?: string;

  /**
   * How often complete checkpoints are copied from the directory bucket to the lake (Express tier
   * only). Directory buckets send no event notifications, so a schedule finds new checkpoints.
   * Whole minutes, from 1 minute to 12 hours.
   *
   * @default Duration.minutes(10)
   */
  readonly copyInterval?: Duration;

  /**
   * Incomplete multipart uploads under the cache's checkpoints root are aborted after this many whole
   * days (Express tier only; a lifecycle rule added to the `ExpressCache`; an imported cache is left
   * as it is).
   *
   * @default Duration.days(1)
   */
  readonly abortIncompleteUploadsAfter?: Duration;

  /**
   * Concurrent copy requests of the Express tier's copy-out.
   *
   * @default 64
   */
  readonly copyConcurrency?: number;

  /**
   * The `staleAlarm` fires when the newest complete checkpoint in the lake is older than this (a
   * silent failure of training, export or copy shows as an old newest checkpoint). The alarm fires
   * when two schedule intervals in a row measure an older one, or measure nothing. At least 10
   * minutes, in whole minutes.
   *
   * @default Duration.hours(2)
   */
  readonly staleAfter?: Duration;

  /**
   * What the `staleAlarm` does when it fires (an SNS topic, for example). The Control Tower rules
   * report an alarm without an action: give one here, or add one to `staleAlarm`.
   *
   * @default - none
   */
  readonly staleAlarmAction?: cloudwatch.IAlarmAction;

  /**
   * How long the handler's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key of the handler's log group.
   *
   * @default - the stack's log key
   */
  readonly logEncryptionKey?: kms.IKey;
}
