/**
 * The custom resource that lets a stack delete its FSx for Lustre file system (runtime: the SDK, no
 * constructs): on Delete it cancels the file system's PENDING and EXECUTING data repository tasks and
 * waits until none runs. The Lambda entry point is a thin wrapper; the tests call this directly.
 *
 * Why: "You cannot delete an FSx for Lustre file system if there are data repository tasks for the
 * file system in the PENDING or EXECUTING states. Please retry when the data repository task is
 * finished (with a status of CANCELED, SUCCEEDED, or FAILED)"
 * (https://docs.aws.amazon.com/fsx/latest/APIReference/API_DataRepositoryTask.html). The resource
 * depends on the file system, so CloudFormation deletes it (and runs this) before the file system.
 *
 * CancelDataRepositoryTask "Cancels an existing Amazon FSx for Lustre data repository task if that
 * task is in either the PENDING or EXECUTING state"; a cancelled release stops releasing, files
 * already released stay released (their data is in S3), and a cancelled export keeps what it
 * exported (https://docs.aws.amazon.com/fsx/latest/APIReference/API_CancelDataRepositoryTask.html).
 * A task that ended in between answers `DataRepositoryTaskEnded` ("The data repository task could not
 * be canceled because the task has already ended"): that is what was wanted. Nothing here deletes
 * data: no object, no file, no file system.
 */
import { CancelDataRepositoryTaskCommand, FSxClient } from '@aws-sdk/client-fsx';
import { errorName, listFileSystemTasks, RUNNING_LIFECYCLES } from './tasks';
import { OnEventResponse, ProviderEvent } from '../../core/provider-event';
import { CancelTasksResourceProperties } from '../handler/contract';
import { TaskView } from '../release-plan';

/** What the custom resource needs from the outside world. */
export interface CancelTasksDeps {
  readonly fsx: FSxClient;
  /** The time, in milliseconds since the epoch. */
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Logs a line. */
  readonly log: (line: string) => void;
  /** epoch ms by which onEvent must return (Lambda deadline minus a margin) */
  readonly deadlineMs: number;
}

/** How often Delete looks at the tasks while they end. */
export const CANCEL_POLL_MS = 10_000;

/**
 * How long Delete watches the file system after the last task it saw running ended: a release run
 * that was listing the lake when the schedule was deleted may still create a task, within about one
 * listing's time. A run that sees a task cancelled creates none (release.ts), so only such a run
 * can, and Delete cancels it too.
 */
export const CANCEL_QUIET_MS = 90_000;

/** The lifecycles CancelDataRepositoryTask accepts. */
const CANCELLABLE: ReadonlySet<string> = new Set(['PENDING', 'EXECUTING']);

/** The physical id: one per file system, so that a new file system replaces the resource (and Delete runs for the old one). */
export function cancelTasksPhysicalId(fileSystemId: string): string {
  return `cancel-tasks-${fileSystemId}`;
}

function describe(tasks: readonly TaskView[]): string {
  return tasks.map((task) => `${task.taskId} (${task.type}, ${task.lifecycle})`).join(', ');
}

/** Create and Update: nothing to do. Delete: cancel the file system's running tasks and wait until none runs. */
export async function onCancelTasksEvent(event: ProviderEvent<CancelTasksResourceProperties>, deps: CancelTasksDeps): Promise<OnEventResponse> {
  const fileSystemId = event.ResourceProperties.FileSystemId;
  const valid = typeof fileSystemId === 'string' && fileSystemId !== '';
  if (event.RequestType !== 'Delete') {
    if (!valid) {
      throw new Error(`${event.LogicalResourceId}: FileSystemId: received ${JSON.stringify(fileSystemId)}; allowed: the id of the FSx for Lustre file system`);
    }
    return { PhysicalResourceId: cancelTasksPhysicalId(fileSystemId) };
  }
  const physicalResourceId = event.PhysicalResourceId ?? cancelTasksPhysicalId(String(fileSystemId));
  if (!valid) {
    // A Create that failed on this is rolled back with a Delete: there is nothing to cancel.
    deps.log(`Delete: no file system id (${JSON.stringify(fileSystemId)}): nothing to cancel`);
    return { PhysicalResourceId: physicalResourceId };
  }

  const log = (line: string) => deps.log(`Delete ${fileSystemId}: ${line}`);
  const cancelled = new Set<string>();
  let lastWait = '';
  let lastRunningMs = deps.nowMs();
  for (;;) {
    let tasks: TaskView[];
    try {
      tasks = await listFileSystemTasks(deps.fsx, fileSystemId);
    } catch (error) {
      if (errorName(error) === 'FileSystemNotFound') {
        log('the file system no longer exists: nothing to cancel');
        return { PhysicalResourceId: physicalResourceId, Data: { CancelledTasks: String(cancelled.size) } };
      }
      throw error;
    }
    const running = tasks.filter((task) => RUNNING_LIFECYCLES.has(task.lifecycle));
    // A task that starts meanwhile (a scheduled release) is cancelled on the next look.
    for (const task of running.filter((item) => CANCELLABLE.has(item.lifecycle) && !cancelled.has(item.taskId))) {
      try {
        await deps.fsx.send(new CancelDataRepositoryTaskCommand({ TaskId: task.taskId }));
        log(`cancelled task ${task.taskId} (${task.type}, was ${task.lifecycle})`);
      } catch (error) {
        const name = errorName(error);
        if (name !== 'DataRepositoryTaskEnded' && name !== 'DataRepositoryTaskNotFound') {
          throw error;
        }
        log(`task ${task.taskId} (${task.type}) had already ended (${name})`);
      }
      cancelled.add(task.taskId);
    }
    const remaining = deps.deadlineMs - deps.nowMs();
    if (running.length === 0) {
      const quietMs = deps.nowMs() - lastRunningMs;
      if (quietMs >= CANCEL_QUIET_MS || remaining <= 0) {
        log(`no data repository task has run on the file system for ${Math.round(quietMs / 1000)} s (${cancelled.size} cancelled): it can be deleted`);
        return { PhysicalResourceId: physicalResourceId, Data: { CancelledTasks: String(cancelled.size) } };
      }
      await deps.sleep(Math.min(CANCEL_POLL_MS, CANCEL_QUIET_MS - quietMs, remaining));
      continue;
    }
    lastRunningMs = deps.nowMs();
    if (remaining <= 0) {
      throw new Error(`${fileSystemId}: data repository tasks still run at the handler's deadline: ${describe(running)}. `
        + 'FSx cannot delete a file system while one of its tasks is PENDING or EXECUTING; '
        + 'retry the stack deletion once they have ended (DescribeDataRepositoryTasks shows them). No data was deleted.');
    }
    if (describe(running) !== lastWait) {
      lastWait = describe(running);
      log(`waiting for ${lastWait}`);
    }
    await deps.sleep(Math.min(CANCEL_POLL_MS, remaining));
  }
}
