/**
 * Is the destination object the same content as the source? (pure)
 *
 * A sync skips an object only when it can prove the copy identical. "Identical" means: the same
 * size, and one of
 *
 * - a checksum of at least 64 bits that both objects carry, of the same algorithm and the same
 *   type (both full-object, or both composite over the same number of parts), with the same value:
 *   CRC64NVME, SHA-1, SHA-256, SHA-512, MD5, XXHASH64, XXHASH3, XXHASH128;
 * - on general purpose buckets, equal ETags that are both MD5 digests of the content: objects
 *   written in one part (PutObject, CopyObject) with SSE-S3 or without encryption. ETags of
 *   multipart objects (`<hex>-<parts>`), of SSE-KMS, DSSE-KMS and SSE-C objects are not MD5
 *   digests, and directory bucket ETags never are (S3 API reference, Object, ETag:
 *   https://docs.aws.amazon.com/AmazonS3/latest/API/API_Object.html);
 *
 * and no full-object checksum of the same algorithm on both sides differs (that proves the
 * contents differ). Anything else is copied again.
 *
 * CRC32 and CRC32C matches are not proof: 32 bits collide by accident (about one pair in four
 * billion, so among millions of objects, some) and can be made to collide on purpose with a few
 * chosen bytes; a changed object with a colliding CRC32 used to be skipped and its copy stayed
 * stale. 64 bits make an accidental match negligible. CRC64NVME, XXHASH and MD5 are still not
 * proof against a collision crafted on purpose; SHA-256 and SHA-512 are.
 *
 * Checksum algorithms and their widths: S3 API reference, Checksum
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_Checksum.html) and
 * S3ComputeObjectChecksumOperation (valid algorithms:
 * https://docs.aws.amazon.com/AmazonS3/latest/API/API_control_S3ComputeObjectChecksumOperation.html).
 */

/** Checksum algorithms S3 reports, with their width in bits. */
export const CHECKSUM_BITS = {
  CRC64NVME: 64,
  SHA256: 256,
  SHA1: 160,
  SHA512: 512,
  MD5: 128,
  XXHASH128: 128,
  XXHASH3: 64,
  XXHASH64: 64,
  CRC32C: 32,
  CRC32: 32,
} as const;

/** One of S3's checksum algorithms. */
export type ChecksumAlgorithm = keyof typeof CHECKSUM_BITS;

/** Checksum algorithms S3 reports, in the order they are compared. */
export const CHECKSUM_ALGORITHMS = Object.keys(CHECKSUM_BITS) as readonly ChecksumAlgorithm[];

/** A match of a checksum this wide counts as proof of identical content. */
export const MIN_PROOF_BITS = 64;

/**
 * The checksum the engine asks S3 to compute for every copy (CopyObject, and a full-object one for
 * multipart copies), so that a later sync can compare it with a source that carries it (S3 adds
 * CRC64NVME to objects uploaded without a checksum). CopyObject "You can optionally specify a
 * different checksum algorithm to use with the x-amz-checksum-algorithm header"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html).
 */
export const COPY_CHECKSUM_ALGORITHM = 'CRC64NVME' as const satisfies ChecksumAlgorithm;

/**
 * The algorithms a copy can keep from its source and that prove identity (at least 64 bits), the
 * strongest first. S3 computes each of them on a CopyObject that asks for it: "Indicates the
 * algorithm that you want Amazon S3 to use to create the checksum for the object" (CopyObject,
 * x-amz-checksum-algorithm, https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html),
 * whose valid values are "CRC32, CRC32C, CRC64NVME, SHA1, SHA256"
 * (https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObject.html); and "When you copy or batch
 * copy your data, however, Amazon S3 calculates the checksum on the source object and moves it to
 * the destination object" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html).
 * A copy that asks for one algorithm carries that one only, so a copy asking for CRC64NVME of a
 * source that carries SHA-256 alone can never be compared with it.
 */
export const PRESERVABLE_STRONG_ALGORITHMS = ['SHA256', 'SHA1', 'CRC64NVME'] as const satisfies readonly ChecksumAlgorithm[];

/** One of PRESERVABLE_STRONG_ALGORITHMS. */
export type PreservableStrongAlgorithm = typeof PRESERVABLE_STRONG_ALGORITHMS[number];

/** What the sync compares of an object (from HeadObject with checksum mode enabled). */
export interface ObjectFingerprint {
  readonly sizeBytes: number;
  /** Checksums by algorithm, base64 as S3 returns them (a composite one ends with `-<parts>`). */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** `FULL_OBJECT` or `COMPOSITE`, when S3 says. */
  readonly checksumType?: string;
  /** The ETag as lowercase hex, only when it is the MD5 digest of the content (see md5ETagOf). */
  readonly md5ETag?: string;
}

