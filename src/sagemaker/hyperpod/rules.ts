/**
 * SageMaker HyperPod's rules for `AWS::SageMaker::Cluster`, as pure functions without CDK imports:
 * the construct calls them with literal values (tokens are skipped by the caller) and turns a
 * violation into a `TrainingStorageError`. The tests call them directly.
 *
 * Sources, checked in November 2026:
 * - CloudFormation reference, `AWS::SageMaker::Cluster` and its property types ClusterInstanceGroup,
 *   ClusterFsxLustreConfig, TieredStorageConfig, ClusterLifeCycleConfig:
 *   https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-sagemaker-cluster.html
 * - SageMaker API reference, whose constraints CloudFormation passes on:
 *   ClusterInstanceGroupSpecification (InstanceGroupName, InstanceCount, ThreadsPerCore),
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterInstanceGroupSpecification.html;
 *   ClusterFsxLustreConfig (MountPath), https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterFsxLustreConfig.html;
 *   ClusterTieredStorageConfig (InstanceMemoryAllocationPercentage 0 to 100),
 *   https://docs.aws.amazon.com/sagemaker/latest/APIReference/API_ClusterTieredStorageConfig.html.
 * - SageMaker Developer Guide, "Set up managed tiered checkpointing" (prerequisite: "An Amazon EKS
 *   HyperPod cluster"): https://docs.aws.amazon.com/sagemaker/latest/dg/managed-tier-checkpointing-setup.html
 */

/** What is wrong with one value: the property, the value as received, and what is allowed. @internal */
export interface RuleViolation {
  readonly property: string;
  readonly received: string;
  readonly allowed: string;
}

/**
 * Instance group names: 1 to 63 characters, letters and digits with single or repeated hyphens
 * between them (`^[a-zA-Z0-9](-*[a-zA-Z0-9])*$`, ClusterInstanceGroupSpecification.InstanceGroupName).
 * @internal
 */
export const INSTANCE_GROUP_NAME = { pattern: /^[a-zA-Z0-9](-*[a-zA-Z0-9])*$/, maxLength: 63 };

/** Instances per group: 0 to 6758 (ClusterInstanceGroupSpecification.InstanceCount). @internal */
export const INSTANCE_COUNT = { min: 0, max: 6758 };

/** Threads per core: 1 (multithreading off) or 2 (on) (ClusterInstanceGroupSpecification.ThreadsPerCore). @internal */
export const THREADS_PER_CORE = [1, 2];

/**
 * Instance types are SageMaker's `ml.` names (ClusterInstanceGroupSpecification.InstanceType: a
 * list of values such as `ml.p5.48xlarge`, `ml.trn1.32xlarge`, `ml.g5.8xlarge`, which grows with
 * every new family). Only the form is checked here: `ml.<family>.<size>`.
 * @internal
 */
export const INSTANCE_TYPE_PATTERN = /^ml\.[a-z0-9-]+\.[a-z0-9]+$/;

/**
 * The local mount path of an FSx for Lustre file system on the nodes: `/[a-zA-Z0-9._/-]+`, 1 to
 * 1024 characters (ClusterFsxLustreConfig.MountPath). `/` alone does not match the pattern.
 * @internal
 */
export const MOUNT_PATH = { pattern: /^\/[a-zA-Z0-9._/-]+$/, maxLength: 1024 };

/** The share of instance memory for managed tiered checkpointing: a whole percent, 0 to 100 (TieredStorageConfig). @internal */
export const MEMORY_ALLOCATION_PERCENT = { min: 0, max: 100 };

/**
 * The entrypoint script's name, a file name under `SourceS3Uri` (ClusterLifeCycleConfig.OnCreate:
 * 1 to 128 characters). The construct further asks for a relative path of letters, digits, `.`,
 * `_`, `-` and `/` that names a file of the uploaded directory.
 * @internal
 */
export const ON_CREATE = { pattern: /^[A-Za-z0-9._-]+(\/[A-Za-z0-9._-]+)*$/, maxLength: 128 };

/** An instance group as the rules see it. @internal */
export interface InstanceGroupFacts {
  readonly name: string;
  readonly instanceType: string;
  readonly instanceCount: number;
  readonly threadsPerCore?: number;
}

/**
 * The first violation in an instance group, or undefined. Values that are tokens must be left out by
 * the caller (pass them as literals only).
 * @internal
 */
