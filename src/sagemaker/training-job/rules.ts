/**
 * SageMaker training job rules, as pure functions without CDK imports: the construct calls them
 * with literal values (tokens are skipped by the caller) and turns a violation into a
 * `TrainingStorageError`. The tests call them directly.
 *
 * Sources, checked on 2026-12-01:
 * - SageMaker API Reference, CreateTrainingJob
 *   (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CreateTrainingJob.html):
 *   TrainingJobName 1-63 characters, `^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}`; InputDataConfig 1-20
 *   channels; Environment up to 100 entries.
 * - Channel (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_Channel.html):
 *   ChannelName 1-64 characters, `[A-Za-z0-9\.\-_]+`; InputMode `Pipe | File | FastFile`, and
 *   without one a channel takes the job's TrainingInputMode.
 * - FileSystemDataSource (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_FileSystemDataSource.html):
 *   DirectoryPath up to 4096 characters; FileSystemAccessMode `rw | ro`; FileSystemType
 *   `EFS | FSxLustre`. For FSx for Lustre the directory path starts with the file system's mount
 *   name: `/<MountName>/<path>` (aws/sagemaker-python-sdk pull request 4257, "FSx for Lustre
 *   directory path must start with the mount name").
 * - CheckpointConfig (https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_CheckpointConfig.html):
 *   S3Uri up to 1024 characters, `^(https|s3)://([^/]+)/?(.*)$`; LocalPath up to 4096 characters,
 *   default `/opt/ml/checkpoints`.
 * - CreateTrainingJob HyperParameters: up to 100 entries, keys up to 256 characters, values up to
 *   2500 characters.
 * - StoppingCondition (CloudFormation reference, StoppingCondition of AWS::SageMaker::ProcessingJob,
 *   which quotes the API's text: https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-sagemaker-processingjob-stoppingcondition.html):
 *   MaxRuntimeInSeconds "The default value is 1 day. The maximum value is 28 days."
 */

/** What is wrong with one value: the property, the value as received, and what is allowed. @internal */
export interface TrainingJobRuleViolation {
  readonly property: string;
  readonly received: string;
  readonly allowed: string;
}

/** At most 20 input channels per training job (CreateTrainingJob, InputDataConfig). @internal */
export const MAX_CHANNELS = 20;
/** The longest training job name (CreateTrainingJob, TrainingJobName). @internal */
export const MAX_TRAINING_JOB_NAME_LENGTH = 63;
/**
 * The longest job name prefix: the state machine names each job `<prefix>-<UUID>` (Step Functions'
 * `States.UUID()`, 36 characters), so a prefix of up to 26 characters keeps the name within 63.
 * @internal
 */
export const MAX_JOB_NAME_PREFIX_LENGTH = MAX_TRAINING_JOB_NAME_LENGTH - 36 - 1;
/** The default maximum run time, 1 day, in seconds (StoppingCondition). @internal */
export const DEFAULT_MAX_RUNTIME_SECONDS = 24 * 3600;
/** The longest maximum run time, 28 days, in seconds (StoppingCondition). @internal */
export const MAX_RUNTIME_SECONDS = 28 * 24 * 3600;
/** Where SageMaker puts checkpoints on the instance by default (CheckpointConfig.LocalPath). @internal */
export const DEFAULT_CHECKPOINT_LOCAL_PATH = '/opt/ml/checkpoints';

/** Rejects a channel name SageMaker does not accept. @internal */
export function channelNameProblem(name: string): TrainingJobRuleViolation | undefined {
  if (name.length < 1 || name.length > 64 || !/^[A-Za-z0-9.\-_]+$/.test(name)) {
    return { property: 'channelName', received: JSON.stringify(name), allowed: '1 to 64 letters, digits, ".", "-" and "_" (SageMaker Channel.ChannelName)' };
  }
  return undefined;
}

/** Rejects more channels than SageMaker takes, and two channels with one name. @internal */
export function channelsProblem(names: readonly string[]): TrainingJobRuleViolation | undefined {
  if (names.length > MAX_CHANNELS) {
    return { property: 'channels', received: `${names.length} channels`, allowed: `at most ${MAX_CHANNELS} channels (CreateTrainingJob InputDataConfig)` };
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) {
      return { property: 'channels', received: `two channels named ${JSON.stringify(name)}`, allowed: 'one channel per name: the container finds each under /opt/ml/input/data/<channel name>' };
    }
    seen.add(name);
  }
  return undefined;
}

/**
 * Rejects a job name prefix that could make an invalid job name: letters, digits and single
 * hyphens, starting and ending with a letter or digit, at most {@link MAX_JOB_NAME_PREFIX_LENGTH}
 * characters.
 * @internal
 */
export function jobNamePrefixProblem(prefix: string): TrainingJobRuleViolation | undefined {
  if (prefix.length < 1 || prefix.length > MAX_JOB_NAME_PREFIX_LENGTH || !/^[a-zA-Z0-9](-?[a-zA-Z0-9])*$/.test(prefix)) {
    return {
      property: 'jobNamePrefix',
      received: JSON.stringify(prefix),
      allowed: `1 to ${MAX_JOB_NAME_PREFIX_LENGTH} letters, digits and single hyphens, starting and ending with a letter or digit `
        + '(the job is named "<prefix>-<UUID>", at most 63 characters)',
    };
  }
  return undefined;
}

