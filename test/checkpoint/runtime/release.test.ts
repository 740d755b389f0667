import { CancelDataRepositoryTaskCommand } from '@aws-sdk/client-fsx';
import { FakeClock, FakeFsx, FakeLake, HOUR, MINUTE, T0 } from './fakes';
import { CheckpointHandlerConfig } from '../../../src/checkpoint/handler/contract';
import { RELEASE_TASK } from '../../../src/checkpoint/release-plan';
import { RELEASE_RETRY_MS, runRelease } from '../../../src/checkpoint/runtime/release';
import { sdkError } from '../../transfer/engine/fake-s3';

const FS = 'fs-0123456789abcdef0';
const OTHER_FS = 'fs-0fedcba9876543210';
const NOW = T0 + 1000 * HOUR;
/** The run must return 14 minutes after it starts. */
const DEADLINE = NOW + 14 * MINUTE;

function config(lustre: Partial<NonNullable<CheckpointHandlerConfig['lustre']>> = {}, keepLatest = 2): CheckpointHandlerConfig {
  return {
    tier: 'Stack/Checkpoints',
    scheme: { layout: '{run}/{step}/', marker: '.metadata', keepLatest },
    lake: { bucket: 'lake', root: 'checkpoints/' },
    lustre: { fileSystemId: FS, fileSystemPath: '/checkpoints', settleMs: 15 * MINUTE, unreadForDays: 0, ...lustre },
  };
}

/** Writes a checkpoint to the lake at `at`: two shards, then (when complete) the marker a second later. */
function write(lake: FakeLake, directory: string, at: number, complete = true): void {
  lake.put(`checkpoints/${directory}__0_0.distcp`, 1048576, at);
  lake.put(`checkpoints/${directory}__1_0.distcp`, 1048576, at);
  if (complete) {
    lake.put(`checkpoints/${directory}.metadata`, 100, at + 1000);
  }
}

/** Steps 1..n of `run`, one an hour from `start`, complete. */
function writeRun(lake: FakeLake, run: string, n: number, start = T0): void {
  for (let i = 1; i <= n; i++) {
    write(lake, `${run}/${i}/`, start + (i - 1) * HOUR);
  }
}

function setup(deadlineMs = DEADLINE) {
  const clock = new FakeClock(NOW);
  const fsx = new FakeFsx(clock);
  const lake = new FakeLake('lake');
  const lines: string[] = [];
  const deps = { s3: lake.client, fsx: fsx.client, nowMs: clock.nowMs, sleep: clock.sleep, log: (line: string) => lines.push(line), deadlineMs };
  return { clock, fsx, lake, lines, deps };
}

const createdPaths = (fsx: FakeFsx): string[][] => fsx.callsOf('CreateDataRepositoryTask').map((call) => call.input.Paths);

