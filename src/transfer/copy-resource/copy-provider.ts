import { Duration, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { CopyHandlerFunction } from './copy-handler-function';
import {
  STACK_LOG_GROUP_ID, acknowledgeFrameworkInvokes, acknowledgeOutsideVpc, addVpcAccess, createFrameworkRole, frameworkFunctions,
  singletonId, stackLogGroup,
} from '../../core/provider';

/** The construct ID of the stack's copy provider with the default options. @internal */
export const COPY_PROVIDER_ID = 'CdkTrainingStorageCopyProvider';

/** What a copy provider is made of: the options that cannot differ between copies sharing it. @internal */
export interface CopyProviderOptions {
  readonly totalTimeout: Duration;
  readonly queryInterval: Duration;
  readonly logRetention?: logs.RetentionDays;
  readonly logEncryptionKey?: kms.IKey;
  readonly vpc?: ec2.IVpc;
  readonly vpcSubnets?: ec2.SubnetSelection;
  readonly securityGroups?: ec2.ISecurityGroup[];
}

/** The waiter's defaults: a copy provider with these (and no VPC, default logs) has the plain ID. @internal */
export const DEFAULT_PROVIDER_TIMING = {
  totalTimeout: Duration.hours(1),
  queryInterval: Duration.seconds(30),
};

/**
 * The Provider framework, copy functions and their role that every DatasetCopy of a stack shares:
 * a child of the stack, found in the construct tree (never a module-level variable, which would
 * outlive the app), created by the first copy that needs it, as aws-cdk-lib does for its singleton
 * providers.
 *
 * Copies share a provider when they agree on what belongs to the functions and the waiter (VPC,
 * subnets, security groups, total timeout, query interval, log group). The provider with the
 * defaults is `CdkTrainingStorageCopyProvider`; any other set of options has its own,
 * `CdkTrainingStorageCopyProvider<hash of the options>`.
 *
 * The functions' role (`HandlerRole`) may write logs and assume the roles of this provider's
 * copies, nothing else: each copy has its own role, scoped to its prefixes, which the functions
 * assume for that copy (its ARN is in the copy's resource properties).
 *
 * Construct IDs: `HandlerRole`, `OnEventHandler`, `IsCompleteHandler`, `FrameworkOnEventRole`,
 * `FrameworkCompleteRole`, `Provider`.
 * @internal
 */
export class CopyProvider extends Construct {
  /** The stack's copy provider for these options, created on first use. */
  public static of(scope: Construct, options: CopyProviderOptions): CopyProvider {
    const stack = Stack.of(scope);
    const logGroup = stackLogGroup(stack, { retention: options.logRetention, encryptionKey: options.logEncryptionKey });
    const id = singletonId(stack, COPY_PROVIDER_ID, providerKey(options, logGroup));
    const existing = stack.node.tryFindChild(id);
    if (existing) {
      return existing as CopyProvider;
    }
    return new CopyProvider(stack, id, options, logGroup);
  }

  /** The role of the copy functions: it assumes each copy's role. */
  public readonly handlerRole: iam.Role;
  /** The custom resources' service token. */
  public readonly serviceToken: string;
  /** The log group of the functions and the waiter. */
  public readonly logGroup: logs.ILogGroup;

  private constructor(scope: Stack, id: string, options: CopyProviderOptions, logGroup: logs.LogGroup) {
    super(scope, id);
    this.logGroup = logGroup;
    const inVpc = options.vpc !== undefined;
    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `DatasetCopy functions of ${scope.node.path}: assume the role of each copy`,
    });
    logGroup.grantWrite(this.handlerRole);
    if (inVpc) {
      addVpcAccess(this.handlerRole);
    }

    const handlerProps = {
      role: this.handlerRole,
      timeout: Duration.minutes(15),
      memorySize: 1024,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      securityGroups: options.securityGroups,
      logGroup,
    };
    const onEventHandler = new CopyHandlerFunction(this, 'OnEventHandler', {
      ...handlerProps,
      description: `DatasetCopy copies of ${scope.node.path}: starts a copy`,
      environment: { COPY_HANDLER_MODE: 'onEvent' },
    });
    const isCompleteHandler = new CopyHandlerFunction(this, 'IsCompleteHandler', {
      ...handlerProps,
      description: `DatasetCopy copies of ${scope.node.path}: copies and checks for completion`,
      environment: { COPY_HANDLER_MODE: 'isComplete' },
    });

    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler,
      isCompleteHandler,
      totalTimeout: options.totalTimeout,
      queryInterval: options.queryInterval,
      vpc: options.vpc,
      vpcSubnets: options.vpcSubnets,
      securityGroups: options.securityGroups,
      logGroup,
      // Roles without the AWS managed AWSLambdaBasicExecutionRole policy: logs go to this log group only.
      frameworkOnEventRole: createFrameworkRole(this, 'FrameworkOnEventRole', logGroup, inVpc),
      frameworkCompleteAndTimeoutRole: createFrameworkRole(this, 'FrameworkCompleteRole', logGroup, inVpc),
      disableWaiterStateMachineLogging: false,
      waiterStateMachineLogOptions: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    // X-Ray tracing on the waiter (the Provider has no property for it).
    const waiter = provider.node.findChild('waiter-state-machine');
    (waiter.node.findChild('Resource') as sfn.CfnStateMachine).tracingConfiguration = { enabled: true };
    (waiter.node.findChild('Role') as iam.Role).addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['xray:PutTraceSegments', 'xray:PutTelemetryRecords', 'xray:GetSamplingRules', 'xray:GetSamplingTargets'],
      resources: ['*'],
    }));
    this.serviceToken = provider.serviceToken;

    const handlers: lambda.Function[] = [onEventHandler, isCompleteHandler];
    // Granting invoke on a function covers its versions and aliases (`<arn>:*`): aws-cdk-lib's grantInvoke.
    acknowledgeFrameworkInvokes(provider, handlers,
      'The Provider framework invokes the copy functions and their versions (aws-cdk-lib grantInvoke adds <arn>:*).');
    if (!inVpc) {
      acknowledgeOutsideVpc([...handlers, ...frameworkFunctions(provider)],
        'Runs outside a VPC unless `vpc` is given: it only calls STS, S3 and S3 Control over TLS with IAM authentication.');
    }
  }

  /**
   * Lets the copy functions assume a copy's role (the role's trust policy must name
   * `handlerRole`). The custom resource of the copy depends on the returned grant.
   */
  public allowAssume(copyRole: iam.IRole): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee: this.handlerRole, actions: ['sts:AssumeRole'], resourceArns: [copyRole.roleArn] });
  }
}

/**
 * What tells copy providers apart, undefined for the defaults. Constructs count by the values the
 * stack resolves them to (a VPC by its ID, subnets by theirs, security groups by theirs).
 */
function providerKey(options: CopyProviderOptions, logGroup: logs.ILogGroup): object | undefined {
  const totalTimeout = options.totalTimeout.toSeconds();
  const queryInterval = options.queryInterval.toSeconds();
  const defaults = options.vpc === undefined && options.vpcSubnets === undefined && options.securityGroups === undefined
    && totalTimeout === DEFAULT_PROVIDER_TIMING.totalTimeout.toSeconds() && queryInterval === DEFAULT_PROVIDER_TIMING.queryInterval.toSeconds()
    && logGroup.node.id === STACK_LOG_GROUP_ID;
  if (defaults) {
    return undefined;
  }
  return {
    vpc: options.vpc?.vpcId,
    subnets: options.vpc?.selectSubnets(options.vpcSubnets).subnetIds,
    securityGroups: options.securityGroups?.map((sg) => sg.securityGroupId),
    totalTimeout,
    queryInterval,
    logGroup: logGroup.node.id,
  };
}
