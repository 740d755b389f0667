/**
 * The copy engine against a real S3-compatible HTTP server (fauxqs on 127.0.0.1, started here).
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CopyObjectCommand, GetObjectTaggingCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CopyOptions, copyDataset, createS3Client } from '../../src/transfer/engine';
import { listPageOf } from '../../src/transfer/engine/answers';
import { DirectCopyObject } from '../../src/transfer/engine/direct-copy';
import { DirectListObjectsV2, directListerOf } from '../../src/transfer/engine/direct-list';
import {
  LocalS3, MIB, TestObject, compareCopies, findAwsCli, fixDirectoryBucketPaths, getObject, listKeys, localS3Client, makeDataset, putObjects,
  recordedCopy, startLocalS3, useLocalS3Credentials,
} from '../support/s3-local';
import { AWKWARD_KEY_NAMES } from '../transfer/engine/helpers';

const SOURCE_BUCKET = 'source-datasets';
const SOURCE_PREFIX = 'corpus/v1/';
const SOURCE = { bucket: SOURCE_BUCKET, prefix: SOURCE_PREFIX };

/** fauxqs enforces 5 MiB non-last parts: objects of 9 to 13 MiB, in 5 MiB parts above 8 MiB. */
const PARTS = { multipartThresholdBytes: 8 * MIB, partSizeBytes: 5 * MIB };

const OBJECTS = makeDataset({
  prefix: SOURCE_PREFIX,
  seed: 20240601,
  smallObjects: 200,
  largeObjects: [
    { sizeBytes: 10 * MIB + 512 * 1024, upload: 'put' }, // 3 parts, full-object CRC32 at the source
    { sizeBytes: 9 * MIB + 17, upload: 'put' }, // 2 parts
    { sizeBytes: 13 * MIB + 1, upload: 'multipart' }, // 3 parts, composite checksum at the source
  ],
});
const LARGE_KEYS = OBJECTS.filter((o) => o.body.length > PARTS.multipartThresholdBytes).map((o) => o.key).sort();
const SMALL_KEYS = OBJECTS.filter((o) => o.body.length <= PARTS.multipartThresholdBytes).map((o) => o.key).sort();

/** Objects next to the source prefix, which must not be copied. */
const OUTSIDE: TestObject[] = ['corpus/v1', 'corpus/v1-old/a.bin', 'corpus/v10/b.bin', 'other/corpus/v1/c.bin'].map((key, i) => ({
  key, body: Buffer.from(`outside ${i}`), contentType: 'text/plain', metadata: {}, upload: 'put',
}));

/** The keys and sizes the destination must hold after a copy to `prefix`. */
function expectedListing(prefix: string): Map<string, number> {
  return new Map(OBJECTS.map((o) => [`${prefix}${o.key.slice(SOURCE_PREFIX.length)}`, o.body.length]));
}

let s3: LocalS3;
let client: S3Client;
let restoreEnvironment: (() => void) | undefined;
const engineClients: S3Client[] = [];

/** A client as the engine makes it (credentials from the environment: the test ones). */
function engineClient(): S3Client {
  const c = createS3Client({ endpoint: s3.endpoint, maxSockets: 16 });
  engineClients.push(c);
  return c;
}

function copyOptions(extra: Partial<CopyOptions> = {}): CopyOptions {
  return { sourceClient: engineClient(), concurrency: 16, ...PARTS, retryBaseDelayMs: 20, retryMaxDelayMs: 500, ...extra };
}

beforeAll(async () => {
  restoreEnvironment = useLocalS3Credentials();
  s3 = await startLocalS3();
  client = localS3Client(s3.endpoint);
  await s3.createBucket(SOURCE_BUCKET);
  await putObjects(client, SOURCE_BUCKET, [...OBJECTS, ...OUTSIDE]);
}, 60_000);

afterAll(async () => {
  engineClients.forEach((c) => c.destroy());
  client?.destroy();
  await s3?.stop();
  restoreEnvironment?.();
}, 30_000);

test('the dataset has small objects with awkward keys and three multipart-sized objects', () => {
  expect(SMALL_KEYS).toHaveLength(200);
  expect(LARGE_KEYS).toHaveLength(3);
  expect(OBJECTS.some((o) => o.body.length === 0)).toBe(true);
  expect(OBJECTS.some((o) => / /.test(o.key))).toBe(true);
  expect(OBJECTS.some((o) => /[^\x00-\x7f]/.test(o.key))).toBe(true);
});

