import { FakeS3, FakeStorage, errors } from './fake-s3';
import { SMALL_PARTS, bytes, outcomes, runOptions, smallFake } from './helpers';
import {
  ENGINE_DEFAULTS,
  GIB,
  MIB,
  OverwritePolicy,
  copyDataset,
  copySourceOf,
  destinationKeyOf,
  isDirectoryBucket,
} from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

describe('listing', () => {
  test('follows continuation tokens across pages and never uses StartAfter', async () => {
    const fake = new FakeS3({ pageSize: 3 });
    const keys = Array.from({ length: 10 }, (_, i) => `data/obj-${i}`);
    keys.forEach((key, i) => fake.put('src', key, bytes(10 + i, i)));
    fake.put('src', 'other/not-me', 'x');
    fake.put('src', 'data-but-not-the-prefix', 'x');
    fake.createBucket('dst');
    const { options } = runOptions(fake);

    const result = await copyDataset(SRC, DST, options);

    const lists = fake.callsOf('ListObjectsV2');
    expect(lists).toHaveLength(4); // 3 + 3 + 3 + 1
    expect(lists.map((call) => call.input.StartAfter)).toEqual([undefined, undefined, undefined, undefined]);
    expect(lists.map((call) => call.input.Prefix)).toEqual(['data/', 'data/', 'data/', 'data/']);
    expect(lists[0].input.ContinuationToken).toBeUndefined();
    for (let i = 1; i < lists.length; i++) {
      expect(lists[i].input.ContinuationToken).toBe(lists[i - 1].output.NextContinuationToken);
      expect(lists[i].input.ContinuationToken).toBeDefined();
    }
    expect(result).toMatchObject({ complete: true, objectsListed: 10, objectsCopied: 10, failures: [] });
    expect(fake.keys('dst')).toEqual(keys.map((key) => key.replace('data/', 'copy/')).sort());
    for (const key of keys) {
      expect(fake.sameBytes('src', key, 'dst', key.replace('data/', 'copy/'))).toBe(true);
    }
  });

  test('an empty prefix lists the whole bucket without a Prefix parameter', async () => {
    const fake = new FakeS3();
    fake.put('src', 'a', 'a');
    fake.put('src', 'b/c', 'bc');
    fake.createBucket('dst');
    const result = await copyDataset({ bucket: 'src', prefix: '' }, { bucket: 'dst', prefix: '' }, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2 });
    expect(fake.callsOf('ListObjectsV2')[0].input.Prefix).toBeUndefined();
    expect(fake.keys('dst')).toEqual(['a', 'b/c']);
  });

  test('an empty source copies nothing and is complete', async () => {
    const fake = new FakeS3();
    fake.createBucket('src').createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsListed: 0, objectsCopied: 0 });
  });

  test('a listing that fails for good rejects the run', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.failKey('ListObjectsV2', 'data/', errors.accessDenied);
    await expect(copyDataset(SRC, DST, runOptions(fake).options)).rejects.toThrow(/listing src\/data\/ failed: AccessDenied \(HTTP 403\)/);
    expect(fake.count('ListObjectsV2')).toBe(1);
  });
});

describe('locations', () => {
  test('the destination key replaces the source prefix with the destination prefix', () => {
    expect(destinationKeyOf(SRC, DST, 'data/a/b.bin')).toBe('copy/a/b.bin');
    expect(destinationKeyOf({ bucket: 's', prefix: '' }, DST, 'a/b')).toBe('copy/a/b');
    expect(destinationKeyOf(SRC, { bucket: 'd', prefix: '' }, 'data/x')).toBe('x');
  });

  test.each([
    [{ bucket: 'src', prefix: 'data' }, DST, 'source'],
    [SRC, { bucket: 'dst', prefix: 'copy' }, 'destination'],
    [{ bucket: 'src--use1-az4--x-s3', prefix: 'data' }, DST, 'source'],
    [SRC, { bucket: 'dst--use1-az4--x-s3', prefix: 'a/b' }, 'destination'],
  ])('a prefix that does not end with "/" is refused before any request (%o -> %o)', async (source, destination, which) => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    await expect(copyDataset(source, destination, runOptions(fake).options)).rejects.toThrow(new RegExp(`${which} prefix .* must be empty or end with "/"`));
    expect(fake.calls).toEqual([]);
  });

  test('a destination inside the listed source (same bucket) is refused: the copies would be listed and copied again', async () => {
    const fake = new FakeS3({ pageSize: 2 });
    ['a', 'b', 'c', 'd', 'e'].forEach((key) => fake.put('src', `data/${key}`, key));
    await expect(copyDataset(SRC, { bucket: 'src', prefix: 'data/copy/' }, runOptions(fake).options)).rejects.toThrow(/inside the source/);
    await expect(copyDataset({ bucket: 'src', prefix: '' }, { bucket: 'src', prefix: 'backup/' }, runOptions(fake).options)).rejects.toThrow(/inside the source/);
    expect(fake.calls).toEqual([]);
  });

  test('a destination beside the source in the same bucket is fine', async () => {
    const fake = new FakeS3({ pageSize: 2 });
    ['a', 'b', 'c', 'd', 'e'].forEach((key) => fake.put('src', `data/${key}`, key));
    const result = await copyDataset(SRC, { bucket: 'src', prefix: 'copy/' }, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 5 });
    expect(fake.keys('src').filter((key) => key.startsWith('copy/'))).toHaveLength(5);
  });

  test('options are validated', async () => {
    const fake = new FakeS3();
    await expect(copyDataset(SRC, DST, runOptions(fake, { concurrency: 0 }).options)).rejects.toThrow(RangeError);
    await expect(copyDataset(SRC, DST, runOptions(fake, { concurrency: 1.5 }).options)).rejects.toThrow(RangeError);
    await expect(copyDataset(SRC, DST, runOptions(fake, { multipartThresholdBytes: 5 * GIB + 1 }).options)).rejects.toThrow(RangeError);
    await expect(copyDataset(SRC, DST, runOptions(fake, { multipartThresholdBytes: 0 }).options)).rejects.toThrow(RangeError);
    expect(fake.calls).toEqual([]);
  });

  test('the defaults are the documented ones', () => {
    expect(ENGINE_DEFAULTS).toEqual({
      concurrency: 256,
      multipartThresholdBytes: 5 * GIB,
      partSizeBytes: 256 * MIB,
      maxAttempts: 8,
      retryBaseDelayMs: 100,
      retryMaxDelayMs: 20_000,
      overwrite: OverwritePolicy.IF_DIFFERENT,
      listDestination: true,
    });
  });
});

