/**
 * Keys the XML of a listing cannot carry: the engine asks for URL-encoded listings, decodes them,
 * and fails (for that object only) a key it cannot address. The fake answers listings as the SDK
 * would read them: URL-encoded when asked (S3's form-style encoding), otherwise with CR turned into
 * LF by XML end-of-line handling.
 */
import { FakeS3 } from './fake-s3';
import { AWKWARD_KEY_NAMES, bytes, outcomes, runOptions } from './helpers';
import { OverwritePolicy, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

function seeded(): { fake: FakeS3; keys: string[] } {
  const fake = new FakeS3({ pageSize: 5 });
  const keys = AWKWARD_KEY_NAMES.map((name) => `data/${name}`);
  keys.forEach((key, i) => fake.put('src', key, bytes(20 + i, i)));
  fake.createBucket('dst');
  return { fake, keys };
}

function expectIdentical(fake: FakeS3, keys: string[]): void {
  expect(fake.keys('dst')).toEqual(keys.map((key) => key.replace('data/', 'copy/')).sort());
  for (const key of keys) {
    expect([JSON.stringify(key), fake.sameBytes('src', key, 'dst', key.replace('data/', 'copy/'))]).toEqual([JSON.stringify(key), true]);
  }
}

describe('keys with control characters, +, spaces, % and non-ASCII', () => {
  test('are copied each to its own destination key, byte-identical; listings ask for URL encoding', async () => {
    const { fake, keys } = seeded();
    const { options, events } = runOptions(fake);

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsListed: keys.length, objectsCopied: keys.length, failures: [] });
    expect(Object.keys(outcomes(events)).sort()).toEqual([...keys].sort());
    expectIdentical(fake, keys);
    expect(fake.callsOf('ListObjectsV2').every((c) => c.input.EncodingType === 'url')).toBe(true);
    // Each object was copied once, to its own key.
    expect(fake.callsOf('CopyObject').map((c) => c.input.Key).sort()).toEqual(keys.map((key) => key.replace('data/', 'copy/')).sort());
  });

  test.each([
    ['HEAD requests', false],
    ['the destination listing', true],
  ])('a second run, comparing with %s, skips every one of them', async (_name, listDestination) => {
    const { fake, keys } = seeded();
    await copyDataset(SRC, DST, runOptions(fake).options);
    expectIdentical(fake, keys);
    fake.resetCalls();

    const result = await copyDataset(SRC, DST, runOptions(fake, { listDestination }).options);

    expect(result).toMatchObject({ complete: true, objectsSkipped: keys.length, objectsCopied: 0 });
    expect(fake.count('CopyObject')).toBe(0);
  });

  test('with OverwritePolicy.NEVER and the destination listed, a new key next to an existing look-alike is still copied', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/x\r', 'carriage return');
    fake.put('dst', 'copy/x\n', 'line feed, already there');
    const result = await copyDataset(SRC, DST, runOptions(fake, { listDestination: true, overwrite: OverwritePolicy.NEVER }).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 0 });
    expect(fake.body('dst', 'copy/x\r')!.toString()).toBe('carriage return');
    expect(fake.body('dst', 'copy/x\n')!.toString()).toBe('line feed, already there');
  });

  test('a server that ignores EncodingType: its keys are taken as they come, never decoded twice', async () => {
    const fake = new FakeS3({ ignoresEncodingType: true });
    const keys = ['data/plus+sign', 'data/percent%20literal', 'data/space here', 'data/%2B'];
    keys.forEach((key, i) => fake.put('src', key, bytes(10, i)));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, DST, runOptions(fake).options);
    expect(result).toMatchObject({ complete: true, objectsCopied: 4 });
    expectIdentical(fake, keys);
  });
});

