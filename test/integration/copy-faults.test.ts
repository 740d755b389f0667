/**
 * The copy engine through a fault-injecting proxy in front of a real S3-compatible server
 * (fauxqs on 127.0.0.1): throttling, server errors and connection resets, resume after a
 * deadline, and what a lost answer to a multipart request leaves behind.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CopyOptions, S3Location, createS3Client } from '../../src/transfer/engine';
import {
  FaultProxy, LocalS3, MIB, compareCopies, listKeys, localS3Client, makeDataset, putObjects, recordedCopy,
  startFaultProxy, startLocalS3, useLocalS3Credentials,
} from '../support/s3-local';

const SOURCE: S3Location = { bucket: 'training-data', prefix: 'tokens/' };
const PARTS = { multipartThresholdBytes: 8 * MIB, partSizeBytes: 5 * MIB };

const OBJECTS = makeDataset({
  prefix: SOURCE.prefix,
  seed: 424242,
  smallObjects: 200,
  largeObjects: [
    { sizeBytes: 11 * MIB, upload: 'put' }, // 3 parts
    { sizeBytes: 10 * MIB + 3, upload: 'put' }, // 3 parts (5 + 5 + 3 bytes)
    { sizeBytes: 12 * MIB + 5, upload: 'multipart' }, // 3 parts
  ],
});
const LARGE = OBJECTS.filter((o) => o.body.length > PARTS.multipartThresholdBytes);
const LARGE_KEYS = LARGE.map((o) => o.key).sort();
const ALL_KEYS = OBJECTS.map((o) => o.key).sort();
/** UploadPartCopy requests of one copy of every large object (5 MiB parts). */
const PART_COPIES = LARGE.reduce((sum, o) => sum + Math.ceil(o.body.length / PARTS.partSizeBytes), 0);

let s3: LocalS3;
let proxy: FaultProxy;
let client: S3Client;
let restoreEnvironment: (() => void) | undefined;
const engineClients: S3Client[] = [];
let bucketCounter = 0;

/** A new empty destination bucket. */
async function freshDestination(prefix: string): Promise<S3Location> {
  const bucket = `destination-${++bucketCounter}`;
  await s3.createBucket(bucket);
  return { bucket, prefix };
}

/** Engine options, with a client (as the engine makes it) that talks to the proxy. */
function viaProxy(extra: Partial<CopyOptions> = {}): CopyOptions {
  const c = createS3Client({ endpoint: proxy.endpoint, maxSockets: 16 });
  engineClients.push(c);
  return {
    sourceClient: c, concurrency: 16, ...PARTS, maxAttempts: 10, retryBaseDelayMs: 10, retryMaxDelayMs: 200, ...extra,
  };
}

const relative = (key: string) => key.slice(SOURCE.prefix.length);

beforeAll(async () => {
  restoreEnvironment = useLocalS3Credentials();
  s3 = await startLocalS3();
  client = localS3Client(s3.endpoint);
  await s3.createBucket(SOURCE.bucket);
  await putObjects(client, SOURCE.bucket, OBJECTS);
  proxy = await startFaultProxy({ target: s3.endpoint, seed: 20240915 });
}, 60_000);

afterAll(async () => {
  engineClients.forEach((c) => c.destroy());
  client?.destroy();
  await proxy?.close();
  await s3?.stop();
  restoreEnvironment?.();
}, 30_000);

beforeEach(() => {
  proxy.setFaults({});
  proxy.resetStats();
});