test('the checks of these tests notice a changed byte, a changed header, a missing object and an extra key', async () => {
  await s3.createBucket('tampered');
  const sample = OBJECTS.filter((o) => o.body.length > 0).slice(0, 4);
  const copies = sample.map((o) => ({ ...o, key: `copy/${o.key.slice(SOURCE_PREFIX.length)}` }));
  const flipped = Buffer.from(copies[0].body);
  flipped[flipped.length - 1] = (flipped[flipped.length - 1] + 1) % 256;
  await putObjects(client, 'tampered', [
    { ...copies[0], body: flipped },
    { ...copies[1], contentType: 'application/x-other' },
    copies[2],
    { ...copies[2], key: 'copy/extra.bin' },
  ]);

  const problems = await compareCopies(client, sample, SOURCE_PREFIX, 'tampered', 'copy/');

  expect(problems).toHaveLength(3);
  expect(problems).toEqual(expect.arrayContaining([
    expect.stringMatching(new RegExp(`^${escapeRegExp(copies[0].key)}: \\d+ bytes differ`)),
    expect.stringMatching(new RegExp(`^${escapeRegExp(copies[1].key)}: headers .*application/x-other`)),
    expect.stringMatching(new RegExp(`^${escapeRegExp(copies[3].key)}: NoSuchKey`)),
  ]));
  // The listing comparison (a Map of keys and sizes) notices the extra key, and only that.
  const listing = await listKeys(client, 'tampered');
  const expected = new Map(copies.slice(0, 3).map((o) => [o.key, o.body.length]));
  expect(listing).not.toEqual(expected);
  listing.delete('copy/extra.bin');
  expect(listing).toEqual(expected);
}, 30_000);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

test('copies a prefix to another bucket and prefix: byte-identical, headers and metadata kept, nothing else', async () => {
  await s3.createBucket('copy-destination');
  const destination = { bucket: 'copy-destination', prefix: 'mirrors/corpus/' };

  const run = await recordedCopy(SOURCE, destination, copyOptions());

  expect(run.result).toMatchObject({
    complete: true,
    stoppedEarly: false,
    failures: [],
    objectsListed: OBJECTS.length,
    objectsCopied: OBJECTS.length,
    objectsSkipped: 0,
    bytesCopied: OBJECTS.reduce((sum, o) => sum + o.body.length, 0),
  });
  expect(run.copied).toEqual([...OBJECTS.map((o) => o.key)].sort());
  expect(run.multipart).toEqual(LARGE_KEYS);
  expect(await compareCopies(client, OBJECTS, SOURCE_PREFIX, destination.bucket, destination.prefix)).toEqual([]);
  // Exactly the source prefix's objects, under the destination prefix: no neighbour was copied.
  expect(await listKeys(client, destination.bucket)).toEqual(expectedListing(destination.prefix));
}, 60_000);

