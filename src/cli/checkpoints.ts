/**
 * `cdk-training-storage checkpoints list` and `checkpoints prune`: the same listing, retention and
 * verify-then-delete code as CheckpointTier's handler (src/checkpoint/runtime).
 */
import { CheckpointsListCommand, CheckpointsPruneCommand } from './args';
import { CliIo, formatBytes } from './main';
import { Checkpoint } from '../checkpoint/rules';
import { pruneVerified } from '../checkpoint/runtime/copy-out';
import { listCheckpoints } from '../checkpoint/runtime/listing';
import { displayKey } from '../core/listed-keys';
import { isDirectoryBucketName } from '../core/s3-names';
import { createS3Client } from '../transfer/engine';

/** Requests in flight while verifying (HeadObject on both sides). */
const CLI_VERIFY_CONCURRENCY = 64;

/** "1 checkpoint", "2 checkpoints". */
function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}

/** Where a bucket is, for the listing: an S3 Express One Zone directory bucket or a general purpose one. */
function bucketKind(bucket: string): string {
  return isDirectoryBucketName(bucket) ? 'directory bucket' : 'general purpose bucket';
}

/** One checkpoint as a line: run, step, state, objects, size, location. */
function checkpointLine(bucket: string, checkpoint: Checkpoint): string {
  return [
    displayKey(checkpoint.run === '' ? '-' : checkpoint.run),
    checkpoint.step,
    checkpoint.complete ? 'complete' : 'incomplete',
    count(checkpoint.objects.length, 'object'),
    formatBytes(checkpoint.sizeBytes),
    displayKey(`s3://${bucket}/${checkpoint.prefix}`),
  ].join('  ');
}

function clientFor(cmd: { endpointUrl?: string; region?: string }, io: CliIo) {
  const create = io.createClient ?? createS3Client;
  return create({ region: cmd.region, endpoint: cmd.endpointUrl, maxSockets: CLI_VERIFY_CONCURRENCY });
}

/** `checkpoints list`: one line per checkpoint, then a summary line. Exit code 0. */
export async function listCommand(cmd: CheckpointsListCommand, io: CliIo): Promise<number> {
  const s3 = clientFor(cmd, io);
  try {
    const listing = await listCheckpoints(s3, cmd.root.bucket, { root: cmd.root.path, layout: cmd.layout, marker: cmd.marker });
    const lines = listing.checkpoints.map((checkpoint) => checkpointLine(cmd.root.bucket, checkpoint));
    const complete = listing.checkpoints.filter((checkpoint) => checkpoint.complete).length;
    lines.push(`${count(listing.checkpoints.length, 'checkpoint')} (${complete} complete, ${listing.checkpoints.length - complete} incomplete) `
      + `in s3://${cmd.root.bucket}/${cmd.root.path} (${bucketKind(cmd.root.bucket)}); `
      + `${count(listing.unmatched.length, 'key')} outside the layout ${cmd.layout}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } finally {
    s3.destroy();
  }
}

/**
 * `checkpoints prune`: deletes (or, with --dry-run, names) the checkpoints beyond the latest N that
 * are verified in the lake, and says why each other checkpoint stays. Exit code 1 when a checkpoint
 * due for deletion stayed (not verified, or its deletion failed).
 */
export async function pruneCommand(cmd: CheckpointsPruneCommand, io: CliIo): Promise<number> {
  const s3 = clientFor(cmd, io);
  try {
    const now = io.now ?? Date.now;
    const result = await pruneVerified(
      { bucket: cmd.root.bucket, root: cmd.root.path },
      { bucket: cmd.lake.bucket, root: cmd.lake.path },
      { layout: cmd.layout, marker: cmd.marker },
      cmd.keep,
      { s3, nowMs: now, log: () => undefined, deadlineMs: Number.POSITIVE_INFINITY },
      { dryRun: cmd.dryRun, concurrency: CLI_VERIFY_CONCURRENCY },
    );
    const uri = (checkpoint: Checkpoint) => displayKey(`s3://${cmd.root.bucket}/${checkpoint.prefix}`);
    const size = (checkpoints: readonly Checkpoint[]) => formatBytes(checkpoints.reduce((sum, checkpoint) => sum + checkpoint.sizeBytes, 0));
    const lines: string[] = [];
    for (const checkpoint of result.deleted) {
      lines.push(`deleted ${uri(checkpoint)} (${count(checkpoint.objects.length, 'object')}, ${formatBytes(checkpoint.sizeBytes)}): verified in the lake`);
    }
    for (const checkpoint of result.wouldDelete) {
      lines.push(`would delete ${uri(checkpoint)} (${count(checkpoint.objects.length, 'object')}, ${formatBytes(checkpoint.sizeBytes)}): verified in the lake`);
    }
    for (const kept of result.kept) {
      lines.push(`kept ${uri(kept.checkpoint)}: ${kept.reason}`);
    }
    lines.push(cmd.dryRun
      ? `dry run: ${count(result.wouldDelete.length, 'checkpoint')} (${size(result.wouldDelete)}) would be deleted, ${result.kept.length} kept; nothing was deleted`
      : `deleted ${count(result.deleted.length, 'checkpoint')} (${size(result.deleted)}), kept ${result.kept.length}`);
    io.stdout.write(`${lines.join('\n')}\n`);
    for (const problem of result.problems) {
      io.stderr.write(`problem: ${displayKey(problem)}\n`);
    }
    return result.problems.length > 0 ? 1 : 0;
  } finally {
    s3.destroy();
  }
}
