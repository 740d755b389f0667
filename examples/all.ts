import { App } from 'aws-cdk-lib';
import { DataLakeExampleStack } from './data-lake-stack';

/** Adds every example stack to the app, environment-agnostic: no account, credentials or lookups. */
export function buildExamples(app: App): App {
  new DataLakeExampleStack(app, 'TrainingDataLakeExample');
  return app;
}
