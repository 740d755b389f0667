import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { acknowledgeWildcards } from './acknowledge';
import { TrainingStorageError, renderValue } from './errors';
import { isDirectoryBucketName } from './s3-names';
import { normalizeKeyPrefix, validateSegmentName } from './validation';

/** Options for {@link DataLocation.fromBucket}. */
export interface DataLocationOptions {
  /**
   * The KMS key that encrypts the bucket's objects, when the bucket itself does not carry it
   * (an imported bucket, for example). Grants include the matching `kms:` actions on this key.
   *
   * @default - the bucket's own `encryptionKey`; without one, grants include no KMS actions
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * Whether the bucket is an S3 Express One Zone directory bucket, whose grants are
   * `s3express:CreateSession` (session-based authorization) instead of `s3:` object actions.
   *
   * Needed when the bucket's name is an unresolved token (a directory bucket named from a subnet's
   * Availability Zone ID, for example), which cannot be recognized by its `--x-s3` suffix.
   *
   * @default - detected from the bucket name: true when it ends with `--x-s3`
   */
  readonly directoryBucket?: boolean;
}

/**
 * A place for training data: an S3 bucket plus a key prefix.
 *
 * Every construct of this library that reads or writes data takes or returns one. A location knows
 * its `s3://` URI and grants access to exactly its prefix: a reader of `datasets/corpus/` can list
 * and read keys under that prefix and nothing else in the bucket.
 *
 * Grants are added to the grantee's identity policy, so the grantee belongs to the bucket's account.
 */
export class DataLocation {
  /**
   * A location in a bucket.
   *
   * @param bucket the bucket that holds the data
   * @param prefix the key prefix, normalized to end with `/`; the empty string is the whole bucket
   * @param options the KMS key when the bucket does not carry it
   */
  public static fromBucket(bucket: s3.IBucket, prefix: string, options: DataLocationOptions = {}): DataLocation {
    return new DataLocation(bucket, normalizeKeyPrefix(bucket, 'prefix', prefix), options.encryptionKey ?? bucket.encryptionKey,
      options.directoryBucket);
  }

  /** The bucket that holds the data. */
  public readonly bucket: s3.IBucket;
  /** The key prefix: empty (the whole bucket) or ending with `/`. */
  public readonly prefix: string;
  /**
   * The KMS key that encrypts the objects, when known.
   *
   * @default - none known: SSE-S3 or a key this library was not told about
   */
  public readonly encryptionKey?: kms.IKey;

  private readonly directoryBucket?: boolean;

  private constructor(bucket: s3.IBucket, prefix: string, encryptionKey?: kms.IKey, directoryBucket?: boolean) {
    this.bucket = bucket;
    this.prefix = prefix;
    this.encryptionKey = encryptionKey;
    this.directoryBucket = directoryBucket;
  }

  /** The name of the bucket. */
  public get bucketName(): string {
    return this.bucket.bucketName;
  }

  /** The location as a URI: `s3://<bucket>/<prefix>`. */
  public get s3Uri(): string {
    return `s3://${this.bucket.bucketName}/${this.prefix}`;
  }

  /** ARN pattern of every object under the prefix: `arn:...:<bucket>/<prefix>*`. */
  public get objectsArn(): string {
    return this.bucket.arnForObjects(`${this.prefix}*`);
  }

  /**
   * A location below this one: `<prefix><name>/`.
   *
   * @param name one or more key segments, such as `corpus` or `corpus/v2`
   */
  public child(name: string): DataLocation {
    for (const segment of name.replace(/\/$/, '').split('/')) {
      validateSegmentName(this.bucket, 'name', segment);
    }
    return DataLocation.fromBucket(this.bucket, `${this.prefix}${name}`, { encryptionKey: this.encryptionKey, directoryBucket: this.directoryBucket });
  }

