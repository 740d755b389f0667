import * as path from 'path';
import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { DataLocation, LustreScratch, TrainingDataLake, TrainingVpc } from '../../../src';
import { HyperPodCluster, HyperPodClusterProps, HyperPodOrchestrator } from '../../../src/sagemaker/hyperpod';
import { plainStack } from '../../support/harness';

/** The construct path of the cluster the fixtures create. */
export const CLUSTER_PATH = 'Test/HyperPod';

/** The examples' lifecycle scripts: one file, `on_create.sh`. */
export const SCRIPTS = path.join(__dirname, '../../../examples/hyperpod-lifecycle');

/** An EKS cluster ARN. */
export const EKS_ARN = 'arn:aws:eks:us-east-1:111122223333:cluster/training';

/** What a cluster needs around it: a lake, a training VPC in use1-az4 and a file system in its training subnet. */
export interface Surroundings {
  readonly stack: Stack;
  readonly lake: TrainingDataLake;
  readonly vpc: TrainingVpc;
  readonly scratch: LustreScratch;
  readonly scripts: DataLocation;
}

/** A plain stack in us-east-1 with a lake, a TrainingVpc (use1-az4) and a LustreScratch in its training subnet. */
export function surroundings(stack = plainStack('Test', { env: { region: 'us-east-1' } })): Surroundings {
  const lake = new TrainingDataLake(stack, 'Lake');
  const vpc = new TrainingVpc(stack, 'Vpc', { trainingZoneId: 'use1-az4', flowLogsBucket: lake.serverAccessLogsBucket });
  const scratch = new LustreScratch(stack, 'Scratch', { vpc, subnet: vpc.trainingSubnet });
  const scripts = DataLocation.fromBucket(lake.bucket, 'hyperpod/lifecycle/', { encryptionKey: lake.encryptionKey });
  return { stack, lake, vpc, scratch, scripts };
}

/** A cluster `HyperPod` with one GPU group, EKS, the file system and the examples' scripts; `props` override. */
export function clusterIn(s: Surroundings, props: Partial<HyperPodClusterProps> = {}): HyperPodCluster {
  return new HyperPodCluster(s.stack, 'HyperPod', {
    vpc: s.vpc,
    subnet: s.vpc.trainingSubnet,
    instanceGroups: [{ name: 'gpu', instanceType: 'ml.p5.48xlarge', instanceCount: 2 }],
    orchestrator: HyperPodOrchestrator.eks(EKS_ARN),
    lifecycleScripts: { directory: SCRIPTS, location: s.scripts },
    fileSystem: s.scratch,
    ...props,
  });
}

/** A subnet of the VPC placed by zone ID in another zone (use1-az6). */
export function subnetInOtherZone(s: Surroundings): ec2.ISubnet {
  const subnet = new ec2.PrivateSubnet(s.stack, 'OtherZoneSubnet', { vpcId: s.vpc.vpcId, cidrBlock: '10.0.250.0/24', availabilityZone: 'us-east-1b' });
  const cfn = subnet.node.defaultChild as ec2.CfnSubnet;
  cfn.availabilityZone = undefined;
  cfn.availabilityZoneId = 'use1-az6';
  return subnet;
}

/** The message's start, for messages checked by their beginning. */
export function message(property: string, received: string, allowed: string): string {
  return `[${CLUSTER_PATH}] ${property}: received ${received}; allowed: ${allowed}`;
}
