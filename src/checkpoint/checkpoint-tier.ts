import { Aws, CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as eventsTargets from 'aws-cdk-lib/aws-events-targets';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as schedulerTargets from 'aws-cdk-lib/aws-scheduler-targets';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CheckpointTierProps } from './checkpoint-tier-props';
import { CheckpointHandlerFunction } from './handler/checkpoint-handler-function';
import {
  CANCEL_TASKS_RESOURCE_TYPE, CHECKPOINT_CONFIG_ENV, CHECKPOINT_METRICS, CHECKPOINT_METRIC_DIMENSION, CHECKPOINT_METRIC_NAMESPACE,
  CheckpointHandlerConfig,
} from './handler/contract';
import { DEFAULT_SIZE_MANIFEST, sizeManifestCommand } from './release-plan';
import * as rules from './rules';
import { acknowledgeFinding, acknowledgeWildcards } from '../core/acknowledge';
import { DataLocation } from '../core/data-location';
import { TrainingStorageError, renderValue } from '../core/errors';
import { acknowledgeFrameworkInvokes, acknowledgeOutsideVpc, createFrameworkRole, frameworkFunctions, stackLogGroup } from '../core/provider';
import { normalizeKeyPrefix, wholeDays } from '../core/validation';
import { ExpressCache, IExpressCache } from '../express';
import { DataRepositoryEvent, LustreScratch } from '../lustre';

/** Defaults, stated once and used by the code and its tests. @internal */
export const CHECKPOINT_TIER_DEFAULTS = {
  layout: rules.DEFAULT_CHECKPOINT_LAYOUT,
  completionMarker: rules.DEFAULT_COMPLETION_MARKER,
  keepLatest: rules.DEFAULT_KEEP_LATEST,
  fileSystemPath: '/checkpoints',
  releaseInterval: Duration.hours(1),
  releaseWhenFreeCapacityBelowPercent: 20,
  releaseSettleTime: Duration.minutes(15),
  sizeManifest: DEFAULT_SIZE_MANIFEST,
  requireSizeManifest: true,
  releaseUnreadFor: Duration.days(0),
  cachePrefix: 'checkpoints/',
  copyInterval: Duration.minutes(10),
  abortIncompleteUploadsAfter: Duration.days(1),
  copyConcurrency: 64,
  staleAfter: Duration.hours(2),
} as const;

/**
 * The longest schedule interval: the stale alarm looks at two intervals, and CloudWatch evaluates
 * at most a day (period × evaluation periods).
 */
const MAX_INTERVAL_MINUTES = 720;

/** Which fast tier a CheckpointTier manages. */
export enum CheckpointTierKind {
  /** FSx for Lustre, exported to the lake by a data repository association. */
  LUSTRE = 'LUSTRE',
  /** An S3 Express One Zone directory bucket, copied to the lake on a schedule. */
  EXPRESS = 'EXPRESS',
  /** No fast tier: checkpoints are written to the lake directly. */
  LAKE = 'LAKE',
}

/** What a training script needs to write and find checkpoints. */
export interface CheckpointClientSettings {
  /**
   * Where the training script writes checkpoints: a directory under the Lustre mount point (relative
   * to it, such as `checkpoints`: join it with your mount path), or an `s3://` URI (Express, lake).
   */
  readonly writeTo: string;
  /** The `s3://` URI of the checkpoints root in the lake (every complete checkpoint ends up there). */
  readonly lakeUri: string;
  /** The layout pattern under the root (`{run}/{step}/` by default). */
  readonly layout: string;
  /** The completion marker, relative to a checkpoint's directory; write it last. */
  readonly completionMarker: string;
  /** The Region of the buckets (for Mountpoint's `--region` and the S3 connector's `region`). */
  readonly region: string;
  /**
   * The size manifest, relative to a checkpoint's directory (Lustre tier): write it after the
   * completion marker with `sizeManifestCommand`. Undefined on the other tiers.
   */
  readonly sizeManifest?: string;
  /**
   * The shell command that writes the size manifest, run in a checkpoint's directory on the file
   * system once the completion marker is written (Lustre tier; from rank 0, after the checkpoint's
   * last barrier). Undefined on the other tiers.
   */
  readonly sizeManifestCommand?: string;
  /**
   * Mountpoint for Amazon S3 options that mount `writeTo` for a checkpoint writer: `--prefix`,
   * `--region`, and on Express `--incremental-upload` (appends, directory buckets only) and
   * `--upload-checksums crc64nvme` (a full-object CRC64NVME checksum the copy-out verifies: without
   * a 64-bit checksum an Express checkpoint is copied but never deleted). Empty on Lustre.
   */
  readonly mountpointOptions: string[];
  /**
   * The same, as environment variables for the training container: `CHECKPOINT_WRITE_TO`,
   * `CHECKPOINT_LAKE_URI`, `CHECKPOINT_LAYOUT`, `CHECKPOINT_MARKER`, `CHECKPOINT_REGION`, and on
   * Lustre `CHECKPOINT_SIZE_MANIFEST`.
   */
  readonly environment: { [name: string]: string };
}

