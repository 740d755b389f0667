import { execFileSync } from 'child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import {
  DEFAULT_SETTLE_MS, DEFAULT_SIZE_MANIFEST, MAX_TASK_PATHS, RELEASE_TASK, SizeManifestOptions, TaskView, covers, exportSizesProblem,
  isTaskExecutingError, parseSizeManifest, planRelease, releaseTaskRequest, sizeManifestCommand, taskPathOf,
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

describe('size manifests: the file system\'s sizes, compared with the lake\'s', () => {
  const MANIFEST = '.export-sizes';
  /** The manifest of `objects(directory, ...)`: two shards and the marker. */
  const fullText = '1048576 __0_0.distcp\n1048576 __1_0.distcp\n100 .metadata\n';
  /** Checkpoints 1..4 of run r, each with its manifest in the lake (unless left out), long ago. */
  function withManifests(leaveOut: number[] = []): Checkpoint[] {
    return lake(...[1, 2, 3, 4].map((i) => [
      ...objects(`r/${i}/`, T0 + i * HOUR),
      ...(leaveOut.includes(i) ? [] : [{ key: `checkpoints/r/${i}/${MANIFEST}`, sizeBytes: fullText.length, lastModifiedMs: T0 + i * HOUR + 2000 }]),
    ]));
  }
  const options = (texts: Map<string, string | Error>, required = true): SizeManifestOptions => ({ name: MANIFEST, marker: '.metadata', required, texts });

  test('parse: "<size> <path>" per line; paths may hold spaces', () => {
    expect([...parseSizeManifest('5 a\n7 dir/b c\n\n')]).toEqual([['a', 5], ['dir/b c', 7]]);
  });

  test.each([
    ['x a', 'line 1 is not "<size> <path>"'],
    ['-1 a', 'line 1 is not "<size> <path>"'],
    ['5 /etc/passwd', 'line 1: "/etc/passwd" is not a relative path'],
    ['5 a/../b', 'line 1: "a/../b" is not a relative path'],
    ['5 a\n6 a', 'line 2: "a" is listed twice'],
  ])('parse rejects %j', (text, message) => {
    expect(() => parseSizeManifest(text)).toThrow(message);
  });

  test('the command writes what the parser reads, without listing the manifest itself (GNU find)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'manifest-'));
    try {
      mkdirSync(join(dir, 'sub dir'));
      writeFileSync(join(dir, '__0_0.distcp'), Buffer.alloc(1234));
      writeFileSync(join(dir, 'sub dir', 'x'), 'abc');
      writeFileSync(join(dir, '.metadata'), 'm');
      writeFileSync(join(dir, DEFAULT_SIZE_MANIFEST), 'stale');
      execFileSync('sh', ['-c', sizeManifestCommand()], { cwd: dir });
      const sizes = parseSizeManifest(readFileSync(join(dir, DEFAULT_SIZE_MANIFEST), 'utf-8'));
      expect(Object.fromEntries(sizes)).toEqual({ '__0_0.distcp': 1234, 'sub dir/x': 3, '.metadata': 1 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('exportSizesProblem: verified when every listed file is in the lake with its size', () => {
    const [checkpoint] = withManifests();
    expect(exportSizesProblem(checkpoint, parseSizeManifest(fullText), '.metadata')).toBeUndefined();
    expect(exportSizesProblem(checkpoint, parseSizeManifest('1048576 __0_0.distcp\n1048576 __1_0.distcp\n100 .metadata\n5 __2_0.distcp\n'), '.metadata'))
      .toBe('export not verified: 1 file(s) not in the lake yet (__2_0.distcp)');
    expect(exportSizesProblem(checkpoint, parseSizeManifest('2097152 __0_0.distcp\n100 .metadata\n'), '.metadata'))
      .toBe('export not verified: 1 of another size (__0_0.distcp (1048576 bytes in the lake, 2097152 on the file system))');
    expect(exportSizesProblem(checkpoint, parseSizeManifest('1048576 __0_0.distcp\n'), '.metadata'))
      .toBe('its size manifest does not list the completion marker .metadata: written before the checkpoint was complete');
  });

  test('a plan asks for the manifests it needs, and releases only the verified checkpoints, without waiting to settle', () => {
    const checkpoints = withManifests();
    const first = planRelease(checkpoints, [], { repository, nowMs: NOW, sizeManifest: options(new Map()) });
    expect(first.next.kind).toBe('none');
    expect(first.manifestsWanted.map((c) => c.step)).toEqual(['1', '2']);

    const texts = new Map<string, string | Error>([
      ['checkpoints/r/1/', fullText],
      ['checkpoints/r/2/', `${fullText}4096 __2_0.distcp\n`], // a shard still exporting
    ]);
    // Exported a moment ago: no settle time with a manifest.
    const plan = planRelease(checkpoints, [], { repository, nowMs: T0 + 5 * HOUR, sizeManifest: options(texts) });
    expect(plan.next.paths).toEqual(['checkpoints/r/1']);
    expect(plan.unverified.map((item) => [item.checkpoint.step, item.reason])).toEqual([['2', 'export not verified: 1 file(s) not in the lake yet (__2_0.distcp)']]);
  });

  test('required: a checkpoint without a manifest in the lake is never released, however old', () => {
    const plan = planRelease(withManifests([1, 2]), [], { repository, nowMs: NOW + 1000 * HOUR, sizeManifest: options(new Map()) });
    expect(plan.next.kind).toBe('none');
    expect(plan.unverified.map((item) => item.reason)).toEqual([
      'no size manifest .export-sizes in the lake: its export cannot be verified', 'no size manifest .export-sizes in the lake: its export cannot be verified',
    ]);
  });

  test('not required: a checkpoint without a manifest falls back to the settle time; one with a manifest is still checked', () => {
    const texts = new Map<string, string | Error>([['checkpoints/r/2/', '1 .metadata\n']]);
    const plan = planRelease(withManifests([1]), [], { repository, nowMs: NOW, sizeManifest: options(texts, false) });
    expect(plan.next.paths).toEqual(['checkpoints/r/1']);
    expect(plan.unverified.map((item) => item.checkpoint.step)).toEqual(['2']);
  });

  test('an unreadable or malformed manifest: not released, with the reason', () => {
    const texts = new Map<string, string | Error>([['checkpoints/r/1/', new Error('AccessDenied')], ['checkpoints/r/2/', 'garbage']]);
    const plan = planRelease(withManifests(), [], { repository, nowMs: NOW, sizeManifest: options(texts) });
    expect(plan.next.kind).toBe('none');
    expect(plan.unverified.map((item) => item.reason)).toEqual([
      'its size manifest could not be read: AccessDenied',
      'its size manifest .export-sizes is malformed: line 1 is not "<size> <path>": "garbage"',
    ]);
  });

  test('the latest 2 are kept whatever their manifests say, and no manifest is asked for them', () => {
    const plan = planRelease(withManifests(), [], { repository, nowMs: NOW, sizeManifest: options(new Map()) });
    expect(plan.kept.map((c) => c.step)).toEqual(['4', '3']);
    expect(plan.manifestsWanted.map((c) => c.step)).not.toContain('4');
  });
});
