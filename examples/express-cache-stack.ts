import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { trainingNetwork } from './training-vpc';
import { ExpressCache, TrainingDataLake } from '../src';

/**
 * An S3 Express One Zone cache next to the GPUs: a TrainingVpc whose GPU subnet is placed by zone ID
 * (use1-az4, so the stack belongs to us-east-1), a TrainingDataLake, a directory bucket in the GPU
 * subnet's zone (named with the literal zone ID, which the subnet gives: none is typed twice), the
 * import of the `corpus` dataset into the cache at deploy time, and a training role for the GPU
 * instances that mount the cache read-only with Mountpoint (whose sessions are ReadWrite ones:
 * read-only is Mountpoint's `--read-only`).
 */
export class ExpressCacheExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    // The GPU subnet's route table reaches S3 and the zonal endpoint through the VPC's gateway endpoints.
    const network = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);

    const cache = new ExpressCache(this, 'Cache', {
      subnet: network.trainingSubnet,
      lifecycleRules: [{ id: 'ExpireScratch', prefix: 'scratch/', expiration: Duration.days(7), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
    });
    const corpus = cache.importFrom(lake.dataset('corpus')); // to datasets/corpus/ in the cache

    const trainingRole = new iam.Role(this, 'TrainingRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'GPU instances: mount the Express cache read-only',
    });
    cache.grantMountpointRead(trainingRole);

    new CfnOutput(this, 'CacheBucketName', { value: cache.bucketName, description: 'The directory bucket' });
    new CfnOutput(this, 'CorpusUri', { value: cache.location('datasets/corpus/').s3Uri, description: 'The corpus in the cache' });
    new CfnOutput(this, 'CorpusObjectsCopied', { value: corpus.objectsCopied, description: 'Objects the last deployment copied' });
    new CfnOutput(this, 'ZonalEndpoint', { value: cache.zonalEndpoint, description: 'The zonal endpoint (S3 connector for PyTorch: endpoint)' });
    new CfnOutput(this, 'MountCommand', {
      value: cache.mountpointCommand({ mountPath: '/mnt/cache', prefix: 'datasets/corpus/', readOnly: true }),
      description: 'Mountpoint for Amazon S3 on a GPU instance',
    });
  }
}