describe('single or multipart', () => {
  test('objects at or below the threshold use CopyObject, objects above it UploadPartCopy', async () => {
    const fake = smallFake();
    const sizes: Record<string, number> = { 'data/a-99': 99, 'data/b-100': 100, 'data/c-101': 101, 'data/d-250': 250, 'data/e-0': 0 };
    Object.entries(sizes).forEach(([key, size], i) => fake.put('src', key, bytes(size, i + 1)));
    fake.createBucket('dst');
    const { options, events } = runOptions(fake, { ...SMALL_PARTS });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 5, bytesCopied: 99 + 100 + 101 + 250 });
    expect(fake.callsOf('CopyObject').map((call) => call.input.Key).sort()).toEqual(['copy/a-99', 'copy/b-100', 'copy/e-0']);
    expect(fake.callsOf('CreateMultipartUpload').map((call) => call.input.Key).sort()).toEqual(['copy/c-101', 'copy/d-250']);
    expect(fake.callsOf('CompleteMultipartUpload')).toHaveLength(2);
    for (const key of Object.keys(sizes)) {
      expect(fake.sameBytes('src', key, 'dst', key.replace('data/', 'copy/'))).toBe(true);
    }
    expect(fake.body('dst', 'copy/d-250')).toEqual(bytes(250, 4));
    const multipart = Object.fromEntries(events.flatMap((e) => (e.type === 'object' ? [[e.key, e.multipart]] : [])));
    expect(multipart).toEqual({ 'data/a-99': false, 'data/b-100': false, 'data/c-101': true, 'data/d-250': true, 'data/e-0': false });
    expect(fake.openUploads()).toEqual([]);
  });

  test('UploadPartCopy sends consecutive part numbers, byte ranges covering every byte once, and CopySourceIfMatch', async () => {
    const fake = smallFake();
    const source = fake.put('src', 'data/big', bytes(250, 7));
    fake.createBucket('dst');

    await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);

    const uploadId = fake.callsOf('CreateMultipartUpload')[0].output.UploadId;
    const parts = fake.callsOf('UploadPartCopy').map((call) => call.input).sort((a, b) => a.PartNumber - b.PartNumber);
    expect(parts.map((p) => [p.PartNumber, p.CopySourceRange])).toEqual([
      [1, 'bytes=0-39'], [2, 'bytes=40-79'], [3, 'bytes=80-119'], [4, 'bytes=120-159'],
      [5, 'bytes=160-199'], [6, 'bytes=200-239'], [7, 'bytes=240-249'],
    ]);
    for (const part of parts) {
      expect(part).toMatchObject({ Bucket: 'dst', Key: 'copy/big', UploadId: uploadId, CopySource: 'src/data/big', CopySourceIfMatch: source.etag });
    }
    const complete = fake.callsOf('CompleteMultipartUpload')[0].input;
    expect(complete.UploadId).toBe(uploadId);
    expect(complete.MultipartUpload.Parts.map((p: { PartNumber: number }) => p.PartNumber)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(complete.MultipartUpload.Parts.map((p: { ETag: string }) => p.ETag))
      .toEqual(fake.callsOf('UploadPartCopy').sort((a, b) => a.input.PartNumber - b.input.PartNumber).map((c) => c.output.CopyPartResult.ETag));
  });

  test('a source changed between parts fails the copy on CopySourceIfMatch instead of mixing two versions', async () => {
    const fake = smallFake({
      onCall: (name, input) => {
        if (name === 'UploadPartCopy' && input.PartNumber === 2 && fake.get('src', 'data/big')!.version === 1) {
          fake.put('src', 'data/big', bytes(250, 99)); // rewritten while the copy runs
        }
      },
    });
    fake.put('src', 'data/big', bytes(250, 7));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, concurrency: 1 }).options);
    expect(result.complete).toBe(false);
    expect(result.failures).toEqual([expect.objectContaining({ key: 'data/big', error: expect.stringContaining('PreconditionFailed') })]);
    expect(fake.get('dst', 'copy/big')).toBeUndefined();
    expect(fake.openUploads()).toEqual([]);
  });

  test('with the default settings, exactly 5 GiB uses CopyObject and 5 GiB + 1 byte is 21 parts of 256 MiB', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/exactly-5gib', { size: 5 * GIB });
    fake.put('src', 'data/5gib-plus-1', { size: 5 * GIB + 1 });
    fake.createBucket('dst');

    const result = await copyDataset(SRC, DST, runOptions(fake).options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 2, bytesCopied: 10 * GIB + 1 });
    expect(fake.callsOf('CopyObject').map((c) => c.input.Key)).toEqual(['copy/exactly-5gib']);
    const ranges = fake.callsOf('UploadPartCopy').map((c) => c.input).sort((a, b) => a.PartNumber - b.PartNumber);
    expect(ranges).toHaveLength(21);
    expect(ranges[0].CopySourceRange).toBe(`bytes=0-${256 * MIB - 1}`);
    expect(ranges[20]).toMatchObject({ PartNumber: 21, CopySourceRange: `bytes=${5 * GIB}-${5 * GIB}` });
    expect(fake.sameBytes('src', 'data/exactly-5gib', 'dst', 'copy/exactly-5gib')).toBe(true);
    expect(fake.sameBytes('src', 'data/5gib-plus-1', 'dst', 'copy/5gib-plus-1')).toBe(true);
  });

  test('an object that would need 10,001 parts at the preferred size is copied in fewer, larger whole-MiB parts', async () => {
    const fake = new FakeS3();
    const size = 10_001 * 5 * MIB;
    fake.put('src', 'data/huge', { size });
    fake.createBucket('dst');

    const result = await copyDataset(SRC, DST, runOptions(fake, { partSizeBytes: 5 * MIB, concurrency: 256 }).options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 1 });
    const parts = fake.callsOf('UploadPartCopy');
    expect(parts.length).toBe(Math.ceil(size / (6 * MIB)));
    expect(parts.length).toBeLessThanOrEqual(10_000);
    expect(parts[0].input.CopySourceRange).toBe(`bytes=0-${6 * MIB - 1}`);
    expect(fake.sameBytes('src', 'data/huge', 'dst', 'copy/huge')).toBe(true);
  });

  test('a part size above 5 GiB is capped at 5 GiB', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/big', { size: 12 * GIB });
    fake.createBucket('dst');
    await copyDataset(SRC, DST, runOptions(fake, { partSizeBytes: 8 * GIB }).options);
    const ranges = fake.callsOf('UploadPartCopy').map((c) => c.input.CopySourceRange).sort();
    expect(ranges).toEqual([`bytes=0-${5 * GIB - 1}`, `bytes=${10 * GIB}-${12 * GIB - 1}`, `bytes=${5 * GIB}-${10 * GIB - 1}`]);
    expect(fake.sameBytes('src', 'data/big', 'dst', 'copy/big')).toBe(true);
  });

  test('single copies go by the listed size and send no HEAD; multipart copies re-read the size with HEAD', async () => {
    const fake = smallFake({
      onCall: (name, input) => {
        // The object grows between the listing and the copy (its HEAD reports the new size).
        if (name === 'HeadObject' && input.Bucket === 'src' && fake.get('src', 'data/grows')!.version === 2) {
          fake.put('src', 'data/grows', bytes(300, 2));
        }
      },
    });
    fake.put('src', 'data/small', bytes(50, 1));
    fake.put('src', 'data/grows', bytes(150, 1));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, listDestination: true }).options);
    expect(result).toMatchObject({ complete: true, bytesCopied: 350 });
    expect(fake.callsOf('HeadObject').map((c) => c.input.Key)).toEqual(['data/grows']);
    expect(fake.count('CopyObject')).toBe(1);
    expect(fake.count('UploadPartCopy')).toBe(8);
    expect(fake.body('dst', 'copy/grows')).toEqual(bytes(300, 2));
  });

  test('without those options no storage class or encryption is sent', async () => {
    const fake = smallFake();
    fake.put('src', 'data/small', bytes(10));
    fake.put('src', 'data/large', bytes(200));
    fake.createBucket('dst');
    await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    for (const call of [...fake.callsOf('CopyObject'), ...fake.callsOf('CreateMultipartUpload')]) {
      expect(call.input.StorageClass).toBeUndefined();
      expect(call.input.ServerSideEncryption).toBeUndefined();
      expect(call.input.SSEKMSKeyId).toBeUndefined();
    }
  });

  test('every copy asks S3 for a CRC64NVME checksum (multipart: full-object), so that the next run can compare it', async () => {
    const fake = smallFake();
    fake.put('src', 'data/crc32c-small', bytes(10), { checksum: 'CRC32C' });
    fake.put('src', 'data/sha-small', bytes(10), { checksum: 'SHA256' });
    fake.put('src', 'data/crc64-large', bytes(200));
    fake.put('src', 'data/composite-large', bytes(200, 2), { checksum: 'CRC32', checksumType: 'COMPOSITE' });
    fake.createBucket('dst');
    await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    const copies = Object.fromEntries(fake.callsOf('CopyObject').map((c) => [c.input.Key, c.input.ChecksumAlgorithm]));
    expect(copies).toEqual({ 'copy/crc32c-small': 'CRC64NVME', 'copy/sha-small': 'CRC64NVME' });
    const creates = Object.fromEntries(fake.callsOf('CreateMultipartUpload').map((c) => [c.input.Key, [c.input.ChecksumAlgorithm, c.input.ChecksumType]]));
    expect(creates).toEqual({ 'copy/crc64-large': ['CRC64NVME', 'FULL_OBJECT'], 'copy/composite-large': ['CRC64NVME', 'FULL_OBJECT'] });
    // A source with a full-object CRC64NVME: S3 checks the assembled copy against the source's value.
    const complete = (key: string) => fake.callsOf('CompleteMultipartUpload').find((c) => c.input.Key === key)!.input;
    expect(complete('copy/crc64-large')).toMatchObject({ ChecksumType: 'FULL_OBJECT', ChecksumCRC64NVME: fake.get('src', 'data/crc64-large')!.checksums.CRC64NVME });
    expect(complete('copy/composite-large')).toMatchObject({ ChecksumType: 'FULL_OBJECT' });
    expect(complete('copy/composite-large').ChecksumCRC64NVME).toBeUndefined();
    expect(fake.get('dst', 'copy/crc64-large')!.checksums).toEqual(fake.get('src', 'data/crc64-large')!.checksums);
    for (const key of ['copy/crc32c-small', 'copy/sha-small', 'copy/composite-large']) {
      expect(Object.keys(fake.get('dst', key)!.checksums)).toEqual(['CRC64NVME']);
      expect(fake.get('dst', key)!.checksumType).toBe('FULL_OBJECT');
    }
  });

  describe('preserveStrongSourceChecksum', () => {
    // A directory bucket source: its ETags are not MD5 digests, so only checksums can prove a copy.
    const FAST = { bucket: 'fast--use1-az4--x-s3', prefix: 'data/' };
    /** Sources of every kind; the fake gives a copy only the algorithm it asks for, as S3 does. */
    function sources(): FakeS3 {
      const fake = smallFake();
      fake.put(FAST.bucket, 'data/sha256-small', bytes(10, 1), { checksum: 'SHA256' });
      fake.put(FAST.bucket, 'data/sha1-small', bytes(10, 2), { checksum: 'SHA1' });
      fake.put(FAST.bucket, 'data/crc64-small', bytes(10, 3));
      fake.put(FAST.bucket, 'data/crc32-small', bytes(10, 4), { checksum: 'CRC32' });
      fake.put(FAST.bucket, 'data/crc32c-small', bytes(10, 5), { checksum: 'CRC32C' });
      fake.put(FAST.bucket, 'data/composite-sha256-small', bytes(10, 6), { checksum: 'SHA256', checksumType: 'COMPOSITE' });
      fake.put(FAST.bucket, 'data/none-small', bytes(10, 7), { checksum: 'none' });
      fake.put(FAST.bucket, 'data/sha256-large', bytes(200, 8), { checksum: 'SHA256' });
      fake.createBucket('dst');
      return fake;
    }

    test('a full-object SHA-256, SHA-1 or CRC64NVME source is copied asking for its own algorithm; anything else asks CRC64NVME', async () => {
      const fake = sources();
      const result = await copyDataset(FAST, DST, runOptions(fake, { ...SMALL_PARTS, preserveStrongSourceChecksum: true }).options);
      expect(result).toMatchObject({ complete: true, objectsCopied: 8 });
      const copies = Object.fromEntries(fake.callsOf('CopyObject').map((c) => [c.input.Key, c.input.ChecksumAlgorithm]));
      expect(copies).toEqual({
        'copy/sha256-small': 'SHA256',
        'copy/sha1-small': 'SHA1',
        'copy/crc64-small': 'CRC64NVME',
        'copy/crc32-small': 'CRC64NVME',
        'copy/crc32c-small': 'CRC64NVME',
        'copy/composite-sha256-small': 'CRC64NVME',
        'copy/none-small': 'CRC64NVME',
      });
      // Multipart: S3 has no full-object SHA for multipart uploads, so a full-object CRC64NVME as without the option.
      const creates = fake.callsOf('CreateMultipartUpload').map((c) => [c.input.Key, c.input.ChecksumAlgorithm, c.input.ChecksumType]);
      expect(creates).toEqual([['copy/sha256-large', 'CRC64NVME', 'FULL_OBJECT']]);
      // The algorithm comes from a HeadObject of each source (checksum mode on).
      const sourceHeads = fake.callsOf('HeadObject').filter((c) => c.input.Bucket === FAST.bucket);
      expect(sourceHeads.map((c) => c.input.Key).sort()).toEqual(fake.keys(FAST.bucket));
      expect(sourceHeads.every((c) => c.input.ChecksumMode === 'ENABLED')).toBe(true);
      for (const [key, algorithm] of [['sha256-small', 'SHA256'], ['sha1-small', 'SHA1'], ['crc64-small', 'CRC64NVME']]) {
        expect(fake.get('dst', `copy/${key}`)!.checksums).toEqual(fake.get(FAST.bucket, `data/${key}`)!.checksums);
        expect(Object.keys(fake.get('dst', `copy/${key}`)!.checksums)).toEqual([algorithm]);
      }
    });

    test('the next sync proves the copies that kept a strong checksum identical, and copies the others again', async () => {
      const fake = sources();
      await copyDataset(FAST, DST, runOptions(fake, { ...SMALL_PARTS, preserveStrongSourceChecksum: true }).options);
      const again = runOptions(fake, { ...SMALL_PARTS, preserveStrongSourceChecksum: true });
      await copyDataset(FAST, DST, again.options);
      expect(outcomes(again.events)).toEqual({
        'data/sha256-small': 'skipped',
        'data/sha1-small': 'skipped',
        'data/crc64-small': 'skipped',
        'data/crc32-small': 'copied',
        'data/crc32c-small': 'copied',
        'data/composite-sha256-small': 'copied',
        'data/none-small': 'copied',
        'data/sha256-large': 'copied',
      });
    });

    test('off (the default): a SHA-256 source is copied asking CRC64NVME, and the copy cannot be compared with it', async () => {
      const fake = sources();
      await copyDataset(FAST, DST, runOptions(fake, { ...SMALL_PARTS }).options);
      expect(fake.callsOf('CopyObject').find((c) => c.input.Key === 'copy/sha256-small')!.input.ChecksumAlgorithm).toBe('CRC64NVME');
      expect(Object.keys(fake.get('dst', 'copy/sha256-small')!.checksums)).toEqual(['CRC64NVME']);
      const again = runOptions(fake, { ...SMALL_PARTS });
      await copyDataset(FAST, DST, again.options);
      expect(outcomes(again.events)['data/sha256-small']).toBe('copied');
    });
  });
});

