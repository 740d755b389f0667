import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { GPU_SUBNET_GROUP, trainingVpc } from './training-vpc';
import { ExpressCache, TrainingDataLake } from '../src';

/**
 * An S3 Express One Zone cache next to the GPUs: a VPC with a GPU subnet, a TrainingDataLake, a
 * directory bucket in the GPU subnet's Availability Zone (its zone ID comes from the subnet: none
 * is typed by hand), the import of the `corpus` dataset into the cache at deploy time, and a
 * training role for the GPU instances that mount the cache read-only with Mountpoint (whose sessions
 * are ReadWrite ones: read-only is Mountpoint's `--read-only`).
 */
export class ExpressCacheExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const vpc = trainingVpc(this, 'Vpc', lake.serverAccessLogsBucket!);
    const gpuSubnet = vpc.selectSubnets({ subnetGroupName: GPU_SUBNET_GROUP }).subnets[0];

    const cache = new ExpressCache(this, 'Cache', {
      subnet: gpuSubnet,
      // The GPU subnet's route table reaches the zonal endpoint through a gateway endpoint.
      gatewayEndpointVpc: vpc,
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
