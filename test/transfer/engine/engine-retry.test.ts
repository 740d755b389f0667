import { FakeS3, OperationName, errors } from './fake-s3';
import { SMALL_PARTS, bytes, outcomes, runOptions, smallFake } from './helpers';
import { CopyEvent, backoffDelayMs, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

const RETRYABLE: Array<[string, () => unknown]> = [
  ['503 SlowDown', errors.slowDown],
  ['500 InternalError', errors.internal],
  ['502 (status only)', () => errors.status(502)],
  ['504 (status only)', () => errors.status(504)],
  ['ThrottlingException', errors.throttling],
  ['ECONNRESET', errors.connectionReset],
  ['socket hang up', errors.socketHangUp],
  ['TimeoutError', errors.timeout],
];

function retryEvents(events: CopyEvent[]) {
  return events.filter((e): e is Extract<CopyEvent, { type: 'retry' }> => e.type === 'retry');
}

/** A source with one small and one multipart object, and an empty destination bucket. */
function twoObjects(): FakeS3 {
  const fake = smallFake();
  fake.put('src', 'data/small', bytes(50, 1));
  fake.put('src', 'data/large', bytes(130, 2));
  fake.createBucket('dst');
  return fake;
}

describe('retryable errors are retried and the copy succeeds', () => {
  const operations: Array<[OperationName, string | undefined, ((input: { PartNumber?: number }) => boolean) | undefined]> = [
    ['CopyObject', 'copy/small', undefined],
    ['HeadObject', 'copy/small', undefined],
    ['HeadObject', 'data/large', undefined],
    ['CreateMultipartUpload', 'copy/large', undefined],
    ['UploadPartCopy', 'copy/large', (input) => input.PartNumber === 2],
    ['CompleteMultipartUpload', 'copy/large', undefined],
    ['ListObjectsV2', 'data/', undefined],
  ];

  describe.each(RETRYABLE)('%s', (_name, error) => {
    test.each(operations)('on %s (%s)', async (operation, key, when) => {
      const fake = twoObjects();
      fake.fail({ operation, key, when, times: 2, error });
      const { options, delays, events } = runOptions(fake, { ...SMALL_PARTS });

      const result = await copyDataset(SRC, DST, options);

      expect(result).toMatchObject({ complete: true, objectsCopied: 2, failures: [] });
      expect(fake.sameBytes('src', 'data/small', 'dst', 'copy/small')).toBe(true);
      expect(fake.sameBytes('src', 'data/large', 'dst', 'copy/large')).toBe(true);
      const failed = fake.calls.filter((c) => c.error !== undefined && (c.error as Error).name !== 'NotFound');
      expect(failed).toHaveLength(2);
      expect(failed.every((c) => c.name === operation)).toBe(true);
      // Two failures, two waits: 0.5 x 100 ms, then 0.5 x 200 ms.
      expect(delays).toEqual([50, 100]);
      const retries = retryEvents(events);
      expect(retries.map((r) => r.attempt)).toEqual([1, 2]);
      expect(retries.every((r) => r.operation.startsWith(operation))).toBe(true);
      expect(fake.openUploads()).toEqual([]);
    });
  });
});

describe('backoff', () => {
  test('the engine sleeps with exponentially growing, capped, fully jittered delays', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    fake.failKey('CopyObject', 'copy/a', errors.slowDown, 7);
    const randoms = [0.9, 0.1, 0.5, 0.99, 0.3, 0.75, 0.6];
    let i = 0;
    const { options, delays, events } = runOptions(fake, {
      maxAttempts: 8, retryBaseDelayMs: 100, retryMaxDelayMs: 1_000, random: () => randoms[i++],
    });

    const result = await copyDataset(SRC, DST, options);

    expect(result.complete).toBe(true);
    const caps = [100, 200, 400, 800, 1000, 1000, 1000];
    expect(delays).toEqual(caps.map((cap, n) => Math.floor(randoms[n] * cap)));
    expect(delays).toEqual([90, 20, 200, 792, 300, 750, 600]);
    expect(delays).toEqual(randoms.map((r, n) => backoffDelayMs(n + 1, { baseDelayMs: 100, maxDelayMs: 1_000 }, r)));
    expect(retryEvents(events).map((e) => e.delayMs)).toEqual(delays);
  });

  test('with the random number just under 1 the delays double up to the cap', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    fake.failKey('CopyObject', 'copy/a', errors.internal, 9);
    const { options, delays } = runOptions(fake, { maxAttempts: 10, retryBaseDelayMs: 10, retryMaxDelayMs: 1_000, random: () => 0.9999 });
    await copyDataset(SRC, DST, options);
    expect(delays).toEqual([9, 19, 39, 79, 159, 319, 639, 999, 999]);
  });

  test('the default backoff starts at 100 ms and is capped at 20 s', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    fake.failKey('CopyObject', 'copy/a', errors.slowDown, 7);
    const { options, delays } = runOptions(fake, { random: () => 0.9999 });
    const result = await copyDataset(SRC, DST, options);
    expect(result.complete).toBe(true); // the 8th attempt (the default maxAttempts) succeeds
    expect(delays).toEqual([99, 199, 399, 799, 1599, 3199, 6399]);
  });

  test('no sleep happens while a retry is not needed, and the retry event describes the error', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    fake.failNth('CopyObject', 1, errors.slowDown);
    const { options, events } = runOptions(fake);
    await copyDataset(SRC, DST, options);
    expect(retryEvents(events)).toEqual([{
      type: 'retry', key: 'data/a', operation: 'CopyObject', attempt: 1, delayMs: 50, error: 'SlowDown (HTTP 503) Please reduce your request rate.',
    }]);
  });
});

