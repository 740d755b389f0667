import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TrainingDataLake } from '../src';

/**
 * A training data lake with one dataset, and a training role that reads the dataset and reads and
 * writes checkpoints.
 */
export class DataLakeExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const corpus = lake.dataset('corpus');

    const trainingRole = new iam.Role(this, 'TrainingRole', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: 'Training jobs: read the corpus dataset, read and write checkpoints',
    });
    corpus.grantRead(trainingRole);
    lake.checkpoints.grantReadWrite(trainingRole);

    // cdk-nag reports the wildcard of every prefix grant: here the wildcards are the prefixes themselves.
    corpus.acknowledgeGrantWildcard(trainingRole, 'Training reads every object under the corpus dataset prefix, and only that prefix.');
    lake.checkpoints.acknowledgeGrantWildcard(trainingRole,
      'Training writes and rotates checkpoint objects under the checkpoints prefix, and only that prefix.');

    new CfnOutput(this, 'BucketName', { value: lake.bucket.bucketName, description: 'The lake bucket' });
    new CfnOutput(this, 'DatasetsUri', { value: lake.datasets.s3Uri, description: 'Where datasets live' });
    new CfnOutput(this, 'CorpusUri', { value: corpus.s3Uri, description: 'The corpus dataset' });
    new CfnOutput(this, 'CheckpointsUri', { value: lake.checkpoints.s3Uri, description: 'Where checkpoints live' });
  }
}
