import { Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { availabilityZoneIdOf, gatewayEndpointRouting, markTrainingZoneEndpoint } from '../../src/core/training-zone';
import { EXPRESS_ONE_ZONE_AZ_IDS, REGION_OF_AZ_ID_PREFIX } from '../../src/core/zones';

function vpcIn(stack: Stack): ec2.Vpc {
  return new ec2.Vpc(stack, 'Vpc', { maxAzs: 2, natGateways: 0, subnetConfiguration: [{ name: 'gpu', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
}

describe('the training zone (core)', () => {
  test('the S3 Express One Zone zones, by Region (S3 User Guide, checked December 2026)', () => {
    expect(EXPRESS_ONE_ZONE_AZ_IDS).toEqual({
      'us-east-1': ['use1-az4', 'use1-az5', 'use1-az6'],
      'us-east-2': ['use2-az1', 'use2-az2'],
      'us-west-2': ['usw2-az1', 'usw2-az3', 'usw2-az4'],
      'ap-south-1': ['aps1-az1', 'aps1-az3'],
      'ap-northeast-1': ['apne1-az1', 'apne1-az4'],
      'eu-west-1': ['euw1-az1', 'euw1-az3'],
      'eu-north-1': ['eun1-az1', 'eun1-az2', 'eun1-az3'],
    });
    // Every listed zone's Region code maps back to its Region.
    for (const [region, zones] of Object.entries(EXPRESS_ONE_ZONE_AZ_IDS)) {
      for (const zone of zones) {
        expect(REGION_OF_AZ_ID_PREFIX[zone.split('-')[0]]).toBe(region);
      }
    }
  });

  test('availabilityZoneIdOf: the literal AvailabilityZoneId, the Fn::GetAtt of another app subnet, nothing for an imported one', () => {
    const stack = new Stack();
    const subnet = vpcIn(stack).isolatedSubnets[0];
    const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
    expect(stack.resolve(availabilityZoneIdOf(subnet))).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(cfnSubnet), 'AvailabilityZoneId'] });
    cfnSubnet.availabilityZoneId = 'use1-az4';
    expect(availabilityZoneIdOf(subnet)).toBe('use1-az4');
    expect(availabilityZoneIdOf(ec2.Subnet.fromSubnetId(stack, 'Imported', 'subnet-0123'))).toBeUndefined();
  });

  test('gatewayEndpointRouting: the training network\'s gateway endpoint of the service on the subnet\'s route table', () => {
    for (const env of [undefined, { region: 'us-east-1' }]) {
      const stack = new Stack(undefined, 'S', { env });
      const vpc = vpcIn(stack);
      const [first, second] = vpc.isolatedSubnets;
      expect(gatewayEndpointRouting(first, 's3express')).toBeUndefined();
      markTrainingZoneEndpoint(vpc.addGatewayEndpoint('S3', { service: ec2.GatewayVpcEndpointAwsService.S3 }));
      expect(gatewayEndpointRouting(first, 's3express')).toBeUndefined(); // s3 is not s3express
      const express = vpc.addGatewayEndpoint('S3Express', { service: ec2.GatewayVpcEndpointAwsService.S3_EXPRESS, subnets: [{ subnets: [second] }] });
      expect(gatewayEndpointRouting(second, 's3express')).toBeUndefined(); // not one of the training network's endpoints
      markTrainingZoneEndpoint(express);
      expect(gatewayEndpointRouting(first, 's3express')).toBeUndefined(); // another route table
      expect(gatewayEndpointRouting(second, 's3express')).toBe(express.node.defaultChild);
      expect(gatewayEndpointRouting(first, 's3')).toBe(vpc.node.findChild('S3').node.defaultChild);
    }
  });
});
