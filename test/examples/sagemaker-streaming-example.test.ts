import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { SAGEMAKER_RUN, SAGEMAKER_TRAINING_IMAGE, SageMakerStreamingExampleStack } from '../../examples/sagemaker-streaming-stack';
import { TRAINING_REGION } from '../../examples/training-vpc';
import { testApp, validatedTemplate } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

describe('SageMakerStreamingExample', () => {
  let stack: Stack;
  let template: Template;
  let request: any;
  beforeAll(() => {
    stack = new SageMakerStreamingExampleStack(testApp(), 'SageMakerStreamingExample', { env: { region: TRAINING_REGION } });
    template = validatedTemplate(stack);
    request = template.toJSON().Outputs.CreateTrainingJobRequest.Value;
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('the lake corpus is imported into the cache, which the job streams (FastFile) on two ml.p5.48xlarge', () => {
    template.resourceCountIs('AWS::S3Express::DirectoryBucket', 1);
    const text = JSON.stringify(request);
    expect(text).toContain('\\"InputMode\\":\\"FastFile\\"');
    expect(text).toContain('/datasets/corpus/\\"');
    expect(text).toContain('\\"InstanceCount\\":2,\\"InstanceType\\":\\"ml.p5.48xlarge\\"');
    expect(text).toContain(SAGEMAKER_TRAINING_IMAGE);
  });

  test('checkpoints go to the cache under the run, and the CheckpointTier copies them to the lake', () => {
    expect(JSON.stringify(request)).toContain(`/checkpoints/${SAGEMAKER_RUN}/\\",\\"LocalPath\\":\\"/opt/ml/checkpoints\\"`);
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(10 minutes)' });
  });

  test('a state machine starts the job and waits for it', () => {
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      DefinitionString: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('states:::sagemaker:createTrainingJob\\.sync')])] },
    });
  });
});
