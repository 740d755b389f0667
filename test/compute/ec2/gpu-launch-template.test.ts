import { Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { ExpressCache, GpuCapacity, GpuLaunchTemplate, GpuLaunchTemplateProps, TrainingDataLake, TrainingVpc } from '../../../src';
import { DLAMI_GPU_AL2023_PARAMETER, DLAMI_NEURON_AL2023_PARAMETER, GPU_LAUNCH_TEMPLATE_DEFAULTS } from '../../../src/compute/ec2/gpu-launch-template';
import { BOOT_SCRIPT_PATH } from '../../../src/compute/ec2/user-data';
import { thrown } from '../../lustre/fixtures';
import { plainStack, plainTemplate } from '../../support/harness';

function network(stack: Stack): TrainingVpc {
  return new TrainingVpc(stack, 'Vpc', { trainingZoneId: 'use1-az4' });
}

function launchTemplateIn(props: Partial<GpuLaunchTemplateProps> = {}, stack = plainStack()) {
  const vpc = network(stack);
  const gpus = new GpuLaunchTemplate(stack, 'Gpus', { vpc, subnet: vpc.trainingSubnet, instanceType: 'p5.48xlarge', ...props });
  return { stack, vpc, gpus };
}

/** The launch template data of the one AWS::EC2::LaunchTemplate. */
function data(template: Template): any {
  const found = Object.values<any>(template.findResources('AWS::EC2::LaunchTemplate'));
  expect(found).toHaveLength(1);
  return found[0].Properties.LaunchTemplateData;
}

describe('GpuLaunchTemplate, p5.48xlarge defaults', () => {
  let stack: Stack;
  let gpus: GpuLaunchTemplate;
  let vpc: TrainingVpc;
  let template: Template;
  let launchData: any;
  beforeAll(() => {
    ({ stack, gpus, vpc } = launchTemplateIn());
    gpus.addBootCommands('marker', ['echo storage-mounted']);
    template = plainTemplate(stack);
    launchData = data(template);
  });

  test('documented defaults', () => {
    expect(GPU_LAUNCH_TEMPLATE_DEFAULTS.rootVolumeSize.toGibibytes()).toBe(200);
    expect(gpus.localCachePath).toBe('/mnt/nvme');
  });

  test('EFA: one ENA primary, then an efa-only interface per network card (32 on p5), all in the training subnet', () => {
    const interfaces = launchData.NetworkInterfaces;
    expect(interfaces).toHaveLength(33);
    expect(interfaces[0]).toMatchObject({ NetworkCardIndex: 0, DeviceIndex: 0, InterfaceType: 'interface' });
    // EC2 takes AssociatePublicIpAddress with one network interface only.
    expect(interfaces.some((item: any) => 'AssociatePublicIpAddress' in item)).toBe(false);
    expect(interfaces[1]).toMatchObject({ NetworkCardIndex: 0, DeviceIndex: 1, InterfaceType: 'efa-only' });
    expect(interfaces[32]).toMatchObject({ NetworkCardIndex: 31, DeviceIndex: 0, InterfaceType: 'efa-only' });
    const subnetId = stack.resolve(vpc.trainingSubnet.subnetId);
    expect(interfaces.every((item: any) => JSON.stringify(item.SubnetId) === JSON.stringify(subnetId))).toBe(true);
    expect(interfaces.every((item: any) => item.DeleteOnTermination === true)).toBe(true);
  });

  test('a cluster placement group', () => {
    template.hasResourceProperties('AWS::EC2::PlacementGroup', { Strategy: 'cluster' });
    expect(launchData.Placement).toEqual({ GroupName: { 'Fn::GetAtt': [expect.stringMatching(/PlacementGroup/), 'GroupName'] } });
  });

  test('the security group allows all traffic to and from itself (EFA), and HTTPS out; nothing else', () => {
    const sgId = { 'Fn::GetAtt': [stack.getLogicalId(gpus.securityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] };
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { IpProtocol: '-1', SourceSecurityGroupId: sgId, GroupId: sgId });
    template.hasResourceProperties('AWS::EC2::SecurityGroupEgress', { IpProtocol: '-1', DestinationSecurityGroupId: sgId, GroupId: sgId });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: Match.anyValue() }],
    });
  });

  test('the Deep Learning AMI (Amazon Linux 2023) from its public SSM parameter; IMDSv2 only; an encrypted gp3 root of 200 GiB', () => {
    const parameters = template.findParameters('*', { Default: DLAMI_GPU_AL2023_PARAMETER });
    expect(Object.keys(parameters)).toHaveLength(1);
    expect(launchData.ImageId).toEqual({ Ref: Object.keys(parameters)[0] });
    expect(launchData.InstanceType).toBe('p5.48xlarge');
    expect(launchData.MetadataOptions).toEqual({ HttpTokens: 'required', HttpEndpoint: 'enabled', HttpPutResponseHopLimit: 1 });
    expect(launchData.Monitoring).toEqual({ Enabled: true });
    expect(launchData.BlockDeviceMappings).toEqual([{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 200, VolumeType: 'gp3', Encrypted: true, DeleteOnTermination: true } }]);
  });

  test('an instance role with no permissions of its own, through an instance profile', () => {
    template.hasResourceProperties('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] } });
    template.resourceCountIs('AWS::IAM::Policy', 0);
    expect(launchData.IamInstanceProfile).toEqual({ Arn: { 'Fn::GetAtt': [expect.stringMatching(/InstanceProfile/), 'Arn'] } });
    expect(gpus.grantPrincipal).toBe(gpus.role);
  });

  test('on-demand by default: no capacity reservation, no market options', () => {
    expect(launchData.CapacityReservationSpecification).toBeUndefined();
    expect(launchData.InstanceMarketOptions).toBeUndefined();
  });

  test('user data: the boot script mounts the instance store, then runs the added commands', () => {
    const text = JSON.stringify(stack.resolve(launchData.UserData));
    expect(text).toContain(BOOT_SCRIPT_PATH);
    expect(text).toContain('/mnt/nvme');
    expect(text.indexOf('echo storage-mounted')).toBeGreaterThan(text.indexOf('mdadm --create'));
  });

  test('connections: the security group', () => {
    expect(gpus.connections.securityGroups).toEqual([gpus.securityGroup]);
  });
});

