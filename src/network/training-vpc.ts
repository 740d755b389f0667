import { FeatureFlags, Lazy, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { allowFlowLogDelivery, createFlowLogsBucket } from './private/flow-logs-bucket';
import { checkLiteralZoneId, failWithPath, placeByZoneId } from './private/place';
import * as rules from './rules';
import { ITrainingZone, markTrainingZoneEndpoint } from '../core/training-zone';
import { normalizeKeyPrefix } from '../core/validation';

/** Properties of a {@link TrainingVpc}. */
export interface TrainingVpcProps {
  /**
   * The Availability Zone **ID** of the training subnet, such as `use1-az4`: the zone of the GPU
   * instances, the S3 Express One Zone cache and the Lustre file system. A zone ID names the same
   * physical zone in every account; a zone name such as `us-east-1a` does not, and is rejected.
   * Find the IDs with `aws ec2 describe-availability-zones --region <region>` (`ZoneId`). For an
   * `ExpressCache`, pick a zone where S3 Express One Zone exists (in us-east-1: use1-az4, use1-az5,
   * use1-az6; see the README). The zone ID fixes the stack's Region: a stack with a known Region of
   * another zone is rejected. Changing it replaces the subnet.
   */
  readonly trainingZoneId: string;

  /**
   * Zone IDs of further isolated subnets, one per zone, for what needs subnets in two or more zones
   * (an EKS control plane, for example). Same Region as `trainingZoneId`, each zone once.
   *
   * @default - none: the VPC has the training subnet only
   */
  readonly additionalZoneIds?: string[];

  /**
   * The VPC's IPv4 address range.
   *
   * @default ec2.IpAddresses.cidr('10.0.0.0/16')
   */
  readonly ipAddresses?: ec2.IIpAddresses;

  /**
   * The size of each subnet, as a prefix length from 16 (65,536 addresses) to 28 (16 addresses);
   * AWS reserves 5 addresses of each subnet.
   *
   * @default 20 - 4,096 addresses (4,091 usable)
   */
  readonly subnetPrefixLength?: number;

  /**
   * The bucket that receives the VPC's flow logs (all traffic), under `flowLogsPrefix`. Flow logs
   * to S3 need SSE-S3 or a KMS key that the log delivery service may use.
   *
   * @default - a new bucket `FlowLogsBucket`: private, SSE-S3, TLS only, versioned, logs expire
   *   after 365 days, retained when it leaves the stack
   */
  readonly flowLogsBucket?: s3.IBucket;

  /**
   * The key prefix of the flow logs in `flowLogsBucket`, normalized to end with `/`.
   *
   * @default 'vpc-flow-logs/'
   */
  readonly flowLogsPrefix?: string;

  /**
   * Add a gateway endpoint for S3 Express One Zone (`com.amazonaws.<region>.s3express`, no charge)
   * to every subnet's route table, next to the one for S3 (which is always added).
   *
   * @default - true when S3 Express One Zone exists in the training zone's Region (this library's
   *   list, see the README), false otherwise
   */
  readonly s3ExpressEndpoint?: boolean;
}

/** Defaults, stated once and used by the code and its tests. */
const DEFAULTS = {
  ipAddresses: '10.0.0.0/16',
  subnetPrefixLength: 20,
  flowLogsPrefix: 'vpc-flow-logs/',
};

/** The subnet group of the training subnet and the additional zones' subnets. */
const SUBNET_GROUP = 'Training';

/**
 * A VPC for training whose training subnet is placed by Availability Zone **ID**, so that the
 * training zone is known at synthesis time: `ExpressCache` names its directory bucket with the
 * literal zone ID and checks it against the zones of S3 Express One Zone, `LustreScratch` exposes
 * it, and the compute that follows can check that it runs there too.
 *
 * An `ec2.Vpc` (usable wherever a VPC goes) with isolated subnets only: the training subnet in
 * `trainingZoneId` and one subnet per `additionalZoneIds`, no internet gateway and no NAT gateway;
 * gateway endpoints for S3 and S3 Express One Zone on every subnet's route table; flow logs of all
 * traffic to S3. Each `AWS::EC2::Subnet` carries `AvailabilityZoneId` and no `AvailabilityZone`;
 * the subnet's `availabilityZone` is its `Fn::GetAtt AvailabilityZone`, known at deploy time.
 *
 * Construct IDs are part of the API: `TrainingSubnet1` (the training subnet), `TrainingSubnet2`...
 * (the additional zones), `S3` and `S3Express` (the gateway endpoints), `FlowLog`, `FlowLogsBucket`.
 *
 * To keep a VPC you have, add a `TrainingSubnet` to it instead.
 *
 * @example
 * declare const lake: TrainingDataLake;
 * const network = new TrainingVpc(this, 'Network', { trainingZoneId: 'use1-az4' });
 * const cache = new ExpressCache(this, 'Cache', { subnet: network.trainingSubnet }); // named <base>--use1-az4--x-s3
 * const scratch = new LustreScratch(this, 'Scratch', { vpc: network, subnet: network.trainingSubnet });
 */
export class TrainingVpc extends ec2.Vpc implements ITrainingZone {
  public readonly trainingZoneId: string;
  public readonly trainingSubnet: ec2.ISubnet;
  /** The Availability Zone IDs of the subnets, the training zone first. */
  public readonly availabilityZoneIds: string[];
  /** The bucket that receives the flow logs. */
  public readonly flowLogsBucket: s3.IBucket;
  /** The gateway endpoint for S3. */
  public readonly s3Endpoint: ec2.IGatewayVpcEndpoint;
  /**
   * The gateway endpoint for S3 Express One Zone.
   *
   * @default - none with `s3ExpressEndpoint: false`
   */
  public readonly s3ExpressEndpoint?: ec2.IGatewayVpcEndpoint;

  public constructor(scope: Construct, id: string, props: TrainingVpcProps) {
    // Checked before ec2.Vpc sees the values, so that the library's message comes first.
    checkProps(scope, id, props);
    const zoneIds = [props.trainingZoneId, ...(props.additionalZoneIds ?? [])];
    // ec2.Vpc places subnets by zone name: each subnet's zone name is its own Fn::GetAtt
    // AvailabilityZone, and placeByZoneId below swaps the CloudFormation property for AvailabilityZoneId.
    const cfnSubnets: ec2.CfnSubnet[] = [];
    const zoneNames = zoneIds.map((_, i) => Lazy.string({ produce: () => cfnSubnets[i].attrAvailabilityZone }));
    const s3ExpressEndpoint = props.s3ExpressEndpoint ?? rules.hasS3Express(props.trainingZoneId);
    super(scope, id, {
      ipAddresses: props.ipAddresses ?? ec2.IpAddresses.cidr(DEFAULTS.ipAddresses),
      availabilityZones: zoneNames,
      natGateways: 0,
      subnetConfiguration: [{
        name: SUBNET_GROUP,
        subnetType: ec2.SubnetType.PRIVATE_ISOLATED,
        cidrMask: props.subnetPrefixLength ?? DEFAULTS.subnetPrefixLength,
      }],
      gatewayEndpoints: {
        S3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
        ...(s3ExpressEndpoint ? { S3Express: { service: ec2.GatewayVpcEndpointAwsService.S3_EXPRESS } } : {}),
      },
    });
    this.isolatedSubnets.forEach((subnet, i) => cfnSubnets.push(placeByZoneId(subnet, zoneIds[i])));
    this.trainingZoneId = props.trainingZoneId;
    this.availabilityZoneIds = zoneIds;
    this.trainingSubnet = this.isolatedSubnets[0];
    this.s3Endpoint = this.node.findChild('S3') as ec2.IGatewayVpcEndpoint;
    this.s3ExpressEndpoint = s3ExpressEndpoint ? this.node.findChild('S3Express') as ec2.IGatewayVpcEndpoint : undefined;
    for (const endpoint of [this.s3Endpoint, this.s3ExpressEndpoint]) {
      if (endpoint) {
        markTrainingZoneEndpoint(endpoint);
      }
    }

    const flowLogsPrefix = normalizeKeyPrefix(this, 'flowLogsPrefix', props.flowLogsPrefix ?? DEFAULTS.flowLogsPrefix);
    this.flowLogsBucket = props.flowLogsBucket ?? createFlowLogsBucket(this, 'FlowLogsBucket');
    this.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toS3(this.flowLogsBucket, flowLogsPrefix),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    if (!FeatureFlags.of(this).isEnabled(cxapi.S3_CREATE_DEFAULT_LOGGING_POLICY)) {
      // aws-cdk-lib adds these statements only under that feature flag; without them EC2 writes the
      // bucket policy itself at deploy time, outside the stack.
      allowFlowLogDelivery(this.flowLogsBucket, flowLogsPrefix);
    }
  }
}

/** The props' checks, with the path the construct will have (it does not exist yet). */
function checkProps(scope: Construct, id: string, props: TrainingVpcProps): void {
  const fail = failWithPath(scope, id);
  checkLiteralZoneId(fail, 'trainingZoneId', props.trainingZoneId);
  fail(rules.checkZoneId('trainingZoneId', props.trainingZoneId));
  (props.additionalZoneIds ?? []).forEach((zoneId, index) => checkLiteralZoneId(fail, `additionalZoneIds[${index}]`, zoneId));
  fail(rules.checkAdditionalZoneIds(props.trainingZoneId, props.additionalZoneIds ?? []));
  const stackRegion = Stack.of(scope).region;
  if (!Token.isUnresolved(stackRegion)) {
    fail(rules.checkZoneInStackRegion('trainingZoneId', props.trainingZoneId, stackRegion));
  }
  if (props.subnetPrefixLength !== undefined && !Token.isUnresolved(props.subnetPrefixLength)) {
    fail(rules.checkSubnetPrefixLength('subnetPrefixLength', props.subnetPrefixLength));
  }
}
