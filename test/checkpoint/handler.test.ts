import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { FakeClock, FakeFsx, FakeLake, HOUR, MINUTE, T0 } from './runtime/fakes';
import { CheckpointHandlerConfig } from '../../src/checkpoint/handler/contract';
import { CheckpointHandlerDeps, onEvent, parseConfig } from '../../src/checkpoint/handler/handler';

/** A CloudWatch client that records PutMetricData inputs. */
function fakeCloudWatch(): { client: CloudWatchClient; puts: any[] } {
  const puts: any[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: any }) => {
      puts.push({ name: command.constructor.name, input: command.input });
      return {};
    },
  };
  return { client: client as unknown as CloudWatchClient, puts };
}

const base: CheckpointHandlerConfig = {
  tier: 'Stack/Checkpoints',
  scheme: { layout: '{run}/{step}/', marker: '.metadata', keepLatest: 2 },
  lake: { bucket: 'lake', root: 'checkpoints/' },
};

function setup(config: CheckpointHandlerConfig = base) {
  const clock = new FakeClock(T0 + 10 * HOUR);
  const lake = new FakeLake('lake');
  const fsx = new FakeFsx(clock);
  const cloudwatch = fakeCloudWatch();
  for (const step of [1, 2, 3]) {
    lake.put(`checkpoints/r/${step}/__0_0.distcp`, 100, T0 + step * HOUR);
    lake.put(`checkpoints/r/${step}/.metadata`, 10, T0 + step * HOUR + 1000);
  }
  lake.put('checkpoints/r/4/__0_0.distcp', 100, T0 + 4 * HOUR); // a crash left step 4 without its marker
  const deps: CheckpointHandlerDeps = {
    s3: lake.client,
    fsx: fsx.client,
    cloudwatch: cloudwatch.client,
    nowMs: clock.nowMs,
    sleep: clock.sleep,
    log: () => undefined,
    deadlineMs: clock.now + 14 * MINUTE,
  };
  return { clock, lake, fsx, cloudwatch, deps, config };
}

describe('parseConfig', () => {
  test('reads the construct\'s JSON', () => {
    expect(parseConfig(JSON.stringify(base))).toEqual(base);
  });
  test.each([
    [undefined, 'CHECKPOINT_TIER_CONFIG is not set'],
    ['{}', 'lacks tier, scheme or lake'],
    [JSON.stringify({ ...base, lustre: {}, express: {} }), 'names both a Lustre and an Express tier'],
  ])('refuses %j', (raw, message) => {
    expect(() => parseConfig(raw)).toThrow(message);
  });
});

describe('onEvent', () => {
  test('lake tier: counts the lake\'s checkpoints and publishes the newest complete one\'s age', async () => {
    const { deps, cloudwatch, clock } = setup();
    const summary = await onEvent({ trigger: 'schedule' }, base, deps) as any;
    expect(summary).toMatchObject({ tier: 'Stack/Checkpoints', lakeComplete: 3, incomplete: 1, released: 0, copied: 0, deleted: 0 });
    const data = cloudwatch.puts[0].input.MetricData;
    expect(cloudwatch.puts[0].input.Namespace).toBe('CdkTrainingStorage/Checkpoints');
    const age = data.find((d: any) => d.MetricName === 'NewestCompleteCheckpointAgeSeconds');
    expect(age.Value).toBe(Math.floor((clock.now - (T0 + 3 * HOUR + 1000)) / 1000));
    expect(age.Dimensions).toEqual([{ Name: 'Tier', Value: 'Stack/Checkpoints' }]);
    expect(data.find((d: any) => d.MetricName === 'IncompleteCheckpoints').Value).toBe(1);
  });

  test('Lustre tier: a scheduled run releases the expired checkpoint, never the latest 2 or the incomplete one', async () => {
    const config = { ...base, lustre: { fileSystemId: 'fs-1', fileSystemPath: '/checkpoints', settleMs: 15 * MINUTE, unreadForDays: 0 } };
    const { deps, fsx } = setup(config);
    const summary = await onEvent({ 'detail-type': 'CloudWatch Alarm State Change' }, config, deps) as any;
    expect(summary.released).toBe(1);
    const creates = fsx.callsOf('CreateDataRepositoryTask');
    expect(creates.map((c) => c.input.Paths)).toEqual([['checkpoints/r/1']]);
  });

  test('a custom resource event goes to the cancel-tasks logic (Lustre only)', async () => {
    const config = { ...base, lustre: { fileSystemId: 'fs-1', fileSystemPath: '/checkpoints', settleMs: 0, unreadForDays: 0 } };
    const { deps } = setup(config);
    const event = { RequestType: 'Create', RequestId: 'r', LogicalResourceId: 'CancelTasks', StackId: 's', ResourceProperties: { FileSystemId: 'fs-1', AccountId: '1' } };
    await expect(onEvent(event, config, deps)).resolves.toEqual({ PhysicalResourceId: 'cancel-tasks-fs-1' });
    await expect(onEvent(event, base, deps)).rejects.toThrow('only a Lustre tier has a custom resource');
  });
});
