import { createHash } from 'crypto';
import { Duration, RemovalPolicy, Resource, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3express from 'aws-cdk-lib/aws-s3express';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { Construct, IConstruct } from 'constructs';
import { AUTO_DELETE_TAG } from './auto-delete-contract';
import { AutoDeleteObjects } from './auto-delete-objects';
import {
  AZ_ID_PATTERN, EXPRESS_ONE_ZONE_AZ_IDS, LOCAL_ZONE_ID_PATTERN, MAX_AZ_ID_LENGTH, REGION_OF_AZ_ID_PREFIX,
  ZONE_NAME_PATTERN, regionPrefixOf,
} from './zones';
import { DataLocation } from '../core/data-location';
import { TrainingStorageError, renderValue } from '../core/errors';
import { normalizeKeyPrefix, wholeDays } from '../core/validation';
import { DatasetCopy, DatasetCopyEngine } from '../transfer/dataset-copy';
import { OverwritePolicy } from '../transfer/overwrite-policy';

/** Properties of an {@link ExpressCache}. */
export interface ExpressCacheProps {
  /**
   * The subnet whose Availability Zone the bucket goes into: the subnet of the GPU instances.
   *
   * A subnet created in this app (`ec2.Subnet`, or a subnet of an `ec2.Vpc`) gives its
   * `AvailabilityZoneId` attribute (CloudFormation `Fn::GetAtt`), so no zone ID is typed by hand.
   * An imported subnet does not carry its zone ID: pass `availabilityZoneId` instead.
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
   * has no charge.
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

/** An S3 Express One Zone directory bucket used as a training data cache. */
export interface IExpressCache extends IConstruct {
  /** The bucket name: `<base>--<az-id>--x-s3`. */
  readonly bucketName: string;
  /** The bucket ARN: `arn:<partition>:s3express:<region>:<account>:bucket/<name>`. */
  readonly bucketArn: string;
  /** The Availability Zone ID the bucket lives in. */
  readonly availabilityZoneId: string;
  /** The bucket as an `s3://` URI: `s3://<bucket>/`. */
  readonly s3Uri: string;
  /** The zonal endpoint: `https://s3express-<az-id>.<region>.amazonaws.com`. */
  readonly zonalEndpoint: string;
  /**
   * The customer-managed key of SSE-KMS.
   *
   * @default - SSE-S3
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * A location in the cache, as a directory-bucket `DataLocation`. Its grants cover the whole
   * bucket: a session cannot be scoped to a prefix.
   *
   * @param prefix the key prefix, normalized to end with `/`; the empty string is the whole bucket
   */
  location(prefix: string): DataLocation;

  /**
   * Lets the grantee read the cache: `s3express:CreateSession` on this bucket with the
   * `s3express:SessionMode` condition `ReadOnly`, and `kms:GenerateDataKey` and `kms:Decrypt` on the key
   * (SSE-KMS: GetObject of an SSE-KMS object in a directory bucket needs both).
   */
  grantRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Lets the grantee read and write the cache: `s3express:CreateSession` (`ReadWrite` sessions) on
   * this bucket, and `kms:GenerateDataKey` and `kms:Decrypt` on the key (SSE-KMS).
   */
  grantReadWrite(grantee: iam.IGrantable): iam.Grant;

  /**
   * Lets the grantee mount the cache with Mountpoint for Amazon S3, read-only
   * (`mountpointCommand({ readOnly: true })`): `s3express:CreateSession` on this bucket without a
   * `s3express:SessionMode` condition, and `kms:GenerateDataKey` and `kms:Decrypt` on the key (SSE-KMS).
   *
   * Mountpoint requests its sessions without a session mode, also with `--read-only`, and S3 then
   * creates a `ReadWrite` session where policy allows one (awslabs/mountpoint-s3 issue 1076, open; no
   * Mountpoint release up to 1.23.0 requests `ReadOnly` sessions). A read-only mount under `grantRead`,
   * which allows `ReadOnly` sessions only, was reported there to fail at mount time. S3 now documents
   * that a request without a session mode falls back to a `ReadOnly` session when policy allows no
   * `ReadWrite` one, which would make `grantRead` enough; this grant does not depend on it.
   *
   * The trade-off: IAM lets the grantee create `ReadWrite` sessions, so this grant allows what
   * `grantReadWrite` allows; the mount is read-only because Mountpoint runs with `--read-only` on the
   * instance, not because IAM says so. Where writes must be impossible, use `grantRead` and check that
   * the mount starts.
   */
  grantMountpointRead(grantee: iam.IGrantable): iam.Grant;

  /**
   * Adds a statement to the bucket policy. A directory bucket policy can only allow
   * `s3express:CreateSession`: other actions are rejected.
   */
  addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;

  /**
   * Copies a data location (a lake dataset, for example) into the cache at deploy time, with
   * `DatasetCopy`. The copy's construct ID is `Import:<destination prefix segments joined with ":">`
   * (`Import:datasets:corpus` for `datasets/corpus/`, `Import` for the whole bucket): IDs are part of
   * the API, so renaming the destination prefix replaces the copy.
   *
   * @param source what to copy
   * @param options destination prefix, engine and copy settings
   */
  importFrom(source: DataLocation, options?: ExpressCacheImportOptions): DatasetCopy;

  /**
   * The Mountpoint for Amazon S3 command line that mounts this bucket:
   * `mount-s3 <bucket> <mountPath> [--prefix p/] [--cache <dir> [--max-cache-size <MiB>]] [--read-only]
   * [--allow-delete] [--allow-overwrite] [--uid n] [--gid n]`. Usable in user data, with tokens.
   *
   * Mountpoint's sessions are `ReadWrite` ones, also with `--read-only`: grant a read-only mount's
   * role `grantMountpointRead`, a read-write mount's role `grantReadWrite`.
   */
  mountpointCommand(options: MountpointOptions): string;

  /** Settings for the Amazon S3 Connector for PyTorch: bucket, Region, zonal endpoint, URI. */
  s3ConnectorSettings(): S3ConnectorSettings;
}

/** Defaults, stated once and used by the code and its tests. */
const DEFAULTS = {
  metricsFilterId: 'EntireBucket',
  batchReportPrefix: 'dataset-copy-reports/',
  removalPolicy: RemovalPolicy.RETAIN,
  autoDeleteObjects: false,
};

/** `--x-s3` and the two `--` separators around the zone ID. */
const NAME_SUFFIX = '--x-s3';
const MAX_NAME_LENGTH = 63;

/** What the caches, new and imported, share. */
export abstract class ExpressCacheBase extends Resource implements IExpressCache {
  public abstract readonly bucketName: string;
  public abstract readonly bucketArn: string;
  public abstract readonly availabilityZoneId: string;
  public abstract readonly encryptionKey?: kms.IKey;

  private bucketView?: s3.IBucket;

  public get s3Uri(): string {
    return `s3://${this.bucketName}/`;
  }

  public get zonalEndpoint(): string {
    const stack = Stack.of(this);
    // A literal Region gives a literal domain (amazonaws.com); otherwise the AWS::URLSuffix pseudo parameter.
    const domain = (!Token.isUnresolved(stack.region) && RegionInfo.get(stack.region).domainSuffix) || stack.urlSuffix;
    return `https://s3express-${this.availabilityZoneId}.${stack.region}.${domain}`;
  }

  public location(prefix: string): DataLocation {
    const normalized = normalizeKeyPrefix(this, 'prefix', prefix);
    return DataLocation.fromBucket(this.asBucket(), normalized, { encryptionKey: this.encryptionKey, directoryBucket: true });
  }

  public grantRead(grantee: iam.IGrantable): iam.Grant {
    return this.location('').grantRead(grantee);
  }

  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    // A ReadWrite session reads too: one statement, not a ReadOnly one next to it.
    return this.location('').grantWrite(grantee);
  }

  public grantMountpointRead(grantee: iam.IGrantable): iam.Grant {
    // Mountpoint's CreateSession carries no x-amz-create-session-mode header: the aws-c-s3 session
    // provider sends it only when the caller sets it, and Mountpoint does not
    // (https://github.com/awslabs/mountpoint-s3/issues/1076). Without the header S3 creates a ReadWrite
    // session when policy allows one (https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html,
    // x-amz-create-session-mode). Mountpoint's own policy for directory buckets is CreateSession
    // without a condition (https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md#directory-buckets).
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3express:CreateSession'],
      resourceArns: [Stack.of(this).formatArn({ service: 's3express', resource: 'bucket', resourceName: this.bucketName })],
    });
    // GetObject on a directory bucket needs kms:GenerateDataKey and kms:Decrypt for an SSE-KMS object
    // (https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html, directory bucket permissions).
    return this.encryptionKey ? grant.combine(this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt')) : grant;
  }

  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    checkSessionOnly(this, statement);
    return this._addCheckedStatement(statement);
  }

  public importFrom(source: DataLocation, options: ExpressCacheImportOptions = {}): DatasetCopy {
    const destinationPrefix = normalizeKeyPrefix(this, 'destinationPrefix', options.destinationPrefix ?? source.prefix);
    if (Token.isUnresolved(destinationPrefix)) {
      throw TrainingStorageError.invalidProperty(this, 'destinationPrefix', renderValue(destinationPrefix),
        'a literal key prefix: it names the copy construct (Import:<segments>)');
    }
    const id = destinationPrefix === '' ? 'Import' : `Import:${destinationPrefix.slice(0, -1).split('/').join(':')}`;
    if (this.node.tryFindChild(id)) {
      throw TrainingStorageError.invalidProperty(this, 'destinationPrefix', renderValue(destinationPrefix),
        `a destination prefix that no other importFrom of this cache uses (construct ID ${id} exists already)`);
    }
    const engine = options.engine ?? DatasetCopyEngine.LAMBDA;
    let batchReportLocation: DataLocation | undefined;
    if (engine === DatasetCopyEngine.BATCH_OPERATIONS) {
      batchReportLocation = options.batchReportLocation;
      if (!batchReportLocation) {
        if (source.isDirectoryBucket) {
          throw TrainingStorageError.invalidProperty(this, 'batchReportLocation', 'nothing',
            'a location in a general purpose bucket when the source is a directory bucket: Batch Operations cannot write reports to directory buckets');
        }
        batchReportLocation = DataLocation.fromBucket(source.bucket, DEFAULTS.batchReportPrefix, { encryptionKey: source.encryptionKey });
      } else if (batchReportLocation.isDirectoryBucket) {
        throw TrainingStorageError.invalidProperty(this, 'batchReportLocation', renderValue(batchReportLocation.s3Uri),
          'a location in a general purpose bucket: Batch Operations cannot write reports to directory buckets');
      }
    }
    return new DatasetCopy(this, id, {
      source,
      destination: this.location(destinationPrefix),
      engine,
      keys: options.keys,
      overwrite: options.overwrite,
      concurrency: options.concurrency,
      totalTimeout: options.totalTimeout,
      waitForBatchJob: options.waitForBatchJob,
      batchReportLocation,
      logRetention: options.logRetention,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
    });
  }

  public mountpointCommand(options: MountpointOptions): string {
    const args = ['mount-s3', this.bucketName, localPath(this, 'mountPath', options.mountPath)];
    if (options.prefix !== undefined) {
      const prefix = normalizeKeyPrefix(this, 'prefix', options.prefix);
      if (prefix !== '') {
        args.push('--prefix', prefix);
      }
    }
    if (options.cacheDirectory !== undefined) {
      args.push('--cache', localPath(this, 'cacheDirectory', options.cacheDirectory));
    }
    if (options.maxCacheSizeMiB !== undefined) {
      if (options.cacheDirectory === undefined) {
        throw TrainingStorageError.invalidProperty(this, 'maxCacheSizeMiB', renderValue(options.maxCacheSizeMiB),
          'nothing without cacheDirectory: the size limits the local cache');
      }
      args.push('--max-cache-size', String(positiveInteger(this, 'maxCacheSizeMiB', options.maxCacheSizeMiB, 1)));
    }
    if (options.readOnly && (options.allowDelete || options.allowOverwrite)) {
      throw TrainingStorageError.invalidProperty(this, options.allowDelete ? 'allowDelete' : 'allowOverwrite', 'true',
        'false with readOnly: true (a read-only mount cannot delete or overwrite)');
    }
    if (options.readOnly) {
      args.push('--read-only');
    }
    if (options.allowDelete) {
      args.push('--allow-delete');
    }
    if (options.allowOverwrite) {
      args.push('--allow-overwrite');
    }
    if (options.uid !== undefined) {
      args.push('--uid', String(positiveInteger(this, 'uid', options.uid, 0)));
    }
    if (options.gid !== undefined) {
      args.push('--gid', String(positiveInteger(this, 'gid', options.gid, 0)));
    }
    return args.join(' ');
  }

  public s3ConnectorSettings(): S3ConnectorSettings {
    return {
      bucketName: this.bucketName,
      region: Stack.of(this).region,
      endpointUrl: this.zonalEndpoint,
      s3Uri: this.s3Uri,
    };
  }

  /** Adds a statement already checked; imported buckets cannot. @internal */
  protected abstract _addCheckedStatement(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult;

  /** This bucket as an `s3.IBucket`, for `DataLocation` (no resource is created). */
  private asBucket(): s3.IBucket {
    if (!this.bucketView) {
      this.bucketView = s3.Bucket.fromBucketAttributes(this, 'BucketRef', {
        bucketName: this.bucketName,
        bucketArn: this.bucketArn,
        encryptionKey: this.encryptionKey,
      });
    }
    return this.bucketView;
  }
}

