/**
 * The Express tier's run (runtime: the SDK and the copy engine, no constructs): copies complete
 * checkpoints out of an S3 Express One Zone directory bucket into the lake, server-side, then
 * deletes from the directory bucket the old ones that are verified in the lake. The command line's
 * `checkpoints prune` runs the second half alone (`pruneVerified`).
 *
 * What keeps data safe, in the order it happens (the plan is copy-out-plan.ts's):
 * 1. Only complete checkpoints are copied, and a checkpoint's completion marker is copied last,
 *    after every other object of it has been copied (or proven identical): a lake checkpoint is
 *    complete only once all of it is there, as on the fast tier. A copy cut short (a failure, the
 *    deadline) leaves an incomplete lake checkpoint, which nothing reports restorable.
 * 2. A checkpoint is deleted from the directory bucket only when it is complete, not among the
 *    latest `keepLatest` of its run, and every one of its objects has been read back with
 *    HeadObject on both sides and proven identical in the lake (`verifyCopy`: same size, and a
 *    checksum of at least 64 bits both carry). Every HeadObject of a checkpoint has answered before
 *    its first DeleteObjects is sent; any object missing, different, unproven or unreadable keeps
 *    the whole checkpoint, and the run reports why.
 * 3. Deletion is conditional on each object still being the one verified: every key carries the
 *    ETag its HeadObject answered, so an object rewritten since is not deleted (S3 answers that key
 *    with an error, and the deletion of that checkpoint stops). "For conditionally deleting multiple
 *    objects using the DeleteObjects operation, you must provide the ETag value in the ETag element
 *    of the object in the XML request body", in general purpose and directory buckets
 *    (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html).
 * 4. The marker is deleted first, in a request of its own: a deletion cut short leaves an
 *    incomplete checkpoint, whose leftovers a later run deletes only after verifying each of them.
 *    Any per-key error in a DeleteObjects answer stops the deletion of that checkpoint.
 * 5. Nothing in the lake is ever deleted: this module sends DeleteObjects to the fast tier's bucket
 *    only. The lake only receives copies (the copy engine's CopyObject and multipart copies, a sync:
 *    a lake object is written again only when it is not proven identical to the fast tier's).
 *
 * What makes a checkpoint provable, hence deletable: a copy carries only the checksum algorithm its
 * CopyObject asks for ("You can optionally specify a different checksum algorithm to use with the
 * x-amz-checksum-algorithm header": https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html),
 * so the copies keep the fast-tier object's own full-object SHA-256, SHA-1 or CRC64NVME
 * (`preserveStrongSourceChecksum`), and `verifyCopy` compares that. An object uploaded with CRC32 or
 * CRC32C only (the SDKs' default for directory buckets: "For directory buckets, when you use Amazon
 * Web Services SDKs, CRC32 is the default checksum algorithm that's used for performance",
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html), or with a composite SHA
 * (a multipart upload), is copied with CRC64NVME and never proven: its checkpoint stays on the fast
 * tier, and the run reports it with what to upload with (SHA-256 or CRC64NVME). A fast-tier object
 * above 5 GiB is copied in parts with a full-object CRC64NVME: one carrying a SHA only is never
 * proven (a single-request upload, the only way to a full-object SHA, is at most 5 GiB anyway).
 */
