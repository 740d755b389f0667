/**
 * The running totals of a copy, and its progress: rates since the start and the time left.
 */
import { CopyFailure, CopyProgress } from './types';

/** What a run has counted so far (the engine updates it as objects finish). */
export interface CopyTally {
  objectsListed: number;
  bytesListed: number;
  /** True once the listing is complete, so that the totals are final. */
  listingComplete: boolean;
  objectsCopied: number;
  objectsSkipped: number;
  /** Objects a dry run would copy. */
  objectsToCopy: number;
  bytesCopied: number;
  bytesSkipped: number;
  readonly failures: CopyFailure[];
  stoppedEarly: boolean;
}

/** A tally at the start of a run. */
export function newTally(): CopyTally {
  return {
    objectsListed: 0,
    bytesListed: 0,
    listingComplete: false,
    objectsCopied: 0,
    objectsSkipped: 0,
    objectsToCopy: 0,
    bytesCopied: 0,
    bytesSkipped: 0,
    failures: [],
    stoppedEarly: false,
  };
}

/**
 * The progress of a tally after `elapsedMs` (at least 1 ms is counted). The time left is estimated
 * once the listing is complete: from the bytes left at the byte rate so far, or, when no byte is
 * left to estimate from (empty objects, a dry run), from the objects left at the object rate.
 */
export function progressOf(tally: Readonly<CopyTally>, elapsedMs: number): CopyProgress {
  const elapsed = Math.max(1, elapsedMs);
  const objectsDone = tally.objectsCopied + tally.objectsSkipped + tally.objectsToCopy + tally.failures.length;
  const bytesDone = tally.bytesCopied + tally.bytesSkipped;
  const bytesPerSecond = (bytesDone * 1000) / elapsed;
  const objectsPerSecond = (objectsDone * 1000) / elapsed;
  let etaMs: number | undefined;
  if (tally.listingComplete) {
    const bytesLeft = Math.max(0, tally.bytesListed - bytesDone);
    const objectsLeft = Math.max(0, tally.objectsListed - objectsDone);
    etaMs = bytesPerSecond > 0 && bytesLeft > 0 ? (bytesLeft * 1000) / bytesPerSecond
      : objectsPerSecond > 0 ? (objectsLeft * 1000) / objectsPerSecond : undefined;
  }
  return {
    objectsListed: tally.objectsListed,
    bytesListed: tally.bytesListed,
    listingComplete: tally.listingComplete,
    objectsDone,
    objectsCopied: tally.objectsCopied,
    objectsSkipped: tally.objectsSkipped,
    objectsFailed: tally.failures.length,
    bytesDone,
    bytesCopied: tally.bytesCopied,
    elapsedMs: elapsed,
    bytesPerSecond,
    objectsPerSecond,
    etaMs,
  };
}
