/**
 * Is the destination object the same content as the source? (pure)
 *
 * Sizes must match and both objects must carry a checksum of the same algorithm and type with the
 * same value. ETags are never compared: directory bucket ETags are not MD5 digests, and multipart
 * ETags depend on the part layout. Without comparable checksums the objects count as different,
 * so the copy runs again: a sync never skips an object it cannot prove identical.
 */

/** Checksum algorithms S3 reports, in the order they are compared. */
export const CHECKSUM_ALGORITHMS = ['CRC64NVME', 'CRC32C', 'CRC32', 'SHA256', 'SHA1'] as const;
/** One of S3's checksum algorithms. */
export type ChecksumAlgorithm = typeof CHECKSUM_ALGORITHMS[number];

/** What the sync compares of an object (from HeadObject with checksum mode enabled). */
export interface ObjectFingerprint {
  readonly sizeBytes: number;
  /** Checksums by algorithm, base64 as S3 returns them (a composite one ends with `-<parts>`). */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
  /** `FULL_OBJECT` or `COMPOSITE`, when S3 says. */
  readonly checksumType?: string;
}

/** The fingerprint of a HeadObject (or GetObjectAttributes) answer. */
export function fingerprintOf(head: {
  ContentLength?: number;
  ChecksumCRC64NVME?: string;
  ChecksumCRC32C?: string;
  ChecksumCRC32?: string;
  ChecksumSHA256?: string;
  ChecksumSHA1?: string;
  ChecksumType?: string;
}): ObjectFingerprint {
  const checksums: Partial<Record<ChecksumAlgorithm, string>> = {};
  for (const algorithm of CHECKSUM_ALGORITHMS) {
    const value = head[`Checksum${algorithm}`];
    if (value) {
      checksums[algorithm] = value;
    }
  }
  return { sizeBytes: head.ContentLength ?? 0, checksums, checksumType: head.ChecksumType };
}

/** The first algorithm both objects carry, or undefined. */
export function commonAlgorithm(a: ObjectFingerprint, b: ObjectFingerprint): ChecksumAlgorithm | undefined {
  return CHECKSUM_ALGORITHMS.find((algorithm) => a.checksums[algorithm] !== undefined && b.checksums[algorithm] !== undefined);
}

/** True only when sizes match and a common checksum has the same value. */
export function sameContent(source: ObjectFingerprint, destination: ObjectFingerprint): boolean {
  if (source.sizeBytes !== destination.sizeBytes) {
    return false;
  }
  const algorithm = commonAlgorithm(source, destination);
  return algorithm !== undefined && source.checksums[algorithm] === destination.checksums[algorithm];
}

/**
 * The algorithm of a full-object checksum the source carries, which a copy can ask S3 to compute
 * for the destination too (CRC algorithms only: S3 combines part CRCs into a full-object CRC).
 */
export function fullObjectCrc(source: ObjectFingerprint): ChecksumAlgorithm | undefined {
  if (source.checksumType !== undefined && source.checksumType !== 'FULL_OBJECT') {
    return undefined;
  }
  return (['CRC64NVME', 'CRC32C', 'CRC32'] as const).find((algorithm) => {
    const value = source.checksums[algorithm];
    return value !== undefined && !value.includes('-');
  });
}
