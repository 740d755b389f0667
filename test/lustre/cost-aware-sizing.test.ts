import { CfnParameter, Token } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { fileSystem, message, rejection, scratchIn } from './fixtures';
import { LustreDeploymentType, LustrePrices, LustreStorageType } from '../../src';
import { PRICES_US_EAST_1 } from '../../src/core/prices';
import { plainStack, plainTemplate } from '../support/harness';

// The built-in table's figures, read from the one price table (not repeated here).
const FSX = PRICES_US_EAST_1.fsxLustre;
const usd = (perUnit: number) => FSX.persistent2SsdByPerUnitThroughput[perUnit].usd;
const cents = (value: number) => Math.round(value * 100) / 100;
const BUILT_IN = `the estimated us-east-1 list prices checked ${FSX.scratchSsd.checked}`;

/** Prices under which the lowest per-unit throughput is by far the cheapest. */
const CHEAP_125: LustrePrices = {
  persistent2Ssd125UsdPerGbMonth: 0.01,
  persistent2Ssd250UsdPerGbMonth: 0.21,
  persistent2Ssd500UsdPerGbMonth: 0.34,
  persistent2Ssd1000UsdPerGbMonth: 0.6,
  scratchSsdUsdPerGbMonth: 0.14,
  description: 'eu-test list prices of 2026-12-01',
};

