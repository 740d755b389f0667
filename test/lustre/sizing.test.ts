import { PRICES_US_EAST_1 } from '../../src/core/prices';
import * as rules from '../../src/lustre/rules';
import { CapacityContext } from '../../src/lustre/rules';
import * as sizing from '../../src/lustre/sizing';

const P2: CapacityContext = { deploymentType: 'PERSISTENT_2', storageType: 'SSD', efa: false, perUnitStorageThroughput: 125 };

describe('defaults derived from other properties', () => {
  test('per-unit throughput: 125 MB/s/TiB on PERSISTENT_2 SSD only', () => {
    expect(sizing.defaultPerUnitStorageThroughput('PERSISTENT_2', 'SSD')).toBe(125);
    expect(sizing.defaultPerUnitStorageThroughput('PERSISTENT_2', 'INTELLIGENT_TIERING')).toBeUndefined();
    expect(sizing.defaultPerUnitStorageThroughput('SCRATCH_2', 'SSD')).toBeUndefined();
    expect(sizing.defaultPerUnitStorageThroughput('SCRATCH_1', 'SSD')).toBeUndefined();
  });

  test('capacity: 1200 GiB, or one EFA step at the per-unit throughput', () => {
    expect(sizing.defaultStorageCapacity(P2)).toBe(1200);
    expect(sizing.defaultStorageCapacity({ deploymentType: 'SCRATCH_1', storageType: 'SSD', efa: false })).toBe(1200);
    for (const [perUnit, step] of Object.entries(rules.EFA_CAPACITY_STEP_GIB)) {
      expect(sizing.defaultStorageCapacity({ ...P2, efa: true, perUnitStorageThroughput: Number(perUnit) })).toBe(step);
    }
    // EFA with an unknown per-unit throughput (an unresolved token): no step to apply.
    expect(sizing.defaultStorageCapacity({ ...P2, efa: true, perUnitStorageThroughput: undefined })).toBe(1200);
  });

  test('metadata: 6000 provisioned IOPS on Intelligent-Tiering, AUTOMATIC on PERSISTENT_2 SSD with Lustre 2.15, none otherwise', () => {
    expect(sizing.defaultMetadataConfiguration('PERSISTENT_2', 'INTELLIGENT_TIERING', '2.15')).toEqual({ mode: 'USER_PROVISIONED', iops: 6000 });
    expect(sizing.defaultMetadataConfiguration('PERSISTENT_2', 'SSD', '2.15')).toEqual({ mode: 'AUTOMATIC' });
    expect(sizing.defaultMetadataConfiguration('PERSISTENT_2', 'SSD', '2.12')).toBeUndefined();
    expect(sizing.defaultMetadataConfiguration('SCRATCH_2', 'SSD', '2.15')).toBeUndefined();
  });
});

describe('the smallest valid capacity of at least a size', () => {
  test.each([
    [0, 1200], [1200, 1200], [1201, 2400], [2400, 2400], [2401, 4800], [9600, 9600], [9601, 12000],
  ])('PERSISTENT_2: at least %d GiB is %d GiB', (minimum, capacity) => {
    expect(rules.smallestValidCapacity(P2, minimum)).toBe(capacity);
  });

  test('SCRATCH_1 grows by 3600 GiB, EFA by its step', () => {
    expect(rules.smallestValidCapacity({ deploymentType: 'SCRATCH_1', storageType: 'SSD', efa: false }, 2401)).toBe(3600);
    expect(rules.smallestValidCapacity({ ...P2, efa: true, perUnitStorageThroughput: 1000 }, 4801)).toBe(9600);
  });
});

// The built-in table's figures, read from the one price table (not repeated here).
const FSX = PRICES_US_EAST_1.fsxLustre;
const usd = (perUnit: number) => FSX.persistent2SsdByPerUnitThroughput[perUnit].usd;
const cents = (value: number) => Math.round(value * 100) / 100;

