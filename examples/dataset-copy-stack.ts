import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DatasetCopy, DatasetCopyEngine, TrainingDataLake } from '../src';

/**
 * Whole `datasets/<name>/` prefixes copied out of a TrainingDataLake into a second lake (for example
 * a staging bucket next to the training cluster): one with the Lambda engine, which the deployment
 * waits for, and a larger one with S3 Batch Operations, which the deployment only starts.
 */
export class DatasetCopyExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const staging = new TrainingDataLake(this, 'Staging', {
      serverAccessLogsBucket: lake.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'staging/',
    });

    const corpus = new DatasetCopy(this, 'CopyCorpus', {
      source: lake.dataset('corpus'),
      destination: staging.dataset('corpus'),
    });

    new DatasetCopy(this, 'CopyImages', {
      source: lake.dataset('images'),
      destination: staging.datasets,
      engine: DatasetCopyEngine.BATCH_OPERATIONS,
      waitForBatchJob: false,
    });

    new CfnOutput(this, 'CorpusUri', { value: staging.dataset('corpus').s3Uri, description: 'The staged corpus' });
    new CfnOutput(this, 'CorpusObjectsCopied', { value: corpus.objectsCopied, description: 'Objects the last deployment copied' });
    new CfnOutput(this, 'ImagesUri', { value: `${staging.datasets.s3Uri}datasets/images/`, description: 'Where Batch Operations writes the images (full source keys)' });
  }
}
