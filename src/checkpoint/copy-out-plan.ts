/**
 * Which checkpoints of an S3 Express One Zone directory bucket to copy to the lake, and which to
 * delete from it (pure: no aws-cdk-lib, no SDK). The copy-out handler and the command line's
 * `checkpoints prune` both decide with these functions.
 *
 * The order that keeps data safe:
 * 1. Only complete checkpoints (their marker exists) are copied; incomplete ones are left alone.
 * 2. A checkpoint leaves the directory bucket only when it is complete, not among the latest
 *    `keepLatest` of its run, and every one of its objects is verified in the lake: same key, same
 *    size, and the same content proven by a checksum of at least 64 bits (see `sameContent` in the
 *    copy engine). Any object missing or unproven keeps the whole checkpoint.
 * 3. Deletion removes the marker first, so that a deletion cut short leaves an incomplete checkpoint
 *    that nothing reads as restorable. Its leftovers are deleted by a later run only when the lake
 *    holds the complete checkpoint, each leftover is verified in the lake, and each is older than
 *    the lake's marker (so not a new write of the same step after a restart).
 * 4. A step written again after its copy (its marker newer than the lake's) is copied again. That copy
 *    is not atomic in the lake: until it ends, the lake's old marker stands beside a mix of old and new
 *    shards; the fast tier keeps the step until every object is verified again.
 */
import { Checkpoint, planRetention } from './rules';
import { ObjectFingerprint, sameContent, strongCopyAlgorithmOf } from '../transfer/engine/compare';

/** What a copy-out run does with a directory bucket's checkpoints. */
export interface CopyOutPlan {
  /** Complete checkpoints whose lake copy does not list the same objects and sizes: copied (a sync). */
  readonly copy: readonly Checkpoint[];
  /** Expired complete checkpoints: deleted once verified in the lake. Oldest first. */
  readonly deleteIfVerified: readonly Checkpoint[];
  /** Incomplete checkpoints left by a deletion cut short: their objects are deleted once verified. */
  readonly leftovers: readonly Checkpoint[];
  /** The latest complete checkpoints of each run: copied, never deleted. */
  readonly kept: readonly Checkpoint[];
  /** Incomplete checkpoints (being written, or left by a crash): never copied or deleted, reported. */
  readonly incomplete: readonly Checkpoint[];
}

/** The key of an object relative to its checkpoint's directory. */
export function relativeKeyOf(checkpoint: Checkpoint, key: string): string {
  return key.slice(checkpoint.prefix.length);
}

/** True when the lake's checkpoint lists exactly the objects (relative keys) and sizes of `fast`. */
export function listsTheSame(fast: Checkpoint, lake: Checkpoint | undefined): boolean {
  if (!lake || lake.objects.length !== fast.objects.length) {
    return false;
  }
  const sizes = new Map(lake.objects.map((object) => [relativeKeyOf(lake, object.key), object.sizeBytes]));
  return fast.objects.every((object) => sizes.get(relativeKeyOf(fast, object.key)) === object.sizeBytes);
}

/**
 * Plans a run: `fast` are the directory bucket's checkpoints, `lake` the lake's (both grouped with
 * the same layout and marker; matched by their directory relative to each root).
 */
