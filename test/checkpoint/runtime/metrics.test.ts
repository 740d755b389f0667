import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { RecordedCall, T0 } from './fakes';
import { CHECKPOINT_METRIC_NAMESPACE, CheckpointRunSummary, RunOutcome } from '../../../src/checkpoint/handler/contract';
import { MAX_TIER_DIMENSION_LENGTH, publishRunMetrics, runMetricData, tierDimensionProblem } from '../../../src/checkpoint/runtime/metrics';

const TIER = 'Stack/Checkpoints';
const NOW = T0 + 3 * 3600_000;

function outcome(summary: Partial<CheckpointRunSummary> = {}, newestCompleteMs?: number): RunOutcome {
  return {
    summary: { tier: TIER, lakeComplete: 5, incomplete: 2, released: 3, copied: 0, deleted: 1, problems: [], ...summary },
    newestCompleteMs,
  };
}

const dimensions = [{ Name: 'Tier', Value: TIER }];

describe('runMetricData', () => {
  test('the newest complete checkpoint\'s age in seconds and the run\'s counts, with the Tier dimension', () => {
    expect(runMetricData(TIER, outcome({}, NOW - 90_500), NOW)).toEqual([
      { MetricName: 'NewestCompleteCheckpointAgeSeconds', Dimensions: dimensions, Timestamp: new Date(NOW), Value: 90, Unit: 'Seconds' },
      { MetricName: 'IncompleteCheckpoints', Dimensions: dimensions, Timestamp: new Date(NOW), Value: 2, Unit: 'Count' },
      { MetricName: 'ReleasedCheckpoints', Dimensions: dimensions, Timestamp: new Date(NOW), Value: 3, Unit: 'Count' },
      { MetricName: 'DeletedCheckpoints', Dimensions: dimensions, Timestamp: new Date(NOW), Value: 1, Unit: 'Count' },
    ]);
  });

  test('no complete checkpoint in the lake: no age (the alarm treats missing data as breaching), the counts still', () => {
    const data = runMetricData(TIER, outcome({ released: 0, deleted: 0 }), NOW);
    expect(data.map((datum) => [datum.MetricName, datum.Value])).toEqual([
      ['IncompleteCheckpoints', 2], ['ReleasedCheckpoints', 0], ['DeletedCheckpoints', 0],
    ]);
  });

  test('a marker time ahead of the local clock: age 0, never negative', () => {
    expect(runMetricData(TIER, outcome({}, NOW + 5_000), NOW)[0]).toMatchObject({ MetricName: 'NewestCompleteCheckpointAgeSeconds', Value: 0 });
    expect(runMetricData(TIER, outcome({}, NOW), NOW)[0].Value).toBe(0);
  });

  test('values CloudWatch refuses are a bug: NaN, negative or fractional counts, a non-finite time', () => {
    expect(() => runMetricData(TIER, outcome({ released: Number.NaN }), NOW)).toThrow('metric ReleasedCheckpoints: NaN is not a count');
    expect(() => runMetricData(TIER, outcome({ incomplete: -1 }), NOW)).toThrow('metric IncompleteCheckpoints: -1 is not a count');
    expect(() => runMetricData(TIER, outcome({ deleted: 1.5 }), NOW)).toThrow('metric DeletedCheckpoints: 1.5 is not a count');
    expect(() => runMetricData(TIER, outcome({}, Number.POSITIVE_INFINITY), NOW)).toThrow('invalid newestCompleteMs Infinity');
    expect(() => runMetricData(TIER, outcome(), Number.NaN)).toThrow('invalid time NaN');
  });
});

describe('tierDimensionProblem', () => {
  test.each([
    ['a construct path', 'Stack/Checkpoints', undefined],
    ['255 characters', 'a'.repeat(MAX_TIER_DIMENSION_LENGTH), undefined],
    ['empty', '', '1 to 255 characters'],
    ['256 characters', 'a'.repeat(MAX_TIER_DIMENSION_LENGTH + 1), '1 to 255 characters'],
    ['not ASCII', 'Stack/Prüfpunkte', 'printable ASCII'],
    ['a control character', 'Stack/\tTier', 'printable ASCII'],
    ['spaces only', '   ', 'at least one not a space'],
  ])('%s', (_label, tier, problem) => {
    const found = tierDimensionProblem(tier);
    if (problem === undefined) {
      expect(found).toBeUndefined();
    } else {
      expect(found).toContain(problem);
    }
  });

  test('the builder refuses such a tier with the reason', () => {
    expect(() => runMetricData('Stack/Prüfpunkte', outcome(), NOW)).toThrow('the tier name "Stack/Prüfpunkte" cannot be a CloudWatch dimension value: expected printable ASCII');
  });
});

describe('publishRunMetrics', () => {
  test('one PutMetricData in the checkpoint namespace with the built data', async () => {
    const calls: RecordedCall[] = [];
    const cloudwatch = {
      send: async (command: { constructor: { name: string }; input: any }) => {
        calls.push({ name: command.constructor.name, input: command.input });
        return {};
      },
    } as unknown as CloudWatchClient;
    const run = outcome({}, NOW - 60_000);
    await publishRunMetrics(cloudwatch, TIER, run, NOW);
    expect(calls).toEqual([{ name: 'PutMetricDataCommand', input: { Namespace: CHECKPOINT_METRIC_NAMESPACE, MetricData: runMetricData(TIER, run, NOW) } }]);
    expect(CHECKPOINT_METRIC_NAMESPACE).toBe('CdkTrainingStorage/Checkpoints');
  });

  test('an error of CloudWatch propagates', async () => {
    const cloudwatch = { send: async () => { throw new Error('Throttling'); } } as unknown as CloudWatchClient;
    await expect(publishRunMetrics(cloudwatch, TIER, outcome(), NOW)).rejects.toThrow('Throttling');
  });
});
