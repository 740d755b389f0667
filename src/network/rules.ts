/**
 * The training network's rules, as pure functions without CDK imports: `TrainingVpc` and
 * `TrainingSubnet` call them with literal values (tokens are skipped by the caller) and turn a
 * violation into a `TrainingStorageError`. The tests call them directly.
 *
 * Sources, checked on 1 December 2026:
 * - CloudFormation `AWS::EC2::Subnet` (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-resource-ec2-subnet.html):
 *   `AvailabilityZoneId`, "the AZ ID of the subnet", next to `AvailabilityZone` (the name); both
 *   optional, a change of either replaces the subnet;
 * - Amazon EC2 API Reference, CreateSubnet (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateSubnet.html):
 *   an IPv4 subnet is a /28 (16 addresses) to a /16 (65,536 addresses); AWS reserves the first four
 *   and the last address of each subnet;
 * - Amazon S3 User Guide, "S3 Express One Zone Availability Zones and Regions": the zones of
 *   `core/zones.ts`;
 * - Amazon S3 User Guide, "S3 Express One Zone Availability Zones and Regions" on zone names and IDs:
 *   `us-east-1a` maps to different physical zones in different accounts, `use1-az1` to the same one.
 */
import { AZ_ID_PATTERN, EXPRESS_ONE_ZONE_AZ_IDS, LOCAL_ZONE_ID_PATTERN, REGION_OF_AZ_ID_PREFIX, ZONE_NAME_PATTERN, regionPrefixOf } from '../core/zones';

/** What is wrong with one value: the property, the value as received, and what is allowed. @internal */
export interface RuleViolation {
  readonly property: string;
  readonly received: string;
  readonly allowed: string;
}

/** The smallest and largest IPv4 subnet, as prefix lengths (CreateSubnet). @internal */
export const SUBNET_PREFIX_LENGTH = { min: 16, max: 28 };

/** Addresses AWS reserves in every subnet: the first four and the last (CreateSubnet). @internal */
export const RESERVED_ADDRESSES_PER_SUBNET = 5;

function violation(property: string, received: string, allowed: string): RuleViolation {
  return { property, received, allowed };
}

/**
 * An Availability Zone ID, such as `use1-az4`: not a zone name (`us-east-1a`, which names a
 * different physical zone in each account) and not a Local Zone ID (`use1-bos1-az1`).
 * @internal
 */
export function checkZoneId(property: string, zoneId: string): RuleViolation | undefined {
  if (AZ_ID_PATTERN.test(zoneId)) {
    return undefined;
  }
  let allowed = 'an Availability Zone ID such as "use1-az4"';
  if (ZONE_NAME_PATTERN.test(zoneId)) {
    allowed += `: ${JSON.stringify(zoneId)} is a zone name, and zone names map to different physical zones in different accounts; `
      + 'find the ID with `aws ec2 describe-availability-zones` (ZoneId)';
  } else if (LOCAL_ZONE_ID_PATTERN.test(zoneId)) {
    allowed += `: ${JSON.stringify(zoneId)} is a Local Zone ID; the training zone is an Availability Zone`;
  }
  return violation(property, JSON.stringify(zoneId), allowed);
}

/**
 * More zones next to the training zone: Availability Zone IDs of the same Region code (`use1` for
 * `use1-az4`), each once, none the training zone itself.
 * @internal
 */
export function checkAdditionalZoneIds(trainingZoneId: string, additionalZoneIds: readonly string[]): RuleViolation | undefined {
  const seen = new Set([trainingZoneId]);
  for (const [index, zoneId] of additionalZoneIds.entries()) {
    const property = `additionalZoneIds[${index}]`;
    const format = checkZoneId(property, zoneId);
    if (format) {
      return format;
    }
    if (regionPrefixOf(zoneId) !== regionPrefixOf(trainingZoneId)) {
      return violation(property, JSON.stringify(zoneId),
        `a zone ID of the training zone's Region (${regionPrefixOf(trainingZoneId)}-az<n>, like trainingZoneId ${JSON.stringify(trainingZoneId)}): a VPC lives in one Region`);
    }
    if (seen.has(zoneId)) {
      return violation(property, JSON.stringify(zoneId), 'a zone ID not given before (trainingZoneId and additionalZoneIds name different zones)');
    }
    seen.add(zoneId);
  }
  return undefined;
}

/** The Region of a zone ID, when this library knows its Region code (the Regions of S3 Express One Zone). @internal */
export function regionOfZoneId(zoneId: string): string | undefined {
  return REGION_OF_AZ_ID_PREFIX[regionPrefixOf(zoneId)];
}

/** A zone ID of the stack's Region, when both Regions are known. @internal */
export function checkZoneInStackRegion(property: string, zoneId: string, stackRegion: string): RuleViolation | undefined {
  const zoneRegion = regionOfZoneId(zoneId);
  if (zoneRegion === undefined || zoneRegion === stackRegion) {
    return undefined;
  }
  return violation(property, JSON.stringify(zoneId), `an Availability Zone ID of the stack's Region ${stackRegion}: ${JSON.stringify(zoneId)} is in ${zoneRegion}`);
}

/**
 * Whether the S3 Express One Zone gateway endpoint (`com.amazonaws.<region>.s3express`) exists in the
 * zone's Region, as far as this library's list of S3 Express One Zone Regions knows.
 * @internal
 */
export function hasS3Express(zoneId: string): boolean {
  const region = regionOfZoneId(zoneId);
  return region !== undefined && EXPRESS_ONE_ZONE_AZ_IDS[region] !== undefined;
}

/** A subnet size as a prefix length: a whole number from 16 to 28. @internal */
export function checkSubnetPrefixLength(property: string, prefixLength: number): RuleViolation | undefined {
  return Number.isInteger(prefixLength) && prefixLength >= SUBNET_PREFIX_LENGTH.min && prefixLength <= SUBNET_PREFIX_LENGTH.max ? undefined
    : violation(property, String(prefixLength),
      `a prefix length from ${SUBNET_PREFIX_LENGTH.min} (65,536 addresses) to ${SUBNET_PREFIX_LENGTH.max} (16 addresses), such as 20 (4,096 addresses)`);
}

/** An IPv4 CIDR block of a subnet: `a.b.c.d/n`, the address the block's first one, n from 16 to 28. @internal */
export function checkSubnetCidrBlock(property: string, cidrBlock: string): RuleViolation | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidrBlock);
  const allowed = `an IPv4 CIDR block such as "10.0.64.0/20", from /${SUBNET_PREFIX_LENGTH.min} to /${SUBNET_PREFIX_LENGTH.max}, `
    + 'in the VPC\'s range and free of its other subnets';
  if (!match) {
    return violation(property, JSON.stringify(cidrBlock), allowed);
  }
  const octets = match.slice(1, 5).map(Number);
  const prefixLength = Number(match[5]);
  if (octets.some((o) => o > 255) || prefixLength < SUBNET_PREFIX_LENGTH.min || prefixLength > SUBNET_PREFIX_LENGTH.max) {
    return violation(property, JSON.stringify(cidrBlock), allowed);
  }
  const address = octets.reduce((a, o) => a * 256 + o, 0);
  const blockSize = 2 ** (32 - prefixLength);
  if (address % blockSize !== 0) {
    const first = address - (address % blockSize);
    const text = [24, 16, 8, 0].map((shift) => Math.floor(first / 2 ** shift) % 256).join('.');
    return violation(property, JSON.stringify(cidrBlock), `${allowed}: the block of ${JSON.stringify(cidrBlock)} starts at ${text}/${prefixLength}`);
  }
  return undefined;
}
