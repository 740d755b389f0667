import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct, IConstruct } from 'constructs';
import { acknowledgeFinding } from '../../core/acknowledge';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { availabilityZoneIdOf, IZonalStorage } from '../../core/training-zone';
import { GpuCapacity, GpuCapacityType } from '../gpu-capacity';
import { checkEfaInterfaceCounts, EfaInterfaceCounts, EfaNetworkInterface, efaCountsFor, instanceFacts, planEfaInterfaces } from '../instance-types';

/*
 * What the EC2 launch template (`GpuLaunchTemplate`) and the EKS node group (`GpuNodegroup`) share:
 * the zone check, the EFA interface plan, the EFA security group, the capacity settings and the
 * root volume check. Each takes the construct that reports a bad value.
 */

/**
 * Rejects a zonal tier in another zone than the subnet: GPUs in another zone than their storage pay
 * cross-zone latency and transfer on every read. Tokens (either zone unknown) are skipped.
 * @internal
 */
export function checkColocation(scope: IConstruct, subnet: ec2.ISubnet, tiers: readonly IZonalStorage[]): void {
  const subnetZone = availabilityZoneIdOf(subnet);
  if (subnetZone === undefined || Token.isUnresolved(subnetZone)) {
    return;
  }
  for (const tier of tiers) {
    if (!Token.isUnresolved(tier.availabilityZoneId) && tier.availabilityZoneId !== subnetZone) {
      throw TrainingStorageError.invalidProperty(scope, 'colocatedWith', `${tier.node.path} in ${tier.availabilityZoneId}`,
        `tiers in the subnet's zone ${subnetZone}: GPUs in another zone than their storage pay cross-zone latency and transfer on every read`);
    }
  }
}

/**
 * The EFA network interfaces for an instance type (see `planEfaInterfaces`): the user's counts,
 * checked against the type's facts, or the type's own; none when EFA is disabled or the type is
 * unknown and no counts are given.
 * @internal
 */
export function planNetworkInterfaces(scope: IConstruct, instanceType: string, counts: EfaInterfaceCounts | undefined,
  disabled: boolean | undefined): EfaNetworkInterface[] {
  if (disabled && counts !== undefined) {
    throw TrainingStorageError.invalidProperty(scope, 'efa', 'EFA counts with disableEfa', 'one of them: counts to launch with EFA, or disableEfa to launch without');
  }
  if (disabled) {
    return [];
  }
  if (Token.isUnresolved(instanceType)) {
    throw TrainingStorageError.invalidProperty(scope, 'instanceType', 'a token',
      'a literal instance type such as "p5.48xlarge": the EFA interfaces depend on it');
  }
  if (counts !== undefined) {
    const violation = checkEfaInterfaceCounts(counts, instanceFacts(instanceType));
    if (violation) {
      throw TrainingStorageError.invalidProperty(scope, `efa.${violation.property}`, violation.received, violation.allowed);
    }
  }
  return planEfaInterfaces(efaCountsFor(instanceType, counts));
}

/**
 * A security group that allows all traffic to and from itself, with no other egress.
 *
 * EFA: "An EFA requires a security group that allows all inbound and outbound traffic to and from
 * the security group itself" (EC2 User Guide, "Get started with EFA and NCCL",
 * https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-start.html). An egress rule to
 * `0.0.0.0/0` does not cover EFA traffic, whose addresses are neither IPv4 nor IPv6
 * (https://github.com/awslabs/awsome-distributed-ai/issues/546): the group is made with
 * `allowAllOutbound: false`, so that `allowInternally` adds a self-referencing egress rule next to
 * the ingress one (aws-cdk-lib 2.271 emits only the ingress rule when all outbound is allowed).
 * The caller adds whatever other egress the instances need.
 * @internal
 */
export function efaSecurityGroup(scope: Construct, vpc: ec2.IVpc, description: string): ec2.SecurityGroup {
  const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', { vpc, description, allowAllOutbound: false });
  securityGroup.connections.allowInternally(ec2.Port.allTraffic(), 'EFA: all traffic within the group');
  return securityGroup;
}

/**
 * The launch template's network interfaces: one per planned interface (none planned: one default
 * interface on device 0), each with the given security groups and deleted with the instance. No
 * public IPv4 address: "You cannot auto-assign a public IP address if you specify more than one
 * network interface" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-instance-addressing.html),
 * and EC2 rejects `AssociatePublicIpAddress` itself, even `false`, with several interfaces
 * ("InvalidParameterCombination: The associatePublicIPAddress parameter cannot be specified when
 * launching with multiple network interfaces", reported in aws/karpenter-provider-aws pull request
 * 5666 and hashicorp/terraform-provider-aws issue 6777): it is set to `false` on a single interface
 * only. The callers acknowledge the Control Tower rule that asks for it on every interface.
 * `subnetId` is left out for an EKS managed node group, which takes its subnets through the node
 * group ("Do not specify SubnetId in the launch template when using EKS managed node groups":
 * https://docs.aws.amazon.com/eks/latest/userguide/device-management-efa.html).
 * @internal
 */
