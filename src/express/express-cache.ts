import { createHash } from 'crypto';
import { Duration, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3express from 'aws-cdk-lib/aws-s3express';
import { Construct } from 'constructs';
import { AutoDeleteObjects } from './auto-delete/auto-delete-objects';
import { AUTO_DELETE_TAG } from './auto-delete/contract';
import { ExpressCacheBase, IExpressCache } from './express-cache-base';
import { ExpressCacheAttributes, ExpressCacheProps } from './express-cache-props';
import { DEFAULTS } from './private/defaults';
import { fail } from './private/fail';
import { ImportedExpressCache } from './private/imported-express-cache';
import {
  UNSUPPORTED_LIFECYCLE_FIELDS, checkBucketBaseName, checkLifecycleAction, checkObjectSize, checkObjectSizeRange,
  checkZoneIdFormat, checkZoneRegion, expressRegionOfZoneId, unsupportedLifecycleField, unsupportedZoneWarning,
} from './rules';
import { TrainingStorageError, renderValue } from '../core/errors';
import { directoryBucketName } from '../core/s3-names';
import { availabilityZoneIdOf, gatewayEndpointRouting } from '../core/training-zone';
import { normalizeKeyPrefix, wholeDays } from '../core/validation';
import { MAX_AZ_ID_LENGTH } from '../core/zones';

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
  private readonly lifecycle: s3express.CfnDirectoryBucket.RuleProperty[] = [];
  private policyDocument?: iam.PolicyDocument;

  public constructor(scope: Construct, id: string, props: ExpressCacheProps) {
    super(scope, id);
    this.availabilityZoneId = this.placement(props);
    this.checkZone(this.availabilityZoneId);
    const name = this.bucketNameFor(props.bucketBaseName, this.availabilityZoneId);
    this.encryptionKey = props.encryptionKey;
    const bucketEncryption = this.encryption(props.encryptionKey);
    this.lifecycle.push(...this.lifecycleRules(props.lifecycleRules ?? [], 0));
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
      lifecycleConfiguration: Lazy.any({ produce: () => (this.lifecycle.length > 0 ? { rules: this.lifecycle } : undefined) }),
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

    if (this.lifecycle.length > 0) {
      this.allowLifecycleSessions();
    }

    if (props.gatewayEndpointVpc) {
      this.checkNoExpressRoute(props.gatewayEndpointVpc, props);
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
      const azId = availabilityZoneIdOf(props.subnet);
      if (azId === undefined) {
        throw TrainingStorageError.invalidProperty(this, 'subnet', `an imported subnet (${renderValue(props.subnet.subnetId)})`,
          'a subnet created in this app (ec2.Subnet or a subnet of an ec2.Vpc), whose AvailabilityZoneId CloudFormation returns; '
          + 'for an imported subnet pass its zone ID as availabilityZoneId instead (not its zone name: names differ per account)');
      }
      return azId;
    }
    if (props.availabilityZoneId === undefined) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', 'nothing',
        'exactly one of subnet (the GPU subnet) and availabilityZoneId (such as "use1-az4")');
    }
    return props.availabilityZoneId;
  }

  /**
   * The endpoint's route tables must not route to S3 Express One Zone already (a TrainingVpc or
   * TrainingSubnet adds that endpoint): a route table routes a service to one gateway endpoint.
   */
  private checkNoExpressRoute(vpc: ec2.IVpc, props: ExpressCacheProps): void {
    const subnets = props.gatewayEndpointSubnets
      ? props.gatewayEndpointSubnets.flatMap((selection) => vpc.selectSubnets(selection).subnets)
      : props.subnet ? [props.subnet] : [...vpc.publicSubnets, ...vpc.privateSubnets, ...vpc.isolatedSubnets];
    for (const subnet of subnets) {
      const endpoint = gatewayEndpointRouting(subnet, 's3express');
      if (endpoint) {
        throw TrainingStorageError.invalidProperty(this, 'gatewayEndpointVpc', `the VPC ${renderValue(vpc.node.path)}`,
          `nothing here: the route table of subnet ${renderValue(subnet.node.path)} already routes to S3 Express One Zone through `
          + `the gateway endpoint ${renderValue(endpoint.node.path)} (a TrainingVpc or TrainingSubnet adds one), and a route table `
          + 'routes a service to one gateway endpoint; leave gatewayEndpointVpc out');
      }
    }
  }

  private checkZone(azId: string): void {
    if (Token.isUnresolved(azId)) {
      return;
    }
    fail(this, checkZoneIdFormat(azId));
    const zoneRegion = expressRegionOfZoneId(azId);
    if (!zoneRegion) {
      return; // A Region this library has no list for: no opinion.
    }
    const stackRegion = Stack.of(this).region;
    if (!Token.isUnresolved(stackRegion)) {
      fail(this, checkZoneRegion(azId, zoneRegion, stackRegion));
    }
    const warning = unsupportedZoneWarning(azId, zoneRegion);
    if (warning) {
      Validations.of(this).addWarning('ExpressCache.UnsupportedZone', warning);
    }
  }

  private bucketNameFor(baseName: string | undefined, azId: string): string {
    const zoneIdKnown = !Token.isUnresolved(azId);
    if (baseName === undefined) {
      return directoryBucketName(this.defaultBaseName(), azId);
    }
    if (!Token.isUnresolved(baseName)) {
      fail(this, checkBucketBaseName(baseName, zoneIdKnown ? azId.length : MAX_AZ_ID_LENGTH, zoneIdKnown));
    }
    return directoryBucketName(baseName, azId);
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

  /**
   * Adds a lifecycle rule, checked like those of `lifecycleRules`: expiration and aborting incomplete
   * multipart uploads only (directory buckets support no transitions), and the bucket policy
   * statement that lets the lifecycle service act.
   *
   * @param rule the rule
   */
  public addLifecycleRule(rule: s3.LifecycleRule): void {
    this.lifecycle.push(...this.lifecycleRules([rule], this.lifecycle.length));
    if (this.lifecycle.length === 1) {
      this.allowLifecycleSessions();
    }
  }

  /**
   * AWS docs, "Working with S3 Lifecycle for directory buckets": the lifecycle service needs a
   * ReadWrite session through the bucket policy to expire objects and abort uploads.
   */
  private allowLifecycleSessions(): void {
    this._addCheckedStatement(new iam.PolicyStatement({
      sid: 'AllowS3LifecycleSessions',
      principals: [new iam.ServicePrincipal('lifecycle.s3.amazonaws.com')],
      actions: ['s3express:CreateSession'],
      resources: [this.bucketArn],
      conditions: { StringEquals: { 's3express:SessionMode': 'ReadWrite' } },
    }));
  }

  private lifecycleRules(rules: s3.LifecycleRule[], first: number): s3express.CfnDirectoryBucket.RuleProperty[] {
    return rules.map((rule, offset) => {
      const property = `lifecycleRules[${first + offset}]`;
      for (const [field, why] of UNSUPPORTED_LIFECYCLE_FIELDS) {
        const value = rule[field as keyof s3.LifecycleRule];
        if (value !== undefined) {
          fail(this, unsupportedLifecycleField(property, field, why, renderLifecycleValue(value)));
        }
      }
      fail(this, checkLifecycleAction(property, rule.expiration !== undefined, rule.abortIncompleteMultipartUploadAfter !== undefined));
      for (const [field, value] of [['objectSizeGreaterThan', rule.objectSizeGreaterThan], ['objectSizeLessThan', rule.objectSizeLessThan]] as const) {
        if (value !== undefined && !Token.isUnresolved(value)) {
          fail(this, checkObjectSize(`${property}.${field}`, value));
        }
      }
      if (rule.objectSizeGreaterThan !== undefined && rule.objectSizeLessThan !== undefined
        && !Token.isUnresolved(rule.objectSizeGreaterThan) && !Token.isUnresolved(rule.objectSizeLessThan)) {
        fail(this, checkObjectSizeRange(property, rule.objectSizeGreaterThan, rule.objectSizeLessThan));
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
