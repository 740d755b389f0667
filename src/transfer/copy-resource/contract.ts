/**
 * The resource properties of the DatasetCopy custom resource: the contract between the construct
 * (which writes them) and the handler (which reads them). CloudFormation passes every scalar as a
 * string, so numbers and booleans travel as strings.
 * @internal
 */
export interface CopyResourceProperties {
  readonly SourceBucket: string;
  /** Empty or ending with `/`. */
  readonly SourcePrefix: string;
  readonly DestinationBucket: string;
  /** Empty or ending with `/`. */
  readonly DestinationPrefix: string;
  /** Keys relative to SourcePrefix; absent for the whole prefix. */
  readonly Keys?: string[];
  /** Relative source key → relative destination key, for objects copied under another name. */
  readonly Renames?: Record<string, string>;
  /** `LAMBDA` or `BATCH_OPERATIONS`. */
  readonly Engine: string;
  readonly Concurrency: string;
  /** `IF_DIFFERENT`, `ALWAYS` or `NEVER`. */
  readonly Overwrite: string;
  readonly StorageClass?: string;
  readonly SseKmsKeyId?: string;
  readonly SourceRegion: string;
  readonly DestinationRegion: string;
  /**
   * The copy's own role: the stack's shared copy functions assume it and make every S3 and
   * S3 Control request of this copy with its credentials.
   */
  readonly CopyRoleArn?: string;
  /** Batch Operations only. */
  readonly AccountId?: string;
  readonly BatchRoleArn?: string;
  readonly ReportBucketArn?: string;
  readonly ReportPrefix?: string;
  /** `true`: the stack waits for the job; `false`: it only starts it. */
  readonly WaitForBatchJob?: string;
  /** Changes whenever the copy should run again although nothing else changed. */
  readonly Nonce?: string;
}

/** The custom resource type. @internal */
export const COPY_RESOURCE_TYPE = 'Custom::DatasetCopy';