describe('runRelease: what is released', () => {
  test('only expired, complete, settled checkpoints; never the latest 2 of a run', async () => {
    const { fsx, lake, lines, deps, clock } = setup();
    writeRun(lake, 'a', 5);
    writeRun(lake, 'b', 3, T0 + 10 * HOUR);
    writeRun(lake, 'c', 3, T0 + 20 * HOUR);
    // c/1 is expired, but a shard of it reached the lake a minute ago: its export has not settled.
    lake.put('checkpoints/c/1/__2_0.distcp', 5, NOW - MINUTE);

    const outcome = await runRelease(config(), deps);

    // Oldest first (by marker time); a/4, a/5, b/2, b/3, c/2, c/3 are the latest 2 of their runs.
    expect(createdPaths(fsx)).toEqual([['checkpoints/a/1', 'checkpoints/a/2', 'checkpoints/a/3', 'checkpoints/b/1']]);
    expect(outcome.summary).toEqual({
      tier: 'Stack/Checkpoints', lakeComplete: 11, incomplete: 0, released: 4, copied: 0, deleted: 0, waiting: undefined, problems: [],
    });
    expect(outcome.newestCompleteMs).toBe(T0 + 22 * HOUR + 1000);
    // With 100 or fewer releasable, the run does not wait for its task.
    expect(clock.sleeps).toEqual([]);
    const created = fsx.tasks[0];
    expect(lines.some((line) => line.includes(`created task ${created.TaskId}`))).toBe(true);
    expect(lines.some((line) => line.includes('plan: release: 4 expired checkpoint(s)'))).toBe(true);
  });

  test('keepLatest is honoured: with 4, nothing of a 5-step run but the oldest', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'a', 5);
    await runRelease(config({}, 4), deps);
    expect(createdPaths(fsx)).toEqual([['checkpoints/a/1']]);
  });

  test('crash in the middle: an incomplete checkpoint is never released and does not count as one of the latest', async () => {
    const { fsx, lake, lines, deps } = setup();
    write(lake, 'r/1/', T0);
    write(lake, 'r/2/', T0 + HOUR);
    write(lake, 'r/3/', T0 + 2 * HOUR, false); // the job crashed while writing step 3: no marker, ever
    write(lake, 'r/4/', T0 + 3 * HOUR);
    write(lake, 'r/5/', T0 + 4 * HOUR);
    write(lake, 'r/6/', NOW - MINUTE, false); // step 6 is being written now

    const outcome = await runRelease(config(), deps);

    expect(createdPaths(fsx)).toEqual([['checkpoints/r/1', 'checkpoints/r/2']]);
    expect(outcome.summary.incomplete).toBe(2);
    expect(outcome.summary.lakeComplete).toBe(4);
    expect(outcome.newestCompleteMs).toBe(T0 + 4 * HOUR + 1000);
    expect(lines.find((line) => line.includes('2 incomplete in the lake'))).toContain('checkpoints/r/3/');
  });

  test('nothing to release: no task, no wait', async () => {
    const { fsx, lake, deps, clock } = setup();
    writeRun(lake, 'a', 2);
    const outcome = await runRelease(config(), deps);
    expect(fsx.callsOf('CreateDataRepositoryTask')).toEqual([]);
    expect(clock.sleeps).toEqual([]);
    expect(outcome.summary.released).toBe(0);
    expect(outcome.summary.waiting).toBeUndefined();
  });

  test('an empty lake: no newest checkpoint', async () => {
    const { deps } = setup();
    const outcome = await runRelease(config(), deps);
    expect(outcome.newestCompleteMs).toBeUndefined();
    expect(outcome.summary.lakeComplete).toBe(0);
  });

  test('a checkpoint whose name a task path cannot hold is kept and reported', async () => {
    const { fsx, lake, deps } = setup();
    write(lake, 'run[1]/1/', T0);
    write(lake, 'run[1]/2/', T0 + HOUR);
    write(lake, 'ok/1/', T0);
    write(lake, 'ok/2/', T0 + HOUR);
    const outcome = await runRelease(config({}, 1), deps);
    expect(createdPaths(fsx)).toEqual([['checkpoints/ok/1']]);
    expect(outcome.summary.problems).toEqual([expect.stringContaining('checkpoints/run[1]/1/: not released')]);
  });
});

describe('runRelease: the request', () => {
  test('Type, relative paths without a leading slash, Report disabled by default, DurationSinceLastAccess in DAYS', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 3);
    await runRelease(config({ unreadForDays: 3 }), deps);
    const [call] = fsx.callsOf('CreateDataRepositoryTask');
    expect(call.input).toEqual({
      Type: RELEASE_TASK,
      FileSystemId: FS,
      Paths: ['checkpoints/r/1'],
      ReleaseConfiguration: { DurationSinceLastAccess: { Unit: 'DAYS', Value: 3 } },
      Report: { Enabled: false },
    });
    expect(RELEASE_TASK).toBe('RELEASE_DATA_FROM_FILESYSTEM');
  });

  test('a report path: CSV of failed files only, at that path', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 3);
    await runRelease(config({ reportPath: 's3://lake/checkpoints/.release-reports/' }), deps);
    expect(fsx.callsOf('CreateDataRepositoryTask')[0].input.Report).toEqual({
      Enabled: true, Path: 's3://lake/checkpoints/.release-reports/', Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY',
    });
  });

  test.each([['/', 'r/1'], ['/fsx/ckpt/', 'fsx/ckpt/r/1']])('file system path %s: task path %s', async (fileSystemPath, path) => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 3);
    await runRelease(config({ fileSystemPath }), deps);
    expect(createdPaths(fsx)).toEqual([[path]]);
  });
});

