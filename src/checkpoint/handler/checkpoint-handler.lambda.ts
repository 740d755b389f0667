/**
 * Lambda entry point of CheckpointTier (bundled when the library is built; runs on Node.js 22+).
 * The configuration comes from the environment (CHECKPOINT_TIER_CONFIG, written by the construct).
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FSxClient } from '@aws-sdk/client-fsx';
import type { Context } from 'aws-lambda';
import { CHECKPOINT_CONFIG_ENV } from './contract';
import { onEvent, parseConfig } from './handler';
import { createS3Client } from '../../transfer/engine/clients';

/** The handler stops starting work this long before Lambda's deadline. */
const DEADLINE_MARGIN_MS = 180_000;

const s3 = createS3Client({ maxSockets: 1000 });
const fsx = new FSxClient({});
const cloudwatch = new CloudWatchClient({});

export async function handler(event: unknown, context: Context): Promise<unknown> {
  const config = parseConfig(process.env[CHECKPOINT_CONFIG_ENV]);
  return onEvent(event, config, {
    s3,
    fsx,
    cloudwatch,
    nowMs: () => Date.now(),
    sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    log: (line) => console.log(line),
    deadlineMs: Date.now() + context.getRemainingTimeInMillis() - DEADLINE_MARGIN_MS,
  });
}
