import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { HYPERPOD_MOUNT_PATH, HyperPodLustreExampleStack } from '../../examples/hyperpod-lustre-stack';
import { TRAINING_REGION } from '../../examples/training-vpc';
import { testApp, validatedTemplate } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

describe('HyperPodLustreExample', () => {
  let stack: Stack;
  let template: Template;
  let cluster: any;
  beforeAll(() => {
    stack = new HyperPodLustreExampleStack(testApp(), 'HyperPodLustreExample', { env: { region: TRAINING_REGION } });
    template = validatedTemplate(stack);
    cluster = Object.values<any>(template.findResources('AWS::SageMaker::Cluster'))[0].Properties;
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('2 x ml.p5.48xlarge in the training subnet (use1-az4), the file system mounted at /fsx', () => {
    const gpuSubnet = Object.keys(template.findResources('AWS::EC2::Subnet', { Properties: { AvailabilityZoneId: 'use1-az4' } }))[0];
    expect(cluster.VpcConfig.Subnets).toEqual([{ Ref: gpuSubnet }]);
    expect(cluster.InstanceGroups).toHaveLength(1);
    const group = cluster.InstanceGroups[0];
    expect(group).toMatchObject({ InstanceGroupName: 'gpu', InstanceType: 'ml.p5.48xlarge', InstanceCount: 2 });
    const fileSystem = Object.keys(template.findResources('AWS::FSx::FileSystem'))[0];
    expect(group.InstanceStorageConfigs).toEqual([{
      FsxLustreConfig: {
        DnsName: { 'Fn::GetAtt': [fileSystem, 'DNSName'] },
        MountName: { 'Fn::GetAtt': [fileSystem, 'LustreMountName'] },
        MountPath: HYPERPOD_MOUNT_PATH,
      },
    }]);
  });

  test('EKS orchestrator by ARN, tiered checkpointing on with 20 percent of memory', () => {
    expect(JSON.stringify(cluster.Orchestrator.Eks.ClusterArn)).toContain(':cluster/training');
    expect(cluster.TieredStorageConfig).toEqual({ Mode: 'Enable', InstanceMemoryAllocationPercentage: 20 });
  });

  test('lifecycle scripts copied into the lake\'s hyperpod/lifecycle/ before the cluster is created', () => {
    const group = cluster.InstanceGroups[0];
    expect(group.LifeCycleConfig.OnCreate).toBe('on_create.sh');
    expect(JSON.stringify(group.LifeCycleConfig.SourceS3Uri)).toContain('/hyperpod/lifecycle/');
    template.hasResourceProperties('Custom::DatasetCopy', Match.objectLike({
      DestinationPrefix: 'hyperpod/lifecycle/',
      Renames: Match.objectLike({}),
    }));
    const clusterResource = Object.values<any>(template.findResources('AWS::SageMaker::Cluster'))[0];
    expect(clusterResource.DependsOn.some((d: string) => d.startsWith('HyperPodLifecycleScriptsCopy'))).toBe(true);
  });

  test('the Lustre ports between the nodes and the file system', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 988, ToPort: 988, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^HyperPodSecurityGroup'), 'GroupId'] },
    });
  });
});