export function planCopyOut(fast: readonly Checkpoint[], lake: readonly Checkpoint[], keepLatest: number): CopyOutPlan {
  const lakeByDirectory = new Map(lake.map((checkpoint) => [checkpoint.directory, checkpoint]));
  const retention = planRetention(fast, keepLatest);
  const kept = retention.flatMap((run) => run.keep);
  const expired = retention.flatMap((run) => run.expired);
  const incompleteAll = retention.flatMap((run) => run.incomplete);
  const complete = [...kept, ...expired];
  const leftovers = incompleteAll.filter((checkpoint) => {
    const lakeCopy = lakeByDirectory.get(checkpoint.directory);
    return lakeCopy !== undefined && lakeCopy.complete
      && checkpoint.objects.every((object) => object.lastModifiedMs < lakeCopy.markerLastModifiedMs!)
      && !kept.some((keptOne) => keptOne.run === checkpoint.run && keptOne.directory === checkpoint.directory);
  });
  return {
    // Copied again when the lake lists other objects or sizes, or when the fast tier's marker is newer
    // than the lake's (the step was written again after its copy, with shards of the same sizes).
    copy: complete.filter((checkpoint) => {
      const lakeCopy = lakeByDirectory.get(checkpoint.directory);
      return !listsTheSame(checkpoint, lakeCopy) || !lakeCopy!.complete || checkpoint.markerLastModifiedMs! > lakeCopy!.markerLastModifiedMs!;
    }),
    deleteIfVerified: expired,
    leftovers,
    kept,
    incomplete: incompleteAll.filter((checkpoint) => !leftovers.includes(checkpoint)),
  };
}

/** One object of a checkpoint, fingerprinted on the directory bucket and (when found) in the lake. */
export interface ObjectPair {
  /** The key relative to the checkpoint's directory. */
  readonly relativeKey: string;
  readonly fast: ObjectFingerprint;
  /** Undefined when the lake has no such object. */
  readonly lake?: ObjectFingerprint;
}

/** The verdict on a checkpoint's lake copy. */
export interface CopyVerification {
  readonly verified: boolean;
  /** Each object that failed, with why (empty when verified). */
  readonly problems: readonly string[];
}

/**
 * What to do when the fast tier's object carries no checksum a copy can keep and that proves identity
 * (see strongCopyAlgorithmOf): such an object is never proven in the lake, so never deleted, whatever
 * the copy does. Empty when it carries one (the lake's copy is then what differs).
 */
function uploadHint(fast: ObjectFingerprint): string {
  if (strongCopyAlgorithmOf(fast) !== undefined) {
    return '';
  }
  const carried = Object.keys(fast.checksums).map((algorithm) => (fast.checksumType === 'COMPOSITE' ? `${algorithm} (composite)` : algorithm));
  return ` (the fast tier's object carries ${carried.length > 0 ? carried.join(', ') : 'no checksum'}, no full-object SHA-256, SHA-1 or CRC64NVME: `
    + 'upload checkpoints with the checksum algorithm SHA-256 or CRC64NVME, and CRC64NVME for multipart uploads)';
}

/**
 * Verifies a checkpoint's lake copy object by object. `expectedCount` is the number of objects the
 * directory bucket lists for it: a pair missing from `pairs` is a failure too (verification never
 * passes on a partial answer).
 */
export function verifyCopy(pairs: readonly ObjectPair[], expectedCount: number): CopyVerification {
  const problems: string[] = [];
  if (pairs.length !== expectedCount || expectedCount === 0) {
    problems.push(`checked ${pairs.length} of ${expectedCount} objects`);
  }
  for (const pair of pairs) {
    if (!pair.lake) {
      problems.push(`${pair.relativeKey}: not in the lake`);
    } else if (pair.lake.sizeBytes !== pair.fast.sizeBytes) {
      problems.push(`${pair.relativeKey}: ${pair.lake.sizeBytes} bytes in the lake, ${pair.fast.sizeBytes} on the fast tier`);
    } else if (!sameContent(pair.fast, pair.lake)) {
      problems.push(`${pair.relativeKey}: no checksum proves the lake's copy identical${uploadHint(pair.fast)}`);
    }
  }
  return { verified: problems.length === 0, problems };
}

/**
 * The keys to delete for a verified checkpoint, in order: the marker first (so that a deletion cut
 * short leaves an incomplete checkpoint), then the rest by key. `marker` is relative to the directory.
 */
export function deletionOrder(checkpoint: Checkpoint, marker: string): string[] {
  const markerKey = `${checkpoint.prefix}${marker}`;
  const rest = checkpoint.objects.map((object) => object.key).filter((key) => key !== markerKey);
  return checkpoint.objects.some((object) => object.key === markerKey) ? [markerKey, ...rest] : rest;
}
