import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';

/**
 * The training zone: the one Availability Zone, known by its ID at synthesis time, where the GPU
 * instances, the S3 Express One Zone cache and the Lustre file system live, and the subnet of the
 * GPU instances in it. `TrainingVpc` implements it.
 *
 * Constructs that live in the zone take its subnet (`trainingSubnet`, or a `TrainingSubnet`) and
 * read the zone ID from the subnet's `AvailabilityZoneId`, so that storage and compute accept the
 * zone without importing each other or the network constructs.
 */
export interface ITrainingZone extends IConstruct {
  /**
   * The Availability Zone ID of the training zone, such as `use1-az4`: a literal string, never a
   * token, so that the zone is checked (and a directory bucket named) at synthesis time.
   */
  readonly trainingZoneId: string;

  /** The subnet in the training zone: the subnet of the GPU instances. */
  readonly trainingSubnet: ec2.ISubnet;
}

/**
 * A storage tier that lives in one Availability Zone (`ExpressCache`): compute in another zone is
 * rejected at synthesis time where both zone IDs are known.
 */
export interface IZonalStorage extends IConstruct {
  /** The Availability Zone ID the tier lives in, such as `use1-az4`. */
  readonly availabilityZoneId: string;
}

/**
 * The Availability Zone ID of a subnet, as far as the app knows it: the literal `AvailabilityZoneId`
 * of a subnet placed by zone ID (`TrainingSubnet`, `TrainingVpc`, or any `CfnSubnet` given one), the
 * subnet's `AvailabilityZoneId` attribute (a `Fn::GetAtt` token, known at deploy time) for another
 * subnet created in this app, and undefined for an imported subnet.
 * @internal
 */
export function availabilityZoneIdOf(subnet: ec2.ISubnet): string | undefined {
  const cfnSubnet = subnet.node.defaultChild;
  if (!(cfnSubnet instanceof ec2.CfnSubnet)) {
    return undefined;
  }
  return cfnSubnet.availabilityZoneId ?? cfnSubnet.attrAvailabilityZoneId;
}

/** Marks the gateway endpoints that the training network constructs add (see {@link markTrainingZoneEndpoint}). */
const TRAINING_ZONE_ENDPOINT = Symbol.for('cdk-training-storage.TrainingZoneEndpoint');

/**
 * Marks a gateway endpoint as one a training network construct (`TrainingVpc`, `TrainingSubnet`)
 * added, so that {@link gatewayEndpointRouting} finds it.
 * @internal
 */
export function markTrainingZoneEndpoint(endpoint: ec2.IGatewayVpcEndpoint): void {
  Object.defineProperty(endpoint, TRAINING_ZONE_ENDPOINT, { value: true });
}

/**
 * The gateway endpoint that a training network construct (`TrainingVpc`, `TrainingSubnet`) of this
 * stack added and that routes the subnet's route table to the service (`s3` or `s3express`), or
 * undefined. Several gateway endpoints for one service in a VPC use different route tables (Amazon
 * VPC User Guide, "Gateway endpoints": https://docs.aws.amazon.com/vpc/latest/userguide/vpce-gateway.html):
 * a route table routes the service's prefix list to one endpoint, so a second endpoint on the same
 * route table is a mistake. Reads the construct tree as it is when called.
 * @internal
 */
export function gatewayEndpointRouting(subnet: ec2.ISubnet, service: string): ec2.CfnVPCEndpoint | undefined {
  const stack = Stack.of(subnet);
  const routeTable = JSON.stringify(stack.resolve(subnet.routeTable.routeTableId));
  // `com.amazonaws.<region>.<service>`, the Region literal or a token: compare the end.
  const isService = (serviceName: string | undefined): boolean => {
    const text = JSON.stringify(stack.resolve(serviceName));
    return text.endsWith(`.${service}"`) || text.endsWith(`.${service}"]]}`);
  };
  return stack.node.findAll().find((c): c is ec2.CfnVPCEndpoint => c instanceof ec2.CfnVPCEndpoint
    && c.node.scope !== undefined && TRAINING_ZONE_ENDPOINT in c.node.scope
    && isService(c.serviceName)
    && ((stack.resolve(c.routeTableIds) ?? []) as unknown[]).some((id) => JSON.stringify(id) === routeTable));
}
