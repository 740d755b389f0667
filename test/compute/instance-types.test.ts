import { readFileSync } from 'fs';
import * as path from 'path';
import { AcceleratedInstanceTypes, AcceleratorKind, EfaNetworkInterface, NetworkInterfaceType } from '../../src/compute';
import {
  INSTANCE_FACTS_CHECKED, INSTANCE_TYPE_FACTS, checkEfaInterfaceCounts, efaCountsFor, instanceFacts, knownInstanceTypes, planEfaInterfaces,
} from '../../src/compute/instance-types';
import { TrainingStorageError } from '../../src/core/errors';

const REQUIRED = [
  'p4d.24xlarge', 'p4de.24xlarge', 'p5.48xlarge', 'p5e.48xlarge', 'p5en.48xlarge', 'p6-b200.48xlarge',
  'g6e.48xlarge', 'trn1.32xlarge', 'trn2.48xlarge',
];

/** The plan as `card/device/type` strings, compact to compare. */
function compact(plan: EfaNetworkInterface[]): string[] {
  return plan.map((i) => `${i.networkCardIndex}/${i.deviceIndex}/${i.interfaceType}`);
}

/** The plan AWS recommends with efa-only: ENA primary, efa-only on card 0 device 1 and on device 0 of cards 1..n-1. */
function efaOnlyPlan(efaInterfaces: number): string[] {
  return ['0/0/interface', '0/1/efa-only', ...Array.from({ length: efaInterfaces - 1 }, (_, i) => `${i + 1}/0/efa-only`)];
}

