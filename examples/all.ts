import { App } from 'aws-cdk-lib';
import { CheckpointTierExpressExampleStack, CheckpointTierLustreExampleStack } from './checkpoint-tier-stacks';
import { DataLakeExampleStack } from './data-lake-stack';
import { DatasetCopyExampleStack } from './dataset-copy-stack';
import { Ec2TrainingExampleStack } from './ec2-training-stack';
import { EksTrainingExampleStack } from './eks-training-stack';
import { ExpressCacheExampleStack } from './express-cache-stack';
import { LustreScratchExampleStack } from './lustre-scratch-stack';
import { SeedObjectCopyExampleStack } from './seed-object-copy-stack';
import { TRAINING_REGION } from './training-vpc';

/**
 * Adds every example stack to the app, without account, credentials or lookups. The stacks whose GPU
 * subnet is placed by zone ID (TRAINING_ZONE_ID) name the zone's Region, the others are
 * environment-agnostic.
 */
export function buildExamples(app: App): App {
  const trainingZoneEnv = { region: TRAINING_REGION };
  new DataLakeExampleStack(app, 'TrainingDataLakeExample');
  new SeedObjectCopyExampleStack(app, 'SeedObjectCopyExample');
  new DatasetCopyExampleStack(app, 'DatasetCopyExample');
  new ExpressCacheExampleStack(app, 'ExpressCacheExample', { env: trainingZoneEnv });
  new LustreScratchExampleStack(app, 'LustreScratchExample', { env: trainingZoneEnv });
  new CheckpointTierLustreExampleStack(app, 'CheckpointTierLustreExample', { env: trainingZoneEnv });
  new CheckpointTierExpressExampleStack(app, 'CheckpointTierExpressExample', { env: trainingZoneEnv });
  new Ec2TrainingExampleStack(app, 'Ec2TrainingExample', { env: trainingZoneEnv });
  new EksTrainingExampleStack(app, 'EksTrainingExample', { env: trainingZoneEnv });
  return app;
}
