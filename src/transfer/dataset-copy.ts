import { isDeepStrictEqual } from 'util';
import { Aws, CustomResource, Duration, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { COPY_RESOURCE_TYPE, CopyResourceProperties } from './copy-resource/contract';
import { COPY_PROVIDER_ID, CopyProvider, DEFAULT_PROVIDER_TIMING } from './copy-resource/copy-provider';
import { DEFAULT_CONCURRENCY, MAX_CONCURRENCY } from './defaults';
import { describeCollisions, keyCollisions, keysOntoThemselves, prefixOverlap } from './engine/locations';
import { OverwritePolicy } from './overwrite-policy';
import { acknowledgeWildcards } from '../core/acknowledge';
import { DataLocation } from '../core/data-location';
import { TrainingStorageError, renderValue } from '../core/errors';

/** How DatasetCopy copies. */
export enum DatasetCopyEngine {
  /**
   * The library's copy engine in a Lambda function: CopyObject, and UploadPartCopy above 5 GiB,
   * with sync semantics. Continues across invocations until done (at most the total timeout).
   */
  LAMBDA = 'LAMBDA',
  /**
   * An S3 Batch Operations Copy job over a manifest generated from the source prefix, with a
   * completion report; objects over 5 GB (beyond Batch's Copy) are copied by the Lambda engine.
   * Batch Operations writes `<destination prefix><full source key>`.
   */
  BATCH_OPERATIONS = 'BATCH_OPERATIONS',
}

/** Properties of a {@link DatasetCopy}. */
export interface DatasetCopyProps {
  /** What to copy: a prefix (or, with `keys`, some objects under it). */
  readonly source: DataLocation;

  /**
   * Where to copy to. A source key `<source prefix>k` is copied to `<destination prefix>k`.
   *
   * In the source's bucket, the destination must not be the source itself (nor, with `keys`, put a
   * key on its own object) nor a prefix inside the source prefix (the empty prefix is the whole
   * bucket), which a later listing would copy again. Rejected at synth time when both bucket names
   * are known to name one bucket; otherwise the copy refuses before its first request.
   */
  readonly destination: DataLocation;

  /**
   * Keys to copy, relative to the source prefix.
   *
   * @default - every object under the source prefix
   */
  readonly keys?: string[];

  /**
   * Objects copied under another name: relative source key to relative destination key.
   * Lambda engine only.
   *
   * Each destination key takes at most one source object. Rejected at synth time: two renames onto
   * one key and, with `keys`, a rename onto a key of `keys` that is copied unrenamed (or any two of
   * `keys` that end on one destination key). Without `keys`, a rename onto a key that exists in the
   * source prefix and is not renamed itself can only be found when the copy runs: the copy then
   * fails before it copies anything.
   *
   * @default - every object keeps its relative key
   */
  readonly renames?: { [sourceKey: string]: string };

  /**
   * The copy engine.
   *
   * @default DatasetCopyEngine.LAMBDA
   */
  readonly engine?: DatasetCopyEngine;

  /**
   * With `DatasetCopyEngine.BATCH_OPERATIONS`: whether the deployment waits for the job to finish
   * (at most `totalTimeout`), or only starts it and succeeds at once. A job that is only started
   * keeps running after the deployment; its completion report says how it ended.
   *
   * @default true
   */
  readonly waitForBatchJob?: boolean;

  /**
   * Where Batch Operations writes its completion report (failed tasks).
   *
   * @default - `dataset-copy-reports/` in the destination bucket
   */
  readonly batchReportLocation?: DataLocation;

  /**
   * What to do with objects that already exist at the destination.
   *
   * @default OverwritePolicy.IF_DIFFERENT (sync: identical objects are skipped)
   */
  readonly overwrite?: OverwritePolicy;

  /**
   * Copy requests in flight at once (Lambda engine).
   *
   * @default 256
   */
  readonly concurrency?: number;

  /**
   * Storage class of the copies (general purpose destination buckets).
   *
   * @default - the destination bucket's default (S3 Standard)
   */
  readonly storageClass?: s3.StorageClass;

  /**
   * Encrypt the copies with SSE-KMS under this key.
   *
   * @default - the destination bucket's default encryption
   */
  readonly encryptionKey?: kms.IKey;

  /**
   * How long the deployment waits for the copy. CloudFormation waits at most one hour for a
   * custom resource, so larger copies use `DatasetCopyEngine.BATCH_OPERATIONS` with
   * `waitForBatchJob: false`. A setting of the stack's shared copy provider: copies with another
   * value use another provider (see the class documentation).
   *
   * @default Duration.hours(1)
   */
  readonly totalTimeout?: Duration;

  /**
   * Time between two checks of a copy in progress. Each Lambda-engine check copies for up to
   * 14 minutes first. A setting of the shared copy provider, like `totalTimeout`.
   *
   * @default Duration.seconds(30)
   */
  readonly queryInterval?: Duration;

  /**
   * How long the logs of the copy functions and their waiter are kept. The log group is shared
   * by the stack's copies with the same log settings.
   *
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * The KMS key that encrypts the log group of the copy functions.
   *
   * @default - the stack's log key `CdkTrainingStorageLogsKey` (one per stack, created on first use,
   * with rotation, usable by CloudWatch Logs for this account's log groups)
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Run the copy functions in this VPC. It needs a route to S3 (a gateway endpoint), to STS (the
   * functions assume the copy's role: an interface endpoint or a NAT gateway) and, for
   * `BATCH_OPERATIONS`, to S3 Control. A setting of the shared copy provider, like `totalTimeout`.
   *
   * @default - the functions run outside a VPC
   */
  readonly vpc?: ec2.IVpc;

  /**
   * Subnets of `vpc` for the functions.
   *
   * @default - the VPC's private subnets
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Security groups of the functions in `vpc`.
   *
   * @default - a new security group with outbound access only
   */
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** Defaults, stated once. */
const DEFAULTS = {
  concurrency: DEFAULT_CONCURRENCY,
  totalTimeout: DEFAULT_PROVIDER_TIMING.totalTimeout,
  queryInterval: DEFAULT_PROVIDER_TIMING.queryInterval,
  reportPrefix: 'dataset-copy-reports/',
};

/**
 * A deploy-time, server-side copy of training data between buckets: one object, some keys or a
 * whole dataset prefix, from general purpose or directory buckets, in the same or another region.
 *
 * Nothing is downloaded and uploaded again: objects up to 5 GiB are copied with CopyObject, larger
 * ones with multipart UploadPartCopy, or with an S3 Batch Operations job. Objects already at the
 * destination with the same size and checksum are skipped, so an update that changes the source or
 * the destination copies again as a sync. Deleting the resource (or the stack) leaves the copied
 * data in place.
 *
 * CloudFormation waits at most one hour for a custom resource: a Lambda-engine copy that does not
 * finish within `totalTimeout` fails the deployment (run it again to resume), and larger datasets
 * use the Batch Operations engine.
 *
 * The copies of a stack share one Provider framework with its copy functions and waiter
 * (`CdkTrainingStorageCopyProvider`, a child of the stack), one log group (`CdkTrainingStorageLogs`)
 * and one log key (`CdkTrainingStorageLogsKey`). Each copy keeps its own role (`Role`), scoped
 * to its prefixes, which the shared functions assume for that copy. Copies with another VPC, subnets,
 * security groups, `totalTimeout` or `queryInterval` share another provider
 * (`CdkTrainingStorageCopyProvider<hash>`), and other log settings another log group.
 *
 * @example
 * declare const lake: TrainingDataLake;
 * declare const scratch: s3.IBucket;
 * new DatasetCopy(this, 'CopyCorpus', {
 *   source: lake.dataset('corpus'),
 *   destination: DataLocation.fromBucket(scratch, 'corpus/'),
 * });
 */
export class DatasetCopy extends Construct {
  /**
   * The role of this copy: the stack's shared copy functions assume it for this copy, and only
   * this copy's grants are on it.
   */
  public readonly role: iam.IRole;
  /** The role S3 Batch Operations assumes. @default - none with the Lambda engine */
  public readonly batchRole?: iam.IRole;
  /** Where the destination data lives. */
  public readonly destination: DataLocation;

  private readonly resource: CustomResource;
  private reportLocation?: DataLocation;

  public constructor(scope: Construct, id: string, props: DatasetCopyProps) {
    super(scope, id);
    const engine = props.engine ?? DatasetCopyEngine.LAMBDA;
    const concurrency = props.concurrency ?? DEFAULTS.concurrency;
    const totalTimeout = props.totalTimeout ?? DEFAULTS.totalTimeout;
    const queryInterval = props.queryInterval ?? DEFAULTS.queryInterval;
    this.validate(props, engine, concurrency, totalTimeout, queryInterval);
    this.destination = props.destination;

    // The stack's copy provider for these options (functions, waiter, log group), shared by every
    // copy that agrees on them; this copy's permissions stay on this copy's own role.
    const provider = CopyProvider.of(this, {
      totalTimeout,
      queryInterval,
      logRetention: props.logRetention,
      logEncryptionKey: props.logEncryptionKey,
      vpc: props.vpc,
      vpcSubnets: props.vpcSubnets,
      securityGroups: props.securityGroups,
    });
    // A new construct ID (it was `HandlerRole`, the role of the copy's own functions): on an upgrade
    // the old role stays as it was until the old functions that run as it are gone.
    const role = new iam.Role(this, 'Role', {
      // Only the shared copy functions' role may assume it; they do, for this copy only.
      assumedBy: new iam.ArnPrincipal(provider.handlerRole.roleArn),
      description: `Copies ${props.source.prefix || '(whole bucket)'} to ${props.destination.prefix || '(whole bucket)'} for ${this.node.path}`,
    });
    this.role = role;
    const assume = provider.allowAssume(role);
    // Read the source prefix; read (HeadObject, to skip identical objects) and write the destination prefix.
    props.source.grantRead(role);
    props.destination.grantReadWrite(role);
    props.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    // Tags travel with the copies: a multipart copy reads them (GetObjectTagging needs
    // s3:GetObjectTagging) and writes them with the object (x-amz-tagging needs s3:PutObjectTagging),
    // a CopyObject copies them (x-amz-tagging-directive COPY). Directory buckets have no object tags
    // (GetObjectTagging and PutObjectTagging are not supported there): no permission is needed.
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html
    // https://docs.aws.amazon.com/AmazonS3/latest/API/API_PutObjectTagging.html
    if (!props.source.isDirectoryBucket && !props.destination.isDirectoryBucket) {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetObjectTagging'], resources: [props.source.objectsArn] }));
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:PutObjectTagging'], resources: [props.destination.objectsArn] }));
    }

    const properties: Partial<CopyResourceProperties> = {
      SourceBucket: props.source.bucketName,
      SourcePrefix: props.source.prefix,
      DestinationBucket: props.destination.bucketName,
      DestinationPrefix: props.destination.prefix,
      Keys: props.keys,
      Renames: props.renames,
      Engine: engine,
      Concurrency: String(concurrency),
      Overwrite: props.overwrite ?? OverwritePolicy.IF_DIFFERENT,
      StorageClass: props.storageClass?.value,
      SseKmsKeyId: props.encryptionKey?.keyArn,
      SourceRegion: props.source.bucket.env.region ?? Aws.REGION,
      DestinationRegion: props.destination.bucket.env.region ?? Aws.REGION,
      CopyRoleArn: role.roleArn,
    };

    let batchProperties: Partial<CopyResourceProperties> = {};
    if (engine === DatasetCopyEngine.BATCH_OPERATIONS) {
      const report = this.reportLocation = props.batchReportLocation ?? DataLocation.fromBucket(props.destination.bucket, DEFAULTS.reportPrefix, {
        encryptionKey: props.destination.encryptionKey,
      });
      const batchRole = this.createBatchRole(props, report);
      this.batchRole = batchRole;
      batchRole.grantPassRole(role);
      role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['s3:CreateJob', 's3:DescribeJob'],
        resources: ['*'],
      }));
      batchProperties = {
        AccountId: Aws.ACCOUNT_ID,
        BatchRoleArn: batchRole.roleArn,
        ReportBucketArn: report.bucket.bucketArn,
        ReportPrefix: report.prefix.replace(/\/$/, ''),
        WaitForBatchJob: String(props.waitForBatchJob ?? true),
      };
    }

    // CloudFormation cannot change a custom resource's service token: a copy that moves to another
    // provider (other provider options) is a new resource, under an ID that names its provider.
    this.resource = new CustomResource(this, `Copy${provider.node.id.slice(COPY_PROVIDER_ID.length)}`, {
      resourceType: COPY_RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      properties: { ...properties, ...batchProperties },
    });
    // The copy runs once this copy's role, its policy and the functions' right to assume it exist.
    this.resource.node.addDependency(role, assume);
    if (this.batchRole) {
      this.resource.node.addDependency(this.batchRole);
    }
    this.acknowledgeGrantFindings(props, this.reportLocation);
  }

  /** Objects the last deployment copied (Lambda engine; Batch Operations: objects over 5 GB). */
  public get objectsCopied(): string {
    return this.resource.getAttString('ObjectsCopied');
  }

  /** Objects the last deployment skipped because they were already there. */
  public get objectsSkipped(): string {
    return this.resource.getAttString('ObjectsSkipped');
  }

  private validate(props: DatasetCopyProps, engine: DatasetCopyEngine, concurrency: number, totalTimeout: Duration, queryInterval: Duration): void {
    if (!Token.isUnresolved(concurrency) && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY)) {
      throw TrainingStorageError.invalidProperty(this, 'concurrency', renderValue(concurrency), `a whole number from 1 to ${MAX_CONCURRENCY}`);
    }
    const seconds = totalTimeout.toSeconds();
    if (seconds < 60 || seconds > 3600) {
      throw TrainingStorageError.invalidProperty(this, 'totalTimeout', totalTimeout.toHumanString(),
        '1 minute to 1 hour: CloudFormation waits at most one hour for a custom resource; copy larger datasets with '
        + 'DatasetCopyEngine.BATCH_OPERATIONS and waitForBatchJob: false');
    }
    if (queryInterval.toSeconds() < 1 || queryInterval.toSeconds() >= seconds) {
      throw TrainingStorageError.invalidProperty(this, 'queryInterval', queryInterval.toHumanString(),
        `at least 1 second and shorter than totalTimeout (${totalTimeout.toHumanString()})`);
    }
    if (!props.vpc && (props.vpcSubnets !== undefined || props.securityGroups !== undefined)) {
      throw TrainingStorageError.invalidProperty(this, props.vpcSubnets !== undefined ? 'vpcSubnets' : 'securityGroups',
        props.vpcSubnets !== undefined ? 'a subnet selection' : 'security groups', 'nothing without `vpc`: they place the copy functions in a VPC');
    }
    if (props.keys !== undefined && props.keys.length === 0) {
      throw TrainingStorageError.invalidProperty(this, 'keys', '[]', 'at least one key, or no `keys` to copy the whole prefix');
    }
    for (const key of [...props.keys ?? [], ...Object.keys(props.renames ?? {}), ...Object.values(props.renames ?? {})]) {
      if (!Token.isUnresolved(key) && (key === '' || key.startsWith('/') || key.endsWith('/'))) {
        throw TrainingStorageError.invalidProperty(this, 'keys', renderValue(key),
          'object keys relative to the prefix: not empty, not starting or ending with "/"');
      }
    }
    if (engine === DatasetCopyEngine.BATCH_OPERATIONS) {
      for (const [name, value] of [['keys', props.keys], ['renames', props.renames]] as const) {
        if (value !== undefined) {
          throw TrainingStorageError.invalidProperty(this, name, renderValue(JSON.stringify(value)),
            'nothing with DatasetCopyEngine.BATCH_OPERATIONS, which copies whole prefixes under their full keys');
        }
      }
      // S3 Batch Operations writes completion reports to general purpose buckets only.
      const report = props.batchReportLocation ?? props.destination;
      if (report.isDirectoryBucket) {
        throw TrainingStorageError.invalidProperty(this, 'batchReportLocation',
          props.batchReportLocation ? 'a directory bucket location' : '(default: the destination, a directory bucket)',
          'a location in a general purpose bucket: S3 Batch Operations cannot write its completion report to a directory bucket');
      }
    } else if (props.waitForBatchJob !== undefined || props.batchReportLocation !== undefined) {
      throw TrainingStorageError.invalidProperty(this, props.waitForBatchJob !== undefined ? 'waitForBatchJob' : 'batchReportLocation',
        props.waitForBatchJob !== undefined ? String(props.waitForBatchJob) : 'a location',
        'nothing with DatasetCopyEngine.LAMBDA (Batch Operations settings)');
    }
    this.validateTargets(props, engine);
  }

  /**
   * Where the copies land, as far as synthesis can tell (the copy checks the rest before it starts):
   * no copy onto the source itself or into the listed source prefix of the same bucket, at most one
   * source object per destination key. Tokens are skipped, never guessed.
   */
  private validateTargets(props: DatasetCopyProps, engine: DatasetCopyEngine): void {
    const literal = (key: string) => !Token.isUnresolved(key);
    const renames = props.renames === undefined ? undefined
      : Object.fromEntries(Object.entries(props.renames).filter(([from, to]) => literal(from) && literal(to)));
    const sources = props.keys === undefined ? Object.keys(renames ?? {}) : props.keys.filter(literal);
    const collisions = keyCollisions(sources, renames);
    if (collisions.length > 0) {
      throw TrainingStorageError.invalidProperty(this, 'renames', JSON.stringify(props.renames),
        `at most one source object per destination key: ${describeCollisions(collisions)}`
        + (props.keys === undefined ? '' : ' (a key of `keys` that is not renamed keeps its name)'));
    }

    const source = props.source;
    const destination = props.destination;
    if (Token.isUnresolved(source.prefix) || Token.isUnresolved(destination.prefix) || !knownSameBucket(this, source, destination)) {
      return;
    }
    const received = `prefix ${JSON.stringify(destination.prefix)} of the source's bucket`;
    if (props.keys !== undefined) {
      const onto = keysOntoThemselves(source.prefix, destination.prefix, sources, renames);
      if (onto.length > 0) {
        throw TrainingStorageError.invalidProperty(this, 'keys', onto.map((k) => JSON.stringify(k)).join(', '),
          'keys whose copy is not the source object itself (the destination is the source prefix of the same bucket): rename them, or copy to another prefix or bucket');
      }
      return;
    }
    // The Lambda engine maps `<source prefix>k` to `<destination prefix>k`; Batch Operations writes
    // `<destination prefix><full source key>` for the keys listed under the source prefix.
    const batch = engine === DatasetCopyEngine.BATCH_OPERATIONS;
    const overlap = batch ? prefixOverlap('', destination.prefix, source.prefix) : prefixOverlap(source.prefix, destination.prefix);
    const batchNote = batch ? ' (Batch Operations writes <destination prefix><full source key>)' : '';
    if (overlap === 'same') {
      throw TrainingStorageError.invalidProperty(this, 'destination', received,
        `a location whose copies are not the source objects themselves: another prefix or bucket${batchNote}`);
    }
    if (overlap === 'inside') {
      throw TrainingStorageError.invalidProperty(this, 'destination', received,
        `a location outside the source prefix ${source.prefix === '' ? '(the whole bucket)' : JSON.stringify(source.prefix)} (or another bucket): `
        + `the copies would be listed as source objects and copied again${batchNote}`);
    }
  }

  private createBatchRole(props: DatasetCopyProps, report: DataLocation): iam.Role {
    const batchRole = new iam.Role(this, 'BatchRole', {
      assumedBy: new iam.ServicePrincipal('batchoperations.s3.amazonaws.com'),
      description: `S3 Batch Operations copy for ${this.node.path}`,
    });
    // Copy reads the source objects and lists the prefix (the manifest generator); writes the destination.
    props.source.grantRead(batchRole);
    props.destination.grantWrite(batchRole);
    // The job reads the copied object's tags and ACL-less metadata of the source version.
    batchRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:GetObjectTagging', 's3:GetObjectVersionTagging'],
      resources: [props.source.objectsArn],
    }));
    batchRole.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObjectTagging'],
      resources: [props.destination.objectsArn],
    }));
    report.grantWrite(batchRole);
    props.encryptionKey?.grant(batchRole, 'kms:GenerateDataKey', 'kms:Decrypt');
    return batchRole;
  }

  /** The findings that come with prefix-scoped grants, one by one, on this copy's roles. */
  private acknowledgeGrantFindings(props: DatasetCopyProps, reportLocation?: DataLocation): void {
    // The copy's own grants are scoped to the source and destination prefixes.
    const prefixes = [props.source, props.destination, ...(reportLocation ? [reportLocation] : [])];
    acknowledgeWildcards(this.role, prefixes.map((l) => l.objectsArn), 'Copies every object under the source prefix into the destination prefix, and nothing else.');
    if (this.batchRole) {
      acknowledgeWildcards(this.batchRole, prefixes.map((l) => l.objectsArn), 'Batch Operations copies every object under the source prefix into the destination prefix and writes its report, nothing else.');
      acknowledgeWildcards(this.role, ['*'], 'S3 Control CreateJob and DescribeJob: CreateJob has no resource-level permissions, and the job ID is not known before.');
    }
  }
}

/**
 * Whether two locations are known to be in one bucket: the same bucket construct, equal literal
 * names, or names that resolve to the same value (the same `{ Ref }`) for buckets of one stack.
 * False when they are not, or when it cannot be known.
 */
function knownSameBucket(scope: Construct, a: DataLocation, b: DataLocation): boolean {
  if (a.bucket === b.bucket) {
    return true;
  }
  const stack = Stack.of(scope);
  const [nameA, nameB] = [stack.resolve(a.bucketName), stack.resolve(b.bucketName)];
  if (typeof nameA === 'string' || typeof nameB === 'string') {
    return nameA === nameB;
  }
  // A reference names one bucket within one stack only: logical IDs repeat across stacks.
  return Stack.of(a.bucket) === Stack.of(b.bucket) && isDeepStrictEqual(nameA, nameB);
}
