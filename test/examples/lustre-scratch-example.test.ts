import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { LustreScratchExampleStack } from '../../examples/lustre-scratch-stack';
import { LustreScratch, TrainingDataLake } from '../../src';
import { testApp, validatedTemplate } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

describe('LustreScratchExample', () => {
  let stack: Stack;
  let template: Template;
  let scratch: LustreScratch;
  const id = (construct: any) => stack.getLogicalId(construct.node.defaultChild ?? construct);
  beforeAll(() => {
    stack = new LustreScratchExampleStack(testApp(), 'LustreScratchExample');
    scratch = stack.node.findChild('Scratch') as LustreScratch;
    template = validatedTemplate(stack);
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('a PERSISTENT_2 file system in the training subnet (placed by zone ID), retained', () => {
    const gpuSubnets = Object.keys(template.findResources('AWS::EC2::Subnet', { Properties: { AvailabilityZoneId: 'use1-az4' } }));
    expect(gpuSubnets).toEqual([expect.stringMatching(/^VpcTrainingSubnet1Subnet/)]);
    expect(scratch.availabilityZoneId).toBe('use1-az4');
    template.hasResource('AWS::FSx::FileSystem', {
      Properties: Match.objectLike({
        SubnetIds: [{ Ref: gpuSubnets[0] }],
        StorageCapacity: 1200,
        LustreConfiguration: Match.objectLike({ DeploymentType: 'PERSISTENT_2', DataCompressionType: 'LZ4', AutomaticBackupRetentionDays: 0 }),
      }),
      DeletionPolicy: 'Retain',
    });
  });

  test('datasets/ imported to /datasets, checkpoints/ exported from /checkpoints; the lake key lets FSx through', () => {
    const lake = stack.node.findChild('Lake') as TrainingDataLake;
    const bucket = { Ref: id(lake.bucket) };
    template.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', {
      FileSystemPath: '/datasets',
      DataRepositoryPath: { 'Fn::Join': ['', ['s3://', bucket, '/datasets/']] },
      BatchImportMetaDataOnCreate: true,
      S3: { AutoImportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
    });
    template.hasResourceProperties('AWS::FSx::DataRepositoryAssociation', {
      FileSystemPath: '/checkpoints',
      DataRepositoryPath: { 'Fn::Join': ['', ['s3://', bucket, '/checkpoints/']] },
      S3: { AutoExportPolicy: { Events: ['NEW', 'CHANGED', 'DELETED'] } },
    });
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Sid: 'AllowFSxForLustreDataRepositories', Condition: Match.objectLike({ StringLike: { 'aws:userid': '*:FSx' } }) })]) },
    });
  });

  test('GPU instances mount /fsx at boot, IMDSv2 only, encrypted root volume, Lustre ports open both ways', () => {
    const [lt] = Object.values(template.findResources('AWS::EC2::LaunchTemplate'));
    const data = lt.Properties.LaunchTemplateData;
    expect(data.MetadataOptions).toEqual({ HttpTokens: 'required', HttpPutResponseHopLimit: 1 });
    expect(data.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeSize: 200, VolumeType: 'gp3' } }]);
    const userData = JSON.stringify(data.UserData);
    for (const line of ['dnf install -y lustre-client', 'getent hosts', 'mount -t lustre -o relatime,flock', ',_netdev,', "mkdir -p '/fsx'"]) {
      expect(userData).toContain(line);
    }
    const nodes = stack.node.findChild('NodeSecurityGroup') as ec2.SecurityGroup;
    const [fsSg, nodesSg] = [{ 'Fn::GetAtt': [id(scratch.securityGroup), 'GroupId'] }, { 'Fn::GetAtt': [id(nodes), 'GroupId'] }];
    expect(data.NetworkInterfaces).toEqual([{ DeviceIndex: 0, AssociatePublicIpAddress: false, Groups: [nodesSg] }]);
    expect(data.Monitoring).toEqual({ Enabled: true });
    for (const [from, to] of [[988, 988], [1018, 1023]]) {
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: fsSg, SourceSecurityGroupId: nodesSg, IpProtocol: 'tcp', FromPort: from, ToPort: to });
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { GroupId: nodesSg, SourceSecurityGroupId: fsSg, IpProtocol: 'tcp', FromPort: from, ToPort: to });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { GroupId: fsSg, DestinationSecurityGroupId: nodesSg, IpProtocol: 'tcp', FromPort: from, ToPort: to });
    }
  });

  test('the low-free-capacity alarm notifies an encrypted topic; outputs for clients', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'FreeDataStorageCapacity',
      Threshold: 120 * 1024 ** 3,
      AlarmActions: [{ Ref: Match.stringLikeRegexp('^Alerts') }],
    });
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasOutput('FileSystemId', { Value: { Ref: id(scratch) } });
    template.hasOutput('LustrePath', { Value: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [id(scratch), 'DNSName'] }, '@tcp:/', { 'Fn::GetAtt': [id(scratch), 'LustreMountName'] }]] } });
    const pv = JSON.stringify(template.toJSON().Outputs.PersistentVolume.Value);
    for (const text of ['\\"kind\\":\\"List\\"', '\\"driver\\":\\"fsx.csi.aws.com\\"', '\\"accessModes\\":[\\"ReadWriteMany\\"]', '\\"storage\\":\\"1200Gi\\"',
      '\\"namespace\\":\\"training\\"']) {
      expect(pv).toContain(text);
    }
  });
});
