import {
  GIB,
  MAX_COPY_OBJECT_BYTES,
  MAX_OBJECT_BYTES,
  MAX_PARTS,
  MAX_PART_SIZE_BYTES,
  MIB,
  MIN_PART_SIZE_BYTES,
  PartRange,
  partSizeFor,
  planParts,
} from '../../../src/transfer/engine';

/** Asserts the S3 rules of a part plan: numbers 1..n, every byte once, sizes within limits. */
function expectValidPlan(parts: PartRange[], objectSize: number, partSize: number) {
  expect(parts.length).toBeGreaterThan(0);
  expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
  let next = 0;
  parts.forEach((part, i) => {
    expect(part.partNumber).toBe(i + 1);
    expect(part.start).toBe(next);
    expect(part.end).toBeGreaterThanOrEqual(part.start);
    const size = part.end - part.start + 1;
    expect(size).toBeLessThanOrEqual(MAX_PART_SIZE_BYTES);
    if (i < parts.length - 1) {
      expect(size).toBe(partSize);
      expect(size).toBeGreaterThanOrEqual(MIN_PART_SIZE_BYTES);
    } else {
      expect(size).toBeLessThanOrEqual(partSize);
    }
    next = part.end + 1;
  });
  expect(next).toBe(objectSize);
}

describe('constants', () => {
  test('match the S3 limits', () => {
    expect(MIB).toBe(1_048_576);
    expect(GIB).toBe(1_073_741_824);
    expect(MIN_PART_SIZE_BYTES).toBe(5 * 1_048_576);
    expect(MAX_PART_SIZE_BYTES).toBe(5_368_709_120);
    expect(MAX_COPY_OBJECT_BYTES).toBe(5_368_709_120);
    expect(MAX_PARTS).toBe(10_000);
    expect(MAX_OBJECT_BYTES).toBe(50 * 1024 ** 4);
  });
});

describe('partSizeFor', () => {
  test('keeps the preferred size when the object fits in 10,000 parts', () => {
    expect(partSizeFor(5 * GIB + 1, 256 * MIB)).toBe(256 * MIB);
    expect(partSizeFor(1, 256 * MIB)).toBe(256 * MIB);
    expect(partSizeFor(0, 8 * MIB)).toBe(8 * MIB);
  });

  test('raises a preferred size below 5 MiB to 5 MiB', () => {
    expect(partSizeFor(100 * MIB, 1)).toBe(MIN_PART_SIZE_BYTES);
    expect(partSizeFor(100 * MIB, 5 * MIB - 1)).toBe(MIN_PART_SIZE_BYTES);
  });

  test('caps the part size at 5 GiB', () => {
    expect(partSizeFor(20 * GIB, 6 * GIB)).toBe(MAX_PART_SIZE_BYTES);
    expect(partSizeFor(MAX_OBJECT_BYTES, 256 * MIB)).toBe(MAX_PART_SIZE_BYTES);
  });

  test('an object that fits exactly in 10,000 preferred parts keeps the preferred size', () => {
    expect(partSizeFor(MAX_PARTS * 8 * MIB, 8 * MIB)).toBe(8 * MIB);
    expect(planParts(MAX_PARTS * 8 * MIB, 8 * MIB)).toHaveLength(MAX_PARTS);
  });

  test('an object that would need 10,001 parts gets a larger part size, rounded up to whole MiB', () => {
    const preferred = 8 * MIB;
    const size = (MAX_PARTS + 1) * preferred;
    const partSize = partSizeFor(size, preferred);
    expect(partSize).toBeGreaterThan(preferred);
    expect(partSize % MIB).toBe(0);
    expect(partSize).toBe(9 * MIB); // 8.0008 MiB rounded up
    expect(Math.ceil(size / partSize)).toBeLessThanOrEqual(MAX_PARTS);
    // One byte over 10,000 x 8 MiB is enough to need the next MiB.
    expect(partSizeFor(MAX_PARTS * preferred + 1, preferred)).toBe(9 * MIB);
  });

  test('the smallest whole-MiB size that fits is chosen, not a larger one', () => {
    const size = 3 * 1024 * GIB; // 3 TiB needs 314.57 MiB parts
    const partSize = partSizeFor(size, 256 * MIB);
    expect(partSize).toBe(315 * MIB);
    expect(Math.ceil(size / (partSize - MIB))).toBeGreaterThan(MAX_PARTS);
  });

  test('rejects sizes that are negative, fractional, unsafe or beyond the largest object', () => {
    expect(() => partSizeFor(-1, 8 * MIB)).toThrow(RangeError);
    expect(() => partSizeFor(1.5, 8 * MIB)).toThrow(RangeError);
    expect(() => partSizeFor(Number.NaN, 8 * MIB)).toThrow(RangeError);
    expect(() => partSizeFor(MAX_OBJECT_BYTES + 1, 8 * MIB)).toThrow(RangeError);
    expect(() => partSizeFor(MAX_OBJECT_BYTES, 8 * MIB)).not.toThrow();
  });
});

