import { CHECKSUM_ALGORITHMS, ObjectFingerprint, commonAlgorithm, fingerprintOf, fullObjectCrc, sameContent } from '../../../src/transfer/engine';

const fp = (sizeBytes: number, checksums: ObjectFingerprint['checksums'], checksumType?: string): ObjectFingerprint =>
  ({ sizeBytes, checksums, checksumType });

describe('fingerprintOf', () => {
  test('takes the size, every checksum S3 reports and the checksum type', () => {
    expect(fingerprintOf({
      ContentLength: 42,
      ChecksumCRC64NVME: 'AAAAAAAAAAA=',
      ChecksumCRC32C: 'BBBBBB==',
      ChecksumCRC32: 'CCCCCC==',
      ChecksumSHA256: 'DDDD',
      ChecksumSHA1: 'EEEE',
      ChecksumType: 'FULL_OBJECT',
    })).toEqual({
      sizeBytes: 42,
      checksums: { CRC64NVME: 'AAAAAAAAAAA=', CRC32C: 'BBBBBB==', CRC32: 'CCCCCC==', SHA256: 'DDDD', SHA1: 'EEEE' },
      checksumType: 'FULL_OBJECT',
    });
  });

  test('leaves out missing and empty checksums, ignores the ETag and reads a missing size as 0', () => {
    const head = { ChecksumCRC32: '', ETag: '"abc"' } as Parameters<typeof fingerprintOf>[0];
    expect(fingerprintOf(head)).toEqual({ sizeBytes: 0, checksums: {}, checksumType: undefined });
  });
});

describe('commonAlgorithm', () => {
  test('is the first algorithm, in CHECKSUM_ALGORITHMS order, that both carry', () => {
    expect(CHECKSUM_ALGORITHMS).toEqual(['CRC64NVME', 'CRC32C', 'CRC32', 'SHA256', 'SHA1']);
    expect(commonAlgorithm(fp(1, { CRC32: 'a', SHA256: 'b' }), fp(1, { SHA256: 'c', CRC32: 'd' }))).toBe('CRC32');
    expect(commonAlgorithm(fp(1, { CRC64NVME: 'a', SHA1: 'b' }), fp(1, { SHA1: 'c' }))).toBe('SHA1');
    expect(commonAlgorithm(fp(1, { CRC32: 'a' }), fp(1, { CRC32C: 'a' }))).toBeUndefined();
    expect(commonAlgorithm(fp(1, {}), fp(1, {}))).toBeUndefined();
  });
});

describe('sameContent', () => {
  test('same size and same checksum: the same', () => {
    expect(sameContent(fp(10, { CRC64NVME: 'x' }), fp(10, { CRC64NVME: 'x' }))).toBe(true);
  });

  test('a different checksum: different', () => {
    expect(sameContent(fp(10, { CRC64NVME: 'x' }), fp(10, { CRC64NVME: 'y' }))).toBe(false);
  });

  test('a different size: different, whatever the checksums', () => {
    expect(sameContent(fp(10, { CRC64NVME: 'x' }), fp(11, { CRC64NVME: 'x' }))).toBe(false);
  });

  test('no checksum on either side: cannot be proven the same, so different', () => {
    expect(sameContent(fp(10, {}), fp(10, {}))).toBe(false);
    expect(sameContent(fp(10, { CRC32: 'x' }), fp(10, {}))).toBe(false);
    expect(sameContent(fp(10, {}), fp(10, { CRC32: 'x' }))).toBe(false);
  });

  test('checksums of different algorithms only: different', () => {
    expect(sameContent(fp(10, { CRC32: 'x' }), fp(10, { CRC32C: 'x' }))).toBe(false);
  });

  test('only the first common algorithm decides', () => {
    expect(sameContent(fp(10, { CRC32C: 'x', SHA256: 'a' }), fp(10, { CRC32C: 'x', SHA256: 'b' }))).toBe(true);
    expect(sameContent(fp(10, { CRC32C: 'x', SHA256: 'a' }), fp(10, { CRC32C: 'y', SHA256: 'a' }))).toBe(false);
  });

  test('ETags play no part (equal ETags with different checksums differ)', () => {
    const a = fingerprintOf({ ContentLength: 5, ChecksumCRC32: 'x', ...{ ETag: '"same"' } } as Parameters<typeof fingerprintOf>[0]);
    const b = fingerprintOf({ ContentLength: 5, ChecksumCRC32: 'y', ...{ ETag: '"same"' } } as Parameters<typeof fingerprintOf>[0]);
    expect(sameContent(a, b)).toBe(false);
  });
});

describe('fullObjectCrc', () => {
  test('prefers CRC64NVME, then CRC32C, then CRC32', () => {
    expect(fullObjectCrc(fp(1, { CRC32: 'a', CRC32C: 'b', CRC64NVME: 'c' }, 'FULL_OBJECT'))).toBe('CRC64NVME');
    expect(fullObjectCrc(fp(1, { CRC32: 'a', CRC32C: 'b' }, 'FULL_OBJECT'))).toBe('CRC32C');
    expect(fullObjectCrc(fp(1, { CRC32: 'a' }))).toBe('CRC32');
  });

  test('SHA checksums cannot be combined from parts', () => {
    expect(fullObjectCrc(fp(1, { SHA256: 'a', SHA1: 'b' }, 'FULL_OBJECT'))).toBeUndefined();
  });

  test('a composite checksum is not a full-object one', () => {
    expect(fullObjectCrc(fp(1, { CRC32C: 'abc-4' }, 'COMPOSITE'))).toBeUndefined();
    expect(fullObjectCrc(fp(1, { CRC32C: 'abc-4' }))).toBeUndefined();
    expect(fullObjectCrc(fp(1, { CRC32C: 'abc-4', CRC32: 'def' }))).toBe('CRC32');
  });

  test('no checksum: none', () => {
    expect(fullObjectCrc(fp(1, {}))).toBeUndefined();
  });
});
