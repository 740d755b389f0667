/**
 * Multipart copy arithmetic (pure).
 *
 * S3 limits (Amazon S3 User Guide, "Amazon S3 multipart upload limits"): parts of 5 MiB to 5 GiB,
 * the last part may be smaller, at most 10,000 parts, part numbers from 1 to 10,000. Directory
 * buckets also require consecutive part numbers starting at 1.
 */

/** 1 MiB in bytes. */
export const MIB = 1024 * 1024;
/** 1 GiB in bytes. */
export const GIB = 1024 * MIB;
/** Smallest part (all but the last). */
export const MIN_PART_SIZE_BYTES = 5 * MIB;
/** Largest part. */
export const MAX_PART_SIZE_BYTES = 5 * GIB;
/** Most parts in one upload. */
export const MAX_PARTS = 10_000;
/** Largest object CopyObject copies in one call (5 GB in AWS's documentation: 5,368,709,120 bytes). */
export const MAX_COPY_OBJECT_BYTES = 5 * GIB;
/** Largest object S3 stores (50 TB). */
export const MAX_OBJECT_BYTES = 50 * 1024 * 1024 * MIB;

/** One part of a multipart copy: bytes `start` to `end`, inclusive. */
export interface PartRange {
  readonly partNumber: number;
  readonly start: number;
  readonly end: number;
}

/**
 * Chooses the part size for an object: the preferred size, raised (in whole MiB) until the object
 * fits in 10,000 parts, and kept within 5 MiB to 5 GiB.
 */
export function partSizeFor(objectSizeBytes: number, preferredPartSizeBytes: number): number {
  if (!Number.isSafeInteger(objectSizeBytes) || objectSizeBytes < 0 || objectSizeBytes > MAX_OBJECT_BYTES) {
    throw new RangeError(`object size ${objectSizeBytes} is not between 0 and ${MAX_OBJECT_BYTES} bytes`);
  }
  const atLeastForCount = Math.ceil(Math.ceil(objectSizeBytes / MAX_PARTS) / MIB) * MIB;
  const size = Math.max(MIN_PART_SIZE_BYTES, preferredPartSizeBytes, atLeastForCount);
  return Math.min(size, MAX_PART_SIZE_BYTES);
}

/** Splits an object into consecutive part ranges numbered from 1. */
export function planParts(objectSizeBytes: number, preferredPartSizeBytes: number): PartRange[] {
  const partSize = partSizeFor(objectSizeBytes, preferredPartSizeBytes);
  const parts: PartRange[] = [];
  for (let start = 0, partNumber = 1; start < objectSizeBytes; start += partSize, partNumber++) {
    parts.push({ partNumber, start, end: Math.min(start + partSize, objectSizeBytes) - 1 });
  }
  if (parts.length > MAX_PARTS) {
    throw new RangeError(`object of ${objectSizeBytes} bytes needs ${parts.length} parts; at most ${MAX_PARTS} allowed`);
  }
  return parts;
}
