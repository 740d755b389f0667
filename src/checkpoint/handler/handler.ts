/**
 * The checkpoint handler (runtime: the SDK, the contract and pure modules; never constructs). One
 * function per CheckpointTier, run by EventBridge Scheduler and, on Lustre, by the low-capacity
 * alarm's EventBridge rule; on Lustre it also serves the custom resource that cancels running data
 * repository tasks when the stack deletes the tier. Each run does its tier's work, then publishes
 * the metrics the tier's alarm watches.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FSxClient } from '@aws-sdk/client-fsx';
import { S3Client } from '@aws-sdk/client-s3';
import { CancelTasksResourceProperties, CheckpointHandlerConfig, CheckpointHandlerEvent, CheckpointRunSummary, RunOutcome } from './contract';
import { OnEventResponse, ProviderEvent } from '../../core/provider-event';
import { newestCompleteMs } from '../rules';
import { onCancelTasksEvent } from '../runtime/cancel-tasks';
import { runCopyOut } from '../runtime/copy-out';
import { listCheckpoints } from '../runtime/listing';
import { publishRunMetrics } from '../runtime/metrics';
import { runRelease } from '../runtime/release';

/** What the handler needs from the outside world. */
export interface CheckpointHandlerDeps {
  /** For the lake, and for the directory bucket (made with the copy engine's createS3Client). */
  readonly s3: S3Client;
  readonly fsx: FSxClient;
  readonly cloudwatch: CloudWatchClient;
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** Epoch milliseconds by which a run must return. */
  readonly deadlineMs: number;
}

/** Reads and checks the configuration the construct wrote into the environment. */
export function parseConfig(raw: string | undefined): CheckpointHandlerConfig {
  if (!raw) {
    throw new Error('CHECKPOINT_TIER_CONFIG is not set: the function must be deployed by CheckpointTier');
  }
  const config = JSON.parse(raw) as CheckpointHandlerConfig;
  if (!config.tier || !config.scheme || !config.lake?.bucket || config.lake.root === undefined) {
    throw new Error('CHECKPOINT_TIER_CONFIG lacks tier, scheme or lake: the function must be deployed by CheckpointTier');
  }
  if (config.lustre && config.express) {
    throw new Error('CHECKPOINT_TIER_CONFIG names both a Lustre and an Express tier');
  }
  return config;
}

function isProviderEvent(event: unknown): event is ProviderEvent<CancelTasksResourceProperties> {
  return typeof event === 'object' && event !== null && 'RequestType' in event;
}

/** The lake tier's run: it measures the lake's checkpoints (nothing to copy or release). */
export async function runLakeOnly(config: CheckpointHandlerConfig, deps: Pick<CheckpointHandlerDeps, 's3'>): Promise<RunOutcome> {
  const scheme = { root: config.lake.root, layout: config.scheme.layout, marker: config.scheme.marker };
  const listing = await listCheckpoints(deps.s3, config.lake.bucket, scheme);
  const complete = listing.checkpoints.filter((checkpoint) => checkpoint.complete);
  const summary: CheckpointRunSummary = {
    tier: config.tier,
    lakeComplete: complete.length,
    incomplete: listing.checkpoints.length - complete.length,
    released: 0,
    copied: 0,
    deleted: 0,
    problems: [],
  };
  return { summary, newestCompleteMs: newestCompleteMs(listing.checkpoints) };
}

/** Handles one event: the deletion custom resource, or a run of the tier (scheduled or triggered). */
export async function onEvent(event: unknown, config: CheckpointHandlerConfig,
  deps: CheckpointHandlerDeps): Promise<OnEventResponse | CheckpointRunSummary> {
  if (isProviderEvent(event)) {
    if (!config.lustre) {
      throw new Error(`${event.RequestType} of ${event.LogicalResourceId}: only a Lustre tier has a custom resource`);
    }
    return onCancelTasksEvent(event, deps);
  }
  const trigger = (event as CheckpointHandlerEvent | undefined)?.trigger ?? (event as CheckpointHandlerEvent | undefined)?.['detail-type'] ?? 'invoke';
  deps.log(`run of ${config.tier} (${trigger})`);
  const outcome = config.lustre ? await runRelease(config, deps)
    : config.express ? await runCopyOut(config, deps)
      : await runLakeOnly(config, deps);
  await publishRunMetrics(deps.cloudwatch, config.tier, outcome, deps.nowMs());
  deps.log(JSON.stringify(outcome.summary));
  return outcome.summary;
}
