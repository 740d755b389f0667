import { FakeS3 } from './fake-s3';
import { SMALL_PARTS, bytes, outcomes, runOptions, smallFake } from './helpers';
import { OverwritePolicy, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

function copies(fake: FakeS3): number {
  return fake.count('CopyObject') + fake.count('CreateMultipartUpload');
}

describe('skip identical (OverwritePolicy.IF_DIFFERENT, the default)', () => {
  test('a second run skips every object, single and multipart, without a copy call', async () => {
    const fake = smallFake({ pageSize: 4 });
    for (let i = 0; i < 10; i++) {
      fake.put('src', `data/${i}`, bytes(i * 30, i)); // 0..270 bytes: some multipart
    }
    fake.createBucket('dst');
    const first = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(first).toMatchObject({ complete: true, objectsCopied: 10 });
    const versions = fake.keys('dst').map((key) => fake.get('dst', key)!.version);
    fake.resetCalls();

    const { options, events } = runOptions(fake, { ...SMALL_PARTS });
    const second = await copyDataset(SRC, DST, options);

    expect(second).toMatchObject({ complete: true, objectsCopied: 0, objectsSkipped: 10, bytesCopied: 0 });
    expect(fake.count('CopyObject') + fake.count('CreateMultipartUpload') + fake.count('UploadPartCopy')).toBe(0);
    expect(fake.keys('dst').map((key) => fake.get('dst', key)!.version)).toEqual(versions);
    const reasons = events.flatMap((e) => (e.type === 'object' ? [`${e.outcome}:${e.reason}`] : []));
    expect(reasons).toEqual(Array(10).fill('skipped:identical'));
  });

  test('same size and same checksum: skipped', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1));
    fake.put('dst', 'copy/a', bytes(64, 1));
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsSkipped: 1, objectsCopied: 0 });
    expect(copies(fake)).toBe(0);
  });

  test('same size, different checksum: copied', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1));
    fake.put('dst', 'copy/a', bytes(64, 2));
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 0 });
    expect(fake.body('dst', 'copy/a')).toEqual(bytes(64, 1));
  });

  test('different size: copied', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1));
    fake.put('dst', 'copy/a', bytes(63, 1), { checksumValue: fake.get('src', 'data/a')!.checksums.CRC64NVME });
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result.objectsCopied).toBe(1);
    expect(fake.body('dst', 'copy/a')).toEqual(bytes(64, 1));
  });

  test('a full-object checksum that differs proves a difference, even with equal MD5 ETags: copied', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1));
    fake.put('dst', 'copy/a', bytes(64, 1), { checksumValue: 'AAAAAAAAAAA=' });
    expect(fake.get('dst', 'copy/a')!.etag).toBe(fake.get('src', 'data/a')!.etag);
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result.objectsCopied).toBe(1);
  });

  describe('a CRC32 or CRC32C match is not proof (32 bits collide)', () => {
    test.each(['CRC32', 'CRC32C'] as const)('same size, same %s, different content: copied again, the copy is not left stale', async (checksum) => {
      const fake = new FakeS3();
      fake.put('src', 'data/a', bytes(64, 1), { checksum });
      // A changed object whose checksum collides with the source's.
      fake.put('dst', 'copy/a', bytes(64, 2), { checksum, checksumValue: fake.get('src', 'data/a')!.checksums[checksum] });
      const { options, events } = runOptions(fake);

      const result = await copyDataset(SRC, DST, options);

      expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 0 });
      expect(outcomes(events)).toEqual({ 'data/a': 'copied' });
      expect(fake.body('dst', 'copy/a')).toEqual(bytes(64, 1));
    });

    test('also into a directory bucket, where ETags are never MD5 digests', async () => {
      const fake = new FakeS3();
      fake.put('src', 'data/a', bytes(64, 1), { checksum: 'CRC32' });
      fake.put('dst--use1-az4--x-s3', 'copy/a', bytes(64, 2), { checksum: 'CRC32', checksumValue: fake.get('src', 'data/a')!.checksums.CRC32 });
      const result = await copyDataset(SRC, { bucket: 'dst--use1-az4--x-s3', prefix: 'copy/' }, runOptions(fake).options);
      expect(result).toMatchObject({ objectsCopied: 1, objectsSkipped: 0 });
      expect(fake.body('dst--use1-az4--x-s3', 'copy/a')).toEqual(bytes(64, 1));
    });
  });

  describe('the MD5 ETag of single-part objects in general purpose buckets is proof', () => {
    test('same bytes, CRC32 checksums only, equal MD5 ETags: skipped', async () => {
      const fake = new FakeS3();
      fake.put('src', 'data/a', bytes(64, 1), { checksum: 'CRC32' });
      fake.put('dst', 'copy/a', bytes(64, 1), { checksum: 'CRC32', serverSideEncryption: 'AES256' });
      const result = await copyDataset(SRC, DST, runOptions(fake).options);
      expect(result).toMatchObject({ objectsSkipped: 1, objectsCopied: 0 });
      expect(copies(fake)).toBe(0);
    });

    test.each([
      ['the destination is SSE-KMS (its ETag is not an MD5 digest)', {}, { serverSideEncryption: 'aws:kms' }],
      ['the source is SSE-KMS', { serverSideEncryption: 'aws:kms' }, {}],
      ['the destination is a multipart object (<hex>-<parts> ETag)', {}, { etag: '"0123456789abcdef0123456789abcdef-3"' }],
    ])('equal ETags prove nothing when %s: copied', async (_name, sourceOptions, destinationOptions) => {
      const fake = new FakeS3();
      const source = fake.put('src', 'data/a', bytes(64, 1), { checksum: 'CRC32', ...sourceOptions });
      fake.put('dst', 'copy/a', bytes(64, 2), { checksum: 'CRC32', checksumValue: source.checksums.CRC32, etag: source.etag, ...destinationOptions });
      const result = await copyDataset(SRC, DST, runOptions(fake).options);
      expect(result).toMatchObject({ objectsCopied: 1, objectsSkipped: 0 });
      expect(fake.body('dst', 'copy/a')).toEqual(bytes(64, 1));
    });

    test('never in a directory bucket: equal ETags there prove nothing', async () => {
      const fake = new FakeS3();
      const source = fake.put('src', 'data/a', bytes(64, 1), { checksum: 'CRC32' });
      fake.put('dst--use1-az4--x-s3', 'copy/a', bytes(64, 2), { checksum: 'CRC32', checksumValue: source.checksums.CRC32, etag: source.etag });
      const result = await copyDataset(SRC, { bucket: 'dst--use1-az4--x-s3', prefix: 'copy/' }, runOptions(fake).options);
      expect(result).toMatchObject({ objectsCopied: 1, objectsSkipped: 0 });
    });
  });

  test.each([
    ['the source has no checksum', { checksum: 'none' as const }, {}],
    ['the destination has no checksum', {}, { checksum: 'none' as const }],
    ['neither has a checksum', { checksum: 'none' as const }, { checksum: 'none' as const }],
    ['their checksums are of different algorithms', { checksum: 'SHA256' as const }, { checksum: 'CRC32' as const }],
  ])('no comparable checksum and no MD5 ETag (%s, a directory bucket): copied, because what cannot be proven identical is not skipped', async (_name, sourceOptions, destinationOptions) => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1), sourceOptions);
    fake.put('dst--use1-az4--x-s3', 'copy/a', bytes(64, 1), destinationOptions);
    const before = fake.get('dst--use1-az4--x-s3', 'copy/a')!.version;
    const result = await copyDataset(SRC, { bucket: 'dst--use1-az4--x-s3', prefix: 'copy/' }, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 0 });
    expect(fake.count('CopyObject')).toBe(1);
    expect(fake.get('dst--use1-az4--x-s3', 'copy/a')!.version).toBeGreaterThan(before);
  });

  test('a copy made by the engine carries CRC64NVME: the next run proves it identical to a CRC64NVME source, even in a directory bucket', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1)); // CRC64NVME, as S3 adds to objects uploaded without a checksum
    const destination = { bucket: 'dst--use1-az4--x-s3', prefix: 'copy/' };
    fake.createBucket(destination.bucket);
    await copyDataset(SRC, destination, runOptions(fake).options);
    const second = await copyDataset(SRC, destination, runOptions(fake).options);
    expect(second).toMatchObject({ objectsSkipped: 1, objectsCopied: 0 });
  });

  test('a common algorithm other than the first is compared (SHA256 on both sides)', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(64, 1), { checksum: 'SHA256' });
    fake.put('dst', 'copy/a', bytes(64, 1), { checksum: 'SHA256' });
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result).toMatchObject({ objectsSkipped: 1, objectsCopied: 0 });
  });

  test('a mix: missing, identical and changed objects', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/missing', bytes(10, 1));
    fake.put('src', 'data/same', bytes(10, 2));
    fake.put('src', 'data/changed', bytes(10, 3));
    fake.put('dst', 'copy/same', bytes(10, 2));
    fake.put('dst', 'copy/changed', bytes(10, 4));
    const { options, events } = runOptions(fake);
    const result = await copyDataset(SRC, DST, options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2, objectsSkipped: 1, bytesCopied: 20 });
    expect(outcomes(events)).toEqual({ 'data/missing': 'copied', 'data/same': 'skipped', 'data/changed': 'copied' });
    expect(fake.callsOf('CopyObject').map((c) => c.input.Key).sort()).toEqual(['copy/changed', 'copy/missing']);
  });
});

