/**
 * The Express tier's copy-out run and `pruneVerified`, on the in-memory fake S3 (a directory bucket
 * `--x-s3` as the fast tier, a general purpose bucket as the lake): the order of requests, the
 * directory-bucket specifics (no MD5 ETags, shuffled listings), and faults a local server cannot
 * produce. The same runs against a real S3-compatible server: test/integration/checkpoint-copy-out.test.ts.
 */
import { CheckpointHandlerConfig } from '../../../src/checkpoint/handler/contract';
import { groupCheckpoints } from '../../../src/checkpoint/rules';
import { CopyOutDeps, DELETE_OBJECTS_MAX_KEYS, checkSeparateRoots, copyOrder, pruneVerified, runCopyOut } from '../../../src/checkpoint/runtime/copy-out';
import { FakeS3, errors } from '../../transfer/engine/fake-s3';

const FAST = 'ckpt--use1-az4--x-s3';
const LAKE = 'training-lake';
const FAST_ROOT = 'checkpoints/';
const LAKE_ROOT = 'lake/checkpoints/';
const MARKER = '.metadata';
const T0 = Date.UTC(2026, 11, 1);
const MINUTE = 60_000;

const CONFIG: CheckpointHandlerConfig = {
  tier: 'Stack/Tier',
  scheme: { layout: '{run}/{step}/', marker: MARKER, keepLatest: 2 },
  lake: { bucket: LAKE, root: LAKE_ROOT },
  express: { bucket: FAST, root: FAST_ROOT, concurrency: 4 },
};

interface World {
  readonly fake: FakeS3;
  readonly logs: string[];
  /** The clock of the fake's writes and of the run. */
  clock: number;
  deps(overrides?: Partial<CopyOutDeps>): CopyOutDeps;
}

function world(): World {
  const w: World = {
    fake: undefined as unknown as FakeS3,
    logs: [],
    clock: T0,
    deps: (overrides = {}) => ({
      s3: w.fake.client,
      nowMs: () => w.clock,
      log: (line) => w.logs.push(line),
      deadlineMs: w.clock + 10 * MINUTE,
      sleep: async () => undefined,
      ...overrides,
    }),
  };
  (w as { fake: FakeS3 }).fake = new FakeS3({ now: () => w.clock });
  w.fake.createBucket(FAST).createBucket(LAKE);
  return w;
}

/** Writes a checkpoint to the fast tier as a trainer does: shards first, the marker last (unless incomplete). */
function writeCheckpoint(w: World, run: string, step: number, options: { shards?: number; complete?: boolean; checksum?: 'CRC32' | 'SHA256' } = {}): string[] {
  const prefix = `${FAST_ROOT}${run}/${step}/`;
  const keys: string[] = [];
  for (let i = 0; i < (options.shards ?? 3); i++) {
    const key = `${prefix}__${i}_0.distcp`;
    w.fake.put(FAST, key, `${run} step ${step} shard ${i} `.repeat(10 + (i % 5)), { checksum: options.checksum });
    keys.push(key);
  }
  w.clock += 1000;
  if (options.complete ?? true) {
    w.fake.put(FAST, `${prefix}${MARKER}`, `metadata of ${run} ${step}`, { checksum: options.checksum });
    keys.push(`${prefix}${MARKER}`);
  }
  w.clock += MINUTE;
  return keys;
}

const lakeKeyOf = (fastKey: string) => `${LAKE_ROOT}${fastKey.slice(FAST_ROOT.length)}`;
const fastKeys = (w: World, prefix = '') => w.fake.keys(FAST).filter((key) => key.startsWith(`${FAST_ROOT}${prefix}`));
const lakeKeys = (w: World) => w.fake.keys(LAKE);

/** The lake's objects and their write versions: no object may disappear or change once copied. */
function lakeSnapshot(w: World): Map<string, number> {
  return new Map(lakeKeys(w).map((key) => [key, w.fake.get(LAKE, key)!.version]));
}
function expectLakeKept(w: World, before: Map<string, number>): void {
  for (const [key, version] of before) {
    expect({ key, version: w.fake.get(LAKE, key)?.version }).toEqual({ key, version });
  }
}