import { DeleteObjectsCommand, HeadObjectCommand, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { listCheckpoints } from './listing';
import { isDirectoryBucketName } from '../../core/s3-names';
import { MAX_CONCURRENCY } from '../../transfer/defaults';
import { CopyResult, ENGINE_DEFAULTS, Limiter, OverwritePolicy, copyDataset, fingerprintOf } from '../../transfer/engine';
import { backoffDelayMs, describeError, isRetryable } from '../../transfer/engine/retry';
import { CopyVerification, ObjectPair, deletionOrder, planCopyOut, relativeKeyOf, verifyCopy } from '../copy-out-plan';
import { CheckpointHandlerConfig, RunOutcome } from '../handler/contract';
import { Checkpoint, CheckpointListing, DEFAULT_CHECKPOINT_LAYOUT, DEFAULT_COMPLETION_MARKER, newestCompleteMs } from '../rules';

/** What a copy-out run needs besides its configuration. */
export interface CopyOutDeps {
  /** One client for both buckets (the handler makes it with the engine's `createS3Client`). */
  readonly s3: S3Client;
  /** The clock, in epoch milliseconds. */
  readonly nowMs: () => number;
  /** Receives one line per thing done (the handler writes them to its log). */
  readonly log: (line: string) => void;
  /**
   * No new copy, verification or deletion starts at or after this time (epoch milliseconds); work
   * in flight finishes. The handler sets it before the Lambda function's own timeout.
   */
  readonly deadlineMs: number;
  /** Waits between attempts of a request (tests replace it). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/** A bucket and a checkpoints root in it (`''` or a prefix ending with `/`). */
export interface CheckpointsRoot {
  readonly bucket: string;
  readonly root: string;
}

/** How checkpoints are recognised (the layout pattern and the completion marker). */
export interface CheckpointPattern {
  /** @default DEFAULT_CHECKPOINT_LAYOUT */
  readonly layout?: string;
  /** @default DEFAULT_COMPLETION_MARKER */
  readonly marker?: string;
}

/** A checkpoint the fast tier keeps, and why. */
export interface KeptCheckpoint {
  readonly checkpoint: Checkpoint;
  readonly reason: string;
}

/** What `pruneVerified` deleted, would delete (dry run) and kept. */
export interface PruneResult {
  /** Checkpoints deleted from the fast tier (none in a dry run). */
  readonly deleted: readonly Checkpoint[];
  /** Dry run: the checkpoints verified in the lake, which a real run would delete. */
  readonly wouldDelete: readonly Checkpoint[];
  /** Every other checkpoint of the fast tier, with why it stays. */
  readonly kept: readonly KeptCheckpoint[];
  /** Why checkpoints due for deletion stayed (verification failures, deletion errors), one line each. */
  readonly problems: readonly string[];
  /** True when the deadline stopped the run before every checkpoint due for deletion was handled. */
  readonly stoppedAtDeadline: boolean;
  /** Keys under the fast tier's root that belong to no checkpoint (never touched). */
  readonly unmatched: readonly string[];
}

/** Options of `pruneVerified`. */
export interface PruneOptions {
  /** Verify only: delete nothing. @default false */
  readonly dryRun?: boolean;
  /** HeadObject requests in flight at once. @default 64 */
  readonly concurrency?: number;
}

/** Keys per DeleteObjects request: "The request can contain a list of up to 1000 keys" (https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html). */
export const DELETE_OBJECTS_MAX_KEYS = 1000;

/** HeadObject requests in flight at once when verifying, unless told otherwise. */
export const DEFAULT_VERIFY_CONCURRENCY = 64;

/** `s3://bucket/prefix` for messages. */
function uriOf(bucket: string, prefix: string): string {
  return `s3://${bucket}/${prefix}`;
}

/** The lake's key prefix of a fast-tier checkpoint: the same directory under the lake's root. */
export function lakePrefixOf(lake: CheckpointsRoot, checkpoint: Checkpoint): string {
  return `${lake.root}${checkpoint.directory}`;
}

/**
 * Refuses a fast tier and a lake that overlap (one bucket, one root inside the other): a copy would
 * land among the checkpoints it copies, and a deletion could remove the lake's copy.
 */
export function checkSeparateRoots(fast: CheckpointsRoot, lake: CheckpointsRoot): void {
  for (const side of [fast, lake]) {
    if (side.root !== '' && !side.root.endsWith('/')) {
      throw new Error(`the checkpoints root ${uriOf(side.bucket, side.root)} must be empty or end with "/"`);
    }
  }
  if (fast.bucket === lake.bucket && (fast.root.startsWith(lake.root) || lake.root.startsWith(fast.root))) {
    throw new Error(`the fast tier ${uriOf(fast.bucket, fast.root)} and the lake ${uriOf(lake.bucket, lake.root)} overlap: `
      + 'they must be different buckets, or roots neither of which contains the other');
  }
}

/** Runs a request, retrying throttling and server faults with backoff (the engine's client does not retry). */
async function withRetries<T>(send: () => Promise<T>, sleep: (ms: number) => Promise<void>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isRetryable(error) || attempt >= ENGINE_DEFAULTS.maxAttempts) {
        throw error;
      }
      const backoff = { baseDelayMs: ENGINE_DEFAULTS.retryBaseDelayMs, maxDelayMs: ENGINE_DEFAULTS.retryMaxDelayMs };
      await sleep(backoffDelayMs(attempt, backoff, Math.random()));
    }
  }
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NotFound' || e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The verification of one checkpoint, with the ETags its deletion is conditional on. */
interface CheckpointVerification extends CopyVerification {
  /** The fast tier's ETag of each key, as HeadObject answered it. */
  readonly etags: ReadonlyMap<string, string>;
}

