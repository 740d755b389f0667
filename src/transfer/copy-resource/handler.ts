/**
 * The DatasetCopy custom resource, as plain functions over injected clients: the Lambda entry point
 * (copy-handler.lambda.ts) is a thin wrapper, and the tests call these directly.
 *
 * The Provider framework calls `onEvent` once and `isComplete` until it says so (or the total
 * timeout passes). Each `isComplete` call of the Lambda engine copies until its time budget is
 * spent; the next call resumes by sync (objects already copied are skipped), so a copy longer than
 * one invocation continues across invocations.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { CopyResourceProperties } from './contract';
import { displayKey } from '../../core/listed-keys';
import { OnEventResponse, ProviderEvent } from '../../core/provider-event';
import { isDirectoryBucketName } from '../../core/s3-names';
import { copyDataset } from '../engine/engine';
import { MAX_COPY_OBJECT_BYTES } from '../engine/parts';
import { CopyResult, OverwritePolicy } from '../engine/types';

/** What the handler needs from the outside world. */
export interface HandlerDeps {
  /** An S3 client for a region. */
  readonly s3: (region: string) => S3Client;
  /** An S3 Control client for a region. */
  readonly s3control: (region: string) => S3ControlClient;
  /** Milliseconds this invocation may still run. */
  readonly remainingTimeMs: () => number;
  /** Logs a line. */
  readonly log: (message: string) => void;
  /** The clock. @default Date.now */
  readonly now?: () => number;
}

/** The CloudFormation event, as the Provider framework passes it. */
export interface CopyEvent extends ProviderEvent<CopyResourceProperties> {
  /** What onEvent returned (isComplete only). */
  readonly Data?: Record<string, string>;
}

export type { OnEventResponse };

export interface IsCompleteResponse {
  readonly IsComplete: boolean;
  readonly Data?: Record<string, string>;
}

/** Time kept back at the end of an invocation to stop cleanly and answer. */
export const SAFETY_MARGIN_MS = 60_000;
/** CloudFormation answers are capped at 4096 bytes: error messages stay well below. */
const MAX_REASON_CHARS = 1500;

/** Starts the work (Batch Operations job) or nothing (Lambda engine: isComplete copies). */
export async function onEvent(event: CopyEvent, deps: HandlerDeps): Promise<OnEventResponse> {
  const p = event.ResourceProperties;
  const physicalResourceId = event.PhysicalResourceId ?? `dataset-copy:${p.DestinationBucket}/${p.DestinationPrefix}`;
  if (event.RequestType === 'Delete') {
    // Copied data stays: deleting the copy resource never deletes objects.
    deps.log(`Delete: the copied objects under s3://${p.DestinationBucket}/${p.DestinationPrefix} stay`);
    return { PhysicalResourceId: physicalResourceId };
  }
  if (p.Engine === 'BATCH_OPERATIONS') {
    const jobId = await createBatchJob(event, deps);
    deps.log(`started S3 Batch Operations job ${jobId}`);
    return { PhysicalResourceId: physicalResourceId, Data: { JobId: jobId } };
  }
  return { PhysicalResourceId: physicalResourceId };
}

