/**
 * Where the engine refuses to copy, before any copy starts: renames that would copy two source
 * objects to one destination key (one would be lost while the run reports success), and copies onto
 * the source itself.
 */
import { FakeS3, errors } from './fake-s3';
import { bytes, runOptions, smallFake, SMALL_PARTS } from './helpers';
import { OverwritePolicy, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

/** Calls that write: none may happen when a run is refused. */
function writes(fake: FakeS3) {
  return fake.calls.filter((c) => ['CopyObject', 'CreateMultipartUpload', 'UploadPartCopy', 'CompleteMultipartUpload'].includes(c.name));
}

function source(keys: readonly string[]): FakeS3 {
  const fake = new FakeS3();
  keys.forEach((key, i) => fake.put('src', `data/${key}`, `content of ${key} ${i}`));
  fake.createBucket('dst');
  return fake;
}

describe('renames with keys: the whole mapping is known before any request', () => {
  test.each([
    ['a rename onto a key copied unrenamed', ['a.bin', 'b.bin'], { 'a.bin': 'b.bin' }, '"a.bin" and "b.bin" to "b.bin"'],
    ['two renames onto one key', ['a.bin', 'b.bin', 'c.bin'], { 'a.bin': 'x.bin', 'b.bin': 'x.bin' }, '"a.bin" and "b.bin" to "x.bin"'],
  ])('%s: the run fails and nothing is requested', async (_name, keys, renames, collision) => {
    const fake = source(keys);
    for (const overwrite of Object.values(OverwritePolicy)) {
      await expect(copyDataset(SRC, DST, runOptions(fake, { keys, renames, overwrite }).options))
        .rejects.toThrow(`two or more source objects to one destination key: ${collision}`);
    }
    expect(fake.calls).toEqual([]);
    expect(fake.keys('dst')).toEqual([]);
  });

  test('a swap and a rename onto a key that is not copied are fine', async () => {
    const fake = source(['a', 'b', 'c']);
    const result = await copyDataset(SRC, DST, runOptions(fake, { keys: ['a', 'b'], renames: { a: 'b', b: 'a', c: 'a' } }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 2 });
    expect(fake.sameBytes('src', 'data/a', 'dst', 'copy/b')).toBe(true);
    expect(fake.sameBytes('src', 'data/b', 'dst', 'copy/a')).toBe(true);
    expect(fake.keys('dst')).toEqual(['copy/a', 'copy/b']);
  });
});

describe('renames over a whole prefix: the objects that can collide are checked before the first copy', () => {
  test('a rename onto an object that is copied unrenamed: the run fails and nothing is copied', async () => {
    const fake = source(['a', 'b', 'c', 'd']);
    const { options, events } = runOptions(fake, { renames: { a: 'b' } });
    await expect(copyDataset(SRC, DST, options)).rejects.toThrow('two or more source objects to one destination key: "a" and "b" to "b"');
    expect(writes(fake)).toEqual([]);
    expect(fake.keys('dst')).toEqual([]);
    expect(events.filter((e) => e.type === 'object')).toEqual([]);
    // Only the two keys that decide were asked for; nothing was listed.
    expect(fake.callsOf('HeadObject').map((c) => c.input.Key).sort()).toEqual(['data/a', 'data/b']);
    expect(fake.count('ListObjectsV2')).toBe(0);
  });

  test('two renames onto one key whose sources both exist, in a dry run too; a large object is not started either', async () => {
    const fake = smallFake();
    fake.put('src', 'data/a', bytes(150));
    fake.put('src', 'data/b', 'b');
    fake.put('src', 'data/c', 'c');
    fake.createBucket('dst');
    for (const dryRun of [false, true]) {
      await expect(copyDataset(SRC, DST, runOptions(fake, { ...SMALL_PARTS, renames: { a: 'x', b: 'x' }, dryRun, listDestination: true }).options))
        .rejects.toThrow('"a" and "b" to "x"');
    }
    expect(writes(fake)).toEqual([]);
    expect(fake.openUploads()).toEqual([]);
  });

  test('no collision when the target is absent, renamed away, not listed or excluded', async () => {
    const fake = source(['a', 'b', 'sub/c', 'large']);
    fake.put('src', 'data/large', bytes(150));
    // The target of a rename is absent: a is copied to z.
    expect(await copyDataset(SRC, DST, runOptions(fake, { renames: { a: 'z', q: 'z' } }).options)).toMatchObject({ complete: true, objectsCopied: 4 });
    expect(fake.keys('dst')).toEqual(['copy/b', 'copy/large', 'copy/sub/c', 'copy/z']);
    // A swap: each target is renamed away.
    const swap = source(['a', 'b']);
    expect(await copyDataset(SRC, DST, runOptions(swap, { renames: { a: 'b', b: 'a' } }).options)).toMatchObject({ complete: true, objectsCopied: 2 });
    expect(swap.sameBytes('src', 'data/a', 'dst', 'copy/b') && swap.sameBytes('src', 'data/b', 'dst', 'copy/a')).toBe(true);
    // The target exists but is outside the listing (listPrefix): it is not copied.
    const narrow = source(['sub/c', 'b']);
    expect(await copyDataset(SRC, DST, runOptions(narrow, { listPrefix: 'data/sub/', renames: { 'sub/c': 'b' } }).options))
      .toMatchObject({ complete: true, objectsCopied: 1 });
    expect(narrow.keys('dst')).toEqual(['copy/b']);
    // The target exists but the include filter leaves it out (only objects over 100 bytes).
    const large = smallFake();
    large.put('src', 'data/large', bytes(150));
    large.put('src', 'data/small', 'small');
    large.createBucket('dst');
    expect(await copyDataset(SRC, DST, runOptions(large, { ...SMALL_PARTS, renames: { large: 'small' }, include: (_k, size) => size > 100 }).options))
      .toMatchObject({ complete: true, objectsCopied: 1 });
    expect(large.sameBytes('src', 'data/large', 'dst', 'copy/small')).toBe(true);
  });

  test('a check that fails for good fails the run before any copy', async () => {
    const fake = source(['a', 'b']);
    fake.failKey('HeadObject', 'data/b', errors.accessDenied);
    await expect(copyDataset(SRC, DST, runOptions(fake, { renames: { a: 'b' } }).options))
      .rejects.toThrow('checking the renames: HeadObject data/b failed: AccessDenied (HTTP 403) Access Denied');
    expect(writes(fake)).toEqual([]);
  });
});

describe('copies onto the source itself', () => {
  test('a whole prefix onto itself is refused before any request', async () => {
    const fake = source(['a', 'b']);
    for (const prefix of ['data/', '']) {
      await expect(copyDataset({ bucket: 'src', prefix }, { bucket: 'src', prefix }, runOptions(fake).options))
        .rejects.toThrow(`destination src/${prefix} is the source: every object would be copied onto itself`);
    }
    // Batch Operations keys (`<destination prefix><full key>`) with an empty destination prefix land on the listed objects.
    await expect(copyDataset({ bucket: 'src', prefix: '' }, { bucket: 'src', prefix: '' }, runOptions(fake, { listPrefix: 'data/' }).options))
      .rejects.toThrow('is the source');
    expect(fake.calls).toEqual([]);
  });

  test('keys that would be copied onto themselves are refused before any request; renamed ones are fine', async () => {
    const fake = source(['a', 'b']);
    await expect(copyDataset(SRC, SRC, runOptions(fake, { keys: ['a', 'b'], renames: { a: 'a2' } }).options))
      .rejects.toThrow('keys copied onto themselves (same bucket, same key): "b"');
    expect(fake.calls).toEqual([]);
    const result = await copyDataset(SRC, SRC, runOptions(fake, { keys: ['a'], renames: { a: 'a2' } }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1 });
    expect(fake.sameBytes('src', 'data/a', 'src', 'data/a2')).toBe(true);
  });
});
