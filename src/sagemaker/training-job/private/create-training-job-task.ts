import { Duration, Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { DataLocation } from '../../../core/data-location';
import { TrainingStorageError } from '../../../core/errors';
import { DEFAULT_MAX_RUNTIME_SECONDS } from '../rules';
import { TrainingChannel, TrainingInputKind } from '../training-input';

/** A CreateTrainingJob request without its TrainingJobName, as the construct renders it. @internal */
export interface TrainingJobRequest {
  readonly AlgorithmSpecification: { readonly TrainingInputMode: string; readonly TrainingImage: string };
  readonly RoleArn: string;
  readonly InputDataConfig: ReadonlyArray<{ readonly ChannelName: string; readonly [key: string]: unknown }>;
  readonly OutputDataConfig: { readonly S3OutputPath: string; readonly KmsKeyId?: string };
  readonly ResourceConfig: { readonly [key: string]: unknown };
  readonly StoppingCondition: { readonly MaxRuntimeInSeconds: number };
  readonly HyperParameters?: { readonly [key: string]: string };
  readonly Environment?: { readonly [key: string]: string };
  readonly VpcConfig: { readonly SecurityGroupIds: string[]; readonly Subnets: string[] };
  readonly CheckpointConfig?: { readonly S3Uri: string; readonly LocalPath: string };
}

/**
 * The request's fields that aws-cdk-lib's `SageMakerCreateTrainingJob` (2.271 to 2.276) cannot
 * express, taken from the construct's request: file system channels (its `DataSource` has
 * `s3DataSource` only), `CheckpointConfig` (no such property), `VpcConfig` with the construct's
 * own security group (given a VPC, the task creates a group of its own) and `OutputDataConfig`'s
 * `KmsKeyId` (given a key, the task grants `kms:ReEncrypt*` and `kms:GenerateDataKey*`, more than
 * SageMaker's upload needs).
 * @internal
 */
export const COMPLETED_FIELDS = ['InputDataConfig', 'OutputDataConfig', 'VpcConfig', 'CheckpointConfig'] as const;

/** An S3 location that renders its URI and grants nothing (the construct grants exactly). */
class UriS3Location extends tasks.S3Location {
  public constructor(private readonly uri: string) {
    super();
  }

  public bind(): tasks.S3LocationConfig {
    return { uri: this.uri };
  }
}

/** @internal */
export interface CreateTrainingJobTaskProps {
  readonly request: TrainingJobRequest;
  readonly role: iam.IRole;
  readonly jobNamePrefix: string;
  readonly channels: readonly TrainingChannel[];
  readonly image: string;
  readonly integrationPattern: sfn.IntegrationPattern;
  readonly maxRuntime?: Duration;
  readonly volumeSize?: Size;
  readonly volumeEncryptionKey?: kms.IKey;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly outputLocation: DataLocation;
  readonly environment?: { [name: string]: string };
  readonly hyperparameters?: { [name: string]: string };
}

/**
 * aws-cdk-lib's `SageMakerCreateTrainingJob`, with the S3 channels, image, role, resources,
 * stopping condition, hyperparameters and environment it expresses itself, and the
 * {@link COMPLETED_FIELDS} completed from the construct's request in the state's `Parameters`.
 * Its IAM statements for the state machine (create, describe, stop and tag training jobs, pass the
 * role, the EventBridge rule of `.sync`) are aws-cdk-lib's.
 * @internal
 */
export class CreateTrainingJobTask extends tasks.SageMakerCreateTrainingJob {
  private readonly request: TrainingJobRequest;

  public constructor(scope: Construct, id: string, props: CreateTrainingJobTaskProps) {
    super(scope, id, {
      trainingJobName: sfn.JsonPath.format(`${props.jobNamePrefix}-{}`, sfn.JsonPath.uuid()),
      role: props.role,
      integrationPattern: props.integrationPattern,
      algorithmSpecification: { trainingImage: tasks.DockerImage.fromRegistry(props.image), trainingInputMode: tasks.InputMode.FILE },
      inputDataConfig: props.channels.filter((channel) => channel.input.kind !== TrainingInputKind.LUSTRE).map((channel) => ({
        channelName: channel.channelName,
        inputMode: channel.input.inputMode as unknown as tasks.InputMode,
        dataSource: {
          s3DataSource: {
            s3Location: new UriS3Location(channel.input.location!.s3Uri),
            s3DataType: tasks.S3DataType.S3_PREFIX,
            s3DataDistributionType: channel.input.distribution as unknown as tasks.S3DataDistributionType,
          },
        },
      })),
      outputDataConfig: { s3OutputLocation: new UriS3Location(props.outputLocation.s3Uri) },
      resourceConfig: {
        instanceCount: props.instanceCount,
        instanceType: new ec2.InstanceType(props.instanceType.replace(/^ml\./, '')),
        volumeSize: props.volumeSize ?? Size.gibibytes(100),
        volumeEncryptionKey: props.volumeEncryptionKey,
      },
      stoppingCondition: { maxRuntime: props.maxRuntime ?? Duration.seconds(DEFAULT_MAX_RUNTIME_SECONDS) },
      environment: props.environment,
      hyperparameters: props.hyperparameters,
    });
    this.request = props.request;
  }

  public toStateJson(topLevelQueryLanguage?: sfn.QueryLanguage): object {
    if (topLevelQueryLanguage === sfn.QueryLanguage.JSONATA) {
      // Under JSONata the task renders Arguments, not Parameters, and the job name is a JSONPath expression.
      throw TrainingStorageError.invalidProperty(this, 'queryLanguage', 'JSONata',
        'a state machine that uses JSONPath (the default query language): this task completes its Parameters, which JSONata state machines do not have');
    }
    const state = super.toStateJson(topLevelQueryLanguage) as { Parameters?: Record<string, unknown> };
    const parameters = state.Parameters ?? {};
    const rendered = (parameters.InputDataConfig ?? []) as Array<{ ChannelName: string }>;
    // The channels in the request's order: the task's own rendering of each S3 channel, the request's of each file system channel.
    const inputDataConfig = this.request.InputDataConfig.map((channel) =>
      rendered.find((item) => item.ChannelName === channel.ChannelName) ?? channel);
    return {
      ...state,
      Parameters: {
        ...parameters,
        InputDataConfig: inputDataConfig,
        OutputDataConfig: this.request.OutputDataConfig,
        VpcConfig: this.request.VpcConfig,
        ...(this.request.CheckpointConfig ? { CheckpointConfig: this.request.CheckpointConfig } : {}),
      },
    };
  }
}
