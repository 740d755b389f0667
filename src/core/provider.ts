/**
 * The pieces of a Provider-framework custom resource that pass the library's validators, shared by
 * DatasetCopy and ExpressCache's auto-delete: one KMS-encrypted log group, framework roles without
 * AWS managed policies, and the acknowledgements of the framework's own findings.
 */
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { acknowledgeFinding, acknowledgeWildcards } from './acknowledge';
import { EncryptedLogGroupOptions, createEncryptedLogGroup } from './log-group';

/** Options of {@link createProviderLogGroup}. @internal */
export type ProviderLogGroupOptions = EncryptedLogGroupOptions;

/**
 * The log group `Logs` of a custom resource's functions and waiter: KMS-encrypted (a new key
 * `LogsKey` unless one is given), retained, kept one year unless told otherwise.
 * @internal
 */
export function createProviderLogGroup(scope: Construct, options: ProviderLogGroupOptions = {}): logs.LogGroup {
  return createEncryptedLogGroup(scope, options);
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
