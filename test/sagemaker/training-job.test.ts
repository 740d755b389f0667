import { Duration, Size, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import {
  DataLocation, ExpressCache, FileSystemAccessMode, LustreScratch, S3DataDistribution, S3InputMode, SageMakerTrainingJob, SageMakerTrainingJobProps,
  TrainingDataLake, TrainingImage, TrainingInput, TrainingVpc,
} from '../../src';
import { thrown } from '../lustre/fixtures';
import { plainStack, plainTemplate } from '../support/harness';

const IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker';

/** Evaluates the intrinsic functions of a template value with Ref as `<X>` and Fn::GetAtt as `<X.Y>`. */
function evaluate(value: unknown): any {
  if (Array.isArray(value)) {
    return value.map(evaluate);
  }
  if (value && typeof value === 'object') {
    const v = value as Record<string, any>;
    if ('Ref' in v) {
      return `<${v.Ref}>`;
    }
    if ('Fn::GetAtt' in v) {
      return `<${v['Fn::GetAtt'].join('.')}>`;
    }
    if ('Fn::Join' in v) {
      const [separator, parts] = v['Fn::Join'];
      return parts.map(evaluate).join(separator);
    }
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, evaluate(item)]));
  }
  return value;
}

interface Fixture {
  stack: Stack;
  vpc: TrainingVpc;
  lake: TrainingDataLake;
  cache: ExpressCache;
  scratch: LustreScratch;
}

function fixture(): Fixture {
  const stack = plainStack('Test', { env: { region: 'us-east-1', account: '111122223333' } });
  const vpc = new TrainingVpc(stack, 'Vpc', { trainingZoneId: 'use1-az4' });
  const lake = new TrainingDataLake(stack, 'Lake');
  const cache = new ExpressCache(stack, 'Cache', { subnet: vpc.trainingSubnet });
  const scratch = new LustreScratch(stack, 'Scratch', { vpc, subnet: vpc.trainingSubnet });
  return { stack, vpc, lake, cache, scratch };
}

function jobIn(f: Fixture, props: Partial<SageMakerTrainingJobProps> = {}, id = 'Training'): SageMakerTrainingJob {
  return new SageMakerTrainingJob(f.stack, id, {
    vpc: f.vpc,
    subnet: f.vpc.trainingSubnet,
    image: TrainingImage.fromEcrImageUri(IMAGE),
    instanceType: 'ml.p5.48xlarge',
    channels: [{ channelName: 'train', input: TrainingInput.fromLocation(f.lake.dataset('corpus')) }],
    output: DataLocation.fromBucket(f.lake.bucket, 'models/'),
    ...props,
  });
}

