/**
 * The Express tier's copy-out against a real S3-compatible server (fauxqs on 127.0.0.1): a directory
 * bucket (`--x-s3`, created as one) as the fast tier, a general purpose bucket as the lake, one
 * client for both made by the engine's `createS3Client` (as the handler makes it). Faults come from
 * a wrapping client that fails or changes chosen requests on their way to the server.
 *
 * Local specifics (see test/support/s3-local/clients.ts): S3 Express session auth is off (fauxqs has
 * no CreateSession) and directory-bucket paths are fixed for a path-style endpoint. fauxqs keeps the
 * checksum an object was uploaded with through copies, and computes SHA-256 and CRC32 but not
 * CRC64NVME, so the trainer's objects here carry SHA-256 (a proof) or CRC32 (no proof). fauxqs
 * ignores a CopyObject's x-amz-checksum-algorithm, where S3 gives the copy that algorithm only:
 * that the copies ask for the source's SHA-256 is checked here request by request, and what S3 then
 * stores is modelled in test/checkpoint/runtime/copy-out.test.ts.
 */
import { DeleteObjectsCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CheckpointHandlerConfig } from '../../src/checkpoint/handler/contract';
import { CopyOutDeps, pruneVerified, runCopyOut } from '../../src/checkpoint/runtime/copy-out';
import { createS3Client } from '../../src/transfer/engine';
import { LocalS3, fixDirectoryBucketPaths, getObject, listKeys, localS3Client, startLocalS3, useLocalS3Credentials } from '../support/s3-local';

const FAST_ROOT = 'checkpoints/';
const LAKE_ROOT = 'lake/checkpoints/';
const MARKER = '.metadata';

let s3: LocalS3;
/** Seeds and inspects both buckets (SDK retries on). */
let verifier: S3Client;
let restoreEnvironment: (() => void) | undefined;
let previousSessionAuth: string | undefined;
const clients: S3Client[] = [];
let counter = 0;

interface Tier {
  readonly fast: string;
  readonly lake: string;
  readonly config: CheckpointHandlerConfig;
}

/** Fresh buckets: a directory bucket for the fast tier, a general purpose one for the lake. */
async function tier(keepLatest = 2): Promise<Tier> {
  const n = ++counter;
  const fast = `ckpt${n}--use1-az4--x-s3`;
  const lake = `lake-${n}`;
  await s3.createBucket(fast, { type: 'directory' });
  await s3.createBucket(lake);
  return {
    fast,
    lake,
    config: {
      tier: 'Stack/Tier',
      scheme: { layout: '{run}/{step}/', marker: MARKER, keepLatest },
      lake: { bucket: lake, root: LAKE_ROOT },
      express: { bucket: fast, root: FAST_ROOT, concurrency: 8 },
    },
  };
}

/** A recorded request that went through the wrapping client. */
interface Call {
  readonly name: string;
  readonly input: Record<string, any>;
  readonly ok: boolean;
}

/**
 * The engine's client, with the local directory-bucket path fix, wrapped so that a test sees every
 * request sent through the SDK (`calls`) and can fail or act on chosen ones (`intercept`).
 * `directCopyObject: false` sends CopyObject through the SDK too, so that copies can be failed.
 */
function engineClient(intercept?: (call: Omit<Call, 'ok'>, send: () => Promise<unknown>) => Promise<unknown>, direct = false) {
  const client = fixDirectoryBucketPaths(createS3Client({ endpoint: s3.endpoint, maxSockets: 16, directCopyObject: direct }));
  clients.push(client);
  const calls: Call[] = [];
  const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
  (client as { send: unknown }).send = async (command: { input: Record<string, any> }) => {
    const call = { name: command.constructor.name.replace(/Command$/, ''), input: command.input };
    try {
      const answer = await (intercept ? intercept(call, () => send(command)) : send(command));
      calls.push({ ...call, ok: true });
      return answer;
    } catch (error) {
      calls.push({ ...call, ok: false });
      throw error;
    }
  };
  return { client, calls };
}

function deps(client: S3Client, overrides: Partial<CopyOutDeps> = {}): CopyOutDeps & { lines: string[] } {
  const lines: string[] = [];
  return { s3: client, nowMs: Date.now, log: (line) => lines.push(line), deadlineMs: Date.now() + 600_000, lines, ...overrides };
}