/** `run/step` of a key of either side. */
const stepOf = (key: string) => key.slice(key.startsWith(LAKE_ROOT) ? LAKE_ROOT.length : FAST_ROOT.length).split('/').slice(0, 2).join('/');

describe('runCopyOut', () => {
  test('copies the complete checkpoints, deletes the old ones after verification, keeps the latest 2 and the incomplete one', async () => {
    const w = world();
    const written = [100, 200, 300, 400].map((step) => writeCheckpoint(w, 'llama', step));
    const partial = writeCheckpoint(w, 'llama', 500, { complete: false });
    const other = writeCheckpoint(w, 'mistral', 7);
    const stray = 'checkpoints/notes.txt';
    w.fake.put(FAST, stray, 'not a checkpoint');
    const bodies = new Map([...written.flat(), ...other].map((key) => [key, w.fake.body(FAST, key)!]));

    const outcome = await runCopyOut(CONFIG, w.deps());

    expect(outcome.summary).toEqual({
      tier: 'Stack/Tier', lakeComplete: 5, incomplete: 1, released: 0, copied: 5, deleted: 2, waiting: undefined, problems: [],
    });
    // The lake holds every complete checkpoint, byte for byte; nothing of the incomplete one.
    for (const [key, body] of bodies) {
      expect({ key, same: w.fake.body(LAKE, lakeKeyOf(key))?.equals(body) }).toEqual({ key, same: true });
    }
    expect(lakeKeys(w)).toEqual([...written.flat(), ...other].map(lakeKeyOf).sort());
    // llama 100 and 200 left the fast tier; 300 and 400 (the latest 2), the incomplete 500, mistral 7 and the stray key stay.
    expect(fastKeys(w)).toEqual([...written[2], ...written[3], ...partial, ...other, stray].sort());
    // The newest complete checkpoint in the lake: the last marker copied.
    const lakeMarkers = lakeKeys(w).filter((key) => key.endsWith(MARKER)).map((key) => w.fake.get(LAKE, key)!.lastModified.getTime());
    expect(outcome.newestCompleteMs).toBe(Math.max(...lakeMarkers));
    expect(w.logs).toContainEqual(expect.stringMatching(/^incomplete s3:\/\/ckpt--use1-az4--x-s3\/checkpoints\/llama\/500\/: no \.metadata, left alone/));
  });

  test('copies the kept checkpoints first, newest first, and each checkpoint\'s marker after its other objects', async () => {
    const w = world();
    for (const step of [1, 2, 3, 4]) writeCheckpoint(w, 'r', step);
    await runCopyOut(CONFIG, w.deps());

    const copies = w.fake.callsOf('CopyObject').filter((call) => call.output !== undefined).map((call) => call.input.Key as string);
    const firstCopy = [...new Set(copies.map(stepOf))];
    expect(firstCopy).toEqual(['r/4', 'r/3', 'r/2', 'r/1']);
    for (const step of firstCopy) {
      const ofStep = copies.filter((key) => stepOf(key) === step);
      expect(ofStep.indexOf(`${LAKE_ROOT}${step}/${MARKER}`)).toBe(ofStep.length - 1);
    }
  });

  test('order: every object of a deleted checkpoint is read on both sides before its first DeleteObjects, the marker alone in that first request', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step, { shards: 4 }));
    await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 1 } }, w.deps());

    const calls = w.fake.callsOf();
    const deletes = calls.filter((call) => call.name === 'DeleteObjects');
    expect(deletes.map((call) => stepOf(call.input.Delete.Objects[0].Key))).toEqual(['r/1', 'r/1', 'r/2', 'r/2']);
    for (const keys of written.slice(0, 2)) {
      const step = stepOf(keys[0]);
      const firstDelete = calls.findIndex((call) => call.name === 'DeleteObjects' && stepOf(call.input.Delete.Objects[0].Key) === step);
      const ofStep = deletes.filter((call) => stepOf(call.input.Delete.Objects[0].Key) === step);
      // The marker first, alone; then the rest.
      expect(ofStep[0].input.Delete.Objects.map((o: { Key: string }) => o.Key)).toEqual([`${FAST_ROOT}${step}/${MARKER}`]);
      expect(ofStep.flatMap((call) => call.input.Delete.Objects.map((o: { Key: string }) => o.Key)).sort()).toEqual([...keys].sort());
      for (const key of keys) {
        const headOf = (bucket: string, k: string) => calls.findIndex((call, i) => i < firstDelete && call.name === 'HeadObject'
          && call.input.Bucket === bucket && call.input.Key === k && call.input.ChecksumMode === 'ENABLED' && call.output !== undefined);
        expect({ key, lakeHead: headOf(LAKE, lakeKeyOf(key)) >= 0, fastHead: headOf(FAST, key) >= 0 })
          .toEqual({ key, lakeHead: true, fastHead: true });
        // Each key's deletion is conditional on the ETag its HeadObject answered.
        const head = calls.find((call) => call.name === 'HeadObject' && call.input.Bucket === FAST && call.input.Key === key)!;
        const identifier = ofStep.flatMap((call) => call.input.Delete.Objects).find((o: { Key: string }) => o.Key === key);
        expect(identifier.ETag).toBe(head.output.ETag);
      }
    }
    expect(fastKeys(w)).toEqual(written[2].sort());
  });

  test('a copy that fails for one object: that checkpoint keeps its place, its lake copy has no marker', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
    const broken = lakeKeyOf(written[0][1]);
    w.fake.failKey('CopyObject', broken, errors.accessDenied);

    const outcome = await runCopyOut(CONFIG, w.deps());

    expect(outcome.summary).toMatchObject({ copied: 2, deleted: 0, lakeComplete: 2 });
    expect(outcome.summary.problems).toEqual([expect.stringContaining(`s3://${FAST}/checkpoints/r/1/: the copy to s3://${LAKE}/lake/checkpoints/r/1/ failed for 1 object(s)`)]);
    expect(fastKeys(w, 'r/1/')).toEqual([...written[0]].sort());
    expect(w.fake.get(LAKE, `${LAKE_ROOT}r/1/${MARKER}`)).toBeUndefined();
    expect(w.fake.callsOf('DeleteObjects')).toEqual([]);
    // r/1's objects were not even read for verification (HeadObject on both sides): its copy did not
    // complete. The only reads of them are the copy engine's, one per shard copied (to keep its checksum).
    const headsOf = (bucket: string) => w.fake.callsOf('HeadObject').filter((call) => call.input.Bucket === bucket && stepOf(call.input.Key) === 'r/1');
    expect(headsOf(LAKE)).toEqual([]);
    expect(headsOf(FAST).map((call) => call.input.Key).sort()).toEqual(written[0].filter((key) => !key.endsWith(MARKER)).sort());
  });

  test.each([
    ['altered (same size, other bytes)', (w: World, key: string) => w.fake.put(LAKE, key, Buffer.alloc(w.fake.body(LAKE, key)!.length, 1)), /no checksum proves the lake's copy identical/],
    ['altered (another size)', (w: World, key: string) => w.fake.put(LAKE, key, 'shorter'), /bytes in the lake/],
    ['deleted', (w: World, key: string) => w.fake.remove(LAKE, key), /not in the lake/],
  ])('a lake object %s after the copy, before the verification: the checkpoint is not deleted', async (_, change, problem) => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
    const target = lakeKeyOf(written[0][2]);
    let changed = false;
    const send = w.fake.send.bind(w.fake);
    w.fake.send = async (command: { input: unknown }) => {
      const input = command.input as { Bucket?: string; Key?: string };
      if (!changed && command.constructor.name === 'HeadObjectCommand' && input.Bucket === LAKE && input.Key === target && w.fake.count('DeleteObjects') === 0
        && w.fake.get(LAKE, `${LAKE_ROOT}r/1/${MARKER}`) !== undefined) {
        changed = true;
        change(w, target);
      }
      return send(command);
    };
    const before = lakeSnapshot(w);

    const outcome = await runCopyOut(CONFIG, w.deps());

    expect(changed).toBe(true);
    expect(outcome.summary.deleted).toBe(0);
    expect(outcome.summary.problems).toEqual([expect.stringMatching(new RegExp(`^s3://${FAST}/checkpoints/r/1/: not verified in s3://${LAKE}/lake/checkpoints/r/1/, kept: __2_0\\.distcp`))]);
    expect(outcome.summary.problems[0]).toMatch(problem);
    expect(fastKeys(w, 'r/1/')).toEqual([...written[0]].sort());
    expect(w.fake.callsOf('DeleteObjects')).toEqual([]);
    expectLakeKept(w, before);
  });

  test('a lake copy already altered with the same size before the run: not copied again (the listing matches), not deleted, reported every run', async () => {
    const w = world();
    const written = [1, 2].map((step) => writeCheckpoint(w, 'r', step));
    await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 5 } }, w.deps());
    const target = lakeKeyOf(written[0][0]);
    w.fake.put(LAKE, target, Buffer.alloc(w.fake.body(LAKE, target)!.length, 7));

    const outcome = await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 1 } }, w.deps());

    expect(outcome.summary).toMatchObject({ copied: 0, deleted: 0 });
    expect(outcome.summary.problems).toEqual([expect.stringContaining('__0_0.distcp: no checksum proves the lake\'s copy identical')]);
    expect(fastKeys(w, 'r/1/')).toEqual([...written[0]].sort());
  });

  test.each([
    ['the lake', (key: string) => ({ operation: 'HeadObject' as const, key: lakeKeyOf(key) })],
    ['the fast tier', (key: string) => ({ operation: 'HeadObject' as const, key })],
  ])('a HeadObject that fails on %s: the checkpoint is not deleted, the failure is reported', async (_, rule) => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
    await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 5 } }, w.deps()); // copies only
    w.fake.fail({ ...rule(written[0][1]), error: errors.accessDenied });

    const outcome = await runCopyOut(CONFIG, w.deps());

    expect(outcome.summary.deleted).toBe(0);
    expect(outcome.summary.problems).toEqual([expect.stringContaining('__1_0.distcp: HeadObject failed: AccessDenied (HTTP 403) Access Denied')]);
    expect(fastKeys(w, 'r/1/')).toEqual([...written[0]].sort());
    expect(w.fake.callsOf('DeleteObjects')).toEqual([]);
  });

  test('a HeadObject throttled once is retried, and the checkpoint is then deleted', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
    w.fake.fail({ operation: 'HeadObject', key: lakeKeyOf(written[0][1]), times: 1, error: errors.slowDown });
    const outcome = await runCopyOut(CONFIG, w.deps());
    expect(outcome.summary).toMatchObject({ deleted: 1, problems: [] });
    expect(fastKeys(w, 'r/1/')).toEqual([]);
  });

  test('objects without a checksum of 64 bits or more (CRC32 only) are never proven identical: copied asking CRC64NVME, never deleted, reported with what to upload with', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step, { checksum: 'CRC32' }));
    const outcome = await runCopyOut(CONFIG, w.deps());
    expect(outcome.summary).toMatchObject({ copied: 3, deleted: 0 });
    expect(outcome.summary.problems).toEqual([expect.stringContaining('no checksum proves the lake\'s copy identical')]);
    expect(outcome.summary.problems[0]).toContain('the fast tier\'s object carries CRC32, no full-object SHA-256, SHA-1 or CRC64NVME: '
      + 'upload checkpoints with the checksum algorithm SHA-256 or CRC64NVME');
    expect(new Set(w.fake.callsOf('CopyObject').map((call) => call.input.ChecksumAlgorithm))).toEqual(new Set(['CRC64NVME']));
    expect(fastKeys(w)).toEqual(written.flat().sort());
  });

  test('objects uploaded with SHA-256: each copy asks S3 for SHA-256, the lake\'s copy carries only that (as on S3), is verified by it, and the old checkpoint is deleted', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step, { checksum: 'SHA256' }));
    const sha256 = new Map(written.flat().map((key) => [key, w.fake.get(FAST, key)!.checksums.SHA256]));
    const outcome = await runCopyOut(CONFIG, w.deps());
    expect(outcome.summary).toMatchObject({ copied: 3, deleted: 1, problems: [] });
    const copies = w.fake.callsOf('CopyObject');
    expect(copies).toHaveLength(written.flat().length);
    expect(new Set(copies.map((call) => call.input.ChecksumAlgorithm))).toEqual(new Set(['SHA256']));
    for (const key of written.flat()) {
      expect({ key, checksums: w.fake.get(LAKE, lakeKeyOf(key))!.checksums }).toEqual({ key, checksums: { SHA256: sha256.get(key) } });
    }
    expect(fastKeys(w)).toEqual([...written[1], ...written[2]].sort());
  });

  describe('a deletion cut short after the marker', () => {
    async function cutShort(w: World): Promise<string[][]> {
      const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
      w.fake.fail({ operation: 'DeleteObjects', nth: [2], error: errors.accessDenied });
      const outcome = await runCopyOut(CONFIG, w.deps());
      expect(outcome.summary.deleted).toBe(0);
      expect(outcome.summary.problems).toEqual([expect.stringContaining('checkpoints/r/1/: deletion stopped: DeleteObjects failed after 1 of 4 objects: AccessDenied')]);
      // The marker went first: r/1 is now incomplete on the fast tier, and nothing reads it as restorable.
      expect(fastKeys(w, 'r/1/')).toEqual(written[0].filter((key) => !key.endsWith(MARKER)).sort());
      w.fake.clearFaults();
      w.clock += MINUTE;
      return written;
    }

    test('the next run deletes the leftovers once each is verified in the lake', async () => {
      const w = world();
      await cutShort(w);
      w.fake.resetCalls();
      const before = lakeSnapshot(w);

      const outcome = await runCopyOut(CONFIG, w.deps());

      expect(outcome.summary).toMatchObject({ deleted: 1, incomplete: 0, problems: [] });
      expect(fastKeys(w, 'r/1/')).toEqual([]);
      const firstDelete = w.fake.calls.findIndex((call) => call.name === 'DeleteObjects');
      const lakeHeads = w.fake.calls.slice(0, firstDelete).filter((call) => call.name === 'HeadObject' && call.input.Bucket === LAKE).map((call) => call.input.Key).sort();
      expect(lakeHeads).toEqual([0, 1, 2].map((i) => `${LAKE_ROOT}r/1/__${i}_0.distcp`));
      expectLakeKept(w, before);
    });

    test('a leftover whose lake copy changed is not deleted', async () => {
      const w = world();
      await cutShort(w);
      const target = `${LAKE_ROOT}r/1/__0_0.distcp`;
      w.fake.put(LAKE, target, Buffer.alloc(w.fake.body(LAKE, target)!.length, 3));
      const outcome = await runCopyOut(CONFIG, w.deps());
      expect(outcome.summary.deleted).toBe(0);
      expect(outcome.summary.problems).toEqual([expect.stringContaining('checkpoints/r/1/: not verified')]);
      expect(fastKeys(w, 'r/1/')).toHaveLength(3);
    });

    test('a leftover rewritten after the lake\'s marker (a new write of that step) is left alone, reported incomplete', async () => {
      const w = world();
      await cutShort(w);
      w.fake.put(FAST, `${FAST_ROOT}r/1/__0_0.distcp`, 'a new write of step 1');
      const outcome = await runCopyOut(CONFIG, w.deps());
      expect(outcome.summary).toMatchObject({ deleted: 0, incomplete: 1, problems: [] });
      expect(fastKeys(w, 'r/1/')).toHaveLength(3);
    });
  });

  test('a per-key error in a DeleteObjects answer stops that checkpoint\'s deletion', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
    w.fake.malform({ operation: 'DeleteObjects', times: 1, change: (answer) => ({ ...answer, Errors: [{ Key: written[0][3], Code: 'InternalError', Message: 'We encountered an internal error.' }] }) });
    const outcome = await runCopyOut(CONFIG, w.deps());
    expect(outcome.summary.deleted).toBe(0);
    expect(outcome.summary.problems).toEqual([expect.stringContaining(`DeleteObjects failed for 1 of 1 keys after 0 of 4 objects (${written[0][3]}: InternalError We encountered an internal error.)`)]);
    expect(w.fake.count('DeleteObjects')).toBe(1);
  });

  test('an object rewritten on the fast tier between its verification and its deletion is not deleted (conditional on the ETag)', async () => {
    const w = world();
    const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
    const rewritten = written[0][1];
    const send = w.fake.send.bind(w.fake);
    w.fake.send = async (command: { input: unknown }) => {
      if (command.constructor.name === 'DeleteObjectsCommand' && w.fake.count('DeleteObjects') === 0) {
        w.fake.put(FAST, rewritten, 'rewritten by a trainer restarted at step 1');
      }
      return send(command);
    };

    const outcome = await runCopyOut(CONFIG, w.deps());

    expect(outcome.summary.deleted).toBe(0);
    expect(outcome.summary.problems).toEqual([expect.stringContaining(`(${rewritten}: PreconditionFailed`)]);
    expect(w.fake.body(FAST, rewritten)!.toString()).toBe('rewritten by a trainer restarted at step 1');
  });

  test('more than 1,000 objects: the marker alone, then batches of at most 1,000 keys', async () => {
    const w = world();
    writeCheckpoint(w, 'r', 1, { shards: 1500 });
    writeCheckpoint(w, 'r', 2);
    await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 1 }, express: { ...CONFIG.express!, concurrency: 64 } }, w.deps());
    expect(w.fake.callsOf('DeleteObjects').map((call) => call.input.Delete.Objects.length)).toEqual([1, DELETE_OBJECTS_MAX_KEYS, 500]);
    expect(fastKeys(w, 'r/1/')).toEqual([]);
  }, 30_000);

  describe('the deadline', () => {
    test('reached during the copies: no new copy starts, nothing unverified is deleted, the run says why it stopped', async () => {
      const w = world();
      const written = [1, 2, 3, 4].map((step) => writeCheckpoint(w, 'r', step));
      const deadlineMs = w.clock + 10 * MINUTE;
      // The clock jumps past the deadline once the first checkpoint (r/4, the newest) has its marker in the lake.
      const send = w.fake.send.bind(w.fake);
      w.fake.send = async (command: { input: unknown }) => {
        const answer = await send(command);
        if (w.fake.get(LAKE, `${LAKE_ROOT}r/4/${MARKER}`) !== undefined) w.clock = deadlineMs + 1;
        return answer;
      };

      const outcome = await runCopyOut(CONFIG, w.deps({ deadlineMs }));

      expect(outcome.summary).toMatchObject({ copied: 1, deleted: 0, lakeComplete: 1 });
      expect(outcome.summary.waiting).toBe('the deadline came with 3 checkpoint(s) left to copy');
      expect(new Set(w.fake.callsOf('CopyObject').map((call) => stepOf(call.input.Key)))).toEqual(new Set(['r/4']));
      expect(w.fake.callsOf('DeleteObjects')).toEqual([]);
      expect(fastKeys(w)).toEqual(written.flat().sort());
    });

    test('passed before the run: lists, copies and deletes nothing', async () => {
      const w = world();
      const written = [1, 2, 3].map((step) => writeCheckpoint(w, 'r', step));
      await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 5 } }, w.deps());
      w.fake.resetCalls();
      const outcome = await runCopyOut(CONFIG, w.deps({ deadlineMs: w.clock }));
      expect(outcome.summary).toMatchObject({ deleted: 0, waiting: 'the deadline came before every old checkpoint was verified' });
      expect(w.fake.callsOf().map((call) => call.name)).toEqual(['ListObjectsV2', 'ListObjectsV2']);
      expect(fastKeys(w)).toEqual(written.flat().sort());
    });
  });

  test('nothing in the lake is ever deleted or rewritten, run after run', async () => {
    const w = world();
    for (const step of [1, 2]) writeCheckpoint(w, 'r', step);
    await runCopyOut(CONFIG, w.deps());
    let before = lakeSnapshot(w);
    for (const step of [3, 4, 5]) {
      writeCheckpoint(w, 'r', step);
      await runCopyOut(CONFIG, w.deps());
      expectLakeKept(w, before);
      before = lakeSnapshot(w);
    }
    expect(w.fake.callsOf('DeleteObjects').every((call) => call.input.Bucket === FAST)).toBe(true);
    expect(lakeKeys(w).filter((key) => key.endsWith(MARKER))).toHaveLength(5);
    expect(fastKeys(w).filter((key) => key.endsWith(MARKER)).map(stepOf)).toEqual(['r/4', 'r/5']);
  });

  test('a fast tier and a lake that overlap are refused before any request', async () => {
    const w = world();
    const config = { ...CONFIG, lake: { bucket: FAST, root: 'checkpoints/llama/' } };
    await expect(runCopyOut(config, w.deps())).rejects.toThrow(`the fast tier s3://${FAST}/checkpoints/ and the lake s3://${FAST}/checkpoints/llama/ overlap`);
    expect(w.fake.calls).toEqual([]);
    expect(() => checkSeparateRoots({ bucket: 'b', root: '' }, { bucket: 'b', root: 'lake/' })).toThrow(/overlap/);
    expect(() => checkSeparateRoots({ bucket: 'b', root: 'fast/' }, { bucket: 'b', root: 'lake/' })).not.toThrow();
  });
});