describe('SageMakerTrainingJob: one channel per tier, checkpoints on the cache, a state machine', () => {
  let f: Fixture;
  let job: SageMakerTrainingJob;
  let template: Template;
  let request: any;
  let parameters: any;
  beforeAll(() => {
    f = fixture();
    job = jobIn(f, {
      channels: [
        { channelName: 'train', input: TrainingInput.fromExpressCache(f.cache, 'datasets/corpus/') },
        { channelName: 'validation', input: TrainingInput.fromLocation(f.lake.dataset('validation'), { inputMode: S3InputMode.FILE, distribution: S3DataDistribution.SHARDED_BY_S3_KEY }) },
        { channelName: 'shards', input: TrainingInput.fromLustre(f.scratch, '/datasets/shards/') },
      ],
      checkpoints: f.cache.location('checkpoints/run-1/'),
    });
    job.addStateMachine();
    template = plainTemplate(f.stack);
    request = JSON.parse(evaluate(f.stack.resolve(job.requestJson)));
    const machine = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    const definition = JSON.parse(evaluate(machine.Properties.DefinitionString));
    parameters = definition.States.StartTrainingJob.Parameters;
  });

  test('the JSON document and the Step Functions task agree on every field but the job name', () => {
    const { ['TrainingJobName.$']: name, ...rest } = parameters;
    expect(name).toBe("States.Format('training-{}', States.UUID())");
    expect(rest).toEqual(request);
  });

  test('the task waits for the job (RUN_JOB: createTrainingJob.sync)', () => {
    const machine = Object.values<any>(template.findResources('AWS::StepFunctions::StateMachine'))[0];
    expect(JSON.parse(evaluate(machine.Properties.DefinitionString)).States.StartTrainingJob.Resource).toMatch(/:states:::sagemaker:createTrainingJob\.sync$/);
  });

  test('an Express channel streams (FastFile) the cache prefix, fully replicated, by default', () => {
    expect(request.InputDataConfig[0]).toEqual({
      ChannelName: 'train',
      DataSource: { S3DataSource: { S3Uri: 's3://<Cache18F6EE16>/datasets/corpus/', S3DataType: 'S3Prefix', S3DataDistributionType: 'FullyReplicated' } },
      InputMode: 'FastFile',
    });
  });

  test('an S3 channel takes its input mode and distribution', () => {
    expect(request.InputDataConfig[1]).toEqual(expect.objectContaining({ ChannelName: 'validation', InputMode: 'File' }));
    expect(request.InputDataConfig[1].DataSource.S3DataSource).toEqual(expect.objectContaining({ S3DataDistributionType: 'ShardedByS3Key', S3Uri: expect.stringMatching(/\/datasets\/validation\/$/) }));
  });

  test('a Lustre channel is a FileSystemDataSource at /<mount name>/<path>, read-only by default', () => {
    expect(request.InputDataConfig[2]).toEqual({
      ChannelName: 'shards',
      DataSource: { FileSystemDataSource: { FileSystemId: expect.stringMatching(/^<Scratch[0-9A-F]+>$/), FileSystemType: 'FSxLustre', DirectoryPath: expect.stringMatching(/^\/<Scratch[0-9A-F]+\.LustreMountName>\/datasets\/shards$/), FileSystemAccessMode: 'ro' } },
    });
  });

  test('defaults: File at the job level (file system channels must use File), 1 instance, 100 GiB, 1 day, checkpoints at /opt/ml/checkpoints', () => {
    expect(request.AlgorithmSpecification).toEqual({ TrainingInputMode: 'File', TrainingImage: IMAGE });
    expect(request.ResourceConfig).toEqual({ InstanceCount: 1, InstanceType: 'ml.p5.48xlarge', VolumeSizeInGB: 100 });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 86400 });
    expect(request.CheckpointConfig).toEqual({ S3Uri: 's3://<Cache18F6EE16>/checkpoints/run-1/', LocalPath: '/opt/ml/checkpoints' });
    expect(request.OutputDataConfig).toEqual({ S3OutputPath: expect.stringMatching(/\/models\/$/), KmsKeyId: expect.stringMatching(/^<LakeKey/) });
  });

  test('VpcConfig: the training subnet only, the job\'s own security group', () => {
    const subnet = Object.keys(template.findResources('AWS::EC2::Subnet', { Properties: { AvailabilityZoneId: 'use1-az4' } }))[0];
    expect(request.VpcConfig).toEqual({ SecurityGroupIds: [expect.stringMatching(/^<TrainingSecurityGroup.*\.GroupId>$/)], Subnets: [`<${subnet}>`] });
  });

  test('the security group: all traffic within itself, HTTPS out, and the Lustre ports to the file system', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: '-1', GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainingSecurityGroup'), 'GroupId'] }, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainingSecurityGroup'), 'GroupId'] },
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^SageMaker training job Test/Training'),
      SecurityGroupEgress: Match.arrayWith([Match.objectLike({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' })]),
    });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      IpProtocol: 'tcp', FromPort: 988, ToPort: 988, SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainingSecurityGroup'), 'GroupId'] },
    });
  });

  test('the role: trusted by SageMaker; reads the channels, reads and writes checkpoints, writes the output; ECR pull on the one repository', () => {
    const role = Object.entries<any>(template.findResources('AWS::IAM::Role')).find(([id]) => id.startsWith('TrainingRole'))![1];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([expect.objectContaining({ Principal: { Service: 'sagemaker.amazonaws.com' } })]);
    const policy = Object.entries<any>(template.findResources('AWS::IAM::Policy')).find(([id]) => id.startsWith('TrainingRoleDefaultPolicy'))![1];
    const statements = evaluate(policy.Properties.PolicyDocument.Statement) as any[];
    const withAction = (action: string) => statements.filter((s) => [s.Action].flat().includes(action));
    expect(withAction('s3:GetObject').map((s) => s.Resource)).toEqual(expect.arrayContaining([expect.stringMatching(/\/datasets\/validation\/\*$/)]));
    expect(withAction('s3:PutObject').map((s) => s.Resource).flat()).toEqual([expect.stringMatching(/\/models\/\*$/)]);
    expect(withAction('s3:ListBucket').map((s) => s.Condition.StringLike['s3:prefix'])).toEqual(expect.arrayContaining([['datasets/validation/*']]));
    // The directory bucket: a session without the ReadOnly condition (CreateSession's default mode is ReadWrite).
    const sessions = withAction('s3express:CreateSession');
    expect(sessions.length).toBeGreaterThan(0);
    expect(sessions.some((s) => s.Condition === undefined)).toBe(true);
    expect(withAction('ecr:BatchGetImage')).toEqual([expect.objectContaining({ Resource: 'arn:<AWS::Partition>:ecr:us-east-1:763104351884:repository/pytorch-training' })]);
    expect(withAction('logs:PutLogEvents')).toEqual([expect.objectContaining({
      Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      Resource: 'arn:<AWS::Partition>:logs:us-east-1:111122223333:log-group:/aws/sagemaker/TrainingJobs:*',
    })]);
    // The output's KMS key: SageMaker needs kms:Encrypt with OutputDataConfig.KmsKeyId.
    expect(withAction('kms:Encrypt')).toEqual([expect.objectContaining({ Resource: expect.stringMatching(/^<LakeKey.*\.Arn>$/) })]);
    expect(withAction('ec2:DeleteNetworkInterface')).toEqual([expect.objectContaining({
      Resource: 'arn:<AWS::Partition>:ec2:us-east-1:111122223333:network-interface/*',
      Condition: { ArnEquals: { 'ec2:Subnet': expect.stringMatching(/:subnet\/<VpcTraining/) } },
    })]);
    expect(withAction('cloudwatch:PutMetricData')).toEqual([expect.objectContaining({ Condition: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } } })]);
    expect(statements.some((s) => [s.Action].flat().some((a: string) => a.endsWith('*')))).toBe(false);
  });

  test('the state machine: passes the role to SageMaker only, logs everything, traced', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Action: 'iam:PassRole',
          Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^TrainingRole'), 'Arn'] },
          Condition: { StringEquals: { 'iam:PassedToService': 'sagemaker.amazonaws.com' } },
        })]),
      },
    });
    template.hasResourceProperties('AWS::StepFunctions::StateMachine', {
      LoggingConfiguration: Match.objectLike({ Level: 'ALL', IncludeExecutionData: true }),
      TracingConfiguration: { Enabled: true },
    });
  });
});

