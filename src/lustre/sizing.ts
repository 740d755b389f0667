/**
 * What LustreScratch derives when a property is left out: the per-unit throughput, the storage
 * capacity and the metadata configuration. Pure functions without CDK imports, over the capacity
 * and throughput rules of `./rules.ts` (one source of truth for what FSx accepts); the construct
 * calls them with literal values and the tests call them directly.
 */
import {
  CapacityContext, DeploymentTypeValue, LustreVersionValue, MetadataModeValue, PERSISTENT_2_PER_UNIT_THROUGHPUTS,
  StorageTypeValue, smallestValidCapacity,
} from './rules';

/** A metadata configuration as CloudFormation takes it. @internal */
export interface MetadataDefault {
  readonly mode: MetadataModeValue;
  readonly iops?: number;
}

/** Metadata IOPS provisioned by default on Intelligent-Tiering, the smaller of its two values (6000, 12000). @internal */
export const INTELLIGENT_TIERING_DEFAULT_METADATA_IOPS = 6000;

/**
 * The per-unit throughput when `perUnitStorageThroughput` is left out: 125 MB/s/TiB, the lowest, on
 * PERSISTENT_2 SSD; none on scratch (fixed baseline) and Intelligent-Tiering (sized by throughput capacity).
 * @internal
 */
export function defaultPerUnitStorageThroughput(deploymentType: DeploymentTypeValue, storageType: StorageTypeValue): number | undefined {
  return deploymentType === 'PERSISTENT_2' && storageType === 'SSD' ? PERSISTENT_2_PER_UNIT_THROUGHPUTS[0] : undefined;
}

/**
 * The SSD capacity when neither `storageCapacityGiB` nor `throughputTargetMBps` is given: the
 * smallest valid one, 1200 GiB (EFA: one step of its increment at the per-unit throughput).
 * @internal
 */
export function defaultStorageCapacity(context: CapacityContext): number {
  return smallestValidCapacity(context, 0);
}

/**
 * The metadata configuration when `metadataConfiguration` is left out: provisioned IOPS on
 * Intelligent-Tiering (AUTOMATIC is SSD only), AUTOMATIC on PERSISTENT_2 SSD with Lustre 2.15 (Lustre
 * 2.12 takes no metadata configuration), none on scratch.
 * @internal
 */
export function defaultMetadataConfiguration(deploymentType: DeploymentTypeValue, storageType: StorageTypeValue,
  version: LustreVersionValue): MetadataDefault | undefined {
  if (storageType === 'INTELLIGENT_TIERING') {
    return { mode: 'USER_PROVISIONED', iops: INTELLIGENT_TIERING_DEFAULT_METADATA_IOPS };
  }
  return deploymentType === 'PERSISTENT_2' && version === '2.15' ? { mode: 'AUTOMATIC' } : undefined;
}
