/**
 * The checkpoint handler's metrics (runtime: the SDK, no constructs): after every run, the age of
 * the newest complete checkpoint in the lake and the run's counts, in the namespace and with the
 * `Tier` dimension of the contract (handler/contract.ts). The data is built by a pure function; the
 * send is one PutMetricData.
 *
 * CloudWatch's rules encoded here:
 * - values: "special values (for example, NaN, +Infinity, -Infinity) are not supported"; at most
 *   1000 metrics per request (PutMetricData:
 *   https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html);
 * - dimension values: "must contain only ASCII characters and must include at least one
 *   non-whitespace character. ASCII control characters are not supported", 1 to 1024 characters
 *   (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html); an
 *   alarm's dimension value takes 1 to 255 (AWS::CloudWatch::Alarm Dimension, as the CDK documents it:
 *   https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudwatch.CfnAlarm.DimensionProperty.html),
 *   and the tier's staleness alarm filters on this one, so 255 is the bound.
 */
import { CloudWatchClient, MetricDatum, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CHECKPOINT_METRIC_DIMENSION, CHECKPOINT_METRIC_NAMESPACE, CHECKPOINT_METRICS, RunOutcome } from '../handler/contract';

import { MAX_TIER_DIMENSION_LENGTH, tierDimensionProblem } from '../rules';

export { MAX_TIER_DIMENSION_LENGTH, tierDimensionProblem };

function count(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) {
    throw new Error(`metric ${name}: ${value} is not a count (a whole number, 0 or more)`);
  }
  return value;
}

/**
 * The MetricData of a run: `NewestCompleteCheckpointAgeSeconds` (whole seconds, never negative: a
 * marker time ahead of the local clock reads as 0) only while the lake holds a complete checkpoint,
 * then `IncompleteCheckpoints`, `ReleasedCheckpoints` and `DeletedCheckpoints`, all at `nowMs` with
 * the dimension `Tier` = `tier`.
 */
export function runMetricData(tier: string, outcome: RunOutcome, nowMs: number): MetricDatum[] {
  const problem = tierDimensionProblem(tier);
  if (problem !== undefined) {
    throw new Error(`the tier name ${JSON.stringify(tier)} cannot be a CloudWatch dimension value: expected ${problem}`);
  }
  if (!Number.isFinite(nowMs)) {
    throw new Error(`invalid time ${nowMs}: expected milliseconds since the epoch`);
  }
  const dimensions = [{ Name: CHECKPOINT_METRIC_DIMENSION, Value: tier }];
  const timestamp = new Date(nowMs);
  const datum = (name: string, value: number, unit: 'Seconds' | 'Count'): MetricDatum => ({
    MetricName: name, Dimensions: dimensions, Timestamp: timestamp, Value: value, Unit: unit,
  });
  const data: MetricDatum[] = [];
  if (outcome.newestCompleteMs !== undefined) {
    if (!Number.isFinite(outcome.newestCompleteMs)) {
      throw new Error(`invalid newestCompleteMs ${outcome.newestCompleteMs}: expected milliseconds since the epoch`);
    }
    data.push(datum(CHECKPOINT_METRICS.newestAge, Math.max(0, Math.floor((nowMs - outcome.newestCompleteMs) / 1000)), 'Seconds'));
  }
  const summary = outcome.summary;
  data.push(
    datum(CHECKPOINT_METRICS.incomplete, count(CHECKPOINT_METRICS.incomplete, summary.incomplete), 'Count'),
    datum(CHECKPOINT_METRICS.released, count(CHECKPOINT_METRICS.released, summary.released), 'Count'),
    datum(CHECKPOINT_METRICS.deleted, count(CHECKPOINT_METRICS.deleted, summary.deleted), 'Count'),
  );
  return data;
}

/** Publishes a run's metrics (one PutMetricData). */
export async function publishRunMetrics(cloudwatch: CloudWatchClient, tier: string, outcome: RunOutcome, nowMs: number): Promise<void> {
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: CHECKPOINT_METRIC_NAMESPACE, MetricData: runMetricData(tier, outcome, nowMs) }));
}
