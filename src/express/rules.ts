/**
 * S3 Express One Zone's rules for ExpressCache, as pure functions without CDK imports: the construct
 * calls them with literal values (tokens are skipped by the caller) and turns a violation into a
 * `TrainingStorageError`. The tests call them directly.
 *
 * Sources, checked in December 2026:
 * - Amazon S3 User Guide, "Directory bucket naming rules"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-bucket-naming-rules.html), as
 *   `core/s3-names.ts` encodes them;
 * - Amazon S3 User Guide, "S3 Express One Zone Availability Zones and Regions"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-Endpoints.html): the zones, see `core/zones.ts`;
 * - Amazon S3 User Guide, "Working with S3 Lifecycle for directory buckets"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/directory-buckets-objects-lifecycle.html) and
 *   CloudFormation `AWS::S3Express::DirectoryBucket` Rule
 *   (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-s3express-directorybucket-rule.html):
 *   expiration and abort-incomplete-multipart-upload actions only, filtered by prefix and object size;
 * - Amazon S3 User Guide, "Example bucket policies for directory buckets"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-security-iam-example-bucket-policies.html):
 *   a directory bucket policy allows `s3express:CreateSession` only.
 */
import {
  isValidDirectoryBucketBaseName, maxDirectoryBucketBaseNameLength, zoneIdOfDirectoryBucketName,
} from '../core/s3-names';
import {
  AZ_ID_PATTERN, EXPRESS_ONE_ZONE_AZ_IDS, LOCAL_ZONE_ID_PATTERN, MAX_AZ_ID_LENGTH, REGION_OF_AZ_ID_PREFIX,
  ZONE_NAME_PATTERN, regionPrefixOf,
} from '../core/zones';

/** What is wrong with one value: the property, the value as received, and what is allowed. @internal */
export interface RuleViolation {
  readonly property: string;
  readonly received: string;
  readonly allowed: string;
}

function violation(property: string, received: string, allowed: string): RuleViolation {
  return { property, received, allowed };
}

function quoted(value: string): string {
  return JSON.stringify(value);
}

// ---------------------------------------------------------------------------------------------
// Bucket names (the name rule itself is core/s3-names.ts, shared with the copy engine and handlers)

/**
 * A base name of a directory bucket (`bucketBaseName`).
 *
 * @param baseName the literal base name
 * @param zoneIdLength the length of the zone ID next to it
 * @param zoneIdKnown whether the zone ID is literal (otherwise `zoneIdLength` is the longest zone ID)
 * @internal
 */
export function checkBucketBaseName(baseName: string, zoneIdLength: number, zoneIdKnown: boolean): RuleViolation | undefined {
  if (isValidDirectoryBucketBaseName(baseName, zoneIdLength)) {
    return undefined;
  }
  return violation('bucketBaseName', quoted(baseName), 'lowercase letters, digits and hyphens, starting and ending with a letter or digit, without "--", '
    + `not starting with "xn--" or "sthree-", at most ${maxDirectoryBucketBaseNameLength(zoneIdLength)} characters here `
    + `(the name <base>--<az-id>--x-s3 is 3 to 63 characters${zoneIdKnown ? '' : `, counting ${MAX_AZ_ID_LENGTH} for a zone ID known at deploy time only`})`);
}

/** The full name of an existing bucket (`fromBucketAttributes`). @internal */
export function checkImportedBucketName(bucketName: string): RuleViolation | undefined {
  return zoneIdOfDirectoryBucketName(bucketName) === undefined
    ? violation('bucketName', quoted(bucketName),
      'a directory bucket name <base>--<az-id>--x-s3, 3 to 63 lowercase letters, digits and hyphens, such as "cache--use1-az4--x-s3"')
    : undefined;
}

// ---------------------------------------------------------------------------------------------
// Zones

/** The shape of a zone ID: an Availability Zone ID, not a zone name nor a Local Zone ID. @internal */
export function checkZoneIdFormat(azId: string): RuleViolation | undefined {
  if (AZ_ID_PATTERN.test(azId)) {
    return undefined;
  }
  let allowed = 'an Availability Zone ID such as "use1-az4"';
  if (ZONE_NAME_PATTERN.test(azId)) {
    allowed += `: ${quoted(azId)} is a zone name, and zone names map to different physical zones in different accounts; `
      + 'find the ID with `aws ec2 describe-availability-zones` (ZoneId), or place the bucket with subnet';
  } else if (LOCAL_ZONE_ID_PATTERN.test(azId)) {
    allowed += ': Local Zone directory buckets (SingleLocalZone redundancy) are not supported by ExpressCache';
  }
  return violation('availabilityZoneId', quoted(azId), allowed);
}