describe('SageMakerTrainingJob: options', () => {
  test('instances, volume, key, run time, environment, hyperparameters, local path and read-write file system', () => {
    const f = fixture();
    const volumeKey = new kms.Key(f.stack, 'VolumeKey');
    const job = jobIn(f, {
      instanceType: 'ml.c5.18xlarge',
      instanceCount: 4,
      volumeSize: Size.gibibytes(500),
      volumeEncryptionKey: volumeKey,
      maxRuntime: Duration.days(28),
      environment: { NCCL_DEBUG: 'INFO' },
      hyperparameters: { epochs: '3' },
      checkpoints: f.lake.checkpoints.child('run-1'),
      checkpointLocalPath: '/opt/ml/ckpt',
      channels: [{ channelName: 'scratch', input: TrainingInput.fromLustre(f.scratch, '', { accessMode: FileSystemAccessMode.READ_WRITE }) }],
      jobNamePrefix: 'llama-8b',
    });
    const request = JSON.parse(evaluate(f.stack.resolve(job.requestJson)));
    expect(request.ResourceConfig).toEqual({ InstanceCount: 4, InstanceType: 'ml.c5.18xlarge', VolumeSizeInGB: 500, VolumeKmsKeyId: expect.stringMatching(/^<VolumeKey.*\.Arn>$/) });
    expect(request.StoppingCondition).toEqual({ MaxRuntimeInSeconds: 28 * 86400 });
    expect(request.Environment).toEqual({ NCCL_DEBUG: 'INFO' });
    expect(request.HyperParameters).toEqual({ epochs: '3' });
    expect(request.CheckpointConfig).toEqual({ S3Uri: expect.stringMatching(/\/checkpoints\/run-1\/$/), LocalPath: '/opt/ml/ckpt' });
    expect(request.InputDataConfig[0].DataSource.FileSystemDataSource).toEqual(expect.objectContaining({ DirectoryPath: expect.stringMatching(/^\/<Scratch[0-9A-F]+\.LustreMountName>$/), FileSystemAccessMode: 'rw' }));
    const task = job.startJobTask(f.stack, 'Start');
    const state = f.stack.resolve((task as any).toStateJson());
    expect(state.Parameters['TrainingJobName.$']).toBe("States.Format('llama-8b-{}', States.UUID())");
  });

  test('an image of an ECR repository of the app is pulled with the repository\'s own grant', () => {
    const f = fixture();
    const repository = new ecr.Repository(f.stack, 'Images');
    jobIn(f, { image: TrainingImage.fromEcrRepository(repository, 'v1') });
    Template.fromStack(f.stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: Match.arrayWith(['ecr:BatchGetImage']), Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Images'), 'Arn'] } })]) },
    });
  });
});

