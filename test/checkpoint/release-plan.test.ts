import {
  DEFAULT_SETTLE_MS, MAX_TASK_PATHS, RELEASE_TASK, TaskView, covers, isTaskExecutingError, planRelease, releaseTaskRequest, taskPathOf,
} from '../../src/checkpoint/release-plan';
import { Checkpoint, CheckpointObject, groupCheckpoints } from '../../src/checkpoint/rules';

const HOUR = 3600_000;
const T0 = Date.UTC(2026, 11, 1, 0, 0, 0);
const NOW = T0 + 100 * HOUR;
const repository = { fileSystemPath: '/checkpoints', lakeRoot: 'checkpoints/' };

/** The lake's objects of a checkpoint written at `at`: two shards, then (when complete) the marker a second later. */
function objects(directory: string, at: number, complete = true): CheckpointObject[] {
  const prefix = `checkpoints/${directory}`;
  const shards = [0, 1].map((i) => ({ key: `${prefix}__${i}_0.distcp`, sizeBytes: 1048576, lastModifiedMs: at }));
  return complete ? [...shards, { key: `${prefix}.metadata`, sizeBytes: 100, lastModifiedMs: at + 1000 }] : shards;
}

function lake(...groups: CheckpointObject[][]): Checkpoint[] {
  return [...groupCheckpoints(groups.flat(), { root: 'checkpoints/' }).checkpoints];
}

function task(overrides: Partial<TaskView>): TaskView {
  return { taskId: 'task-1', type: RELEASE_TASK, lifecycle: 'SUCCEEDED', paths: [], creationTimeMs: NOW, failedCount: 0, ...overrides };
}

/** Steps 1..n of run `r`, one an hour from T0, all complete and long settled. */
function run(n: number, name = 'r'): Checkpoint[] {
  return lake(...Array.from({ length: n }, (_, i) => objects(`${name}/${i + 1}/`, T0 + i * HOUR)));
}

