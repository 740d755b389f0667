import { FakeS3, errors } from './fake-s3';
import { SMALL_PARTS, bytes, runOptions, smallFake } from './helpers';
import { CopyEvent, CopyProgress, Limiter, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

type ObjectEvent = Extract<CopyEvent, { type: 'object' }>;
const objectEvents = (events: CopyEvent[]) => events.filter((e): e is ObjectEvent => e.type === 'object');

describe('progress events', () => {
  test('one object event per object with its outcome, one listed event, and a done event last with the result', async () => {
    const fake = smallFake();
    fake.put('src', 'data/new', bytes(10, 1));
    fake.put('src', 'data/large', bytes(150, 2));
    fake.put('src', 'data/same', bytes(20, 3));
    fake.put('src', 'data/broken', bytes(30, 4));
    fake.put('dst', 'copy/same', bytes(20, 3));
    fake.failKey('CopyObject', 'copy/broken', errors.accessDenied);
    const { options, events } = runOptions(fake, { ...SMALL_PARTS });

    const result = await copyDataset(SRC, DST, options);

    const byKey = Object.fromEntries(objectEvents(events).map((e) => [e.key, e]));
    expect(Object.keys(byKey).sort()).toEqual(['data/broken', 'data/large', 'data/new', 'data/same']);
    expect(byKey['data/new']).toMatchObject({ destinationKey: 'copy/new', sizeBytes: 10, outcome: 'copied', multipart: false });
    expect(byKey['data/large']).toMatchObject({ destinationKey: 'copy/large', sizeBytes: 150, outcome: 'copied', multipart: true });
    expect(byKey['data/same']).toMatchObject({ outcome: 'skipped', reason: 'identical', multipart: false });
    expect(byKey['data/broken']).toMatchObject({ outcome: 'failed', reason: 'AccessDenied (HTTP 403) Access Denied' });
    expect(objectEvents(events)).toHaveLength(4);

    const listed = events.filter((e) => e.type === 'listed');
    expect(listed).toHaveLength(1);
    expect(listed[0]).toMatchObject({ progress: { objectsListed: 4, bytesListed: 210, listingComplete: true } });

    expect(events[events.length - 1]).toEqual({ type: 'done', result });
    expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
    expect(result).toMatchObject({
      complete: false,
      objectsListed: 4,
      objectsCopied: 2,
      objectsSkipped: 1,
      objectsToCopy: 0,
      bytesCopied: 160,
      failures: [{ key: 'data/broken', attempts: 1 }],
    });
  });

  test('progress totals count up to the result', async () => {
    const fake = new FakeS3();
    const sizes = [5, 10, 20, 40, 80];
    sizes.forEach((size, i) => fake.put('src', `data/${i}`, bytes(size, i)));
    fake.put('dst', 'copy/0', bytes(5, 0)); // identical: skipped
    const { options, events } = runOptions(fake, { concurrency: 1 });
    await copyDataset(SRC, DST, options);

    const progresses = objectEvents(events).map((e) => e.progress);
    expect(progresses.map((p) => p.objectsDone)).toEqual([1, 2, 3, 4, 5]);
    const last = progresses[progresses.length - 1];
    expect(last).toMatchObject({
      objectsListed: 5,
      bytesListed: 155,
      listingComplete: true,
      objectsDone: 5,
      objectsCopied: 4,
      objectsSkipped: 1,
      objectsFailed: 0,
      bytesDone: 155,
      bytesCopied: 150,
    });
    for (let i = 1; i < progresses.length; i++) {
      expect(progresses[i].bytesDone).toBeGreaterThanOrEqual(progresses[i - 1].bytesDone);
    }
  });

  test('rates and the ETA come from the clock; the ETA appears once the listing is complete', async () => {
    let clock = 0;
    const fake = new FakeS3({ onCall: (name) => (name === 'CopyObject' ? (clock += 1_000) : undefined) });
    for (let i = 0; i < 30; i++) {
      fake.put('src', `data/${String(i).padStart(2, '0')}`, bytes(100, i));
    }
    fake.createBucket('dst');
    const { options, events } = runOptions(fake, { concurrency: 1, now: () => clock });

    const result = await copyDataset(SRC, DST, options);

    expect(result.elapsedMs).toBe(30_000);
    const listedAt = events.findIndex((e) => e.type === 'listed');
    expect(listedAt).toBeGreaterThan(0); // the bounded queue holds the listing back: some objects finish first
    const before = events.slice(0, listedAt).filter((e): e is ObjectEvent => e.type === 'object');
    const after = events.slice(listedAt).filter((e): e is ObjectEvent => e.type === 'object');
    expect(before.length).toBeGreaterThan(0);
    expect(after.length).toBeGreaterThan(0);
    for (const e of before) {
      expect(e.progress.listingComplete).toBe(false);
      expect(e.progress.etaMs).toBeUndefined();
    }
    for (const e of after) {
      const p: CopyProgress = e.progress;
      expect(p.listingComplete).toBe(true);
      expect(p.objectsListed).toBe(30);
      expect(p.bytesListed).toBe(3_000);
      // 100 bytes a second: the ETA is what is left at that rate.
      expect(p.bytesPerSecond).toBeCloseTo(100);
      expect(p.objectsPerSecond).toBeCloseTo(1);
      expect(p.etaMs).toBeCloseTo(((p.bytesListed - p.bytesDone) * 1000) / p.bytesPerSecond);
    }
    const mid = after.find((e) => e.progress.objectsDone === 28)!;
    expect(mid.progress).toMatchObject({ elapsedMs: 28_000, bytesDone: 2_800 });
    expect(mid.progress.etaMs).toBeCloseTo(2_000);
    expect(after[after.length - 1].progress.etaMs).toBe(0);
  });

  test('the ETA of empty objects comes from the object rate', async () => {
    let clock = 0;
    const fake = new FakeS3({ onCall: (name) => (name === 'CopyObject' ? (clock += 500) : undefined) });
    for (let i = 0; i < 4; i++) {
      fake.put('src', `data/${i}`, '');
    }
    fake.createBucket('dst');
    const { options, events } = runOptions(fake, { concurrency: 1, now: () => clock });
    await copyDataset(SRC, DST, options);
    const first = objectEvents(events)[0];
    expect(first.progress.listingComplete).toBe(true);
    expect(first.progress.etaMs).toBeCloseTo(1_500); // 3 objects left at 2 a second
  });

  test('retry events name the key, the operation and the attempt', async () => {
    const fake = smallFake();
    fake.put('src', 'data/big', bytes(130));
    fake.createBucket('dst');
    fake.fail({ operation: 'UploadPartCopy', when: (input) => input.PartNumber === 2, times: 1, error: errors.connectionReset });
    const { options, events } = runOptions(fake, { ...SMALL_PARTS });
    await copyDataset(SRC, DST, options);
    expect(events.filter((e) => e.type === 'retry')).toEqual([{
      type: 'retry', key: 'data/big', operation: 'UploadPartCopy 2', attempt: 1, delayMs: 50, error: 'Error ECONNRESET read ECONNRESET',
    }]);
  });
});

describe('bounded concurrency', () => {
  /** A source of many small objects and several multipart ones (4 parts each). */
  function busyFake(): FakeS3 {
    const fake = smallFake({ pageSize: 7 });
    for (let i = 0; i < 60; i++) {
      fake.put('src', `data/${String(i).padStart(2, '0')}`, bytes(i % 6 === 0 ? 150 : 20, i));
    }
    fake.put('dst', 'copy/00', bytes(150, 0)); // one identical object: skipped
    return fake;
  }

  test.each([1, 2, 5, 16])('never more than %d requests in flight', async (concurrency) => {
    const fake = busyFake();
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, concurrency }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 59, objectsSkipped: 1 });
    expect(fake.maxInFlight).toBeLessThanOrEqual(concurrency);
    expect(fake.maxInFlight).toBe(concurrency); // and the limit is actually used
    expect(fake.inFlight).toBe(0);
  });

  test('the bound holds while requests are retried', async () => {
    const fake = busyFake();
    fake.fail({ operation: 'CopyObject', nth: [1, 3, 5, 7, 11, 13], error: errors.slowDown });
    fake.fail({ operation: 'UploadPartCopy', nth: [2, 4, 8], error: errors.internal });
    const { options, delays } = runOptions(fake, { ...SMALL_PARTS, concurrency: 4 });
    const result = await copyDataset(SRC, DST, options);
    expect(result.complete).toBe(true);
    expect(delays).toHaveLength(9);
    expect(fake.maxInFlight).toBeLessThanOrEqual(4);
  });

  test('one large multipart object uses the whole concurrency for its parts', async () => {
    const fake = smallFake();
    fake.put('src', 'data/huge', bytes(40 * 50, 9));
    fake.createBucket('dst');
    await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, concurrency: 8 }).options);
    expect(fake.count('UploadPartCopy')).toBe(50);
    expect(fake.maxInFlight).toBe(8);
    expect(fake.body('dst', 'copy/huge')).toEqual(bytes(40 * 50, 9));
  });
});

describe('Limiter', () => {
  test('runs at most `limit` tasks at once, in order, and frees the slot of a failed task', async () => {
    const limiter = new Limiter(3);
    let active = 0;
    let maxActive = 0;
    const started: number[] = [];
    const task = (n: number) => async () => {
      started.push(n);
      active++;
      maxActive = Math.max(maxActive, active);
      await new Promise<void>((resolve) => setImmediate(resolve));
      active--;
      if (n % 4 === 0) {
        throw new Error(`task ${n}`);
      }
      return n * 10;
    };
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, n) => limiter.run(task(n))));
    expect(maxActive).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      'task 0', 10, 20, 30, 'task 4', 50, 60, 70, 'task 8', 90, 100, 110,
    ]);
    // All slots are free again.
    await expect(Promise.all([1, 2, 3].map((n) => limiter.run(async () => n)))).resolves.toEqual([1, 2, 3]);
  });
});
