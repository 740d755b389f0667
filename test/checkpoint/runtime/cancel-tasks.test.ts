import { FakeClock, FakeFsx, HOUR, MINUTE, SECOND, T0 } from './fakes';
import { CancelTasksResourceProperties } from '../../../src/checkpoint/handler/contract';
import { CANCEL_POLL_MS, CANCEL_QUIET_MS, onCancelTasksEvent } from '../../../src/checkpoint/runtime/cancel-tasks';
import { OnEventResponse, ProviderEvent } from '../../../src/core/provider-event';
import { sdkError } from '../../transfer/engine/fake-s3';

const FS = 'fs-0123456789abcdef0';
const OTHER_FS = 'fs-0fedcba9876543210';
const NOW = T0 + 100 * HOUR;
const DEADLINE = NOW + 10 * MINUTE;

function event(requestType: 'Create' | 'Update' | 'Delete', fileSystemId = FS, physicalResourceId?: string): ProviderEvent<CancelTasksResourceProperties> {
  return {
    RequestType: requestType,
    RequestId: 'req-1',
    LogicalResourceId: 'CancelTasks',
    StackId: 'arn:aws:cloudformation:us-east-1:123456789012:stack/s/1',
    ResourceProperties: { FileSystemId: fileSystemId, AccountId: '123456789012', ServiceToken: 'arn:aws:lambda:us-east-1:123456789012:function:f' },
    PhysicalResourceId: physicalResourceId,
  };
}

function setup(deadlineMs = DEADLINE) {
  const clock = new FakeClock(NOW);
  const fsx = new FakeFsx(clock);
  const lines: string[] = [];
  const deps = { fsx: fsx.client, nowMs: clock.nowMs, sleep: clock.sleep, log: (line: string) => lines.push(line), deadlineMs };
  return { clock, fsx, lines, deps };
}

const cancelledIds = (fsx: FakeFsx) => fsx.callsOf('CancelDataRepositoryTask').map((call) => call.input.TaskId);

describe('onCancelTasksEvent: Create and Update', () => {
  test.each(['Create', 'Update'] as const)('%s: a stable physical id, and nothing else (running tasks are left alone)', async (type) => {
    const { fsx, deps } = setup();
    fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING' });
    const response: OnEventResponse = await onCancelTasksEvent(event(type, FS, type === 'Update' ? `cancel-tasks-${FS}` : undefined), deps);
    expect(response).toEqual({ PhysicalResourceId: `cancel-tasks-${FS}` });
    expect(fsx.calls).toEqual([]);
  });

  test('Update to another file system: a new physical id, so CloudFormation deletes the old resource (and cancels there)', async () => {
    const { deps } = setup();
    const response = await onCancelTasksEvent(event('Update', OTHER_FS, `cancel-tasks-${FS}`), deps);
    expect(response.PhysicalResourceId).toBe(`cancel-tasks-${OTHER_FS}`);
  });

  test('Create without a file system id: refused with a clear message', async () => {
    const { deps } = setup();
    await expect(onCancelTasksEvent(event('Create', ''), deps)).rejects.toThrow('CancelTasks: FileSystemId: received ""; allowed: the id of the FSx for Lustre file system');
  });
});