test('a second run skips what MD5 ETags prove identical, and copies multipart copies again (no checksum on fauxqs)', async () => {
  await s3.createBucket('sync-destination');
  const destination = { bucket: 'sync-destination', prefix: 'sync/' };
  const first = await recordedCopy(SOURCE, destination, copyOptions());
  expect(first.result.complete).toBe(true);

  // Why: the sources carry CRC32 only (32 bits: no proof), and fauxqs neither computes the
  // CRC64NVME the engine asks for nor any checksum for UploadPartCopy parts. Objects copied in one
  // part have the MD5 digest of their content as ETag, as on S3 (unencrypted objects), which proves
  // them identical; objects assembled from parts have a `-<parts>` ETag and no checksum, and the
  // engine never skips what it cannot prove identical.
  const small = await client.send(new HeadObjectCommand({ Bucket: destination.bucket, Key: `sync/${SMALL_KEYS[5].slice(SOURCE_PREFIX.length)}`, ChecksumMode: 'ENABLED' }));
  expect(small.ChecksumCRC32).toEqual(expect.any(String));
  expect(small.ChecksumCRC64NVME).toBeUndefined();
  expect(small.ETag).toMatch(/^"[0-9a-f]{32}"$/);
  for (const key of LARGE_KEYS) {
    const copy = await client.send(new HeadObjectCommand({ Bucket: destination.bucket, Key: `sync/${key.slice(SOURCE_PREFIX.length)}`, ChecksumMode: 'ENABLED' }));
    expect({ key, crc32: copy.ChecksumCRC32, crc32c: copy.ChecksumCRC32C, crc64: copy.ChecksumCRC64NVME, sha256: copy.ChecksumSHA256 })
      .toEqual({ key, crc32: undefined, crc32c: undefined, crc64: undefined, sha256: undefined });
  }

  const second = await recordedCopy(SOURCE, destination, copyOptions());

  expect(second.result).toMatchObject({
    complete: true,
    failures: [],
    objectsListed: OBJECTS.length,
    objectsSkipped: SMALL_KEYS.length,
    objectsCopied: LARGE_KEYS.length,
  });
  expect(second.skipped).toEqual(SMALL_KEYS);
  expect(second.copied).toEqual(LARGE_KEYS);
  expect(second.multipart).toEqual(LARGE_KEYS);
  expect(await compareCopies(client, OBJECTS, SOURCE_PREFIX, destination.bucket, destination.prefix)).toEqual([]);
}, 60_000);

test('the direct CopyObject path and the SDK path leave the same copies; small objects take the direct one', async () => {
  await s3.createBucket('paths-destination');
  const sends = jest.spyOn(S3Client.prototype, 'send');
  const directCopies = jest.spyOn(DirectCopyObject.prototype, 'copy');
  try {
    const direct = await recordedCopy(SOURCE, { bucket: 'paths-destination', prefix: 'direct/' }, copyOptions());
    const sdkCopyObjects = () => sends.mock.calls.filter(([command]) => command instanceof CopyObjectCommand).length;
    expect(direct.result).toMatchObject({ complete: true, objectsCopied: OBJECTS.length });
    expect(directCopies).toHaveBeenCalledTimes(SMALL_KEYS.length);
    expect(sdkCopyObjects()).toBe(0);

    directCopies.mockClear();
    const viaSdkClient = createS3Client({ endpoint: s3.endpoint, maxSockets: 16, directCopyObject: false });
    engineClients.push(viaSdkClient);
    const viaSdk = await recordedCopy(SOURCE, { bucket: 'paths-destination', prefix: 'sdk/' }, copyOptions({ sourceClient: viaSdkClient }));
    expect(viaSdk.result).toMatchObject({ complete: true, objectsCopied: OBJECTS.length });
    expect(directCopies).not.toHaveBeenCalled();
    expect(sdkCopyObjects()).toBe(SMALL_KEYS.length);
  } finally {
    sends.mockRestore();
    directCopies.mockRestore();
  }
  for (const prefix of ['direct/', 'sdk/']) {
    expect(await compareCopies(client, OBJECTS, SOURCE_PREFIX, 'paths-destination', prefix)).toEqual([]);
  }
  const listing = await listKeys(client, 'paths-destination');
  const under = (prefix: string) => new Map([...listing]
    .filter(([key]) => key.startsWith(prefix))
    .map(([key, size]) => [key.slice(prefix.length), size]));
  expect(under('direct/')).toEqual(under('sdk/'));
}, 60_000);

test('renames over a prefix: onto an object copied unrenamed, the run fails before any copy; onto an absent key, it copies', async () => {
  await s3.createBucket('rename-destination');
  const destination = { bucket: 'rename-destination', prefix: 'renamed/' };
  const [a, b] = SMALL_KEYS.map((key) => key.slice(SOURCE_PREFIX.length));
  await expect(copyDataset(SOURCE, destination, copyOptions({ renames: { [a]: b } })))
    .rejects.toThrow(`two or more source objects to one destination key: ${JSON.stringify(a)} and ${JSON.stringify(b)} to ${JSON.stringify(b)}`);
  expect(await listKeys(client, destination.bucket)).toEqual(new Map());

  // A second rename onto the same key whose source does not exist (HEAD 404): no collision.
  const result = await copyDataset(SOURCE, destination, copyOptions({ renames: { [a]: 'moved/a.bin', 'no-such-object.bin': 'moved/a.bin' } }));
  expect(result).toMatchObject({ complete: true, objectsCopied: OBJECTS.length, failures: [] });
  const listing = await listKeys(client, destination.bucket);
  expect(listing.get('renamed/moved/a.bin')).toBe(OBJECTS.find((o) => o.key === SOURCE_PREFIX + a)!.body.length);
  expect(listing.has(`renamed/${a}`)).toBe(false);
  expect(listing.size).toBe(OBJECTS.length);
}, 60_000);

