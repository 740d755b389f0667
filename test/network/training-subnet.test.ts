import { Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GPU_SUBNET_GROUP, trainingVpc } from '../../examples/training-vpc';
import { TrainingDataLake, TrainingStorageError, TrainingSubnet, TrainingSubnetProps } from '../../src';
import { plainApp, plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

/** The examples' VPC built with ec2.Vpc (subnets by zone name, /20 each): a VPC the user has. */
function existingVpc(stack: Stack): ec2.Vpc {
  const lake = new TrainingDataLake(stack, 'Lake');
  return trainingVpc(stack, 'Vpc', lake.serverAccessLogsBucket!);
}

function subnetIn(stack: Stack, vpc: ec2.IVpc, props: Partial<TrainingSubnetProps> = {}): TrainingSubnet {
  return new TrainingSubnet(stack, 'GpuSubnet', { vpc, trainingZoneId: 'use1-az4', cidrBlock: '10.0.64.0/20', ...props });
}

function rejection(props: Partial<TrainingSubnetProps>, stack = plainStack()): TrainingStorageError {
  const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] });
  try {
    subnetIn(stack, vpc, props);
  } catch (e) {
    expect(e).toBeInstanceOf(TrainingStorageError);
    return e as TrainingStorageError;
  }
  throw new Error('no error thrown');
}

function message(property: string, received: string, allowed: string): string {
  return `[Test/GpuSubnet] ${property}: received ${received}; allowed: ${allowed}`;
}

describe('TrainingSubnet in a VPC you have', () => {
  test('an AWS::EC2::Subnet with AvailabilityZoneId and no AvailabilityZone, its route table, S3 and S3 Express endpoints on it', () => {
    const stack = testStack();
    const vpc = existingVpc(stack);
    const subnet = subnetIn(stack, vpc);
    const template = validatedTemplate(stack); // the representative stack: passes the three validators
    const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
    const logicalId = stack.getLogicalId(cfnSubnet);
    const properties = template.toJSON().Resources[logicalId].Properties;
    expect(properties).toEqual({
      AvailabilityZoneId: 'use1-az4',
      CidrBlock: '10.0.64.0/20',
      MapPublicIpOnLaunch: false,
      VpcId: stack.resolve(vpc.vpcId),
      Tags: [{ Key: 'Name', Value: 'Test/GpuSubnet' }],
    });
    const routeTable = stack.resolve(subnet.routeTable.routeTableId);
    template.hasResourceProperties('AWS::EC2::SubnetRouteTableAssociation', { SubnetId: { Ref: logicalId }, RouteTableId: routeTable });
    for (const service of ['s3', 's3express']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcId: stack.resolve(vpc.vpcId),
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: [routeTable],
      });
    }
    expect(subnet.s3Endpoint).toBe(subnet.node.findChild('S3Endpoint'));
    expect(subnet.s3ExpressEndpoint).toBe(subnet.node.findChild('S3ExpressEndpoint'));
    expect(subnet.trainingZoneId).toBe('use1-az4');
    expect(stack.resolve(subnet.availabilityZone)).toEqual({ 'Fn::GetAtt': [logicalId, 'AvailabilityZone'] });
    // The VPC's own subnets are unchanged: still placed by zone name.
    for (const s of vpc.selectSubnets({ subnetGroupName: GPU_SUBNET_GROUP }).subnets) {
      expect((s.node.defaultChild as ec2.CfnSubnet).availabilityZoneId).toBeUndefined();
    }
  });

  test('in an imported VPC', () => {
    const stack = plainStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] });
    subnetIn(stack, vpc);
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::EC2::Subnet', { VpcId: 'vpc-0123456789abcdef0', AvailabilityZoneId: 'use1-az4' });
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  test('s3Endpoint: false and s3ExpressEndpoint: false leave the endpoints out; no S3 Express endpoint by default where the Region has none', () => {
    const stack = plainStack();
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] });
    const none = new TrainingSubnet(stack, 'A', { vpc, trainingZoneId: 'use1-az4', cidrBlock: '10.0.64.0/20', s3Endpoint: false, s3ExpressEndpoint: false });
    expect(none.s3Endpoint).toBeUndefined();
    expect(none.s3ExpressEndpoint).toBeUndefined();
    plainTemplate(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    const canada = new TrainingSubnet(stack, 'B', { vpc, trainingZoneId: 'cac1-az1', cidrBlock: '10.0.80.0/20' });
    expect(canada.s3Endpoint).toBeDefined();
    expect(canada.s3ExpressEndpoint).toBeUndefined();
  });
});

describe('TrainingSubnet validation', () => {
  test('rejects a zone name, a Local Zone ID and a token', () => {
    expect(rejection({ trainingZoneId: 'us-east-1a' }).message).toBe(message('trainingZoneId', '"us-east-1a"',
      'an Availability Zone ID such as "use1-az4": "us-east-1a" is a zone name, and zone names map to different physical zones in different accounts; '
      + 'find the ID with `aws ec2 describe-availability-zones` (ZoneId)'));
    expect(rejection({ trainingZoneId: 'use1-bos1-az1' }).message).toBe(message('trainingZoneId', '"use1-bos1-az1"',
      'an Availability Zone ID such as "use1-az4": "use1-bos1-az1" is a Local Zone ID; the training zone is an Availability Zone'));
    expect(rejection({ trainingZoneId: Token.asString({ Ref: 'Zone' }) }).message).toBe(message('trainingZoneId', '(unresolved token)',
      'a literal Availability Zone ID such as "use1-az4": the training zone is known at synthesis time'));
  });

  test('rejects a zone ID of another Region than the stack\'s', () => {
    const stack = new Stack(plainApp(), 'Test', { env: { region: 'eu-west-1' } });
    expect(rejection({}, stack).message).toBe(message('trainingZoneId', '"use1-az4"',
      'an Availability Zone ID of the stack\'s Region eu-west-1: "use1-az4" is in us-east-1'));
  });

  test('rejects a CIDR block that is not an IPv4 block of /16 to /28 starting at its first address', () => {
    const allowed = 'an IPv4 CIDR block such as "10.0.64.0/20", from /16 to /28, in the VPC\'s range and free of its other subnets';
    for (const bad of ['10.0.64.0', '10.0.64.0/29', '10.0.0.0/8', '10.0.300.0/24', 'ten/20']) {
      expect(rejection({ cidrBlock: bad }).message).toBe(message('cidrBlock', JSON.stringify(bad), allowed));
    }
    expect(rejection({ cidrBlock: '10.0.65.0/20' }).message).toBe(message('cidrBlock', '"10.0.65.0/20"',
      `${allowed}: the block of "10.0.65.0/20" starts at 10.0.64.0/20`));
  });
});