describe('key encoding', () => {
  test('copySourceOf URL-encodes the key and keeps the slashes', () => {
    expect(copySourceOf('b', 'a/b c/d+e.txt')).toBe('b/a/b%20c/d%2Be.txt');
    expect(copySourceOf('b', 'ü/日本.bin')).toBe('b/%C3%BC/%E6%97%A5%E6%9C%AC.bin');
    expect(copySourceOf('b', 'q?x=1&y=%')).toBe('b/q%3Fx%3D1%26y%3D%25');
    expect(copySourceOf('b', 'a//b/')).toBe('b/a//b/');
  });

  test('keys with spaces, unicode and "+" are copied, single and multipart', async () => {
    const fake = smallFake();
    const keys = ['data/with space.bin', 'data/ünïcödé/日本語.txt', 'data/a+b=c&d?.bin', 'data/big file+1 ü.bin', 'data/100%.txt'];
    keys.forEach((key, i) => fake.put('src', key, bytes(key.includes('big') ? 150 : 20, i)));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 5 });
    const sources = fake.callsOf('CopyObject').map((c) => c.input.CopySource).sort();
    expect(sources).toEqual([
      'src/data/100%25.txt',
      'src/data/a%2Bb%3Dc%26d%3F.bin',
      'src/data/with%20space.bin',
      'src/data/%C3%BCn%C3%AFc%C3%B6d%C3%A9/%E6%97%A5%E6%9C%AC%E8%AA%9E.txt',
    ].sort());
    expect(new Set(fake.callsOf('UploadPartCopy').map((c) => c.input.CopySource))).toEqual(new Set(['src/data/big%20file%2B1%20%C3%BC.bin']));
    for (const key of keys) {
      expect(fake.sameBytes('src', key, 'dst', key.replace('data/', 'copy/'))).toBe(true);
    }
  });
});

