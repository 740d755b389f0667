import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { TrainingVpc } from '../src';

/**
 * The examples' training zone: an Availability Zone **ID** where S3 Express One Zone exists (in
 * us-east-1: use1-az4, use1-az5, use1-az6). A zone ID belongs to one Region: the stacks that use it
 * are pinned to {@link TRAINING_REGION}.
 */
export const TRAINING_ZONE_ID = 'use1-az4';

/** The Region of {@link TRAINING_ZONE_ID}. */
export const TRAINING_REGION = 'us-east-1';

/**
 * The examples' network: a `TrainingVpc` whose training subnet is in {@link TRAINING_ZONE_ID}, known
 * at synthesis time (isolated subnets, no NAT gateway, gateway endpoints for S3 and S3 Express One
 * Zone, flow logs to the given bucket under `vpc-flow-logs/`).
 *
 * @param scope the scope
 * @param id the VPC's construct ID
 * @param flowLogsBucket the bucket that receives the flow logs (a logs bucket; flow logs to S3 need
 *   SSE-S3 or a key that the log delivery service may use)
 */
export function trainingNetwork(scope: Construct, id: string, flowLogsBucket: s3.IBucket): TrainingVpc {
  return new TrainingVpc(scope, id, { trainingZoneId: TRAINING_ZONE_ID, flowLogsBucket });
}

/** The subnet group that holds the GPU instances in {@link trainingVpc}. */
export const GPU_SUBNET_GROUP = 'gpu';

/**
 * A VPC built with a plain `ec2.Vpc`, as many users have one: subnets placed by zone **name** (their
 * zone ID is known at deploy time only), isolated subnets only (no public IPs, no NAT gateway), a
 * gateway endpoint for S3, and flow logs to an S3 bucket (`vpc-flow-logs/`); it passes the three
 * validators. The tests use it for "a VPC you have"; add a `TrainingSubnet` to such a VPC to place
 * the GPU subnet by zone ID.
 *
 * @param scope the scope
 * @param id the VPC's construct ID
 * @param flowLogsBucket the bucket that receives the flow logs (a logs bucket; flow logs to S3 need
 *   SSE-S3 or a key that the log delivery service may use)
 */
export function trainingVpc(scope: Construct, id: string, flowLogsBucket: s3.IBucket): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, id, {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: GPU_SUBNET_GROUP, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toS3(flowLogsBucket, 'vpc-flow-logs/') });
  return vpc;
}
