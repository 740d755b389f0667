import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** The subnet group that holds the GPU instances in {@link trainingVpc}. */
export const GPU_SUBNET_GROUP = 'gpu';

/**
 * A VPC for training that passes the three validators: isolated subnets only (no public IPs, no NAT
 * gateway), a gateway endpoint for S3, and flow logs to an S3 bucket (`vpc-flow-logs/`).
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
