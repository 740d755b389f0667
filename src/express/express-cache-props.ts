import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataLocation } from '../core/data-location';
import { DatasetCopyEngine } from '../transfer/dataset-copy';
import { OverwritePolicy } from '../transfer/overwrite-policy';

/** Properties of an {@link ExpressCache}. */
export interface ExpressCacheProps {
  /**
   * The subnet whose Availability Zone the bucket goes into: the subnet of the GPU instances.
   *
   * A subnet placed by zone ID (`TrainingVpc.trainingSubnet`, a `TrainingSubnet`) gives its zone
   * ID at synthesis time: the bucket name is literal and the zone is checked against the zones of S3
   * Express One Zone. Another subnet created in this app (`ec2.Subnet`, or a subnet of an `ec2.Vpc`)
   * gives its `AvailabilityZoneId` attribute (CloudFormation `Fn::GetAtt`), known at deploy time
   * only. An imported subnet does not carry its zone ID: pass `availabilityZoneId` instead.
   * Exactly one of `subnet` and `availabilityZoneId` is required.
   *
   * @default - none: `availabilityZoneId` places the bucket
   */
  readonly subnet?: ec2.ISubnet;

  /**
   * The Availability Zone **ID** of the bucket, such as `use1-az4`: never a zone name such as
   * `us-east-1a`, which maps to a different physical zone in each account. A zone ID of a known
   * Region that S3 Express One Zone is not documented to support gives the acknowledgeable warning
   * `ExpressCache.UnsupportedZone`. Exactly one of `subnet` and `availabilityZoneId` is required.
   *
   * @default - none: `subnet` places the bucket
   */
  readonly availabilityZoneId?: string;

  /**
   * The base of the bucket name: the bucket is named `<bucketBaseName>--<az-id>--x-s3`.
   * Lowercase letters, digits and hyphens, starting and ending with a letter or digit; the whole
   * name is 3 to 63 characters. Changing it replaces the bucket (see `removalPolicy`).
   *
   * @default - `<construct path, up to 20 characters>-<8 hex digits of the path's hash>-<account ID>`:
   *   directory bucket names are unique in their zone across all accounts
   */
  readonly bucketBaseName?: string;

  /**
   * SSE-KMS with this customer-managed key, referenced by its key ARN, with S3 Bucket Keys on.
   * A directory bucket uses one customer-managed key for its whole life, given as key ID or ARN:
   * an alias and the AWS managed key `aws/s3` are rejected. Grants include the key.
   *
   * @default - SSE-S3 (keys that S3 manages)
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Lifecycle rules. Directory buckets support only expiration (`expiration`) and
   * `abortIncompleteMultipartUploadAfter`, filtered by `prefix` (normalized to end with `/`) and
   * object size; transitions, noncurrent-version and delete-marker actions (no versioning), expiry
   * dates and tag filters are rejected. With at least one rule, the bucket policy lets the S3
   * lifecycle service create `ReadWrite` sessions.
   *
   * @default - no lifecycle rules
   */
  readonly lifecycleRules?: s3.LifecycleRule[];

  /**
   * Turn on CloudWatch request metrics for the whole bucket (metrics configuration `EntireBucket`,
   * which the `metric*` methods read).
   *
   * @default true
   */
  readonly requestMetricsEnabled?: boolean;

  /**
   * Add a gateway VPC endpoint for S3 Express One Zone (`com.amazonaws.<region>.s3express`) to this
   * VPC, so that the GPU instances reach the zonal endpoint without a NAT gateway. The endpoint
   * has no charge. Not for a `TrainingVpc` or `TrainingSubnet`, which add one already: a route
   * table that routes to S3 Express One Zone already is rejected.
   *
   * @default - no endpoint
   */
  readonly gatewayEndpointVpc?: ec2.IVpc;

  /**
   * The subnets whose route tables get the gateway endpoint's route (with `gatewayEndpointVpc`).
   *
   * @default - `subnet` when the bucket is placed by subnet; otherwise all subnets of the VPC
   */
  readonly gatewayEndpointSubnets?: ec2.SubnetSelection[];

  /**
   * What happens to the bucket when it leaves the stack, or when a change of name or zone replaces
   * it. `RemovalPolicy.DESTROY` deletes it, which CloudFormation can do only when it is empty: an
   * explicit opt-in to losing the bucket.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Delete every object in the bucket when the bucket is deleted with the stack, so that
   * CloudFormation can delete it (it deletes empty buckets only). Needs
   * `removalPolicy: RemovalPolicy.DESTROY`. The bucket is tagged
   * `cdk-training-storage:auto-delete-objects` = `true`, and a custom resource (a Lambda function
   * allowed `s3express:CreateSession` in `ReadWrite` mode and `s3express:ListTagsForResource` on
   * this bucket only) empties it on stack deletion, and only while the bucket carries that tag.
   *
   * @default false - the objects stay, and deleting a non-empty bucket fails
   */
  readonly autoDeleteObjects?: boolean;
}