describe('the cheapest valid configuration', () => {
  test('1000 MB/s: 1200 GiB at 1000 MB/s/TiB, about half the monthly price of 9600 GiB at 125 MB/s/TiB', () => {
    const choice = sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, throughputTargetMBps: 1000 }, sizing.BUILT_IN_PRICES);
    expect(choice).toEqual({
      storageCapacityGiB: 1200,
      perUnitStorageThroughput: 1000,
      throughputMBps: 1200,
      monthlyCostUsd: cents(1200 * usd(1000)),
      reason: expect.stringMatching(/^1200 GiB at 1000 MB\/s\/TiB: the cheapest valid configuration that reaches 1000 MB\/s/),
    });
    const smallestAt125 = sizing.monthlyCost('PERSISTENT_2', 125, rules.capacityForThroughput(P2, 1000), sizing.BUILT_IN_PRICES);
    expect(rules.capacityForThroughput(P2, 1000)).toBe(9600);
    expect(choice.monthlyCostUsd / smallestAt125).toBeGreaterThan(0.45);
    expect(choice.monthlyCostUsd / smallestAt125).toBeLessThan(0.55);
    // The reason names the others, so that the choice can be checked.
    expect(choice.reason).toContain(`9600 GiB at 125 MB/s/TiB: $${cents(9600 * usd(125)).toFixed(2)}`);
    expect(choice.reason).toContain(sizing.BUILT_IN_PRICES.description);
  });

  test('a minimum capacity for the data can make a lower per-unit throughput the cheapest', () => {
    // 1000 MB/s in at least 4000 GiB: 4800 GiB at 250 MB/s/TiB, not 4800 GiB at 1000.
    const choice = sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, throughputTargetMBps: 1000, minimumStorageCapacityGiB: 4000 },
      sizing.BUILT_IN_PRICES);
    expect(choice).toMatchObject({
      storageCapacityGiB: 4800, perUnitStorageThroughput: 250, throughputMBps: 1200, monthlyCostUsd: cents(4800 * usd(250)),
    });
    expect(choice.reason).toMatch(/^4800 GiB at 250 MB\/s\/TiB: the cheapest valid configuration that reaches 1000 MB\/s and holds at least 4000 GiB/);
    // 1000 MB/s in at least 9000 GiB: 9600 GiB at the lowest per-unit throughput.
    expect(sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, throughputTargetMBps: 1000, minimumStorageCapacityGiB: 9000 },
      sizing.BUILT_IN_PRICES)).toMatchObject({ storageCapacityGiB: 9600, perUnitStorageThroughput: 125 });
  });

  test('a minimum capacity alone: the smallest valid capacity that holds it, at the lowest per-unit throughput', () => {
    expect(sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, minimumStorageCapacityGiB: 5000 }, sizing.BUILT_IN_PRICES))
      .toMatchObject({ storageCapacityGiB: 7200, perUnitStorageThroughput: 125, throughputMBps: 900 });
    expect(sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false }, sizing.BUILT_IN_PRICES))
      .toMatchObject({ storageCapacityGiB: 1200, perUnitStorageThroughput: 125, monthlyCostUsd: cents(1200 * usd(125)) });
  });

  test('EFA: capacities in the steps of each per-unit throughput', () => {
    const efa = (throughputTargetMBps: number, minimumStorageCapacityGiB?: number) => sizing.cheapestConfiguration(
      { deploymentType: 'PERSISTENT_2', efa: true, throughputTargetMBps, minimumStorageCapacityGiB }, sizing.BUILT_IN_PRICES);
    expect(efa(1000)).toMatchObject({ storageCapacityGiB: 4800, perUnitStorageThroughput: 1000, throughputMBps: 4800 });
    expect(efa(10000)).toMatchObject({ storageCapacityGiB: 14400, perUnitStorageThroughput: 1000, throughputMBps: 14400 });
    // 20000 GiB of data: one 38400 GiB step at 125 MB/s/TiB costs less than 24000 GiB (five 4800 GiB steps) at 1000.
    const choice = efa(1000, 20000);
    expect(choice).toMatchObject({ storageCapacityGiB: 38400, perUnitStorageThroughput: 125, monthlyCostUsd: cents(38400 * usd(125)) });
    expect(rules.isValidCapacity({ ...P2, efa: true, perUnitStorageThroughput: 125 }, choice.storageCapacityGiB)).toBe(true);
    expect(choice.reason).toContain(`24000 GiB at 1000 MB/s/TiB: $${cents(24000 * usd(1000)).toFixed(2)}`);
  });

  test('SCRATCH_2 has one per-unit throughput: the smallest valid capacity that reaches the target', () => {
    const choice = sizing.cheapestConfiguration({ deploymentType: 'SCRATCH_2', efa: false, throughputTargetMBps: 1000 }, sizing.BUILT_IN_PRICES);
    expect(choice).toEqual({
      storageCapacityGiB: 7200,
      perUnitStorageThroughput: undefined,
      throughputMBps: 1440,
      monthlyCostUsd: cents(7200 * FSX.scratchSsd.usd),
      reason: expect.stringMatching(/^7200 GiB: the smallest valid capacity that reaches 1000 MB\/s at SCRATCH_2's fixed 200 MB\/s\/TiB/),
    });
  });

  test('a per-unit throughput that is given is kept, even when another costs less', () => {
    const choice = sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, throughputTargetMBps: 1000, perUnitStorageThroughput: 125 },
      sizing.BUILT_IN_PRICES);
    expect(choice).toMatchObject({
      storageCapacityGiB: 9600, perUnitStorageThroughput: 125, throughputMBps: 1200, monthlyCostUsd: cents(9600 * usd(125)),
    });
    expect(choice.reason).toMatch(/^9600 GiB at 125 MB\/s\/TiB \(perUnitStorageThroughput as given\): the smallest valid capacity that reaches 1000 MB\/s/);
  });

  test('equal monthly prices: the larger capacity', () => {
    const prices: sizing.SsdPrices = { persistent2UsdPerGbMonth: { 125: 0.1, 250: 0.2, 500: 0.5, 1000: 1 }, scratchUsdPerGbMonth: 0.1, description: 'test prices' };
    // 300 MB/s: 2400 GiB at 125 and 1200 GiB at 250 both cost $240.00.
    expect(sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, throughputTargetMBps: 300 }, prices))
      .toMatchObject({ storageCapacityGiB: 2400, perUnitStorageThroughput: 125, monthlyCostUsd: 240 });
  });

  test('other prices give other choices', () => {
    const prices: sizing.SsdPrices = { persistent2UsdPerGbMonth: { 125: 0.01, 250: 0.21, 500: 0.34, 1000: 0.6 }, scratchUsdPerGbMonth: 0.14, description: 'test prices' };
    const choice = sizing.cheapestConfiguration({ deploymentType: 'PERSISTENT_2', efa: false, throughputTargetMBps: 1000 }, prices);
    expect(choice).toMatchObject({ storageCapacityGiB: 9600, perUnitStorageThroughput: 125, monthlyCostUsd: 96 });
    expect(choice.reason).toContain('test prices');
  });
});

