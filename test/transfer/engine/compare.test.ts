import {
  CHECKSUM_ALGORITHMS, CHECKSUM_BITS, COPY_CHECKSUM_ALGORITHM, ObjectFingerprint,
  compareChecksum, fingerprintOf, fullObjectChecksum, md5ETagOf, sameContent,
} from '../../../src/transfer/engine';

const fp = (sizeBytes: number, checksums: ObjectFingerprint['checksums'], extra: Partial<ObjectFingerprint> = {}): ObjectFingerprint =>
  ({ sizeBytes, checksums, ...extra });

const MD5 = '"9b2cf535f27731c974343645a3985328"';

describe('fingerprintOf', () => {
  test('takes the size, every checksum S3 reports, the checksum type and an MD5 ETag', () => {
    expect(fingerprintOf({
      ContentLength: 42,
      ChecksumCRC64NVME: 'AAAAAAAAAAA=',
      ChecksumCRC32C: 'BBBBBB==',
      ChecksumCRC32: 'CCCCCC==',
      ChecksumSHA256: 'DDDD',
      ChecksumSHA1: 'EEEE',
      ChecksumSHA512: 'FFFF',
      ChecksumMD5: 'GGGG',
      ChecksumXXHASH64: 'HHHH',
      ChecksumXXHASH3: 'IIII',
      ChecksumXXHASH128: 'JJJJ',
      ChecksumType: 'FULL_OBJECT',
      ETag: MD5,
      ServerSideEncryption: 'AES256',
    }, false)).toEqual({
      sizeBytes: 42,
      checksums: {
        CRC64NVME: 'AAAAAAAAAAA=',
        CRC32C: 'BBBBBB==',
        CRC32: 'CCCCCC==',
        SHA256: 'DDDD',
        SHA1: 'EEEE',
        SHA512: 'FFFF',
        MD5: 'GGGG',
        XXHASH64: 'HHHH',
        XXHASH3: 'IIII',
        XXHASH128: 'JJJJ',
      },
      checksumType: 'FULL_OBJECT',
      md5ETag: '9b2cf535f27731c974343645a3985328',
    });
  });

  test('leaves out missing and empty checksums and reads a missing size as 0', () => {
    expect(fingerprintOf({ ChecksumCRC32: '' }, false)).toEqual({ sizeBytes: 0, checksums: {}, checksumType: undefined, md5ETag: undefined });
  });
});

describe('md5ETagOf: only an ETag that is the MD5 digest of the content', () => {
  test('a single-part object of a general purpose bucket, unencrypted or SSE-S3: the digest, lowercase', () => {
    expect(md5ETagOf({ ETag: MD5 }, false)).toBe('9b2cf535f27731c974343645a3985328');
    expect(md5ETagOf({ ETag: '"9B2CF535F27731C974343645A3985328"', ServerSideEncryption: 'AES256' }, false)).toBe('9b2cf535f27731c974343645a3985328');
  });

  test.each([
    ['a directory bucket', { ETag: MD5 }, true],
    ['SSE-KMS', { ETag: MD5, ServerSideEncryption: 'aws:kms' }, false],
    ['DSSE-KMS', { ETag: MD5, ServerSideEncryption: 'aws:kms:dsse' }, false],
    ['SSE-C', { ETag: MD5, ServerSideEncryption: 'AES256', SSECustomerAlgorithm: 'AES256' }, false],
    ['a multipart object', { ETag: '"9b2cf535f27731c974343645a3985328-3"' }, false],
    ['no ETag', {}, false],
    ['an ETag that is not 32 hex digits', { ETag: '"abc"' }, false],
  ])('%s: none', (_name, head, directoryBucket) => {
    expect(md5ETagOf(head, directoryBucket)).toBeUndefined();
  });
});

describe('compareChecksum', () => {
  test('a match of at least 64 bits proves the same content; of 32 bits, nothing', () => {
    for (const algorithm of CHECKSUM_ALGORITHMS) {
      const verdict = compareChecksum(fp(1, { [algorithm]: 'x' }), fp(1, { [algorithm]: 'x' }), algorithm);
      expect([algorithm, verdict]).toEqual([algorithm, CHECKSUM_BITS[algorithm] >= 64 ? 'proves-same' : 'no-proof']);
    }
    expect(CHECKSUM_ALGORITHMS.filter((a) => CHECKSUM_BITS[a] < 64)).toEqual(['CRC32C', 'CRC32']);
  });

  test('full-object values that differ prove a difference, whatever the width', () => {
    expect(compareChecksum(fp(1, { CRC32: 'x' }), fp(1, { CRC32: 'y' }), 'CRC32')).toBe('proves-different');
    expect(compareChecksum(fp(1, { SHA256: 'x' }), fp(1, { SHA256: 'y' }), 'SHA256')).toBe('proves-different');
  });

  test('composite values: equal ones prove the same content (64 bits and more), different ones nothing (parts cut differently)', () => {
    expect(compareChecksum(fp(1, { SHA256: 'x-3' }), fp(1, { SHA256: 'x-3' }), 'SHA256')).toBe('proves-same');
    expect(compareChecksum(fp(1, { SHA256: 'x-3' }), fp(1, { SHA256: 'y-4' }), 'SHA256')).toBe('no-proof');
    expect(compareChecksum(fp(1, { SHA256: 'x' }, { checksumType: 'COMPOSITE' }), fp(1, { SHA256: 'y' }, { checksumType: 'COMPOSITE' }), 'SHA256')).toBe('no-proof');
    expect(compareChecksum(fp(1, { CRC32: 'x-3' }), fp(1, { CRC32: 'x-3' }), 'CRC32')).toBe('no-proof');
  });

  test('a full-object value and a composite one, or a missing one, prove nothing', () => {
    expect(compareChecksum(fp(1, { SHA256: 'x' }), fp(1, { SHA256: 'x-2' }), 'SHA256')).toBe('no-proof');
    expect(compareChecksum(fp(1, { SHA256: 'x' }), fp(1, {}), 'SHA256')).toBe('no-proof');
  });
});