describe('planRelease', () => {
  test('releases the expired complete checkpoints, never the latest 2 (the default), oldest first', () => {
    const plan = planRelease(run(5), [], { repository, nowMs: NOW });
    expect(plan.next.kind).toBe('release');
    expect(plan.next.paths).toEqual(['checkpoints/r/1', 'checkpoints/r/2', 'checkpoints/r/3']);
    expect(plan.kept.map((c) => c.step)).toEqual(['5', '4']);
  });

  test('a checkpoint whose marker is not in the lake is never released, however old', () => {
    const checkpoints = lake(objects('r/1/', T0, false), objects('r/2/', T0 + HOUR), objects('r/3/', T0 + 2 * HOUR), objects('r/4/', T0 + 3 * HOUR));
    const plan = planRelease(checkpoints, [], { repository, nowMs: NOW });
    expect(plan.next.paths).toEqual(['checkpoints/r/2']);
    expect(plan.incomplete.map((c) => c.step)).toEqual(['1']);
  });

  test('crash in the middle: incomplete newer checkpoints do not push complete ones out of the kept set', () => {
    const checkpoints = lake(...[1, 2, 3].map((i) => objects(`r/${i}/`, T0 + i * HOUR)), objects('r/4/', T0 + 4 * HOUR, false), objects('r/5/', T0 + 5 * HOUR, false));
    const plan = planRelease(checkpoints, [], { repository, nowMs: NOW });
    expect(plan.kept.map((c) => c.step)).toEqual(['3', '2']);
    expect(plan.next.paths).toEqual(['checkpoints/r/1']);
  });

  describe('settling: the export must have stopped changing the checkpoint in the lake', () => {
    const at = NOW - DEFAULT_SETTLE_MS; // the newest object (the marker) is at + 1 s
    const checkpoints = lake(objects('r/1/', at), objects('r/2/', NOW - 1), objects('r/3/', NOW - 1));

    test('one millisecond short of the settle time: waits', () => {
      const plan = planRelease(checkpoints, [], { repository, nowMs: at + 1000 + DEFAULT_SETTLE_MS - 1 });
      expect(plan.next.kind).toBe('none');
      expect(plan.settling.map((c) => c.step)).toEqual(['1']);
    });

    test('exactly the settle time: released', () => {
      const plan = planRelease(checkpoints, [], { repository, nowMs: at + 1000 + DEFAULT_SETTLE_MS });
      expect(plan.next.paths).toEqual(['checkpoints/r/1']);
    });

    test('a local clock behind S3 (the checkpoint seems to come from the future): waits', () => {
      const plan = planRelease(checkpoints, [], { repository, nowMs: at - HOUR, settleMs: 0 });
      expect(plan.next.kind).toBe('none');
    });

    test('a shard that arrives after the marker restarts the wait', () => {
      const late = lake([...objects('r/1/', T0), { key: 'checkpoints/r/1/__9_0.distcp', sizeBytes: 5, lastModifiedMs: NOW - 60_000 }], objects('r/2/', T0 + HOUR), objects('r/3/', T0 + 2 * HOUR));
      expect(planRelease(late, [], { repository, nowMs: NOW }).settling.map((c) => c.step)).toEqual(['1']);
    });
  });

  describe('one task at a time', () => {
    test.each(['PENDING', 'EXECUTING', 'CANCELING'])('a %s task of any type: wait', (lifecycle) => {
      const plan = planRelease(run(4), [task({ taskId: 'task-9', type: 'EXPORT_TO_REPOSITORY', lifecycle })], { repository, nowMs: NOW });
      expect(plan.next).toMatchObject({ kind: 'wait', paths: [] });
      expect(plan.next.reason).toContain('task-9');
    });

    test.each(['FAILED', 'CANCELED', 'SUCCEEDED'])('an ended (%s) task does not block', (lifecycle) => {
      const plan = planRelease(run(4), [task({ type: 'EXPORT_TO_REPOSITORY', lifecycle })], { repository, nowMs: NOW });
      expect(plan.next.kind).toBe('release');
    });
  });

  describe('already released', () => {
    test('a successful release of the path after the checkpoint last changed: not released again', () => {
      const plan = planRelease(run(4), [task({ paths: ['checkpoints/r/1'], creationTimeMs: NOW - HOUR })], { repository, nowMs: NOW });
      expect(plan.released.map((c) => c.step)).toEqual(['1']);
      expect(plan.next.paths).toEqual(['checkpoints/r/2']);
    });

    test('a parent path or the whole file system covers it too', () => {
      expect(planRelease(run(4), [task({ paths: ['checkpoints/r'] })], { repository, nowMs: NOW }).released).toHaveLength(2);
      expect(planRelease(run(4), [task({ paths: [] })], { repository, nowMs: NOW }).released).toHaveLength(2);
    });

    test('a release with failed files, a failed release, or one before the last change: released again', () => {
      const tasks = [
        task({ paths: ['checkpoints/r/1'], failedCount: 3 }),
        task({ paths: ['checkpoints/r/2'], lifecycle: 'FAILED' }),
      ];
      expect(planRelease(run(4), tasks, { repository, nowMs: NOW }).next.paths).toEqual(['checkpoints/r/1', 'checkpoints/r/2']);
      const before = [task({ paths: ['checkpoints/r/1'], creationTimeMs: T0 })];
      expect(planRelease(run(4), before, { repository, nowMs: NOW }).next.paths).toEqual(['checkpoints/r/1', 'checkpoints/r/2']);
    });
  });

  test('more than 100 releasable checkpoints: the oldest 100 in one task, the rest next time', () => {
    const plan = planRelease(run(MAX_TASK_PATHS + 7), [], { repository, nowMs: T0 + 1000 * HOUR });
    expect(plan.next.paths).toHaveLength(MAX_TASK_PATHS);
    expect(plan.next.paths[0]).toBe('checkpoints/r/1');
    expect(plan.next.paths[99]).toBe('checkpoints/r/100');
    expect(plan.releasable).toHaveLength(MAX_TASK_PATHS + 5);
    expect(plan.next.reason).toContain('the rest next time');
  });

  test('keepLatest applies per run', () => {
    const plan = planRelease([...run(3, 'a'), ...run(1, 'b')], [], { repository, nowMs: NOW, keepLatest: 1 });
    expect(plan.next.paths).toEqual(['checkpoints/a/1', 'checkpoints/a/2']);
    expect(plan.kept.map((c) => `${c.run}/${c.step}`)).toEqual(['a/3', 'b/1']);
  });

  test('a checkpoint whose name holds a wildcard character is kept and reported, the others released', () => {
    const odd = lake(...[1, 2, 3, 4].map((i) => objects(`r/${i}/`, T0 + i * HOUR)));
    const withStar = groupCheckpoints([...odd.flatMap((c) => c.objects), ...objects('r*x/1/', T0), ...objects('r*x/2/', T0), ...objects('r*x/3/', T0)],
      { root: 'checkpoints/' }).checkpoints;
    const plan = planRelease(withStar, [], { repository, nowMs: NOW, keepLatest: 2 });
    expect(plan.unreleasable.map((c) => c.prefix)).toEqual(['checkpoints/r*x/1/']);
    expect(plan.next.paths).toEqual(['checkpoints/r/1', 'checkpoints/r/2']);
  });

  test('rejects a negative settle time', () => {
    expect(() => planRelease([], [], { repository, nowMs: NOW, settleMs: -1 })).toThrow('invalid settleMs -1');
  });
});

