import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, Stack, Validations } from 'aws-cdk-lib';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { guardDisagreements, rawGuardFailures } from './raw-guard';

/** An app that writes its validation report without failing, with the guard rules only. */
function guardOnlyStack(): { stack: Stack; fn: lambda.Function } {
  const app = new App({ context: { '@aws-cdk/core:failSynthOnValidationErrors': false } });
  Validations.of(app).addPlugins(new CfnGuardValidator());
  const stack = new Stack(app, 'Test');
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_22_X, handler: 'index.handler', code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  return { stack, fn };
}

const vpcRule = 'cdk-validator-cfnguard::lambda_inside_vpc_check';

describe('the raw cfn-guard comparison', () => {
  test('a raw run lists each failing rule on each resource', () => {
    const { stack, fn } = guardOnlyStack();
    const assembly = (stack.node.root as App).synth();
    expect(rawGuardFailures(`${assembly.directory}/${stack.templateFile}`)).toContainEqual({
      ruleName: 'lambda_inside_vpc_check', logicalId: stack.resolve((fn.node.defaultChild as lambda.CfnFunction).logicalId),
    });
  });

  test('a reported finding and a finding acknowledged on its resource agree', () => {
    const { stack, fn } = guardOnlyStack();
    Validations.of(fn.node.defaultChild!).acknowledge({ id: vpcRule, reason: 'Acknowledged on the function itself.' });
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('a finding acknowledged elsewhere (here, on the whole stack) disagrees', () => {
    const { stack } = guardOnlyStack();
    Validations.of(stack).acknowledge({ id: vpcRule, reason: 'Acknowledged for everything in the stack.' });
    expect(guardDisagreements(stack)).toEqual([expect.stringMatching(/^lambda_inside_vpc_check on Test\/Fn\/Resource \(Fn[0-9A-F]{8}\)$/)]);
  });
});