describe('OverwritePolicy.ALWAYS', () => {
  test('copies identical objects again, without looking at the destination', async () => {
    const fake = smallFake();
    fake.put('src', 'data/a', bytes(10, 1));
    fake.put('src', 'data/b', bytes(150, 2));
    fake.put('dst', 'copy/a', bytes(10, 1));
    fake.put('dst', 'copy/b', bytes(150, 2));
    const { options, events } = runOptions(fake, { ...SMALL_PARTS, overwrite: OverwritePolicy.ALWAYS });
    const result = await copyDataset(SRC, DST, options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2, objectsSkipped: 0 });
    expect(fake.callsOf('HeadObject').filter((c) => c.input.Bucket === 'dst')).toEqual([]);
    expect(fake.count('CopyObject')).toBe(1);
    expect(fake.count('CompleteMultipartUpload')).toBe(1);
    expect(outcomes(events)).toEqual({ 'data/a': 'copied', 'data/b': 'copied' });
  });
});

describe('OverwritePolicy.NEVER', () => {
  test('never replaces an existing object, even a different one; copies the missing ones', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/exists', bytes(10, 1));
    fake.put('src', 'data/new', bytes(10, 2));
    fake.put('dst', 'copy/exists', 'something else entirely');
    const { options, events } = runOptions(fake, { overwrite: OverwritePolicy.NEVER });
    const result = await copyDataset(SRC, DST, options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 1 });
    expect(fake.body('dst', 'copy/exists')!.toString()).toBe('something else entirely');
    expect(fake.callsOf('CopyObject').map((c) => c.input.Key)).toEqual(['copy/new']);
    // The source of an existing object is not even read.
    expect(fake.callsOf('HeadObject').filter((c) => c.input.Key === 'data/exists')).toEqual([]);
    const skipped = events.find((e) => e.type === 'object' && e.key === 'data/exists');
    expect(skipped).toMatchObject({ outcome: 'skipped', reason: 'exists' });
  });
});

