import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EC2_MOUNTS, Ec2TrainingExampleStack } from '../../examples/ec2-training-stack';
import { TRAINING_REGION } from '../../examples/training-vpc';
import { GpuLaunchTemplate } from '../../src';
import { testApp, validatedTemplate } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

describe('Ec2TrainingExample', () => {
  let stack: Stack;
  let template: Template;
  let gpus: GpuLaunchTemplate;
  let userData: string;
  beforeAll(() => {
    stack = new Ec2TrainingExampleStack(testApp(), 'Ec2TrainingExample', { env: { region: TRAINING_REGION } });
    gpus = stack.node.findChild('Gpus') as GpuLaunchTemplate;
    template = validatedTemplate(stack);
    userData = JSON.stringify(stack.resolve(Object.values<any>(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData));
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('p5.48xlarge with 32 EFA devices in the training subnet (use1-az4), a cluster placement group', () => {
    expect(gpus.networkInterfaces.filter((item) => item.interfaceType === 'efa-only')).toHaveLength(32);
    const gpuSubnet = Object.keys(template.findResources('AWS::EC2::Subnet', { Properties: { AvailabilityZoneId: 'use1-az4' } }))[0];
    const data = Object.values<any>(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData;
    expect(data.NetworkInterfaces.every((item: any) => item.SubnetId.Ref === gpuSubnet)).toBe(true);
    template.resourceCountIs('AWS::EC2::PlacementGroup', 1);
  });

  test('the boot script mounts the file system, the lake corpus and the cache copy, and exports the checkpoint settings', () => {
    expect(userData).toContain('mount -t lustre -o relatime,flock');
    expect(userData).toContain(`'${EC2_MOUNTS.dataset}' --prefix 'datasets/corpus/'`);
    expect(userData).toContain(`'${EC2_MOUNTS.cache}' --prefix 'datasets/corpus/'`);
    expect(userData).toContain("export CHECKPOINT_DIR='/fsx/checkpoints'");
    expect(userData).toContain("export CHECKPOINT_SIZE_MANIFEST='.export-sizes'");
  });

  test('the Lustre ports between the instances and the file system', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 988, ToPort: 988, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GpusSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      IpProtocol: 'tcp', FromPort: 988, ToPort: 988, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^GpusSecurityGroup'), 'GroupId'] },
    });
  });
});
