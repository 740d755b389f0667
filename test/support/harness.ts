import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { unacknowledgedFindings, validatedApp } from '../../examples/validators';
import { DataLocation } from '../../src';
import { acknowledgeWildcards } from '../../src/core/acknowledge';

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
 * @param locations the granted locations
 */
export function acknowledgePrefixGrants(role: iam.IRole, locations: DataLocation[]): void {
  acknowledgeWildcards(role, locations.map((l) => l.objectsArn), 'Test grant scoped to a key prefix.');
}