describe('planParts', () => {
  test('an empty object has no parts', () => {
    expect(planParts(0, 8 * MIB)).toEqual([]);
  });

  test('an object smaller than one part is one part', () => {
    expect(planParts(1, 8 * MIB)).toEqual([{ partNumber: 1, start: 0, end: 0 }]);
    expect(planParts(8 * MIB, 8 * MIB)).toEqual([{ partNumber: 1, start: 0, end: 8 * MIB - 1 }]);
  });

  test('one byte over a part makes a 1-byte last part', () => {
    const parts = planParts(8 * MIB + 1, 8 * MIB);
    expect(parts).toEqual([
      { partNumber: 1, start: 0, end: 8 * MIB - 1 },
      { partNumber: 2, start: 8 * MIB, end: 8 * MIB },
    ]);
  });

  test('exactly 5 GiB at 256 MiB is 20 equal parts', () => {
    const parts = planParts(5 * GIB, 256 * MIB);
    expect(parts).toHaveLength(20);
    expectValidPlan(parts, 5 * GIB, 256 * MIB);
    expect(parts[19]).toEqual({ partNumber: 20, start: 19 * 256 * MIB, end: 5 * GIB - 1 });
  });

  test('5 GiB + 1 at 256 MiB is 21 parts, the last one byte', () => {
    const parts = planParts(5 * GIB + 1, 256 * MIB);
    expect(parts).toHaveLength(21);
    expectValidPlan(parts, 5 * GIB + 1, 256 * MIB);
    expect(parts[20]).toEqual({ partNumber: 21, start: 5 * GIB, end: 5 * GIB });
  });

  test('the last part is smaller when the size is not a multiple of the part size', () => {
    const size = 3 * 5 * MIB + 12345;
    const parts = planParts(size, 5 * MIB);
    expect(parts).toHaveLength(4);
    expectValidPlan(parts, size, 5 * MIB);
    expect(parts[3].end - parts[3].start + 1).toBe(12345);
  });

  test('a preferred size below 5 MiB still plans 5 MiB parts', () => {
    const parts = planParts(12 * MIB, MIB);
    expect(parts).toHaveLength(3);
    expectValidPlan(parts, 12 * MIB, 5 * MIB);
  });

  test('an object needing 10,001 parts at the preferred size is planned in at most 10,000', () => {
    const size = (MAX_PARTS + 1) * 5 * MIB;
    const parts = planParts(size, 5 * MIB);
    expect(parts.length).toBeLessThanOrEqual(MAX_PARTS);
    expect(parts.length).toBe(Math.ceil(size / (6 * MIB)));
    expectValidPlan(parts, size, 6 * MIB);
  });

  test('10,000 x 5 GiB is exactly 10,000 parts of 5 GiB', () => {
    const size = MAX_PARTS * MAX_PART_SIZE_BYTES;
    const parts = planParts(size, 256 * MIB);
    expect(parts).toHaveLength(MAX_PARTS);
    expectValidPlan(parts, size, MAX_PART_SIZE_BYTES);
  });

  test('an object too large for 10,000 parts of 5 GiB is refused', () => {
    expect(() => planParts(MAX_PARTS * MAX_PART_SIZE_BYTES + 1, 256 * MIB)).toThrow(/at most 10000/);
    expect(() => planParts(MAX_OBJECT_BYTES, 256 * MIB)).toThrow(RangeError);
  });

  test.each([
    [1, 5 * MIB],
    [5 * MIB - 1, 5 * MIB],
    [5 * MIB + 1, 5 * MIB],
    [100 * MIB + 7, 8 * MIB],
    [5 * GIB, 5 * GIB],
    [5 * GIB + 1, 5 * GIB],
    [50 * GIB + 3, 8 * MIB],
  ])('ranges of a %d-byte object at %d-byte parts cover every byte once, from part 1', (size, preferred) => {
    const parts = planParts(size, preferred);
    expectValidPlan(parts, size, partSizeFor(size, preferred));
  });
});
