import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Template, Match } from 'aws-cdk-lib/assertions';
import { clusterIn, EKS_ARN, message, SCRIPTS, subnetInOtherZone, Surroundings, surroundings } from './fixtures';
import { DataLocation } from '../../../src';
import { HyperPodCluster, HyperPodOrchestrator } from '../../../src/sagemaker/hyperpod';
import { thrown } from '../../lustre/fixtures';
import { plainTemplate } from '../../support/harness';

describe('HyperPodCluster', () => {
  describe('defaults, with a file system and the EKS orchestrator', () => {
    let s: Surroundings;
    let hyperpod: HyperPodCluster;
    let template: Template;
    let cluster: any;
    beforeAll(() => {
      s = surroundings();
      hyperpod = clusterIn(s, {
        instanceGroups: [
          { name: 'gpu', instanceType: 'ml.p5.48xlarge', instanceCount: 2, threadsPerCore: 1 },
          { name: 'cpu', instanceType: 'ml.m5.2xlarge', instanceCount: 1 },
        ],
        tieredCheckpointing: { memoryAllocationPercent: 30 },
      });
      template = plainTemplate(s.stack);
      cluster = Object.values<any>(template.findResources('AWS::SageMaker::Cluster'))[0].Properties;
    });

    test('every instance group in the training subnet, with the execution role and the scripts', () => {
      expect(s.stack.resolve(cluster.VpcConfig)).toEqual({
        SecurityGroupIds: [s.stack.resolve(hyperpod.securityGroup.securityGroupId)],
        Subnets: [s.stack.resolve(s.vpc.trainingSubnet.subnetId)],
      });
      expect(cluster.InstanceGroups.map((g: any) => [g.InstanceGroupName, g.InstanceType, g.InstanceCount, g.ThreadsPerCore]))
        .toEqual([['gpu', 'ml.p5.48xlarge', 2, 1], ['cpu', 'ml.m5.2xlarge', 1, undefined]]);
      for (const group of cluster.InstanceGroups) {
        expect(group.ExecutionRole).toEqual(s.stack.resolve(hyperpod.role.roleArn));
        expect(group.LifeCycleConfig).toEqual({ OnCreate: 'on_create.sh', SourceS3Uri: s.stack.resolve(s.scripts.s3Uri) });
      }
      expect(cluster.ClusterName).toBeUndefined();
    });

    test('the file system on every group at /fsx (default), its DNS and mount names', () => {
      expect(hyperpod.lustreMountPath).toBe('/fsx');
      for (const group of cluster.InstanceGroups) {
        expect(group.InstanceStorageConfigs).toEqual([{
          FsxLustreConfig: { DnsName: s.stack.resolve(s.scratch.dnsName), MountName: s.stack.resolve(s.scratch.mountName), MountPath: '/fsx' },
        }]);
      }
    });

    test('tiered checkpointing enabled with the share given; the EKS orchestrator by ARN', () => {
      expect(cluster.TieredStorageConfig).toEqual({ Mode: 'Enable', InstanceMemoryAllocationPercentage: 30 });
      expect(cluster.Orchestrator).toEqual({ Eks: { ClusterArn: EKS_ARN } });
    });

    test('security group: all traffic within itself both ways, HTTPS out, nothing else out', () => {
      const groupId = s.stack.resolve(hyperpod.securityGroup.securityGroupId);
      const sg = template.findResources('AWS::EC2::SecurityGroup', { Properties: { GroupDescription: Match.stringLikeRegexp('^HyperPod nodes') } });
      expect(Object.values<any>(sg)[0].Properties.SecurityGroupEgress).toEqual([
        { CidrIp: '0.0.0.0/0', Description: 'HTTPS to AWS endpoints (S3, ECR, SSM, EKS)', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 },
      ]);
      template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', GroupId: groupId, SourceSecurityGroupId: groupId });
      template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: '-1', GroupId: groupId, DestinationSecurityGroupId: groupId });
    });

    test('the file system lets the nodes in on the Lustre ports (988, 1018-1023)', () => {
      const groupId = s.stack.resolve(hyperpod.securityGroup.securityGroupId);
      for (const [from, to] of [[988, 988], [1018, 1023]]) {
        template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: 'tcp', FromPort: from, ToPort: to, SourceSecurityGroupId: groupId });
        template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: 'tcp', FromPort: from, ToPort: to, GroupId: groupId });
      }
    });

    test('role: assumed by SageMaker, AmazonSageMakerClusterInstanceRolePolicy, the ENI and EKS actions, the scripts\' prefix read-only', () => {
      const role = template.findResources('AWS::IAM::Role', { Properties: { Description: Match.stringLikeRegexp('^Execution role of the HyperPod') } });
      const props = Object.values<any>(role)[0].Properties;
      expect(props.AssumeRolePolicyDocument.Statement).toEqual([
        { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sagemaker.amazonaws.com' } },
      ]);
      expect(JSON.stringify(props.ManagedPolicyArns)).toContain(':iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy');
      const policy = Object.values<any>(template.findResources('AWS::IAM::Policy', {
        Properties: { Roles: [{ Ref: Object.keys(role)[0] }] },
      }))[0].Properties.PolicyDocument.Statement;
      const eni = policy.find((st: any) => Array.isArray(st.Action) && st.Action.includes('ec2:CreateNetworkInterface'));
      expect(eni.Resource).toBe('*');
      expect(eni.Action).toEqual(expect.arrayContaining(['ec2:DescribeSubnets', 'ec2:DeleteNetworkInterfacePermission', 'ec2:AssignPrivateIpAddresses',
        'ecr:BatchGetImage', 'eks-auth:AssumeRoleForPodIdentity']));
      const tags = policy.find((st: any) => st.Action === 'ec2:CreateTags');
      expect(JSON.stringify(tags.Resource)).toContain(':network-interface/*');
      const reads = policy.filter((st: any) => JSON.stringify(st).includes('s3:GetObject'));
      expect(reads).toHaveLength(1);
      expect(JSON.stringify(reads[0].Resource)).toContain('/hyperpod/lifecycle/*');
      expect(JSON.stringify(policy)).not.toMatch(/s3:PutObject|s3:DeleteObject/);
    });

    test('the scripts are file assets copied to the location under their names, before the cluster', () => {
      const copy = Object.values<any>(template.findResources('Custom::DatasetCopy'))[0].Properties;
      expect(copy.DestinationPrefix).toBe('hyperpod/lifecycle/');
      expect(copy.SourcePrefix).toBe('');
      expect(copy.Keys).toHaveLength(1);
      expect(copy.Renames).toEqual({ [copy.Keys[0]]: 'on_create.sh' });
      expect(copy.Keys[0]).toMatch(/^[0-9a-f]{64}\.sh$/);
      const dependsOn = Object.values<any>(template.findResources('AWS::SageMaker::Cluster'))[0].DependsOn;
      expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^HyperPodLifecycleScriptsCopy/), expect.stringMatching(/^HyperPodRoleDefaultPolicy/),
        expect.stringMatching(/^Scratch/)]));
    });

    test('removal: the cluster keeps CloudFormation\'s default (it holds no data)', () => {
      const resource = Object.values<any>(template.findResources('AWS::SageMaker::Cluster'))[0];
      expect(resource.DeletionPolicy).toBeUndefined();
    });
  });

  describe('Slurm, without a file system or tiered checkpointing, a name, nested scripts', () => {
    let cluster: any;
    let copies: any[];
    let policy: string;
    beforeAll(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hyperpod-scripts-'));
      fs.mkdirSync(path.join(dir, 'utils'));
      fs.writeFileSync(path.join(dir, 'start.sh'), '#!/bin/bash\n');
      fs.writeFileSync(path.join(dir, 'utils', 'slurm.sh'), '#!/bin/bash\necho slurm\n');
      fs.writeFileSync(path.join(dir, 'utils', 'same.sh'), '#!/bin/bash\n'); // the content of start.sh: one asset object
      const s = surroundings();
      clusterIn(s, {
        orchestrator: HyperPodOrchestrator.slurm(),
        fileSystem: undefined,
        clusterName: 'my-cluster',
        lifecycleScripts: { directory: dir, location: s.scripts, onCreateScript: 'start.sh' },
      });
      const template = plainTemplate(s.stack);
      cluster = Object.values<any>(template.findResources('AWS::SageMaker::Cluster'))[0].Properties;
      copies = Object.values<any>(template.findResources('Custom::DatasetCopy')).map((c) => c.Properties);
      policy = JSON.stringify(template.findResources('AWS::IAM::Policy'));
    });

    test('Slurm orchestrator, no storage configs, no TieredStorageConfig, the name given', () => {
      expect(cluster.Orchestrator).toEqual({ Slurm: {} });
      expect(cluster.InstanceGroups[0].InstanceStorageConfigs).toBeUndefined();
      expect(cluster.TieredStorageConfig).toBeUndefined();
      expect(cluster.ClusterName).toBe('my-cluster');
      expect(cluster.InstanceGroups[0].LifeCycleConfig.OnCreate).toBe('start.sh');
    });

    test('every file copied under its relative path (files with one content by two copies); no EKS actions on the role', () => {
      expect(copies.map((c) => Object.values(c.Renames).sort())).toEqual([['start.sh', 'utils/slurm.sh'], ['utils/same.sh']]);
      expect(copies[1].Keys).toEqual([Object.keys(copies[0].Renames).find((k) => copies[0].Renames[k] === 'start.sh')]);
      expect(policy).not.toContain('eks-auth:AssumeRoleForPodIdentity');
      expect(policy).toContain('ec2:CreateNetworkInterface');
    });
  });

  describe('rejections', () => {
    test('a file system in another zone than the subnet', () => {
      const s = surroundings();
      expect(thrown(() => clusterIn(s, { subnet: subnetInOtherZone(s) })).message).toBe(message('fileSystem', 'Test/Scratch in use1-az4',
        'a file system in the subnet\'s zone use1-az6: nodes in another zone than their file system pay cross-zone latency and transfer on every read'));
    });

    test('memory shares outside 0-100 or not whole', () => {
      for (const percent of [101, -5, 2.5]) {
        expect(thrown(() => clusterIn(surroundings(), { tieredCheckpointing: { memoryAllocationPercent: percent } })).message).toBe(
          message('tieredCheckpointing.memoryAllocationPercent', String(percent), 'a whole percent from 0 to 100 (TieredStorageConfig.InstanceMemoryAllocationPercentage)'));
      }
    });

    test('tiered checkpointing with Slurm', () => {
      expect(thrown(() => clusterIn(surroundings(), { orchestrator: HyperPodOrchestrator.slurm(), tieredCheckpointing: {} })).message).toBe(
        message('tieredCheckpointing', 'managed tiered checkpointing with the SLURM orchestrator',
          'tiered checkpointing with HyperPodOrchestrator.eks() only: its prerequisite is an Amazon EKS HyperPod cluster'));
    });

    test('bad instance group names, types, counts; duplicates; none', () => {
      const group = { name: 'gpu', instanceType: 'ml.p5.48xlarge', instanceCount: 2 };
      expect(thrown(() => clusterIn(surroundings(), { instanceGroups: [{ ...group, name: 'gpu_1' }] })).message).toBe(
        message('instanceGroups[0].name', '"gpu_1"', '1 to 63 letters and digits, with hyphens between them (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)'));
      expect(thrown(() => clusterIn(surroundings(), { instanceGroups: [group, { ...group, name: 'b', instanceType: 'p5.48xlarge' }] })).message).toBe(
        message('instanceGroups[1].instanceType', '"p5.48xlarge"', 'a SageMaker instance type "ml.<family>.<size>", such as "ml.p5.48xlarge"'));
      expect(thrown(() => clusterIn(surroundings(), { instanceGroups: [{ ...group, instanceCount: 7000 }] })).message).toBe(
        message('instanceGroups[0].instanceCount', '7000', 'a whole number from 0 to 6758'));
      expect(thrown(() => clusterIn(surroundings(), { instanceGroups: [{ ...group, threadsPerCore: 3 }] })).message).toBe(
        message('instanceGroups[0].threadsPerCore', '3', '1 (multithreading off) or 2 (on)'));
      expect(thrown(() => clusterIn(surroundings(), { instanceGroups: [group, group] })).message).toBe(
        message('instanceGroups', 'the name "gpu" more than once', 'distinct instance group names'));
      expect(thrown(() => clusterIn(surroundings(), { instanceGroups: [] })).message).toBe(message('instanceGroups', '[]', 'at least one instance group'));
    });

    test('bad cluster names and EKS ARNs', () => {
      expect(thrown(() => clusterIn(surroundings(), { clusterName: 'my_cluster' })).message).toBe(
        message('clusterName', '"my_cluster"', '1 to 63 letters and digits, with hyphens between them (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)'));
      expect(thrown(() => clusterIn(surroundings(), { orchestrator: HyperPodOrchestrator.eks('training') })).message).toBe(
        message('orchestrator', '"training"', 'the ARN of an EKS cluster, arn:<partition>:eks:<region>:<account>:cluster/<name>'));
    });

    test('bad mount paths, and a mount path without a file system', () => {
      expect(thrown(() => clusterIn(surroundings(), { lustreMountPath: '/' })).message).toBe(message('lustreMountPath', '"/"',
        'an absolute path below / of letters, digits, ".", "_", "-" and "/" (/[a-zA-Z0-9._/-]+), at most 1024 characters, such as "/fsx"'));
      expect(thrown(() => clusterIn(surroundings(), { fileSystem: undefined, lustreMountPath: '/fsx' })).message).toBe(
        message('lustreMountPath', '"/fsx"', 'nothing without `fileSystem`'));
    });

    test('a missing directory, a missing or malformed entrypoint, a directory bucket', () => {
      const s = surroundings();
      expect(thrown(() => clusterIn(s, { lifecycleScripts: { directory: '/nonexistent/scripts', location: s.scripts } })).message).toBe(
        message('lifecycleScripts.directory', '"/nonexistent/scripts"', 'an existing local directory'));
      expect(thrown(() => clusterIn(surroundings(), { lifecycleScripts: { directory: SCRIPTS, location: s.scripts, onCreateScript: 'setup.sh' } })).message).toBe(
        message('lifecycleScripts.onCreateScript', '"setup.sh"', `a file of ${SCRIPTS}: "on_create.sh"`));
      expect(thrown(() => clusterIn(surroundings(), { lifecycleScripts: { directory: SCRIPTS, location: s.scripts, onCreateScript: '../x.sh' } })).message).toMatch(
        /^\[Test\/HyperPod\] lifecycleScripts.onCreateScript: received "..\/x.sh"; allowed: a relative file path/);
      const t = surroundings();
      const express = DataLocation.fromBucket(t.lake.bucket, 'x/', { directoryBucket: true });
      expect(thrown(() => clusterIn(t, { lifecycleScripts: { directory: SCRIPTS, location: express } })).message).toMatch(
        /lifecycleScripts.location: received .*; allowed: a location in a general purpose bucket/);
    });
  });
});
