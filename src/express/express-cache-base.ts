import { Resource, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import {
  checkCacheSizeNeedsCache, checkLocalPath, checkReadOnlyFlags, checkWholeNumber, renderMountpointCommand, zonalEndpointUrl,
} from './clients';
import { ExpressCacheImportOptions, MountpointOptions, S3ConnectorSettings } from './express-cache-props';
import { DEFAULTS } from './private/defaults';
import { fail } from './private/fail';
import { checkSessionOnlyStatement } from './rules';
import { DataLocation } from '../core/data-location';
import { TrainingStorageError, renderValue } from '../core/errors';
import { IZonalStorage } from '../core/training-zone';
import { normalizeKeyPrefix } from '../core/validation';
import { DatasetCopy, DatasetCopyEngine } from '../transfer/dataset-copy';

/** An S3 Express One Zone directory bucket used as a training data cache. */
export interface IExpressCache extends IZonalStorage {
  /** The bucket name: `<base>--<az-id>--x-s3`. */
  readonly bucketName: string;
  /** The bucket ARN: `arn:<partition>:s3express:<region>:<account>:bucket/<name>`. */
  readonly bucketArn: string;
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
    return zonalEndpointUrl(this.availabilityZoneId, stack.region, domain);
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
    // The ReadWrite session Mountpoint asks for even to read (see DataLocation.grantMountpointRead).
    return this.location('').grantMountpointRead(grantee);
  }

  public addToResourcePolicy(statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    fail(this, checkSessionOnlyStatement(statement.actions, statement.notActions));
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
    // The checks in the order of the command's arguments: the first violation is the one reported.
    this.requireLocalPath('mountPath', options.mountPath);
    const prefix = options.prefix === undefined ? undefined : normalizeKeyPrefix(this, 'prefix', options.prefix);
    if (options.cacheDirectory !== undefined) {
      this.requireLocalPath('cacheDirectory', options.cacheDirectory);
    }
    if (options.maxCacheSizeMiB !== undefined) {
      fail(this, checkCacheSizeNeedsCache(renderValue(options.maxCacheSizeMiB), options.cacheDirectory !== undefined));
      this.requireWholeNumber('maxCacheSizeMiB', options.maxCacheSizeMiB, 1);
    }
    fail(this, checkReadOnlyFlags(options.readOnly ?? false, options.allowDelete ?? false, options.allowOverwrite ?? false));
    if (options.uid !== undefined) {
      this.requireWholeNumber('uid', options.uid, 0);
    }
    if (options.gid !== undefined) {
      this.requireWholeNumber('gid', options.gid, 0);
    }
    return renderMountpointCommand({ ...options, bucketName: this.bucketName, prefix });
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

  private requireLocalPath(property: string, path: string): void {
    if (!Token.isUnresolved(path)) {
      fail(this, checkLocalPath(property, path));
    }
  }

  private requireWholeNumber(property: string, value: number, min: number): void {
    if (!Token.isUnresolved(value)) {
      fail(this, checkWholeNumber(property, value, min));
    }
  }
}