/**
 * An S3 Express One Zone directory bucket in the GPUs' Availability Zone: a training data cache
 * with single-digit-millisecond first-byte latency.
 *
 * The bucket (`AWS::S3Express::DirectoryBucket`, single-zone redundancy) is named
 * `<base>--<az-id>--x-s3`, placed by a subnet (its zone ID comes from CloudFormation, nothing typed
 * by hand) or by a zone ID, encrypted with SSE-S3 or a customer-managed KMS key, publishes request
 * metrics and is retained when it leaves the stack. Directory buckets are always private (Block
 * Public Access on, ACLs disabled) and unversioned.
 *
 * Access is session based: `grantRead` allows `s3express:CreateSession` in the `ReadOnly` session
 * mode, `grantReadWrite` in `ReadWrite` mode, on this bucket only; `grantMountpointRead` allows the
 * sessions a read-only Mountpoint mount asks for, which are `ReadWrite` ones. `importFrom` copies a
 * lake dataset in at deploy time.
 *
 * Construct IDs are part of the API: `Resource` (the bucket), `Policy` (the bucket policy),
 * `GatewayEndpoint`, `AutoDeleteObjects` (see `autoDeleteObjects`), `Import:<prefix segments>` (see `importFrom`).
 *
 * @example
 * declare const gpuSubnet: ec2.ISubnet;
 * declare const lake: TrainingDataLake;
 * declare const trainingRole: iam.IRole;
 * const cache = new ExpressCache(this, 'Cache', { subnet: gpuSubnet });
 * cache.importFrom(lake.dataset('corpus'));
 * cache.grantMountpointRead(trainingRole); // for cache.mountpointCommand({ mountPath: '/mnt/cache', readOnly: true })
 */