describe('sameContent: identical only when proven', () => {
  test('same size and the same CRC64NVME (or SHA, MD5, XXHASH): the same', () => {
    for (const algorithm of ['CRC64NVME', 'SHA256', 'SHA1', 'SHA512', 'MD5', 'XXHASH64', 'XXHASH3', 'XXHASH128'] as const) {
      expect(sameContent(fp(10, { [algorithm]: 'x' }), fp(10, { [algorithm]: 'x' }))).toBe(true);
    }
  });

  test('same size and the same CRC32 or CRC32C only: not proven, so different', () => {
    expect(sameContent(fp(10, { CRC32: 'x' }), fp(10, { CRC32: 'x' }))).toBe(false);
    expect(sameContent(fp(10, { CRC32C: 'x' }), fp(10, { CRC32C: 'x' }))).toBe(false);
    expect(sameContent(fp(10, { CRC32: 'x', CRC32C: 'y' }), fp(10, { CRC32: 'x', CRC32C: 'y' }))).toBe(false);
  });

  test('same size and equal MD5 ETags: the same, whatever the checksums say nothing about', () => {
    expect(sameContent(fp(10, { CRC32: 'x' }, { md5ETag: 'e' }), fp(10, { CRC64NVME: 'y' }, { md5ETag: 'e' }))).toBe(true);
    expect(sameContent(fp(10, {}, { md5ETag: 'e' }), fp(10, {}, { md5ETag: 'f' }))).toBe(false);
    expect(sameContent(fp(10, {}, { md5ETag: 'e' }), fp(10, {}))).toBe(false);
  });

  test('a different size: different, whatever the checksums and ETags', () => {
    expect(sameContent(fp(10, { CRC64NVME: 'x' }, { md5ETag: 'e' }), fp(11, { CRC64NVME: 'x' }, { md5ETag: 'e' }))).toBe(false);
  });

  test('any full-object checksum that differs makes them different, even next to a match', () => {
    expect(sameContent(fp(10, { CRC64NVME: 'x', CRC32: 'a' }), fp(10, { CRC64NVME: 'x', CRC32: 'b' }))).toBe(false);
    expect(sameContent(fp(10, { CRC64NVME: 'x' }, { md5ETag: 'e' }), fp(10, { CRC64NVME: 'y' }, { md5ETag: 'e' }))).toBe(false);
  });

  test('no checksum, or checksums of different algorithms only: not proven, so different', () => {
    expect(sameContent(fp(10, {}), fp(10, {}))).toBe(false);
    expect(sameContent(fp(10, { SHA256: 'x' }), fp(10, {}))).toBe(false);
    expect(sameContent(fp(10, { SHA256: 'x' }), fp(10, { CRC64NVME: 'x' }))).toBe(false);
  });

  test('a composite and a full-object checksum of the same algorithm cannot be compared', () => {
    expect(sameContent(fp(10, { SHA256: 'x-2' }), fp(10, { SHA256: 'x' }))).toBe(false);
    expect(sameContent(fp(10, { CRC64NVME: 'x', SHA256: 'a-2' }), fp(10, { CRC64NVME: 'x', SHA256: 'b' }))).toBe(true);
  });
});

describe('fullObjectChecksum', () => {
  test('the source value of a full-object checksum of the algorithm, or none', () => {
    expect(COPY_CHECKSUM_ALGORITHM).toBe('CRC64NVME');
    expect(fullObjectChecksum(fp(1, { CRC64NVME: 'c', CRC32: 'a' }, { checksumType: 'FULL_OBJECT' }), 'CRC64NVME')).toBe('c');
    expect(fullObjectChecksum(fp(1, { CRC64NVME: 'c' }), 'CRC64NVME')).toBe('c');
    expect(fullObjectChecksum(fp(1, { CRC32: 'a' }), 'CRC64NVME')).toBeUndefined();
    expect(fullObjectChecksum(fp(1, { CRC32: 'a-3' }), 'CRC32')).toBeUndefined();
    expect(fullObjectChecksum(fp(1, { CRC32: 'a' }, { checksumType: 'COMPOSITE' }), 'CRC32')).toBeUndefined();
  });
});