/** Copies (Lambda engine) or checks the job (Batch Operations), then copies what Batch cannot. */
export async function isComplete(event: CopyEvent, deps: HandlerDeps): Promise<IsCompleteResponse> {
  if (event.RequestType === 'Delete') {
    return { IsComplete: true };
  }
  const p = event.ResourceProperties;
  if (p.Engine === 'BATCH_OPERATIONS') {
    const jobId = event.Data?.JobId;
    if (!jobId) {
      throw new Error('no Batch Operations job id from onEvent');
    }
    if (p.WaitForBatchJob !== 'false') {
      const job = await deps.s3control(p.DestinationRegion).send(new DescribeJobCommand({ AccountId: p.AccountId, JobId: jobId }));
      const status = job.Job?.Status;
      deps.log(`job ${jobId}: ${status}, ${JSON.stringify(job.Job?.ProgressSummary ?? {})}`);
      if (status === 'Failed' || status === 'Cancelled') {
        throw new Error(truncate(`S3 Batch Operations job ${jobId} ${status}: ${(job.Job?.FailureReasons ?? []).map((f) => `${f.FailureCode}: ${f.FailureReason}`).join('; ')}`
          + ` (report: ${p.ReportBucketArn}/${p.ReportPrefix ?? ''})`));
      }
      if (status !== 'Complete') {
        return { IsComplete: false };
      }
      const failed = job.Job?.ProgressSummary?.NumberOfTasksFailed ?? 0;
      if (failed > 0) {
        throw new Error(`S3 Batch Operations job ${jobId} completed with ${failed} failed task(s): see the completion report in ${p.ReportBucketArn}/${p.ReportPrefix ?? ''}`);
      }
    }
    // Batch Operations' Copy stops at 5 GB: larger objects go through UploadPartCopy here.
    return runEngine(event, deps, { onlyLargerThanBytes: MAX_COPY_OBJECT_BYTES, batchKeys: true });
  }
  return runEngine(event, deps, {});
}

interface RunOptions {
  /** Copy only objects larger than this. */
  readonly onlyLargerThanBytes?: number;
  /** Destination keys follow Batch Operations: `<destination prefix><full source key>`. */
  readonly batchKeys?: boolean;
}

async function runEngine(event: CopyEvent, deps: HandlerDeps, run: RunOptions): Promise<IsCompleteResponse> {
  const p = event.ResourceProperties;
  const now = deps.now ?? Date.now;
  const budgetMs = deps.remainingTimeMs() - SAFETY_MARGIN_MS;
  if (budgetMs <= 0) {
    return { IsComplete: false };
  }
  const result: CopyResult = await copyDataset(
    { bucket: p.SourceBucket, prefix: run.batchKeys ? '' : p.SourcePrefix },
    { bucket: p.DestinationBucket, prefix: p.DestinationPrefix },
    {
      sourceClient: deps.s3(p.SourceRegion),
      destinationClient: deps.s3(p.DestinationRegion),
      keys: run.batchKeys ? undefined : p.Keys,
      listPrefix: run.batchKeys ? p.SourcePrefix : undefined,
      renames: p.Renames,
      include: run.onlyLargerThanBytes === undefined ? undefined : (_key, sizeBytes) => sizeBytes > run.onlyLargerThanBytes!,
      concurrency: Number(p.Concurrency),
      overwrite: parseOverwrite(p.Overwrite),
      storageClass: p.StorageClass,
      sseKmsKeyId: p.SseKmsKeyId,
      deadline: now() + budgetMs,
      now,
      onEvent: (e) => {
        if (e.type === 'object' && e.outcome === 'failed') {
          deps.log(`failed: ${e.key}: ${e.reason}`);
        } else if (e.type === 'retry' && e.attempt >= 3) {
          deps.log(`retry ${e.attempt} of ${e.operation} ${e.key}: ${e.error}`);
        }
      },
    },
  );
  deps.log(`copied ${result.objectsCopied}, skipped ${result.objectsSkipped}, failed ${result.failures.length}, `
    + `listed ${result.objectsListed}${result.stoppedEarly ? ' (time budget spent: continuing in the next call)' : ''}`);
  if (result.failures.length > 0) {
    const keys = result.failures.map((f) => `${displayKey(f.key)} (${f.error})`).join('; ');
    throw new Error(truncate(`${result.failures.length} object(s) failed after retries: ${keys}`));
  }
  if (!result.complete) {
    return { IsComplete: false };
  }
  return {
    IsComplete: true,
    Data: {
      ObjectsCopied: String(result.objectsCopied),
      ObjectsSkipped: String(result.objectsSkipped),
      BytesCopied: String(result.bytesCopied),
    },
  };
}

