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

/** What a progress counts, without the rates and the time left. */
export type CopyCounts = Omit<CopyProgress, 'elapsedMs' | 'bytesPerSecond' | 'objectsPerSecond' | 'etaMs'>;

/** The progress of a tally after `elapsedMs`. */
export function progressOf(tally: Readonly<CopyTally>, elapsedMs: number): CopyProgress {
  return progressAt({
    objectsListed: tally.objectsListed,
    bytesListed: tally.bytesListed,
    listingComplete: tally.listingComplete,
    objectsDone: tally.objectsCopied + tally.objectsSkipped + tally.objectsToCopy + tally.failures.length,
    objectsCopied: tally.objectsCopied,
    objectsSkipped: tally.objectsSkipped,
    objectsFailed: tally.failures.length,
    bytesDone: tally.bytesCopied + tally.bytesSkipped,
    bytesCopied: tally.bytesCopied,
  }, elapsedMs);
}

/**
 * Counts with their rates after `elapsedMs` (at least 1 ms is counted), as of a later moment than the
 * one they were counted at when need be (a periodic progress line). The time left is estimated once
 * the listing is complete: from the bytes left at the byte rate so far, or, when no byte is left to
 * estimate from (empty objects, a dry run), from the objects left at the object rate.
 */
export function progressAt(counts: CopyCounts, elapsedMs: number): CopyProgress {
  const elapsed = Math.max(1, elapsedMs);
  const bytesPerSecond = (counts.bytesDone * 1000) / elapsed;
  const objectsPerSecond = (counts.objectsDone * 1000) / elapsed;
  let etaMs: number | undefined;
  if (counts.listingComplete) {
    const bytesLeft = Math.max(0, counts.bytesListed - counts.bytesDone);
    const objectsLeft = Math.max(0, counts.objectsListed - counts.objectsDone);
    etaMs = bytesPerSecond > 0 && bytesLeft > 0 ? (bytesLeft * 1000) / bytesPerSecond
      : objectsPerSecond > 0 ? (objectsLeft * 1000) / objectsPerSecond : undefined;
  }
  return {
    objectsListed: counts.objectsListed,
    bytesListed: counts.bytesListed,
    listingComplete: counts.listingComplete,
    objectsDone: counts.objectsDone,
    objectsCopied: counts.objectsCopied,
    objectsSkipped: counts.objectsSkipped,
    objectsFailed: counts.objectsFailed,
    bytesDone: counts.bytesDone,
    bytesCopied: counts.bytesCopied,
    elapsedMs: elapsed,
    bytesPerSecond,
    objectsPerSecond,
    etaMs,
  };
}
