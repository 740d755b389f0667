import { ObjectPair, deletionOrder, listsTheSame, planCopyOut, verifyCopy } from '../../src/checkpoint/copy-out-plan';
import { Checkpoint, CheckpointObject, groupCheckpoints } from '../../src/checkpoint/rules';
import { ObjectFingerprint } from '../../src/transfer/engine/compare';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 11, 1);

function objects(root: string, directory: string, at: number, complete = true, sizes = [100, 200]): CheckpointObject[] {
  const shards = sizes.map((sizeBytes, i) => ({ key: `${root}${directory}shard-${i}`, sizeBytes, lastModifiedMs: at }));
  return complete ? [...shards, { key: `${root}${directory}.metadata`, sizeBytes: 10, lastModifiedMs: at + 1000 }] : shards;
}
function group(root: string, ...lists: CheckpointObject[][]): Checkpoint[] {
  return [...groupCheckpoints(lists.flat(), { root }).checkpoints];
}
const fastRoot = 'ckpt/';
const lakeRoot = 'checkpoints/';
const steps = (list: readonly Checkpoint[]) => list.map((c) => `${c.run}/${c.step}`);

describe('planCopyOut', () => {
  test('copies every complete checkpoint the lake does not list the same; deletes only expired ones, after verification', () => {
    const fast = group(fastRoot, ...[1, 2, 3, 4].map((i) => objects(fastRoot, `r/${i}/`, T0 + i * HOUR)));
    const lake = group(lakeRoot, objects(lakeRoot, 'r/1/', T0 + 2 * HOUR));
    const plan = planCopyOut(fast, lake, 2);
    expect(steps(plan.copy)).toEqual(['r/4', 'r/3', 'r/2']);
    expect(steps(plan.deleteIfVerified)).toEqual(['r/1', 'r/2']);
    expect(steps(plan.kept)).toEqual(['r/4', 'r/3']);
  });

  test('a step written again after its copy (marker newer than the lake\'s) is copied again, even with the same sizes', () => {
    const fast = group(fastRoot, objects(fastRoot, 'r/1/', T0 + 5 * HOUR));
    expect(steps(planCopyOut(fast, group(lakeRoot, objects(lakeRoot, 'r/1/', T0 + HOUR)), 1).copy)).toEqual(['r/1']);
    expect(planCopyOut(fast, group(lakeRoot, objects(lakeRoot, 'r/1/', T0 + 6 * HOUR)), 1).copy).toEqual([]);
    // A lake copy without its marker (a first copy cut short) is copied again.
    expect(steps(planCopyOut(fast, group(lakeRoot, objects(lakeRoot, 'r/1/', T0 + 6 * HOUR, false), [{ key: `${lakeRoot}r/1/other`, sizeBytes: 10, lastModifiedMs: T0 }]), 1).copy)).toEqual(['r/1']);
  });

  test('incomplete checkpoints are neither copied nor deleted, and are reported', () => {
    const fast = group(fastRoot, objects(fastRoot, 'r/1/', T0), objects(fastRoot, 'r/2/', T0 + HOUR, false));
    const plan = planCopyOut(fast, [], 1);
    expect(steps(plan.copy)).toEqual(['r/1']);
    expect(plan.deleteIfVerified).toEqual([]);
    expect(steps(plan.incomplete)).toEqual(['r/2']);
  });

  test('a lake copy with a different size or a missing object is copied again', () => {
    const fast = group(fastRoot, objects(fastRoot, 'r/1/', T0));
    expect(steps(planCopyOut(fast, group(lakeRoot, objects(lakeRoot, 'r/1/', T0, true, [100, 201])), 1).copy)).toEqual(['r/1']);
    expect(steps(planCopyOut(fast, group(lakeRoot, objects(lakeRoot, 'r/1/', T0, true, [100])), 1).copy)).toEqual(['r/1']);
    expect(planCopyOut(fast, group(lakeRoot, objects(lakeRoot, 'r/1/', T0 + HOUR)), 1).copy).toEqual([]);
  });

  describe('leftovers of a deletion cut short (the marker is deleted first)', () => {
    const lake = group(lakeRoot, ...[1, 2, 3].map((i) => objects(lakeRoot, `r/${i}/`, T0 + 10 * HOUR)));
    test('objects older than the lake\'s marker, with the lake copy complete: leftovers to delete once verified', () => {
      const fast = group(fastRoot, objects(fastRoot, 'r/1/', T0, false), objects(fastRoot, 'r/2/', T0), objects(fastRoot, 'r/3/', T0));
      const plan = planCopyOut(fast, lake, 1);
      expect(steps(plan.leftovers)).toEqual(['r/1']);
      expect(plan.incomplete).toEqual([]);
    });
    test('an object newer than the lake\'s marker (a new write of the same step): left alone', () => {
      const fast = group(fastRoot, objects(fastRoot, 'r/1/', T0 + 20 * HOUR, false), objects(fastRoot, 'r/2/', T0), objects(fastRoot, 'r/3/', T0));
      const plan = planCopyOut(fast, lake, 1);
      expect(plan.leftovers).toEqual([]);
      expect(steps(plan.incomplete)).toEqual(['r/1']);
    });
    test('no complete lake copy: left alone', () => {
      const fast = group(fastRoot, objects(fastRoot, 'r/9/', T0, false));
      expect(planCopyOut(fast, lake, 1).leftovers).toEqual([]);
    });
  });
});