describe('SageMakerTrainingJob: gateway endpoints', () => {
  test('none by default; with addGatewayEndpoints, S3 and S3 Express on the subnet\'s route table of a plain VPC', () => {
    const f = fixture();
    const vpc = new ec2.Vpc(f.stack, 'PlainVpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'gpu', subnetType: ec2.SubnetType.PRIVATE_ISOLATED }] });
    const subnet = vpc.isolatedSubnets[0];
    const endpointCount = (stack: Stack) => stack.node.findAll().filter((c) => c instanceof ec2.CfnVPCEndpoint).length;
    const plain = fixture();
    const before = endpointCount(plain.stack);
    expect(jobIn(plain).gatewayEndpoints).toEqual({});
    expect(endpointCount(plain.stack)).toBe(before);
    const job = new SageMakerTrainingJob(f.stack, 'Job', {
      vpc,
      subnet,
      image: TrainingImage.fromEcrImageUri(IMAGE),
      instanceType: 'ml.p5.48xlarge',
      addGatewayEndpoints: true,
      channels: [{ channelName: 'train', input: TrainingInput.fromLocation(f.cache.location('data/'), { inputMode: S3InputMode.FILE }) }],
      output: DataLocation.fromBucket(f.lake.bucket, 'models/'),
    });
    expect(Object.keys(job.gatewayEndpoints).sort()).toEqual(['s3', 's3express']);
    const endpoints = Object.values<any>(plainTemplate(f.stack).findResources('AWS::EC2::VPCEndpoint')).filter((e) => e.Properties.VpcId.Ref.startsWith('PlainVpc'));
    expect(endpoints.map((e) => JSON.stringify(e.Properties.ServiceName)).sort()).toEqual([expect.stringContaining('.s3\"'), expect.stringContaining('.s3express\"')]);
    expect(endpoints.every((e) => e.Properties.RouteTableIds.length === 1 && e.Properties.RouteTableIds[0].Ref.startsWith('PlainVpcgpuSubnet1RouteTable'))).toBe(true);
  });

  test('a subnet of a TrainingVpc, which routes both already, is rejected', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { addGatewayEndpoints: true })).message)
      .toMatch(/^\[Test\/Training\] addGatewayEndpoints: received true; allowed: false: the route table of subnet "Test\/Vpc\/.*" already routes s3 through the gateway endpoint/);
  });

  test('File mode on a directory bucket is allowed (SageMaker supports it), FastFile is only the default', () => {
    const f = fixture();
    const job = jobIn(f, { channels: [{ channelName: 'train', input: TrainingInput.fromExpressCache(f.cache, 'data/', { inputMode: S3InputMode.FILE }) }] });
    expect(JSON.parse(evaluate(f.stack.resolve(job.requestJson))).InputDataConfig[0].InputMode).toBe('File');
  });
});

