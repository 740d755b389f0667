import { RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { CompliantKey } from './encryption';
import { TrainingStorageError } from './errors';

/** Properties of an {@link AlarmTopic}. */
export interface AlarmTopicProps {
  /**
   * The key that encrypts the topic. It must be a key of this app (a `kms.Key`), whose key policy
   * can let CloudWatch use it; an imported key is rejected, because its policy cannot be changed
   * from here.
   *
   * @default - a new {@link CompliantKey} beside the topic (construct ID `<id>Key`), retained
   */
  readonly masterKey?: kms.IKey;

  /**
   * The name of the topic.
   *
   * @default - a name CloudFormation generates
   */
  readonly topicName?: string;

  /**
   * The display name of the topic (the sender name of e-mail notifications).
   *
   * @default - none
   */
  readonly displayName?: string;

  /**
   * What happens to the key this construct creates when it leaves the stack.
   *
   * @default RemovalPolicy.RETAIN
   */
  readonly keyRemovalPolicy?: RemovalPolicy;
}

/**
 * An SNS topic for CloudWatch alarm actions that passes the validators: encrypted with a
 * customer-managed key that CloudWatch may use (`kms:Decrypt` and `kms:GenerateDataKey*` for
 * `cloudwatch.amazonaws.com`, as alarms need to publish to an encrypted topic: Amazon SNS Developer
 * Guide, "Encryption at rest", https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html),
 * and publishing only over TLS (cdk-nag AwsSolutions-SNS2 and AwsSolutions-SNS3).
 *
 * Give an alarm to it with aws-cdk-lib's `SnsAction`:
 * `alarm.addAlarmAction(new cloudwatchActions.SnsAction(topic))`. The Control Tower control
 * CT.CLOUDWATCH.PR.1 asks every alarm for an action.
 */
export class AlarmTopic extends sns.Topic {
  /** The key that encrypts the topic. */
  public readonly encryptionKey: kms.IKey;

  /**
   * @param scope the parent construct
   * @param id the construct ID
   * @param props the key and names
   */
  public constructor(scope: Construct, id: string, props: AlarmTopicProps = {}) {
    const key = props.masterKey ?? new CompliantKey(scope, `${id}Key`, {
      description: `Encrypts the alarm topic ${scope.node.path}/${id}`,
      removalPolicy: props.keyRemovalPolicy ?? RemovalPolicy.RETAIN,
    });
    super(scope, id, { masterKey: key, enforceSSL: true, topicName: props.topicName, displayName: props.displayName });
    this.encryptionKey = key;
    // CloudWatch is a service principal: only the key policy can let it in.
    const added = key.addToResourcePolicy(new iam.PolicyStatement({
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
    }));
    if (!added.statementAdded) {
      throw TrainingStorageError.invalidProperty(this, 'masterKey', key.node.path,
        'a kms.Key of this app, whose key policy can allow cloudwatch.amazonaws.com kms:Decrypt and kms:GenerateDataKey* '
        + '(for an imported key, add that statement to its key policy and use an sns.Topic)');
    }
  }
}