test('keys XML cannot carry (CR, LF, control characters), +, spaces, % and non-ASCII: each copied to its own key, byte-identical', async () => {
  // The local server encodes listings asked for `encoding-type=url` as S3 does (fauxqs-launcher.mjs).
  await s3.createBucket('awkward-keys');
  await s3.createBucket('awkward-copy');
  const objects: TestObject[] = AWKWARD_KEY_NAMES.map((name, i) => ({
    key: `keys/${name}`,
    body: Buffer.from(`object ${i}: ${JSON.stringify(name)}`),
    contentType: 'text/plain',
    metadata: { index: String(i) },
    upload: 'put',
  }));
  await putObjects(client, 'awkward-keys', objects);
  const expected = new Map(objects.map((o) => [`copied/${o.key.slice('keys/'.length)}`, o.body.length]));
  // Why the engine asks for URL-encoded listings: read from plain XML, `x\r` and `x\r\n` come back as `x\n`.
  const plain = await listKeys(client, 'awkward-keys', 'keys/');
  expect(plain.has('keys/x\r')).toBe(false);
  expect(plain.size).toBeLessThan(objects.length);

  // The listings take the direct path, and its light reader reads every page (the SDK lists nothing).
  const sends = jest.spyOn(S3Client.prototype, 'send');
  const directPages = jest.spyOn(DirectListObjectsV2.prototype, 'listPage');
  let first: Awaited<ReturnType<typeof recordedCopy>>;
  try {
    first = await recordedCopy({ bucket: 'awkward-keys', prefix: 'keys/' }, { bucket: 'awkward-copy', prefix: 'copied/' }, copyOptions());
    expect(directPages).toHaveBeenCalledTimes(2); // the source and the destination
    expect(sends.mock.calls.filter(([command]) => command instanceof ListObjectsV2Command)).toEqual([]);
  } finally {
    sends.mockRestore();
    directPages.mockRestore();
  }

  expect(first.result).toMatchObject({ complete: true, failures: [], objectsListed: objects.length, objectsCopied: objects.length });
  expect(first.copied).toEqual(objects.map((o) => o.key).sort());
  expect(await compareCopies(client, objects, 'keys/', 'awkward-copy', 'copied/')).toEqual([]);
  expect(await listKeys(client, 'awkward-copy', '', true)).toEqual(expected);

  // A second run finds each copy under its own key (the destination listing is decoded too).
  const second = await recordedCopy({ bucket: 'awkward-keys', prefix: 'keys/' }, { bucket: 'awkward-copy', prefix: 'copied/' }, copyOptions());
  expect(second.result).toMatchObject({ complete: true, objectsSkipped: objects.length, objectsCopied: 0 });
}, 60_000);

test('the direct ListObjectsV2 path reads the same pages as the SDK: awkward keys, URL-encoded, and a truncated listing', async () => {
  const engine = engineClient();
  const lister = directListerOf(engine)!;
  await s3.createBucket('direct-list');
  await putObjects(client, 'direct-list', AWKWARD_KEY_NAMES.map((name) => ({
    key: `keys/${name}`, body: Buffer.from(name), contentType: 'text/plain', metadata: {}, upload: 'put' as const,
  })));
  for (const input of [
    { Bucket: 'direct-list', Prefix: 'keys/', EncodingType: 'url' as const },
    { Bucket: SOURCE_BUCKET, Prefix: SOURCE_PREFIX, EncodingType: 'url' as const },
    { Bucket: SOURCE_BUCKET, EncodingType: 'url' as const },
  ]) {
    const direct = await lister.listPage(input);
    const viaSdk = listPageOf(await engine.send(new ListObjectsV2Command(input)));
    expect(direct).toEqual(viaSdk);
    expect(direct.entries.length).toBeGreaterThan(0);
  }
  // A listing of more than one page: the token of the first reads the second the same way.
  const pageOne = { Bucket: 'direct-list', Prefix: 'keys/', EncodingType: 'url' as const, MaxKeys: 3 };
  const firstPage = await lister.listPage(pageOne);
  expect(firstPage.continuationToken).toBeDefined();
  expect(firstPage).toEqual(listPageOf(await engine.send(new ListObjectsV2Command(pageOne))));
  const pageTwo = { ...pageOne, ContinuationToken: firstPage.continuationToken };
  const secondPage = await lister.listPage(pageTwo);
  expect(secondPage).toEqual(listPageOf(await engine.send(new ListObjectsV2Command(pageTwo))));
  expect(secondPage.entries.length).toBe(3);
  expect(secondPage.entries[0].key > firstPage.entries[2].key).toBe(true);
}, 60_000);