describe('SageMakerTrainingJob: rejected input', () => {
  test('an Express cache, a directory bucket location, a file system or a tier in another zone', () => {
    const f = fixture();
    const far = new ExpressCache(f.stack, 'Far', { availabilityZoneId: 'use1-az6' });
    expect(thrown(() => jobIn(f, { channels: [{ channelName: 'train', input: TrainingInput.fromExpressCache(far, 'data/') }] })).message)
      .toBe("[Test/Training] channels[train]: received Test/Far in use1-az6; allowed: storage in the subnet's zone use1-az4: a job in another zone than its directory bucket or file system reads across zones, and SageMaker mounts a file system only from a subnet in its zone");
    const farBucket = s3.Bucket.fromBucketName(f.stack, 'FarBucket', 'data--use1-az6--x-s3');
    expect(thrown(() => jobIn(f, { checkpoints: DataLocation.fromBucket(farBucket, 'ckpt/') }, 'T2')).message)
      .toMatch(/^\[Test\/T2\] checkpoints: received s3:\/\/data--use1-az6--x-s3\/ckpt\/ in use1-az6; allowed: storage in the subnet's zone use1-az4/);
    expect(thrown(() => jobIn(f, { colocatedWith: [far] }, 'T3')).message).toMatch(/^\[Test\/T3\] colocatedWith: received Test\/Far in use1-az6/);
    const otherVpc = new TrainingVpc(f.stack, 'OtherVpc', { trainingZoneId: 'use1-az6' });
    const farScratch = new LustreScratch(f.stack, 'FarScratch', { vpc: otherVpc, subnet: otherVpc.trainingSubnet });
    expect(thrown(() => jobIn(f, { channels: [{ channelName: 'fsx', input: TrainingInput.fromLustre(farScratch, 'data') }] }, 'T4')).message)
      .toMatch(/^\[Test\/T4\] channels\[fsx\]: received Test\/FarScratch in use1-az6/);
  });

  test('channel names, counts and duplicates', () => {
    const f = fixture();
    const input = TrainingInput.fromLocation(f.lake.dataset('corpus'));
    expect(thrown(() => jobIn(f, { channels: [{ channelName: 'train data', input }] })).message)
      .toBe('[Test/Training] channelName: received "train data"; allowed: 1 to 64 letters, digits, ".", "-" and "_" (SageMaker Channel.ChannelName)');
    expect(thrown(() => jobIn(f, { channels: [{ channelName: 'a', input }, { channelName: 'a', input }] }, 'T2')).message)
      .toBe('[Test/T2] channels: received two channels named "a"; allowed: one channel per name: the container finds each under /opt/ml/input/data/<channel name>');
    expect(thrown(() => jobIn(f, { channels: Array.from({ length: 21 }, (_, i) => ({ channelName: `c${i}`, input })) }, 'T3')).message)
      .toBe('[Test/T3] channels: received 21 channels; allowed: at most 20 channels (CreateTrainingJob InputDataConfig)');
    expect(thrown(() => jobIn(f, { channels: [] }, 'T4')).message).toBe('[Test/T4] channels: received no channel; allowed: at least one channel');
  });

  test('a Lustre path with ".."', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { channels: [{ channelName: 'fsx', input: TrainingInput.fromLustre(f.scratch, '../etc') }] })).message)
      .toMatch(/^\[Test\/Training\] path: received "\.\.\/etc"; allowed: a path on the file system without "\.\."/);
  });

  test('job name prefix, instance type and count, run time, volume', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { jobNamePrefix: 'a'.repeat(27) })).message).toMatch(/^\[Test\/Training\] jobNamePrefix: received "a{27}"; allowed: 1 to 26 letters/);
    expect(thrown(() => jobIn(f, { jobNamePrefix: 'bad_name' }, 'T1')).message).toMatch(/jobNamePrefix: received "bad_name"/);
    expect(thrown(() => jobIn(f, { instanceType: 'p5.48xlarge' }, 'T2')).message)
      .toBe('[Test/T2] instanceType: received "p5.48xlarge"; allowed: a SageMaker training instance type such as "ml.p5.48xlarge"');
    expect(thrown(() => jobIn(f, { instanceCount: 0 }, 'T3')).message).toBe('[Test/T3] instanceCount: received 0; allowed: a whole number of instances, at least 1');
    expect(thrown(() => jobIn(f, { maxRuntime: Duration.days(29) }, 'T4')).message)
      .toBe('[Test/T4] maxRuntime: received 2505600 seconds; allowed: whole seconds from 1 to 28 days (SageMaker StoppingCondition)');
    expect(thrown(() => jobIn(f, { volumeSize: Size.mebibytes(512) }, 'T5')).message).toBe('[Test/T5] volumeSize: received 0.5 GiB; allowed: whole GiB, at least 1 (ResourceConfig.VolumeSizeInGB)');
  });

  test('a volume key on an instance type with instance storage', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { volumeEncryptionKey: new kms.Key(f.stack, 'VolumeKey') })).message)
      .toBe('[Test/Training] volumeEncryptionKey: received a key with ml.p5.48xlarge; allowed: no key for an instance type with instance storage (8 NVMe disks), '
        + 'which a hardware module encrypts: "You can\'t request a VolumeKmsKeyId when using an instance type with local storage" (SageMaker API Reference, ResourceConfig)');
  });

  test('hyperparameters: too many, a key Step Functions reads as a path, a value too long', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { hyperparameters: Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`k${i}`, 'v'])) })).message)
      .toBe('[Test/Training] hyperparameters: received 101 entries; allowed: at most 100 (CreateTrainingJob HyperParameters)');
    expect(thrown(() => jobIn(f, { hyperparameters: { 'lr.$': '$.lr' } }, 'T2')).message)
      .toBe('[Test/T2] hyperparameters: received "lr.$"; allowed: keys of at most 256 characters, not ending with ".$" (Step Functions reads those as paths)');
    expect(thrown(() => jobIn(f, { hyperparameters: { config: 'x'.repeat(2501) } }, 'T3')).message)
      .toBe('[Test/T3] hyperparameters.config: received 2501 characters; allowed: values of at most 2500 characters (CreateTrainingJob HyperParameters)');
  });

  test('the task in a JSONata state machine', () => {
    const f = fixture();
    const job = jobIn(f);
    const task = job.startJobTask(f.stack, 'Start');
    expect(thrown(() => new sfn.StateMachine(f.stack, 'Machine', { definitionBody: sfn.DefinitionBody.fromChainable(task), queryLanguage: sfn.QueryLanguage.JSONATA })).message)
      .toBe('[Test/Start] queryLanguage: received JSONata; allowed: a state machine that uses JSONPath (the default query language): '
        + 'this task completes its Parameters, which JSONata state machines do not have');
  });

  test('checkpoint local path: relative, or without checkpoints', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { checkpoints: f.lake.checkpoints, checkpointLocalPath: 'ckpt' })).message)
      .toBe('[Test/Training] checkpointLocalPath: received "ckpt"; allowed: an absolute path on the instance, without "..", at most 4096 characters');
    expect(thrown(() => jobIn(f, { checkpointLocalPath: '/ckpt' }, 'T2')).message)
      .toBe('[Test/T2] checkpointLocalPath: received "/ckpt"; allowed: no checkpointLocalPath without checkpoints: it is the directory SageMaker synchronizes with the checkpoint location');
  });

  test('output to a directory bucket encrypted with KMS', () => {
    const f = fixture();
    const keyed = new ExpressCache(f.stack, 'Keyed', { subnet: f.vpc.trainingSubnet, encryptionKey: new kms.Key(f.stack, 'CacheKey') });
    expect(thrown(() => jobIn(f, { output: keyed.location('models/') })).message)
      .toMatch(/^\[Test\/Training\] output: received s3:\/\/.*; allowed: a general purpose bucket, or a directory bucket encrypted with SSE-S3/);
  });

  test('an image URI that is not an ECR image URI, and environment variable names', () => {
    const f = fixture();
    expect(thrown(() => jobIn(f, { image: TrainingImage.fromEcrImageUri('pytorch/pytorch:latest') })).message)
      .toMatch(/^\[Test\/Training\] image: received "pytorch\/pytorch:latest"; allowed: a literal ECR image URI with a tag or digest/);
    expect(thrown(() => jobIn(f, { environment: { '1BAD': 'x' } }, 'T2')).message)
      .toBe('[Test/T2] environment: received "1BAD"; allowed: names of letters, digits and "_", not starting with a digit, at most 512 characters');
  });
});
