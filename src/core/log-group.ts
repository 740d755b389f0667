import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createDataKey } from './encryption';

/** The construct ID of the stack's log key: a child of the stack, created on first use. @internal */
export const STACK_LOGS_KEY_ID = 'CdkTrainingStorageLogsKey';

/** Options of {@link createEncryptedLogGroup}. @internal */
export interface EncryptedLogGroupOptions {
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly retention?: logs.RetentionDays;
  /** @default - the stack's log key (see {@link stackLogsKey}) */
  readonly encryptionKey?: kms.IKey;
  /** @default - a name CloudFormation generates */
  readonly logGroupName?: string;
  /** The log group's construct ID. @default 'Logs' */
  readonly id?: string;
}

/**
 * The KMS key that encrypts the library's log groups in a stack when no key is given: one per stack,
 * a child of the stack with the ID `CdkTrainingStorageLogsKey`, found in the construct tree (never
 * in a module-level variable, which would outlive the app), created on first use, with rotation and
 * retained. CloudWatch Logs may use it for this account's log groups in the stack's Region.
 * @internal
 */
export function stackLogsKey(scope: Construct): kms.IKey {
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(STACK_LOGS_KEY_ID) as kms.IKey | undefined;
  if (existing) {
    return existing;
  }
  const key = createDataKey(stack, STACK_LOGS_KEY_ID, `Encrypts the log groups of cdk-training-storage constructs in ${stack.node.path}`, RemovalPolicy.RETAIN);
  // CloudWatch Logs encrypts this account's log groups with it (AWS docs: "Encrypt log data in CloudWatch Logs using AWS KMS",
  // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html).
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'AllowCloudWatchLogs',
    principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
    actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
    resources: ['*'],
    conditions: {
      ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
    },
  }));
  return key;
}

/**
 * A log group (ID `Logs` unless told otherwise) that passes the library's validators: KMS-encrypted
 * (the stack's log key unless one is given; Control Tower CT.CLOUDWATCH.PR.3), kept one year unless
 * told otherwise (CT.CLOUDWATCH.PR.2 asks for at least 365 days), and retained when it leaves the stack.
 * @internal
 */
export function createEncryptedLogGroup(scope: Construct, options: EncryptedLogGroupOptions = {}): logs.LogGroup {
  return new logs.LogGroup(scope, options.id ?? 'Logs', {
    logGroupName: options.logGroupName,
    retention: options.retention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey: options.encryptionKey ?? stackLogsKey(scope),
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