describe('the cost of a given configuration', () => {
  test('capacity times the price per GB-month of its deployment type and per-unit throughput', () => {
    expect(sizing.monthlyCost('PERSISTENT_2', 500, 2400, sizing.BUILT_IN_PRICES)).toBeCloseTo(2400 * usd(500), 9);
    expect(sizing.monthlyCost('SCRATCH_1', undefined, 3600, sizing.BUILT_IN_PRICES)).toBeCloseTo(3600 * FSX.scratchSsd.usd, 9);
    const given = sizing.describeGivenConfiguration('PERSISTENT_2', 125, 2400, sizing.BUILT_IN_PRICES);
    expect(given).toEqual({
      monthlyCostUsd: cents(2400 * usd(125)),
      reason: `2400 GiB at 125 MB/s/TiB (storageCapacityGiB as given): 300 MB/s for $${cents(2400 * usd(125)).toFixed(2)} a month at ${sizing.BUILT_IN_PRICES.description}.`,
    });
  });

  test('the built-in prices are the us-east-1 table', () => {
    expect(sizing.BUILT_IN_PRICES.persistent2UsdPerGbMonth).toEqual({ 125: usd(125), 250: usd(250), 500: usd(500), 1000: usd(1000) });
    expect(sizing.BUILT_IN_PRICES.scratchUsdPerGbMonth).toBe(FSX.scratchSsd.usd);
    expect(sizing.BUILT_IN_PRICES.description).toBe(`the estimated us-east-1 list prices checked ${FSX.scratchSsd.checked}`);
  });
});

describe('price table', () => {
  test('every FSx for Lustre price cites the pricing page, is dated, and says whether it is an estimate', () => {
    for (const price of [...Object.values(FSX.persistent2SsdByPerUnitThroughput), FSX.scratchSsd]) {
      expect(price.unit).toBe('GB-month');
      expect(price.sources[0]).toBe('https://aws.amazon.com/fsx/lustre/pricing/');
      expect(price.sources.length).toBeGreaterThan(1);
      expect(price.checked).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(typeof price.estimate).toBe('boolean');
    }
    expect(Object.keys(FSX.persistent2SsdByPerUnitThroughput).map(Number)).toEqual(rules.PERSISTENT_2_PER_UNIT_THROUGHPUTS);
  });
});

describe('checks of the sizing inputs', () => {
  test('a minimum capacity is a positive number of GiB, for SSD only', () => {
    expect(sizing.checkMinimumStorageCapacity('SSD', 1)).toBeUndefined();
    expect(sizing.checkMinimumStorageCapacity('SSD', 0)).toEqual({ property: 'minimumStorageCapacityGiB', received: '0', allowed: 'a positive number of GiB' });
    expect(sizing.checkMinimumStorageCapacity('SSD', -5)?.received).toBe('-5');
    expect(sizing.checkMinimumStorageCapacity('SSD', Infinity)?.allowed).toBe('a positive number of GiB');
    expect(sizing.checkMinimumStorageCapacity('INTELLIGENT_TIERING', 1200)).toEqual({
      property: 'minimumStorageCapacityGiB',
      received: '1200',
      allowed: 'nothing with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering storage is elastic and has no provisioned capacity',
    });
  });

  test('prices are positive numbers of USD per GB-month', () => {
    expect(sizing.checkPrice('persistent2Ssd125UsdPerGbMonth', 0.145)).toBeUndefined();
    expect(sizing.checkPrice('scratchSsdUsdPerGbMonth', 0)).toEqual({
      property: 'prices.scratchSsdUsdPerGbMonth', received: '0', allowed: 'a positive number of USD per GB-month',
    });
    expect(sizing.checkPrice('scratchSsdUsdPerGbMonth', NaN)?.received).toBe('NaN');
  });
});
