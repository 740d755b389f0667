import { App, AppProps, Stack, StackProps } from 'aws-cdk-lib';
import { Annotations, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { unacknowledgedFindings } from './validation-report';
import { DataLocation, StrictValidations } from '../../src';

/*
 * Two kinds of test stacks, because synthesis under the validators is what makes the suite slow
 * (about 1.5 s for a TrainingDataLake stack on a quiet machine, against 35 ms without them):
 *
 * - validated: `testApp()` / `testStack()`, synthesized with `validatedTemplate()`. Only for tests
 *   about validation: each example stack, one representative stack per construct (its defaults),
 *   each acknowledgement the library makes (an option that adds one), and each validator outcome.
 * - plain: `plainApp()` / `plainStack()`, synthesized with `plainTemplate()` (or
 *   `plainAnnotations()`), with no validator at all. For every other test: template content,
 *   construct behaviour, rejected input (rejections need no synthesis at all).
 *
 * Build a fixture stack once per describe (`beforeAll`) and assert many things on it.
 */

/** The apps `testApp()` made: `plainTemplate()` refuses them (their synthesis runs the validators). */
const VALIDATED_APPS = new WeakSet<App>();

/**
 * A test App under the library's own validation setup: CloudFormation Validate (fatal), cdk-nag's
 * AwsSolutions rules and the Control Tower guard rules, any unacknowledged finding failing synthesis.
 */
export function testApp(props: AppProps = {}): App {
  const app = new App(props);
  StrictValidations.addTo(app);
  VALIDATED_APPS.add(app);
  return app;
}

/** A stack in a new validated test App. */
export function testStack(id = 'Test', props?: StackProps): Stack {
  return new Stack(testApp(), id, props);
}

/** A plain App: no validation plugin; `plainTemplate()` turns CloudFormation Validate off too. */
export function plainApp(props: AppProps = {}): App {
  return new App(props);
}

/** A stack in a new plain App, for tests that are not about validation. */
export function plainStack(id = 'Test', props?: StackProps): Stack {
  return new Stack(plainApp(), id, props);
}

/**
 * Runs `synthesize` with aws-cdk-lib's built-in CloudFormation Validate turned off
 * (`CDK_VALIDATION=false`, read by aws-cdk-lib at each synthesis), then restores the variable.
 */
function withoutCloudFormationValidate<T>(stack: Stack, synthesize: () => T): T {
  if (VALIDATED_APPS.has(stack.node.root as App)) {
    throw new Error(`${stack.node.path} is in a validated test App: synthesize it with validatedTemplate(), or build it with plainStack()`);
  }
  const previous = process.env.CDK_VALIDATION;
  process.env.CDK_VALIDATION = 'false';
  try {
    return synthesize();
  } finally {
    if (previous === undefined) {
      delete process.env.CDK_VALIDATION;
    } else {
      process.env.CDK_VALIDATION = previous;
    }
  }
}

/**
 * Synthesizes a plain stack's app without any validation and returns the stack's template. The
 * assembly is cached by the app: a second call (or `Template.fromStack`) reads the same one.
 * Refuses a stack of `testApp()`.
 */
export function plainTemplate(stack: Stack): Template {
  return withoutCloudFormationValidate(stack, () => Template.fromStack(stack));
}

/**
 * The annotations (warnings, errors) of a plain stack. `Annotations.fromStack` synthesizes again
 * every time; this does so without any validation. Refuses a stack of `testApp()`.
 */
export function plainAnnotations(stack: Stack): Annotations {
  return withoutCloudFormationValidate(stack, () => Annotations.fromStack(stack));
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
