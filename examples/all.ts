import { App } from 'aws-cdk-lib';
import { DataLakeExampleStack } from './data-lake-stack';
import { DatasetCopyExampleStack } from './dataset-copy-stack';
import { ExpressCacheExampleStack } from './express-cache-stack';
import { LustreScratchExampleStack } from './lustre-scratch-stack';
import { SeedObjectCopyExampleStack } from './seed-object-copy-stack';

/** Adds every example stack to the app, environment-agnostic: no account, credentials or lookups. */
export function buildExamples(app: App): App {
  new DataLakeExampleStack(app, 'TrainingDataLakeExample');
  new SeedObjectCopyExampleStack(app, 'SeedObjectCopyExample');
  new DatasetCopyExampleStack(app, 'DatasetCopyExample');
  new ExpressCacheExampleStack(app, 'ExpressCacheExample');
  new LustreScratchExampleStack(app, 'LustreScratchExample');
  return app;
}