describe('LustreScratch cost-aware sizing', () => {
  test('throughputTargetMBps: 1000 chooses 1200 GiB at 1000 MB/s/TiB, the cheapest valid configuration, and reports it', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { throughputTargetMBps: 1000 });
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 1200,
      LustreConfiguration: Match.objectLike({ DeploymentType: 'PERSISTENT_2', PerUnitStorageThroughput: 1000 }),
    });
    expect(fs.storageCapacityGiB).toBe(1200);
    expect(fs.perUnitStorageThroughput).toBe(1000);
    expect(fs.throughputMBps).toBe(1200);
    expect(fs.estimatedMonthlyCostUsd).toBe(cents(1200 * usd(1000)));
    expect(fs.sizingReason).toBe('1200 GiB at 1000 MB/s/TiB: the cheapest valid configuration that reaches 1000 MB/s (1200 MB/s for '
      + `$${cents(1200 * usd(1000)).toFixed(2)} a month at ${BUILT_IN}; 2400 GiB at 500 MB/s/TiB: $${cents(2400 * usd(500)).toFixed(2)}, `
      + `4800 GiB at 250 MB/s/TiB: $${cents(4800 * usd(250)).toFixed(2)}, 9600 GiB at 125 MB/s/TiB: $${cents(9600 * usd(125)).toFixed(2)}).`);
  });

  test('minimumStorageCapacityGiB: the data needs 4000 GiB, so 4800 GiB at 250 MB/s/TiB costs least', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { throughputTargetMBps: 1000, minimumStorageCapacityGiB: 4000 });
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 4800,
      LustreConfiguration: Match.objectLike({ PerUnitStorageThroughput: 250 }),
    });
    expect(fs.estimatedMonthlyCostUsd).toBe(cents(4800 * usd(250)));
    expect(fs.sizingReason).toMatch(/^4800 GiB at 250 MB\/s\/TiB: the cheapest valid configuration that reaches 1000 MB\/s and holds at least 4000 GiB/);
  });

  test('minimumStorageCapacityGiB alone: the smallest valid capacity that holds it, at 125 MB/s/TiB', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { minimumStorageCapacityGiB: 5000 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.StorageCapacity).toBe(7200);
    expect(resource.Properties.LustreConfiguration.PerUnitStorageThroughput).toBe(125);
    expect(fs.throughputMBps).toBe(900);
  });

  test('a given perUnitStorageThroughput is kept: the smallest capacity at it', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { throughputTargetMBps: 1000, perUnitStorageThroughput: 125 });
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 9600,
      LustreConfiguration: Match.objectLike({ PerUnitStorageThroughput: 125 }),
    });
    expect(fs.estimatedMonthlyCostUsd).toBe(cents(9600 * usd(125)));
    expect(fs.sizingReason).toMatch(/^9600 GiB at 125 MB\/s\/TiB \(perUnitStorageThroughput as given\)/);
  });

  test('prices: other prices choose another configuration, and the reason names them', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { throughputTargetMBps: 1000, prices: CHEAP_125 });
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 9600,
      LustreConfiguration: Match.objectLike({ PerUnitStorageThroughput: 125 }),
    });
    expect(fs.estimatedMonthlyCostUsd).toBe(96);
    expect(fs.sizingReason).toContain('for $96.00 a month at eu-test list prices of 2026-12-01');
    const { description: _description, ...withoutDescription } = CHEAP_125;
    expect(scratchIn(plainStack(), { throughputTargetMBps: 1000, prices: withoutDescription }).sizingReason).toContain('at the given prices');
  });

  test('EFA without a per-unit throughput: the cheapest EFA configuration, 4800 GiB at 1000 MB/s/TiB', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { efa: true });
    plainTemplate(stack).hasResourceProperties('AWS::FSx::FileSystem', {
      StorageCapacity: 4800,
      LustreConfiguration: Match.objectLike({ EfaEnabled: true, PerUnitStorageThroughput: 1000 }),
    });
    expect(fs.throughputMBps).toBe(4800);
  });

  test('SCRATCH_2: the fixed baseline, no per-unit throughput, the scratch price', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { deploymentType: LustreDeploymentType.SCRATCH_2, throughputTargetMBps: 1000 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.StorageCapacity).toBe(7200);
    expect(resource.Properties.LustreConfiguration.PerUnitStorageThroughput).toBeUndefined();
    expect(fs.perUnitStorageThroughput).toBeUndefined();
    expect(fs.throughputMBps).toBe(1440);
    expect(fs.estimatedMonthlyCostUsd).toBe(cents(7200 * FSX.scratchSsd.usd));
  });

  test('storageCapacityGiB as given keeps today\'s behaviour: 125 MB/s/TiB unless given, its cost reported', () => {
    const stack = plainStack();
    const fs = scratchIn(stack, { storageCapacityGiB: 2400 });
    const resource = fileSystem(plainTemplate(stack));
    expect(resource.Properties.StorageCapacity).toBe(2400);
    expect(resource.Properties.LustreConfiguration.PerUnitStorageThroughput).toBe(125);
    expect(fs.perUnitStorageThroughput).toBe(125);
    expect(fs.estimatedMonthlyCostUsd).toBe(cents(2400 * usd(125)));
    expect(fs.sizingReason).toBe(`2400 GiB at 125 MB/s/TiB (storageCapacityGiB as given): 300 MB/s for $${cents(2400 * usd(125)).toFixed(2)} a month at ${BUILT_IN}.`);
  });

  test('the default file system reports 1200 GiB at 125 MB/s/TiB and its price', () => {
    const fs = scratchIn(plainStack());
    expect(fs.perUnitStorageThroughput).toBe(125);
    expect(fs.estimatedMonthlyCostUsd).toBe(cents(1200 * usd(125)));
    expect(fs.sizingReason).toMatch(/^1200 GiB at 125 MB\/s\/TiB: the cheapest valid configuration \(150 MB\/s for /);
  });

  test('Intelligent-Tiering: no estimate, a reason', () => {
    const fs = scratchIn(plainStack(), { storageType: LustreStorageType.INTELLIGENT_TIERING, throughputCapacityMBps: 8000 });
    expect(fs.estimatedMonthlyCostUsd).toBeUndefined();
    expect(fs.perUnitStorageThroughput).toBeUndefined();
    expect(fs.sizingReason).toBe('Intelligent-Tiering, sized by throughputCapacityMBps (8000 MB/s): its storage is billed as used, so no estimate.');
  });

  test('unresolved tokens: nothing checked or priced that depends on them', () => {
    const capacityToken = scratchIn(plainStack(), { storageCapacityGiB: Token.asNumber({ Ref: 'Capacity' }) });
    expect(capacityToken.estimatedMonthlyCostUsd).toBeUndefined();
    expect(capacityToken.sizingReason).toBe('storageCapacityGiB is an unresolved token: the throughput and the monthly price are unknown at synth time.');

    // A per-unit throughput unknown at synth time: the capacity reaches the target at the lowest one, 125 MB/s/TiB, as before.
    const stack = plainStack();
    const perUnit = new CfnParameter(stack, 'PerUnit', { type: 'Number', allowedValues: ['125', '250', '500', '1000'] });
    const perUnitToken = scratchIn(stack, { throughputTargetMBps: 1000, perUnitStorageThroughput: perUnit.valueAsNumber });
    expect(fileSystem(plainTemplate(stack)).Properties).toEqual(expect.objectContaining({
      StorageCapacity: 9600,
      LustreConfiguration: expect.objectContaining({ PerUnitStorageThroughput: { Ref: 'PerUnit' } }),
    }));
    expect(perUnitToken.estimatedMonthlyCostUsd).toBeUndefined();
    expect(perUnitToken.perUnitStorageThroughput).toBeUndefined();
    expect(perUnitToken.sizingReason).toBe('9600 GiB: perUnitStorageThroughput is an unresolved token, so the capacity reaches 1000 MB/s at 125 MB/s/TiB, '
      + 'the lowest; the monthly price is unknown at synth time.');
  });

  test('rejects a minimum capacity with storageCapacityGiB, with Intelligent-Tiering, not positive, or as a token', () => {
    expect(rejection({ storageCapacityGiB: 2400, minimumStorageCapacityGiB: 2000 }).message).toBe(message('minimumStorageCapacityGiB', '2000',
      'nothing together with storageCapacityGiB: give the capacity, or what it is derived from (throughputTargetMBps, minimumStorageCapacityGiB), not both'));
    expect(rejection({ minimumStorageCapacityGiB: -1 }).message).toBe(message('minimumStorageCapacityGiB', '-1', 'a positive number of GiB'));
    expect(rejection({ minimumStorageCapacityGiB: 0 }).message).toBe(message('minimumStorageCapacityGiB', '0', 'a positive number of GiB'));
    expect(rejection({ storageType: LustreStorageType.INTELLIGENT_TIERING, throughputCapacityMBps: 4000, minimumStorageCapacityGiB: 1200 }).message)
      .toBe(message('minimumStorageCapacityGiB', '1200',
        'nothing with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering storage is elastic and has no provisioned capacity'));
    expect(rejection({ minimumStorageCapacityGiB: Token.asNumber({ Ref: 'Minimum' }) }).message).toBe(message('minimumStorageCapacityGiB',
      '(unresolved token)', 'a literal number of GiB: the capacity is derived from it at synth time'));
  });

  test('rejects prices that are not positive or not literal', () => {
    expect(rejection({ prices: { ...CHEAP_125, persistent2Ssd500UsdPerGbMonth: 0 } }).message).toBe(message('prices.persistent2Ssd500UsdPerGbMonth', '0',
      'a positive number of USD per GB-month'));
    expect(rejection({ prices: { ...CHEAP_125, scratchSsdUsdPerGbMonth: -0.14 } }).message).toBe(message('prices.scratchSsdUsdPerGbMonth', '-0.14',
      'a positive number of USD per GB-month'));
    expect(rejection({ prices: { ...CHEAP_125, persistent2Ssd125UsdPerGbMonth: Token.asNumber({ Ref: 'Price' }) } }).message)
      .toBe(message('prices.persistent2Ssd125UsdPerGbMonth', '(unresolved token)', 'a literal number of USD per GB-month: the configuration is chosen at synth time'));
  });
});
