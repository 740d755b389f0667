/**
 * The planner's contract: what a training workload is, and what the planner answers for each
 * storage candidate. Pure types, without CDK imports: the planner (`planner.ts`), the command line
 * (`plan`) and the `TrainingPipeline` construct share them. Units are in the names.
 */

/** A training workload: the model, its checkpoints, its data, its GPUs and how long it runs. */
export interface TrainingWorkload {
  /** The model's parameters, such as `70e9`. */
  readonly modelParameters: number;

  /**
   * Bytes of checkpoint state per parameter.
   *
   * @default 16 - mixed-precision training with Adam: fp16/bf16 weights (2) and gradients (2), and
   *   the fp32 master weights, momentum and variance (12), as the ZeRO paper counts them
   */
  readonly checkpointBytesPerParameter?: number;

  /** Seconds between two checkpoints. */
  readonly checkpointIntervalSeconds: number;

  /**
   * The share of the checkpoint interval the GPUs may wait for a checkpoint write, above 0 and
   * below 1.
   *
   * @default 0.01 - 1%
   */
  readonly allowedStallFraction?: number;

  /** The dataset's size, bytes. */
  readonly datasetSizeBytes: number;

  /**
   * The typical size of one dataset object or file, bytes: with S3's request rates it bounds the
   * read throughput of the S3 tiers.
   *
   * @default 67108864 (64 MiB)
   */
  readonly typicalObjectSizeBytes?: number;

  /** What each GPU reads while training, MB/s (10^6 bytes per second). */
  readonly readMBpsPerGpu: number;

  /** The number of GPU instances. */
  readonly instanceCount: number;

  /** The EC2 instance type, such as `p5.48xlarge` (its GPUs and network from the library's instance table). */
  readonly instanceType: string;

  /**
   * The price of one GPU instance-hour, USD.
   *
   * @default - the planner's figure for the instance type (an error for a type it has none for)
   */
  readonly gpuInstanceHourPriceUsd?: number;

  /** How long the training run lasts, hours. */
  readonly runLengthHours: number;

  /**
   * The Region, for prices.
   *
   * @default 'us-east-1'
   */
  readonly region?: string;

  /**
   * Complete checkpoints kept on the fast tier (a `CheckpointTier`'s `keepLatest`): the tier holds
   * this many next to the dataset.
   *
   * @default 2
   */
  readonly checkpointsKept?: number;
}

/** The storage a candidate puts next to the GPUs. */
export enum StorageTierKind {
  /** FSx for Lustre PERSISTENT_2 (SSD), linked to the lake. */
  LUSTRE_PERSISTENT_2 = 'LUSTRE_PERSISTENT_2',
  /** FSx for Lustre SCRATCH_2, linked to the lake. */
  LUSTRE_SCRATCH_2 = 'LUSTRE_SCRATCH_2',
  /** An S3 Express One Zone directory bucket in the GPUs' zone. */
  S3_EXPRESS = 'S3_EXPRESS',
  /** The lake alone, through Mountpoint or the S3 connector for PyTorch. */
  LAKE = 'LAKE',
}

/** What one storage candidate gives the workload, and what it costs. */
export interface StorageCandidate {
  /** The tier. */
  readonly tier: StorageTierKind;
  /** Whether it meets both the read rate and the checkpoint stall target. */
  readonly feasible: boolean;
  /** Why it is (or is not) feasible, in words with the figures. */
  readonly reason: string;
  /** The size of one checkpoint, bytes. */
  readonly checkpointSizeBytes: number;
  /** The time to write one checkpoint, seconds. */
  readonly checkpointWriteSeconds: number;
  /** The share of each checkpoint interval the GPUs wait for the write. */
  readonly checkpointStallFraction: number;
  /** What all the GPUs read together, MB/s. */
  readonly requiredReadMBps: number;
  /** What the tier delivers to them, MB/s. */
  readonly providedReadMBps: number;
  /** The file system's capacity, GiB (Lustre; a valid FSx capacity). */
  readonly storageCapacityGiB?: number;
  /** The throughput per TiB, MB/s/TiB (Lustre PERSISTENT_2). */
  readonly perUnitStorageThroughput?: number;
  /** The tier's storage cost for a month, USD. */
  readonly monthlyStorageCostUsd: number;
  /** The tier's storage cost for the run, USD. */
  readonly runStorageCostUsd: number;
  /** What the GPUs cost while they wait for checkpoints and data over the run, USD. */
  readonly idleGpuCostUsd: number;
  /** The run's storage cost plus the idle GPU cost, USD. */
  readonly totalCostUsd: number;
  /** The figures used that are estimates, by name. */
  readonly estimates: string[];
}

/** The planner's answer. */
export interface StoragePlan {
  /** Every candidate, in the planner's order. */
  readonly candidates: StorageCandidate[];
  /**
   * The feasible candidate with the lowest total cost.
   *
   * @default - none: no candidate is feasible (see `reason`)
   */
  readonly recommendation?: StorageCandidate;
  /** Why the recommendation won, or why none is feasible, in words. */
  readonly reason: string;
}
