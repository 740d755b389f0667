import { Aws, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as fsx from 'aws-cdk-lib/aws-fsx';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { defaultFileSystemPath, literalFileSystemPath } from './file-system-path';
import { fail } from './validation';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { LustreDataRepositoryOptions } from '../lustre-scratch-props';
import { DataRepositoryEvent } from '../options';
import * as rules from '../rules';

/** One association, as the overlap checks need it. */
interface AssociationRecord {
  readonly fileSystemPath: string;
  /** The bucket name resolved for comparison (a literal or a token's CloudFormation form). */
  readonly bucketKey: string;
  readonly prefix: string;
  readonly s3Uri: string;
  readonly association: fsx.CfnDataRepositoryAssociation;
}

/**
 * The data repository associations of one file system: the checks that compare an association with
 * the others (paths and prefixes that must not overlap), the order in which CloudFormation creates
 * them, and the key policy statement FSx needs for SSE-KMS buckets. The associations are children of
 * the file system construct (`DataRepository:<path segments joined by ":">`).
 */
export class DataRepositoryAssociations {
  private readonly records: AssociationRecord[] = [];
  private readonly keysWithFsxStatement = new Set<kms.IKey>();

  /**
   * @param fileSystem the file system construct: the scope of the associations and of messages
   * @param fileSystemId the file system ID
   * @param removalPolicy what happens to the associations when they leave the stack
   */
  public constructor(private readonly fileSystem: Construct, private readonly fileSystemId: string,
    private readonly removalPolicy: RemovalPolicy) {}

  /** The associations, in the order they were added. */
  public get associations(): fsx.CfnDataRepositoryAssociation[] {
    return this.records.map((a) => a.association);
  }

  /** How many associations there are. */
  public get count(): number {
    return this.records.length;
  }

  /** Checks the association against the others and creates it after the last one. */
  public add(options: LustreDataRepositoryOptions): fsx.CfnDataRepositoryAssociation {
    const location = options.location;
    if (location.isDirectoryBucket) {
      throw TrainingStorageError.invalidProperty(this.fileSystem, 'location', renderLocation(location),
        'a location in a general purpose bucket: FSx for Lustre data repositories link to general purpose buckets, not S3 Express One Zone directory buckets');
    }
    const fileSystemPath = literalFileSystemPath(this.fileSystem, options.fileSystemPath ?? defaultFileSystemPath(this.fileSystem, location));
    const stack = Stack.of(this.fileSystem);
    const bucketKey = JSON.stringify(stack.resolve(location.bucketName));
    for (const other of this.records) {
      if (rules.fileSystemPathsOverlap(fileSystemPath, other.fileSystemPath)) {
        throw TrainingStorageError.invalidProperty(this.fileSystem, 'fileSystemPath', renderValue(fileSystemPath),
          `a path that does not overlap ${renderValue(other.fileSystemPath)} (${other.s3Uri}): the paths of a file system's data repositories `
          + 'must not contain one another, and "/" can only be the one data repository');
      }
      if (bucketKey === other.bucketKey && !Token.isUnresolved(location.prefix) && rules.s3PrefixesOverlap(location.prefix, other.prefix)) {
        throw TrainingStorageError.invalidProperty(this.fileSystem, 'location', renderValue(location.prefix === '' ? '(the whole bucket)' : location.prefix),
          `a prefix that does not overlap ${renderValue(other.prefix === '' ? '(the whole bucket)' : other.prefix)} of the same bucket (linked to `
          + `${other.fileSystemPath}): the S3 paths of a file system's data repositories must not contain one another`);
      }
    }

    const autoImport = options.autoImport ?? [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED];
    const autoExport = options.autoExport ?? [];
    fail(this.fileSystem, rules.checkEvents('autoImport', autoImport));
    fail(this.fileSystem, rules.checkEvents('autoExport', autoExport));
    if (options.importedFileChunkSizeMiB !== undefined && !Token.isUnresolved(options.importedFileChunkSizeMiB)) {
      fail(this.fileSystem, rules.checkImportedFileChunkSize(options.importedFileChunkSizeMiB));
    }
    const bucketRegion = location.bucket.env.region;
    if (autoImport.length > 0 && !Token.isUnresolved(bucketRegion) && !Token.isUnresolved(stack.region) && bucketRegion !== stack.region) {
      throw TrainingStorageError.invalidProperty(this.fileSystem, 'autoImport', JSON.stringify(autoImport),
        `[] for a bucket in ${bucketRegion}: automatic import needs the bucket in the file system's Region (${stack.region}); automatic export works across Regions`);
    }

    const id = fileSystemPath === '/' ? 'DataRepository' : `DataRepository:${fileSystemPath.slice(1).split('/').join(':')}`;
    const association = new fsx.CfnDataRepositoryAssociation(this.fileSystem, id, {
      fileSystemId: this.fileSystemId,
      fileSystemPath,
      dataRepositoryPath: location.s3Uri,
      batchImportMetaDataOnCreate: options.batchImportMetaDataOnCreate ?? true,
      importedFileChunkSize: options.importedFileChunkSizeMiB,
      s3: autoImport.length > 0 || autoExport.length > 0 ? {
        autoImportPolicy: autoImport.length > 0 ? { events: [...autoImport] } : undefined,
        autoExportPolicy: autoExport.length > 0 ? { events: [...autoExport] } : undefined,
      } : undefined,
    });
    association.applyRemovalPolicy(this.removalPolicy);
    // One after another: FSx can fail associations of one file system created at the same time.
    const previous = this.records[this.records.length - 1]?.association;
    if (previous) {
      association.node.addDependency(previous);
    }
    this.records.push({ fileSystemPath, bucketKey, prefix: location.prefix, s3Uri: renderLocation(location), association });
    if (location.encryptionKey) {
      this.allowFsxThroughKey(location);
    }
    return association;
  }

  /**
   * The key policy statement of the FSx for Lustre User Guide ("Working with server-side encrypted
   * Amazon S3 buckets") that lets the file systems of this account use the bucket's key through S3:
   * the FSx S3 service-linked roles (`AWSServiceRoleForFSxS3Access_fs-...`, session name `FSx`),
   * calling through `s3.<region>.amazonaws.com`. The per-file-system form names the role
   * `AWSServiceRoleForFSxS3Access_<file system ID>`, which exists only once the association is
   * created, after the key: a key policy cannot name it in the same deployment. With a literal
   * bucket name the statement is also limited to the bucket's encryption context (the bucket ARN,
   * as S3 Bucket Keys use, and its objects under the prefix).
   */
  private allowFsxThroughKey(location: DataLocation): void {
    const key = location.encryptionKey!;
    if (this.keysWithFsxStatement.has(key)) {
      return;
    }
    this.keysWithFsxStatement.add(key);
    const stack = Stack.of(this.fileSystem);
    const bucketRegion = location.bucket.env.region;
    const account = Token.isUnresolved(stack.account) ? Aws.ACCOUNT_ID : stack.account;
    const stringLike: Record<string, unknown> = { 'aws:userid': '*:FSx' };
    if (!Token.isUnresolved(location.bucketName)) {
      stringLike['kms:EncryptionContext:aws:s3:arn'] = [location.bucket.bucketArn, location.objectsArn];
    }
    const statement = new iam.PolicyStatement({
      sid: 'AllowFSxForLustreDataRepositories',
      principals: [new iam.AnyPrincipal()],
      actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:CallerAccount': account, 'kms:ViaService': `s3.${bucketRegion}.amazonaws.com` },
        StringLike: stringLike,
      },
    });
    const result = key.addToResourcePolicy(statement);
    if (!result.statementAdded) {
      Validations.of(this.fileSystem).addWarning('LustreScratch.KeyPolicy',
        `The KMS key of ${renderLocation(location)} is not managed by this app: add this statement to its key policy so that FSx can read and `
        + 'write the bucket through it (FSx for Lustre User Guide, "Working with server-side encrypted Amazon S3 buckets"): '
        + `${JSON.stringify(stack.resolve(statement.toStatementJson()))}. Acknowledge with Validations.of(fs).acknowledge({ id: 'LustreScratch.KeyPolicy', reason }).`);
    }
  }
}

/** A location for messages: its `s3://` URI, with the bucket's construct path when its name is a token. */
export function renderLocation(location: DataLocation): string {
  return Token.isUnresolved(location.bucketName) ? `s3://<${location.bucket.node.path}>/${location.prefix}` : location.s3Uri;
}