describe('keys that cannot be addressed fail on their own; the run is not complete', () => {
  function withListedKey(value: string): FakeS3 {
    const fake = new FakeS3();
    fake.put('src', 'data/good', 'good');
    fake.put('src', 'data/victim', 'victim');
    fake.createBucket('dst');
    fake.malform({
      operation: 'ListObjectsV2',
      key: 'data/',
      change: (o) => ({ ...o, Contents: o.Contents.map((c: { Key: string }) => (c.Key === 'data/victim' ? { ...c, Key: value } : c)) }),
    });
    return fake;
  }

  test.each([
    ['an empty key', '', 'the listing names an object with an empty key'],
    ['an invalid percent-encoding', 'data/%E0%A4%A', 'the listed key "data/%E0%A4%A" is not valid URL-encoded UTF-8'],
    ['an encoded lone surrogate', 'data/%ED%A0%80', 'the listed key "data/%ED%A0%80" is not valid URL-encoded UTF-8'],
    ['a key outside the listed prefix', 'other/x', 'the listing of "data/" named the key "other/x", outside that prefix'],
  ])('%s', async (_name, value, message) => {
    const fake = withListedKey(value);
    const { options, events } = runOptions(fake);

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: false, objectsListed: 2, objectsCopied: 1 });
    expect(result.failures).toEqual([{ key: value, error: `Error ${message}`, attempts: 1 }]);
    expect(outcomes(events)).toEqual({ 'data/good': 'copied', [value]: 'failed' });
    // Nothing was requested for it: no HEAD, no copy, and never a request without a key.
    const objectCalls = fake.calls.filter((c) => c.name !== 'ListObjectsV2');
    expect(objectCalls.map((c) => c.input.Key)).toEqual(expect.arrayContaining(['copy/good']));
    expect(objectCalls.every((c) => c.input.Key === 'copy/good' || c.input.Key === 'data/good')).toBe(true);
  });

  test('an explicit empty key under an empty prefix: no request addresses the bucket', async () => {
    const fake = new FakeS3();
    fake.put('src', 'a', 'a');
    fake.createBucket('dst');
    const result = await copyDataset({ bucket: 'src', prefix: '' }, DST, runOptions(fake, { keys: ['', 'a'] }).options);
    expect(result).toMatchObject({ complete: false, objectsCopied: 1 });
    expect(result.failures).toEqual([{ key: '', error: 'Error the source key is empty: a request would address the bucket, not an object', attempts: 1 }]);
    expect(fake.calls.filter((c) => c.input.Key === '')).toEqual([]);
  });

  test('a source key equal to the prefix, copied to an empty destination prefix: no request addresses the bucket', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/', ''); // a "folder" marker object
    fake.put('src', 'data/a', 'a');
    fake.createBucket('dst');
    const result = await copyDataset(SRC, { bucket: 'dst', prefix: '' }, runOptions(fake).options);
    expect(result).toMatchObject({ complete: false, objectsCopied: 1 });
    expect(result.failures).toEqual([{ key: 'data/', error: 'Error the destination key is empty: a request would address the bucket, not an object', attempts: 1 }]);
    expect(fake.calls.filter((c) => c.input.Key === '')).toEqual([]);
    expect(fake.keys('dst')).toEqual(['a']);
  });

  test('an undecodable key in the destination listing: the listing is not trusted, HEAD requests decide', async () => {
    const fake = new FakeS3();
    fake.put('src', 'data/a', bytes(10, 1));
    fake.put('src', 'data/b', bytes(10, 2));
    fake.put('dst', 'copy/a', bytes(10, 1));
    fake.malform({ operation: 'ListObjectsV2', key: 'copy/', change: (o) => ({ ...o, Contents: [...o.Contents, { Key: 'copy/%FF', Size: 1 }] }) });
    const { options, events } = runOptions(fake, { listDestination: true, overwrite: OverwritePolicy.NEVER });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 1, objectsSkipped: 1 });
    expect(outcomes(events)).toEqual({ 'data/a': 'skipped', 'data/b': 'copied' });
    expect(fake.callsOf('HeadObject').map((c) => c.input.Key).sort()).toEqual(['copy/a', 'copy/b']);
  });
});