/** Writes a checkpoint as a trainer does: the shards, then the marker last (unless incomplete). */
async function writeCheckpoint(t: Tier, run: string, step: number, options: { shards?: number; complete?: boolean; checksum?: 'SHA256' | 'CRC32' } = {}) {
  const written = new Map<string, Buffer>();
  const put = async (key: string, body: Buffer) => {
    await verifier.send(new PutObjectCommand({ Bucket: t.fast, Key: key, Body: body, ChecksumAlgorithm: options.checksum ?? 'SHA256' }));
    written.set(key, body);
  };
  const prefix = `${FAST_ROOT}${run}/${step}/`;
  await Promise.all(Array.from({ length: options.shards ?? 3 }, (_, i) =>
    put(`${prefix}__${i}_0.distcp`, Buffer.from(`${run}/${step} shard ${i} `.repeat(200 + 37 * i)))));
  if (options.complete ?? true) {
    // A later second: the marker is newer than the shards, as when a trainer writes it last.
    await new Promise((resolve) => setTimeout(resolve, 5));
    await put(`${prefix}${MARKER}`, Buffer.from(`metadata of ${run}/${step}`));
  }
  return written;
}

const lakeKeyOf = (fastKey: string) => `${LAKE_ROOT}${fastKey.slice(FAST_ROOT.length)}`;
const keysOf = async (bucket: string, prefix = '') => [...(await listKeys(verifier, bucket, prefix)).keys()].sort();
const stepOf = (key: string) => key.replace(/^(lake\/)?checkpoints\//, '').split('/').slice(0, 2).join('/');

/** The lake's keys and bytes: nothing may disappear or change once copied. */
async function lakeContents(t: Tier): Promise<Map<string, Buffer>> {
  const keys = await keysOf(t.lake);
  return new Map(await Promise.all(keys.map(async (key) => [key, (await getObject(verifier, t.lake, key)).body] as [string, Buffer])));
}
async function expectLakeKept(t: Tier, before: Map<string, Buffer>): Promise<void> {
  const after = await lakeContents(t);
  for (const [key, body] of before) {
    expect({ key, same: after.get(key)?.equals(body) }).toEqual({ key, same: true });
  }
}

beforeAll(async () => {
  restoreEnvironment = useLocalS3Credentials();
  // fauxqs has no CreateSession: the engine's clients must not ask for S3 Express sessions.
  previousSessionAuth = process.env.AWS_S3_DISABLE_EXPRESS_SESSION_AUTH;
  process.env.AWS_S3_DISABLE_EXPRESS_SESSION_AUTH = 'true';
  s3 = await startLocalS3();
  verifier = localS3Client(s3.endpoint, { directoryBuckets: true });
}, 60_000);

afterAll(async () => {
  clients.forEach((c) => c.destroy());
  verifier?.destroy();
  await s3?.stop();
  if (previousSessionAuth === undefined) {
    delete process.env.AWS_S3_DISABLE_EXPRESS_SESSION_AUTH;
  } else {
    process.env.AWS_S3_DISABLE_EXPRESS_SESSION_AUTH = previousSessionAuth;
  }
  restoreEnvironment?.();
}, 30_000);

test('copies complete checkpoints byte-identical, deletes the old ones from the directory bucket after verification, keeps the latest 2 and the incomplete one', async () => {
  const t = await tier();
  const written = new Map<string, Buffer>();
  for (const step of [100, 200, 300, 400]) {
    for (const [key, body] of await writeCheckpoint(t, 'llama', step)) written.set(key, body);
  }
  const partial = await writeCheckpoint(t, 'llama', 500, { complete: false });
  const { client } = engineClient(undefined, true);

  const first = await runCopyOut(t.config, deps(client));

  expect(first.summary).toEqual({ tier: 'Stack/Tier', lakeComplete: 4, incomplete: 1, released: 0, copied: 4, deleted: 2, waiting: undefined, problems: [] });
  expect(await keysOf(t.lake)).toEqual([...written.keys()].map(lakeKeyOf).sort());
  for (const [key, body] of written) {
    expect({ key, same: (await getObject(verifier, t.lake, lakeKeyOf(key))).body.equals(body) }).toEqual({ key, same: true });
  }
  const kept = [...written.keys()].filter((key) => ['llama/300', 'llama/400'].includes(stepOf(key)));
  expect(await keysOf(t.fast)).toEqual([...kept, ...partial.keys()].sort());
  expect(first.newestCompleteMs).toEqual(expect.any(Number));

  // A second run: nothing new to copy or delete; the lake is unchanged.
  const before = await lakeContents(t);
  const second = await runCopyOut(t.config, deps(client));
  expect(second.summary).toMatchObject({ lakeComplete: 4, copied: 0, deleted: 0, problems: [] });
  expect(second.newestCompleteMs).toBe(first.newestCompleteMs);
  await expectLakeKept(t, before);
}, 60_000);

test('order: each deleted object is read in the lake before its checkpoint\'s first DeleteObjects, whose only key is the marker', async () => {
  const t = await tier(1);
  const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step)));
  const { client, calls } = engineClient();

  const outcome = await runCopyOut(t.config, deps(client));

  expect(outcome.summary).toMatchObject({ copied: 3, deleted: 2, problems: [] });
  const deletes = calls.filter((call) => call.name === 'DeleteObjects');
  expect(deletes.map((call) => call.input.Delete.Objects.map((o: { Key: string }) => o.Key))).toEqual([
    [`${FAST_ROOT}r/1/${MARKER}`], [0, 1, 2].map((i) => `${FAST_ROOT}r/1/__${i}_0.distcp`),
    [`${FAST_ROOT}r/2/${MARKER}`], [0, 1, 2].map((i) => `${FAST_ROOT}r/2/__${i}_0.distcp`),
  ]);
  for (const checkpoint of written.slice(0, 2)) {
    const keys = [...checkpoint.keys()];
    const firstDelete = calls.findIndex((call) => call.name === 'DeleteObjects' && stepOf(call.input.Delete.Objects[0].Key) === stepOf(keys[0]));
    for (const key of keys) {
      const lakeHead = calls.findIndex((call) => call.name === 'HeadObject' && call.ok && call.input.Bucket === t.lake && call.input.Key === lakeKeyOf(key));
      expect({ key, readBeforeDelete: lakeHead >= 0 && lakeHead < firstDelete }).toEqual({ key, readBeforeDelete: true });
    }
  }
  expect(await keysOf(t.fast)).toEqual([...written[2].keys()].sort());
}, 60_000);