describe('directory buckets', () => {
  const EXPRESS_SRC = { bucket: 'cache--use1-az4--x-s3', prefix: 'data/' };
  const EXPRESS_DST = { bucket: 'scratch--use1-az4--x-s3', prefix: 'copy/' };

  test('isDirectoryBucket recognises the --x-s3 suffix', () => {
    expect(isDirectoryBucket('cache--use1-az4--x-s3')).toBe(true);
    expect(isDirectoryBucket('my-bucket')).toBe(false);
    expect(isDirectoryBucket('x-s3')).toBe(false);
  });

  test('a shuffled, non-lexicographic listing still copies every object exactly once', async () => {
    const fake = smallFake({ pageSize: 4 });
    const keys = Array.from({ length: 37 }, (_, i) => `data/${String(i).padStart(3, '0')}/obj`);
    keys.forEach((key, i) => fake.put(EXPRESS_SRC.bucket, key, bytes(i % 5 === 0 ? 130 : 20, i)));
    fake.createBucket('dst');
    const { options, events } = runOptions(fake, { ...SMALL_PARTS });

    const result = await copyDataset(EXPRESS_SRC, DST, options);

    const listed = fake.callsOf('ListObjectsV2').flatMap((c) => c.output.Contents.map((o: { Key: string }) => o.Key));
    expect(listed).not.toEqual([...listed].sort()); // the order really is shuffled
    expect(fake.callsOf('ListObjectsV2').every((c) => c.input.StartAfter === undefined)).toBe(true);
    expect(result).toMatchObject({ complete: true, objectsListed: 37, objectsCopied: 37 });
    const copied = [...fake.callsOf('CopyObject'), ...fake.callsOf('CreateMultipartUpload')].map((c) => c.input.Key);
    expect(copied).toHaveLength(37);
    expect(new Set(copied).size).toBe(37);
    expect(events.filter((e) => e.type === 'object')).toHaveLength(37);
    for (const key of keys) {
      expect(fake.sameBytes(EXPRESS_SRC.bucket, key, 'dst', key.replace('data/', 'copy/'))).toBe(true);
    }
  });

  test('no StorageClass is sent to a directory bucket, and multipart part numbers are consecutive from 1', async () => {
    const fake = smallFake();
    fake.put('src', 'data/small', bytes(30));
    fake.put('src', 'data/large', bytes(333));
    fake.createBucket(EXPRESS_DST.bucket);
    const result = await copyDataset(SRC, EXPRESS_DST, runOptions(fake, { ...SMALL_PARTS, storageClass: 'STANDARD_IA' }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2, failures: [] });
    for (const call of [...fake.callsOf('CopyObject'), ...fake.callsOf('CreateMultipartUpload')]) {
      expect(call.input).not.toHaveProperty('StorageClass');
    }
    const numbers = fake.callsOf('CompleteMultipartUpload')[0].input.MultipartUpload.Parts.map((p: { PartNumber: number }) => p.PartNumber);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(fake.get(EXPRESS_DST.bucket, 'copy/large')!.storageClass).toBe('EXPRESS_ONEZONE');
    expect(fake.sameBytes('src', 'data/large', EXPRESS_DST.bucket, 'copy/large')).toBe(true);
  });

  test('directory bucket to directory bucket, run twice: the second run skips everything', async () => {
    const fake = smallFake({ pageSize: 3 });
    for (let i = 0; i < 10; i++) {
      fake.put(EXPRESS_SRC.bucket, `data/${i}`, bytes(i * 25, i));
    }
    fake.createBucket(EXPRESS_DST.bucket);
    const first = await copyDataset(EXPRESS_SRC, EXPRESS_DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(first).toMatchObject({ complete: true, objectsCopied: 10 });
    fake.resetCalls();
    const second = await copyDataset(EXPRESS_SRC, EXPRESS_DST, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(second).toMatchObject({ complete: true, objectsCopied: 0, objectsSkipped: 10 });
    expect(fake.count('CopyObject') + fake.count('UploadPartCopy')).toBe(0);
  });
});

describe('explicit keys', () => {
  test('copies just those keys, without listing, and reports a missing key as a failure', async () => {
    const fake = new FakeS3();
    ['a.bin', 'b/c.bin', 'not-asked.bin'].forEach((key, i) => fake.put('src', `data/${key}`, bytes(10, i)));
    fake.createBucket('dst');
    const { options, events } = runOptions(fake, { keys: ['a.bin', 'missing.bin', 'b/c.bin'] });

    const result = await copyDataset(SRC, DST, options);

    expect(fake.count('ListObjectsV2')).toBe(0);
    expect(fake.keys('dst')).toEqual(['copy/a.bin', 'copy/b/c.bin']);
    expect(result.complete).toBe(false);
    expect(result.objectsListed).toBe(3);
    expect(result.objectsCopied).toBe(2);
    expect(result.failures).toEqual([{ key: 'data/missing.bin', error: expect.stringMatching(/not found|disappeared/), attempts: 1 }]);
    expect(outcomes(events)).toEqual({ 'data/a.bin': 'copied', 'data/missing.bin': 'failed', 'data/b/c.bin': 'copied' });
  });

  test('a missing key is a failure whatever the overwrite policy, and in a dry run', async () => {
    for (const extra of [{ overwrite: OverwritePolicy.NEVER }, { overwrite: OverwritePolicy.ALWAYS }, { dryRun: true }]) {
      const fake = new FakeS3();
      fake.createBucket('src');
      fake.put('dst', 'copy/gone.bin', 'an older copy');
      const { options, events } = runOptions(fake, { keys: ['gone.bin'], ...extra });
      const result = await copyDataset(SRC, DST, options);
      expect(result.complete).toBe(false);
      expect(result.failures.map((f) => f.key)).toEqual(['data/gone.bin']);
      expect(result.objectsSkipped + result.objectsToCopy + result.objectsCopied).toBe(0);
      expect(outcomes(events)).toEqual({ 'data/gone.bin': 'failed' });
      const listed = events.find((e) => e.type === 'listed');
      expect(listed && listed.type === 'listed' && listed.progress.bytesListed).toBe(0);
    }
  });

  test('a key of a multipart-sized object is copied in parts', async () => {
    const fake = smallFake();
    fake.put('src', 'data/one/big.bin', bytes(170));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, keys: ['one/big.bin'] }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, bytesCopied: 170 });
    expect(fake.count('UploadPartCopy')).toBe(5);
    expect(fake.body('dst', 'copy/one/big.bin')).toEqual(bytes(170));
  });
});