export class ExpressCache extends ExpressCacheBase {
  /**
   * An existing directory bucket, by its full name (`<base>--<az-id>--x-s3`, SSE-S3).
   *
   * @param scope the scope
   * @param id the construct ID
   * @param bucketName the bucket's name
   */
  public static fromBucketName(scope: Construct, id: string, bucketName: string): IExpressCache {
    return ExpressCache.fromBucketAttributes(scope, id, { bucketName });
  }

  /**
   * An existing directory bucket. Its policy and settings are not managed: `addToResourcePolicy`
   * checks the statement and adds nothing.
   *
   * @param scope the scope
   * @param id the construct ID
   * @param attrs the bucket's name, zone ID and key
   */
  public static fromBucketAttributes(scope: Construct, id: string, attrs: ExpressCacheAttributes): IExpressCache {
    return new ImportedExpressCache(scope, id, attrs);
  }

  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly availabilityZoneId: string;
  public readonly encryptionKey?: kms.IKey;
  /**
   * The gateway VPC endpoint for S3 Express One Zone.
   *
   * @default - none without `gatewayEndpointVpc`
   */
  public readonly gatewayEndpoint?: ec2.IGatewayVpcEndpoint;
  /** Whether request metrics are on (the `metric*` methods need them). */
  public readonly requestMetricsEnabled: boolean;