describe('runRelease: the file system\'s tasks', () => {
  test('DescribeDataRepositoryTasks: filtered on the file system, every page read', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 4);
    fsx.pageSize = 2;
    for (let i = 0; i < 4; i++) {
      fsx.addTask({ FileSystemId: FS, lifecycle: 'SUCCEEDED', endsAtMs: 0, CreationTime: new Date(T0 + (10 + i) * HOUR) });
    }
    // Last page: a successful release that covered r/1 after its export. Read it, or r/1 is released again.
    fsx.addTask({ FileSystemId: FS, Type: RELEASE_TASK, Paths: ['checkpoints/r/1'], lifecycle: 'SUCCEEDED', endsAtMs: 0, CreationTime: new Date(T0 + 50 * HOUR) });
    // Another file system's running task does not hold this one.
    fsx.addTask({ FileSystemId: OTHER_FS, lifecycle: 'EXECUTING', endsAtMs: NOW + 10 * HOUR });

    const outcome = await runRelease(config(), deps);

    const describes = fsx.callsOf('DescribeDataRepositoryTasks');
    expect(describes.map((call) => call.input)).toEqual([
      { Filters: [{ Name: 'file-system-id', Values: [FS] }], NextToken: undefined },
      { Filters: [{ Name: 'file-system-id', Values: [FS] }], NextToken: 'page-2' },
      { Filters: [{ Name: 'file-system-id', Values: [FS] }], NextToken: 'page-4' },
    ]);
    expect(createdPaths(fsx)).toEqual([['checkpoints/r/2']]);
    expect(outcome.summary.released).toBe(1);
  });

  test('a task running at the start: waits, then releases once it has ended', async () => {
    const { fsx, lake, deps, clock } = setup();
    writeRun(lake, 'r', 4);
    const exporting = fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', endsAtMs: NOW + 2 * MINUTE + 10_000 });

    const outcome = await runRelease(config(), deps);

    expect(clock.sleeps).toEqual([RELEASE_RETRY_MS, RELEASE_RETRY_MS, RELEASE_RETRY_MS, RELEASE_RETRY_MS, RELEASE_RETRY_MS]);
    expect(fsx.tasks.at(-1)!.CreationTime.getTime()).toBeGreaterThanOrEqual(exporting.endsAtMs);
    expect(createdPaths(fsx)).toEqual([['checkpoints/r/1', 'checkpoints/r/2']]);
    expect(outcome.summary.waiting).toBeUndefined();
  });

  test('the task it waits for is cancelled (the stack deletes the file system): no new task, the run stops', async () => {
    const { fsx, lake, deps, clock } = setup();
    writeRun(lake, 'r', 4);
    const exporting = fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', endsAtMs: NOW + HOUR, cancelMs: 20_000 });
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (exporting.lifecycle === 'EXECUTING') {
        await fsx.client.send(new CancelDataRepositoryTaskCommand({ TaskId: exporting.TaskId }));
      }
    };
    const outcome = await runRelease(config(), { ...deps, sleep });
    expect(createdPaths(fsx)).toEqual([]);
    expect(outcome.summary.waiting).toMatch(new RegExp(`^task ${exporting.TaskId} \\(EXPORT_TO_REPOSITORY\\) was cancelled during this run \\(CANCELING\\): no new task`));
  });

  test('a task cancelled before the run started does not stop it', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 4);
    fsx.addTask({ FileSystemId: FS, lifecycle: 'CANCELED', endsAtMs: NOW - HOUR });
    await runRelease(config(), deps);
    expect(createdPaths(fsx)).toEqual([['checkpoints/r/1', 'checkpoints/r/2']]);
  });

  test('DataRepositoryTaskExecuting on create: waits, plans again, then succeeds', async () => {
    const { fsx, lake, lines, deps, clock } = setup();
    writeRun(lake, 'r', 3);
    // Another task started between the listing and the create.
    fsx.failNext.CreateDataRepositoryTask = [sdkError('DataRepositoryTaskExecuting', 400, 'An existing data repository task is currently executing')];

    const outcome = await runRelease(config(), deps);

    const creates = fsx.callsOf('CreateDataRepositoryTask');
    expect(creates).toHaveLength(2);
    expect(creates[1].input).toEqual(creates[0].input);
    expect(clock.sleeps).toEqual([RELEASE_RETRY_MS]);
    expect(fsx.tasks).toHaveLength(1);
    expect(outcome.summary).toMatchObject({ released: 1, waiting: undefined });
    expect(lines.some((line) => line.includes('DataRepositoryTaskExecuting'))).toBe(true);
  });

  test('still executing at the deadline: returns waiting, does not throw, never sleeps past the deadline', async () => {
    const { fsx, lake, deps, clock } = setup();
    writeRun(lake, 'r', 3);
    const exporting = fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', endsAtMs: NOW + 3 * HOUR });

    const outcome = await runRelease(config(), deps);

    expect(fsx.callsOf('CreateDataRepositoryTask')).toEqual([]);
    expect(outcome.summary.released).toBe(0);
    expect(outcome.summary.waiting).toContain(exporting.TaskId);
    expect(outcome.summary.waiting).toContain('1 checkpoint(s) wait for the next run');
    expect(clock.now).toBe(DEADLINE);
    expect(outcome.newestCompleteMs).toBe(T0 + 2 * HOUR + 1000);
  });

  test('DataRepositoryTaskExecuting until the deadline (a task the listing does not show): waiting, no throw', async () => {
    const { fsx, lake, deps, clock } = setup();
    writeRun(lake, 'r', 3);
    fsx.failNext.CreateDataRepositoryTask = Array.from({ length: 1000 }, () => sdkError('DataRepositoryTaskExecuting', 400, 'executing'));

    const outcome = await runRelease(config(), deps);

    expect(outcome.summary.waiting).toContain('DataRepositoryTaskExecuting');
    expect(outcome.summary.released).toBe(0);
    expect(clock.now).toBe(DEADLINE);
    expect(fsx.callsOf('CreateDataRepositoryTask').length).toBe(Math.ceil(14 * MINUTE / RELEASE_RETRY_MS));
  });

  test('a deadline already past: plans once, releases what it can, never sleeps', async () => {
    const { fsx, lake, deps, clock } = setup(NOW - 1);
    writeRun(lake, 'r', 3);
    fsx.addTask({ FileSystemId: FS, lifecycle: 'PENDING', endsAtMs: NOW + HOUR });
    const outcome = await runRelease(config(), deps);
    expect(clock.sleeps).toEqual([]);
    expect(outcome.summary.waiting).toBeDefined();
  });

  test('other errors propagate', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 3);
    fsx.failNext.CreateDataRepositoryTask = [sdkError('BadRequest', 400, 'Invalid path')];
    await expect(runRelease(config(), deps)).rejects.toThrow('Invalid path');

    const second = setup();
    second.fsx.failNext.DescribeDataRepositoryTasks = [sdkError('InternalServerError', 500, 'boom')];
    await expect(runRelease(config(), second.deps)).rejects.toThrow('boom');
  });

  test('a configuration without a Lustre section is refused', async () => {
    const { deps } = setup();
    await expect(runRelease({ ...config(), lustre: undefined }, deps)).rejects.toThrow('no "lustre" section');
  });
});

