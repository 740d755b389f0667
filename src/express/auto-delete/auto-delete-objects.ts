import { Aws, CustomResource, Duration } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IDependable } from 'constructs';
import { AutoDeleteHandlerFunction } from './auto-delete-handler-function';
import { AUTO_DELETE_RESOURCE_TYPE, AutoDeleteResourceProperties } from './contract';
import {
  acknowledgeFrameworkInvokes, acknowledgeOutsideVpc, createFrameworkRole, frameworkFunctions, stackLogGroup,
} from '../../core/provider';

/** Properties of {@link AutoDeleteObjects}. @internal */
export interface AutoDeleteObjectsProps {
  readonly bucketName: string;
  readonly bucketArn: string;
  /** The bucket resource: the custom resource depends on it, so its Delete runs first. */
  readonly bucket: IDependable;
}

/**
 * The custom resource that empties a directory bucket when it leaves the stack (the handler checks
 * the bucket's marker tag first). One Lambda function, called by the Provider framework's onEvent:
 * no waiter. It logs to the stack's shared log group (`CdkTrainingStorageLogs`). Construct IDs:
 * `HandlerRole`, `Handler`, `FrameworkOnEventRole`, `Provider`, `Resource`.
 * @internal
 */
export class AutoDeleteObjects extends Construct {
  public readonly role: iam.Role;
  public readonly resource: CustomResource;

  public constructor(scope: Construct, id: string, props: AutoDeleteObjectsProps) {
    super(scope, id);
    this.role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Empties the directory bucket of ${scope.node.path} when it is deleted`,
    });
    // ListObjectsV2 and DeleteObjects run in a ReadWrite session on this bucket (the SDK creates it).
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3express:CreateSession'],
      resources: [props.bucketArn],
      conditions: { StringEquals: { 's3express:SessionMode': 'ReadWrite' } },
    }));
    // The marker tag check (S3 Control ListTagsForResource on the bucket ARN).
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3express:ListTagsForResource'],
      resources: [props.bucketArn],
    }));

    // The stack's log group of the library's custom resources (`CdkTrainingStorageLogs`, shared).
    const logGroup = stackLogGroup(this);
    logGroup.grantWrite(this.role);
    const handler = new AutoDeleteHandlerFunction(this, 'Handler', {
      role: this.role,
      timeout: Duration.minutes(15),
      memorySize: 512,
      description: `ExpressCache ${scope.node.path}: empties the bucket on deletion`,
      logGroup,
    });
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: handler,
      logGroup,
      // A role without the AWS managed AWSLambdaBasicExecutionRole policy: logs go to this log group only.
      frameworkOnEventRole: createFrameworkRole(this, 'FrameworkOnEventRole', logGroup, false),
    });

    const properties: AutoDeleteResourceProperties = {
      BucketName: props.bucketName,
      BucketArn: props.bucketArn,
      AccountId: Aws.ACCOUNT_ID,
    };
    this.resource = new CustomResource(this, 'Resource', {
      resourceType: AUTO_DELETE_RESOURCE_TYPE,
      serviceToken: provider.serviceToken,
      properties: { ...properties },
    });
    // Created after the bucket, so deleted before it: the bucket is empty when CloudFormation deletes it.
    this.resource.node.addDependency(props.bucket);

    acknowledgeFrameworkInvokes(provider, [handler],
      'The Provider framework invokes the auto-delete function and its versions (aws-cdk-lib grantInvoke adds <arn>:*).');
    acknowledgeOutsideVpc([handler, ...frameworkFunctions(provider)],
      'Runs outside a VPC: it only calls S3 Express One Zone and S3 Control over TLS with IAM authentication.');
  }
}