describe('clients', () => {
  test('the source client lists and reads the source; the destination client writes', async () => {
    const storage = new FakeStorage();
    const source = new FakeS3({ storage, minPartSizeBytes: SMALL_PARTS.minPartSizeBytes });
    const destination = new FakeS3({ storage, minPartSizeBytes: SMALL_PARTS.minPartSizeBytes });
    source.put('src', 'data/s', bytes(20));
    source.put('src', 'data/l', bytes(200));
    source.put('dst', 'copy/s', 'different');
    const { options } = runOptions(source, { ...SMALL_PARTS, destinationClient: destination.client });
    const result = await copyDataset(SRC, DST, options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2 });
    expect(new Set(source.calls.map((c) => c.name))).toEqual(new Set(['ListObjectsV2', 'HeadObject', 'GetObjectTagging']));
    expect([...source.callsOf('HeadObject'), ...source.callsOf('GetObjectTagging')].every((c) => c.input.Bucket === 'src')).toBe(true);
    expect(new Set(destination.calls.map((c) => c.name)))
      .toEqual(new Set(['HeadObject', 'CopyObject', 'CreateMultipartUpload', 'UploadPartCopy', 'CompleteMultipartUpload']));
    expect(destination.callsOf('HeadObject').every((c) => c.input.Bucket === 'dst')).toBe(true);
    expect(source.sameBytes('src', 'data/s', 'dst', 'copy/s')).toBe(true);
  });

  test('HeadObject always asks for checksums', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', 'a');
    fake.put('dst', 'copy/a', 'b');
    await copyDataset(SRC, DST, runOptions(fake).options);
    expect(fake.count('HeadObject')).toBeGreaterThan(0);
    expect(fake.callsOf('HeadObject').every((c) => c.input.ChecksumMode === 'ENABLED')).toBe(true);
  });
});