test('CopyObject and a multipart copy of the same object keep the same tags, content headers and user metadata', async () => {
  // fauxqs has no object tags and does not store Expires; the launcher adds tags (fauxqs-launcher.mjs).
  await s3.createBucket('tagged-source');
  await s3.createBucket('tagged-copies');
  const body = Buffer.alloc(9 * MIB + 123, 7);
  await client.send(new PutObjectCommand({
    Bucket: 'tagged-source',
    Key: 'obj/weights.bin',
    Body: body,
    ContentType: 'application/x-safetensors',
    ContentEncoding: 'identity',
    ContentDisposition: 'attachment; filename="weights 1.bin"',
    ContentLanguage: 'en-GB',
    CacheControl: 'max-age=600',
    Metadata: { origin: 'integration', step: '1200' },
    Tagging: 'project=llm&data%20class=restricted&odd=a%2Bb%3Dc%26%C3%BC',
  }));
  const observed = async (bucket: string, key: string) => {
    const head = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
    const tagging = await client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
    return {
      size: head.ContentLength,
      contentType: head.ContentType,
      contentEncoding: head.ContentEncoding,
      contentDisposition: head.ContentDisposition,
      contentLanguage: head.ContentLanguage,
      cacheControl: head.CacheControl,
      metadata: head.Metadata,
      tags: Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value])),
    };
  };
  const source = await observed('tagged-source', 'obj/weights.bin');
  expect(source.tags).toEqual({ 'project': 'llm', 'data class': 'restricted', 'odd': 'a+b=c&\u00fc' });

  const single = await recordedCopy({ bucket: 'tagged-source', prefix: 'obj/' }, { bucket: 'tagged-copies', prefix: 'single/' },
    copyOptions({ multipartThresholdBytes: 5 * 1024 * MIB }));
  const multipart = await recordedCopy({ bucket: 'tagged-source', prefix: 'obj/' }, { bucket: 'tagged-copies', prefix: 'multipart/' }, copyOptions());

  expect(single.result).toMatchObject({ complete: true, objectsCopied: 1 });
  expect(single.multipart).toEqual([]);
  expect(multipart.result).toMatchObject({ complete: true, objectsCopied: 1 });
  expect(multipart.multipart).toEqual(['obj/weights.bin']);
  expect(await observed('tagged-copies', 'single/weights.bin')).toEqual(source);
  expect(await observed('tagged-copies', 'multipart/weights.bin')).toEqual(source);
  for (const prefix of ['single/', 'multipart/']) {
    expect((await getObject(client, 'tagged-copies', `${prefix}weights.bin`)).body.equals(body)).toBe(true);
  }
}, 60_000);