describe('taskPathOf and covers', () => {
  const [checkpoint] = run(1);
  test('relative to the mount point, no leading or trailing slash', () => {
    expect(taskPathOf(checkpoint, repository)).toBe('checkpoints/r/1');
    expect(taskPathOf(checkpoint, { fileSystemPath: '/', lakeRoot: 'checkpoints/' })).toBe('r/1');
    expect(taskPathOf(checkpoint, { fileSystemPath: '/ns/ckpt/', lakeRoot: 'checkpoints/' })).toBe('ns/ckpt/r/1');
  });
  test('a run named "." or ".." (a path outside the association) is no task path', () => {
    const [dots] = groupCheckpoints(objects('../1/', T0), { root: 'checkpoints/' }).checkpoints;
    expect(() => taskPathOf(dots, repository)).toThrow('no valid task path');
  });
  test('a checkpoint outside the association is an error', () => {
    expect(() => taskPathOf(checkpoint, { fileSystemPath: '/x', lakeRoot: 'other/' })).toThrow('not under the association');
  });
  test('covers: the same path, an ancestor, the whole file system; not a sibling with a common prefix', () => {
    expect(covers(['a/b'], 'a/b')).toBe(true);
    expect(covers(['/a/'], 'a/b')).toBe(true);
    expect(covers([], 'a/b')).toBe(true);
    expect(covers(['/'], 'a/b')).toBe(true);
    expect(covers(['a/b1'], 'a/b')).toBe(false);
    expect(covers(['a/b'], 'a/b1')).toBe(false);
  });
});

describe('releaseTaskRequest', () => {
  const step = planRelease(run(3), [], { repository, nowMs: NOW }).next;

  test('a release of the step\'s paths, report disabled by default, 0 days since last access', () => {
    const request = releaseTaskRequest('fs-0123456789abcdef0', step);
    expect(request).toEqual({
      Type: 'RELEASE_DATA_FROM_FILESYSTEM',
      FileSystemId: 'fs-0123456789abcdef0',
      Paths: ['checkpoints/r/1'],
      ReleaseConfiguration: { DurationSinceLastAccess: { Unit: 'DAYS', Value: 0 } },
      Report: { Enabled: false },
    });
    expect(request).not.toHaveProperty('ClientRequestToken');
  });

  test('the report: CSV of failed files only, at the path given', () => {
    expect(releaseTaskRequest('fs-1', step, { report: { path: 's3://lake/checkpoints/' } }).Report)
      .toEqual({ Enabled: true, Path: 's3://lake/checkpoints/', Format: 'REPORT_CSV_20191124', Scope: 'FAILED_FILES_ONLY' });
  });

  test('whole days only; a step that is not a release is refused', () => {
    expect(releaseTaskRequest('fs-1', step, { unreadForDays: 3 }).ReleaseConfiguration.DurationSinceLastAccess.Value).toBe(3);
    expect(() => releaseTaskRequest('fs-1', step, { unreadForDays: 1.5 })).toThrow('whole number of days');
    expect(() => releaseTaskRequest('fs-1', { kind: 'wait', paths: [], checkpoints: [], reason: '' })).toThrow('1 to 100 paths');
  });
});

test('isTaskExecutingError recognises the SDK error by name', () => {
  expect(isTaskExecutingError(Object.assign(new Error('An existing data repository task is currently executing'), { name: 'DataRepositoryTaskExecuting' }))).toBe(true);
  expect(isTaskExecutingError(Object.assign(new Error('x'), { name: 'BadRequest' }))).toBe(false);
  expect(isTaskExecutingError(undefined)).toBe(false);
});