describe('instance type facts (pure)', () => {
  test('the module imports neither aws-cdk-lib nor constructs', () => {
    const source = readFileSync(path.join(__dirname, '../../src/compute/instance-types.ts'), 'utf8');
    expect(source).not.toMatch(/from '(aws-cdk-lib|constructs)/);
    expect(source).not.toMatch(/^import /m);
  });

  test('the table holds every required type, keyed by its own name', () => {
    expect(knownInstanceTypes()).toEqual(expect.arrayContaining(REQUIRED));
    expect(knownInstanceTypes()).toHaveLength(INSTANCE_TYPE_FACTS.size);
    for (const [key, facts] of INSTANCE_TYPE_FACTS) {
      expect(facts.instanceType).toBe(key);
    }
    expect(INSTANCE_FACTS_CHECKED).toBe('2026-12-01');
  });

  test('invariants: counts are whole and positive, EFA <= network cards, storage adds up', () => {
    for (const facts of INSTANCE_TYPE_FACTS.values()) {
      const counts = [facts.acceleratorCount, facts.vCpus, facts.maxEfaInterfaces, facts.maxNetworkCards,
        facts.instanceStoreDiskCount, facts.instanceStoreDiskSizeGB, facts.instanceStoreTotalSizeGB, facts.networkBandwidthGbps];
      for (const n of counts) {
        expect(Number.isInteger(n) && n > 0).toBe(true);
      }
      expect(facts.maxEfaInterfaces).toBeLessThanOrEqual(facts.maxNetworkCards);
      expect(facts.instanceStoreDiskCount * facts.instanceStoreDiskSizeGB).toBe(facts.instanceStoreTotalSizeGB);
      expect(facts.acceleratorModel).not.toBe('');
      // NVIDIA types are p* and g*, Trainium types trn*.
      expect(facts.acceleratorKind).toBe(facts.instanceType.startsWith('trn') ? AcceleratorKind.AWS_TRAINIUM : AcceleratorKind.NVIDIA_GPU);
      // The counts of every known type pass the checks, and its plan has one EFA device per card.
      const own = { efaInterfaces: facts.maxEfaInterfaces, networkCards: facts.maxNetworkCards };
      expect(checkEfaInterfaceCounts(own, facts)).toBeUndefined();
      const plan = AcceleratedInstanceTypes.planEfaNetworkInterfaces(facts.instanceType);
      expect(plan.filter((i) => i.interfaceType !== NetworkInterfaceType.INTERFACE)).toHaveLength(facts.maxEfaInterfaces);
      expect(new Set(plan.map((i) => `${i.networkCardIndex}/${i.deviceIndex}`)).size).toBe(plan.length);
      expect(Math.max(...plan.map((i) => i.networkCardIndex))).toBe(facts.maxEfaInterfaces - 1);
    }
  });

  test('a few rows as the sources give them', () => {
    expect(instanceFacts('p5.48xlarge')).toEqual({
      instanceType: 'p5.48xlarge',
      acceleratorKind: AcceleratorKind.NVIDIA_GPU,
      acceleratorCount: 8,
      acceleratorModel: 'H100',
      vCpus: 192,
      maxEfaInterfaces: 32,
      maxNetworkCards: 32,
      efaOnlySupported: true,
      instanceStoreDiskCount: 8,
      instanceStoreDiskSizeGB: 3800,
      instanceStoreTotalSizeGB: 30400,
      networkBandwidthGbps: 3200,
    });
    expect(instanceFacts('p4d.24xlarge')).toMatchObject({ vCpus: 96, acceleratorCount: 8, acceleratorModel: 'A100', instanceStoreTotalSizeGB: 8000, networkBandwidthGbps: 400 });
    expect(instanceFacts('trn1.32xlarge')).toMatchObject({ vCpus: 128, acceleratorCount: 16, acceleratorModel: 'Trainium', networkBandwidthGbps: 800 });
    expect(instanceFacts('trn2.48xlarge')).toMatchObject({ vCpus: 192, acceleratorCount: 16, acceleratorModel: 'Trainium2', maxEfaInterfaces: 16 });
    expect(instanceFacts('g6e.48xlarge')).toMatchObject({ maxNetworkCards: 4, networkBandwidthGbps: 400 });
  });

  test('lookup: unknown types and near misses are undefined', () => {
    for (const unknown of ['m7i.large', 'p5.4xlarge', 'P5.48XLARGE', ' p5.48xlarge', '']) {
      expect(instanceFacts(unknown)).toBeUndefined();
      expect(AcceleratedInstanceTypes.facts(unknown)).toBeUndefined();
    }
    expect(AcceleratedInstanceTypes.facts('trn2.48xlarge')).toBe(instanceFacts('trn2.48xlarge'));
    expect(AcceleratedInstanceTypes.knownInstanceTypes()).toEqual(knownInstanceTypes());
  });
});

describe('EFA network interface plan (pure)', () => {
  test('p5.48xlarge: ENA primary, efa-only on card 0 device 1 and on device 0 of cards 1..31 (32 EFA, 1 ENA)', () => {
    const plan = AcceleratedInstanceTypes.planEfaNetworkInterfaces('p5.48xlarge');
    expect(plan).toHaveLength(33);
    expect(plan.slice(0, 3)).toEqual([
      { networkCardIndex: 0, deviceIndex: 0, interfaceType: NetworkInterfaceType.INTERFACE },
      { networkCardIndex: 0, deviceIndex: 1, interfaceType: NetworkInterfaceType.EFA_ONLY },
      { networkCardIndex: 1, deviceIndex: 0, interfaceType: NetworkInterfaceType.EFA_ONLY },
    ]);
    expect(plan[32]).toEqual({ networkCardIndex: 31, deviceIndex: 0, interfaceType: 'efa-only' });
    expect(compact(plan)).toEqual(efaOnlyPlan(32));
  });

  test('p4d.24xlarge (4 cards), g6e.48xlarge (4 cards), trn2.48xlarge (16 cards)', () => {
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('p4d.24xlarge')))
      .toEqual(['0/0/interface', '0/1/efa-only', '1/0/efa-only', '2/0/efa-only', '3/0/efa-only']);
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('g6e.48xlarge'))).toEqual(efaOnlyPlan(4));
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('trn2.48xlarge'))).toEqual(efaOnlyPlan(16));
  });

  test('an unknown type: EFA off without counts, planned from counts when given', () => {
    expect(AcceleratedInstanceTypes.planEfaNetworkInterfaces('m7i.large')).toEqual([]);
    expect(planEfaInterfaces(efaCountsFor('m7i.large'))).toEqual([]);
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('x9.48xlarge', { efaInterfaces: 2, networkCards: 4 })))
      .toEqual(['0/0/interface', '0/1/efa-only', '1/0/efa-only']);
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('x9.48xlarge', { efaInterfaces: 1, networkCards: 1 })))
      .toEqual(['0/0/interface', '0/1/efa-only']);
  });

  test('fewer EFAs than a known type allows', () => {
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('p5.48xlarge', { efaInterfaces: 4, networkCards: 32 }))).toEqual(efaOnlyPlan(4));
  });

  test('without efa-only: efa on card 0 device 0, then efa on device 1 of each further card', () => {
    expect(compact(planEfaInterfaces({ efaInterfaces: 4, networkCards: 4, efaOnlySupported: false })))
      .toEqual(['0/0/efa', '1/1/efa', '2/1/efa', '3/1/efa']);
    expect(compact(AcceleratedInstanceTypes.planEfaNetworkInterfaces('x9.48xlarge', { efaInterfaces: 1, networkCards: 2, efaOnlySupported: false })))
      .toEqual(['0/0/efa']);
  });

  test('counts: user counts win; efaOnlySupported left out is the known type\'s, else true', () => {
    expect(efaCountsFor('p5.48xlarge')).toEqual({ efaInterfaces: 32, networkCards: 32, efaOnlySupported: true });
    expect(efaCountsFor('p5.48xlarge', { efaInterfaces: 2, networkCards: 8 })).toEqual({ efaInterfaces: 2, networkCards: 8, efaOnlySupported: true });
    expect(efaCountsFor('x9.48xlarge', { efaInterfaces: 2, networkCards: 8 })).toEqual({ efaInterfaces: 2, networkCards: 8, efaOnlySupported: undefined });
    expect(efaCountsFor('x9.48xlarge', { efaInterfaces: 2, networkCards: 8, efaOnlySupported: false }))
      .toEqual({ efaInterfaces: 2, networkCards: 8, efaOnlySupported: false });
    expect(efaCountsFor('x9.48xlarge')).toBeUndefined();
  });
});