/** Rejects an instance type that is not a SageMaker `ml.` type. @internal */
export function instanceTypeProblem(instanceType: string): TrainingJobRuleViolation | undefined {
  if (!/^ml\.[a-z0-9-]+\.[a-z0-9]+$/.test(instanceType)) {
    return { property: 'instanceType', received: JSON.stringify(instanceType), allowed: 'a SageMaker training instance type such as "ml.p5.48xlarge"' };
  }
  return undefined;
}

/** Rejects an instance count below 1 or not whole. @internal */
export function instanceCountProblem(count: number): TrainingJobRuleViolation | undefined {
  if (!Number.isInteger(count) || count < 1) {
    return { property: 'instanceCount', received: String(count), allowed: 'a whole number of instances, at least 1' };
  }
  return undefined;
}

/** Rejects a maximum run time outside 1 second to 28 days. @internal */
export function maxRuntimeProblem(seconds: number): TrainingJobRuleViolation | undefined {
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_RUNTIME_SECONDS) {
    return { property: 'maxRuntime', received: `${seconds} seconds`, allowed: 'whole seconds from 1 to 28 days (SageMaker StoppingCondition)' };
  }
  return undefined;
}

/** Rejects a volume size that is not whole GiB from 1. @internal */
export function volumeSizeProblem(gib: number): TrainingJobRuleViolation | undefined {
  if (!Number.isInteger(gib) || gib < 1) {
    return { property: 'volumeSize', received: `${gib} GiB`, allowed: 'whole GiB, at least 1 (ResourceConfig.VolumeSizeInGB)' };
  }
  return undefined;
}

/**
 * Rejects a path on the instance that is not absolute or too long (CheckpointConfig.LocalPath), and
 * paths with `..` segments.
 * @internal
 */
export function localPathProblem(property: string, path: string): TrainingJobRuleViolation | undefined {
  if (!path.startsWith('/') || path.length > 4096 || path.split('/').includes('..')) {
    return { property, received: JSON.stringify(path), allowed: 'an absolute path on the instance, without "..", at most 4096 characters' };
  }
  return undefined;
}

/**
 * The FileSystemDataSource directory path of a path on an FSx for Lustre file system:
 * `/<mount name>/<path>` (SageMaker mounts the file system's root, named by its mount name), with
 * the path's leading and trailing slashes removed.
 * @internal
 */
export function lustreDirectoryPath(mountName: string, path: string): string {
  const inner = path.replace(/^\/+/, '').replace(/\/+$/, '');
  return inner ? `/${mountName}/${inner}` : `/${mountName}`;
}

/** Rejects a path on the file system with `..`, control characters, or a directory path too long. @internal */
export function fileSystemPathProblem(path: string, directoryPath: string): TrainingJobRuleViolation | undefined {
  // eslint-disable-next-line no-control-regex
  if (path.split('/').includes('..') || /[\u0000-\u001f]/.test(path) || directoryPath.length > 4096) {
    return { property: 'path', received: JSON.stringify(path), allowed: 'a path on the file system without ".." or control characters; with the mount name at most 4096 characters (FileSystemDataSource.DirectoryPath)' };
  }
  return undefined;
}

/** Rejects an environment variable name SageMaker does not accept, and over 100 variables. @internal */
export function environmentProblem(names: readonly string[]): TrainingJobRuleViolation | undefined {
  if (names.length > 100) {
    return { property: 'environment', received: `${names.length} variables`, allowed: 'at most 100 variables (CreateTrainingJob Environment)' };
  }
  const bad = names.find((name) => !/^[a-zA-Z_][a-zA-Z0-9_]{0,511}$/.test(name));
  if (bad !== undefined) {
    return { property: 'environment', received: JSON.stringify(bad), allowed: 'names of letters, digits and "_", not starting with a digit, at most 512 characters' };
  }
  return undefined;
}

/**
 * Rejects hyperparameters SageMaker does not accept (at most 100; keys up to 256 characters, values
 * up to 2500: CreateTrainingJob HyperParameters), and keys ending with `.$`, which Step Functions
 * would read as a path in the task's parameters.
 * @internal
 */
export function hyperparametersProblem(hyperparameters: Readonly<Record<string, string>>): TrainingJobRuleViolation | undefined {
  const entries = Object.entries(hyperparameters);
  if (entries.length > 100) {
    return { property: 'hyperparameters', received: `${entries.length} entries`, allowed: 'at most 100 (CreateTrainingJob HyperParameters)' };
  }
  for (const [key, value] of entries) {
    if (key.length > 256 || key.endsWith('.$')) {
      return { property: 'hyperparameters', received: JSON.stringify(key), allowed: 'keys of at most 256 characters, not ending with ".$" (Step Functions reads those as paths)' };
    }
    if (value.length > 2500) {
      return { property: `hyperparameters.${key}`, received: `${value.length} characters`, allowed: 'values of at most 2500 characters (CreateTrainingJob HyperParameters)' };
    }
  }
  return undefined;
}