export function networkInterfacesData(planned: readonly EfaNetworkInterface[], groups: string[],
  subnetId?: string): ec2.CfnLaunchTemplate.NetworkInterfaceProperty[] {
  const common = { subnetId, groups, deleteOnTermination: true };
  if (planned.length === 0) {
    return [{ deviceIndex: 0, ...common, associatePublicIpAddress: false }];
  }
  return planned.map((item) => ({
    networkCardIndex: item.networkCardIndex,
    deviceIndex: item.deviceIndex,
    interfaceType: item.interfaceType,
    ...common,
  }));
}

/**
 * The launch template data for a capacity choice: nothing on demand; a capacity reservation target
 * for a reservation; and for a Capacity Block also `InstanceMarketOptions.MarketType`
 * `capacity-block` ("The LaunchTemplateData must include: InstanceMarketOptions with MarketType set
 * to "capacity-block"; CapacityReservationSpecification: CapacityReservationTarget with
 * CapacityReservationId set to the Capacity Block ID": https://docs.aws.amazon.com/eks/latest/userguide/ml-node-groups.html).
 * @internal
 */
export function capacityLaunchData(scope: IConstruct, capacity: GpuCapacity): Partial<ec2.CfnLaunchTemplate.LaunchTemplateDataProperty> {
  if (capacity.capacityType === GpuCapacityType.ON_DEMAND) {
    return {};
  }
  const id = capacity.reservationId ?? '';
  if (!Token.isUnresolved(id) && !/^cr-[0-9a-f]{8,17}$/.test(id)) {
    throw TrainingStorageError.invalidProperty(scope, 'capacity', renderValue(id), 'a capacity reservation ID such as "cr-0123456789abcdef0"');
  }
  const target = { capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: id } } };
  return capacity.capacityType === GpuCapacityType.CAPACITY_BLOCK
    ? { ...target, instanceMarketOptions: { marketType: 'capacity-block' } }
    : target;
}

/**
 * The root volume's size in whole GiB, 8 to 16384 (gp3).
 * @internal
 */
export function rootVolumeGiB(scope: IConstruct, size: Size): number {
  const gib = size.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
  if (!Number.isInteger(gib) || gib < 8 || gib > 16384) {
    throw TrainingStorageError.invalidProperty(scope, 'rootVolumeSize', `${gib} GiB`, 'whole GiB from 8 to 16384 (gp3)');
  }
  return gib;
}

/** The root volume: an encrypted gp3 volume on `/dev/xvda`, deleted with the instance. @internal */
export function rootVolumeMapping(gib: number): ec2.CfnLaunchTemplate.BlockDeviceMappingProperty {
  return { deviceName: '/dev/xvda', ebs: { volumeSize: gib, volumeType: 'gp3', encrypted: true, deleteOnTermination: true } };
}

/**
 * IMDSv2 only, with a hop limit of 2 so that containers reach the instance metadata ("If any
 * containers that you deploy to the node group use the Instance Metadata Service Version 2, make
 * sure to set the Metadata response hop limit to 2": https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html;
 * the Mountpoint CSI driver v2 needs it to detect the Region: https://github.com/awslabs/mountpoint-s3-csi-driver/blob/main/docs/UPGRADING_TO_V2.md).
 * @internal
 */
export const METADATA_OPTIONS: ec2.CfnLaunchTemplate.MetadataOptionsProperty = {
  httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: 2,
};

/**
 * Acknowledges, on this launch template only, the Control Tower rule that asks for
 * `AssociatePublicIpAddress: false` on every network interface, when there are several (EFA): EC2
 * rejects the parameter then (see {@link networkInterfacesData}). Nothing is acknowledged with one
 * interface, which carries `false`.
 * @internal
 */
export function acknowledgeEfaPublicIp(launchTemplate: ec2.CfnLaunchTemplate, planned: readonly EfaNetworkInterface[]): void {
  if (planned.length > 1) {
    acknowledgeFinding(launchTemplate, 'cdk-validator-cfnguard::ec2_launch_template_public_ip_disabled_check',
      'EFA needs several network interfaces, and EC2 rejects AssociatePublicIpAddress (even false) with several; the interfaces '
      + 'are in the training subnet, which does not map public IPv4 addresses on launch (TrainingVpc, TrainingSubnet).');
  }
}

/**
 * The instances' placement group: the one given; else a new cluster placement group when EFA is on
 * and the capacity is on demand (EFA wants the instances close together); else none: a capacity
 * reservation or Capacity Block places its instances itself (an On-Demand Capacity Reservation
 * cannot be moved into a placement group: EC2 User Guide, "Capacity Reservations in cluster
 * placement groups").
 * @internal
 */
export function placementGroupFor(scope: Construct, given: ec2.IPlacementGroup | undefined, efa: boolean,
  capacity: GpuCapacity): ec2.IPlacementGroup | undefined {
  if (given) {
    return given;
  }
  if (efa && capacity.capacityType === GpuCapacityType.ON_DEMAND) {
    return new ec2.PlacementGroup(scope, 'PlacementGroup', { strategy: ec2.PlacementGroupStrategy.CLUSTER });
  }
  return undefined;
}