describe('dry run', () => {
  test('copies nothing and counts what it would copy', async () => {
    const fake = smallFake();
    fake.put('src', 'data/missing-small', bytes(10, 1));
    fake.put('src', 'data/missing-large', bytes(200, 2));
    fake.put('src', 'data/same', bytes(10, 3));
    fake.put('src', 'data/changed', bytes(10, 4));
    fake.put('dst', 'copy/same', bytes(10, 3));
    fake.put('dst', 'copy/changed', bytes(10, 5));
    const before = fake.keys('dst').map((key) => [key, fake.get('dst', key)!.version]);
    const { options, events } = runOptions(fake, { ...SMALL_PARTS, dryRun: true });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ objectsListed: 4, objectsToCopy: 3, objectsSkipped: 1, objectsCopied: 0, bytesCopied: 0, failures: [] });
    expect(fake.calls.map((c) => c.name).filter((name) => name !== 'ListObjectsV2' && name !== 'HeadObject')).toEqual([]);
    expect(fake.keys('dst').map((key) => [key, fake.get('dst', key)!.version])).toEqual(before);
    expect(fake.openUploads()).toEqual([]);
    expect(outcomes(events)).toEqual({
      'data/missing-small': 'would-copy', 'data/missing-large': 'would-copy', 'data/same': 'skipped', 'data/changed': 'would-copy',
    });
    const large = events.find((e) => e.type === 'object' && e.key === 'data/missing-large');
    expect(large).toMatchObject({ multipart: true });
  });

  test('with ALWAYS, a dry run would copy everything and reads nothing but the listing', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.put('dst', 'copy/a', 'a');
    const result = await copyDataset(SRC, DST, runOptions(fake, { dryRun: true, overwrite: OverwritePolicy.ALWAYS }).options);
    expect(result).toMatchObject({ objectsToCopy: 1, objectsSkipped: 0 });
    expect(fake.calls.map((c) => c.name)).toEqual(['ListObjectsV2']);
  });
});

