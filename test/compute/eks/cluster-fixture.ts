import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { TrainingSubnet } from '../../../src';
import { plainStack } from '../../support/harness';

/** The training zone of the fixtures' subnet. */
export const TRAINING_ZONE_ID = 'use1-az4';

export interface ClusterFixture {
  readonly stack: Stack;
  readonly vpc: ec2.Vpc;
  readonly cluster: eks.Cluster;
  /** A subnet placed by zone ID (a literal `AvailabilityZoneId`), for the zone checks. */
  readonly subnet: TrainingSubnet;
}

/**
 * The cheapest cluster to synthesize (EKS synthesis is slow): an isolated two-zone VPC with /24
 * subnets, no NAT gateway, no default capacity; with a kubectl provider on a layer given by ARN
 * when `kubectl` is set (manifests need one).
 */
export function clusterFixture(options: { kubectl?: boolean } = {}): ClusterFixture {
  const stack = plainStack('Test', { env: { account: '123456789012', region: 'us-east-1' } });
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: 'isolated', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
  });
  const cluster = new eks.Cluster(stack, 'Cluster', {
    version: eks.KubernetesVersion.V1_33,
    vpc,
    vpcSubnets: [{ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
    defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
    defaultCapacity: 0,
    kubectlProviderOptions: options.kubectl
      ? { kubectlLayer: lambda.LayerVersion.fromLayerVersionArn(stack, 'KubectlLayer', 'arn:aws:lambda:us-east-1:123456789012:layer:kubectl:1') }
      : undefined,
  });
  const subnet = new TrainingSubnet(stack, 'TrainingSubnet', { vpc, trainingZoneId: TRAINING_ZONE_ID, cidrBlock: '10.0.200.0/24' });
  return { stack, vpc, cluster, subnet };
}