describe('listPrefix, renames and include', () => {
  test('listPrefix lists a narrower prefix while keys still map from the source prefix', async () => {
    const fake = new FakeS3();
    fake.put('src', 'raw/2024/a', 'a');
    fake.put('src', 'raw/2024/b', 'b');
    fake.put('src', 'raw/2025/c', 'c');
    fake.createBucket('dst');
    const result = await copyDataset({ bucket: 'src', prefix: '' }, { bucket: 'dst', prefix: 'mirror/' }, runOptions(fake, { listPrefix: 'raw/2024/' }).options);
    expect(result).toMatchObject({ complete: true, objectsListed: 2, objectsCopied: 2 });
    expect(fake.callsOf('ListObjectsV2').map((c) => c.input.Prefix)).toEqual(['raw/2024/']);
    expect(fake.keys('dst')).toEqual(['mirror/raw/2024/a', 'mirror/raw/2024/b']);
  });

  test('a listPrefix outside the source prefix is refused', async () => {
    const fake = new FakeS3();
    await expect(copyDataset(SRC, DST, runOptions(fake, { listPrefix: 'other/' }).options)).rejects.toThrow(/must start with the source prefix/);
    expect(fake.calls).toEqual([]);
  });

  test('listPrefix in the same bucket: refused only when the copies land inside the listing', async () => {
    const fake = new FakeS3();
    fake.put('src', 'raw/a', 'a');
    // Batch-style keys: '<destination prefix><full source key>', beside the listed prefix.
    const ok = await copyDataset({ bucket: 'src', prefix: '' }, { bucket: 'src', prefix: 'curated/' }, runOptions(fake, { listPrefix: 'raw/' }).options);
    expect(ok).toMatchObject({ complete: true, objectsCopied: 1 });
    expect(fake.keys('src')).toEqual(['curated/raw/a', 'raw/a']);
    await expect(copyDataset({ bucket: 'src', prefix: '' }, { bucket: 'src', prefix: 'raw/copy/' }, runOptions(fake, { listPrefix: 'raw/' }).options))
      .rejects.toThrow(/inside the source/);
  });

  test('renames copy an object under another name; the others keep their relative key', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/model.bin', 'weights');
    fake.put('src', 'data/config.json', '{}');
    fake.createBucket('dst');
    const { options, events } = runOptions(fake, { renames: { 'model.bin': 'checkpoints/step-100/model.bin' } });
    const result = await copyDataset(SRC, DST, options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2 });
    expect(fake.keys('dst')).toEqual(['copy/checkpoints/step-100/model.bin', 'copy/config.json']);
    expect(events.find((e) => e.type === 'object' && e.key === 'data/model.bin')).toMatchObject({ destinationKey: 'copy/checkpoints/step-100/model.bin' });
  });

  test('keys named like Object.prototype members are not renamed by accident', async () => {
    const fake = new FakeS3();
    for (const key of ['constructor', 'toString', '__proto__', 'hasOwnProperty', 'renamed']) {
      fake.put('src', `data/${key}`, key);
    }
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { renames: { renamed: 'new-name' } }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 5 });
    expect(fake.keys('dst')).toEqual(['copy/__proto__', 'copy/constructor', 'copy/hasOwnProperty', 'copy/new-name', 'copy/toString']);
  });

  test('include filters the listed objects, and the others are not counted', async () => {
    const fake = smallFake();
    fake.put('src', 'data/small', bytes(50));
    fake.put('src', 'data/large', bytes(150));
    fake.createBucket('dst');
    const seen: Array<[string, number]> = [];
    const { options, events } = runOptions(fake, {
      ...SMALL_PARTS,
      include: (key, size) => {
        seen.push([key, size]);
        return size > 100;
      },
    });
    const result = await copyDataset(SRC, DST, options);
    expect(seen.sort()).toEqual([['data/large', 150], ['data/small', 50]]);
    expect(result).toMatchObject({ complete: true, objectsListed: 1, objectsCopied: 1, bytesCopied: 150 });
    expect(fake.keys('dst')).toEqual(['copy/large']);
    expect(outcomes(events)).toEqual({ 'data/large': 'copied' });
  });
});