describe('onCancelTasksEvent: Delete', () => {
  test('cancels the PENDING and EXECUTING tasks of this file system only, then waits until none runs', async () => {
    const { fsx, deps, clock, lines } = setup();
    const pending = fsx.addTask({ FileSystemId: FS, lifecycle: 'PENDING', cancelMs: 30 * SECOND });
    const executing = fsx.addTask({ FileSystemId: FS, Type: 'RELEASE_DATA_FROM_FILESYSTEM', lifecycle: 'EXECUTING', cancelMs: 2 * MINUTE });
    const canceling = fsx.addTask({ FileSystemId: FS, lifecycle: 'CANCELING', endsAtMs: NOW + MINUTE, finalLifecycle: 'CANCELED' });
    for (const lifecycle of ['SUCCEEDED', 'FAILED', 'CANCELED']) {
      fsx.addTask({ FileSystemId: FS, lifecycle, endsAtMs: 0 });
    }
    const elsewhere = fsx.addTask({ FileSystemId: OTHER_FS, lifecycle: 'EXECUTING' });

    const response = await onCancelTasksEvent(event('Delete', FS, `cancel-tasks-${FS}`), deps);

    expect(cancelledIds(fsx)).toEqual([pending.TaskId, executing.TaskId]);
    expect(response).toEqual({ PhysicalResourceId: `cancel-tasks-${FS}`, Data: { CancelledTasks: '2' } });
    // It returned only once every task of the file system had ended.
    expect(clock.now).toBeGreaterThanOrEqual(NOW + 2 * MINUTE);
    for (const task of [pending, executing, canceling]) {
      expect(fsx.lifecycleOf(task)).toBe('CANCELED');
    }
    expect(fsx.lifecycleOf(elsewhere)).toBe('EXECUTING');
    expect(clock.sleeps.every((ms) => ms === CANCEL_POLL_MS)).toBe(true);
    expect(lines.at(-1)).toContain('it can be deleted');
    // Only task calls: nothing is ever deleted.
    expect(new Set(fsx.calls.map((call) => call.name))).toEqual(new Set(['DescribeDataRepositoryTasks', 'CancelDataRepositoryTask']));
  });

  test('every page of the file system\'s tasks is read', async () => {
    const { fsx, deps } = setup();
    fsx.pageSize = 1;
    const tasks = [0, 1, 2].map(() => fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', cancelMs: 0 }));
    await onCancelTasksEvent(event('Delete'), deps);
    expect(cancelledIds(fsx)).toEqual(tasks.map((task) => task.TaskId));
    expect(fsx.callsOf('DescribeDataRepositoryTasks')[0].input.Filters).toEqual([{ Name: 'file-system-id', Values: [FS] }]);
  });

  test('DataRepositoryTaskEnded (the task ended in between) is what was wanted', async () => {
    const { fsx, deps, lines } = setup();
    const ending = fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', endsAtMs: NOW + 5 * SECOND });
    fsx.failNext.CancelDataRepositoryTask = [sdkError('DataRepositoryTaskEnded', 400, 'The data repository task could not be canceled because the task has already ended.')];
    const response = await onCancelTasksEvent(event('Delete'), deps);
    expect(cancelledIds(fsx)).toEqual([ending.TaskId]);
    expect(response.PhysicalResourceId).toBe(`cancel-tasks-${FS}`);
    expect(lines.some((line) => line.includes('DataRepositoryTaskEnded'))).toBe(true);
  });

  test('a task that starts while Delete waits is cancelled too', async () => {
    const { fsx, deps, clock } = setup();
    const first = fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', cancelMs: MINUTE });
    let late: ReturnType<FakeFsx['addTask']> | undefined;
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      late ??= fsx.addTask({ FileSystemId: FS, Type: 'RELEASE_DATA_FROM_FILESYSTEM', lifecycle: 'PENDING', cancelMs: MINUTE });
    };
    await onCancelTasksEvent(event('Delete'), { ...deps, sleep });
    expect(cancelledIds(fsx)).toEqual([first.TaskId, late!.TaskId]);
    expect(fsx.lifecycleOf(late!)).toBe('CANCELED');
  });

  test('tasks still running at the deadline: a clear error, never a wait past the deadline', async () => {
    const { fsx, deps, clock } = setup();
    const stuck = fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING', cancelMs: 2 * HOUR });
    await expect(onCancelTasksEvent(event('Delete'), deps)).rejects.toThrow(
      new RegExp(`${FS}: data repository tasks still run at the handler's deadline: ${stuck.TaskId} \\(EXPORT_TO_REPOSITORY, CANCELING\\)\\. `
        + 'FSx cannot delete a file system while one of its tasks is PENDING or EXECUTING'),
    );
    expect(clock.now).toBe(DEADLINE);
    expect(cancelledIds(fsx)).toEqual([stuck.TaskId]);
  });

  test('the file system is already gone: nothing to cancel', async () => {
    const { fsx, deps } = setup();
    fsx.failNext.DescribeDataRepositoryTasks = [sdkError('FileSystemNotFound', 400, 'No Amazon FSx file systems were found')];
    await expect(onCancelTasksEvent(event('Delete'), deps)).resolves.toEqual({ PhysicalResourceId: `cancel-tasks-${FS}`, Data: { CancelledTasks: '0' } });
  });

  test('nothing runs: watches the file system for the quiet time, cancels nothing', async () => {
    const { fsx, deps, clock } = setup();
    fsx.addTask({ FileSystemId: FS, lifecycle: 'SUCCEEDED', endsAtMs: 0 });
    await onCancelTasksEvent(event('Delete'), deps);
    expect(cancelledIds(fsx)).toEqual([]);
    expect(clock.sleeps.reduce((a, b) => a + b, 0)).toBe(CANCEL_QUIET_MS);
  });

  test('a release run that was listing creates its task after the first look: cancelled within the quiet time', async () => {
    const { fsx, deps, clock } = setup();
    let late: ReturnType<FakeFsx['addTask']> | undefined;
    const sleep = async (ms: number) => {
      await clock.sleep(ms);
      if (clock.sleeps.reduce((a, b) => a + b, 0) >= 60_000) {
        late ??= fsx.addTask({ FileSystemId: FS, Type: 'RELEASE_DATA_FROM_FILESYSTEM', lifecycle: 'PENDING', cancelMs: MINUTE });
      }
    };
    await onCancelTasksEvent(event('Delete'), { ...deps, sleep });
    expect(cancelledIds(fsx)).toEqual([late!.TaskId]);
    expect(fsx.lifecycleOf(late!)).toBe('CANCELED');
  });

  test('the deadline during the quiet time: returns (nothing runs), never sleeps past it', async () => {
    const { deps, clock } = setup();
    await expect(onCancelTasksEvent(event('Delete'), { ...deps, deadlineMs: clock.now + 25_000 })).resolves.toMatchObject({ Data: { CancelledTasks: '0' } });
    expect(clock.sleeps).toEqual([10_000, 10_000, 5_000]);
  });

  test('a Delete without a file system id (a failed Create rolled back) succeeds without a call', async () => {
    const { fsx, deps } = setup();
    await expect(onCancelTasksEvent(event('Delete', '', 'req-1'), deps)).resolves.toEqual({ PhysicalResourceId: 'req-1' });
    expect(fsx.calls).toEqual([]);
  });

  test('other errors propagate', async () => {
    const { fsx, deps } = setup();
    fsx.addTask({ FileSystemId: FS, lifecycle: 'EXECUTING' });
    fsx.failNext.CancelDataRepositoryTask = [sdkError('AccessDeniedException', 400, 'not authorized to perform fsx:CancelDataRepositoryTask')];
    await expect(onCancelTasksEvent(event('Delete'), deps)).rejects.toThrow('not authorized');
  });
});