  private readonly resource: s3express.CfnDirectoryBucket;
  private policyDocument?: iam.PolicyDocument;

  public constructor(scope: Construct, id: string, props: ExpressCacheProps) {
    super(scope, id);
    this.availabilityZoneId = this.placement(props);
    this.checkZone(this.availabilityZoneId);
    const name = this.bucketNameFor(props.bucketBaseName, this.availabilityZoneId);
    this.encryptionKey = props.encryptionKey;
    const bucketEncryption = this.encryption(props.encryptionKey);
    const lifecycleRules = this.lifecycleRules(props.lifecycleRules ?? []);
    this.requestMetricsEnabled = props.requestMetricsEnabled ?? true;

    if (props.gatewayEndpointSubnets !== undefined && !props.gatewayEndpointVpc) {
      throw TrainingStorageError.invalidProperty(this, 'gatewayEndpointSubnets', `${props.gatewayEndpointSubnets.length} selection(s)`,
        'nothing without gatewayEndpointVpc, the VPC that gets the endpoint');
    }
    const removalPolicy = props.removalPolicy ?? DEFAULTS.removalPolicy;
    const autoDeleteObjects = props.autoDeleteObjects ?? DEFAULTS.autoDeleteObjects;
    if (autoDeleteObjects && removalPolicy !== RemovalPolicy.DESTROY) {
      throw TrainingStorageError.invalidProperty(this, 'autoDeleteObjects', 'true',
        `true only with removalPolicy: RemovalPolicy.DESTROY (here removalPolicy is ${renderRemovalPolicy(removalPolicy)}): `
        + 'objects are deleted only with a bucket that is deleted; otherwise false (the default)');
    }

    // AWS::S3Express::DirectoryBucket: LocationName is the AZ ID, DataRedundancy SingleAvailabilityZone
    // (AWS CloudFormation template reference). Changing BucketName, LocationName or DataRedundancy
    // replaces the bucket: retained by default.
    this.resource = new s3express.CfnDirectoryBucket(this, 'Resource', {
      bucketName: name,
      dataRedundancy: 'SingleAvailabilityZone',
      locationName: this.availabilityZoneId,
      bucketEncryption,
      lifecycleConfiguration: lifecycleRules.length > 0 ? { rules: lifecycleRules } : undefined,
      metricsConfigurations: this.requestMetricsEnabled ? [{ id: DEFAULTS.metricsFilterId }] : undefined,
      // The marker the auto-delete handler checks before it deletes anything.
      tags: autoDeleteObjects ? [{ key: AUTO_DELETE_TAG.key, value: AUTO_DELETE_TAG.value }] : undefined,
    });
    this.resource.applyRemovalPolicy(removalPolicy);
    this.bucketName = this.resource.ref;
    this.bucketArn = this.resource.attrArn;

    if (autoDeleteObjects) {
      new AutoDeleteObjects(this, 'AutoDeleteObjects', { bucketName: this.bucketName, bucketArn: this.bucketArn, bucket: this.resource });
    }

    if (lifecycleRules.length > 0) {
      // AWS docs, "Working with S3 Lifecycle for directory buckets": the lifecycle service needs a
      // ReadWrite session through the bucket policy to expire objects and abort uploads.
      this._addCheckedStatement(new iam.PolicyStatement({
        sid: 'AllowS3LifecycleSessions',
        principals: [new iam.ServicePrincipal('lifecycle.s3.amazonaws.com')],
        actions: ['s3express:CreateSession'],
        resources: [this.bucketArn],
        conditions: { StringEquals: { 's3express:SessionMode': 'ReadWrite' } },
      }));
    }

    if (props.gatewayEndpointVpc) {
      this.gatewayEndpoint = new ec2.GatewayVpcEndpoint(this, 'GatewayEndpoint', {
        vpc: props.gatewayEndpointVpc,
        service: ec2.GatewayVpcEndpointAwsService.S3_EXPRESS,
        subnets: props.gatewayEndpointSubnets ?? (props.subnet ? [{ subnets: [props.subnet] }] : undefined),
      });
    }
  }