describe('a directory bucket (S3 Express One Zone) destination', () => {
  const DIRECTORY_BUCKET = 'cache--use1-az4--x-s3';

  beforeAll(async () => {
    await s3.createBucket(DIRECTORY_BUCKET, { type: 'directory' });
  }, 30_000);

  test('copies there and back, byte-identical (S3 Express session auth disabled)', async () => {
    const directoryClient = localS3Client(s3.endpoint, { maxAttempts: 1, directoryBuckets: true });
    const verifier = localS3Client(s3.endpoint, { directoryBuckets: true });
    engineClients.push(directoryClient, verifier);
    const destination = { bucket: DIRECTORY_BUCKET, prefix: 'warm/corpus/' };

    const there = await recordedCopy(SOURCE, destination, copyOptions({ destinationClient: directoryClient }));

    expect(there.result).toMatchObject({ complete: true, failures: [], objectsCopied: OBJECTS.length });
    expect(there.multipart).toEqual(LARGE_KEYS);
    expect(await compareCopies(verifier, OBJECTS, SOURCE_PREFIX, DIRECTORY_BUCKET, destination.prefix)).toEqual([]);
    expect(await listKeys(verifier, DIRECTORY_BUCKET)).toEqual(expectedListing(destination.prefix));

    // And back: the directory bucket as the source (listed with continuation tokens).
    await s3.createBucket('from-directory');
    const back = await recordedCopy(destination, { bucket: 'from-directory', prefix: 'restored/' },
      copyOptions({ sourceClient: directoryClient, destinationClient: engineClient() }));
    expect(back.result).toMatchObject({ complete: true, failures: [], objectsListed: OBJECTS.length, objectsCopied: OBJECTS.length });
    expect(await compareCopies(client, OBJECTS, SOURCE_PREFIX, 'from-directory', 'restored/')).toEqual([]);
  }, 60_000);

  test('with session auth on, the SDK calls CreateSession, which fauxqs does not implement: every object fails', async () => {
    // The engine's own client, with only the local path fix: the SDK then asks for an S3 Express
    // session first (GET /<bucket>?session) and fauxqs answers with a bucket listing.
    const destinationClient = fixDirectoryBucketPaths(engineClient());
    const keys = SMALL_KEYS.slice(20, 23).map((key) => key.slice(SOURCE_PREFIX.length));

    const run = await recordedCopy(SOURCE, { bucket: DIRECTORY_BUCKET, prefix: 'session-auth/' }, copyOptions({ destinationClient, keys, maxAttempts: 2 }));

    expect(run.result.complete).toBe(false);
    expect(run.result.failures.map((f) => f.key).sort()).toEqual(keys.map((key) => `${SOURCE_PREFIX}${key}`).sort());
    expect(run.result.failures[0].error).toMatch(/createSession/);
  }, 30_000);
});

/** The AWS CLI (CI installs the Debian package awscli). */
const AWS_CLI = findAwsCli();

if (AWS_CLI) {
  describe(`the AWS CLI (${AWS_CLI}) sees the copies`, () => {
    test('aws s3api list-objects-v2 lists the same keys and sizes as the source, under the destination prefix', async () => {
      await s3.createBucket('cli-destination');
      const destination = { bucket: 'cli-destination', prefix: 'from-engine/' };
      const run = await recordedCopy(SOURCE, destination, copyOptions());
      expect(run.result.complete).toBe(true);

      const home = fs.mkdtempSync(path.join(os.tmpdir(), 'aws-cli-home-'));
      try {
        const stdout = await new Promise<string>((resolve, reject) => {
          execFile(AWS_CLI, [
            's3api', 'list-objects-v2', '--endpoint-url', s3.endpoint, '--bucket', destination.bucket,
            '--prefix', destination.prefix, '--output', 'json',
          ], {
            env: {
              PATH: process.env.PATH,
              HOME: home,
              AWS_ACCESS_KEY_ID: 'test',
              AWS_SECRET_ACCESS_KEY: 'test',
              AWS_DEFAULT_REGION: 'us-east-1',
              AWS_EC2_METADATA_DISABLED: 'true',
              AWS_PAGER: '',
              LC_ALL: 'C.UTF-8',
            },
            timeout: 60_000,
            maxBuffer: 64 * MIB,
          }, (error, out, err) => (error ? reject(new Error(`${error.message}\n${err}`)) : resolve(out)));
        });
        const listed = JSON.parse(stdout) as { Contents?: { Key: string; Size: number }[] };
        expect(new Map((listed.Contents ?? []).map((o) => [o.Key, o.Size]))).toEqual(expectedListing(destination.prefix));
      } finally {
        fs.rmSync(home, { recursive: true, force: true });
      }
    }, 90_000);
  });
} else {
  // Not registered without the CLI: install it (Debian: apt-get install awscli) to run it.
  process.stderr.write('copy-dataset.test.ts: `aws` is not on PATH, so the AWS CLI interoperability test is not registered\n');
}