/**
 * Checkpoints written fast, exported to the lake, released and pruned safely, tiered to cheap storage.
 *
 * - **Lustre** (`fileSystem`): the file system's `fileSystemPath` is linked to the lake's
 *   checkpoints location with automatic export of new, changed and deleted files. A handler, run on a
 *   schedule and when free capacity runs low, releases the file data of old checkpoints (FSx
 *   `RELEASE_DATA_FROM_FILESYSTEM` tasks): the files stay visible and reload from S3 on read.
 * - **Express** (`cache`): a handler, run on a schedule, copies complete checkpoints from the
 *   directory bucket to the lake server-side, verifies every object (size and a 64-bit or wider
 *   checksum), and deletes old ones from the directory bucket.
 * - **Lake** (neither): checkpoints go straight to the lake; the tier gives grants, client
 *   settings and the staleness alarm.
 *
 * A checkpoint is a directory under the checkpoints root (`<root>/<run>/<step>/` by default) and is
 * complete once its completion marker exists (`.metadata` by default, written last by PyTorch DCP).
 * What is never released or deleted: an incomplete checkpoint; the latest `keepLatest` complete
 * checkpoints of each run; a checkpoint not complete in the lake (Lustre) or not verified in the
 * lake object by object (Express); anything in the lake through the tier (the lake's own lifecycle
 * moves old checkpoints to S3 Glacier Instant Retrieval). On Lustre the association exports
 * deletions: a checkpoint you delete on the file system is deleted from the lake too (kept as a
 * noncurrent version by the lake's versioning). The tier deletes no data when it leaves the stack;
 * on deletion it cancels the file system's pending and running data repository tasks, because FSx
 * cannot delete a file system while one runs.
 *
 * Construct IDs: `HandlerRole`, `Handler`, `ScheduleRole`, `Schedule`, `StaleAlarm`; Lustre: `LowCapacityAlarm`,
 * `LowCapacityRule`, `CancelTasks` (with `FrameworkOnEventRole`, `Provider`), and the association
 * `DataRepository:<path>` under the file system when the tier creates it.
 *
 * @example
 * declare const lake: TrainingDataLake;
 * declare const cache: ExpressCache;
 * declare const trainingRole: iam.Role;
 * const tier = new CheckpointTier(this, 'Checkpoints', { lake, cache });
 * tier.grantWrite(trainingRole);
 */
export class CheckpointTier extends Construct {
  /** Which fast tier this is. */
  public readonly kind: CheckpointTierKind;
  /** The checkpoints root in the lake. */
  public readonly lakeLocation: DataLocation;
  /** The checkpoints root on the directory bucket (Express tier). */
  public readonly cacheLocation?: DataLocation;
  /** The layout pattern under the checkpoints root. */
  public readonly layout: string;
  /** The completion marker, relative to a checkpoint's directory. */
  public readonly completionMarker: string;
  /** Complete checkpoints per run kept on the fast tier. */
  public readonly keepLatest: number;
  /** The file system directory linked to the lake (Lustre tier). */
  public readonly fileSystemPath?: string;
  /** The size manifest's name, relative to a checkpoint's directory (Lustre tier). */
  public readonly sizeManifest?: string;
  /** The data repository association that exports checkpoints to the lake (Lustre tier). */
  public readonly dataRepository?: fsx.CfnDataRepositoryAssociation;
  /** The function that releases, copies and measures checkpoints. */
  public readonly handler: lambda.IFunction;
  /** Fires when the newest complete checkpoint in the lake is older than `staleAfter`. Add an action to it. */
  public readonly staleAlarm: cloudwatch.Alarm;
  /** The low-free-capacity alarm that triggers a release (Lustre tier, when the capacity is known). */
  public readonly lowCapacityAlarm?: cloudwatch.Alarm;

