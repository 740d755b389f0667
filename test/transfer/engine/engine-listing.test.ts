import { FakeS3 } from './fake-s3';
import { bytes, runOptions } from './helpers';
import { OverwritePolicy, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

/** The listing path (the default): the destination prefix is listed once instead of a HEAD per object. */
function run(fake: FakeS3, overwrite?: OverwritePolicy) {
  return copyDataset(SRC, DST, runOptions(fake, { listDestination: true, overwrite }).options);
}

describe('sync by listing the destination first', () => {
  test('new keys are copied with one request each and no HEAD', async () => {
    const fake = new FakeS3();
    for (let i = 0; i < 30; i++) {
      fake.put('src', `data/${i}`, bytes(10, i));
    }
    fake.createBucket('dst');
    const result = await run(fake);
    expect(result).toMatchObject({ complete: true, objectsCopied: 30 });
    expect(fake.count('HeadObject')).toBe(0);
    expect(fake.count('CopyObject')).toBe(30);
    expect(fake.callsOf('ListObjectsV2').map((c) => `${c.input.Bucket}/${c.input.Prefix}`).sort()).toEqual(['dst/copy/', 'src/data/']);
  });

  test('a key of the same size is compared by checksum (two HEADs) and skipped when identical', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/same', bytes(10, 1));
    fake.put('dst', 'copy/same', bytes(10, 1));
    fake.put('src', 'data/changed', bytes(10, 1));
    fake.put('dst', 'copy/changed', bytes(10, 2));
    const result = await run(fake);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 1 });
    expect(fake.callsOf('HeadObject').map((c) => `${c.input.Bucket}/${c.input.Key}`).sort())
      .toEqual(['dst/copy/changed', 'dst/copy/same', 'src/data/changed', 'src/data/same']);
    expect(fake.body('dst', 'copy/changed')).toEqual(bytes(10, 1));
  });

  test('a key of another size is copied without a HEAD', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/grown', bytes(20, 1));
    fake.put('dst', 'copy/grown', bytes(10, 1));
    const result = await run(fake);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1 });
    expect(fake.count('HeadObject')).toBe(0);
    expect(fake.body('dst', 'copy/grown')).toEqual(bytes(20, 1));
  });

  test('NEVER skips a listed key without a HEAD', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(20, 1));
    fake.put('dst', 'copy/a', bytes(10, 9));
    fake.put('src', 'data/b', bytes(20, 2));
    const result = await run(fake, OverwritePolicy.NEVER);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 1 });
    expect(fake.count('HeadObject')).toBe(0);
    expect(fake.body('dst', 'copy/a')).toEqual(bytes(10, 9));
  });

  test('ALWAYS lists nothing at the destination', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(20, 1));
    fake.put('dst', 'copy/a', bytes(20, 1));
    await run(fake, OverwritePolicy.ALWAYS);
    expect(fake.callsOf('ListObjectsV2').map((c) => c.input.Bucket)).toEqual(['src']);
    expect(fake.count('CopyObject')).toBe(1);
  });

  test('a destination listing that fails for good rejects the run and names the prefix', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(20, 1));
    fake.createBucket('dst');
    fake.fail({ operation: 'ListObjectsV2', when: (input) => input.Bucket === 'dst', error: () => Object.assign(new Error('denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) });
    await expect(run(fake)).rejects.toThrow('listing dst/copy/ failed: AccessDenied (HTTP 403) denied');
    expect(fake.count('CopyObject')).toBe(0);
  });
});

describe('explicit keys', () => {
  test('the keys are read concurrently by the workers, not one by one by the listing', async () => {
    const fake = new FakeS3();
    const keys = Array.from({ length: 20 }, (_, i) => `k${i}`);
    keys.forEach((k, i) => fake.put('src', `data/${k}`, bytes(10, i)));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake, { keys, concurrency: 8 }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 20 });
    expect(fake.callsOf('ListObjectsV2')).toHaveLength(0);
    expect(fake.maxInFlight).toBeGreaterThan(1);
    expect(fake.maxInFlight).toBeLessThanOrEqual(8);
  });
});
