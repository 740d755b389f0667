/**
 * Availability Zones, by ID: the facts every area that places something in the training zone
 * shares (ExpressCache, TrainingVpc, TrainingSubnet). Pure: no aws-cdk-lib import.
 *
 * Zone IDs (`use1-az4`) name the same physical zone in every account; zone names (`us-east-1a`)
 * map to different physical zones in different accounts (Amazon S3 User Guide, "S3 Express One
 * Zone Availability Zones and Regions"), so the library places things by zone ID.
 */

/**
 * Availability Zone IDs where S3 Express One Zone directory buckets can be created, by Region.
 *
 * Source: Amazon S3 User Guide, "S3 Express One Zone Availability Zones and Regions"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-express-Endpoints.html) and "Regional and
 * Zonal endpoints for directory buckets in an Availability Zone"
 * (https://docs.aws.amazon.com/AmazonS3/latest/userguide/endpoint-directory-buckets-AZ.html), checked
 * on 1 December 2026: the same seven Regions and zones as before, nothing added or removed.
 * @internal
 */
export const EXPRESS_ONE_ZONE_AZ_IDS: { readonly [region: string]: readonly string[] } = {
  'us-east-1': ['use1-az4', 'use1-az5', 'use1-az6'],
  'us-east-2': ['use2-az1', 'use2-az2'],
  'us-west-2': ['usw2-az1', 'usw2-az3', 'usw2-az4'],
  'ap-south-1': ['aps1-az1', 'aps1-az3'],
  'ap-northeast-1': ['apne1-az1', 'apne1-az4'],
  'eu-west-1': ['euw1-az1', 'euw1-az3'],
  'eu-north-1': ['eun1-az1', 'eun1-az2', 'eun1-az3'],
};

/** The Region of each zone ID prefix above. @internal */
export const REGION_OF_AZ_ID_PREFIX: { readonly [prefix: string]: string } = {
  use1: 'us-east-1',
  use2: 'us-east-2',
  usw2: 'us-west-2',
  aps1: 'ap-south-1',
  apne1: 'ap-northeast-1',
  euw1: 'eu-west-1',
  eun1: 'eu-north-1',
};

/**
 * The longest Availability Zone ID assumed when the ID is an unresolved token (a subnet's
 * `AvailabilityZoneId` attribute): Availability Zone IDs are a Region code plus `-az<n>`, such as
 * `apne1-az4` (9 characters); 10 leaves room for a two-digit Region code.
 * @internal
 */
export const MAX_AZ_ID_LENGTH = 10;

/** An Availability Zone ID: `use1-az4`, `apne1-az1`. @internal */
export const AZ_ID_PATTERN = /^[a-z]{2,5}[0-9]{1,2}-az[0-9]{1,2}$/;

/** A Local Zone ID: `use1-bos1-az1` (directory buckets there use SingleLocalZone redundancy). @internal */
export const LOCAL_ZONE_ID_PATTERN = /^[a-z]{2,5}[0-9]{1,2}-[a-z]+[0-9]+-az[0-9]{1,2}$/;

/** An Availability Zone (or Local Zone) name: `us-east-1a`, `us-gov-west-1b`, `us-west-2-lax-1a`. @internal */
export const ZONE_NAME_PATTERN = /^[a-z]{2}(-[a-z]+)+-[0-9]+(-[a-z]+-[0-9]+)?[a-z]$/;

/** The zone ID's Region code: `use1` for `use1-az4`. @internal */
export function regionPrefixOf(azId: string): string {
  return azId.split('-')[0];
}