test('a copy that fails for one object: that checkpoint stays on the directory bucket, its lake copy has no marker', async () => {
  const t = await tier();
  const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step)));
  const broken = lakeKeyOf(`${FAST_ROOT}r/1/__1_0.distcp`);
  const { client, calls } = engineClient(async (call, send) => {
    if (call.name === 'CopyObject' && call.input.Key === broken) {
      throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    }
    return send();
  });

  const outcome = await runCopyOut(t.config, deps(client));

  expect(outcome.summary).toMatchObject({ copied: 2, deleted: 0, lakeComplete: 2 });
  expect(outcome.summary.problems).toEqual([expect.stringContaining('checkpoints/r/1/: the copy to')]);
  expect(await keysOf(t.fast)).toEqual(written.flatMap((w) => [...w.keys()]).sort());
  expect(await keysOf(t.lake, `${LAKE_ROOT}r/1/`)).not.toContain(`${LAKE_ROOT}r/1/${MARKER}`);
  expect(calls.filter((call) => call.name === 'DeleteObjects')).toEqual([]);
}, 60_000);

describe('the lake\'s copy changed after the copy, before the verification: not deleted', () => {
  test.each([
    ['overwritten with other bytes of the same size', (t: Tier, key: string, size: number) =>
      verifier.send(new PutObjectCommand({ Bucket: t.lake, Key: key, Body: Buffer.alloc(size, 0x41), ChecksumAlgorithm: 'SHA256' }))],
    ['overwritten with another size', (t: Tier, key: string) =>
      verifier.send(new PutObjectCommand({ Bucket: t.lake, Key: key, Body: Buffer.from('short'), ChecksumAlgorithm: 'SHA256' }))],
    ['deleted', (t: Tier, key: string) =>
      verifier.send(new DeleteObjectsCommand({ Bucket: t.lake, Delete: { Objects: [{ Key: key }] } }))],
  ])('%s', async (_, change) => {
    const t = await tier();
    const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step)));
    const fastKey = `${FAST_ROOT}r/1/__2_0.distcp`;
    const target = lakeKeyOf(fastKey);
    let changed = false;
    const { client, calls } = engineClient(async (call, send) => {
      // The first read of the verification (the lake's copy of r/1 is complete by then).
      if (!changed && call.name === 'HeadObject' && call.input.Bucket === t.lake && call.input.Key === target) {
        changed = true;
        await change(t, target, written[0].get(fastKey)!.length);
      }
      return send();
    });

    const outcome = await runCopyOut(t.config, deps(client));

    expect(changed).toBe(true);
    expect(outcome.summary.deleted).toBe(0);
    expect(outcome.summary.problems).toEqual([expect.stringMatching(/checkpoints\/r\/1\/: not verified in .*: __2_0\.distcp: /)]);
    expect(await keysOf(t.fast)).toEqual(written.flatMap((w) => [...w.keys()]).sort());
    expect(calls.filter((call) => call.name === 'DeleteObjects')).toEqual([]);
  }, 60_000);
});

