/**
 * What LustreScratch derives when a property is left out: the per-unit throughput, the storage
 * capacity (the cheapest valid configuration for a throughput target and a minimum capacity) and the
 * metadata configuration. Pure functions without CDK imports, over the capacity and throughput rules
 * of `./rules.ts` (one source of truth for what FSx accepts) and the price table of
 * `../core/prices.ts` (one source of truth for prices); the construct calls them with literal values
 * and the tests call them directly.
 */
import {
  CapacityContext, DeploymentTypeValue, LustreVersionValue, MetadataModeValue, PERSISTENT_2_PER_UNIT_THROUGHPUTS,
  RuleViolation, SCRATCH_BASELINE_MBPS_PER_TIB, StorageTypeValue, perUnitThroughputOf, smallestValidCapacity, throughputOf,
} from './rules';
import { PRICES_US_EAST_1, RegionPrices } from '../core/prices';

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

// ---------------------------------------------------------------------------------------------
// Cost-aware sizing

/** SSD storage prices in USD per GB-month, as the sizing reads them. @internal */
export interface SsdPrices {
  /** PERSISTENT_2 SSD, by per-unit throughput (MB/s/TiB). */
  readonly persistent2UsdPerGbMonth: Readonly<Record<number, number>>;
  /** Scratch SSD (SCRATCH_1 and SCRATCH_2). */
  readonly scratchUsdPerGbMonth: number;
  /** Where the prices come from, for reasons: "the estimated us-east-1 list prices checked 2026-12-01". */
  readonly description: string;
}

/** The SSD prices of one Region of the price table. @internal */
export function ssdPricesOf(table: RegionPrices): SsdPrices {
  const lustre = table.fsxLustre;
  const all = [...Object.values(lustre.persistent2SsdByPerUnitThroughput), lustre.scratchSsd];
  const checked = [...new Set(all.map((p) => p.checked))].sort().join(', ');
  return {
    persistent2UsdPerGbMonth: Object.fromEntries(Object.entries(lustre.persistent2SsdByPerUnitThroughput).map(([k, p]) => [Number(k), p.usd])),
    scratchUsdPerGbMonth: lustre.scratchSsd.usd,
    description: `the ${all.some((p) => p.estimate) ? 'estimated ' : ''}${table.region} list prices checked ${checked}`,
  };
}

/** The prices LustreScratch uses unless given others: us-east-1. @internal */
export const BUILT_IN_PRICES: SsdPrices = ssdPricesOf(PRICES_US_EAST_1);

/**
 * The monthly price of SSD storage: the capacity times the price per GB-month of the deployment type
 * and per-unit throughput (FSx bills the provisioned capacity in GB-months: 1200 GiB at $0.145 is
 * $174 a month). Metadata IOPS in AUTOMATIC mode come with the capacity; metadata IOPS provisioned
 * above it, backups, data transfer and the S3 requests of data repositories are not counted.
 * @internal
 */
export function monthlyCost(deploymentType: DeploymentTypeValue, perUnitStorageThroughput: number | undefined, capacityGiB: number,
  prices: SsdPrices): number {
  if (deploymentType !== 'PERSISTENT_2') {
    return capacityGiB * prices.scratchUsdPerGbMonth;
  }
  const price = prices.persistent2UsdPerGbMonth[perUnitStorageThroughput ?? PERSISTENT_2_PER_UNIT_THROUGHPUTS[0]];
  return capacityGiB * price;
}

/** What the file system must provide; every field but the deployment type and EFA is optional. @internal */
export interface SizingRequest {
  readonly deploymentType: DeploymentTypeValue;
  readonly efa: boolean;
  /** Aggregate throughput to reach, MB/s. */
  readonly throughputTargetMBps?: number;
  /** Capacity the data needs, GiB. */
  readonly minimumStorageCapacityGiB?: number;
  /** The per-unit throughput the user gave (PERSISTENT_2): the choice keeps it. */
  readonly perUnitStorageThroughput?: number;
}

