/**
 * The pieces of a Provider-framework custom resource that pass the library's validators, shared by
 * DatasetCopy and ExpressCache's auto-delete: the stack's KMS-encrypted log group, framework roles
 * without AWS managed policies, and the acknowledgements of the framework's own findings.
 */
import { createHash } from 'crypto';
import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeFinding, acknowledgeWildcards } from './acknowledge';
import { createEncryptedLogGroup } from './log-group';

/** The construct ID of the stack's custom-resource log group with the default options. @internal */
export const STACK_LOG_GROUP_ID = 'CdkTrainingStorageLogs';

/** Options of {@link stackLogGroup}. @internal */
export interface StackLogGroupOptions {
  /** @default logs.RetentionDays.ONE_YEAR */
  readonly retention?: logs.RetentionDays;
  /** @default - the stack's log key */
  readonly encryptionKey?: kms.IKey;
}

/**
 * The log group of the library's custom resources in a stack (their functions and waiters): one per
 * stack and set of options, a child of the stack found in the construct tree and created on first
 * use. With the default options (a year, the stack's log key) its ID is `CdkTrainingStorageLogs`;
 * other options give `CdkTrainingStorageLogs<hash of the options>`. KMS-encrypted and retained.
 * @internal
 */
export function stackLogGroup(scope: Construct, options: StackLogGroupOptions = {}): logs.LogGroup {
  const stack = Stack.of(scope);
  const retention = options.retention ?? logs.RetentionDays.ONE_YEAR;
  const key = options.encryptionKey === undefined && retention === logs.RetentionDays.ONE_YEAR ? undefined
    : { retention, encryptionKey: options.encryptionKey === undefined ? undefined : stack.resolve(options.encryptionKey.keyArn) };
  const id = singletonId(stack, STACK_LOG_GROUP_ID, key);
  const existing = stack.node.tryFindChild(id) as logs.LogGroup | undefined;
  return existing ?? createEncryptedLogGroup(stack, { id, retention, encryptionKey: options.encryptionKey });
}

/**
 * The ID of a per-stack singleton: `base` for the default options (`options` undefined), else
 * `base` and the first 8 hex digits of a SHA-256 of the options as the stack resolves them, so that
 * the ID depends on the options only, never on which construct asked first.
 * @internal
 */
export function singletonId(stack: Stack, base: string, options: unknown): string {
  if (options === undefined) {
    return base;
  }
  const digest = createHash('sha256').update(JSON.stringify(stack.resolve(options))).digest('hex');
  return `${base}${digest.slice(0, 8).toUpperCase()}`;
}

/**
 * A role for the Provider framework's functions, without the AWS managed
 * AWSLambdaBasicExecutionRole policy: it writes to the given log group only.
 * @internal
 */
export function createFrameworkRole(scope: Construct, id: string, logGroup: logs.ILogGroup, inVpc: boolean): iam.Role {
  const role = new iam.Role(scope, id, { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  logGroup.grantWrite(role);
  if (inVpc) {
    addVpcAccess(role);
  }
  return role;
}

/** What a function in a VPC needs to manage its network interfaces (no resource-level scoping exists). @internal */
export function addVpcAccess(role: iam.Role): void {
  role.addToPrincipalPolicy(new iam.PolicyStatement({
    actions: ['ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface',
      'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'],
    resources: ['*'],
  }));
  acknowledgeWildcards(role, ['*'], 'Lambda functions in a VPC manage their network interfaces; EC2 offers no resource-level scope for these actions.');
}

/** The Provider framework's own functions that exist (`framework-isComplete` and `framework-onTimeout` only with isComplete). @internal */
export function frameworkFunctions(provider: cr.Provider): lambda.Function[] {
  return ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']
    .map((id) => provider.node.tryFindChild(id) as lambda.Function | undefined)
    .filter((fn): fn is lambda.Function => fn !== undefined);
}

/**
 * Acknowledges the findings the Provider framework brings by itself: the `<function arn>:*`
 * wildcards of its invoke grants and, with a waiter, the `*` of X-Ray and log deliveries.
 * @internal
 */
export function acknowledgeFrameworkInvokes(provider: cr.Provider, handlers: lambda.Function[], reason: string): void {
  const [onEvent, isComplete, onTimeout] = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']
    .map((id) => provider.node.tryFindChild(id) as lambda.Function | undefined);
  const waiter = provider.node.tryFindChild('waiter-state-machine');
  const waiterRole = waiter?.node.findChild('Role') as iam.Role | undefined;
  const invokers: Array<[iam.IRole | undefined, lambda.Function[]]> = [
    [onEvent?.role, handlers],
    [isComplete?.role, handlers],
    [waiterRole, [isComplete, onTimeout].filter((fn): fn is lambda.Function => fn !== undefined)],
  ];
  for (const [role, functions] of invokers) {
    if (role) {
      acknowledgeWildcards(role, functions.map((f) => `${f.functionArn}:*`), reason);
    }
  }
  if (waiterRole) {
    acknowledgeWildcards(waiterRole, ['*'], 'X-Ray trace segments and CloudWatch Logs log deliveries have no resource-level permissions.');
  }
}

/** Acknowledges CT.LAMBDA.PR.3 (functions outside a VPC) on each function. @internal */
export function acknowledgeOutsideVpc(functions: lambda.Function[], reason: string): void {
  for (const fn of functions) {
    acknowledgeFinding(fn.node.defaultChild!, 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason);
  }
}