test('a HeadObject that fails: the checkpoint is not deleted', async () => {
  const t = await tier();
  const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step)));
  const { client, calls } = engineClient(async (call, send) => {
    if (call.name === 'HeadObject' && call.input.Bucket === t.lake && call.input.Key === lakeKeyOf(`${FAST_ROOT}r/1/${MARKER}`) && call.input.ChecksumMode === 'ENABLED'
      && calls.some((c) => c.name === 'CopyObject' && c.input.Key === lakeKeyOf(`${FAST_ROOT}r/1/${MARKER}`))) {
      throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
    }
    return send();
  });

  const outcome = await runCopyOut(t.config, deps(client));

  expect(outcome.summary).toMatchObject({ copied: 3, deleted: 0 });
  expect(outcome.summary.problems).toEqual([expect.stringContaining('.metadata: HeadObject failed: Forbidden (HTTP 403)')]);
  expect(await keysOf(t.fast)).toEqual(written.flatMap((w) => [...w.keys()]).sort());
}, 60_000);

test('a DeleteObjects cut short after the marker: the next run deletes the leftovers once they are verified, and only then', async () => {
  const t = await tier();
  const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step)));
  let deleteRequests = 0;
  const cut = engineClient(async (call, send) => {
    if (call.name === 'DeleteObjects' && ++deleteRequests === 2) {
      throw Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    }
    return send();
  });
  const first = await runCopyOut(t.config, deps(cut.client));
  expect(first.summary.deleted).toBe(0);
  expect(first.summary.problems).toEqual([expect.stringContaining('checkpoints/r/1/: deletion stopped: DeleteObjects failed after 1 of 4 objects')]);
  const shards = [...written[0].keys()].filter((key) => !key.endsWith(MARKER)).sort();
  expect(await keysOf(t.fast, `${FAST_ROOT}r/1/`)).toEqual(shards);

  // A run while one leftover's lake copy is unreadable: nothing of r/1 is deleted.
  const lakeMarkerBefore = await lakeContents(t);
  const blocked = engineClient(async (call, send) => {
    if (call.name === 'HeadObject' && call.input.Bucket === t.lake && call.input.Key === lakeKeyOf(shards[0])) {
      throw Object.assign(new Error('Forbidden'), { name: 'Forbidden', $metadata: { httpStatusCode: 403 } });
    }
    return send();
  });
  const second = await runCopyOut(t.config, deps(blocked.client));
  expect(second.summary).toMatchObject({ deleted: 0, incomplete: 0 });
  expect(second.summary.problems).toEqual([expect.stringContaining('checkpoints/r/1/: not verified')]);
  expect(await keysOf(t.fast, `${FAST_ROOT}r/1/`)).toEqual(shards);

  // Then a run that can read them: the leftovers go, after their lake copies were read.
  const healthy = engineClient();
  const third = await runCopyOut(t.config, deps(healthy.client));
  expect(third.summary).toMatchObject({ deleted: 1, problems: [] });
  expect(await keysOf(t.fast, `${FAST_ROOT}r/1/`)).toEqual([]);
  const firstDelete = healthy.calls.findIndex((call) => call.name === 'DeleteObjects');
  expect(healthy.calls.slice(0, firstDelete).filter((call) => call.name === 'HeadObject' && call.input.Bucket === t.lake).map((call) => call.input.Key).sort())
    .toEqual(shards.map(lakeKeyOf));
  await expectLakeKept(t, lakeMarkerBefore);
}, 60_000);

test('objects with only a CRC32 (no MD5 ETag in a directory bucket, 32 bits prove nothing): copied, never deleted', async () => {
  const t = await tier();
  const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step, { checksum: 'CRC32' })));
  const { client } = engineClient(undefined, true);
  const outcome = await runCopyOut(t.config, deps(client));
  expect(outcome.summary).toMatchObject({ copied: 3, deleted: 0, lakeComplete: 3 });
  expect(outcome.summary.problems).toEqual([expect.stringContaining('no checksum proves the lake\'s copy identical')]);
  expect(outcome.summary.problems[0]).toContain('upload checkpoints with the checksum algorithm SHA-256 or CRC64NVME');
  expect(await keysOf(t.fast)).toEqual(written.flatMap((w) => [...w.keys()]).sort());
  // What the lake's copy carries: the CRC32 the directory bucket's object had.
  const head = await verifier.send(new HeadObjectCommand({ Bucket: t.lake, Key: lakeKeyOf(`${FAST_ROOT}r/1/${MARKER}`), ChecksumMode: 'ENABLED' }));
  expect(head.ChecksumCRC32).toEqual(expect.any(String));
}, 60_000);

