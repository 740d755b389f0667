/**
 * S3 directory bucket names, one rule for the whole library: the constructs, the copy engine and the
 * Lambda handlers use it. Pure: no aws-cdk-lib and no AWS SDK import (callers skip CDK tokens).
 *
 * Source, checked in December 2026: Amazon S3 User Guide, "Directory bucket naming rules"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-naming-rules.html): a
 * directory bucket name is `<base-name>--<zone-id>--x-s3`, where the zone ID is an Availability Zone
 * or Local Zone ID; 3 to 63 characters with the suffix; lowercase letters, digits and hyphens;
 * starting and ending with a letter or digit; not starting with `xn--` or `sthree-`.
 */

/** The suffix of every directory bucket name. @internal */
export const DIRECTORY_BUCKET_SUFFIX = '--x-s3';

/** The longest directory bucket name, suffix included. @internal */
export const MAX_DIRECTORY_BUCKET_NAME_LENGTH = 63;

/** `<base>--<zone-id>--x-s3`, the zone ID (Availability Zone `use1-az4` or Local Zone `use1-bos1-az1`) captured. */
const DIRECTORY_BUCKET_NAME = /^[a-z0-9-]+--([a-z]{2,5}[0-9]{1,2}-(?:[a-z]+[0-9]+-)?az[0-9]{1,2})--x-s3$/;

/** A base name's characters: lowercase letters, digits and hyphens, starting and ending with a letter or digit. */
const BASE_NAME = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

/**
 * True for a directory bucket name: one that ends with `--x-s3`, the suffix every directory bucket
 * name carries (a name that is a CDK token must be recognized otherwise: callers check for tokens).
 * @internal
 */
export function isDirectoryBucketName(bucketName: string): boolean {
  return bucketName.endsWith(DIRECTORY_BUCKET_SUFFIX);
}

/** The directory bucket name `<baseName>--<zoneId>--x-s3` (tokens pass through). @internal */
export function directoryBucketName(baseName: string, zoneId: string): string {
  return `${baseName}--${zoneId}${DIRECTORY_BUCKET_SUFFIX}`;
}

/**
 * The zone ID in a full directory bucket name, or undefined when the name is not a valid
 * directory bucket name (shape or length).
 * @internal
 */
export function zoneIdOfDirectoryBucketName(bucketName: string): string | undefined {
  const match = DIRECTORY_BUCKET_NAME.exec(bucketName);
  return match && bucketName.length >= 3 && bucketName.length <= MAX_DIRECTORY_BUCKET_NAME_LENGTH ? match[1] : undefined;
}

/** The longest base name next to a zone ID of this length: 63 minus the zone ID, its two `--` and `--x-s3`. @internal */
export function maxDirectoryBucketBaseNameLength(zoneIdLength: number): number {
  return MAX_DIRECTORY_BUCKET_NAME_LENGTH - zoneIdLength - 2 - DIRECTORY_BUCKET_SUFFIX.length;
}

/**
 * True for a base name that makes a valid directory bucket name next to a zone ID of this length:
 * the characters above, no `--` (which separates the zone ID), no `xn--` or `sthree-` start, short
 * enough for 63 characters in all.
 * @internal
 */
export function isValidDirectoryBucketBaseName(baseName: string, zoneIdLength: number): boolean {
  return BASE_NAME.test(baseName) && !baseName.includes('--') && !baseName.startsWith('xn--') && !baseName.startsWith('sthree-')
    && baseName.length <= maxDirectoryBucketBaseNameLength(zoneIdLength);
}