describe('EFA count validation (pure)', () => {
  test('every message', () => {
    const wholeEfa = 'a whole number of at least 1 (leave the EFA counts out to launch without EFA)';
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(checkEfaInterfaceCounts({ efaInterfaces: bad, networkCards: 4 }))
        .toEqual({ property: 'efaInterfaces', received: String(bad), allowed: wholeEfa });
      expect(checkEfaInterfaceCounts({ efaInterfaces: 1, networkCards: bad }))
        .toEqual({ property: 'networkCards', received: String(bad), allowed: 'a whole number of at least 1' });
    }
    expect(checkEfaInterfaceCounts({ efaInterfaces: 5, networkCards: 4 }))
      .toEqual({ property: 'efaInterfaces', received: '5', allowed: 'at most networkCards (4): one EFA per network card' });
    expect(checkEfaInterfaceCounts({ efaInterfaces: 4, networkCards: 64 }, instanceFacts('p5.48xlarge')))
      .toEqual({ property: 'networkCards', received: '64', allowed: 'at most 32: p5.48xlarge has 32 network cards' });
    expect(checkEfaInterfaceCounts({ efaInterfaces: 5, networkCards: 4 }, instanceFacts('g6e.48xlarge')))
      .toEqual({ property: 'efaInterfaces', received: '5', allowed: 'at most networkCards (4): one EFA per network card' });
    // No type of the table has fewer EFAs than cards, or lacks efa-only: these two take made-up facts.
    const fewerEfas = { ...instanceFacts('p5.48xlarge')!, instanceType: 'x9.48xlarge', maxEfaInterfaces: 16, efaOnlySupported: false };
    expect(checkEfaInterfaceCounts({ efaInterfaces: 17, networkCards: 32 }, fewerEfas))
      .toEqual({ property: 'efaInterfaces', received: '17', allowed: 'at most 16: x9.48xlarge takes 16 EFA interfaces' });
    expect(checkEfaInterfaceCounts({ efaInterfaces: 16, networkCards: 32, efaOnlySupported: true }, fewerEfas))
      .toEqual({ property: 'efaOnlySupported', received: 'true', allowed: 'false: x9.48xlarge takes no efa-only interfaces' });
    expect(checkEfaInterfaceCounts({ efaInterfaces: 16, networkCards: 32 }, fewerEfas)).toBeUndefined();
  });

  test('a known type: limits of the type; an unknown type: no limits but the counts themselves', () => {
    expect(checkEfaInterfaceCounts({ efaInterfaces: 32, networkCards: 32 }, instanceFacts('p5.48xlarge'))).toBeUndefined();
    expect(checkEfaInterfaceCounts({ efaInterfaces: 8, networkCards: 64 }, instanceFacts('x9.48xlarge'))).toBeUndefined();
    expect(checkEfaInterfaceCounts({ efaInterfaces: 8, networkCards: 64 })).toBeUndefined();
    expect(checkEfaInterfaceCounts({ efaInterfaces: 1, networkCards: 1, efaOnlySupported: false }, instanceFacts('p4d.24xlarge'))).toBeUndefined();
  });

  test('the public planner throws TrainingStorageError with the violation', () => {
    const attempt = (): unknown => AcceleratedInstanceTypes.planEfaNetworkInterfaces('p4d.24xlarge', { efaInterfaces: 0, networkCards: 4 });
    expect(attempt).toThrow(TrainingStorageError);
    expect(attempt).toThrow('efaInterfaces: received 0; allowed: a whole number of at least 1');
    expect(() => AcceleratedInstanceTypes.planEfaNetworkInterfaces('p4d.24xlarge', { efaInterfaces: 4, networkCards: 8 }))
      .toThrow('networkCards: received 8; allowed: at most 4: p4d.24xlarge has 4 network cards');
  });
});