/** Attributes of an existing directory bucket, for {@link ExpressCache.fromBucketAttributes}. */
export interface ExpressCacheAttributes {
  /** The directory bucket's full name: `<base>--<az-id>--x-s3`. */
  readonly bucketName: string;

  /**
   * The bucket's Availability Zone ID.
   *
   * @default - read from the bucket name (required when the name is an unresolved token)
   */
  readonly availabilityZoneId?: string;

  /**
   * The customer-managed key of the bucket's SSE-KMS default encryption, so that grants include it.
   *
   * @default - SSE-S3: grants include no KMS actions
   */
  readonly encryptionKey?: kms.IKey;
}

/** Options of {@link IExpressCache.importFrom}. */
export interface ExpressCacheImportOptions {
  /**
   * Where the data goes in the cache.
   *
   * @default - the source location's prefix (`datasets/corpus/` stays `datasets/corpus/`)
   */
  readonly destinationPrefix?: string;

  /**
   * The copy engine.
   *
   * @default DatasetCopyEngine.LAMBDA
   */
  readonly engine?: DatasetCopyEngine;

  /**
   * Keys to copy, relative to the source prefix (Lambda engine).
   *
   * @default - every object under the source prefix
   */
  readonly keys?: string[];

  /**
   * What to do with objects already in the cache.
   *
   * @default OverwritePolicy.IF_DIFFERENT
   */
  readonly overwrite?: OverwritePolicy;

  /**
   * Copy requests in flight at once (Lambda engine), 1 to 1000.
   *
   * @default - DatasetCopy's default
   */
  readonly concurrency?: number;

  /**
   * How long the deployment waits for the copy (1 minute to 1 hour).
   *
   * @default Duration.hours(1)
   */
  readonly totalTimeout?: Duration;

  /**
   * With `DatasetCopyEngine.BATCH_OPERATIONS`: wait for the job, or only start it.
   *
   * @default true
   */
  readonly waitForBatchJob?: boolean;

  /**
   * Where Batch Operations writes its completion report: a general purpose bucket, because Batch
   * Operations cannot write reports to directory buckets (AWS docs, S3 Control `JobReport`).
   *
   * @default - `dataset-copy-reports/` in the source location's bucket
   */
  readonly batchReportLocation?: DataLocation;

  /**
   * How long the copy's logs are kept.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Run the copy functions in this VPC (it needs routes to S3 and S3 Express: gateway endpoints).
   *
   * @default - the functions run outside a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the copy functions.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;
}

/** Options of {@link IExpressCache.mountpointCommand}. */
export interface MountpointOptions {
  /** The local directory to mount at, an absolute path such as `/mnt/cache`. */
  readonly mountPath: string;

  /**
   * Mount only the keys under this prefix (`--prefix`), normalized to end with `/`.
   *
   * @default - the whole bucket
   */
  readonly prefix?: string;

  /**
   * Local directory for Mountpoint's read cache (`--cache`), an absolute path such as an instance
   * store volume.
   *
   * @default - no local cache
   */
  readonly cacheDirectory?: string;

  /**
   * Largest size of the local cache in MiB (`--max-cache-size`); needs `cacheDirectory`.
   *
   * @default - Mountpoint's default: keeps at least 5% of the file system free
   */
  readonly maxCacheSizeMiB?: number;

  /**
   * Mount read-only (`--read-only`). Mountpoint enforces it on the instance: its sessions are still
   * `ReadWrite` ones (see `IExpressCache.grantMountpointRead`).
   *
   * @default false
   */
  readonly readOnly?: boolean;

  /**
   * Allow deleting objects through the mount (`--allow-delete`).
   *
   * @default false
   */
  readonly allowDelete?: boolean;

  /**
   * Allow overwriting existing objects through the mount (`--allow-overwrite`).
   *
   * @default false
   */
  readonly allowOverwrite?: boolean;

  /**
   * Owner user ID of the mounted files (`--uid`).
   *
   * @default - the user that runs mount-s3
   */
  readonly uid?: number;

  /**
   * Owner group ID of the mounted files (`--gid`).
   *
   * @default - the group of the user that runs mount-s3
   */
  readonly gid?: number;
}

/**
 * Settings for the Amazon S3 Connector for PyTorch (`s3torchconnector`), for example
 * `S3MapDataset.from_prefix(s3Uri, region=region, endpoint=endpointUrl)`.
 */
export interface S3ConnectorSettings {
  /** The directory bucket's name. */
  readonly bucketName: string;
  /** The bucket's Region. */
  readonly region: string;
  /** The bucket's zonal endpoint: `https://s3express-<az-id>.<region>.amazonaws.com`. */
  readonly endpointUrl: string;
  /** The bucket as an `s3://` URI: `s3://<bucket>/`. */
  readonly s3Uri: string;
}
