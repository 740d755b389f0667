import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { buildExamples } from '../../examples/all';
import { validatedTemplate, testApp } from '../support/harness';

function exampleStacks(): Stack[] {
  const app: App = buildExamples(testApp());
  return app.node.children.filter((c): c is Stack => Stack.isStack(c));
}

describe('example stacks', () => {
  const stacks = exampleStacks();

  test('the examples app holds the data lake example, environment-agnostic', () => {
    expect(stacks.map((s) => s.stackName)).toEqual(expect.arrayContaining(['TrainingDataLakeExample']));
    for (const stack of stacks) {
      expect(stack.environment).toBe('aws://unknown-account/unknown-region');
    }
  });

  test.each(stacks.map((s) => [s.stackName, s] as const))('%s passes the three validators and matches its snapshot', (_name, stack) => {
    const template = validatedTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('the data lake example outputs the bucket name and the s3:// URIs', () => {
    const stack = stacks.find((s) => s.stackName === 'TrainingDataLakeExample')!;
    const template = validatedTemplate(stack);
    template.hasOutput('BucketName', { Value: { Ref: Match.stringLikeRegexp('^LakeBucket') } });
    for (const [output, prefix] of [['DatasetsUri', '/datasets/'], ['CorpusUri', '/datasets/corpus/'], ['CheckpointsUri', '/checkpoints/']]) {
      template.hasOutput(output, { Value: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^LakeBucket') }, prefix]] } });
    }
  });
});
