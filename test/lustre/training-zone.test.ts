import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { message, plainNetwork, thrown, validatedNetwork } from './fixtures';
import { LustreScratch, TrainingSubnet, TrainingVpc } from '../../src';
import { plainStack, plainTemplate } from '../support/harness';

// Plain stacks: the validators run on LustreScratch and TrainingVpc in their own test files, and on
// the LustreScratch example (a file system in a TrainingVpc) in test/examples.
describe('LustreScratch in the training zone', () => {
  test('in a TrainingVpc: the file system in the training subnet, its zone ID known at synthesis time', () => {
    const stack = plainStack();
    const network = new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az4' });
    const scratch = new LustreScratch(stack, 'Scratch', { vpc: network, subnet: network.trainingSubnet });
    expect(scratch.availabilityZoneId).toBe('use1-az4');
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', {
      SubnetIds: [stack.resolve(network.trainingSubnet.subnetId)],
    });
  });

  test('in a TrainingSubnet added to a VPC that has subnets of its own: accepted, its zone ID known', () => {
    const stack = plainStack();
    const { vpc } = validatedNetwork(stack);
    const subnet = new TrainingSubnet(stack, 'GpuSubnet', { vpc, trainingZoneId: 'use1-az6', cidrBlock: '10.0.64.0/20' });
    const scratch = new LustreScratch(stack, 'Scratch', { vpc, subnet });
    expect(scratch.availabilityZoneId).toBe('use1-az6');
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', { SubnetIds: [stack.resolve(subnet.subnetId)] });
  });

  test('a TrainingSubnet of another VPC is still rejected', () => {
    const stack = plainStack();
    const other = new ec2.Vpc(stack, 'Other', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'x', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const subnet = new TrainingSubnet(stack, 'GpuSubnet', { vpc: other, trainingZoneId: 'use1-az6', cidrBlock: '10.0.64.0/20' });
    const error = thrown(() => new LustreScratch(stack, 'Scratch', { vpc: plainNetwork(stack).vpc, subnet }));
    expect(error.message).toBe(message('subnet', '"Test/GpuSubnet"', 'a subnet of vpc: the file system and its security group live in the same VPC'));
  });

  test('a subnet of an ec2.Vpc: the zone ID is the subnet\'s attribute, known at deploy time; an imported subnet: unknown', () => {
    const stack = plainStack();
    const { vpc, subnet } = validatedNetwork(stack);
    const scratch = new LustreScratch(stack, 'Scratch', { vpc, subnet });
    expect(stack.resolve(scratch.availabilityZoneId)).toEqual({ 'Fn::GetAtt': [stack.getLogicalId(subnet.node.defaultChild as ec2.CfnSubnet), 'AvailabilityZoneId'] });

    const imported = plainStack();
    const importedVpc = ec2.Vpc.fromVpcAttributes(imported, 'Vpc', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] });
    const importedSubnet = ec2.Subnet.fromSubnetAttributes(imported, 'Subnet', { subnetId: 'subnet-0123456789abcdef0', availabilityZone: 'us-east-1a' });
    expect(new LustreScratch(imported, 'Scratch', { vpc: importedVpc, subnet: importedSubnet }).availabilityZoneId).toBeUndefined();
  });
});
