import { App, AppProps, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { unacknowledgedFindings } from './validation-report';
import { DataLocation, StrictValidations } from '../../src';

/**
 * A test App under the library's own validation setup: CloudFormation Validate (fatal), cdk-nag's
 * AwsSolutions rules and the Control Tower guard rules, any unacknowledged finding failing synthesis.
 */
export function testApp(props: AppProps = {}): App {
  const app = new App(props);
  StrictValidations.addTo(app);
  return app;
}

/** A stack in a new validated test App. */
export function testStack(id = 'Test'): Stack {
  return new Stack(testApp(), id);
}

/**
 * Synthesizes the stack's app under the three validators and returns its template. Synthesis itself
 * fails on any finding that is not acknowledged; the validation report is read as well, as a second
 * check, and any finding in it fails the test, with the findings in the message.
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
 * Acknowledges cdk-nag's wildcard finding for each prefix grant of the grantee: the wildcard is the
 * prefix itself (`<bucket>/<prefix>*`), which is what a prefix-scoped grant is.
 *
 * @param grantee the grantee
 * @param locations the granted locations
 */
export function acknowledgePrefixGrants(grantee: iam.IGrantable, locations: DataLocation[]): void {
  for (const location of locations) {
    location.acknowledgeGrantWildcard(grantee, 'Test grant scoped to a key prefix.');
  }
}
