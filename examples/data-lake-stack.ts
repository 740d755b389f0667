import { CfnElement, CfnOutput, Stack, StackProps, Validations } from 'aws-cdk-lib';
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

    // cdk-nag reports every wildcard; these two are the prefixes themselves, one finding each.
    const policy = trainingRole.node.findChild('DefaultPolicy').node.defaultChild!;
    const bucketArn = `<${this.getLogicalId(lake.bucket.node.defaultChild as CfnElement)}.Arn>`;
    Validations.of(policy).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/datasets/corpus/*]`,
        reason: 'Training reads every object under the corpus dataset prefix, and only that prefix.',
      },
      {
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/checkpoints/*]`,
        reason: 'Training writes and rotates checkpoint objects under the checkpoints prefix, and only that prefix.',
      },
    );

    new CfnOutput(this, 'BucketName', { value: lake.bucket.bucketName, description: 'The lake bucket' });
    new CfnOutput(this, 'DatasetsUri', { value: lake.datasets.s3Uri, description: 'Where datasets live' });
    new CfnOutput(this, 'CorpusUri', { value: corpus.s3Uri, description: 'The corpus dataset' });
    new CfnOutput(this, 'CheckpointsUri', { value: lake.checkpoints.s3Uri, description: 'Where checkpoints live' });
  }
}