  /**
   * A metric of this bucket's request metrics (namespace `AWS/S3`, dimensions `BucketName` and
   * `FilterId` = `EntireBucket`), such as `AllRequests`, `GetRequests`, `PutRequests`,
   * `FirstByteLatency`, `4xxErrors`.
   *
   * @param metricName the S3 request metric's name
   * @param props statistic, period and the other metric options
   */
  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    if (!this.requestMetricsEnabled) {
      throw TrainingStorageError.invalidProperty(this, 'requestMetricsEnabled', 'false',
        'true to read request metrics: without the EntireBucket metrics configuration S3 publishes none');
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/S3',
      metricName,
      dimensionsMap: { BucketName: this.bucketName, FilterId: DEFAULTS.metricsFilterId },
      statistic: cloudwatch.Stats.SUM,
      ...props,
    }).attachTo(this);
  }

  /** All requests (Sum). */
  public metricAllRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('AllRequests', props);
  }

  /** GET requests (Sum). */
  public metricGetRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('GetRequests', props);
  }

  /** PUT requests (Sum). */
  public metricPutRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('PutRequests', props);
  }

  /** LIST requests (Sum). */
  public metricListRequests(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('ListRequests', props);
  }

  /** Bytes downloaded (Sum). */
  public metricBytesDownloaded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesDownloaded', props);
  }

  /** Bytes uploaded (Sum). */
  public metricBytesUploaded(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('BytesUploaded', props);
  }

  /** Milliseconds from a request's receipt to the first byte of the response (Average). */
  public metricFirstByteLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FirstByteLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /** Milliseconds from a request's first byte to the response's last byte (Average). */
  public metricTotalRequestLatency(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('TotalRequestLatency', { statistic: cloudwatch.Stats.AVERAGE, ...props });
  }

  /** Requests answered with a 4xx status (Sum). */
  public metric4xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('4xxErrors', props);
  }

  /** Requests answered with a 5xx status (Sum), 503 Slow Down included. */
  public metric5xxErrors(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('5xxErrors', props);
  }

  /** @internal */
  protected _addCheckedStatement(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    if (!this.policyDocument) {
      this.policyDocument = new iam.PolicyDocument();
      // AWS::S3Express::BucketPolicy.
      new s3express.CfnBucketPolicy(this, 'Policy', { bucket: this.bucketName, policyDocument: this.policyDocument });
    }
    this.policyDocument.addStatements(statement);
    return { statementAdded: true, policyDependable: this.node.findChild('Policy') };
  }

  private placement(props: ExpressCacheProps): string {
    if (props.subnet && props.availabilityZoneId !== undefined) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', renderValue(props.availabilityZoneId),
        'nothing together with subnet: give exactly one of subnet and availabilityZoneId');
    }
    if (props.subnet) {
      const cfnSubnet = props.subnet.node.defaultChild;
      if (!(cfnSubnet instanceof ec2.CfnSubnet)) {
        throw TrainingStorageError.invalidProperty(this, 'subnet', `an imported subnet (${renderValue(props.subnet.subnetId)})`,
          'a subnet created in this app (ec2.Subnet or a subnet of an ec2.Vpc), whose AvailabilityZoneId CloudFormation returns; '
          + 'for an imported subnet pass its zone ID as availabilityZoneId instead (not its zone name: names differ per account)');
      }
      return cfnSubnet.availabilityZoneId ?? cfnSubnet.attrAvailabilityZoneId;
    }
    if (props.availabilityZoneId === undefined) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', 'nothing',
        'exactly one of subnet (the GPU subnet) and availabilityZoneId (such as "use1-az4")');
    }
    return props.availabilityZoneId;
  }

  private checkZone(azId: string): void {
    if (Token.isUnresolved(azId)) {
      return;
    }
    if (!AZ_ID_PATTERN.test(azId)) {
      let allowed = 'an Availability Zone ID such as "use1-az4"';
      if (ZONE_NAME_PATTERN.test(azId)) {
        allowed += `: ${renderValue(azId)} is a zone name, and zone names map to different physical zones in different accounts; `
          + 'find the ID with `aws ec2 describe-availability-zones` (ZoneId), or place the bucket with subnet';
      } else if (LOCAL_ZONE_ID_PATTERN.test(azId)) {
        allowed += ': Local Zone directory buckets (SingleLocalZone redundancy) are not supported by ExpressCache';
      }
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', renderValue(azId), allowed);
    }
    const zoneRegion = REGION_OF_AZ_ID_PREFIX[regionPrefixOf(azId)];
    if (!zoneRegion) {
      return; // A Region this library has no list for: no opinion.
    }
    const stackRegion = Stack.of(this).region;
    if (!Token.isUnresolved(stackRegion) && stackRegion !== zoneRegion) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', renderValue(azId),
        `an Availability Zone ID of the stack's Region ${stackRegion}: ${renderValue(azId)} is in ${zoneRegion}`);
    }
    const supported = EXPRESS_ONE_ZONE_AZ_IDS[zoneRegion];
    if (!supported.includes(azId)) {
      Validations.of(this).addWarning('ExpressCache.UnsupportedZone',
        `availabilityZoneId ${renderValue(azId)} is not among the zones where S3 Express One Zone is documented in ${zoneRegion} `
        + `(${supported.join(', ')}; Amazon S3 User Guide, "S3 Express One Zone Availability Zones and Regions"): creating the `
        + 'bucket will fail unless AWS supports the zone now. Acknowledge with Validations.of(cache).acknowledge('
        + "{ id: 'ExpressCache.UnsupportedZone', reason }) if it does.");
    }
  }

  private bucketNameFor(baseName: string | undefined, azId: string): string {
    const azLength = Token.isUnresolved(azId) ? MAX_AZ_ID_LENGTH : azId.length;
    const maxBaseLength = MAX_NAME_LENGTH - azLength - 2 - NAME_SUFFIX.length;
    if (baseName === undefined) {
      return `${this.defaultBaseName()}--${azId}${NAME_SUFFIX}`;
    }
    if (!Token.isUnresolved(baseName)) {
      const allowed = 'lowercase letters, digits and hyphens, starting and ending with a letter or digit, without "--", '
        + `not starting with "xn--" or "sthree-", at most ${maxBaseLength} characters here (the name <base>--<az-id>--x-s3 is 3 to 63 characters`
        + `${Token.isUnresolved(azId) ? `, counting ${MAX_AZ_ID_LENGTH} for a zone ID known at deploy time only` : ''})`;
      if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(baseName) || baseName.includes('--')
        || baseName.startsWith('xn--') || baseName.startsWith('sthree-') || baseName.length > maxBaseLength) {
        throw TrainingStorageError.invalidProperty(this, 'bucketBaseName', renderValue(baseName), allowed);
      }
    }
    return `${baseName}--${azId}${NAME_SUFFIX}`;
  }

  /** `<path, up to 20>-<hash 8>-<account>`: stable per construct path and account. */
  private defaultBaseName(): string {
    const readable = this.node.scopes.map((s) => s.node.id).filter((id) => id !== '')
      .join('-').toLowerCase().replace(/[^a-z0-9-]/g, '').replace(/-+/g, '-').replace(/^-|-$/g, '')
      .slice(0, 20).replace(/-$/, '');
    const hash = createHash('sha256').update(this.node.path).digest('hex').slice(0, 8);
    return `${readable || 'cache'}-${hash}-${Stack.of(this).account}`;
  }

  private encryption(key: kms.IKey | undefined): s3express.CfnDirectoryBucket.BucketEncryptionProperty {
    if (!key) {
      return { serverSideEncryptionConfiguration: [{ serverSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] };
    }
    const stack = Stack.of(this);
    const aliasToken = (key as Partial<kms.IAlias>).aliasName;
    const resolvedAlias = aliasToken === undefined ? undefined : stack.resolve(aliasToken);
    const aliasName = aliasToken === undefined ? undefined : typeof resolvedAlias === 'string' ? resolvedAlias : aliasToken;
    const keyArn = stack.resolve(key.keyArn);
    const arnText = typeof keyArn === 'string' ? keyArn : '';
    if ((aliasName !== undefined && !Token.isUnresolved(aliasName) && aliasName === 'alias/aws/s3') || arnText.endsWith(':alias/aws/s3')) {
      throw TrainingStorageError.invalidProperty(this, 'encryptionKey', 'the AWS managed key aws/s3',
        'a customer-managed KMS key: directory buckets use one customer-managed key for their whole life, given as key ID or ARN; '
        + 'the AWS managed aws/s3 key is not supported (leave encryptionKey out for SSE-S3)');
    }
    if (aliasName !== undefined || /:alias\//.test(arnText)) {
      throw TrainingStorageError.invalidProperty(this, 'encryptionKey', `an alias (${renderValue(aliasName ?? arnText)})`,
        'a key (kms.Key, or kms.Key.fromKeyArn): directory buckets take their one customer-managed key by key ID or ARN, never by alias; '
        + 'use the alias\'s target key (alias.aliasTargetKey for a kms.Alias)');
    }
    return {
      serverSideEncryptionConfiguration: [{
        serverSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: key.keyArn },
        bucketKeyEnabled: true,
      }],
    };
  }

  private lifecycleRules(rules: s3.LifecycleRule[]): s3express.CfnDirectoryBucket.RuleProperty[] {
    const unsupported: Array<[keyof s3.LifecycleRule, string]> = [
      ['transitions', 'directory buckets hold one storage class (S3 Express One Zone) and cannot transition objects'],
      ['noncurrentVersionTransitions', 'directory buckets are not versioned'],
      ['noncurrentVersionExpiration', 'directory buckets are not versioned'],
      ['noncurrentVersionsToRetain', 'directory buckets are not versioned'],
      ['expiredObjectDeleteMarker', 'directory buckets are not versioned and have no delete markers'],
      ['expirationDate', 'directory bucket rules expire objects after a number of days (expiration)'],
      ['tagFilters', 'directory bucket rules filter by prefix and object size only'],
    ];
    return rules.map((rule, index) => {
      const property = `lifecycleRules[${index}]`;
      for (const [field, why] of unsupported) {
        if (rule[field] !== undefined) {
          throw TrainingStorageError.invalidProperty(this, `${property}.${field}`, renderLifecycleValue(rule[field]),
            `nothing: ${why}; directory bucket lifecycle rules support expiration and abortIncompleteMultipartUploadAfter only`);
        }
      }
      if (rule.expiration === undefined && rule.abortIncompleteMultipartUploadAfter === undefined) {
        throw TrainingStorageError.invalidProperty(this, property, 'a rule without an action',
          'a rule with expiration, abortIncompleteMultipartUploadAfter or both');
      }
      for (const [field, value] of [['objectSizeGreaterThan', rule.objectSizeGreaterThan], ['objectSizeLessThan', rule.objectSizeLessThan]] as const) {
        if (value !== undefined && !Token.isUnresolved(value) && (!Number.isInteger(value) || value < 0)) {
          throw TrainingStorageError.invalidProperty(this, `${property}.${field}`, renderValue(value), 'a whole number of bytes, 0 or more');
        }
      }
      if (rule.objectSizeGreaterThan !== undefined && rule.objectSizeLessThan !== undefined
        && !Token.isUnresolved(rule.objectSizeGreaterThan) && !Token.isUnresolved(rule.objectSizeLessThan)
        && rule.objectSizeLessThan <= rule.objectSizeGreaterThan) {
        throw TrainingStorageError.invalidProperty(this, `${property}.objectSizeLessThan`, renderValue(rule.objectSizeLessThan),
          `more than objectSizeGreaterThan (${rule.objectSizeGreaterThan})`);
      }
      const prefix = rule.prefix === undefined ? undefined : normalizeKeyPrefix(this, `${property}.prefix`, rule.prefix);
      return {
        id: rule.id,
        status: rule.enabled === false ? 'Disabled' : 'Enabled',
        prefix: prefix === '' ? undefined : prefix,
        expirationInDays: rule.expiration === undefined ? undefined : wholeDays(this, `${property}.expiration`, rule.expiration, { min: 1 }),
        abortIncompleteMultipartUpload: rule.abortIncompleteMultipartUploadAfter === undefined ? undefined : {
          daysAfterInitiation: wholeDays(this, `${property}.abortIncompleteMultipartUploadAfter`, rule.abortIncompleteMultipartUploadAfter, { min: 1 }),
        },
        objectSizeGreaterThan: rule.objectSizeGreaterThan === undefined ? undefined : String(rule.objectSizeGreaterThan),
        objectSizeLessThan: rule.objectSizeLessThan === undefined ? undefined : String(rule.objectSizeLessThan),
      };
    });
  }
}