describe('GpuLaunchTemplate options', () => {
  test('without EFA: one interface in the subnet, no placement group', () => {
    const { stack } = launchTemplateIn({ disableEfa: true });
    const template = plainTemplate(stack);
    expect(data(template).NetworkInterfaces).toEqual([expect.objectContaining({ DeviceIndex: 0, AssociatePublicIpAddress: false })]);
    expect(data(template).NetworkInterfaces[0].InterfaceType).toBeUndefined();
    template.resourceCountIs('AWS::EC2::PlacementGroup', 0);
  });

  test('an unknown instance type: no EFA unless counts are given', () => {
    const plain = launchTemplateIn({ instanceType: 'x9.metal' });
    expect(plain.gpus.networkInterfaces).toEqual([]);
    const counted = launchTemplateIn({ instanceType: 'x9.metal', efa: { efaInterfaces: 2, networkCards: 2 } });
    expect(counted.gpus.networkInterfaces.map((item) => item.interfaceType)).toEqual(['interface', 'efa-only', 'efa-only']);
  });

  test('Trainium: the Neuron Deep Learning AMI; an image of your own', () => {
    const trainium = plainTemplate(launchTemplateIn({ instanceType: 'trn2.48xlarge' }).stack);
    expect(Object.keys(trainium.findParameters('*', { Default: DLAMI_NEURON_AL2023_PARAMETER }))).toHaveLength(1);
    const own = launchTemplateIn({ machineImage: ec2.MachineImage.genericLinux({ 'us-east-1': 'ami-0123456789abcdef0' }) });
    expect(JSON.stringify(data(plainTemplate(own.stack)).ImageId)).toMatch(/^\{"Fn::FindInMap":\["GpusAmiMap/);
  });

  test('a capacity reservation or Capacity Block: no new placement group (the reservation places the instances)', () => {
    const reserved = launchTemplateIn({ capacity: GpuCapacity.capacityReservation('cr-0123456789abcdef0') });
    const template = plainTemplate(reserved.stack);
    template.resourceCountIs('AWS::EC2::PlacementGroup', 0);
    expect(data(template).Placement).toBeUndefined();
    expect(reserved.gpus.placementGroup).toBeUndefined();
  });

  test('a capacity reservation, a Capacity Block for ML', () => {
    const reserved = launchTemplateIn({ capacity: GpuCapacity.capacityReservation('cr-0123456789abcdef0') });
    expect(data(plainTemplate(reserved.stack)).CapacityReservationSpecification).toEqual({ CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' } });
    const block = launchTemplateIn({ capacity: GpuCapacity.capacityBlock('cr-0123456789abcdef0') });
    const blockData = data(plainTemplate(block.stack));
    expect(blockData.InstanceMarketOptions).toEqual({ MarketType: 'capacity-block' });
    expect(blockData.CapacityReservationSpecification).toEqual({ CapacityReservationTarget: { CapacityReservationId: 'cr-0123456789abcdef0' } });
  });

  test('hop limit 2 for containers, detailed monitoring off', () => {
    const { stack } = launchTemplateIn({ metadataHopLimit: 2, detailedMonitoring: false });
    const launchData = data(plainTemplate(stack));
    expect(launchData.MetadataOptions.HttpPutResponseHopLimit).toBe(2);
    expect(launchData.Monitoring).toEqual({ Enabled: false });
  });

  test('a root volume size, a cache path, a role of your own, a placement group of your own', () => {
    const stack = plainStack();
    const role = new iam.Role(stack, 'Mine', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
    const placementGroup = new ec2.PlacementGroup(stack, 'Pg', { strategy: ec2.PlacementGroupStrategy.CLUSTER });
    const { gpus } = launchTemplateIn({ rootVolumeSize: Size.gibibytes(500), localCachePath: '/scratch', role, placementGroup }, stack);
    const launchData = data(plainTemplate(stack));
    expect(launchData.BlockDeviceMappings[0].Ebs.VolumeSize).toBe(500);
    expect(gpus.role).toBe(role);
    expect(gpus.placementGroup).toBe(placementGroup);
    expect(JSON.stringify(stack.resolve(launchData.UserData))).toContain("mountpoint -q '/scratch'");
  });
});

describe('GpuLaunchTemplate mounts', () => {
  let stack: Stack;
  let template: Template;
  let userData: string;
  let lake: TrainingDataLake;
  let cache: ExpressCache;
  beforeAll(() => {
    stack = plainStack();
    lake = new TrainingDataLake(stack, 'Lake');
    cache = new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4' });
    const { gpus } = launchTemplateIn({ colocatedWith: [cache] }, stack);
    gpus.mountS3(lake.datasets.child('corpus'), { mountPath: '/mnt/datasets' });
    gpus.mountS3(cache.location('checkpoints/'), { mountPath: '/mnt/checkpoints', readOnly: false, additionalOptions: ['--incremental-upload'] });
    gpus.addEnvironment('CHECKPOINT_DIR', '/mnt/checkpoints');
    template = plainTemplate(stack);
    userData = JSON.stringify(stack.resolve(data(template).UserData));
  });

  test('Mountpoint installed once, the lake prefix read-only with the instance-store cache, the cache read-write without', () => {
    // Each Mountpoint block installs Mountpoint unless it is there (a block may fail on its own).
    expect(userData.split("if ! command -v mount-s3 > /dev/null; then dnf install -y 'https://s3.amazonaws.com/mountpoint-s3-release/latest/x86_64/mount-s3.rpm'; fi").length - 1).toBe(2);
    expect(userData).toContain("--prefix 'datasets/corpus/' --region '");
    expect(userData).toContain("--read-only --cache '/mnt/nvme/mountpoint/mnt/datasets'");
    expect(userData).toMatch(/mount-s3 '.*' '\/mnt\/checkpoints' --prefix 'checkpoints\/' --region '.*' --allow-other --incremental-upload; fi/);
    expect(userData).toContain("export CHECKPOINT_DIR='/mnt/checkpoints'");
  });

  test('the role reads the lake prefix only, and gets a ReadWrite session on the directory bucket', () => {
    const statements = Object.values<any>(template.findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const reads = statements.find((s) => [s.Action].flat().includes('s3:GetObject'));
    expect(JSON.stringify(reads.Resource)).toContain('/datasets/corpus/*');
    expect(statements.flatMap((s) => [s.Action].flat())).not.toContain('s3:PutObject');
    const sessions = statements.filter((s) => s.Action === 's3express:CreateSession');
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((s) => s.Condition === undefined)).toBe(true);
  });

  test('a read-only mount of a directory bucket: a ReadWrite session (Mountpoint asks for one), on that bucket only', () => {
    const own = plainStack();
    const ownCache = new ExpressCache(own, 'Cache', { availabilityZoneId: 'use1-az4' });
    const { gpus } = launchTemplateIn({}, own);
    gpus.mountS3(ownCache.location('datasets/'), { mountPath: '/mnt/express' });
    const statements = Object.values<any>(plainTemplate(own).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([expect.objectContaining({ Action: 's3express:CreateSession', Effect: 'Allow' })]);
    expect(statements[0].Condition).toBeUndefined();
    expect(JSON.stringify(statements[0].Resource)).toContain(':s3express:');
  });

  test('a read-write mount of a lake prefix: put and abort, no delete unless --allow-delete', () => {
    const actions = (additionalOptions: string[]) => {
      const own = plainStack();
      const ownLake = new TrainingDataLake(own, 'Lake');
      const { gpus } = launchTemplateIn({}, own);
      gpus.mountS3(ownLake.checkpoints, { mountPath: '/mnt/checkpoints', readOnly: false, additionalOptions });
      return Object.values<any>(plainTemplate(own).findResources('AWS::IAM::Policy'))
        .flatMap((p) => p.Properties.PolicyDocument.Statement).flatMap((st: any) => [st.Action].flat());
    };
    expect(actions([])).toEqual(expect.arrayContaining(['s3:PutObject', 's3:AbortMultipartUpload', 's3:GetObject']));
    expect(actions([])).not.toContain('s3:DeleteObject');
    expect(actions(['--allow-delete'])).toContain('s3:DeleteObject');
  });

  test('the stop script unmounts the Mountpoint mounts in reverse order at shutdown', () => {
    const checkpointsAt = userData.indexOf("then umount '/mnt/checkpoints'");
    const datasetsAt = userData.indexOf("then umount '/mnt/datasets'");
    expect(checkpointsAt).toBeGreaterThan(0);
    expect(datasetsAt).toBeGreaterThan(checkpointsAt);
  });

  test('rejects a bad option, a bad path, a bad variable', () => {
    const { gpus } = launchTemplateIn();
    expect(thrown(() => gpus.mountS3(lake.datasets, { mountPath: '/mnt/x', additionalOptions: ['--cache /tmp'] })).message)
      .toContain('[Test/Gpus] additionalOptions: received "--cache /tmp"; allowed: a mount-s3 flag');
    for (const option of ['--foreground', '--region=us-west-2', '--read-only']) {
      expect(thrown(() => gpus.mountS3(lake.datasets, { mountPath: '/mnt/y', additionalOptions: [option] })).message)
        .toContain(`[Test/Gpus] additionalOptions: received ${JSON.stringify(option)}; allowed: a mount-s3 flag`);
    }
    expect(thrown(() => gpus.mountS3(lake.datasets, { mountPath: '/mnt/z', uid: -1 })).message).toContain('[Test/Gpus] uid: received -1; allowed: a whole number');
    gpus.mountS3(lake.datasets, { mountPath: '/mnt/data' });
    for (const path of ['/mnt/data', '/mnt/data/sub', '/mnt', '/mnt/nvme/x', '/etc/x', '/usr']) {
      expect(thrown(() => gpus.mountS3(lake.checkpoints, { mountPath: path })).message)
        .toContain(`[Test/Gpus] mountPath: received ${JSON.stringify(path)}; allowed: a directory that is no system directory`);
    }
    gpus.addEnvironment('A', '1');
    expect(thrown(() => gpus.addEnvironment('A', '2')).message).toContain('[Test/Gpus] name: received "A"; allowed: an environment variable name of capital letters, digits and "_", not added before');
    expect(thrown(() => gpus.addBootCommands('x;y', ['true'])).message).toContain('[Test/Gpus] name: received "x;y"');
    expect(thrown(() => gpus.mountS3(lake.datasets, { mountPath: 'x' })).message).toContain('[Test/Gpus] mountPath: received "x"');
    expect(thrown(() => gpus.addEnvironment('checkpoint-dir', '/x')).message).toContain('[Test/Gpus] name: received "checkpoint-dir"');
    expect(thrown(() => gpus.addEnvironment('X', "it's")).message).toContain('[Test/Gpus] value: received "it\'s"; allowed: a value without single quotes');
  });
});

describe('GpuLaunchTemplate rejects', () => {
  test('a zonal tier in another zone than the subnet', () => {
    const stack = plainStack();
    const cache = new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az6' });
    expect(thrown(() => launchTemplateIn({ colocatedWith: [cache] }, stack)).message)
      .toBe('[Test/Gpus] colocatedWith: received Test/Cache in use1-az6; allowed: tiers in the subnet\'s zone use1-az4: '
        + 'GPUs in another zone than their storage pay cross-zone latency and transfer on every read');
  });

  test('a tier in the same zone is accepted', () => {
    const stack = plainStack();
    const cache = new ExpressCache(stack, 'Cache', { availabilityZoneId: 'use1-az4' });
    expect(() => launchTemplateIn({ colocatedWith: [cache] }, stack)).not.toThrow();
  });

  test.each([
    [{ efa: { efaInterfaces: 33, networkCards: 32 } }, 'efa.efaInterfaces: received 33; allowed: at most networkCards (32): one EFA per network card'],
    [{ efa: { efaInterfaces: 2, networkCards: 40 } }, 'efa.networkCards: received 40; allowed: at most 32: p5.48xlarge has 32 network cards'],
    [{ efa: { efaInterfaces: 0, networkCards: 1 } }, 'efa.efaInterfaces: received 0; allowed: a whole number of at least 1'],
    [{ rootVolumeSize: Size.mebibytes(1500) }, 'rootVolumeSize: received 1.46484375 GiB; allowed: whole GiB from 8 to 16384 (gp3)'],
    [{ efa: { efaInterfaces: 1, networkCards: 1 }, disableEfa: true }, 'efa: received EFA counts with disableEfa; allowed: one of them'],
    [{ metadataHopLimit: 0 }, 'metadataHopLimit: received 0; allowed: a whole number from 1 to 64'],
    [{ localCachePath: 'nvme' }, 'localCachePath: received "nvme"; allowed: an absolute directory'],
    [{ localCachePath: '/mnt/../etc' }, 'localCachePath: received "/mnt/../etc"'],
    [{ capacity: GpuCapacity.capacityBlock('block-1') }, 'capacity: received "block-1"; allowed: a capacity reservation ID such as "cr-0123456789abcdef0"'],
  ])('%j', (props, expected) => {
    expect(thrown(() => launchTemplateIn(props as Partial<GpuLaunchTemplateProps>)).message).toContain(`[Test/Gpus] ${expected}`);
  });
});