describe('runRelease: more than 100 releasable checkpoints', () => {
  // 152 complete steps, the latest 2 kept: 150 to release.
  function big() {
    const s = setup();
    writeRun(s.lake, 'r', 152, T0 - 200 * HOUR);
    return s;
  }
  const expected = Array.from({ length: 150 }, (_, i) => `checkpoints/r/${i + 1}`);

  test('two successive tasks, each of 100 paths at most, the second once the first has ended', async () => {
    const { fsx, deps, lines } = big();

    const outcome = await runRelease(config(), deps);

    const batches = createdPaths(fsx);
    expect(batches.map((paths) => paths.length)).toEqual([100, 50]);
    expect(batches.flat()).toEqual(expected);
    expect(batches.flat()).not.toContain('checkpoints/r/151');
    expect(batches.flat()).not.toContain('checkpoints/r/152');
    const [first, second] = fsx.tasks;
    expect(second.CreationTime.getTime()).toBeGreaterThanOrEqual(first.endsAtMs);
    expect(outcome.summary).toMatchObject({ released: 150, waiting: undefined, problems: [] });
    expect(lines.filter((line) => line.includes('created task'))).toHaveLength(2);
  });

  test('the first task still runs at the deadline: waiting, the rest for the next run', async () => {
    const { fsx, deps } = big();
    fsx.taskDurationMs = HOUR;
    const outcome = await runRelease(config(), deps);
    expect(createdPaths(fsx).map((paths) => paths.length)).toEqual([100]);
    expect(outcome.summary.released).toBe(100);
    expect(outcome.summary.waiting).toContain('50 checkpoint(s) wait for the next run');
  });

  test('the first task fails: no second task, the failure is reported', async () => {
    const { fsx, deps } = big();
    fsx.createdOutcome = { lifecycle: 'FAILED', failedCount: 3 };
    const outcome = await runRelease(config(), deps);
    expect(createdPaths(fsx)).toHaveLength(1);
    expect(outcome.summary.problems).toEqual([expect.stringMatching(/^release task task-\S+ ended FAILED with 3 failed file\(s\)$/)]);
  });

  test('after a failed task, the next run releases the same paths in a new task (no client request token ties them to the old one)', async () => {
    const { fsx, deps, clock } = big();
    fsx.createdOutcome = { lifecycle: 'FAILED', failedCount: 3 };
    await runRelease(config(), deps);
    clock.now += HOUR;
    fsx.createdOutcome = { lifecycle: 'SUCCEEDED', failedCount: 0 };
    const outcome = await runRelease(config(), { ...deps, deadlineMs: clock.now + 14 * MINUTE });
    expect(fsx.tasks.length).toBeGreaterThanOrEqual(2);
    expect(createdPaths(fsx)[1]).toEqual(createdPaths(fsx)[0]);
    expect(fsx.tasks.every((task: any) => task.input?.ClientRequestToken === undefined)).toBe(true);
    expect(outcome.summary.released).toBeGreaterThan(0);
  });

  test('the next run carries on where this one stopped', async () => {
    const { fsx, deps, clock } = big();
    fsx.taskDurationMs = HOUR;
    await runRelease(config(), deps);
    clock.now += 2 * HOUR; // the first task has ended; an hour later the schedule runs again
    const outcome = await runRelease(config(), { ...deps, deadlineMs: clock.now + 14 * MINUTE });
    expect(createdPaths(fsx).map((paths) => paths.length)).toEqual([100, 50]);
    expect(createdPaths(fsx).flat()).toEqual(expected);
    expect(outcome.summary.released).toBe(50);
  });
});

