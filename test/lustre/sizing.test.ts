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