describe('pruneVerified', () => {
  const fast = { bucket: FAST, root: FAST_ROOT };
  const lake = { bucket: LAKE, root: LAKE_ROOT };

  async function copied(w: World): Promise<string[][]> {
    const written = [1, 2, 3, 4].map((step) => writeCheckpoint(w, 'r', step));
    writeCheckpoint(w, 'r', 5, { complete: false });
    await runCopyOut({ ...CONFIG, scheme: { ...CONFIG.scheme, keepLatest: 10 } }, w.deps());
    // r/2's lake copy loses an object: r/2 must stay.
    w.fake.remove(LAKE, `${LAKE_ROOT}r/2/__1_0.distcp`);
    w.fake.resetCalls();
    return written;
  }

  test('a dry run verifies and deletes nothing; it names what it would delete and why the others stay', async () => {
    const w = world();
    const written = await copied(w);
    const result = await pruneVerified(fast, lake, { marker: MARKER }, 2, w.deps(), { dryRun: true });
    expect(result.wouldDelete.map((c) => c.step)).toEqual(['1']);
    expect(result.deleted).toEqual([]);
    expect(result.kept.map((k) => [k.checkpoint.step, k.reason])).toEqual([
      ['4', 'among the latest 2 complete checkpoints of its run'],
      ['3', 'among the latest 2 complete checkpoints of its run'],
      ['5', 'incomplete (no completion marker): never deleted'],
      ['2', expect.stringMatching(/^not verified in the lake: __1_0\.distcp: not in the lake/)],
    ]);
    expect(w.fake.count('DeleteObjects')).toBe(0);
    expect(fastKeys(w, 'r/1/')).toEqual([...written[0]].sort());
  });

  test('a real run deletes only the verified old checkpoint', async () => {
    const w = world();
    const written = await copied(w);
    const result = await pruneVerified(fast, lake, { marker: MARKER }, 2, w.deps());
    expect(result.deleted.map((c) => c.step)).toEqual(['1']);
    expect(result.problems).toEqual([expect.stringContaining('checkpoints/r/2/: not verified')]);
    expect(fastKeys(w, 'r/1/')).toEqual([]);
    expect(fastKeys(w, 'r/2/')).toEqual([...written[1]].sort());
    expect(w.fake.callsOf('CopyObject')).toEqual([]);
  });
});

describe('copyOrder', () => {
  test('kept checkpoints first, then the others, newest first in each', () => {
    const objects = [['a', 1, 5], ['a', 2, 6], ['b', 1, 9], ['b', 2, 1]].map(([run, step, minute]) => ({
      key: `r/${run}/${step}/.metadata`, sizeBytes: 1, lastModifiedMs: T0 + (minute as number) * MINUTE,
    }));
    const checkpoints = groupCheckpoints(objects, { root: 'r/' }).checkpoints;
    const kept = checkpoints.filter((c) => c.step === '2');
    expect(copyOrder(checkpoints, kept).map((c) => `${c.run}/${c.step}`)).toEqual(['a/2', 'b/2', 'b/1', 'a/1']);
  });
});
