/**
 * A file system's data repository tasks, as the release run and the cancel-tasks custom resource
 * see them (runtime: the SDK, no constructs).
 *
 * DescribeDataRepositoryTasks narrows the answer with filters ("Use `file-system-id` to retrieve
 * data repository tasks for specific file systems":
 * https://docs.aws.amazon.com/fsx/latest/APIReference/API_DataRepositoryTaskFilter.html) and pages
 * it ("If more tasks remain, a NextToken value is returned in the response. In this case, send a
 * later request with the NextToken request parameter set to the value of NextToken from the last
 * response": https://docs.aws.amazon.com/fsx/latest/APIReference/API_DescribeDataRepositoryTasks.html).
 */
import { DataRepositoryTask, DescribeDataRepositoryTasksCommand, FSxClient } from '@aws-sdk/client-fsx';
import { TaskView } from '../release-plan';

/** Lifecycles of a task that still holds the file system: FSx refuses a new task, or a deletion, meanwhile. */
export const RUNNING_LIFECYCLES: ReadonlySet<string> = new Set(['PENDING', 'EXECUTING', 'CANCELING']);

/** The name of an SDK error (`error.name`), or undefined. */
export function errorName(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && typeof (error as { name?: unknown }).name === 'string'
    ? (error as { name: string }).name
    : undefined;
}

/** A task as the release plan reads it. */
export function taskView(task: DataRepositoryTask): TaskView {
  if (!task.TaskId) {
    throw new Error('DescribeDataRepositoryTasks answered a task without a TaskId');
  }
  return {
    taskId: task.TaskId,
    type: task.Type ?? '',
    lifecycle: task.Lifecycle ?? '',
    paths: task.Paths ?? [],
    // No creation time: 0, so the task never counts as a release made after a checkpoint's export.
    creationTimeMs: task.CreationTime?.getTime() ?? 0,
    endTimeMs: task.EndTime?.getTime(),
    failedCount: task.Status?.FailedCount,
  };
}

/**
 * Every data repository task of a file system, page by page. A page token that repeats is an error
 * (a listing that would never end). `DataRepositoryTaskNotFound` on the first page reads as no task:
 * the API lists it among DescribeDataRepositoryTasks' errors, and the docs do not say whether a
 * filter that matches nothing answers it or an empty list (either way, nothing runs).
 */
export async function listFileSystemTasks(fsx: FSxClient, fileSystemId: string): Promise<TaskView[]> {
  const tasks: TaskView[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  do {
    let page;
    try {
      page = await fsx.send(new DescribeDataRepositoryTasksCommand({
        Filters: [{ Name: 'file-system-id', Values: [fileSystemId] }],
        NextToken: token,
      }));
    } catch (error) {
      if (token === undefined && errorName(error) === 'DataRepositoryTaskNotFound') {
        return [];
      }
      throw error;
    }
    for (const task of page.DataRepositoryTasks ?? []) {
      tasks.push(taskView(task));
    }
    token = page.NextToken || undefined;
    if (token !== undefined) {
      if (seen.has(token)) {
        throw new Error(`DescribeDataRepositoryTasks for ${fileSystemId} answered the page token ${token} twice`);
      }
      seen.add(token);
    }
  } while (token !== undefined);
  return tasks;
}

/** One task by its id, or undefined when FSx does not know it (yet: a task just created). */
export async function describeTask(fsx: FSxClient, taskId: string): Promise<TaskView | undefined> {
  try {
    const answer = await fsx.send(new DescribeDataRepositoryTasksCommand({ TaskIds: [taskId] }));
    const task = (answer.DataRepositoryTasks ?? []).find((item) => item.TaskId === taskId);
    return task === undefined ? undefined : taskView(task);
  } catch (error) {
    if (errorName(error) === 'DataRepositoryTaskNotFound') {
      return undefined;
    }
    throw error;
  }
}