describe('errors that are not retryable', () => {
  test.each([
    ['403 AccessDenied', errors.accessDenied, 'AccessDenied (HTTP 403) Access Denied'],
    ['400 InvalidRequest', () => errors.invalidRequest('nope'), 'InvalidRequest (HTTP 400) nope'],
  ])('%s fails at once, without a sleep, and the other objects still copy', async (_name, error, described) => {
    const fake = new FakeS3();
    ['a', 'b', 'c'].forEach((key) => fake.put('src', `data/${key}`, key));
    fake.createBucket('dst');
    fake.failKey('CopyObject', 'copy/b', error);
    const { options, delays, events } = runOptions(fake);

    const result = await copyDataset(SRC, DST, options);

    expect(result.complete).toBe(false);
    expect(result.failures).toEqual([{ key: 'data/b', error: described, attempts: 1 }]);
    expect(fake.callsOf('CopyObject').filter((c) => c.input.Key === 'copy/b')).toHaveLength(1);
    expect(delays).toEqual([]);
    expect(fake.keys('dst')).toEqual(['copy/a', 'copy/c']);
    expect(outcomes(events)).toEqual({ 'data/a': 'copied', 'data/b': 'failed', 'data/c': 'copied' });
  });

  test('a 403 on the destination HeadObject is a failure, not "missing"', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    fake.failKey('HeadObject', 'copy/a', errors.accessDenied);
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result.failures).toEqual([{ key: 'data/a', error: 'AccessDenied (HTTP 403) Access Denied', attempts: 1 }]);
    expect(fake.count('CopyObject')).toBe(0);
  });

  test('a 404 from HeadObject means "not there yet" and is not retried', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    const { options, delays } = runOptions(fake);
    await copyDataset(SRC, DST, options);
    expect(fake.callsOf('HeadObject').filter((c) => c.input.Bucket === 'dst')).toHaveLength(1);
    expect(delays).toEqual([]);
  });
});