describe('keys with listPrefix', () => {
  test('explicit keys stay relative to the source prefix, whatever listPrefix says', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/sub/a', 'a');
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { keys: ['sub/a'], listPrefix: 'data/sub/' }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1 });
    expect(fake.keys('dst')).toEqual(['copy/sub/a']);
  });

  test('a failed listing names the prefix it listed', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/sub/a', 'a');
    fake.failKey('ListObjectsV2', 'data/sub/', errors.accessDenied);
    await expect(copyDataset(SRC, DST, runOptions(fake, { listPrefix: 'data/sub/' }).options)).rejects.toThrow(/^listing src\/data\/sub\/ failed: AccessDenied/);
  });
});

describe('a source object deleted after the listing', () => {
  test('is reported as a failure, with or without an existing destination object', async () => {
    const fake = new FakeS3({
      onCall: (name, input) => {
        // Another writer deletes the sources once the listing has seen them.
        if (name === 'HeadObject' && input.Bucket === 'dst') {
          fake.remove('src', input.Key.replace('copy/', 'data/'));
        }
      },
    });
    fake.put('src', 'data/a', 'a');
    fake.put('src', 'data/b', 'b');
    fake.put('dst', 'copy/b', 'old b');
    const { options, events } = runOptions(fake);
    const result = await copyDataset(SRC, DST, options);
    expect(result.complete).toBe(false);
    // data/a (new at the destination) fails on its CopyObject, data/b (to be compared) on its source HEAD.
    expect(result.failures.map((f) => [f.key, f.error]).sort()).toEqual([
      ['data/a', 'NoSuchKey (HTTP 404) The specified key does not exist.'],
      ['data/b', 'Error source object disappeared'],
    ]);
    expect(fake.count('CopyObject')).toBe(1); // data/a's copy, which found no source
    expect(fake.body('dst', 'copy/b')!.toString()).toBe('old b');
    expect(outcomes(events)).toEqual({ 'data/a': 'failed', 'data/b': 'failed' });
  });
});