/** A valid SSD configuration, its throughput and monthly price, and why it was chosen. @internal */
export interface SizingChoice {
  readonly storageCapacityGiB: number;
  /** MB/s per TiB; none on scratch. */
  readonly perUnitStorageThroughput: number | undefined;
  readonly throughputMBps: number;
  /** USD, rounded to cents. */
  readonly monthlyCostUsd: number;
  /** One sentence: the configuration, what it meets, its price and the alternatives'. */
  readonly reason: string;
}

interface Candidate {
  readonly capacity: number;
  readonly perUnit: number | undefined;
  readonly throughput: number;
  readonly cents: number;
}

/**
 * The valid configuration of lowest monthly price that reaches the throughput target and holds the
 * minimum capacity: for each per-unit throughput (the one given, or 125, 250, 500 and 1000 MB/s/TiB
 * on PERSISTENT_2; the fixed baseline on scratch), the smallest valid capacity that meets both (the
 * capacity rules of `rules.ts`, EFA steps included), priced; the cheapest wins. Equal prices (to the
 * cent): the larger capacity (room for more data, and AUTOMATIC metadata IOPS grow with it), then the
 * higher throughput. Without target or minimum, the cheapest valid file system.
 * @internal
 */
export function cheapestConfiguration(request: SizingRequest, prices: SsdPrices): SizingChoice {
  const persistent = request.deploymentType === 'PERSISTENT_2';
  const perUnits: Array<number | undefined> = !persistent ? [undefined]
    : request.perUnitStorageThroughput !== undefined ? [request.perUnitStorageThroughput] : PERSISTENT_2_PER_UNIT_THROUGHPUTS;
  const candidates: Candidate[] = perUnits.map((perUnit) => {
    const context: CapacityContext = { deploymentType: request.deploymentType, storageType: 'SSD', efa: request.efa, perUnitStorageThroughput: perUnit };
    const capacity = requiredCapacity(context, request);
    return {
      capacity,
      perUnit,
      throughput: throughputOf(context, capacity),
      cents: Math.round(monthlyCost(request.deploymentType, perUnit, capacity, prices) * 100),
    };
  });
  const ranked = [...candidates].sort((a, b) => a.cents - b.cents || b.capacity - a.capacity || b.throughput - a.throughput);
  const best = ranked[0];
  const needs = describeNeeds(request);
  const that = needs === undefined ? '' : ` that ${needs}`;
  let reason: string;
  if (!persistent) {
    reason = `${best.capacity} GiB: the smallest valid capacity${that} at ${request.deploymentType}'s fixed `
      + `${SCRATCH_BASELINE_MBPS_PER_TIB} MB/s/TiB (${best.throughput} MB/s for ${dollars(best.cents)} a month at ${prices.description}).`;
  } else if (request.perUnitStorageThroughput !== undefined) {
    reason = `${renderConfiguration(best)} (perUnitStorageThroughput as given): the smallest valid capacity${that} at it `
      + `(${best.throughput} MB/s for ${dollars(best.cents)} a month at ${prices.description}).`;
  } else {
    const others = ranked.slice(1).map((c) => `${renderConfiguration(c)}: ${dollars(c.cents)}`).join(', ');
    reason = `${renderConfiguration(best)}: the cheapest valid configuration${that} `
      + `(${best.throughput} MB/s for ${dollars(best.cents)} a month at ${prices.description}; ${others}).`;
  }
  return {
    storageCapacityGiB: best.capacity,
    perUnitStorageThroughput: best.perUnit,
    throughputMBps: best.throughput,
    monthlyCostUsd: best.cents / 100,
    reason,
  };
}

/**
 * The smallest valid capacity that reaches the throughput target and holds the minimum capacity, at
 * the context's per-unit throughput (125 MB/s/TiB on PERSISTENT_2 when it is unknown: the largest
 * capacity, which reaches the target at any per-unit throughput).
 * @internal
 */
export function requiredCapacity(context: CapacityContext, request: Pick<SizingRequest, 'throughputTargetMBps' | 'minimumStorageCapacityGiB'>): number {
  const forThroughput = request.throughputTargetMBps === undefined ? 0 : (request.throughputTargetMBps * 1000) / perUnitThroughputOf(context);
  return smallestValidCapacity(context, Math.max(forThroughput, request.minimumStorageCapacityGiB ?? 0));
}

