/**
 * Runs the copy engine and records what happened to each object.
 */
import { CopyEvent, CopyOptions, CopyResult, ObjectOutcome, S3Location, copyDataset } from '../../../src/transfer/engine';

/** A copy run and its per-object outcomes. */
export interface RecordedCopy {
  readonly result: CopyResult;
  /** Outcome by source key. */
  readonly outcomes: ReadonlyMap<string, ObjectOutcome>;
  /** Source keys by outcome, sorted. */
  readonly copied: readonly string[];
  readonly skipped: readonly string[];
  readonly failed: readonly string[];
  /** Source keys copied in parts. */
  readonly multipart: readonly string[];
  /** Retries by operation (`UploadPartCopy 2` counts as `UploadPartCopy`). */
  readonly retries: Readonly<Record<string, number>>;
  readonly events: readonly CopyEvent[];
}

/** `copyDataset`, with every event recorded (and passed on to `options.onEvent`). */
export async function recordedCopy(source: S3Location, destination: S3Location, options: CopyOptions): Promise<RecordedCopy> {
  const events: CopyEvent[] = [];
  const result = await copyDataset(source, destination, {
    ...options,
    onEvent: (event) => {
      events.push(event);
      options.onEvent?.(event);
    },
  });
  const outcomes = new Map<string, ObjectOutcome>();
  const multipart: string[] = [];
  const retries: Record<string, number> = {};
  for (const event of events) {
    if (event.type === 'object') {
      if (outcomes.has(event.key)) {
        throw new Error(`object ${event.key} was reported twice`);
      }
      outcomes.set(event.key, event.outcome);
      if (event.outcome === 'copied' && event.multipart) {
        multipart.push(event.key);
      }
    } else if (event.type === 'retry') {
      const operation = event.operation.split(' ')[0];
      retries[operation] = (retries[operation] ?? 0) + 1;
    }
  }
  const withOutcome = (outcome: ObjectOutcome) => [...outcomes].filter(([, o]) => o === outcome).map(([key]) => key).sort();
  return {
    result,
    outcomes,
    copied: withOutcome('copied'),
    skipped: withOutcome('skipped'),
    failed: withOutcome('failed'),
    multipart: multipart.sort(),
    retries,
    events,
  };
}
