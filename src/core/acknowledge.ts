import { Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { IConstruct } from 'constructs';

/**
 * Acknowledges one validator finding on one construct, with the reason stated once here so that
 * the library's own acknowledgements are easy to audit (`grep acknowledgeFinding src`).
 *
 * `Validations.acknowledge` rejects IDs with `::` after the prefix, and cdk-nag renders literal
 * ARNs as `arn:<AWS::Partition>:...`; for those IDs the same acknowledgement metadata is recorded
 * directly (it is what cdk-nag reads).
 * @internal
 */
export function acknowledgeFinding(construct: IConstruct, id: string, reason: string): void {
  if (id.split('::').length <= 2) {
    Validations.of(construct).acknowledge({ id, reason });
  } else {
    construct.node.addMetadata(Validations.ACKNOWLEDGED_RULES_METADATA_KEY, { [id]: reason });
  }
}

/**
 * Renders a resolved CloudFormation value the way cdk-nag writes it in a finding ID:
 * `{ Ref: X }` as `<X>`, `{ Fn::GetAtt: [A, B] }` as `<A.B>`, joins concatenated.
 * @internal
 */
export function renderForNag(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    if ('Ref' in v) {
      return `<${String(v.Ref)}>`;
    }
    if ('Fn::GetAtt' in v) {
      return `<${(v['Fn::GetAtt'] as string[]).join('.')}>`;
    }
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'] as [string, unknown[]];
      return parts.map(renderForNag).join(separator);
    }
  }
  return JSON.stringify(value);
}

/**
 * The policy resource that grants to a principal land in: the `DefaultPolicy` of a role, user or
 * group of this app, or the `Policy` aws-cdk-lib adds to an imported role. Undefined when there is
 * none (yet).
 * @internal
 */
export function grantPolicyOf(grantee: iam.IGrantable): IConstruct | undefined {
  const principal = grantee.grantPrincipal as unknown as Partial<IConstruct>;
  if (!principal.node) {
    return undefined;
  }
  const policy = principal.node.tryFindChild('DefaultPolicy') ?? principal.node.tryFindChild('Policy');
  return policy?.node.defaultChild;
}

/**
 * Acknowledges cdk-nag's wildcard finding (AwsSolutions-IAM5) for each resource pattern of a
 * grant made on the grantee's policy, when the wildcard is the grant's own scope (a key prefix,
 * `<bucket>/<prefix>*`). Returns false when the grantee has no policy to acknowledge on.
 * @internal
 */
export function acknowledgeWildcards(grantee: iam.IGrantable, resourceArns: string[], reason: string): boolean {
  const policy = grantPolicyOf(grantee);
  if (!policy) {
    return false;
  }
  const stack = Stack.of(policy);
  for (const arn of resourceArns) {
    acknowledgeFinding(policy, `AwsSolutions-IAM5[Resource::${renderForNag(stack.resolve(arn))}]`, reason);
  }
  return true;
}