describe('resume after a deadline', () => {
  test('a run stopped by its deadline is finished by the next run, which copies only what was missing', async () => {
    let clock = 1_000;
    const fake = smallFake({
      pageSize: 5,
      onCall: (name) => {
        if (name === 'CopyObject' || name === 'CompleteMultipartUpload') {
          clock += 100; // each finished object takes 100 ms
        }
      },
    });
    const keys = Array.from({ length: 20 }, (_, i) => `data/${String(i).padStart(2, '0')}`);
    keys.forEach((key, i) => fake.put('src', key, bytes(i % 4 === 0 ? 170 : 30, i)));
    fake.createBucket('dst');

    const first = await copyDataset(SRC, DST, runOptions(fake, {
      ...SMALL_PARTS, concurrency: 2, now: () => clock, deadline: 1_000 + 650,
    }).options);

    expect(first.stoppedEarly).toBe(true);
    expect(first.complete).toBe(false);
    expect(first.failures).toEqual([]);
    expect(first.objectsCopied).toBeGreaterThan(0);
    expect(first.objectsCopied).toBeLessThan(20);
    const copiedFirst = fake.keys('dst');
    expect(copiedFirst).toHaveLength(first.objectsCopied);
    expect(fake.openUploads()).toEqual([]); // objects in flight were finished, not abandoned
    for (const key of copiedFirst) {
      expect(fake.sameBytes('src', key.replace('copy/', 'data/'), 'dst', key)).toBe(true);
    }

    fake.resetCalls();
    const second = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, concurrency: 2, now: () => clock }).options);

    expect(second).toMatchObject({ complete: true, stoppedEarly: false, objectsListed: 20, failures: [] });
    expect(second.objectsCopied).toBe(20 - first.objectsCopied);
    expect(second.objectsSkipped).toBe(first.objectsCopied);
    expect(copies(fake)).toBe(20 - first.objectsCopied);
    const copiedAgain = [...fake.callsOf('CopyObject'), ...fake.callsOf('CreateMultipartUpload')].map((c) => c.input.Key);
    expect(copiedAgain.filter((key) => copiedFirst.includes(key))).toEqual([]);
    expect(fake.keys('dst')).toEqual(keys.map((key) => key.replace('data/', 'copy/')));
    for (const key of keys) {
      expect(fake.sameBytes('src', key, 'dst', key.replace('data/', 'copy/'))).toBe(true);
    }
  });

  test('a deadline already passed copies nothing and is not complete', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { now: () => 5_000, deadline: 4_000 }).options);
    expect(result).toMatchObject({ complete: false, stoppedEarly: true, objectsCopied: 0 });
    expect(copies(fake)).toBe(0);
  });

  test('the deadline also stops the listing of a large source', async () => {
    let clock = 0;
    const fake = new FakeS3({ pageSize: 10, onCall: (name) => (name === 'CopyObject' ? clock++ : undefined) });
    for (let i = 0; i < 500; i++) {
      fake.put('src', `data/${String(i).padStart(3, '0')}`, 'x');
    }
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { concurrency: 1, now: () => clock, deadline: 5 }).options);
    expect(result.stoppedEarly).toBe(true);
    expect(result.objectsCopied).toBeLessThan(10);
    expect(fake.count('ListObjectsV2')).toBeLessThan(5);
  });

  test('a deadline that is never reached changes nothing', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { now: () => 0, deadline: 1 }).options);
    expect(result).toMatchObject({ complete: true, stoppedEarly: false, objectsCopied: 1 });
  });
});