/** A directory bucket this stack does not manage. */
class ImportedExpressCache extends ExpressCacheBase {
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly availabilityZoneId: string;
  public readonly encryptionKey?: kms.IKey;

  public constructor(scope: Construct, id: string, attrs: ExpressCacheAttributes) {
    super(scope, id);
    this.bucketName = attrs.bucketName;
    const nameIsLiteral = !Token.isUnresolved(attrs.bucketName);
    const match = nameIsLiteral ? /^[a-z0-9-]+--([a-z]{2,5}[0-9]{1,2}-(?:[a-z]+[0-9]+-)?az[0-9]{1,2})--x-s3$/.exec(attrs.bucketName) : null;
    if (nameIsLiteral && (!match || attrs.bucketName.length < 3 || attrs.bucketName.length > MAX_NAME_LENGTH)) {
      throw TrainingStorageError.invalidProperty(this, 'bucketName', renderValue(attrs.bucketName),
        'a directory bucket name <base>--<az-id>--x-s3, 3 to 63 lowercase letters, digits and hyphens, such as "cache--use1-az4--x-s3"');
    }
    const azId = attrs.availabilityZoneId ?? match?.[1];
    if (azId === undefined) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', 'nothing',
        'the bucket\'s Availability Zone ID when bucketName is an unresolved token (it cannot be read from the name)');
    }
    if (match && !Token.isUnresolved(azId) && azId !== match[1]) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', renderValue(azId),
        `the zone ID in bucketName (${renderValue(match[1])}) or nothing`);
    }
    this.availabilityZoneId = azId;
    this.encryptionKey = attrs.encryptionKey;
    this.bucketArn = Stack.of(this).formatArn({ service: 's3express', resource: 'bucket', resourceName: attrs.bucketName });
  }

  /** @internal */
  protected _addCheckedStatement(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: false };
  }
}