describe('giving up', () => {
  test('a key that keeps failing is given up after maxAttempts and reported; the others still copy', async () => {
    const fake = new FakeS3();
    const keys = ['a', 'b', 'c', 'd', 'e'].map((k) => `data/${k}`);
    keys.forEach((key, i) => fake.put('src', key, bytes(20, i)));
    fake.createBucket('dst');
    fake.failKey('CopyObject', 'copy/c', errors.slowDown);
    const { options, delays, events } = runOptions(fake, { maxAttempts: 4 });

    const result = await copyDataset(SRC, DST, options);

    expect(result.complete).toBe(false);
    expect(result.objectsCopied).toBe(4);
    expect(result.failures).toEqual([{ key: 'data/c', error: 'SlowDown (HTTP 503) Please reduce your request rate.', attempts: 4 }]);
    expect(fake.callsOf('CopyObject').filter((c) => c.input.Key === 'copy/c')).toHaveLength(4);
    expect(delays).toEqual([50, 100, 200]);
    expect(retryEvents(events).map((e) => e.attempt)).toEqual([1, 2, 3]);
    expect(fake.keys('dst')).toEqual(['copy/a', 'copy/b', 'copy/d', 'copy/e']);
    const failed = events.find((e) => e.type === 'object' && e.outcome === 'failed');
    expect(failed).toMatchObject({ key: 'data/c', reason: 'SlowDown (HTTP 503) Please reduce your request rate.' });
  });

  test('maxAttempts 1 means no retry at all', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    fake.failNth('CopyObject', 1, errors.internal);
    const { options, delays } = runOptions(fake, { maxAttempts: 1 });
    const result = await copyDataset(SRC, DST, options);
    expect(result.failures).toEqual([expect.objectContaining({ key: 'data/a', attempts: 1 })]);
    expect(delays).toEqual([]);
  });

  test('a multipart copy whose part fails for good is aborted, and no part is sent after the abort', async () => {
    const fake = smallFake();
    fake.put('src', 'data/ok', bytes(20));
    fake.put('src', 'data/huge', bytes(40 * 30, 3)); // 30 parts
    fake.createBucket('dst');
    fake.fail({ operation: 'UploadPartCopy', when: (input) => input.PartNumber === 3, error: errors.internal });
    const { options } = runOptions(fake, { ...SMALL_PARTS, concurrency: 4, maxAttempts: 3 });

    const result = await copyDataset(SRC, DST, options);

    expect(result.complete).toBe(false);
    expect(result.objectsCopied).toBe(1);
    expect(result.failures).toEqual([{ key: 'data/huge', error: 'InternalError (HTTP 500) We encountered an internal error. Please try again.', attempts: 3 }]);
    const uploadId = fake.callsOf('CreateMultipartUpload')[0].output.UploadId;
    expect(fake.callsOf('AbortMultipartUpload').map((c) => c.input)).toEqual([{ Bucket: 'dst', Key: 'copy/huge', UploadId: uploadId }]);
    expect(fake.count('CompleteMultipartUpload')).toBe(0);
    expect(fake.openUploads()).toEqual([]);
    expect(fake.get('dst', 'copy/huge')).toBeUndefined();
    // Parts are retried, but none is sent after the abort (no NoSuchUpload).
    const abortIndex = fake.calls.findIndex((c) => c.name === 'AbortMultipartUpload');
    expect(fake.calls.slice(abortIndex + 1).filter((c) => c.name === 'UploadPartCopy')).toEqual([]);
    expect(fake.calls.filter((c) => (c.error as Error | undefined)?.name === 'NoSuchUpload')).toEqual([]);
  });

  test('after a part fails for good, the parts not yet started are not sent, and the abort waits for the parts in flight', async () => {
    let partsInFlightAtAbort = -1;
    const fake = smallFake({
      // Parts other than 3 are slow, so that they are still in flight when part 3 fails.
      latency: async (name, input) => {
        const ticks = name === 'UploadPartCopy' && input.PartNumber !== 3 ? 5 : 1;
        for (let i = 0; i < ticks; i++) {
          await new Promise<void>((resolve) => setImmediate(resolve));
        }
      },
      onCall: (name) => {
        if (name === 'AbortMultipartUpload') {
          partsInFlightAtAbort = fake.inFlight - 1;
        }
      },
    });
    fake.put('src', 'data/huge', bytes(40 * 30, 3)); // 30 parts
    fake.createBucket('dst');
    fake.fail({ operation: 'UploadPartCopy', when: (input) => input.PartNumber === 3, error: errors.accessDenied });
    const { options } = runOptions(fake, { ...SMALL_PARTS, concurrency: 4 });

    const result = await copyDataset(SRC, DST, options);

    expect(result.failures).toEqual([{ key: 'data/huge', error: 'AccessDenied (HTTP 403) Access Denied', attempts: 1 }]);
    // Parts 1 to 4, and at most the one that took the slot part 3 freed: not the other 25.
    expect(fake.count('UploadPartCopy')).toBeLessThanOrEqual(5);
    expect(partsInFlightAtAbort).toBe(0);
    expect(fake.count('AbortMultipartUpload')).toBe(1);
    expect(fake.openUploads()).toEqual([]);
    expect(fake.calls.filter((c) => (c.error as Error | undefined)?.name === 'NoSuchUpload')).toEqual([]);
  });

  test('a failing CompleteMultipartUpload aborts the upload', async () => {
    const fake = smallFake();
    fake.put('src', 'data/big', bytes(200));
    fake.createBucket('dst');
    fake.failKey('CompleteMultipartUpload', 'copy/big', errors.accessDenied);
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(result.failures).toEqual([expect.objectContaining({ key: 'data/big', attempts: 1 })]);
    expect(fake.count('AbortMultipartUpload')).toBe(1);
    expect(fake.openUploads()).toEqual([]);
  });

  test('the abort itself is retried when it meets a transient error', async () => {
    const fake = smallFake();
    fake.put('src', 'data/big', bytes(200));
    fake.createBucket('dst');
    fake.failKey('UploadPartCopy', 'copy/big', errors.accessDenied);
    fake.failNth('AbortMultipartUpload', 1, errors.slowDown);
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(result.failures).toEqual([expect.objectContaining({ key: 'data/big', error: expect.stringContaining('AccessDenied') })]);
    expect(fake.count('AbortMultipartUpload')).toBe(2);
    expect(fake.openUploads()).toEqual([]);
  });

  test('a failed CreateMultipartUpload leaves nothing to abort', async () => {
    const fake = smallFake();
    fake.put('src', 'data/big', bytes(200));
    fake.createBucket('dst');
    fake.failKey('CreateMultipartUpload', 'copy/big', errors.accessDenied);
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(result.failures).toHaveLength(1);
    expect(fake.count('UploadPartCopy')).toBe(0);
    expect(fake.count('AbortMultipartUpload')).toBe(0);
  });

  test('the result never says complete while an object is missing', async () => {
    const fake = new FakeS3({ pageSize: 2 });
    for (let i = 0; i < 9; i++) {
      fake.put('src', `data/${i}`, bytes(10, i));
    }
    fake.createBucket('dst');
    fake.failKey('CopyObject', 'copy/4', errors.throttling);
    const first = await copyDataset(SRC, DST, runOptions(fake, { maxAttempts: 2 }).options);
    expect(first.complete).toBe(false);
    expect(fake.get('dst', 'copy/4')).toBeUndefined();

    // Once the fault is gone, the next run fills the gap and only then says complete.
    fake.clearFaults();
    fake.resetCalls();
    const second = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(second).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 8 });
    expect(fake.callsOf('CopyObject').map((c) => c.input.Key)).toEqual(['copy/4']);
    expect(fake.keys('dst')).toHaveLength(9);
  });
});