  /**
   * Lets the grantee list and read the objects under this prefix (and decrypt them).
   *
   * Actions: `s3:GetObject`, `s3:GetObjectVersion`, `s3:GetObjectAttributes` on the prefix's objects;
   * `s3:ListBucket` on the bucket, limited by the `s3:prefix` condition; `kms:Decrypt` on the key. In a
   * directory bucket: `s3express:CreateSession` in the `ReadOnly` session mode, and `kms:GenerateDataKey`
   * and `kms:Decrypt` on the key.
   */
  public grantRead(grantee: iam.IGrantable): iam.Grant {
    if (this.isDirectoryBucket) {
      return this.grantSession(grantee, 'ReadOnly');
    }
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'],
      resourceArns: [this.objectsArn],
    }).combine(this.grantList(grantee));
    return this.encryptionKey ? grant.combine(this.encryptionKey.grantDecrypt(grantee)) : grant;
  }

  /**
   * Lets the grantee write and delete objects under this prefix (and encrypt them).
   *
   * Actions: `s3:PutObject`, `s3:AbortMultipartUpload`, `s3:ListMultipartUploadParts`,
   * `s3:DeleteObject` on the prefix's objects; `s3:ListBucket` limited to the prefix (to find what
   * is there already); `kms:GenerateDataKey` and `kms:Decrypt` on the key (SSE-KMS writes generate a
   * data key; multipart uploads decrypt it for each part).
   */
  public grantWrite(grantee: iam.IGrantable): iam.Grant {
    if (this.isDirectoryBucket) {
      return this.grantSession(grantee, 'ReadWrite');
    }
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:DeleteObject'],
      resourceArns: [this.objectsArn],
    }).combine(this.grantList(grantee));
    return this.encryptionKey ? grant.combine(this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt')) : grant;
  }

  /**
   * Lets the grantee mount this location read-only with Mountpoint for Amazon S3 (on an instance, or
   * through the Mountpoint CSI driver on EKS).
   *
   * In a general purpose bucket this is {@link grantRead}. In a directory bucket it is
   * `s3express:CreateSession` on the bucket **without** the `s3express:SessionMode` condition that
   * `grantRead` sets, and `kms:GenerateDataKey` and `kms:Decrypt` on the key: Mountpoint creates a
   * `ReadWrite` session even for a `--read-only` mount ("Mountpoint currently will create a
   * ReadWrite S3 Express session regardless of the --read-only flag":
   * https://github.com/awslabs/mountpoint-s3/issues/1076), so a policy that allows `ReadOnly`
   * sessions only can fail the mount; Mountpoint's own policy for directory buckets is
   * `CreateSession` without a condition
   * (https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md). The trade-off: IAM then
   * allows what `grantWrite` allows in that bucket; the mount is read-only because Mountpoint runs
   * with `--read-only`, not because IAM says so.
   */
  public grantMountpointRead(grantee: iam.IGrantable): iam.Grant {
    return this.isDirectoryBucket ? this.grantSession(grantee, 'ReadWrite') : this.grantRead(grantee);
  }

  /** {@link grantRead} and {@link grantWrite} together. */
  public grantReadWrite(grantee: iam.IGrantable): iam.Grant {
    return this.grantRead(grantee).combine(this.grantWrite(grantee));
  }

  /**
   * Acknowledges cdk-nag's wildcard finding (AwsSolutions-IAM5) on this location's objects,
   * `<bucket>/<prefix>*`, in the policy that holds the grantee's grants: a grant scoped to a key
   * prefix is a wildcard by nature, and cdk-nag reports it on every prefix grant.
   *
   * Only that one finding, on that one policy, is acknowledged: any other wildcard in the policy,
   * and the same wildcard in any other policy, is still reported. Call it after granting
   * (`grantRead`, `grantWrite` or `grantReadWrite`) to a role, user or group of this app, or to an
   * imported role.
   *
   * Directory buckets have nothing to acknowledge (their grants name the bucket, without a
   * wildcard) and are rejected.
   *
   * @param grantee the principal that was granted access to this location
   * @param reason why the principal needs every object under the prefix
   */
  public acknowledgeGrantWildcard(grantee: iam.IGrantable, reason: string): void {
    const scope = this.bucket;
    if (this.isDirectoryBucket) {
      throw TrainingStorageError.invalidProperty(scope, 'acknowledgeGrantWildcard', this.bucket.bucketName,
        'a general purpose bucket: grants on a directory bucket are s3express:CreateSession on the bucket, without a wildcard');
    }
    if (reason.trim().length < 10) {
      throw TrainingStorageError.invalidProperty(scope, 'reason', renderValue(reason),
        'a specific reason (at least 10 characters): why the principal needs every object under the prefix');
    }
    if (!acknowledgeWildcards(grantee, [this.objectsArn], reason)) {
      throw TrainingStorageError.invalidProperty(scope, 'grantee', String(grantee.grantPrincipal),
        'a principal that was granted access to this location first: a role, user or group of this app, or an imported role');
    }
  }

  /**
   * True for an S3 Express One Zone directory bucket: as stated by the `directoryBucket` option,
   * otherwise detected from a name ending with `--x-s3` (a name that is an unresolved token is not
   * recognized: pass `directoryBucket: true` for it).
   *
   * Directory buckets authorize with sessions: a grant is `s3express:CreateSession` on the bucket,
   * limited to the `ReadOnly` session mode for readers. A session covers the whole bucket: IAM
   * cannot scope it to a prefix.
   */
  public get isDirectoryBucket(): boolean {
    if (this.directoryBucket !== undefined) {
      return this.directoryBucket;
    }
    return !Token.isUnresolved(this.bucket.bucketName) && isDirectoryBucketName(this.bucket.bucketName);
  }

  private grantSession(grantee: iam.IGrantable, mode: 'ReadOnly' | 'ReadWrite'): iam.Grant {
    const bucketArn = Stack.of(this.bucket).formatArn({ service: 's3express', resource: 'bucket', resourceName: this.bucket.bucketName });
    const grant = iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3express:CreateSession'],
      resourceArns: [bucketArn],
      conditions: mode === 'ReadOnly' ? { StringEquals: { 's3express:SessionMode': 'ReadOnly' } } : undefined,
    });
    if (!this.encryptionKey) {
      return grant;
    }
    // Reads need both too: "If the object is encrypted with SSE-KMS, you must also have the
    // kms:GenerateDataKey and kms:Decrypt permissions" (GetObject, directory bucket permissions:
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObject.html).
    return grant.combine(this.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt'));
  }

  private grantList(grantee: iam.IGrantable): iam.Grant {
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['s3:ListBucket'],
      resourceArns: [this.bucket.bucketArn],
      conditions: this.prefix === '' ? undefined : { StringLike: { 's3:prefix': [`${this.prefix}*`] } },
    });
  }
}