/** The HeadObject fields a fingerprint is made of. */
export type HeadFields = {
  readonly ContentLength?: number;
  readonly ChecksumType?: string;
  readonly ETag?: string;
  readonly ServerSideEncryption?: string;
  readonly SSECustomerAlgorithm?: string;
} & { readonly [K in ChecksumAlgorithm as `Checksum${K}`]?: string };

/**
 * The ETag of an object when it is the MD5 digest of its content, as lowercase hex: a general
 * purpose bucket's object with a 32-hex-digit ETag (no `-<parts>` suffix: not multipart), stored
 * with SSE-S3 (`AES256`) or without encryption, not SSE-C. Otherwise undefined.
 */
export function md5ETagOf(head: HeadFields, directoryBucket: boolean): string | undefined {
  if (directoryBucket || head.SSECustomerAlgorithm !== undefined) {
    return undefined;
  }
  if (head.ServerSideEncryption !== undefined && head.ServerSideEncryption !== 'AES256') {
    return undefined; // aws:kms, aws:kms:dsse
  }
  const digest = /^"?([0-9a-fA-F]{32})"?$/.exec(head.ETag ?? '')?.[1];
  return digest?.toLowerCase();
}

/** The fingerprint of a HeadObject answer, for an object of a directory bucket or not. */
export function fingerprintOf(head: HeadFields, directoryBucket: boolean): ObjectFingerprint {
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = head[`Checksum${algorithm}`];
    if (value) {
      checksums[algorithm] = value;
    }
  }
  return { sizeBytes: head.ContentLength ?? 0, checksums, checksumType: head.ChecksumType, md5ETag: md5ETagOf(head, directoryBucket) };
}

/** True for a composite checksum (`<value>-<parts>`, or the object says COMPOSITE). */
function isComposite(fingerprint: ObjectFingerprint, value: string): boolean {
  return fingerprint.checksumType === 'COMPOSITE' || /-\d+$/.test(value);
}

/** How a checksum both objects carry bears on their identity. */
export type ChecksumVerdict = 'proves-same' | 'proves-different' | 'no-proof';

/** What one algorithm both objects carry says about their identity. */
export function compareChecksum(source: ObjectFingerprint, destination: ObjectFingerprint, algorithm: ChecksumAlgorithm): ChecksumVerdict {
  const a = source.checksums[algorithm];
  const b = destination.checksums[algorithm];
  if (a === undefined || b === undefined) {
    return 'no-proof';
  }
  const composite = isComposite(source, a);
  if (composite !== isComposite(destination, b)) {
    return 'no-proof'; // a full-object value and a composite one cannot be compared
  }
  if (a !== b) {
    // Two full-object checksums that differ are different contents; composite ones may differ
    // only because the parts were cut differently.
    return composite ? 'no-proof' : 'proves-different';
  }
  return CHECKSUM_BITS[algorithm] >= MIN_PROOF_BITS ? 'proves-same' : 'no-proof';
}

/** True only when the objects are proven identical (see the top of this file). */
export function sameContent(source: ObjectFingerprint, destination: ObjectFingerprint): boolean {
  if (source.sizeBytes !== destination.sizeBytes) {
    return false;
  }
  const verdicts = CHECKSUM_ALGORITHMS.map((algorithm) => compareChecksum(source, destination, algorithm));
  if (verdicts.includes('proves-different')) {
    return false;
  }
  const sameMd5ETag = source.md5ETag !== undefined && source.md5ETag === destination.md5ETag;
  return sameMd5ETag || verdicts.includes('proves-same');
}

/**
 * The source's full-object checksum of an algorithm, if it carries one: a multipart copy passes it
 * to CompleteMultipartUpload, and S3 then checks that the assembled copy has it.
 */
export function fullObjectChecksum(source: ObjectFingerprint, algorithm: ChecksumAlgorithm): string | undefined {
  const value = source.checksums[algorithm];
  return value !== undefined && !isComposite(source, value) ? value : undefined;
}

/**
 * The strongest full-object checksum of the source that a copy can carry too and that proves
 * identity (SHA-256, then SHA-1, then CRC64NVME), or undefined. A composite checksum does not count:
 * the copy's checksum covers the whole object and cannot be compared with one over the source's parts.
 */
export function strongCopyAlgorithmOf(source: ObjectFingerprint): PreservableStrongAlgorithm | undefined {
  return PRESERVABLE_STRONG_ALGORITHMS.find((algorithm) => fullObjectChecksum(source, algorithm) !== undefined);
}