describe('listsTheSame', () => {
  test('same relative keys and sizes under different roots', () => {
    const [fast] = group(fastRoot, objects(fastRoot, 'r/1/', T0));
    const [lake] = group(lakeRoot, objects(lakeRoot, 'r/1/', T0 + HOUR));
    expect(listsTheSame(fast, lake)).toBe(true);
    expect(listsTheSame(fast, undefined)).toBe(false);
  });
});

describe('verifyCopy', () => {
  const crc = (value: string, sizeBytes = 100): ObjectFingerprint => ({ sizeBytes, checksums: { CRC64NVME: value }, checksumType: 'FULL_OBJECT' });
  const pair = (relativeKey: string, fast: ObjectFingerprint, lake?: ObjectFingerprint): ObjectPair => ({ relativeKey, fast, lake });

  test('verified when every object has the same size and a matching 64-bit checksum', () => {
    expect(verifyCopy([pair('a', crc('x')), pair('.metadata', crc('y', 10))].map((p) => ({ ...p, lake: p.fast })), 2)).toEqual({ verified: true, problems: [] });
  });

  test('a missing object, another size, or no proof of the same content: not verified, each named', () => {
    const result = verifyCopy([
      pair('a', crc('x')),
      pair('b', crc('x'), crc('x', 99)),
      pair('c', crc('x'), { sizeBytes: 100, checksums: { CRC32: 'AAAAAA==' } }),
      pair('d', crc('x'), crc('z')),
    ], 4);
    expect(result.verified).toBe(false);
    expect(result.problems).toEqual([
      'a: not in the lake',
      'b: 99 bytes in the lake, 100 on the fast tier',
      'c: no checksum proves the lake\'s copy identical',
      'd: no checksum proves the lake\'s copy identical',
    ]);
  });

  test('an object the fast tier holds without a full-object SHA-256, SHA-1 or CRC64NVME: the problem says to upload with SHA-256 or CRC64NVME', () => {
    const sha = (type: string): ObjectFingerprint => ({ sizeBytes: 100, checksums: { SHA256: type === 'COMPOSITE' ? 'c2hh-3' : 'c2hh' }, checksumType: type });
    const result = verifyCopy([
      pair('crc32', { sizeBytes: 100, checksums: { CRC32: 'AAAAAA==' }, checksumType: 'FULL_OBJECT' }, crc('x')),
      pair('composite', sha('COMPOSITE'), crc('x')),
      pair('none', { sizeBytes: 100, checksums: {} }, crc('x')),
      pair('sha-other', sha('FULL_OBJECT'), crc('x')),
    ], 4);
    const hint = 'no full-object SHA-256, SHA-1 or CRC64NVME: upload checkpoints with the checksum algorithm SHA-256 or CRC64NVME, and CRC64NVME for multipart uploads)';
    expect(result.problems).toEqual([
      `crc32: no checksum proves the lake's copy identical (the fast tier's object carries CRC32, ${hint}`,
      `composite: no checksum proves the lake's copy identical (the fast tier's object carries SHA256 (composite), ${hint}`,
      `none: no checksum proves the lake's copy identical (the fast tier's object carries no checksum, ${hint}`,
      // A SHA-256 the lake's copy lacks: the copy is what to fix, not the upload.
      'sha-other: no checksum proves the lake\'s copy identical',
    ]);
  });

  test('a 32-bit checksum match is not proof', () => {
    const crc32: ObjectFingerprint = { sizeBytes: 5, checksums: { CRC32: 'AAAAAA==' }, checksumType: 'FULL_OBJECT' };
    expect(verifyCopy([pair('a', crc32, crc32)], 1).verified).toBe(false);
  });

  test('a partial answer never verifies: fewer pairs than the listing, or an empty checkpoint', () => {
    expect(verifyCopy([pair('a', crc('x'), crc('x'))], 2)).toEqual({ verified: false, problems: ['checked 1 of 2 objects'] });
    expect(verifyCopy([], 0).verified).toBe(false);
  });
});

describe('deletionOrder', () => {
  test('the marker first, then the rest by key', () => {
    const [checkpoint] = group(fastRoot, objects(fastRoot, 'r/1/', T0));
    expect(deletionOrder(checkpoint, '.metadata')).toEqual(['ckpt/r/1/.metadata', 'ckpt/r/1/shard-0', 'ckpt/r/1/shard-1']);
  });
  test('a checkpoint without its marker (leftovers): the rest only', () => {
    const [checkpoint] = group(fastRoot, objects(fastRoot, 'r/1/', T0, false));
    expect(deletionOrder(checkpoint, '.metadata')).toEqual(['ckpt/r/1/shard-0', 'ckpt/r/1/shard-1']);
  });
});
