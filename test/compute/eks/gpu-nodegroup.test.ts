import { Size, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import { ClusterFixture, clusterFixture } from './cluster-fixture';
import { AcceleratorKind, ExpressCache, GpuCapacity, GpuNodegroup, GpuNodegroupProps } from '../../../src';
import { GPU_NODEGROUP_DEFAULTS } from '../../../src/compute/eks/gpu-nodegroup';
import { renderNodeUserData } from '../../../src/compute/eks/rules';
import { thrown } from '../../lustre/fixtures';
import { plainTemplate } from '../../support/harness';

/** One stack, several node groups: EKS synthesis is slow. */
describe('GpuNodegroup', () => {
  let fixture: ClusterFixture;
  let template: Template;
  let p5: GpuNodegroup;
  let trn2: GpuNodegroup;
  let g6e: GpuNodegroup;
  let custom: GpuNodegroup;
  let ownPlacement: ec2.PlacementGroup;

  beforeAll(() => {
    fixture = clusterFixture();
    const { stack, cluster, subnet } = fixture;
    const colocated = new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4' });
    p5 = new GpuNodegroup(stack, 'P5', { cluster, subnet, instanceType: 'p5.48xlarge', desiredSize: 2, colocatedWith: [colocated] });
    trn2 = new GpuNodegroup(stack, 'Trn2', {
      cluster, subnet, instanceType: 'trn2.48xlarge', desiredSize: 0, maxSize: 4, capacity: GpuCapacity.capacityBlock('cr-0123456789abcdef0'),
    });
    g6e = new GpuNodegroup(stack, 'G6e', {
      cluster,
      subnet,
      instanceType: 'g6e.48xlarge',
      desiredSize: 1,
      disableEfa: true,
      taints: [],
      labels: { 'team': 'nlp', 'cdk-training-storage/accelerator': 'l40s' },
      localStorageRaid0: false,
      capacity: GpuCapacity.capacityReservation('cr-0123456789abcdef1'),
      rootVolumeSize: Size.gibibytes(500),
      nodegroupName: 'inference',
    });
    ownPlacement = new ec2.PlacementGroup(stack, 'OwnPlacement', { strategy: ec2.PlacementGroupStrategy.CLUSTER });
    custom = new GpuNodegroup(stack, 'Custom', {
      cluster,
      subnet,
      instanceType: 'x9.48xlarge',
      acceleratorKind: AcceleratorKind.NVIDIA_GPU,
      desiredSize: 1,
      efa: { efaInterfaces: 2, networkCards: 2, efaOnlySupported: false },
      placementGroup: ownPlacement,
      taints: [{ key: 'dedicated', value: 'training', effect: eks.TaintEffect.NO_EXECUTE }],
    });
    template = plainTemplate(stack);
  });

  function resource(construct: { node: { defaultChild?: unknown } } | ec2.CfnLaunchTemplate): any {
    const child = construct instanceof ec2.CfnLaunchTemplate ? construct : construct.node.defaultChild;
    return template.toJSON().Resources[fixture.stack.getLogicalId(child as any)];
  }
  const launchData = (ng: GpuNodegroup) => resource(ng.launchTemplate).Properties.LaunchTemplateData;
  const nodegroup = (ng: GpuNodegroup) => resource(ng.nodegroup).Properties;
  const ref = (construct: any) => fixture.stack.resolve(construct);

  test('documented defaults', () => {
    expect(GPU_NODEGROUP_DEFAULTS.rootVolumeSize.toGibibytes()).toBe(200);
    expect(GPU_NODEGROUP_DEFAULTS.minSize).toBe(0);
  });

  test('AMI type per accelerator: NVIDIA for GPUs, Neuron for Trainium (the node group has the type, the launch template no image)', () => {
    expect(nodegroup(p5).AmiType).toBe('AL2023_x86_64_NVIDIA');
    expect(nodegroup(g6e).AmiType).toBe('AL2023_x86_64_NVIDIA');
    expect(nodegroup(trn2).AmiType).toBe('AL2023_x86_64_NEURON');
    expect(nodegroup(custom).AmiType).toBe('AL2023_x86_64_NVIDIA');
    expect(p5.amiType).toBe(eks.NodegroupAmiType.AL2023_X86_64_NVIDIA);
    expect(trn2.acceleratorKind).toBe(AcceleratorKind.AWS_TRAINIUM);
    for (const ng of [p5, trn2, g6e, custom]) {
      expect(launchData(ng).ImageId).toBeUndefined();
    }
  });

  test('the instance type in the launch template only; no subnet, instance profile or disk size anywhere it is forbidden', () => {
    for (const ng of [p5, trn2, g6e, custom]) {
      const data = launchData(ng);
      const props = nodegroup(ng);
      expect(data.InstanceType).toBe(ng.instanceType);
      expect(props.InstanceTypes).toBeUndefined();
      expect(props.DiskSize).toBeUndefined();
      expect(props.RemoteAccess).toBeUndefined();
      expect(data.IamInstanceProfile).toBeUndefined();
      expect(data.SubnetId).toBeUndefined();
      expect(data.SecurityGroupIds).toBeUndefined();
      expect(data.NetworkInterfaces.every((item: any) => item.SubnetId === undefined)).toBe(true);
      expect(props.Subnets).toEqual([ref(fixture.subnet.subnetId)]);
      expect(props.LaunchTemplate).toEqual({ Id: ref(ng.launchTemplate.ref), Version: ref(ng.launchTemplate.attrLatestVersionNumber) });
    }
  });

  test('EFA interfaces per the plan: p5 32 EFA on 32 cards, trn2 16, a user count without efa-only; none with disableEfa', () => {
    const p5Interfaces = launchData(p5).NetworkInterfaces;
    expect(p5Interfaces).toHaveLength(33);
    expect(p5Interfaces.filter((i: any) => i.InterfaceType === 'efa-only')).toHaveLength(32);
    expect(p5Interfaces[0]).toMatchObject({ NetworkCardIndex: 0, DeviceIndex: 0, InterfaceType: 'interface' });
    expect(p5Interfaces.some((item: any) => 'AssociatePublicIpAddress' in item)).toBe(false); // EC2 rejects it with several interfaces
    expect(p5Interfaces[1]).toMatchObject({ NetworkCardIndex: 0, DeviceIndex: 1, InterfaceType: 'efa-only' });
    expect(p5Interfaces[32]).toMatchObject({ NetworkCardIndex: 31, DeviceIndex: 0, InterfaceType: 'efa-only' });
    const trnInterfaces = launchData(trn2).NetworkInterfaces;
    expect(trnInterfaces.filter((i: any) => i.InterfaceType === 'efa-only')).toHaveLength(16);
    expect(launchData(custom).NetworkInterfaces.map((i: any) => [i.NetworkCardIndex, i.DeviceIndex, i.InterfaceType]))
      .toEqual([[0, 0, 'efa'], [1, 1, 'efa']]);
    expect(launchData(g6e).NetworkInterfaces)
      .toEqual([{ DeviceIndex: 0, Groups: expect.any(Array), DeleteOnTermination: true, AssociatePublicIpAddress: false }]);
    expect(g6e.networkInterfaces).toEqual([]);
  });

  test('every interface carries the node group\'s security group and the cluster security group', () => {
    const groups = [ref(p5.securityGroup.securityGroupId), ref(fixture.cluster.clusterSecurityGroupId)];
    expect(launchData(p5).NetworkInterfaces.every((i: any) => JSON.stringify(i.Groups) === JSON.stringify(groups))).toBe(true);
    expect(p5.connections.securityGroups).toEqual([p5.securityGroup]);
  });

  test('the security group allows all traffic to and from itself (EFA), with no other rule', () => {
    const sgId = ref(p5.securityGroup.securityGroupId);
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', SourceSecurityGroupId: sgId, GroupId: sgId });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: '-1', DestinationSecurityGroupId: sgId, GroupId: sgId });
    const sg = resource(p5.securityGroup).Properties;
    expect(sg.SecurityGroupEgress).toBeUndefined();
    expect(sg.SecurityGroupIngress).toBeUndefined();
  });

  test('a cluster placement group with EFA on demand; the given one; none without EFA or with a Capacity Block', () => {
    expect(resource(p5.placementGroup as ec2.PlacementGroup).Properties).toEqual({ Strategy: 'cluster' });
    expect(launchData(p5).Placement).toEqual({ GroupName: ref(p5.placementGroup!.placementGroupName) });
    expect(launchData(custom).Placement).toEqual({ GroupName: ref(ownPlacement.placementGroupName) });
    expect(g6e.placementGroup).toBeUndefined();
    expect(launchData(g6e).Placement).toBeUndefined();
    // A Capacity Block (or a capacity reservation) places its instances itself.
    expect(trn2.placementGroup).toBeUndefined();
    expect(launchData(trn2).Placement).toBeUndefined();
    template.resourceCountIs('AWS::EC2::PlacementGroup', 2);
  });

  test('capacity: on demand by default; a Capacity Block (CAPACITY_BLOCK, capacity-block market, reservation target); a reservation (on demand, target)', () => {
    expect(nodegroup(p5).CapacityType).toBe('ON_DEMAND');
    expect(launchData(p5).InstanceMarketOptions).toBeUndefined();
    expect(launchData(p5).CapacityReservationSpecification).toBeUndefined();
    expect(nodegroup(trn2).CapacityType).toBe('CAPACITY_BLOCK');
    expect(launchData(trn2).InstanceMarketOptions).toEqual({ MarketType: 'capacity-block' });
    expect(launchData(trn2).CapacityReservationSpecification).toEqual({ CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' } });
    expect(nodegroup(g6e).CapacityType).toBe('ON_DEMAND');
    expect(launchData(g6e).InstanceMarketOptions).toBeUndefined();
    expect(launchData(g6e).CapacityReservationSpecification).toEqual({ CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef1' } });
  });

  test('scaling: min 0, max the desired size (at least 1), or as given', () => {
    expect(nodegroup(p5).ScalingConfig).toEqual({ MinSize: 0, DesiredSize: 2, MaxSize: 2 });
    expect(nodegroup(trn2).ScalingConfig).toEqual({ MinSize: 0, DesiredSize: 0, MaxSize: 4 });
  });

  test('default labels and taints per accelerator; labels added to, taints replaced', () => {
    expect(nodegroup(p5).Labels).toEqual({
      'cdk-training-storage/nodegroup': p5.labels['cdk-training-storage/nodegroup'],
      'cdk-training-storage/accelerator': 'nvidia-gpu',
      'nvidia.com/gpu.present': 'true',
      'vpc.amazonaws.com/efa.present': 'true',
    });
    expect(p5.labels['cdk-training-storage/nodegroup']).toMatch(/^Test-P5-[0-9A-F]{8}$/);
    expect(nodegroup(p5).Taints).toEqual([{ Key: 'nvidia.com/gpu', Value: 'true', Effect: 'NO_SCHEDULE' }]);
    expect(nodegroup(trn2).Labels).toMatchObject({ 'cdk-training-storage/accelerator': 'aws-trainium', 'vpc.amazonaws.com/efa.present': 'true' });
    expect(nodegroup(trn2).Labels['nvidia.com/gpu.present']).toBeUndefined();
    expect(nodegroup(trn2).Taints).toEqual([{ Key: 'aws.amazon.com/neuron', Value: 'true', Effect: 'NO_SCHEDULE' }]);
    expect(nodegroup(g6e).Labels).toMatchObject({ 'team': 'nlp', 'cdk-training-storage/accelerator': 'l40s', 'nvidia.com/gpu.present': 'true' });
    expect(nodegroup(g6e).Labels['vpc.amazonaws.com/efa.present']).toBeUndefined();
    expect(nodegroup(g6e).Taints).toEqual([]);
    expect(nodegroup(custom).Taints).toEqual([{ Key: 'dedicated', Value: 'training', Effect: 'NO_EXECUTE' }]);
    expect(nodegroup(g6e).NodegroupName).toBe('inference');
  });

  test('the instance store as local storage: a MIME NodeConfig with RAID0; none when off', () => {
    expect(launchData(p5).UserData).toEqual({ 'Fn::Base64': renderNodeUserData() });
    expect(launchData(g6e).UserData).toBeUndefined();
  });

  test('IMDSv2 with hop limit 2; an encrypted gp3 root volume of 200 GiB, or as given', () => {
    expect(launchData(p5).MetadataOptions).toEqual({ HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 2 });
    expect(launchData(p5).BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 200, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }]);
    expect(launchData(g6e).BlockDeviceMappings[0].Ebs.VolumeSize).toBe(500);
  });

  test('the node role: the node group\'s default role with the worker, CNI and ECR policies', () => {
    const role = resource(p5.role as any).Properties;
    expect(JSON.stringify(role.ManagedPolicyArns)).toContain('AmazonEKSWorkerNodePolicy');
    expect(role.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({ Service: 'ec2.amazonaws.com' });
  });

  test('sampleTrainingJob: selects the node group, tolerates its taints, requests all accelerators and EFA devices', () => {
    const job = p5.sampleTrainingJob({ name: 'train', image: 'img:1', datasetClaimName: 'corpus', checkpointClaimName: 'ckpt', nodes: 2 });
    const pod = job.spec.template.spec;
    expect(job.spec).toMatchObject({ completions: 2, parallelism: 2, completionMode: 'Indexed' });
    expect(job.metadata).toEqual({ name: 'train', namespace: 'default' });
    expect(pod.nodeSelector).toEqual({ 'cdk-training-storage/nodegroup': p5.labels['cdk-training-storage/nodegroup'] });
    expect(pod.tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(pod.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 });
    expect(pod.containers[0].volumeMounts.slice(0, 2)).toEqual([
      { name: 'dataset', mountPath: '/data', readOnly: true }, { name: 'checkpoints', mountPath: '/checkpoints' },
    ]);
    const trnJob = trn2.sampleTrainingJob({
      name: 'trn', image: 'img', datasetClaimName: 'd', checkpointClaimName: 'c', jobNamespace: 'ml', datasetMountPath: '/in', checkpointMountPath: '/out',
    });
    expect(trnJob.spec.template.spec.containers[0].resources.limits).toEqual({ 'aws.amazon.com/neuron': 16, 'vpc.amazonaws.com/efa': 16 });
    expect(trnJob.spec.template.spec.tolerations).toEqual([{ key: 'aws.amazon.com/neuron', operator: 'Exists', effect: 'NoSchedule' }]);
    expect(trnJob.spec.template.spec.containers[0].env).toEqual([{ name: 'DATASET_DIR', value: '/in' }, { name: 'CHECKPOINT_DIR', value: '/out' }]);
    const g6eJob = g6e.sampleTrainingJob({ name: 'g', image: 'img', datasetClaimName: 'd', checkpointClaimName: 'c' });
    expect(g6eJob.spec.template.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': 8 });
    expect(g6eJob.spec.template.spec.tolerations).toEqual([]);
    const customJob = custom.sampleTrainingJob({ name: 'x', image: 'img', datasetClaimName: 'd', checkpointClaimName: 'c', acceleratorsPerNode: 4 });
    expect(customJob.spec.template.spec.containers[0].resources.limits).toEqual({ 'nvidia.com/gpu': 4, 'vpc.amazonaws.com/efa': 2 });
    expect(customJob.spec.template.spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }]);
  });

  test('sampleTrainingJob rejects', () => {
    const job = { name: 'train', image: 'img', datasetClaimName: 'd', checkpointClaimName: 'c' };
    const cases: [object, string][] = [
      [{ name: 'Train' }, 'name: received "Train"; allowed: a Kubernetes DNS subdomain name'],
      [{ jobNamespace: 'a.b' }, 'jobNamespace: received "a.b"; allowed: a Kubernetes DNS label'],
      [{ datasetClaimName: 'D' }, 'datasetClaimName: received "D"'],
      [{ checkpointClaimName: '' }, 'checkpointClaimName: received ""'],
      [{ nodes: 0 }, 'nodes: received 0; allowed: a whole number from 1 to the node group\'s maxSize (2)'],
      [{ nodes: 3 }, 'nodes: received 3; allowed: a whole number from 1 to the node group\'s maxSize (2): one pod per node'],
      [{ acceleratorsPerNode: 0 }, 'acceleratorsPerNode: received 0; allowed: a whole number from 1 to 8 (p5.48xlarge has 8)'],
      [{ acceleratorsPerNode: 9 }, 'acceleratorsPerNode: received 9; allowed: a whole number from 1 to 8 (p5.48xlarge has 8): a pod asking for more never schedules'],
      [{ datasetMountPath: 'data' }, 'datasetMountPath: received "data"; allowed: an absolute directory'],
      [{ checkpointMountPath: '/dev/shm' }, 'checkpointMountPath: received "/dev/shm"'],
      [{ checkpointMountPath: '/data' }, 'checkpointMountPath: received "/data"; allowed: a different path than datasetMountPath'],
    ];
    for (const [options, expected] of cases) {
      expect(thrown(() => p5.sampleTrainingJob({ ...job, ...options })).message).toContain(`[Test/P5] ${expected}`);
    }
    expect(thrown(() => custom.sampleTrainingJob(job)).message)
      .toContain('[Test/Custom] acceleratorsPerNode: received undefined; allowed: a whole number of at least 1 (required for x9.48xlarge, which the library does not know)');
  });
});

describe('GpuNodegroup rejects', () => {
  let fixture: ClusterFixture;
  let count = 0;
  beforeAll(() => {
    fixture = clusterFixture();
  });
  function nodegroupIn(props: Partial<GpuNodegroupProps>, stack: Stack = fixture.stack): GpuNodegroup {
    count += 1;
    return new GpuNodegroup(stack, `Ng${count}`, {
      cluster: fixture.cluster, subnet: fixture.subnet, instanceType: 'p5.48xlarge', desiredSize: 1, ...props,
    });
  }
  const message = (props: Partial<GpuNodegroupProps>) => thrown(() => nodegroupIn(props)).message.replace(/^\[Test\/Ng\d+\] /, '');

  test('a zonal tier in another zone than the subnet', () => {
    const cache = new ExpressCache(fixture.stack, 'FarCache', { availabilityZoneId: 'use1-az6' });
    expect(message({ colocatedWith: [cache] })).toBe('colocatedWith: received Test/FarCache in use1-az6; allowed: tiers in the subnet\'s zone use1-az4: '
      + 'GPUs in another zone than their storage pay cross-zone latency and transfer on every read');
  });

  test.each([
    [{ instanceType: 'x9.metal' }, 'acceleratorKind: received none; allowed: AcceleratorKind.NVIDIA_GPU or AcceleratorKind.AWS_TRAINIUM: '
      + 'the library does not know x9.metal, and the AMI type depends on it'],
    [{ acceleratorKind: AcceleratorKind.AWS_TRAINIUM }, 'acceleratorKind: received AWS_TRAINIUM; allowed: NVIDIA_GPU: p5.48xlarge has H100 accelerators'],
    [{ instanceType: 'trn1n.32xlarge', acceleratorKind: AcceleratorKind.AWS_TRAINIUM }, undefined],
    [{ instanceType: 'inf2.48xlarge', acceleratorKind: AcceleratorKind.NVIDIA_GPU },
      'acceleratorKind: received NVIDIA_GPU; allowed: AWS_TRAINIUM: the EKS-optimized AL2023 AMI for inf2 instances is the Neuron one'],
    [{ desiredSize: -1 }, 'desiredSize: received -1; allowed: a whole number of at least 0'],
    [{ desiredSize: 3, maxSize: 2 }, 'maxSize: received 2; allowed: at least desiredSize (3)'],
    [{ desiredSize: 1, minSize: 2 }, 'minSize: received 2; allowed: at most desiredSize (1)'],
    [{ efa: { efaInterfaces: 33, networkCards: 32 } }, 'efa.efaInterfaces: received 33; allowed: at most networkCards (32): one EFA per network card'],
    [{ efa: { efaInterfaces: 2, networkCards: 40 } }, 'efa.networkCards: received 40; allowed: at most 32: p5.48xlarge has 32 network cards'],
    [{ rootVolumeSize: Size.gibibytes(4) }, 'rootVolumeSize: received 4 GiB; allowed: whole GiB from 8 to 16384 (gp3)'],
    [{ capacity: GpuCapacity.capacityBlock('block-1') }, 'capacity: received "block-1"; allowed: a capacity reservation ID such as "cr-0123456789abcdef0"'],
    [{ taints: [{ key: 'bad key', effect: eks.TaintEffect.NO_SCHEDULE }] }, 'taints[0].key: received "bad key"; allowed: a name of letters, digits'],
    [{ taints: [{ key: 'ok', value: '-bad', effect: eks.TaintEffect.NO_SCHEDULE }] }, 'taints[0].value: received "-bad"; allowed: letters, digits'],
    [{ taints: [{ key: 'ok' }] }, 'taints[0].effect: received none; allowed: NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE'],
    [{ taints: Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, effect: eks.TaintEffect.NO_SCHEDULE })) }, 'taints: received 51 taints; allowed: at most 50 per node group'],
  ])('%j', (props, expected) => {
    if (expected === undefined) {
      expect(() => nodegroupIn(props as Partial<GpuNodegroupProps>)).not.toThrow();
    } else {
      expect(message(props as Partial<GpuNodegroupProps>)).toContain(expected);
    }
  });

  test('an instance type that is a token', () => {
    expect(message({ instanceType: fixture.cluster.clusterName }))
      .toBe('instanceType: received a token; allowed: a literal instance type such as "p5.48xlarge": the AMI type and the EFA interfaces depend on it');
  });
});