/** Verifies checkpoints against the lake and deletes the verified ones (shared by the run and `pruneVerified`). */
class Pruner {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly limiter: Limiter;

  public constructor(
    private readonly fast: CheckpointsRoot,
    private readonly lake: CheckpointsRoot,
    private readonly marker: string,
    private readonly deps: CopyOutDeps,
    concurrency: number,
  ) {
    this.sleep = deps.sleep ?? defaultSleep;
    this.limiter = new Limiter(concurrency);
  }

  /** HeadObject with checksums; undefined when there is no such object. */
  private async head(bucket: string, key: string): Promise<HeadObjectCommandOutput | undefined> {
    try {
      // ChecksumMode ENABLED: the answer carries the object's checksums ("To retrieve the checksum,
      // this mode must be enabled": https://docs.aws.amazon.com/AmazonS3/latest/API/API_HeadObject.html).
      return await this.limiter.run(() => withRetries(
        () => this.deps.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' })), this.sleep));
    } catch (error) {
      if (isNotFound(error)) {
        return undefined;
      }
      throw error;
    }
  }

  /**
   * Reads every object of a checkpoint on both sides (HeadObject) and compares them. Never throws:
   * an object that cannot be read is a problem, and a problem keeps the checkpoint.
   */
  public async verify(checkpoint: Checkpoint): Promise<CheckpointVerification> {
    const directoryFast = isDirectoryBucketName(this.fast.bucket);
    const directoryLake = isDirectoryBucketName(this.lake.bucket);
    const lakePrefix = lakePrefixOf(this.lake, checkpoint);
    const problems: string[] = [];
    const pairs: ObjectPair[] = [];
    const etags = new Map<string, string>();
    await Promise.all(checkpoint.objects.map(async (object) => {
      const relativeKey = relativeKeyOf(checkpoint, object.key);
      try {
        const [fastHead, lakeHead] = await Promise.all([
          this.head(this.fast.bucket, object.key),
          this.head(this.lake.bucket, `${lakePrefix}${relativeKey}`),
        ]);
        if (!fastHead) {
          problems.push(`${relativeKey}: gone from the fast tier since the listing`);
          return;
        }
        if (fastHead.ETag === undefined || fastHead.ETag === '') {
          problems.push(`${relativeKey}: HeadObject answered no ETag on the fast tier (the deletion is conditional on it)`);
          return;
        }
        etags.set(object.key, fastHead.ETag);
        pairs.push({
          relativeKey,
          fast: fingerprintOf(fastHead, directoryFast),
          lake: lakeHead ? fingerprintOf(lakeHead, directoryLake) : undefined,
        });
      } catch (error) {
        problems.push(`${relativeKey}: HeadObject failed: ${describeError(error)}`);
      }
    }));
    const verdict = verifyCopy(pairs, checkpoint.objects.length);
    const all = [...problems.sort(), ...verdict.problems];
    return { verified: all.length === 0, problems: all, etags };
  }

  /**
   * Deletes a verified checkpoint from the fast tier: the marker first in a request of its own, then
   * the rest, at most 1,000 keys a request, each key conditional on its verified ETag. Returns the
   * problem that stopped it, or undefined when every key was deleted.
   */
  public async delete(checkpoint: Checkpoint, etags: ReadonlyMap<string, string>): Promise<string | undefined> {
    const keys = deletionOrder(checkpoint, this.marker);
    const markerKey = `${checkpoint.prefix}${this.marker}`;
    const batches: string[][] = [];
    let rest = keys;
    if (keys[0] === markerKey) {
      batches.push([markerKey]);
      rest = keys.slice(1);
    }
    for (let i = 0; i < rest.length; i += DELETE_OBJECTS_MAX_KEYS) {
      batches.push(rest.slice(i, i + DELETE_OBJECTS_MAX_KEYS));
    }
    let deleted = 0;
    for (const batch of batches) {
      const missing = batch.find((key) => !etags.has(key));
      if (missing !== undefined) {
        return `${missing}: not verified, not deleted`;
      }
      let answer;
      try {
        answer = await withRetries(() => this.deps.s3.send(new DeleteObjectsCommand({
          Bucket: this.fast.bucket,
          // Quiet: the answer lists only the keys that failed ("In quiet mode the response includes
          // only keys where the delete operation encountered an error":
          // https://docs.aws.amazon.com/AmazonS3/latest/API/API_DeleteObjects.html).
          Delete: { Objects: batch.map((key) => ({ Key: key, ETag: etags.get(key) })), Quiet: true },
        })), this.sleep);
      } catch (error) {
        return `DeleteObjects failed after ${deleted} of ${keys.length} objects: ${describeError(error)}`;
      }
      const errors = answer.Errors ?? [];
      if (errors.length > 0) {
        const first = errors[0];
        return `DeleteObjects failed for ${errors.length} of ${batch.length} keys after ${deleted} of ${keys.length} objects `
          + `(${first.Key ?? '?'}: ${first.Code ?? 'error'} ${first.Message ?? ''}`.trimEnd() + ')';
      }
      deleted += batch.length;
    }
    return undefined;
  }

  /**
   * Verifies each checkpoint and, unless `dryRun`, deletes the verified ones, one checkpoint at a
   * time (oldest first, as given). Starts none at or after the deadline.
   */
  public async verifyAndDelete(checkpoints: readonly Checkpoint[], dryRun: boolean): Promise<{
    deleted: Checkpoint[]; wouldDelete: Checkpoint[]; kept: KeptCheckpoint[]; problems: string[]; stoppedAtDeadline: boolean;
  }> {
    const deleted: Checkpoint[] = [];
    const wouldDelete: Checkpoint[] = [];
    const kept: KeptCheckpoint[] = [];
    const problems: string[] = [];
    let stoppedAtDeadline = false;
    for (const checkpoint of checkpoints) {
      const uri = uriOf(this.fast.bucket, checkpoint.prefix);
      if (this.deps.nowMs() >= this.deps.deadlineMs) {
        stoppedAtDeadline = true;
        kept.push({ checkpoint, reason: 'the deadline came before it was verified' });
        continue;
      }
      const verification = await this.verify(checkpoint);
      if (!verification.verified) {
        const shown = verification.problems.slice(0, 5).join('; ') + (verification.problems.length > 5 ? `; and ${verification.problems.length - 5} more` : '');
        problems.push(`${uri}: not verified in ${uriOf(this.lake.bucket, lakePrefixOf(this.lake, checkpoint))}, kept: ${shown}`);
        kept.push({ checkpoint, reason: `not verified in the lake: ${shown}` });
        this.deps.log(`kept ${uri}: not verified in the lake: ${shown}`);
        continue;
      }
      if (dryRun) {
        wouldDelete.push(checkpoint);
        this.deps.log(`would delete ${uri}: ${checkpoint.objects.length} objects verified in the lake`);
        continue;
      }
      const problem = await this.delete(checkpoint, verification.etags);
      if (problem !== undefined) {
        problems.push(`${uri}: deletion stopped: ${problem}`);
        kept.push({ checkpoint, reason: `deletion stopped: ${problem}` });
        this.deps.log(`deletion of ${uri} stopped: ${problem}`);
        continue;
      }
      deleted.push(checkpoint);
      this.deps.log(`deleted ${uri}: ${checkpoint.objects.length} objects, verified in the lake first`);
    }
    return { deleted, wouldDelete, kept, problems, stoppedAtDeadline };
  }
}

/** Lists both sides with one scheme. */
async function listBoth(
  s3: S3Client, fast: CheckpointsRoot, lake: CheckpointsRoot, pattern: CheckpointPattern,
): Promise<[CheckpointListing, CheckpointListing]> {
  return Promise.all([
    listCheckpoints(s3, fast.bucket, { root: fast.root, layout: pattern.layout, marker: pattern.marker }),
    listCheckpoints(s3, lake.bucket, { root: lake.root, layout: pattern.layout, marker: pattern.marker }),
  ]);
}

/**
 * Verify-then-delete alone (no copy), for the command line's `checkpoints prune`: deletes from the
 * fast tier the complete checkpoints beyond the latest `keepLatest` of each run, and the leftovers
 * of a deletion cut short, each only once every one of its objects is verified in the lake.
 */
export async function pruneVerified(
  fast: CheckpointsRoot,
  lake: CheckpointsRoot,
  pattern: CheckpointPattern,
  keepLatest: number,
  deps: CopyOutDeps,
  options: PruneOptions = {},
): Promise<PruneResult> {
  checkSeparateRoots(fast, lake);
  const [fastListing, lakeListing] = await listBoth(deps.s3, fast, lake, pattern);
  const plan = planCopyOut(fastListing.checkpoints, lakeListing.checkpoints, keepLatest);
  const pruner = new Pruner(fast, lake, pattern.marker ?? DEFAULT_COMPLETION_MARKER, deps, options.concurrency ?? DEFAULT_VERIFY_CONCURRENCY);
  const outcome = await pruner.verifyAndDelete([...plan.deleteIfVerified, ...plan.leftovers], options.dryRun ?? false);
  const kept: KeptCheckpoint[] = [
    ...plan.kept.map((checkpoint) => ({ checkpoint, reason: `among the latest ${keepLatest} complete checkpoints of its run` })),
    ...plan.incomplete.map((checkpoint) => ({ checkpoint, reason: 'incomplete (no completion marker): never deleted' })),
    ...outcome.kept,
  ];
  return {
    deleted: outcome.deleted,
    wouldDelete: outcome.wouldDelete,
    kept,
    problems: outcome.problems,
    stoppedAtDeadline: outcome.stoppedAtDeadline,
    unmatched: fastListing.unmatched,
  };
}

/** The order checkpoints are copied in: the kept ones first, then the others, newest first in each. */
export function copyOrder(copy: readonly Checkpoint[], kept: readonly Checkpoint[]): Checkpoint[] {
  const newestFirst = (a: Checkpoint, b: Checkpoint) => (b.markerLastModifiedMs ?? b.lastModifiedMs) - (a.markerLastModifiedMs ?? a.lastModifiedMs);
  return [
    ...copy.filter((checkpoint) => kept.includes(checkpoint)).sort(newestFirst),
    ...copy.filter((checkpoint) => !kept.includes(checkpoint)).sort(newestFirst),
  ];
}

function copySummary(result: CopyResult): string {
  return `${result.objectsCopied} copied, ${result.objectsSkipped} already there, ${result.failures.length} failed`;
}

/**
 * One copy-out run of an Express tier: copies the complete checkpoints the lake does not hold the
 * same (kept ones first, newest first), then verifies and deletes the expired ones and the leftovers
 * of a deletion cut short. Returns the summary and the lake's newest complete checkpoint.
 */
export async function runCopyOut(config: CheckpointHandlerConfig, deps: CopyOutDeps): Promise<RunOutcome> {
  const express = config.express;
  if (!express) {
    throw new Error(`the checkpoint tier ${config.tier} has no Express configuration`);
  }
  const fast: CheckpointsRoot = { bucket: express.bucket, root: express.root };
  const lake: CheckpointsRoot = { bucket: config.lake.bucket, root: config.lake.root };
  const marker = config.scheme.marker ?? DEFAULT_COMPLETION_MARKER;
  const pattern: CheckpointPattern = { layout: config.scheme.layout ?? DEFAULT_CHECKPOINT_LAYOUT, marker };
  const concurrency = Math.min(Math.max(1, Math.floor(express.concurrency)), MAX_CONCURRENCY);
  checkSeparateRoots(fast, lake);

  const [fastListing, lakeListing] = await listBoth(deps.s3, fast, lake, pattern);
  const plan = planCopyOut(fastListing.checkpoints, lakeListing.checkpoints, config.scheme.keepLatest);
  for (const checkpoint of plan.incomplete) {
    deps.log(`incomplete ${uriOf(fast.bucket, checkpoint.prefix)}: no ${marker}, left alone (being written, or left by a crash)`);
  }
  if (fastListing.unmatched.length > 0) {
    deps.log(`${fastListing.unmatched.length} keys under ${uriOf(fast.bucket, fast.root)} belong to no checkpoint (left alone)`);
  }

  const problems: string[] = [];
  let waiting: string | undefined;
  let copied = 0;
  let objectsCopied = 0;
  const notCopied = new Set<Checkpoint>();
  const order = copyOrder(plan.copy, plan.kept);
  for (let i = 0; i < order.length; i++) {
    const checkpoint = order[i];
    if (deps.nowMs() >= deps.deadlineMs) {
      waiting = `the deadline came with ${order.length - i} checkpoint(s) left to copy`;
      order.slice(i).forEach((left) => notCopied.add(left));
      break;
    }
    const source = { bucket: fast.bucket, prefix: checkpoint.prefix };
    const destination = { bucket: lake.bucket, prefix: lakePrefixOf(lake, checkpoint) };
    const markerKey = `${checkpoint.prefix}${marker}`;
    const options = {
      sourceClient: deps.s3,
      concurrency,
      // A sync: objects proven identical in the lake are skipped, the others copied again.
      overwrite: OverwritePolicy.IF_DIFFERENT,
      // The copy keeps the object's SHA-256, SHA-1 or CRC64NVME, so that verifyCopy can prove it.
      preserveStrongSourceChecksum: true,
      deadline: deps.deadlineMs,
      now: deps.nowMs,
    };
    const from = uriOf(source.bucket, source.prefix);
    const to = uriOf(destination.bucket, destination.prefix);
    let shards: CopyResult;
    let last: CopyResult | undefined;
    try {
      // Every object but the marker, then the marker alone, once the rest is there.
      shards = await copyDataset(source, destination, { ...options, include: (key: string) => key !== markerKey });
      objectsCopied += shards.objectsCopied;
      last = shards.complete ? await copyDataset(source, destination, { ...options, keys: [marker] }) : undefined;
      objectsCopied += last?.objectsCopied ?? 0;
    } catch (error) {
      // A listing that failed for good: this checkpoint is not copied; the others still are.
      notCopied.add(checkpoint);
      problems.push(`${from}: the copy to ${to} failed: ${describeError(error)}`);
      deps.log(`copy of ${from} to ${to} failed: ${describeError(error)}`);
      continue;
    }
    if (shards.complete && last?.complete) {
      copied++;
      deps.log(`copied ${from} to ${to}: ${copySummary(shards)}; marker ${last.objectsCopied > 0 ? 'copied' : 'already there'}`);
      continue;
    }
    notCopied.add(checkpoint);
    const result = last ?? shards;
    if (result.stoppedEarly) {
      waiting = `the deadline came during the copy of ${from}`;
      deps.log(`copy of ${from} to ${to} stopped by the deadline: ${copySummary(result)}`);
      order.slice(i + 1).forEach((left) => notCopied.add(left));
      break;
    }
    const failures = result.failures.slice(0, 3).map((failure) => `${failure.key}: ${failure.error}`).join('; ');
    problems.push(`${from}: the copy to ${to} failed for ${result.failures.length} object(s) (${failures}); the marker is copied last, so the lake's copy stays incomplete`);
    deps.log(`copy of ${from} to ${to} failed: ${copySummary(result)}: ${failures}`);
  }

  // The lake after the copies: what is complete there now.
  const lakeAfter = objectsCopied > 0 ? await listCheckpoints(deps.s3, lake.bucket, { root: lake.root, ...pattern }) : lakeListing;

  // Checkpoints whose copy failed or did not run are not verified: they would not pass.
  const due = [...plan.deleteIfVerified, ...plan.leftovers];
  for (const checkpoint of due.filter((candidate) => notCopied.has(candidate))) {
    deps.log(`kept ${uriOf(fast.bucket, checkpoint.prefix)}: its copy did not complete in this run`);
  }
  const pruner = new Pruner(fast, lake, marker, deps, Math.min(concurrency, DEFAULT_VERIFY_CONCURRENCY));
  const removal = await pruner.verifyAndDelete(due.filter((candidate) => !notCopied.has(candidate)), false);
  problems.push(...removal.problems);
  if (removal.stoppedAtDeadline && waiting === undefined) {
    waiting = 'the deadline came before every old checkpoint was verified';
  }

  return {
    summary: {
      tier: config.tier,
      lakeComplete: lakeAfter.checkpoints.filter((checkpoint) => checkpoint.complete).length,
      incomplete: plan.incomplete.length,
      released: 0,
      copied,
      deleted: removal.deleted.length,
      waiting,
      problems,
    },
    newestCompleteMs: newestCompleteMs(lakeAfter.checkpoints),
  };
}
