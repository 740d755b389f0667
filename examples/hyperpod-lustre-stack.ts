import * as path from 'path';
import { Aws, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { trainingNetwork } from './training-vpc';
import { DataLocation, DataRepositoryEvent, HyperPodCluster, HyperPodOrchestrator, LustreScratch, TrainingDataLake } from '../src';

/** The EKS cluster that orchestrates the HyperPod nodes: an existing cluster, by name. */
export const EKS_CLUSTER_NAME = 'training';

/** Where the nodes mount the file system. */
export const HYPERPOD_MOUNT_PATH = '/fsx';

/**
 * A SageMaker HyperPod cluster on the library's storage: a TrainingVpc whose training subnet is in
 * use1-az4, a TrainingDataLake, a LustreScratch in the training subnet linked to the lake
 * (`/datasets` imports `datasets/`, `/checkpoints` exports to `checkpoints/`), and a HyperPod cluster
 * with one GPU instance group (2 x ml.p5.48xlarge) in the training subnet that mounts the file system
 * at `/fsx`, with managed tiered checkpointing and lifecycle scripts from `hyperpod-lifecycle/`
 * copied to the lake's `hyperpod/lifecycle/`.
 *
 * The EKS orchestrator is an existing EKS cluster in this account and Region, given by its ARN
 * (`arn:<partition>:eks:<region>:<account>:cluster/training`): a HyperPod cluster joins an EKS
 * cluster made elsewhere (an aws-cdk-lib `eks.Cluster` would pass `cluster.clusterArn`), in the
 * same VPC, that lets the nodes' security group in.
 */
export class HyperPodLustreExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const vpc = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);

    const scratch = new LustreScratch(this, 'Scratch', {
      vpc,
      subnet: vpc.trainingSubnet, // scratch.availabilityZoneId is 'use1-az4' at synthesis time
      dataRepositories: [
        { location: lake.datasets },
        {
          location: lake.checkpoints,
          autoImport: [],
          autoExport: [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED],
        },
      ],
    });

    const eksClusterArn = `arn:${Aws.PARTITION}:eks:${this.region}:${Aws.ACCOUNT_ID}:cluster/${EKS_CLUSTER_NAME}`;
    const cluster = new HyperPodCluster(this, 'HyperPod', {
      vpc,
      subnet: vpc.trainingSubnet,
      instanceGroups: [{ name: 'gpu', instanceType: 'ml.p5.48xlarge', instanceCount: 2 }],
      orchestrator: HyperPodOrchestrator.eks(eksClusterArn),
      lifecycleScripts: {
        directory: path.join(__dirname, 'hyperpod-lifecycle'),
        location: DataLocation.fromBucket(lake.bucket, 'hyperpod/lifecycle/', { encryptionKey: lake.encryptionKey }),
      },
      fileSystem: scratch,
      lustreMountPath: HYPERPOD_MOUNT_PATH,
      tieredCheckpointing: { memoryAllocationPercent: 20 },
    });

    new CfnOutput(this, 'ClusterArn', { value: cluster.clusterArn, description: 'The HyperPod cluster' });
    new CfnOutput(this, 'LifecycleScripts', { value: cluster.lifecycleScriptsLocation.s3Uri, description: 'The lifecycle scripts (SourceS3Uri)' });
  }
}
