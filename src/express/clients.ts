/**
 * What clients need to reach an S3 Express One Zone directory bucket: the Mountpoint for Amazon S3
 * command line and the settings of the Amazon S3 Connector for PyTorch. Pure functions of the
 * bucket's attributes (tokens pass through into user data and outputs); the caller checks the
 * literal values first with the checks below.
 *
 * Sources, checked in December 2026:
 * - Mountpoint for Amazon S3, configuration
 *   (https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md): `mount-s3 <bucket> <dir>`,
 *   `--prefix`, `--cache`, `--max-cache-size` (MiB), `--read-only`, `--allow-delete`, `--allow-overwrite`,
 *   `--uid`, `--gid`;
 * - Amazon S3 User Guide, "Regional and Zonal endpoints for directory buckets in an Availability Zone"
 *   (https://docs.aws.amazon.com/AmazonS3/latest/userguide/endpoint-directory-buckets-AZ.html): the zonal
 *   endpoint `s3express-<az-id>.<region>.amazonaws.com`.
 */
import type { MountpointOptions } from './express-cache-props';
import type { RuleViolation } from './rules';

/**
 * The Mountpoint command line, as {@link renderMountpointCommand} takes it: the options, checked and
 * normalized by the caller (an absolute mount path of safe characters, a prefix ending with `/`),
 * and the bucket. (A type-only import: this module stays free of aws-cdk-lib at run time.)
 * @internal
 */
export interface MountpointCommandInput extends MountpointOptions {
  readonly bucketName: string;
}

/**
 * `mount-s3 <bucket> <mountPath> [--prefix p/] [--cache <dir> [--max-cache-size <MiB>]] [--read-only]
 * [--allow-delete] [--allow-overwrite] [--uid n] [--gid n]`.
 * @internal
 */
export function renderMountpointCommand(input: MountpointCommandInput): string {
  const args = ['mount-s3', input.bucketName, input.mountPath];
  if (input.prefix !== undefined && input.prefix !== '') {
    args.push('--prefix', input.prefix);
  }
  if (input.cacheDirectory !== undefined) {
    args.push('--cache', input.cacheDirectory);
  }
  if (input.maxCacheSizeMiB !== undefined) {
    args.push('--max-cache-size', String(input.maxCacheSizeMiB));
  }
  if (input.readOnly) {
    args.push('--read-only');
  }
  if (input.allowDelete) {
    args.push('--allow-delete');
  }
  if (input.allowOverwrite) {
    args.push('--allow-overwrite');
  }
  if (input.uid !== undefined) {
    args.push('--uid', String(input.uid));
  }
  if (input.gid !== undefined) {
    args.push('--gid', String(input.gid));
  }
  return args.join(' ');
}

/** A local path for the command line: absolute, no spaces or shell characters (a literal value). @internal */
export function checkLocalPath(property: string, path: string): RuleViolation | undefined {
  return /^\/[A-Za-z0-9._\/-]*$/.test(path) ? undefined : {
    property,
    received: JSON.stringify(path),
    allowed: 'an absolute path of letters, digits, ".", "_", "-" and "/", such as "/mnt/cache" (no spaces or shell characters)',
  };
}

/** A whole number, `min` or more (a literal value). @internal */
export function checkWholeNumber(property: string, value: number, min: number): RuleViolation | undefined {
  return Number.isInteger(value) && value >= min ? undefined : { property, received: String(value), allowed: `a whole number, ${min} or more` };
}

/**
 * `--max-cache-size` limits the local cache: it needs `--cache`.
 *
 * @param received the size as rendered for the message (it may be a token)
 * @internal
 */
export function checkCacheSizeNeedsCache(received: string, hasCacheDirectory: boolean): RuleViolation | undefined {
  return hasCacheDirectory ? undefined : {
    property: 'maxCacheSizeMiB',
    received,
    allowed: 'nothing without cacheDirectory: the size limits the local cache',
  };
}

/** A read-only mount cannot delete or overwrite. @internal */
export function checkReadOnlyFlags(readOnly: boolean, allowDelete: boolean, allowOverwrite: boolean): RuleViolation | undefined {
  return readOnly && (allowDelete || allowOverwrite) ? {
    property: allowDelete ? 'allowDelete' : 'allowOverwrite',
    received: 'true',
    allowed: 'false with readOnly: true (a read-only mount cannot delete or overwrite)',
  } : undefined;
}

/** The zonal endpoint of a directory bucket: `https://s3express-<az-id>.<region>.<domain>`. @internal */
export function zonalEndpointUrl(availabilityZoneId: string, region: string, domainSuffix: string): string {
  return `https://s3express-${availabilityZoneId}.${region}.${domainSuffix}`;
}
