import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledgeFinding } from '../../core/acknowledge';

/** How long the default flow logs bucket keeps the logs. @internal */
export const FLOW_LOGS_RETENTION = Duration.days(365);

/**
 * The bucket for a VPC's flow logs when none is given: private (Block Public Access, ACLs
 * disabled), SSE-S3, TLS 1.2 or later only, versioned, logs expire after 365 days, retained when it
 * leaves the stack. SSE-S3 because log delivery to a bucket with a customer managed KMS key also
 * needs a key policy for the delivery service (Amazon CloudWatch Logs User Guide, "Logs sent to
 * Amazon S3": https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/AWS-logs-infrastructure-S3.html);
 * the bucket policy for delivery.logs.amazonaws.com is added by `ec2.FlowLogDestination.toS3`.
 * @internal
 */
export function createFlowLogsBucket(scope: Construct, id: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.S3_MANAGED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    lifecycleRules: [{
      id: 'ExpireFlowLogs',
      expiration: FLOW_LOGS_RETENTION,
      noncurrentVersionExpiration: Duration.days(1),
      abortIncompleteMultipartUploadAfter: Duration.days(1),
    }],
    removalPolicy: RemovalPolicy.RETAIN,
  });
  const cfnBucket = bucket.node.defaultChild as s3.CfnBucket;
  const reason = 'This bucket holds VPC flow logs only; its own access logs would need yet another bucket.';
  acknowledgeFinding(cfnBucket, 'AwsSolutions::AwsSolutions-S1', reason);
  acknowledgeFinding(cfnBucket, 'cdk-validator-cfnguard::s3_bucket_logging_enabled_check', reason);
  acknowledgeFinding(cfnBucket, 'cdk-validator-cfnguard::s3_bucket_default_encryption_kms_check',
    'SSE-S3, so that flow log delivery needs no KMS key policy; pass flowLogsBucket for a bucket encrypted with a KMS key.');
  acknowledgeFinding(cfnBucket, 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
    'Flow log files arrive every few minutes and nothing consumes them as events.');
  acknowledgeFinding(cfnBucket, 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
    'Object Lock cannot be turned off later; flow logs expire by the lifecycle rule instead of being held as WORM records.');
  return bucket;
}

/**
 * The bucket policy statements that let the log delivery service write a VPC's flow logs under the
 * prefix (Amazon VPC User Guide, "Amazon S3 bucket permissions for flow logs":
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-logs-s3-permissions.html): `s3:PutObject` on
 * `<prefix>AWSLogs/<account>/*` with the `bucket-owner-full-control` ACL, and `s3:GetBucketAcl` and
 * `s3:ListBucket` on the bucket, both for this account's log sources only. An imported bucket's
 * policy is not changed.
 * @internal
 */
export function allowFlowLogDelivery(bucket: s3.IBucket, prefix: string): void {
  const stack = Stack.of(bucket);
  const principal = new iam.ServicePrincipal('delivery.logs.amazonaws.com');
  const sourceArn = { ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'logs', resource: '*' }) } };
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [principal],
    actions: ['s3:PutObject'],
    resources: [bucket.arnForObjects(`${prefix}AWSLogs/${stack.account}/*`)],
    conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': stack.account }, ...sourceArn },
  }));
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    principals: [principal],
    actions: ['s3:GetBucketAcl', 's3:ListBucket'],
    resources: [bucket.bucketArn],
    conditions: { StringEquals: { 'aws:SourceAccount': stack.account }, ...sourceArn },
  }));
}