/** The Region of a zone ID, when this library lists S3 Express One Zone zones for it. @internal */
export function expressRegionOfZoneId(azId: string): string | undefined {
  return REGION_OF_AZ_ID_PREFIX[regionPrefixOf(azId)];
}

/** A zone ID of the stack's Region (`stackRegion` literal, `zoneRegion` from {@link expressRegionOfZoneId}). @internal */
export function checkZoneRegion(azId: string, zoneRegion: string, stackRegion: string): RuleViolation | undefined {
  return stackRegion === zoneRegion ? undefined : violation('availabilityZoneId', quoted(azId),
    `an Availability Zone ID of the stack's Region ${stackRegion}: ${quoted(azId)} is in ${zoneRegion}`);
}

/**
 * The warning `ExpressCache.UnsupportedZone` for a zone ID that S3 Express One Zone is not documented
 * to support in its Region, or undefined when it is.
 * @internal
 */
export function unsupportedZoneWarning(azId: string, zoneRegion: string): string | undefined {
  const supported = EXPRESS_ONE_ZONE_AZ_IDS[zoneRegion];
  if (supported.includes(azId)) {
    return undefined;
  }
  return `availabilityZoneId ${quoted(azId)} is not among the zones where S3 Express One Zone is documented in ${zoneRegion} `
    + `(${supported.join(', ')}; Amazon S3 User Guide, "S3 Express One Zone Availability Zones and Regions"): creating the `
    + 'bucket will fail unless AWS supports the zone now. Acknowledge with Validations.of(cache).acknowledge('
    + "{ id: 'ExpressCache.UnsupportedZone', reason }) if it does.";
}

// ---------------------------------------------------------------------------------------------
// Lifecycle rules

/**
 * The `s3.LifecycleRule` fields a directory bucket rule cannot have, and why.
 * @internal
 */
export const UNSUPPORTED_LIFECYCLE_FIELDS: ReadonlyArray<readonly [string, string]> = [
  ['transitions', 'directory buckets hold one storage class (S3 Express One Zone) and cannot transition objects'],
  ['noncurrentVersionTransitions', 'directory buckets are not versioned'],
  ['noncurrentVersionExpiration', 'directory buckets are not versioned'],
  ['noncurrentVersionsToRetain', 'directory buckets are not versioned'],
  ['expiredObjectDeleteMarker', 'directory buckets are not versioned and have no delete markers'],
  ['expirationDate', 'directory bucket rules expire objects after a number of days (expiration)'],
  ['tagFilters', 'directory bucket rules filter by prefix and object size only'],
];

/** The violation of a field from {@link UNSUPPORTED_LIFECYCLE_FIELDS}, its value rendered by the caller. @internal */
export function unsupportedLifecycleField(property: string, field: string, why: string, received: string): RuleViolation {
  return violation(`${property}.${field}`, received,
    `nothing: ${why}; directory bucket lifecycle rules support expiration and abortIncompleteMultipartUploadAfter only`);
}

/** A rule needs an action: expiration, abortIncompleteMultipartUploadAfter or both. @internal */
export function checkLifecycleAction(property: string, hasExpiration: boolean, hasAbort: boolean): RuleViolation | undefined {
  return hasExpiration || hasAbort ? undefined
    : violation(property, 'a rule without an action', 'a rule with expiration, abortIncompleteMultipartUploadAfter or both');
}

/** An object size filter: a whole number of bytes, 0 or more. @internal */
export function checkObjectSize(property: string, value: number): RuleViolation | undefined {
  return Number.isInteger(value) && value >= 0 ? undefined : violation(property, String(value), 'a whole number of bytes, 0 or more');
}

/** `objectSizeLessThan` above `objectSizeGreaterThan`. @internal */
export function checkObjectSizeRange(property: string, greaterThan: number, lessThan: number): RuleViolation | undefined {
  return lessThan > greaterThan ? undefined
    : violation(`${property}.objectSizeLessThan`, String(lessThan), `more than objectSizeGreaterThan (${greaterThan})`);
}

// ---------------------------------------------------------------------------------------------
// Bucket policy

/** A directory bucket policy statement allows `s3express:CreateSession` and nothing else. @internal */
export function checkSessionOnlyStatement(actions: readonly string[], notActions: readonly string[]): RuleViolation | undefined {
  const distinct = [...new Set(actions)];
  if (notActions.length === 0 && distinct.length === 1 && distinct[0] === 's3express:CreateSession') {
    return undefined;
  }
  const received = notActions.length > 0 ? `NotAction ${JSON.stringify(notActions)}` : `actions ${JSON.stringify(actions)}`;
  return violation('statement', received,
    'a statement whose only action is "s3express:CreateSession": a directory bucket policy can allow nothing else '
    + '(limit access with the s3express:SessionMode condition: ReadOnly or ReadWrite)');
}
