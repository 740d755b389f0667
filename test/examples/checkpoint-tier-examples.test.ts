import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CheckpointTierExpressExampleStack, CheckpointTierLustreExampleStack } from '../../examples/checkpoint-tier-stacks';
import { TRAINING_REGION } from '../../examples/training-vpc';
import { CANCEL_TASKS_RESOURCE_TYPE } from '../../src/checkpoint/handler/contract';
import { testApp, validatedTemplate } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

describe('CheckpointTierLustreExample', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = new CheckpointTierLustreExampleStack(testApp(), 'CheckpointTierLustreExample', { env: { region: TRAINING_REGION } });
    template = validatedTemplate(stack);
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('the association, the hourly release, the low-capacity trigger, the stale alarm to the topic, the cancel on deletion', () => {
    template.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', { FileSystemPath: '/checkpoints', S3: { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } } });
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(1 hour)' });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'FreeDataStorageCapacity', Threshold: Math.floor(1200 * 1024 ** 3 * 0.2) });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'NewestCompleteCheckpointAgeSeconds', AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }] });
    template.resourceCountIs(CANCEL_TASKS_RESOURCE_TYPE, 1);
    template.hasOutput('CheckpointDir', { Value: '/fsx/checkpoints' });
  });
});

describe('CheckpointTierExpressExample', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = new CheckpointTierExpressExampleStack(testApp(), 'CheckpointTierExpressExample', { env: { region: TRAINING_REGION } });
    template = validatedTemplate(stack);
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('the copy every 10 minutes, the abort rule on the cache, the training role\'s ReadWrite sessions', () => {
    template.hasResourceProperties('AWS::Scheduler::Schedule', { ScheduleExpression: 'rate(10 minutes)' });
    template.hasResourceProperties('AWS::S3Express::DirectoryBucket', {
      LifecycleConfiguration: { Rules: [Match.objectLike({ Prefix: 'checkpoints/', AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } })] },
    });
    template.resourceCountIs(CANCEL_TASKS_RESOURCE_TYPE, 0);
  });
});
