import { App } from 'aws-cdk-lib';
import { CheckpointTierExpressExampleStack, CheckpointTierLustreExampleStack } from './checkpoint-tier-stacks';
import { DataLakeExampleStack } from './data-lake-stack';
import { DatasetCopyExampleStack } from './dataset-copy-stack';
import { Ec2TrainingExampleStack } from './ec2-training-stack';
import { EksTrainingExampleStack } from './eks-training-stack';
import { ExpressCacheExampleStack } from './express-cache-stack';
import { HyperPodLustreExampleStack } from './hyperpod-lustre-stack';
import { LustreScratchExampleStack } from './lustre-scratch-stack';
import { SageMakerStreamingExampleStack } from './sagemaker-streaming-stack';
import { SeedObjectCopyExampleStack } from './seed-object-copy-stack';
import { TRAINING_REGION } from './training-vpc';

/**
 * Adds every example stack to the app, without account, credentials or lookups. The stacks whose GPU
 * subnet is placed by zone ID (TRAINING_ZONE_ID) name the zone's Region, the others are
 * environment-agnostic. `include` picks stacks by name (the tests synthesize some on their own).
 */
export function buildExamples(app: App, include: (stackName: string) => boolean = () => true): App {
  const trainingZoneEnv = { region: TRAINING_REGION };
  const stacks: Array<[string, (name: string) => void]> = [
    ['TrainingDataLakeExample', (name) => new DataLakeExampleStack(app, name)],
    ['SeedObjectCopyExample', (name) => new SeedObjectCopyExampleStack(app, name)],
    ['DatasetCopyExample', (name) => new DatasetCopyExampleStack(app, name)],
    ['ExpressCacheExample', (name) => new ExpressCacheExampleStack(app, name, { env: trainingZoneEnv })],
    ['LustreScratchExample', (name) => new LustreScratchExampleStack(app, name, { env: trainingZoneEnv })],
    ['CheckpointTierLustreExample', (name) => new CheckpointTierLustreExampleStack(app, name, { env: trainingZoneEnv })],
    ['CheckpointTierExpressExample', (name) => new CheckpointTierExpressExampleStack(app, name, { env: trainingZoneEnv })],
    ['Ec2TrainingExample', (name) => new Ec2TrainingExampleStack(app, name, { env: trainingZoneEnv })],
    ['EksTrainingExample', (name) => new EksTrainingExampleStack(app, name, { env: trainingZoneEnv })],
    ['SageMakerStreamingExample', (name) => new SageMakerStreamingExampleStack(app, name, { env: trainingZoneEnv })],
    ['HyperPodLustreExample', (name) => new HyperPodLustreExampleStack(app, name, { env: trainingZoneEnv })],
  ];
  for (const [name, build] of stacks) {
    if (include(name)) {
      build(name);
    }
  }
  return app;
}
