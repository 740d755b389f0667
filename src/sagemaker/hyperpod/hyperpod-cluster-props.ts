import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { HyperPodOrchestrator } from './orchestrator';
import { DataLocation } from '../../core/data-location';
import { ILustreScratch } from '../../lustre/lustre-scratch-base';

/** An instance group of a `HyperPodCluster`: instances of one type, in the cluster's subnet. */
export interface HyperPodInstanceGroup {
  /**
   * The group's name: 1 to 63 letters and digits with hyphens between them, unique in the cluster.
   */
  readonly name: string;

  /** The SageMaker instance type, such as `ml.p5.48xlarge`. */
  readonly instanceType: string;

  /** How many instances: 0 to 6758. */
  readonly instanceCount: number;

  /**
   * Threads per CPU core: 1 turns multithreading off, 2 turns it on (for types that support it).
   *
   * @default - SageMaker's default for the instance type
   */
  readonly threadsPerCore?: number;
}

/** Managed tiered checkpointing of a `HyperPodCluster` (`TieredStorageConfig`, EKS orchestrator only). */
export interface HyperPodTieredCheckpointing {
  /**
   * The share of each instance's CPU memory that holds checkpoints, a whole percent from 0 to 100
   * (`InstanceMemoryAllocationPercentage`).
   *
   * @default - not set: SageMaker's default share
   */
  readonly memoryAllocationPercent?: number;
}

/** The lifecycle scripts of a `HyperPodCluster`: a local directory, uploaded to a data location. */
export interface HyperPodLifecycleScripts {
  /**
   * The local directory that holds the scripts (read at synthesis time; every file in it and below
   * is uploaded with its relative path).
   */
  readonly directory: string;

  /**
   * Where the scripts are copied to, in a general purpose bucket: a prefix of the lake (such as
   * `DataLocation.fromBucket(lake.bucket, 'hyperpod/lifecycle/')`) or of a bucket of yours. This is
   * the instance groups' `SourceS3Uri`. The cluster's role may read it, and nothing else of the bucket.
   */
  readonly location: DataLocation;

  /**
   * The entrypoint script that runs when a node is created (`OnCreate`), relative to `directory`.
   *
   * @default 'on_create.sh'
   */
  readonly onCreateScript?: string;
}

/** Properties of a `HyperPodCluster`. */
export interface HyperPodClusterProps {
  /** The VPC of the cluster's nodes. */
  readonly vpc: ec2.IVpc;

  /**
   * The training subnet: every instance group is placed in it (`VpcConfig.Subnets`), next to the
   * file system.
   */
  readonly subnet: ec2.ISubnet;

  /** The instance groups, at least one, with distinct names. */
  readonly instanceGroups: HyperPodInstanceGroup[];

  /** The orchestrator: `HyperPodOrchestrator.eks(clusterArn)` or `HyperPodOrchestrator.slurm()`. */
  readonly orchestrator: HyperPodOrchestrator;

  /** The lifecycle scripts, uploaded from a local directory to a data location at deployment. */
  readonly lifecycleScripts: HyperPodLifecycleScripts;

  /**
   * An FSx for Lustre file system that every instance group mounts (`FsxLustreConfig`: its DNS name
   * and mount name, at `lustreMountPath`). The cluster's security group is let in on the Lustre ports
   * (`fileSystem.allowFrom(cluster)`). A file system in another Availability Zone than `subnet` is
   * rejected when both zone IDs are known at synthesis time.
   *
   * @default - no file system
   */
  readonly fileSystem?: ILustreScratch;

  /**
   * Where the nodes mount `fileSystem`.
   *
   * @default '/fsx'
   */
  readonly lustreMountPath?: string;

  /**
   * Managed tiered checkpointing: checkpoints kept in the nodes' CPU memory and persisted to durable
   * storage. Needs the EKS orchestrator.
   *
   * @default - off (no `TieredStorageConfig`)
   */
  readonly tieredCheckpointing?: HyperPodTieredCheckpointing;

  /**
   * The cluster's name: 1 to 63 letters and digits with hyphens between them.
   *
   * @default - a name CloudFormation generates
   */
  readonly clusterName?: string;
}