test('under 10% SlowDown, 5% InternalError and 5% resets, the copy completes byte-identical, no upload left open', async () => {
  const destination = await freshDestination('faulty/');
  const before = proxy.multipartUploads();
  proxy.setFaults({ slowDown: 0.1, internalError: 0.05, reset: 0.05 });

  const run = await recordedCopy(SOURCE, destination, viaProxy());
  proxy.setFaults({});

  const stats = proxy.stats();
  expect(run.result).toMatchObject({ complete: true, stoppedEarly: false, failures: [], objectsCopied: OBJECTS.length });
  expect(run.copied).toEqual(ALL_KEYS);
  expect(run.multipart).toEqual(LARGE_KEYS);
  // Each kind of fault happened, and every one of them was retried.
  expect(Object.values(stats.faults.SlowDown).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(Object.values(stats.faults.InternalError).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(Object.values(stats.faults.Reset).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  expect(stats.statuses[503]).toBeGreaterThan(0);
  expect(stats.statuses[500]).toBeGreaterThan(0);
  expect(Object.values(run.retries).reduce((a, b) => a + b, 0)).toBe(stats.faultCount);
  // No multipart upload left open: one created and completed per large object (faults come
  // before the server sees the request, so none created an upload the engine did not hear of).
  const after = proxy.multipartUploads();
  expect(after.open).toEqual(before.open);
  expect(after.created.length - before.created.length).toBe(LARGE.length);
  expect(after.completed.length - before.completed.length).toBe(LARGE.length);
  expect(await compareCopies(client, OBJECTS, SOURCE.prefix, destination.bucket, destination.prefix)).toEqual([]);
  expect([...(await listKeys(client, destination.bucket)).keys()].sort()).toEqual(ALL_KEYS.map((k) => `faulty/${relative(k)}`).sort());
}, 60_000);

test('faults on CreateMultipartUpload, UploadPartCopy and CompleteMultipartUpload are retried; nothing is left open', async () => {
  const destination = await freshDestination('multipart-faults/');
  const before = proxy.multipartUploads();
  proxy.setFaults({
    scripted: {
      CreateMultipartUpload: ['SlowDown', 'Reset', 'InternalError'],
      UploadPartCopy: ['InternalError', 'Reset', 'SlowDown', null, 'Reset'],
      CompleteMultipartUpload: ['Reset', 'SlowDown', 'InternalError', 'Reset'],
    },
  });

  const run = await recordedCopy(SOURCE, destination, viaProxy({ keys: LARGE_KEYS.map(relative) }));

  const stats = proxy.stats();
  expect(run.result).toMatchObject({ complete: true, failures: [], objectsCopied: LARGE.length });
  expect(run.multipart).toEqual(LARGE_KEYS);
  expect(stats.faults).toEqual({
    SlowDown: { CreateMultipartUpload: 1, UploadPartCopy: 1, CompleteMultipartUpload: 1 },
    InternalError: { CreateMultipartUpload: 1, UploadPartCopy: 1, CompleteMultipartUpload: 1 },
    Reset: { CreateMultipartUpload: 1, UploadPartCopy: 2, CompleteMultipartUpload: 2 },
  });
  expect(run.retries).toEqual({ CreateMultipartUpload: 3, UploadPartCopy: 4, CompleteMultipartUpload: 4 });
  // Faults before the server saw the request: one upload per object, each completed.
  const after = proxy.multipartUploads();
  expect(after.created.length - before.created.length).toBe(LARGE.length);
  expect(after.completed.length - before.completed.length).toBe(LARGE.length);
  expect(after.open).toEqual(before.open);
  expect(stats.succeeded.UploadPartCopy).toBe(PART_COPIES);
  expect(await compareCopies(client, LARGE, SOURCE.prefix, destination.bucket, destination.prefix)).toEqual([]);
}, 60_000);

test('resume: a run stopped by its deadline, then a second run copies only what was missing', async () => {
  const destination = await freshDestination('resumed/');
  // The deadline passes once 60 objects are done (a clock that jumps then): deterministic, unlike
  // wall-clock time. Objects in flight at that moment still finish.
  const start = Date.now();
  const deadline = start + 3_600_000;
  let done = 0;
  const first = await recordedCopy(SOURCE, destination, viaProxy({
    concurrency: 4,
    deadline,
    now: () => Date.now() + (done >= 60 ? 7_200_000 : 0),
    onEvent: (event) => {
      if (event.type === 'object') done++;
    },
  }));

  expect(first.result).toMatchObject({ complete: false, stoppedEarly: true, failures: [] });
  expect(first.copied.length).toBeGreaterThanOrEqual(60);
  expect(first.copied.length).toBeLessThan(60 + 4);
  expect(first.result.objectsCopied).toBe(first.copied.length);
  // The large objects are listed last, so none was copied yet.
  expect(first.copied.filter((key) => LARGE_KEYS.includes(key))).toEqual([]);

  proxy.resetStats();
  const second = await recordedCopy(SOURCE, destination, viaProxy());

  const missing = ALL_KEYS.filter((key) => !first.copied.includes(key));
  expect(second.result).toMatchObject({
    complete: true,
    stoppedEarly: false,
    failures: [],
    objectsListed: OBJECTS.length,
    objectsSkipped: first.copied.length,
    objectsCopied: missing.length,
  });
  expect(second.copied).toEqual(missing);
  expect(second.skipped).toEqual(first.copied);
  // What reached the server: one CopyObject per missing small object, the parts of the large ones.
  const stats = proxy.stats();
  expect(stats.succeeded.CopyObject).toBe(missing.length - LARGE.length);
  expect(stats.succeeded.UploadPartCopy).toBe(PART_COPIES);
  expect(stats.succeeded.CompleteMultipartUpload).toBe(LARGE.length);
  // One listing of the source and one of the destination (which replaces a HEAD per new object).
  expect(stats.received.ListObjectsV2).toBe(2);
  expect(await compareCopies(client, OBJECTS, SOURCE.prefix, destination.bucket, destination.prefix)).toEqual([]);
}, 60_000);

describe('a lost answer to a multipart request (the server did the work, then the connection reset)', () => {
  const key = LARGE_KEYS[0];
  const object = LARGE.find((o) => o.key === key)!;

  test('CreateMultipartUpload: the copy completes, but the upload the engine never heard of stays open', async () => {
    const destination = await freshDestination('lost-create/');
    const before = proxy.multipartUploads();
    proxy.setFaults({ resetMode: 'after', scripted: { CreateMultipartUpload: ['Reset'] } });

    const run = await recordedCopy(SOURCE, destination, viaProxy({ keys: [relative(key)] }));

    expect(run.result).toMatchObject({ complete: true, failures: [], objectsCopied: 1 });
    expect(run.retries).toEqual({ CreateMultipartUpload: 1 });
    const after = proxy.multipartUploads();
    // Two uploads created on the server, one completed: the first one's ID never reached the
    // engine, so only a bucket lifecycle rule (AbortIncompleteMultipartUpload) can clean it up.
    expect(after.created.length - before.created.length).toBe(2);
    expect(after.completed.length - before.completed.length).toBe(1);
    expect(after.open.filter((id) => !before.open.includes(id))).toHaveLength(1);
    expect(await compareCopies(client, [object], SOURCE.prefix, destination.bucket, destination.prefix)).toEqual([]);
  }, 30_000);

  test('CompleteMultipartUpload: the retry finds no upload, the engine checks the destination and counts the copy done', async () => {
    const destination = await freshDestination('lost-complete/');
    const before = proxy.multipartUploads();
    proxy.setFaults({ resetMode: 'after', scripted: { CompleteMultipartUpload: ['Reset'] } });

    const run = await recordedCopy(SOURCE, destination, viaProxy({ keys: [relative(key)] }));

    // The retried CompleteMultipartUpload gets 404 NoSuchUpload (the lost request completed the
    // upload); a HEAD finds the object with its size and part count, so the copy is done.
    expect(run.result).toMatchObject({ complete: true, failures: [], objectsCopied: 1 });
    expect(proxy.stats().received).toMatchObject({ CreateMultipartUpload: 1, CompleteMultipartUpload: 2 });
    expect(proxy.stats().received.AbortMultipartUpload).toBeUndefined();
    expect(proxy.stats().succeeded).toMatchObject({ CompleteMultipartUpload: 1 });
    expect(proxy.multipartUploads().open).toEqual(before.open);
    expect(await compareCopies(client, [object], SOURCE.prefix, destination.bucket, destination.prefix)).toEqual([]);
  }, 30_000);
});