async function createBatchJob(event: CopyEvent, deps: HandlerDeps): Promise<string> {
  const p = event.ResourceProperties;
  if (!p.AccountId || !p.BatchRoleArn || !p.ReportBucketArn) {
    throw new Error('the Batch Operations engine needs AccountId, BatchRoleArn and ReportBucketArn');
  }
  const response = await deps.s3control(p.DestinationRegion).send(new CreateJobCommand({
    AccountId: p.AccountId,
    ConfirmationRequired: false,
    Priority: 10,
    RoleArn: p.BatchRoleArn,
    // Idempotent per CloudFormation request: a retried onEvent does not start a second job.
    ClientRequestToken: event.RequestId,
    Description: `DatasetCopy ${event.LogicalResourceId}: s3://${p.SourceBucket}/${p.SourcePrefix} to s3://${p.DestinationBucket}/${p.DestinationPrefix}`.slice(0, 256),
    Operation: {
      S3PutObjectCopy: {
        TargetResource: targetBucketArn(partitionOf(p.BatchRoleArn), p.DestinationBucket, p.DestinationRegion, p.AccountId),
        TargetKeyPrefix: p.DestinationPrefix === '' ? undefined : p.DestinationPrefix.replace(/\/$/, ''),
        MetadataDirective: 'COPY',
        StorageClass: p.StorageClass as never,
        SSEAwsKmsKeyId: p.SseKmsKeyId,
        // Bucket keys do not apply to copies into directory buckets (S3 Express One Zone).
        BucketKeyEnabled: p.SseKmsKeyId && !isDirectoryBucketName(p.DestinationBucket) ? true : undefined,
      },
    },
    Report: {
      Enabled: true,
      Bucket: p.ReportBucketArn,
      Prefix: p.ReportPrefix,
      Format: 'Report_CSV_20180820',
      ReportScope: 'FailedTasksOnly',
    },
    ManifestGenerator: {
      S3JobManifestGenerator: {
        SourceBucket: `arn:${partitionOf(p.BatchRoleArn)}:s3:::${p.SourceBucket}`,
        EnableManifestOutput: false,
        Filter: {
          KeyNameConstraint: p.SourcePrefix === '' ? undefined : { MatchAnyPrefix: [p.SourcePrefix] },
          // Batch Operations' Copy handles objects up to 5 GB; isComplete copies the larger ones.
          ObjectSizeLessThanBytes: MAX_COPY_OBJECT_BYTES + 1,
        },
      },
    },
  }));
  if (!response.JobId) {
    throw new Error('S3 Control CreateJob returned no job id');
  }
  return response.JobId;
}

function parseOverwrite(value: string): OverwritePolicy {
  const policy = Object.values(OverwritePolicy).find((v) => v === value);
  if (!policy) {
    throw new Error(`Overwrite ${JSON.stringify(value)} is not one of ${Object.values(OverwritePolicy).join(', ')}`);
  }
  return policy;
}

/**
 * The ARN of the copy's destination bucket. An S3 Express One Zone directory bucket (a name ending
 * with `--x-s3`) has an `s3express` ARN with region and account: Batch Operations' Copy takes
 * `arn:<partition>:s3express:<region>:<account>:bucket/<name>` as its TargetResource (Amazon S3
 * API Reference, S3 Control `S3CopyObjectOperation.TargetResource`: general purpose buckets
 * `arn:aws:s3:::<name>`, directory buckets the `s3express` ARN in the same parent Region).
 */
export function targetBucketArn(partition: string, bucket: string, region: string, accountId: string): string {
  return isDirectoryBucketName(bucket)
    ? `arn:${partition}:s3express:${region}:${accountId}:bucket/${bucket}`
    : `arn:${partition}:s3:::${bucket}`;
}

function partitionOf(arn: string): string {
  return arn.split(':')[1] ?? 'aws';
}

function truncate(text: string): string {
  return text.length <= MAX_REASON_CHARS ? text : `${text.slice(0, MAX_REASON_CHARS - 3)}...`;
}