/** A directory bucket policy allows `s3express:CreateSession` only (AWS docs, directory bucket policies). */
function checkSessionOnly(scope: IConstruct, statement: iam.PolicyStatement): void {
  const actions = [...new Set(statement.actions)];
  if (statement.notActions.length > 0 || actions.length !== 1 || actions[0] !== 's3express:CreateSession') {
    const received = statement.notActions.length > 0
      ? `NotAction ${JSON.stringify(statement.notActions)}`
      : `actions ${JSON.stringify(statement.actions)}`;
    throw TrainingStorageError.invalidProperty(scope, 'statement', received,
      'a statement whose only action is "s3express:CreateSession": a directory bucket policy can allow nothing else '
      + '(limit access with the s3express:SessionMode condition: ReadOnly or ReadWrite)');
  }
}

function localPath(scope: IConstruct, property: string, path: string): string {
  if (!Token.isUnresolved(path) && !/^\/[A-Za-z0-9._\/-]*$/.test(path)) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(path),
      'an absolute path of letters, digits, ".", "_", "-" and "/", such as "/mnt/cache" (no spaces or shell characters)');
  }
  return path;
}

function positiveInteger(scope: IConstruct, property: string, value: number, min: number): number {
  if (!Token.isUnresolved(value) && (!Number.isInteger(value) || value < min)) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(value), `a whole number, ${min} or more`);
  }
  return value;
}

function renderRemovalPolicy(policy: RemovalPolicy): string {
  const name = (Object.keys(RemovalPolicy) as Array<keyof typeof RemovalPolicy>).find((k) => RemovalPolicy[k] === policy);
  return name ? `RemovalPolicy.${name}` : String(policy);
}

function renderLifecycleValue(value: unknown): string {
  if (value instanceof Duration || typeof value === 'string' || typeof value === 'number') {
    return renderValue(value);
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  return JSON.stringify(value, (_k, v) => (v instanceof Duration ? v.toHumanString() : v instanceof s3.StorageClass ? v.value : v));
}