describe('runRelease: size manifests', () => {
  const manifest = { name: '.export-sizes', required: true };
  const fullText = '1048576 __0_0.distcp\n1048576 __1_0.distcp\n100 .metadata\n';

  test('reads the manifests of the expired checkpoints only, releases the verified ones, reports the rest', async () => {
    const { fsx, lake, deps, lines } = setup();
    writeRun(lake, 'r', 5);
    lake.putText('checkpoints/r/1/.export-sizes', fullText, T0 + 2000);
    lake.putText('checkpoints/r/2/.export-sizes', `${fullText}4096 __2_0.distcp\n`, T0 + HOUR + 2000); // a shard not exported yet
    lake.putText('checkpoints/r/5/.export-sizes', fullText, T0 + 4 * HOUR + 2000);
    // r/3 has no manifest.
    const outcome = await runRelease(config({ sizeManifest: manifest }), deps);
    expect(createdPaths(fsx)).toEqual([['checkpoints/r/1']]);
    expect(lake.calls.filter((call) => call.name === 'GetObject').map((call) => call.input.Key).sort())
      .toEqual(['checkpoints/r/1/.export-sizes', 'checkpoints/r/2/.export-sizes']);
    expect(outcome.summary.released).toBe(1);
    expect(outcome.summary.problems).toEqual([
      'checkpoints/r/2/: not released, export not verified: 1 file(s) not in the lake yet (__2_0.distcp)',
      'checkpoints/r/3/: not released, no size manifest .export-sizes in the lake: its export cannot be verified',
    ]);
    expect(lines.some((line) => line.includes('2 not verified'))).toBe(true);
  });

  test('a manifest that cannot be read keeps its checkpoint on the file system', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 3);
    lake.put('checkpoints/r/1/.export-sizes', 50, T0 + 2000); // listed, but GetObject answers NoSuchKey
    const outcome = await runRelease(config({ sizeManifest: manifest }), deps);
    expect(createdPaths(fsx)).toEqual([]);
    expect(outcome.summary.problems).toEqual([
      expect.stringMatching(/^checkpoints\/r\/1\/: not released, its size manifest could not be read: GetObject s3:\/\/lake\/checkpoints\/r\/1\/\.export-sizes: NoSuchKey/),
    ]);
  });

  test('a manifest larger than the handler reads is not fetched', async () => {
    const { fsx, lake, deps } = setup();
    writeRun(lake, 'r', 3);
    lake.put('checkpoints/r/1/.export-sizes', 64 * 1024 * 1024, T0 + 2000);
    const outcome = await runRelease(config({ sizeManifest: manifest }), deps);
    expect(createdPaths(fsx)).toEqual([]);
    expect(lake.calls.filter((call) => call.name === 'GetObject')).toEqual([]);
    expect(outcome.summary.problems[0]).toContain('67108864 bytes, more than the 16777216 the handler reads');
  });
});
