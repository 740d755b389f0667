import { Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { checkLiteralZoneId, failWithPath, placeByZoneId } from './private/place';
import * as rules from './rules';
import { markTrainingZoneEndpoint } from '../core/training-zone';

/** Properties of a {@link TrainingSubnet}. */
export interface TrainingSubnetProps {
  /** The VPC to add the subnet to: a VPC of this app or an imported one. */
  readonly vpc: ec2.IVpc;

  /**
   * The Availability Zone **ID** of the subnet, such as `use1-az4` (see `TrainingVpcProps.trainingZoneId`).
   * Changing it replaces the subnet.
   */
  readonly trainingZoneId: string;

  /**
   * The subnet's IPv4 CIDR block: a free range of the VPC, /16 to /28, such as `10.0.64.0/20`.
   * AWS reserves 5 addresses of each subnet. Changing it replaces the subnet.
   */
  readonly cidrBlock: string;

  /**
   * Add a gateway endpoint for S3 routed from this subnet's route table (no charge). Leave it on
   * unless the route table gets an S3 route some other way.
   *
   * @default true
   */
  readonly s3Endpoint?: boolean;

  /**
   * Add a gateway endpoint for S3 Express One Zone routed from this subnet's route table (no charge).
   *
   * @default - true when S3 Express One Zone exists in the zone's Region (this library's list, see
   *   the README), false otherwise
   */
  readonly s3ExpressEndpoint?: boolean;
}

/**
 * A subnet placed by Availability Zone **ID** in a VPC you have, so that the training zone is known
 * at synthesis time (see `TrainingVpc` for a new VPC): an `ec2.Subnet` with its own route table and
 * no public IP addresses on launch, whose `AWS::EC2::Subnet` carries `AvailabilityZoneId` and no
 * `AvailabilityZone`, with gateway endpoints for S3 and S3 Express One Zone on its route table.
 *
 * The VPC's own subnet lists (`vpc.isolatedSubnets` and the others) do not include it: select it
 * with `{ subnets: [trainingSubnet] }`. Add routes with `addRoute` or `addDefaultNatRoute` where
 * the instances need more than S3.
 *
 * Construct IDs are part of the API: `Subnet` (the `AWS::EC2::Subnet`), `RouteTable`,
 * `S3Endpoint`, `S3ExpressEndpoint`.
 *
 * @example
 * declare const vpc: ec2.IVpc;
 * const gpuSubnet = new TrainingSubnet(this, 'GpuSubnet', { vpc, trainingZoneId: 'use1-az4', cidrBlock: '10.0.64.0/20' });
 * new ExpressCache(this, 'Cache', { subnet: gpuSubnet }); // named <base>--use1-az4--x-s3
 */
export class TrainingSubnet extends ec2.Subnet {
  /** The Availability Zone ID of the subnet: a literal, known at synthesis time. */
  public readonly trainingZoneId: string;
  /**
   * The gateway endpoint for S3 on this subnet's route table.
   *
   * @default - none with `s3Endpoint: false`
   */
  public readonly s3Endpoint?: ec2.IGatewayVpcEndpoint;
  /**
   * The gateway endpoint for S3 Express One Zone on this subnet's route table.
   *
   * @default - none with `s3ExpressEndpoint: false`
   */
  public readonly s3ExpressEndpoint?: ec2.IGatewayVpcEndpoint;

  public constructor(scope: Construct, id: string, props: TrainingSubnetProps) {
    // Checked before ec2.Subnet sees the values, so that the library's message comes first.
    const fail = failWithPath(scope, id);
    checkLiteralZoneId(fail, 'trainingZoneId', props.trainingZoneId);
    fail(rules.checkZoneId('trainingZoneId', props.trainingZoneId));
    const stackRegion = Stack.of(scope).region;
    if (!Token.isUnresolved(stackRegion)) {
      fail(rules.checkZoneInStackRegion('trainingZoneId', props.trainingZoneId, stackRegion));
    }
    if (!Token.isUnresolved(props.cidrBlock)) {
      fail(rules.checkSubnetCidrBlock('cidrBlock', props.cidrBlock));
    }
    // The zone name is the subnet's own Fn::GetAtt AvailabilityZone: the CloudFormation property is
    // AvailabilityZoneId (placeByZoneId below).
    const placed: ec2.CfnSubnet[] = [];
    super(scope, id, {
      vpcId: props.vpc.vpcId,
      cidrBlock: props.cidrBlock,
      availabilityZone: Lazy.string({ produce: () => placed[0].attrAvailabilityZone }),
      mapPublicIpOnLaunch: false,
    });
    placed.push(placeByZoneId(this, props.trainingZoneId));
    this.trainingZoneId = props.trainingZoneId;

    if (props.s3Endpoint ?? true) {
      this.s3Endpoint = new ec2.GatewayVpcEndpoint(this, 'S3Endpoint', {
        vpc: props.vpc, service: ec2.GatewayVpcEndpointAwsService.S3, subnets: [{ subnets: [this] }],
      });
      markTrainingZoneEndpoint(this.s3Endpoint);
    }
    if (props.s3ExpressEndpoint ?? rules.hasS3Express(props.trainingZoneId)) {
      this.s3ExpressEndpoint = new ec2.GatewayVpcEndpoint(this, 'S3ExpressEndpoint', {
        vpc: props.vpc, service: ec2.GatewayVpcEndpointAwsService.S3_EXPRESS, subnets: [{ subnets: [this] }],
      });
      markTrainingZoneEndpoint(this.s3ExpressEndpoint);
    }
  }
}