export function checkInstanceGroup(group: InstanceGroupFacts, literal: (value: string | number) => boolean = () => true): RuleViolation | undefined {
  if (literal(group.name) && (group.name.length > INSTANCE_GROUP_NAME.maxLength || !INSTANCE_GROUP_NAME.pattern.test(group.name))) {
    return {
      property: 'name',
      received: JSON.stringify(group.name),
      allowed: '1 to 63 letters and digits, with hyphens between them (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)',
    };
  }
  if (literal(group.instanceType) && !INSTANCE_TYPE_PATTERN.test(group.instanceType)) {
    return {
      property: 'instanceType',
      received: JSON.stringify(group.instanceType),
      allowed: 'a SageMaker instance type "ml.<family>.<size>", such as "ml.p5.48xlarge"',
    };
  }
  if (literal(group.instanceCount)
    && (!Number.isInteger(group.instanceCount) || group.instanceCount < INSTANCE_COUNT.min || group.instanceCount > INSTANCE_COUNT.max)) {
    return { property: 'instanceCount', received: String(group.instanceCount), allowed: `a whole number from ${INSTANCE_COUNT.min} to ${INSTANCE_COUNT.max}` };
  }
  if (group.threadsPerCore !== undefined && literal(group.threadsPerCore) && !THREADS_PER_CORE.includes(group.threadsPerCore)) {
    return { property: 'threadsPerCore', received: String(group.threadsPerCore), allowed: '1 (multithreading off) or 2 (on)' };
  }
  return undefined;
}

/** Names given to more than one instance group, in order of first repetition. @internal */
export function duplicateNames(names: readonly string[]): string[] {
  const seen = new Set<string>();
  const repeated: string[] = [];
  for (const name of names) {
    if (seen.has(name) && !repeated.includes(name)) {
      repeated.push(name);
    }
    seen.add(name);
  }
  return repeated;
}

/** A violation of the mount path rule, or undefined. @internal */
export function checkMountPath(path: string): RuleViolation | undefined {
  if (path.length > MOUNT_PATH.maxLength || !MOUNT_PATH.pattern.test(path)) {
    return {
      property: 'lustreMountPath',
      received: JSON.stringify(path),
      allowed: 'an absolute path below / of letters, digits, ".", "_", "-" and "/" (/[a-zA-Z0-9._/-]+), at most 1024 characters, such as "/fsx"',
    };
  }
  return undefined;
}

/** A violation of the memory share rule, or undefined. @internal */
export function checkMemoryAllocationPercent(percent: number): RuleViolation | undefined {
  if (!Number.isInteger(percent) || percent < MEMORY_ALLOCATION_PERCENT.min || percent > MEMORY_ALLOCATION_PERCENT.max) {
    return {
      property: 'tieredCheckpointing.memoryAllocationPercent',
      received: String(percent),
      allowed: 'a whole percent from 0 to 100 (TieredStorageConfig.InstanceMemoryAllocationPercentage)',
    };
  }
  return undefined;
}

/**
 * Managed tiered checkpointing needs the EKS orchestrator ("Set up managed tiered checkpointing",
 * prerequisites: "An Amazon EKS HyperPod cluster"). A violation for another orchestrator.
 * @internal
 */
export function checkTieredCheckpointingOrchestrator(orchestrator: 'EKS' | 'SLURM'): RuleViolation | undefined {
  if (orchestrator !== 'EKS') {
    return {
      property: 'tieredCheckpointing',
      received: `managed tiered checkpointing with the ${orchestrator} orchestrator`,
      allowed: 'tiered checkpointing with HyperPodOrchestrator.eks() only: its prerequisite is an Amazon EKS HyperPod cluster',
    };
  }
  return undefined;
}

/** A violation of the entrypoint script name rule, or undefined. @internal */
export function checkOnCreateScript(name: string): RuleViolation | undefined {
  if (name.length > ON_CREATE.maxLength || !ON_CREATE.pattern.test(name) || name.split('/').some((part) => part === '.' || part === '..')) {
    return {
      property: 'lifecycleScripts.onCreateScript',
      received: JSON.stringify(name),
      allowed: 'a relative file path of letters, digits, ".", "_", "-" and "/" (no "." or ".." segments), at most 128 characters, such as "on_create.sh"',
    };
  }
  return undefined;
}