  public constructor(scope: Construct, id: string, props: CheckpointTierProps) {
    super(scope, id);
    if (props.fileSystem && props.cache) {
      throw TrainingStorageError.invalidProperty(this, 'cache', 'a cache and a fileSystem',
        'at most one fast tier: a fileSystem (FSx for Lustre) or a cache (S3 Express One Zone); use two CheckpointTiers for two');
    }
    this.kind = props.fileSystem ? CheckpointTierKind.LUSTRE : props.cache ? CheckpointTierKind.EXPRESS : CheckpointTierKind.LAKE;
    this.lakeLocation = props.lake.checkpoints;
    this.checkOneTierPerLake(props);
    this.layout = this.checkLayout(props.layout ?? CHECKPOINT_TIER_DEFAULTS.layout);
    this.completionMarker = this.checkMarker(props.completionMarker ?? CHECKPOINT_TIER_DEFAULTS.completionMarker);
    this.keepLatest = this.checkKeepLatest(props.keepLatest ?? CHECKPOINT_TIER_DEFAULTS.keepLatest);
    this.checkTierProps(props);
    const dimensionProblem = rules.tierDimensionProblem(this.node.path);
    if (dimensionProblem) {
      throw TrainingStorageError.invalidProperty(this, 'id', renderValue(this.node.path),
        `a construct path of ${dimensionProblem}: the tier's metrics and alarm are named by it`);
    }

    const logGroup = stackLogGroup(this, { retention: props.logRetention, encryptionKey: props.logEncryptionKey });
    const role = createFrameworkRole(this, 'HandlerRole', logGroup, false);
    this.lakeLocation.grantRead(role);
    this.lakeLocation.acknowledgeGrantWildcard(role, 'The handler lists and reads every checkpoint under the lake\'s checkpoints location (and, on Express, writes copies there).');
    this.grantMetrics(role);

    let config: CheckpointHandlerConfig = {
      tier: this.node.path,
      scheme: { layout: this.layout, marker: this.completionMarker, keepLatest: this.keepLatest },
      lake: { bucket: this.lakeLocation.bucketName, root: this.lakeLocation.prefix },
    };
    let interval: Duration = CHECKPOINT_TIER_DEFAULTS.releaseInterval;
    if (props.fileSystem) {
      const fileSystem = props.fileSystem;
      this.fileSystemPath = this.checkFileSystemPath(props.fileSystemPath ?? CHECKPOINT_TIER_DEFAULTS.fileSystemPath);
      this.dataRepository = this.linkFileSystem(fileSystem, this.fileSystemPath);
      this.sizeManifest = this.checkSizeManifest(props.sizeManifest ?? CHECKPOINT_TIER_DEFAULTS.sizeManifest);
      interval = this.wholeMinutes('releaseInterval', props.releaseInterval ?? CHECKPOINT_TIER_DEFAULTS.releaseInterval, 1, MAX_INTERVAL_MINUTES);
      const settle = props.releaseSettleTime ?? CHECKPOINT_TIER_DEFAULTS.releaseSettleTime;
      config = {
        ...config,
        lustre: {
          fileSystemId: fileSystem.fileSystemId,
          fileSystemPath: this.fileSystemPath,
          settleMs: settle.toMilliseconds(),
          unreadForDays: wholeDays(this, 'releaseUnreadFor', props.releaseUnreadFor ?? CHECKPOINT_TIER_DEFAULTS.releaseUnreadFor, { min: 0 }),
          reportPath: props.releaseReports ? this.lakeLocation.s3Uri : undefined,
          sizeManifest: {
            name: this.sizeManifest,
            required: props.requireSizeManifest ?? CHECKPOINT_TIER_DEFAULTS.requireSizeManifest,
          },
        },
      };
      this.grantRelease(role, fileSystem);
    } else if (props.cache) {
      const cachePrefix = normalizeKeyPrefix(this, 'cachePrefix', props.cachePrefix ?? CHECKPOINT_TIER_DEFAULTS.cachePrefix);
      this.cacheLocation = props.cache.location(cachePrefix);
      interval = this.wholeMinutes('copyInterval', props.copyInterval ?? CHECKPOINT_TIER_DEFAULTS.copyInterval, 1, MAX_INTERVAL_MINUTES);
      const concurrency = props.copyConcurrency ?? CHECKPOINT_TIER_DEFAULTS.copyConcurrency;
      if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 1024) {
        throw TrainingStorageError.invalidProperty(this, 'copyConcurrency', renderValue(concurrency), 'a whole number from 1 to 1024');
      }
      config = { ...config, express: { bucket: props.cache.bucketName, root: cachePrefix, concurrency } };
      this.cacheLocation.grantReadWrite(role);
      // Copies into the lake, never deletions there: reads plus PutObject and the multipart actions.
      this.grantLakeCopies(role);
      this.addAbortRule(props.cache, cachePrefix, props.abortIncompleteUploadsAfter ?? CHECKPOINT_TIER_DEFAULTS.abortIncompleteUploadsAfter);
    }

