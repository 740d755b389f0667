import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { createDataKey } from './encryption';

/** Options of {@link createEncryptedLogGroup}. @internal */
export interface EncryptedLogGroupOptions {
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly retention?: logs.RetentionDays;
  /** @default - a new key `LogsKey` with rotation, usable by CloudWatch Logs for this account's log groups */
  readonly encryptionKey?: kms.IKey;
  /** @default - a name CloudFormation generates */
  readonly logGroupName?: string;
}

/**
 * A log group `Logs` that passes the library's validators: KMS-encrypted (a new key `LogsKey` unless
 * one is given; Control Tower CT.CLOUDWATCH.PR.3), kept one year unless told otherwise
 * (CT.CLOUDWATCH.PR.2 asks for at least 365 days), and retained when it leaves the stack.
 * @internal
 */
export function createEncryptedLogGroup(scope: Construct, options: EncryptedLogGroupOptions = {}): logs.LogGroup {
  let key = options.encryptionKey;
  if (!key) {
    const created = createDataKey(scope, 'LogsKey', `Encrypts the logs of ${scope.node.path}`, RemovalPolicy.RETAIN);
    // CloudWatch Logs encrypts this account's log groups with it (AWS docs: "Encrypt log data in CloudWatch Logs using AWS KMS").
    const stack = Stack.of(scope);
    created.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudWatchLogs',
      principals: [new iam.ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: { 'kms:EncryptionContext:aws:logs:arn': stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
      },
    }));
    key = created;
  }
  return new logs.LogGroup(scope, 'Logs', {
    logGroupName: options.logGroupName,
    retention: options.retention ?? logs.RetentionDays.ONE_YEAR,
    encryptionKey: key,
    removalPolicy: RemovalPolicy.RETAIN,
  });
}
