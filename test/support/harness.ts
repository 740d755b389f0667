import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { acknowledgeNagFinding, unacknowledgedFindings, validatedApp } from '../../examples/validators';

/** A test App with the validation context flag and all three validators. */
export function testApp(): App {
  return validatedApp();
}

/** A stack in a new validated test App. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id);
}

/**
 * Synthesizes the stack's app under the three validators and returns its template. Any finding
 * that is not acknowledged fails the test, with the findings in the message.
 */
export function validatedTemplate(stack: Stack): Template {
  const app = stack.node.root as App;
  const assembly = app.synth();
  const findings = unacknowledgedFindings(assembly.directory);
  if (findings.length > 0) {
    throw new Error(`${findings.length} unacknowledged validation finding(s):\n${findings.join('\n')}`);
  }
  return Template.fromStack(stack);
}

/**
 * Acknowledges cdk-nag's wildcard finding for each prefix grant on the role's default policy: the
 * wildcard is the prefix itself (`<bucket>/<prefix>*`), which is what a prefix-scoped grant is.
 *
 * @param role the grantee
 * @param objectPatterns the granted key patterns, such as `datasets/corpus/*`
 */
export function acknowledgePrefixGrants(role: iam.Role, objectPatterns: string[]): void {
  const policy = role.node.findChild('DefaultPolicy').node.defaultChild as CfnElement;
  const stack = Stack.of(role);
  const resolved = JSON.stringify(stack.resolve((policy as iam.CfnPolicy).policyDocument));
  for (const pattern of objectPatterns) {
    for (const bucketRef of bucketReferences(resolved)) {
      acknowledgeNagFinding(policy, `AwsSolutions-IAM5[Resource::${bucketRef}/${pattern}]`,
        `Test grant scoped to the key prefix ${pattern}.`);
    }
  }
}

/** How cdk-nag renders the bucket ARNs in a policy: `<LogicalId.Arn>` or the literal ARN. */
function bucketReferences(policyJson: string): string[] {
  const refs = new Set<string>();
  for (const m of policyJson.matchAll(/"Fn::GetAtt":\["([A-Za-z0-9]+)","Arn"\]/g)) {
    refs.add(`<${m[1]}.Arn>`);
  }
  for (const m of policyJson.matchAll(/":s3:::([a-z0-9.-]+)\//g)) {
    refs.add(`arn:<AWS::Partition>:s3:::${m[1]}`);
  }
  return [...refs];
}