/**
 * The reason when `perUnitStorageThroughput` is an unresolved token: the capacity is sized at
 * 125 MB/s/TiB, the lowest, so that it reaches the target whatever the token's value.
 * @internal
 */
export function describeUnknownPerUnitThroughput(capacityGiB: number,
  request: Pick<SizingRequest, 'throughputTargetMBps' | 'minimumStorageCapacityGiB'>): string {
  const sized = request.throughputTargetMBps === undefined
    ? `the capacity is the smallest valid one${request.minimumStorageCapacityGiB === undefined ? '' : ` that holds at least ${request.minimumStorageCapacityGiB} GiB`}`
    : `the capacity reaches ${request.throughputTargetMBps} MB/s at ${PERSISTENT_2_PER_UNIT_THROUGHPUTS[0]} MB/s/TiB, the lowest`
      + `${request.minimumStorageCapacityGiB === undefined ? '' : `, and holds at least ${request.minimumStorageCapacityGiB} GiB`}`;
  return `${capacityGiB} GiB: perUnitStorageThroughput is an unresolved token, so ${sized}; the monthly price is unknown at synth time.`;
}

/** The monthly price of a configuration set by hand, and a sentence for `sizingReason`. @internal */
export function describeGivenConfiguration(deploymentType: DeploymentTypeValue, perUnitStorageThroughput: number | undefined,
  capacityGiB: number, prices: SsdPrices): { monthlyCostUsd: number; reason: string } {
  const cents = Math.round(monthlyCost(deploymentType, perUnitStorageThroughput, capacityGiB, prices) * 100);
  const throughput = throughputOf({ deploymentType, storageType: 'SSD', efa: false, perUnitStorageThroughput }, capacityGiB);
  const configuration = deploymentType === 'PERSISTENT_2'
    ? renderConfiguration({ capacity: capacityGiB, perUnit: perUnitStorageThroughput ?? PERSISTENT_2_PER_UNIT_THROUGHPUTS[0] })
    : `${capacityGiB} GiB at ${deploymentType}'s fixed ${SCRATCH_BASELINE_MBPS_PER_TIB} MB/s/TiB`;
  return {
    monthlyCostUsd: cents / 100,
    reason: `${configuration} (storageCapacityGiB as given): ${throughput} MB/s for ${dollars(cents)} a month at ${prices.description}.`,
  };
}

/** Checks `minimumStorageCapacityGiB`: a positive number of GiB, SSD only. @internal */
export function checkMinimumStorageCapacity(storageType: StorageTypeValue, value: number): RuleViolation | undefined {
  if (storageType === 'INTELLIGENT_TIERING') {
    return {
      property: 'minimumStorageCapacityGiB',
      received: String(value),
      allowed: 'nothing with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering storage is elastic and has no provisioned capacity',
    };
  }
  return Number.isFinite(value) && value > 0 ? undefined
    : { property: 'minimumStorageCapacityGiB', received: String(value), allowed: 'a positive number of GiB' };
}

/** Checks one price of `prices`: a positive number of USD per GB-month. @internal */
export function checkPrice(name: string, value: number): RuleViolation | undefined {
  return Number.isFinite(value) && value > 0 ? undefined
    : { property: `prices.${name}`, received: String(value), allowed: 'a positive number of USD per GB-month' };
}

function describeNeeds(request: SizingRequest): string | undefined {
  const needs = [
    request.throughputTargetMBps === undefined ? undefined : `reaches ${request.throughputTargetMBps} MB/s`,
    request.minimumStorageCapacityGiB === undefined ? undefined : `holds at least ${request.minimumStorageCapacityGiB} GiB`,
  ].filter((n): n is string => n !== undefined);
  return needs.length === 0 ? undefined : needs.join(' and ');
}

function renderConfiguration(candidate: { capacity: number; perUnit: number | undefined }): string {
  return `${candidate.capacity} GiB at ${candidate.perUnit} MB/s/TiB`;
}

function dollars(cents: number): string {
  return `$${(cents / 100).toFixed(2)}`;
}
