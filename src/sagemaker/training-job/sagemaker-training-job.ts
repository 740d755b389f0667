import { ArnFormat, Duration, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { CreateTrainingJobTask, TrainingJobRequest } from './private/create-training-job-task';
import {
  channelNameProblem, channelsProblem, DEFAULT_CHECKPOINT_LOCAL_PATH, DEFAULT_MAX_RUNTIME_SECONDS, environmentProblem, fileSystemPathProblem,
  hyperparametersProblem, instanceCountProblem, instanceTypeProblem, jobNamePrefixProblem, localPathProblem, lustreDirectoryPath, maxRuntimeProblem,
  TrainingJobRuleViolation, volumeSizeProblem,
} from './rules';
import { TrainingImage } from './training-image';
import { lustreZoneId, TrainingChannel, TrainingInputKind } from './training-input';
import { instanceFacts } from '../../compute/instance-types';
import { acknowledgeFinding, acknowledgeWildcards, grantPolicyOf } from '../../core/acknowledge';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { createEncryptedLogGroup } from '../../core/log-group';
import { zoneIdOfDirectoryBucketName } from '../../core/s3-names';
import { availabilityZoneIdOf, gatewayEndpointRouting, IZonalStorage } from '../../core/training-zone';

/** The log group SageMaker writes training job logs to (SageMaker Developer Guide, "Log Amazon SageMaker AI events with Amazon CloudWatch"). */
const TRAINING_LOG_GROUP = '/aws/sagemaker/TrainingJobs';

/** Properties of a {@link SageMakerTrainingJob}. */
export interface SageMakerTrainingJobProps {
  /** The VPC of the training subnet. */
  readonly vpc: ec2.IVpc;

  /**
   * The subnet the job's instances run in: the training subnet, in the zone of the file systems
   * and directory buckets it reads (checked at synthesis time where the zones are known). The job's
   * `VpcConfig` names this subnet only.
   */
  readonly subnet: ec2.ISubnet;

  /** The training container image. */
  readonly image: TrainingImage;

  /** The SageMaker instance type, such as `ml.p5.48xlarge`. */
  readonly instanceType: string;

  /**
   * The number of instances.
   *
   * @default 1
   */
  readonly instanceCount?: number;

  /** The job's inputs, each under `/opt/ml/input/data/<channelName>` in the container (1 to 20). */
  readonly channels: TrainingChannel[];

  /** Where SageMaker writes the model artifacts (`OutputDataConfig.S3OutputPath`): a prefix of the lake, such as `DataLocation.fromBucket(lake.bucket, 'models/')`. */
  readonly output: DataLocation;

  /**
   * Where SageMaker keeps the checkpoints (`CheckpointConfig.S3Uri`): it uploads what the job
   * writes under `checkpointLocalPath` during training, and downloads it to the instances when a
   * job starts, so a job restarted with the same location resumes. A prefix of an `ExpressCache`
   * (next to the GPUs; a `CheckpointTier` on the cache copies complete checkpoints to the lake) or
   * of the lake.
   *
   * @default - no checkpoint configuration
   */
  readonly checkpoints?: DataLocation;

  /**
   * The directory on the instance that SageMaker synchronizes with `checkpoints`.
   *
   * @default '/opt/ml/checkpoints'
   */
  readonly checkpointLocalPath?: string;

  /**
   * The size of each instance's ML storage volume (File-mode inputs are copied to it). On instance
   * types with NVMe instance storage (ml.p4d, ml.p5, ml.g5 and others) SageMaker provisions no
   * volume and uses the instance storage instead ("Available storage is fixed to the NVMe-type
   * instance's storage capacity": SageMaker API Reference, ResourceConfig).
   *
   * @default Size.gibibytes(100)
   */
  readonly volumeSize?: Size;

  /**
   * The KMS key that encrypts the instances' storage volumes. Rejected for instance types with
   * instance storage, which a hardware module encrypts: "You can't request a VolumeKmsKeyId when
   * using an instance type with local storage" (SageMaker API Reference, ResourceConfig).
   *
   * @default - SageMaker's default encryption of the volume
   */
  readonly volumeEncryptionKey?: kms.IKey;

  /**
   * How long the job may run before SageMaker stops it (at most 28 days).
   *
   * @default Duration.days(1) - SageMaker's own default
   */
  readonly maxRuntime?: Duration;

  /**
   * Environment variables of the training container.
   *
   * @default - none
   */
  readonly environment?: { [name: string]: string };

  /**
   * Hyperparameters, passed to the container as `/opt/ml/input/config/hyperparameters.json`.
   *
   * @default - none
   */
  readonly hyperparameters?: { [name: string]: string };

  /**
   * Zonal tiers the job must run next to (in the subnet's zone), beside the ones its channels
   * and checkpoints name, which are always checked.
   *
   * @default - only the channels' and checkpoints' tiers
   */
  readonly colocatedWith?: IZonalStorage[];

  /**
   * Add the gateway endpoints the job needs to the VPC, on the subnet's route table: S3 always, and
   * S3 Express One Zone when a channel or the checkpoints are in a directory bucket. The endpoints
   * have no charge, and let the instances reach S3 without a NAT gateway. Not for a `TrainingVpc`
   * or `TrainingSubnet`, which add both already: a route table that routes a service already is
   * rejected (a route table routes a service to one gateway endpoint).
   *
   * @default false - the subnet's routes are the network's (a TrainingVpc or TrainingSubnet has both endpoints)
   */
  readonly addGatewayEndpoints?: boolean;

  /**
   * The start of each job's name: the state machine names a job `<jobNamePrefix>-<UUID>`, a new
   * name for every start (a redriven execution starts a new job, which resumes from the checkpoints).
   *
   * @default 'training'
   */
  readonly jobNamePrefix?: string;
}

/** Options of {@link SageMakerTrainingJob.startJobTask}. */
export interface StartTrainingJobTaskOptions {
  /**
   * How the state waits for the job.
   *
   * @default sfn.IntegrationPattern.RUN_JOB - the state ends when the job ends, and fails when the job fails
   */
  readonly integrationPattern?: sfn.IntegrationPattern;
}

/** Options of {@link SageMakerTrainingJob.addStateMachine}. */
export interface TrainingJobStateMachineOptions {
  /**
   * The longest an execution may run: when it times out, Step Functions stops the job.
   *
   * @default - no timeout: the job's `maxRuntime` bounds its training time, and SageMaker ends every
   *   job within 30 days, provisioning and the upload of the model included
   */
  readonly timeout?: Duration;
}

/**
 * A SageMaker training job definition wired to this library's storage tiers: the channels, the
 * checkpoint and output locations, the network and an execution role with exactly the grants they
 * need. CloudFormation has no training job resource (a job is started, not deployed), so the
 * construct renders one `CreateTrainingJob` request three ways, from one model:
 *
 * - `startJobTask()` / `addStateMachine()`: a Step Functions task (aws-cdk-lib's
 *   `SageMakerCreateTrainingJob`, completed with the fields it cannot express: file system
 *   channels, `CheckpointConfig` and the `VpcConfig` security group of this construct) that starts
 *   the job and waits for it;
 * - `requestJson`: the request as a JSON document (without `TrainingJobName`), for boto3's
 *   `create_training_job(TrainingJobName=..., **request)`;
 * - the README's table of the SageMaker Python SDK estimator settings these values map to.
 *
 * Its security group (`connections`) allows all traffic within itself (distributed training) and
 * HTTPS out; each Lustre channel's file system lets it in on the Lustre ports.
 */
export class SageMakerTrainingJob extends Construct implements ec2.IConnectable {
  /** The execution role SageMaker runs the job with. */
  public readonly role: iam.Role;
  /** The job's security group. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The job's network connections. */
  public readonly connections: ec2.Connections;
  /** The gateway endpoints the job added (`addGatewayEndpoints`), by service: `s3`, `s3express`. */
  public readonly gatewayEndpoints: { [service: string]: ec2.GatewayVpcEndpoint } = {};
  /** The job name prefix. */
  public readonly jobNamePrefix: string;
  /** The channels, in request order. */
  public readonly channels: TrainingChannel[];

  private readonly props: SageMakerTrainingJobProps;
  private readonly request: TrainingJobRequest;

  public constructor(scope: Construct, id: string, props: SageMakerTrainingJobProps) {
    super(scope, id);
    this.props = props;
    this.channels = [...props.channels];
    this.jobNamePrefix = props.jobNamePrefix ?? 'training';
    this.validate(props);
    this.checkZones(props);

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `SageMaker training job ${this.node.path}: all traffic within the group (distributed training), HTTPS out`,
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowInternally(ec2.Port.allTraffic(), 'Distributed training: all traffic between the job\'s instances');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to S3, S3 Express, ECR, CloudWatch Logs and SageMaker');
    this.connections = this.securityGroup.connections;
    if (props.addGatewayEndpoints) {
      this.addGatewayEndpoints(props);
    }

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Execution role of the SageMaker training jobs of ${this.node.path}`,
    });
    this.grantJobNeeds(props);
    this.request = this.renderRequest(props);
  }

  /**
   * The `CreateTrainingJob` request as a JSON document, without `TrainingJobName` (a token that
   * resolves at deployment): pass it to boto3 as
   * `sagemaker.create_training_job(TrainingJobName=name, **json.loads(document))`.
   */
  public get requestJson(): string {
    return Stack.of(this).toJsonString(this.request);
  }

  /**
   * A Step Functions task that starts a training job named `<jobNamePrefix>-<UUID>` and, by
   * default, waits for it to end. The state machine must use JSONPath (the default query language). Add it to a state machine (or use `addStateMachine`);
   * the state machine's role is granted what the task needs (create, describe and stop training
   * jobs, pass the execution role, and the EventBridge rule of `RUN_JOB`).
   */
  public startJobTask(scope: Construct, id: string, options: StartTrainingJobTaskOptions = {}): sfn.TaskStateBase {
    return new CreateTrainingJobTask(scope, id, {
      request: this.request,
      role: this.role,
      jobNamePrefix: this.jobNamePrefix,
      channels: this.channels,
      image: this.props.image.imageUri,
      integrationPattern: options.integrationPattern ?? sfn.IntegrationPattern.RUN_JOB,
      maxRuntime: this.props.maxRuntime,
      volumeSize: this.props.volumeSize,
      volumeEncryptionKey: this.props.volumeEncryptionKey,
      instanceType: this.props.instanceType,
      instanceCount: this.props.instanceCount ?? 1,
      outputLocation: this.props.output,
      environment: this.props.environment,
      hyperparameters: this.props.hyperparameters,
    });
  }

  /**
   * A state machine (ID `StateMachine`) that starts one training job per execution and waits for
   * it: its executions log everything to an encrypted log group kept one year, and are traced with
   * X-Ray. Start an execution with any input and any name: each start names its job
   * `<jobNamePrefix>-<UUID>`.
   */
  public addStateMachine(options: TrainingJobStateMachineOptions = {}): sfn.StateMachine {
    const logs = createEncryptedLogGroup(this, { id: 'StateMachineLogs' });
    const task = this.startJobTask(this, 'StartTrainingJob');
    const stateMachine = new sfn.StateMachine(this, 'StateMachine', {
      definitionBody: sfn.DefinitionBody.fromChainable(task),
      timeout: options.timeout,
      logs: { destination: logs, level: sfn.LogLevel.ALL, includeExecutionData: true },
      tracingEnabled: true,
    });
    const stack = Stack.of(this);
    const policy = grantPolicyOf(stateMachine);
    if (policy) {
      acknowledgeWildcards(stateMachine, [stack.formatArn({ service: 'sagemaker', resource: 'training-job', resourceName: '*' })],
        'Each execution starts a job named "<prefix>-<UUID>", known only at run time; aws-cdk-lib\'s SageMakerCreateTrainingJob scopes such names to training-job/*.');
      acknowledgeFinding(policy, 'AwsSolutions-IAM5[Resource::*]',
        'sagemaker:ListTags (the RUN_JOB integration), the X-Ray and CloudWatch Logs delivery actions of aws-cdk-lib\'s state machine logging and tracing: none of them has a resource type to scope to.');
    }
    return stateMachine;
  }

  private validate(props: SageMakerTrainingJobProps): void {
    const check = (violation: TrainingJobRuleViolation | undefined) => {
      if (violation) {
        throw TrainingStorageError.invalidProperty(this, violation.property, violation.received, violation.allowed);
      }
    };
    if (props.channels.length === 0) {
      throw TrainingStorageError.invalidProperty(this, 'channels', 'no channel', 'at least one channel');
    }
    props.channels.forEach((channel) => {
      if (!Token.isUnresolved(channel.channelName)) {
        check(channelNameProblem(channel.channelName));
      }
      const input = channel.input;
      if (input.kind === TrainingInputKind.LUSTRE) {
        const path = input.path ?? '';
        if (!Token.isUnresolved(path)) {
          // A mount name that is a token (a file system of this app) has at most 8 characters.
          const mountName = Token.isUnresolved(input.fileSystem!.mountName) ? 'x'.repeat(8) : input.fileSystem!.mountName;
          check(fileSystemPathProblem(path, lustreDirectoryPath(mountName, path)));
        }
      }
    });
    check(channelsProblem(props.channels.map((channel) => channel.channelName).filter((name) => !Token.isUnresolved(name))));
    check(jobNamePrefixProblem(this.jobNamePrefix));
    if (!Token.isUnresolved(props.instanceType)) {
      check(instanceTypeProblem(props.instanceType));
    }
    check(instanceCountProblem(props.instanceCount ?? 1));
    if (props.maxRuntime) {
      check(maxRuntimeProblem(props.maxRuntime.toSeconds()));
    }
    if (props.volumeSize) {
      check(volumeSizeProblem(props.volumeSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE })));
    }
    if (props.checkpointLocalPath !== undefined && !props.checkpoints) {
      throw TrainingStorageError.invalidProperty(this, 'checkpointLocalPath', renderValue(props.checkpointLocalPath),
        'no checkpointLocalPath without checkpoints: it is the directory SageMaker synchronizes with the checkpoint location');
    }
    check(localPathProblem('checkpointLocalPath', props.checkpointLocalPath ?? DEFAULT_CHECKPOINT_LOCAL_PATH));
    check(environmentProblem(Object.keys(props.environment ?? {})));
    check(hyperparametersProblem(props.hyperparameters ?? {}));
    const facts = Token.isUnresolved(props.instanceType) ? undefined : instanceFacts(props.instanceType.replace(/^ml\./, ''));
    if (props.volumeEncryptionKey && facts && facts.instanceStoreDiskCount > 0) {
      throw TrainingStorageError.invalidProperty(this, 'volumeEncryptionKey', `a key with ${props.instanceType}`,
        `no key for an instance type with instance storage (${facts.instanceStoreDiskCount} NVMe disks), which a hardware module encrypts: `
        + '"You can\'t request a VolumeKmsKeyId when using an instance type with local storage" (SageMaker API Reference, ResourceConfig)');
    }
  }

  /**
   * Rejects an input, checkpoint location or tier in another zone than the subnet: the instances
   * would read across zones, or (a file system) fail to mount it. Zones that are tokens are skipped.
   */
  private checkZones(props: SageMakerTrainingJobProps): void {
    const subnetZone = availabilityZoneIdOf(props.subnet);
    if (subnetZone === undefined || Token.isUnresolved(subnetZone)) {
      return;
    }
    const reject = (property: string, what: string, zone: string | undefined) => {
      if (zone !== undefined && !Token.isUnresolved(zone) && zone !== subnetZone) {
        throw TrainingStorageError.invalidProperty(this, property, `${what} in ${zone}`,
          `storage in the subnet's zone ${subnetZone}: a job in another zone than its directory bucket or file system reads across zones, `
          + 'and SageMaker mounts a file system only from a subnet in its zone');
      }
    };
    const bucketZone = (location: { bucketName: string }) =>
      (Token.isUnresolved(location.bucketName) ? undefined : zoneIdOfDirectoryBucketName(location.bucketName));
    for (const channel of props.channels) {
      const input = channel.input;
      const property = `channels[${channel.channelName}]`;
      if (input.zonalStorage) {
        reject(property, input.zonalStorage.node.path, input.zonalStorage.availabilityZoneId);
      } else if (input.location) {
        reject(property, input.location.s3Uri, bucketZone(input.location));
      }
      if (input.fileSystem) {
        reject(property, input.fileSystem.node.path, lustreZoneId(input.fileSystem));
      }
    }
    if (props.checkpoints) {
      reject('checkpoints', props.checkpoints.s3Uri, bucketZone(props.checkpoints));
    }
    for (const tier of props.colocatedWith ?? []) {
      reject('colocatedWith', tier.node.path, tier.availabilityZoneId);
    }
  }

  private addGatewayEndpoints(props: SageMakerTrainingJobProps): void {
    const directoryBucket = props.channels.some((channel) => channel.input.location?.isDirectoryBucket)
      || props.checkpoints?.isDirectoryBucket === true;
    const services: Array<[string, ec2.GatewayVpcEndpointAwsService, string]> = [['s3', ec2.GatewayVpcEndpointAwsService.S3, 'S3Endpoint']];
    if (directoryBucket) {
      services.push(['s3express', ec2.GatewayVpcEndpointAwsService.S3_EXPRESS, 'S3ExpressEndpoint']);
    }
    for (const [service, awsService, id] of services) {
      const existing = gatewayEndpointRouting(props.subnet, service);
      if (existing) {
        throw TrainingStorageError.invalidProperty(this, 'addGatewayEndpoints', 'true',
          `false: the route table of subnet ${renderValue(props.subnet.node.path)} already routes ${service} through the gateway endpoint `
          + `${renderValue(existing.node.path)} (a TrainingVpc or TrainingSubnet adds one), and a route table routes a service to one gateway endpoint`);
      }
      this.gatewayEndpoints[service] = new ec2.GatewayVpcEndpoint(this, id, {
        vpc: props.vpc,
        service: awsService,
        subnets: [{ subnets: [props.subnet] }],
      });
    }
  }

  private grantJobNeeds(props: SageMakerTrainingJobProps): void {
    const role = this.role;
    const stack = Stack.of(this);
    for (const channel of props.channels) {
      const input = channel.input;
      if (input.location) {
        // A directory bucket authorizes with sessions. Which session mode SageMaker asks for is not
        // documented, and CreateSession's default is ReadWrite ("By default, a ReadWrite session is
        // created": https://docs.aws.amazon.com/AmazonS3/latest/API/API_CreateSession.html, SessionMode),
        // so a directory bucket input gets CreateSession without the ReadOnly condition (as Mountpoint
        // needs it: DataLocation.grantMountpointRead). A general purpose bucket: read on the prefix.
        input.location.grantMountpointRead(role);
        if (!input.location.isDirectoryBucket) {
          input.location.acknowledgeGrantWildcard(role, `SageMaker reads every object of the channel "${channel.channelName}".`);
        }
      }
      if (input.fileSystem) {
        input.fileSystem.allowFrom(this);
      }
    }
    if (props.checkpoints) {
      props.checkpoints.grantReadWrite(role);
      if (!props.checkpoints.isDirectoryBucket) {
        props.checkpoints.acknowledgeGrantWildcard(role, 'SageMaker uploads the checkpoints under the prefix and downloads them when a job resumes.');
      }
    }
    if (props.output.isDirectoryBucket && props.output.encryptionKey) {
      throw TrainingStorageError.invalidProperty(this, 'output', props.output.s3Uri,
        'a general purpose bucket, or a directory bucket encrypted with SSE-S3: SageMaker writes output to a directory bucket with SSE-S3 only, '
        + '"KMS key is not supported" (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html)');
    }
    props.output.grantWrite(role);
    if (props.output.encryptionKey) {
      // "If you use a KMS key ID or an alias of your KMS key, the SageMaker execution role must include
      // permissions to call kms:Encrypt" (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_OutputDataConfig.html).
      props.output.encryptionKey.grant(role, 'kms:Encrypt');
    }
    if (!props.output.isDirectoryBucket) {
      props.output.acknowledgeGrantWildcard(role, 'SageMaker writes the model artifacts of each job under the output prefix, in a folder named after the job.');
    }
    if (props.volumeEncryptionKey) {
      props.volumeEncryptionKey.grant(role, 'kms:CreateGrant');
    }
    props.image.grantPull(this, role);

    // CloudWatch Logs: the one log group SageMaker writes training logs to.
    // The log group's ARN with its trailing ":*", the form IAM policies use for every action but
    // tagging (CloudWatch Logs User Guide, "CloudWatch Logs permissions reference":
    // https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/iam-access-control-overview-cwl.html).
    const logGroupArn = stack.formatArn({ service: 'logs', resource: 'log-group', resourceName: `${TRAINING_LOG_GROUP}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'logs:DescribeLogStreams'],
      resources: [logGroupArn],
    }));
    // Metrics: SageMaker publishes training metrics in its own namespace.
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringLike: { 'cloudwatch:namespace': '/aws/sagemaker/*' } },
    }));
    // VPC mode: SageMaker creates the job's network interfaces in the subnet, with the group.
    const subnetArn = stack.formatArn({ service: 'ec2', resource: 'subnet', resourceName: props.subnet.subnetId });
    const securityGroupArn = stack.formatArn({ service: 'ec2', resource: 'security-group', resourceName: this.securityGroup.securityGroupId });
    const interfacesArn = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateNetworkInterface'], resources: [subnetArn, securityGroupArn, interfacesArn] }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:CreateNetworkInterfacePermission', 'ec2:DeleteNetworkInterface', 'ec2:DeleteNetworkInterfacePermission'],
      resources: [interfacesArn],
      conditions: { ArnEquals: { 'ec2:Subnet': subnetArn } },
    }));
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['ec2:DescribeNetworkInterfaces', 'ec2:DescribeVpcs', 'ec2:DescribeDhcpOptions', 'ec2:DescribeSubnets', 'ec2:DescribeSecurityGroups'],
      resources: ['*'],
    }));
    acknowledgeWildcards(role, [logGroupArn], 'SageMaker names a log stream per job and instance in the training log group (the group\'s ARN ends with :* in IAM).');
    acknowledgeWildcards(role, [interfacesArn], 'SageMaker creates and deletes the job\'s network interfaces, whose IDs are not known before the job runs; deletion is limited to interfaces in the training subnet.');
    const policy = grantPolicyOf(role);
    if (policy) {
      acknowledgeFinding(policy, 'AwsSolutions-IAM5[Resource::*]',
        'ecr:GetAuthorizationToken, the ec2:Describe* actions of VPC mode and cloudwatch:PutMetricData (limited to the /aws/sagemaker/ namespaces by condition) have no resource type to scope to.');
    }
  }

  private renderRequest(props: SageMakerTrainingJobProps): TrainingJobRequest {
    const channels = props.channels.map((channel) => {
      const input = channel.input;
      if (input.kind === TrainingInputKind.LUSTRE) {
        const fileSystem = input.fileSystem!;
        return {
          ChannelName: channel.channelName,
          DataSource: {
            FileSystemDataSource: {
              FileSystemId: fileSystem.fileSystemId,
              FileSystemType: 'FSxLustre',
              DirectoryPath: lustreDirectoryPath(fileSystem.mountName, input.path ?? ''),
              FileSystemAccessMode: input.accessMode,
            },
          },
        };
      }
      return {
        ChannelName: channel.channelName,
        DataSource: {
          S3DataSource: {
            S3Uri: input.location!.s3Uri,
            S3DataType: 'S3Prefix',
            S3DataDistributionType: input.distribution,
          },
        },
        InputMode: input.inputMode,
      };
    });
    return {
      AlgorithmSpecification: { TrainingInputMode: 'File', TrainingImage: props.image.imageUri },
      RoleArn: this.role.roleArn,
      InputDataConfig: channels,
      OutputDataConfig: { S3OutputPath: props.output.s3Uri, ...(props.output.encryptionKey ? { KmsKeyId: props.output.encryptionKey.keyArn } : {}) },
      ResourceConfig: {
        InstanceCount: props.instanceCount ?? 1,
        InstanceType: props.instanceType,
        VolumeSizeInGB: (props.volumeSize ?? Size.gibibytes(100)).toGibibytes(),
        ...(props.volumeEncryptionKey ? { VolumeKmsKeyId: props.volumeEncryptionKey.keyArn } : {}),
      },
      StoppingCondition: { MaxRuntimeInSeconds: props.maxRuntime?.toSeconds() ?? DEFAULT_MAX_RUNTIME_SECONDS },
      ...(props.hyperparameters ? { HyperParameters: { ...props.hyperparameters } } : {}),
      ...(props.environment ? { Environment: { ...props.environment } } : {}),
      VpcConfig: { SecurityGroupIds: [this.securityGroup.securityGroupId], Subnets: [props.subnet.subnetId] },
      ...(props.checkpoints
        ? { CheckpointConfig: { S3Uri: props.checkpoints.s3Uri, LocalPath: props.checkpointLocalPath ?? DEFAULT_CHECKPOINT_LOCAL_PATH } }
        : {}),
    };
  }
}
