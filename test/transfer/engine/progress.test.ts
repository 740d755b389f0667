import { newTally, progressOf } from '../../../src/transfer/engine/progress';

describe('progressOf', () => {
  test('done counts copied, skipped, would-copy and failed objects; bytes count copied and skipped ones', () => {
    const counts = {
      objectsListed: 10,
      bytesListed: 1e3,
      objectsCopied: 2,
      objectsSkipped: 1,
      objectsToCopy: 1,
      bytesCopied: 300,
      bytesSkipped: 100,
    };
    const tally = { ...newTally(), ...counts };
    tally.failures.push({ key: 'k', error: 'boom', attempts: 8 });
    expect(progressOf(tally, 2_000)).toEqual({
      objectsListed: 10,
      bytesListed: 1_000,
      listingComplete: false,
      objectsDone: 5,
      objectsCopied: 2,
      objectsSkipped: 1,
      objectsFailed: 1,
      bytesDone: 400,
      bytesCopied: 300,
      elapsedMs: 2_000,
      bytesPerSecond: 200,
      objectsPerSecond: 2.5,
      etaMs: undefined, // the listing is not complete: the totals may still grow
    });
  });

  test('the time left comes from the bytes left at the byte rate, else from the objects left at the object rate', () => {
    const listed = { ...newTally(), listingComplete: true, objectsListed: 10, bytesListed: 1_000 };
    expect(progressOf({ ...listed, objectsCopied: 4, bytesCopied: 250 }, 1_000).etaMs).toBe(3_000);
    expect(progressOf({ ...listed, bytesListed: 0, objectsCopied: 4 }, 1_000).etaMs).toBe(1_500);
    expect(progressOf({ ...listed, objectsCopied: 10, bytesCopied: 1_000 }, 1_000).etaMs).toBe(0);
    expect(progressOf(listed, 1_000).etaMs).toBeUndefined(); // nothing done yet: no rate
  });

  test('an elapsed time under 1 ms counts as 1 ms (no division by zero)', () => {
    const p = progressOf({ ...newTally(), objectsCopied: 1, bytesCopied: 5 }, 0);
    expect(p).toMatchObject({ elapsedMs: 1, bytesPerSecond: 5_000, objectsPerSecond: 1_000 });
  });
});