test('each copy asks S3 for the checksum the directory bucket\'s object carries when it proves identity (SHA-256), CRC64NVME otherwise (CRC32)', async () => {
  const t = await tier();
  const sha = await writeCheckpoint(t, 'sha', 1, { checksum: 'SHA256' });
  const crc = await writeCheckpoint(t, 'crc', 1, { checksum: 'CRC32' });
  const { client, calls } = engineClient(); // CopyObject through the SDK, so that each request is seen
  const outcome = await runCopyOut(t.config, deps(client));
  expect(outcome.summary).toMatchObject({ copied: 2, deleted: 0, problems: [] });
  const asked = Object.fromEntries(calls.filter((call) => call.name === 'CopyObject').map((call) => [call.input.Key, call.input.ChecksumAlgorithm]));
  expect(asked).toEqual(Object.fromEntries([
    ...[...sha.keys()].map((key) => [lakeKeyOf(key), 'SHA256']),
    ...[...crc.keys()].map((key) => [lakeKeyOf(key), 'CRC64NVME']),
  ]));
  // The algorithm came from a HeadObject of each directory-bucket object, before its copy.
  for (const key of [...sha.keys(), ...crc.keys()]) {
    const head = calls.findIndex((call) => call.name === 'HeadObject' && call.input.Bucket === t.fast && call.input.Key === key);
    const copy = calls.findIndex((call) => call.name === 'CopyObject' && call.input.Key === lakeKeyOf(key));
    expect({ key, headFirst: head >= 0 && head < copy }).toEqual({ key, headFirst: true });
  }
}, 60_000);

test('the deadline reached during the copies: no new copy starts, nothing is deleted', async () => {
  const t = await tier();
  const written = await Promise.all([1, 2, 3, 4].map((step) => writeCheckpoint(t, 'r', step)));
  let now = Date.now();
  const deadlineMs = now + 600_000;
  const { client, calls } = engineClient(async (call, send) => {
    const answer = await send();
    if (call.name === 'CopyObject' && call.input.Key === lakeKeyOf(`${FAST_ROOT}r/4/${MARKER}`)) {
      now = deadlineMs; // the first checkpoint (the newest) is in the lake: time is up
    }
    return answer;
  });

  const outcome = await runCopyOut(t.config, deps(client, { nowMs: () => now, deadlineMs }));

  expect(outcome.summary).toMatchObject({ copied: 1, deleted: 0, lakeComplete: 1, waiting: 'the deadline came with 3 checkpoint(s) left to copy' });
  expect(new Set(calls.filter((call) => call.name === 'CopyObject').map((call) => stepOf(call.input.Key)))).toEqual(new Set(['r/4']));
  expect(calls.filter((call) => call.name === 'DeleteObjects' || (call.name === 'HeadObject' && call.input.Bucket === t.lake && stepOf(call.input.Key) !== 'r/4')))
    .toEqual([]);
  expect(await keysOf(t.fast)).toEqual(written.flatMap((w) => [...w.keys()]).sort());
}, 60_000);

test('pruneVerified: a dry run deletes nothing; a real run deletes only what is verified', async () => {
  const t = await tier(10);
  const written = await Promise.all([1, 2, 3].map((step) => writeCheckpoint(t, 'r', step)));
  const { client } = engineClient(undefined, true);
  await runCopyOut(t.config, deps(client));
  await verifier.send(new DeleteObjectsCommand({ Bucket: t.lake, Delete: { Objects: [{ Key: lakeKeyOf(`${FAST_ROOT}r/2/__0_0.distcp`) }] } }));
  const fast = { bucket: t.fast, root: FAST_ROOT };
  const lake = { bucket: t.lake, root: LAKE_ROOT };

  const dry = await pruneVerified(fast, lake, { marker: MARKER }, 1, deps(client), { dryRun: true });
  expect(dry.wouldDelete.map((c) => c.step)).toEqual(['1']);
  expect(await keysOf(t.fast)).toEqual(written.flatMap((w) => [...w.keys()]).sort());

  const real = await pruneVerified(fast, lake, { marker: MARKER }, 1, deps(client));
  expect(real.deleted.map((c) => c.step)).toEqual(['1']);
  expect(real.kept.map((k) => k.checkpoint.step)).toEqual(['3', '2']);
  expect(await keysOf(t.fast)).toEqual([...written[1].keys(), ...written[2].keys()].sort());
}, 60_000);
