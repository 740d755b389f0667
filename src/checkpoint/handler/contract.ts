/**
 * The contract between CheckpointTier (which writes the handler's configuration into its
 * environment) and the checkpoint handler (which reads it). One handler serves the three tiers:
 * it releases old checkpoints from Lustre, copies checkpoints out of an Express directory bucket
 * and deletes the verified old ones, and, for every tier, publishes the age of the newest complete
 * checkpoint in the lake.
 * @internal
 */

/** The environment variable that holds the JSON configuration. @internal */
export const CHECKPOINT_CONFIG_ENV = 'CHECKPOINT_TIER_CONFIG';

/** The custom resource that cancels a file system's running data repository tasks on deletion. @internal */
export const CANCEL_TASKS_RESOURCE_TYPE = 'Custom::CheckpointTierCancelTasks';

/** The properties of that custom resource. @internal */
export interface CancelTasksResourceProperties {
  readonly FileSystemId: string;
  readonly AccountId: string;
}

/** The CloudWatch namespace of the handler's metrics. @internal */
export const CHECKPOINT_METRIC_NAMESPACE = 'CdkTrainingStorage/Checkpoints';

/**
 * The handler's metrics (dimension `Tier`: the tier's construct path):
 * - `NewestCompleteCheckpointAgeSeconds`: now minus the newest complete checkpoint's marker time in
 *   the lake (not published while the lake holds no complete checkpoint: the alarm treats missing
 *   data as breaching);
 * - `IncompleteCheckpoints`: incomplete checkpoints found (on the fast tier, or in the lake);
 * - `ReleasedCheckpoints` / `DeletedCheckpoints`: checkpoints a run released or deleted.
 * @internal
 */
export const CHECKPOINT_METRICS = {
  newestAge: 'NewestCompleteCheckpointAgeSeconds',
  incomplete: 'IncompleteCheckpoints',
  released: 'ReleasedCheckpoints',
  deleted: 'DeletedCheckpoints',
} as const;

/** The metric dimension that names the tier. @internal */
export const CHECKPOINT_METRIC_DIMENSION = 'Tier';

/** Where checkpoints are recognised (see rules.ts). @internal */
export interface SchemeConfig {
  /** The layout pattern, such as `{run}/{step}/`. */
  readonly layout: string;
  /** The completion marker, relative to a checkpoint's directory. */
  readonly marker: string;
  /** Complete checkpoints per run kept on the fast tier. */
  readonly keepLatest: number;
}

/** The lake's side, for every tier. @internal */
export interface LakeConfig {
  readonly bucket: string;
  /** The checkpoints root in the lake: a key prefix ending with `/`. */
  readonly root: string;
}

/** The Lustre tier's side. @internal */
export interface LustreConfig {
  readonly fileSystemId: string;
  /** The association's file system path, such as `/checkpoints`. */
  readonly fileSystemPath: string;
  /** Milliseconds a checkpoint's objects in the lake stay unchanged before it is released. */
  readonly settleMs: number;
  /** Release only files not read for this many whole days (`DurationSinceLastAccess`). */
  readonly unreadForDays: number;
  /** The S3 path of failure reports (`s3://bucket/prefix/`), or undefined for none. */
  readonly reportPath?: string;
  /** Size manifests that verify exports; undefined: the settle time alone. */
  readonly sizeManifest?: SizeManifestConfig;
}

/** How the Lustre tier verifies exports. @internal */
export interface SizeManifestConfig {
  /** The manifest's name, relative to a checkpoint's directory. */
  readonly name: string;
  /** True: a checkpoint without a manifest in the lake is never released. */
  readonly required: boolean;
}

/** The Express tier's side. @internal */
export interface ExpressConfig {
  /** The directory bucket's name. */
  readonly bucket: string;
  /** The checkpoints root in the directory bucket: a key prefix ending with `/`. */
  readonly root: string;
  /** Concurrent copy requests. */
  readonly concurrency: number;
}

/** The whole configuration (`CHECKPOINT_TIER_CONFIG`). @internal */
export interface CheckpointHandlerConfig {
  /** The tier's construct path: the metrics' `Tier` dimension. */
  readonly tier: string;
  readonly scheme: SchemeConfig;
  readonly lake: LakeConfig;
  /** Set for a Lustre tier. */
  readonly lustre?: LustreConfig;
  /** Set for an Express tier. */
  readonly express?: ExpressConfig;
}

/** What triggered a run (the Scheduler's input, or an EventBridge alarm event). @internal */
export interface CheckpointHandlerEvent {
  /** `schedule` from the Scheduler; absent for EventBridge events (then `detail-type` says). */
  readonly 'trigger'?: string;
  readonly 'detail-type'?: string;
}

/** What a run did (returned, and logged). @internal */
export interface CheckpointRunSummary {
  readonly tier: string;
  /** Complete checkpoints in the lake, incomplete ones found, and what was released/copied/deleted. */
  readonly lakeComplete: number;
  readonly incomplete: number;
  readonly released: number;
  readonly copied: number;
  readonly deleted: number;
  /** Why the run stopped short (a running task, a deadline), if it did. */
  readonly waiting?: string;
  /** Problems that kept a checkpoint in place (verification failures), one line each. */
  readonly problems: readonly string[];
}

/** What a tier's run returns to the handler, which publishes the metrics. @internal */
export interface RunOutcome {
  readonly summary: CheckpointRunSummary;
  /** The newest complete checkpoint's marker time in the lake, if any (for the age metric). */
  readonly newestCompleteMs?: number;
}