    const handler = new CheckpointHandlerFunction(this, 'Handler', {
      role,
      timeout: Duration.minutes(15),
      memorySize: 1024,
      description: `CheckpointTier ${this.node.path}: ${this.kind === CheckpointTierKind.LUSTRE ? 'releases old checkpoints from Lustre'
        : this.kind === CheckpointTierKind.EXPRESS ? 'copies checkpoints to the lake and deletes verified old ones' : 'measures the newest checkpoint'}`,
      logGroup,
      environment: { [CHECKPOINT_CONFIG_ENV]: Stack.of(this).toJsonString(config) },
    });
    if (this.kind === CheckpointTierKind.EXPRESS) {
      // One copy-out at a time: the schedule (10 minutes) is shorter than a run may last (15 minutes).
      (handler.node.defaultChild as lambda.CfnFunction).reservedConcurrentExecutions = 1;
    }
    this.handler = handler;
    acknowledgeOutsideVpc([handler], 'Runs outside a VPC: it only calls S3, FSx and CloudWatch APIs over TLS with IAM authentication.');

    // The schedule's own role (not the stack's shared SchedulerRoleForTarget-*), trusted by this
    // account's schedules only.
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', { conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } } }),
      description: `Runs the checkpoint handler of ${this.node.path}`,
    });
    const schedule = new scheduler.Schedule(this, 'Schedule', {
      schedule: scheduler.ScheduleExpression.rate(interval),
      target: new schedulerTargets.LambdaInvoke(handler, { input: scheduler.ScheduleTargetInput.fromObject({ trigger: 'schedule' }), role: scheduleRole }),
      description: `CheckpointTier ${this.node.path}`,
    });
    acknowledgeWildcards(scheduleRole, [`${handler.functionArn}:*`],
      'The schedule invokes the checkpoint handler and its versions (aws-cdk-lib grantInvoke adds <arn>:*).');

    this.staleAlarm = new cloudwatch.Alarm(this, 'StaleAlarm', {
      alarmDescription: `CheckpointTier ${this.node.path}: the newest complete checkpoint in the lake is older than `
        + `${(props.staleAfter ?? CHECKPOINT_TIER_DEFAULTS.staleAfter).toHumanString()}, or the handler publishes no measurement`,
      // One period per run; two periods in a row without a measurement (or too old) fire it, so a
      // run that ends late in its period does not.
      metric: this.metricNewestCheckpointAge({ period: interval }),
      threshold: this.wholeMinutes('staleAfter', props.staleAfter ?? CHECKPOINT_TIER_DEFAULTS.staleAfter, 10).toSeconds(),
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      // No measurement means no complete checkpoint yet, or a handler that fails: both worth a look.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    if (props.staleAlarmAction) {
      this.staleAlarm.addAlarmAction(props.staleAlarmAction);
    }

    if (props.fileSystem) {
      this.lowCapacityAlarm = this.addLowCapacityTrigger(props.fileSystem, handler, props.releaseWhenFreeCapacityBelowPercent);
      this.addCancelTasksOnDelete(props.fileSystem, handler, logGroup, role, schedule);
    }
  }

  /**
   * Lets the grantee write and read checkpoints on the tier the training script writes to: the
   * directory bucket's checkpoints root (ReadWrite sessions), or the lake's checkpoints location.
   * On Lustre, writes go over the network, not IAM: the grant is empty (use the file system's
   * `connections`), and restoring from the lake needs `grantRead`.
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    if (this.kind === CheckpointTierKind.LUSTRE) {
      return iam.Grant.drop(grantee, 'FSx for Lustre is reached over the network: allow the client in the file system\'s connections');
    }
    return (this.cacheLocation ?? this.lakeLocation).grantReadWrite(grantee);
  }

  /**
   * Lets the grantee list and read checkpoints wherever they can be restored from: the lake's
   * checkpoints location, and the directory bucket's checkpoints root on an Express tier.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    const lake = this.lakeLocation.grantRead(grantee);
    return this.cacheLocation ? lake.combine(this.cacheLocation.grantRead(grantee)) : lake;
  }

  /** What a training script needs to write and find checkpoints. */
  public get clientSettings(): CheckpointClientSettings {
    const lustre = this.kind === CheckpointTierKind.LUSTRE;
    const writeLocation = this.cacheLocation ?? this.lakeLocation;
    const writeTo = lustre ? this.fileSystemPath!.replace(/^\//, '') : writeLocation.s3Uri;
    const lakeUri = this.lakeLocation.s3Uri;
    const region = Stack.of(this).region;
    const mountpointOptions = lustre ? [] : [
      ...(writeLocation.prefix === '' ? [] : ['--prefix', writeLocation.prefix]),
      '--region', region,
      ...(this.kind === CheckpointTierKind.EXPRESS ? ['--incremental-upload', '--upload-checksums', 'crc64nvme'] : []),
    ];
    return {
      writeTo,
      lakeUri,
      layout: this.layout,
      completionMarker: this.completionMarker,
      region,
      sizeManifest: this.sizeManifest,
      sizeManifestCommand: this.sizeManifest === undefined ? undefined : sizeManifestCommand(this.sizeManifest),
      mountpointOptions,
      environment: {
        CHECKPOINT_WRITE_TO: writeTo,
        CHECKPOINT_LAKE_URI: lakeUri,
        CHECKPOINT_LAYOUT: this.layout,
        CHECKPOINT_MARKER: this.completionMarker,
        CHECKPOINT_REGION: region,
        ...(this.sizeManifest === undefined ? {} : { CHECKPOINT_SIZE_MANIFEST: this.sizeManifest }),
      },
    };
  }

  /**
   * The Mountpoint for Amazon S3 command that mounts the tier's write location at `mountPath` for a
   * checkpoint writer (Express and lake tiers): `mount-s3 <bucket> <mountPath> <mountpointOptions>`.
   * A Lustre tier is mounted as a Lustre file system instead (the `LustreScratch`'s mount helpers).
   */
  public mountpointCommand(mountPath: string): string {
    if (this.kind === CheckpointTierKind.LUSTRE) {
      throw TrainingStorageError.invalidProperty(this, 'fileSystem', this.node.path,
        'an Express or lake tier: a Lustre tier is mounted with the LustreScratch\'s mount helpers, not Mountpoint');
    }
    if (!Token.isUnresolved(mountPath) && !/^\/[A-Za-z0-9._\-/]*$/.test(mountPath)) {
      throw TrainingStorageError.invalidProperty(this, 'mountPath', renderValue(mountPath), 'an absolute path of letters, digits, ".", "_", "-" and "/"');
    }
    const location = this.cacheLocation ?? this.lakeLocation;
    return ['mount-s3', location.bucketName, mountPath, ...this.clientSettings.mountpointOptions].join(' ');
  }

  /** A metric of this tier's checkpoints, published by its handler (namespace `CdkTrainingStorage/Checkpoints`). */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: CHECKPOINT_METRIC_NAMESPACE,
      metricName,
      dimensionsMap: { [CHECKPOINT_METRIC_DIMENSION]: this.node.path },
      statistic: cloudwatch.Stats.MAXIMUM,
      ...props,
    });
  }

  /** Seconds since the newest complete checkpoint's marker reached the lake (Maximum). */
  public metricNewestCheckpointAge(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(CHECKPOINT_METRICS.newestAge, props);
  }

  /** Incomplete checkpoints found by the last run (Maximum). */
  public metricIncompleteCheckpoints(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric(CHECKPOINT_METRICS.incomplete, props);
  }

  /**
   * One tier per lake: two tiers would share the lake's checkpoints root, each counting (and, on
   * Express, overwriting) the other's checkpoints.
   */
  private checkOneTierPerLake(props: CheckpointTierProps): void {
    const other = this.node.root.node.findAll().find((construct) => construct !== this && construct instanceof CheckpointTier
      && (construct as CheckpointTier).lakeLocation.bucket === props.lake.checkpoints.bucket);
    if (other) {
      throw TrainingStorageError.invalidProperty(this, 'lake', props.lake.node.path,
        `a lake no other CheckpointTier uses (${other.node.path} does): tiers on one lake would share its checkpoints root, `
        + 'each counting and overwriting the other\'s checkpoints; give each tier its own TrainingDataLake');
    }
  }

  private checkLayout(layout: string): string {
    const problem = rules.layoutProblem(layout);
    if (problem) {
      throw TrainingStorageError.invalidProperty(this, 'layout', renderValue(layout), problem);
    }
    return layout;
  }

  private checkMarker(marker: string): string {
    const problem = rules.markerProblem(marker);
    if (problem) {
      throw TrainingStorageError.invalidProperty(this, 'completionMarker', renderValue(marker), problem);
    }
    return marker;
  }

  private checkSizeManifest(name: string): string {
    if (!/^[A-Za-z0-9._-]+$/.test(name) || name === '.' || name === '..' || name === this.completionMarker) {
      throw TrainingStorageError.invalidProperty(this, 'sizeManifest', renderValue(name),
        `a file name in the checkpoint's directory (letters, digits, ".", "_" and "-"; not "." or ".."), other than the completion marker ${this.completionMarker}`);
    }
    return name;
  }

  private checkKeepLatest(keep: number): number {
    const problem = rules.keepLatestProblem(keep);
    if (problem) {
      throw TrainingStorageError.invalidProperty(this, 'keepLatest', renderValue(keep), problem);
    }
    return keep;
  }

  /** Props of one tier given to another are mistakes: say so rather than ignore them. */
  private checkTierProps(props: CheckpointTierProps): void {
    const lustreOnly: Array<keyof CheckpointTierProps> = ['fileSystemPath', 'releaseInterval', 'releaseWhenFreeCapacityBelowPercent',
      'releaseSettleTime', 'releaseUnreadFor', 'releaseReports', 'sizeManifest', 'requireSizeManifest'];
    const expressOnly: Array<keyof CheckpointTierProps> = ['cachePrefix', 'copyInterval', 'abortIncompleteUploadsAfter', 'copyConcurrency'];
    const misplaced = [
      ...(this.kind === CheckpointTierKind.LUSTRE ? [] : lustreOnly.filter((name) => props[name] !== undefined).map((name) => [name, 'fileSystem'])),
      ...(this.kind === CheckpointTierKind.EXPRESS ? [] : expressOnly.filter((name) => props[name] !== undefined).map((name) => [name, 'cache'])),
    ];
    if (misplaced.length > 0) {
      const [name, needs] = misplaced[0];
      throw TrainingStorageError.invalidProperty(this, name, renderValue(props[name as keyof CheckpointTierProps]),
        `nothing without ${needs}: it applies to the ${needs === 'fileSystem' ? 'Lustre' : 'Express'} tier only`);
    }
  }

  private checkFileSystemPath(path: string): string {
    if (Token.isUnresolved(path)) {
      throw TrainingStorageError.invalidProperty(this, 'fileSystemPath', 'a token', 'a literal path: the handler derives task paths from it');
    }
    if (!/^\/[A-Za-z0-9._\-/]*$/.test(path) || path === '/' || path.endsWith('/') || path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..')) {
      throw TrainingStorageError.invalidProperty(this, 'fileSystemPath', renderValue(path),
        'an absolute directory below the root, such as "/checkpoints": no trailing "/", no empty, "." or ".." segments');
    }
    return path;
  }

  private wholeMinutes(property: string, duration: Duration, min: number, max?: number): Duration {
    const minutes = duration.toMinutes({ integral: false });
    if (!Number.isInteger(minutes) || minutes < min || (max !== undefined && minutes > max)) {
      throw TrainingStorageError.invalidProperty(this, property, duration.toHumanString(),
        `whole minutes, at least ${min}${max === undefined ? '' : ` and at most ${max} (${max / 60} hours)`}`);
    }
    return duration;
  }

  /**
   * The association that exports the checkpoints: one the user added for the same path and lake
   * location (it must export new, changed and deleted files), or a new one.
   */
  private linkFileSystem(fileSystem: LustreScratch, fileSystemPath: string): fsx.CfnDataRepositoryAssociation {
    const problem = rules.releaseProblem(fileSystem.deploymentType, fileSystem.storageType, fileSystem.lustreVersion);
    if (problem) {
      throw TrainingStorageError.invalidProperty(this, 'fileSystem', `${fileSystem.node.path} (${problem.received})`, problem.allowed);
    }
    const stack = Stack.of(this);
    const wantedRepository = stack.resolve(this.lakeLocation.s3Uri);
    const existing = fileSystem.dataRepositories.find((association) =>
      JSON.stringify(stack.resolve(association.dataRepositoryPath)) === JSON.stringify(wantedRepository)
      || stack.resolve(association.fileSystemPath) === fileSystemPath);
    if (existing) {
      if (stack.resolve(existing.fileSystemPath) !== fileSystemPath
        || JSON.stringify(stack.resolve(existing.dataRepositoryPath)) !== JSON.stringify(wantedRepository)) {
        throw TrainingStorageError.invalidProperty(this, 'fileSystemPath', renderValue(fileSystemPath),
          `the path of the association ${existing.node.path} that links the lake's checkpoints location (one association per path and location)`);
      }
      const exported = (stack.resolve(existing.s3) as { autoExportPolicy?: { events?: string[] } } | undefined)?.autoExportPolicy?.events ?? [];
      const needed = [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED];
      const missing = needed.filter((event) => !exported.includes(event));
      if (missing.length > 0) {
        throw TrainingStorageError.invalidProperty(this, 'fileSystem', `${existing.node.path} exporting ${renderValue(exported)}`,
          `an association that exports NEW, CHANGED and DELETED: checkpoints are released only once exported (missing ${missing.join(', ')})`);
      }
      return existing;
    }
    return fileSystem.addDataRepository({
      location: this.lakeLocation,
      fileSystemPath,
      autoImport: [],
      autoExport: [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED],
      batchImportMetaDataOnCreate: false,
    });
  }

  /** CreateDataRepositoryTask on this file system only; DescribeDataRepositoryTasks has no resource type. */
  private grantRelease(role: iam.Role, fileSystem: LustreScratch): void {
    const stack = Stack.of(this);
    // Service Authorization Reference, Amazon FSx: CreateDataRepositoryTask takes the file-system and
    // task resource types; DescribeDataRepositoryTasks none (https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonfsx.html).
    const taskArns = stack.formatArn({ service: 'fsx', resource: 'task', resourceName: '*' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['fsx:CreateDataRepositoryTask'],
      resources: [fileSystem.fileSystemArn, taskArns],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['fsx:CancelDataRepositoryTask'],
      resources: [taskArns],
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['fsx:DescribeDataRepositoryTasks'], resources: ['*'] }));
    acknowledgeWildcards(role, [taskArns, '*'],
      'Data repository task IDs are made by FSx when a task is created; DescribeDataRepositoryTasks has no resource type (the handler filters by file system).');
  }

  private grantLakeCopies(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts'],
      resources: [this.lakeLocation.objectsArn],
    }));
    this.lakeLocation.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
  }

  private grantMetrics(role: iam.Role): void {
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': CHECKPOINT_METRIC_NAMESPACE } },
    }));
    acknowledgeWildcards(role, ['*'], 'PutMetricData has no resource type; the statement is limited to the tier\'s metric namespace.');
  }

  private addAbortRule(cache: IExpressCache, prefix: string, after: Duration): void {
    const days = wholeDays(this, 'abortIncompleteUploadsAfter', after, { min: 1 });
    if (cache instanceof ExpressCache) {
      cache.addLifecycleRule({ id: `CheckpointTier-${this.node.addr.slice(0, 8)}`, prefix, abortIncompleteMultipartUploadAfter: Duration.days(days) } as s3.LifecycleRule);
    }
  }

  private addLowCapacityTrigger(fileSystem: LustreScratch, handler: lambda.IFunction, percent?: number): cloudwatch.Alarm | undefined {
    const threshold = percent ?? CHECKPOINT_TIER_DEFAULTS.releaseWhenFreeCapacityBelowPercent;
    if (!Number.isFinite(threshold) || threshold < 1 || threshold > 99) {
      throw TrainingStorageError.invalidProperty(this, 'releaseWhenFreeCapacityBelowPercent', renderValue(threshold), 'a percentage from 1 to 99');
    }
    const capacity = fileSystem.storageCapacityGiB;
    if (capacity === undefined || Token.isUnresolved(capacity)) {
      if (percent !== undefined) {
        throw TrainingStorageError.invalidProperty(this, 'releaseWhenFreeCapacityBelowPercent', renderValue(percent),
          'nothing for a file system whose capacity is not known at synth time');
      }
      return undefined;
    }
    const alarm = new cloudwatch.Alarm(this, 'LowCapacityAlarm', {
      alarmDescription: `CheckpointTier ${this.node.path}: less than ${threshold}% of ${capacity} GiB free on ${fileSystem.node.path}; releases old checkpoints`,
      // FreeDataStorageCapacity is in bytes, one data point per storage target; their Sum over one
      // minute is the file system's total (a longer period would add up several minutes).
      metric: fileSystem.metricFreeDataStorageCapacity({ period: Duration.minutes(1), statistic: cloudwatch.Stats.SUM }),
      threshold: Math.floor(capacity * 1024 ** 3 * threshold / 100),
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 3,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    // The alarm's state change reaches the handler through EventBridge (CloudWatch sends alarm
    // state changes to the default event bus, source aws.cloudwatch:
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/cloudwatch-and-eventbridge.html).
    new events.Rule(this, 'LowCapacityRule', {
      description: `CheckpointTier ${this.node.path}: release when free capacity is low`,
      eventPattern: {
        source: ['aws.cloudwatch'],
        detailType: ['CloudWatch Alarm State Change'],
        resources: [alarm.alarmArn],
        detail: { state: { value: ['ALARM'] } },
      },
      targets: [new eventsTargets.LambdaFunction(handler, { retryAttempts: 2 })],
    });
    acknowledgeFinding(alarm.node.defaultChild!, 'cdk-validator-cfnguard::cloudwatch_alarm_action_check',
      'The alarm\'s action is the EventBridge rule LowCapacityRule, which matches its state change and runs the release.');
    return alarm;
  }

  /**
   * A custom resource that, when the stack deletes it, cancels the file system's pending and running
   * data repository tasks and waits for them to end. It depends on the file system (deleted before
   * it), and the schedule depends on it (the schedule is gone before the cancel runs).
   */
  private addCancelTasksOnDelete(fileSystem: LustreScratch, handler: lambda.Function, logGroup: logs.ILogGroup, role: iam.Role,
    schedule: scheduler.Schedule): void {
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      logGroup,
      frameworkOnEventRole: createFrameworkRole(this, 'FrameworkOnEventRole', logGroup, false),
    });
    const resource = new CustomResource(this, 'CancelTasks', {
      resourceType: CANCEL_TASKS_RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      properties: { FileSystemId: fileSystem.fileSystemId, AccountId: Aws.ACCOUNT_ID },
    });
    resource.node.addDependency(fileSystem);
    resource.node.addDependency(role);
    schedule.node.addDependency(resource);
    for (const child of this.node.children) {
      if (child instanceof events.Rule) {
        child.node.addDependency(resource);
      }
    }
    acknowledgeFrameworkInvokes(provider, [handler],
      'The Provider framework invokes the checkpoint handler and its versions (aws-cdk-lib grantInvoke adds <arn>:*).');
    acknowledgeOutsideVpc(frameworkFunctions(provider), 'Runs outside a VPC: the Provider framework only invokes the handler and answers CloudFormation.');
  }
}
