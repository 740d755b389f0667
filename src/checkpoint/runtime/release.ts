/**
 * The Lustre tier's run (runtime: the SDK, no constructs): lists the lake's checkpoints and the
 * file system's data repository tasks, asks the pure plan (release-plan.ts) what to do, and does it
 * with CreateDataRepositoryTask (`RELEASE_DATA_FROM_FILESYSTEM`). The handler is a thin wrapper.
 *
 * - One task runs at a time per file system: while one is PENDING or EXECUTING, CreateDataRepositoryTask
 *   fails with `DataRepositoryTaskExecuting` ("An existing data repository task is currently executing
 *   on the file system. Wait until the existing task has completed, then create the new task":
 *   https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryTask.html). The run
 *   then waits and plans again; at its deadline it returns with `summary.waiting` set. A busy file
 *   system is never a failed run: the next run (schedule or alarm) carries on.
 * - A task takes at most 100 paths (same page, `Paths`: "Maximum number of 100 items"). With more
 *   releasable checkpoints, the run waits for its task to end and releases the next 100, until none
 *   is left or the deadline nears.
 * - A task that ends FAILED or CANCELED, or with failed files, stops the run's releases and is
 *   reported: the next run plans again from what FSx and the lake say.
 * - Nothing is ever deleted: a release keeps the data in S3 and drops the file system's copy of
 *   exported files only ("Only file data that has been exported to S3 can be released":
 *   https://docs.aws.amazon.com/fsx/latest/APIReference/API_ReleaseConfiguration.html).
 */
import { CreateDataRepositoryTaskCommand, FSxClient } from '@aws-sdk/client-fsx';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { listCheckpoints } from './listing';
import { describeTask, listFileSystemTasks, RUNNING_LIFECYCLES } from './tasks';
import { CheckpointHandlerConfig, RunOutcome } from '../handler/contract';
import {
  cancelledSince, isTaskExecutingError, MAX_SIZE_MANIFEST_BYTES, MAX_TASK_PATHS, planRelease, ReleasePlan, releaseTaskRequest, TaskView,
} from '../release-plan';
import { Checkpoint, CheckpointListing, newestCompleteMs } from '../rules';

/** What a release run needs from the outside world. */
export interface ReleaseDeps {
  readonly s3: S3Client;
  readonly fsx: FSxClient;
  /** The time, in milliseconds since the epoch. */
  readonly nowMs: () => number;
  readonly sleep: (ms: number) => Promise<void>;
  /** Logs a line. */
  readonly log: (line: string) => void;
  /** epoch ms by which the run must return (Lambda deadline minus a margin) */
  readonly deadlineMs: number;
}

/** How long the run waits before planning again while another task holds the file system. */
export const RELEASE_RETRY_MS = 30_000;

/** How often the run looks at its own task, while more checkpoints wait for the next one. */
export const TASK_POLL_MS = 10_000;

/** Size manifests read at once. */
const MANIFEST_READS = 16;

/** The text of a checkpoint's size manifest in the lake, or the error that kept it from being read. */
async function readManifest(s3: S3Client, bucket: string, checkpoint: Checkpoint, name: string): Promise<string | Error> {
  const key = `${checkpoint.prefix}${name}`;
  const listed = checkpoint.objects.find((object) => object.key === key);
  if (listed !== undefined && listed.sizeBytes > MAX_SIZE_MANIFEST_BYTES) {
    return new Error(`${listed.sizeBytes} bytes, more than the ${MAX_SIZE_MANIFEST_BYTES} the handler reads`);
  }
  try {
    const answer = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    const text = await answer.Body?.transformToString('utf-8');
    return text ?? new Error('GetObject answered no body');
  } catch (error) {
    return new Error(`GetObject s3://${bucket}/${key}: ${(error as Error).name}: ${(error as Error).message}`);
  }
}

/** How many names a log line lists before it says "and N more". */
const LOG_NAMES = 5;

function names(checkpoints: readonly Checkpoint[]): string {
  const shown = checkpoints.slice(0, LOG_NAMES).map((checkpoint) => checkpoint.prefix).join(', ');
  return checkpoints.length > LOG_NAMES ? `${shown} and ${checkpoints.length - LOG_NAMES} more` : shown;
}

/**
 * Releases the expired, complete, settled checkpoints from the tier's file system, 100 per task,
 * never the latest `keepLatest` of a run and never an incomplete one (see release-plan.ts).
 */
export async function runRelease(config: CheckpointHandlerConfig, deps: ReleaseDeps): Promise<RunOutcome> {
  const lustre = config.lustre;
  if (lustre === undefined) {
    throw new Error(`tier ${config.tier}: the configuration has no "lustre" section; runRelease serves Lustre tiers only`);
  }
  const log = (line: string) => deps.log(`release ${lustre.fileSystemId}: ${line}`);
  const scheme = { root: config.lake.root, layout: config.scheme.layout, marker: config.scheme.marker };
  const repository = { fileSystemPath: lustre.fileSystemPath, lakeRoot: config.lake.root };

  /** Sleeps `ms` (at most until the deadline); false when the deadline has come. */
  const pause = async (ms: number): Promise<boolean> => {
    const remaining = deps.deadlineMs - deps.nowMs();
    if (remaining <= 0) {
      return false;
    }
    await deps.sleep(Math.min(ms, remaining));
    return deps.nowMs() < deps.deadlineMs;
  };

  /** The task once it no longer holds the file system, or undefined at the deadline. */
  const taskEnd = async (taskId: string): Promise<TaskView | undefined> => {
    for (;;) {
      if (!(await pause(TASK_POLL_MS))) {
        return undefined;
      }
      const task = await describeTask(deps.fsx, taskId); // undefined: not listed yet, just created
      if (task !== undefined && !RUNNING_LIFECYCLES.has(task.lifecycle)) {
        return task;
      }
    }
  };

  const startedMs = deps.nowMs();
  const problems = new Set<string>();
  const releasedPaths = new Set<string>();
  const manifestTexts = new Map<string, string | Error>();
  const sizeManifest = lustre.sizeManifest === undefined ? undefined
    : { name: lustre.sizeManifest.name, required: lustre.sizeManifest.required, marker: config.scheme.marker, texts: manifestTexts };
  let released = 0;
  let waiting: string | undefined;
  let listing: CheckpointListing;
  let plan: ReleasePlan;
  for (;;) {
    listing = await listCheckpoints(deps.s3, config.lake.bucket, scheme);
    const tasks = await listFileSystemTasks(deps.fsx, lustre.fileSystemId);
    const cancelled = cancelledSince(tasks, startedMs);
    plan = planRelease(listing.checkpoints, tasks, {
      repository, keepLatest: config.scheme.keepLatest, settleMs: lustre.settleMs, nowMs: deps.nowMs(), sizeManifest,
    });
    if (plan.manifestsWanted.length > 0 && sizeManifest !== undefined) {
      // Read the size manifests the plan needs, then plan again with them (every one is then known).
      for (let i = 0; i < plan.manifestsWanted.length; i += MANIFEST_READS) {
        const batch = plan.manifestsWanted.slice(i, i + MANIFEST_READS);
        const texts = await Promise.all(batch.map((checkpoint) => readManifest(deps.s3, config.lake.bucket, checkpoint, sizeManifest.name)));
        batch.forEach((checkpoint, index) => manifestTexts.set(checkpoint.prefix, texts[index]));
      }
      continue;
    }
    for (const item of plan.unverified) {
      problems.add(`${item.checkpoint.prefix}: not released, ${item.reason}`);
    }
    for (const checkpoint of plan.unreleasable) {
      problems.add(`${checkpoint.prefix}: not released, its path holds wildcard characters (*, ?, [ or ]) that a task path cannot take`);
    }
    log(`plan: ${plan.next.kind}: ${plan.next.reason} (${plan.kept.length} kept, ${plan.released.length} released before, `
      + `${plan.settling.length} settling, ${plan.unverified.length} not verified, ${plan.incomplete.length} incomplete in the lake${plan.incomplete.length > 0 ? `: ${names(plan.incomplete)}` : ''})`);

    if (plan.next.kind === 'none') {
      break;
    }
    if (cancelled !== undefined) {
      // The tier's stack may be deleting the file system (it cancels every task first): a new task
      // would block that deletion. Stop; the next run, if there is one, decides.
      waiting = `task ${cancelled.taskId} (${cancelled.type}) was cancelled during this run (${cancelled.lifecycle}): `
        + `no new task; ${plan.releasable.length} checkpoint(s) wait for the next run`;
      log(`stop: ${waiting}`);
      break;
    }
    if (plan.next.kind === 'wait') {
      if (!(await pause(RELEASE_RETRY_MS))) {
        waiting = `${plan.next.reason}; ${plan.releasable.length} checkpoint(s) wait for the next run`;
        log(`deadline: ${waiting}`);
        break;
      }
      continue;
    }
    if (plan.next.paths.some((path) => releasedPaths.has(path))) {
      // A task of this run covered these paths, yet the plan offers them again (the task list lags,
      // or the lake changed since): the next run decides, with FSx's final word on that task.
      log(`stop: the plan offers paths a task of this run released (${plan.next.paths.filter((path) => releasedPaths.has(path)).slice(0, LOG_NAMES).join(', ')})`);
      break;
    }

    const request = releaseTaskRequest(lustre.fileSystemId, plan.next, { unreadForDays: lustre.unreadForDays, report: { path: lustre.reportPath } });
    let taskId: string | undefined;
    let answeredLifecycle: string | undefined;
    try {
      const answer = await deps.fsx.send(new CreateDataRepositoryTaskCommand(request));
      taskId = answer.DataRepositoryTask?.TaskId;
      answeredLifecycle = answer.DataRepositoryTask?.Lifecycle;
    } catch (error) {
      if (!isTaskExecutingError(error)) {
        throw error;
      }
      log('CreateDataRepositoryTask: DataRepositoryTaskExecuting (another task holds the file system): waiting to plan again');
      if (!(await pause(RELEASE_RETRY_MS))) {
        waiting = `another data repository task holds the file system (DataRepositoryTaskExecuting); ${plan.releasable.length} checkpoint(s) wait for the next run`;
        log(`deadline: ${waiting}`);
        break;
      }
      continue;
    }
    if (answeredLifecycle !== undefined && !RUNNING_LIFECYCLES.has(answeredLifecycle)) {
      // A new task starts PENDING. An ended one is an earlier request's task answered again (an
      // idempotent create): nothing new runs, so nothing is released.
      const problem = `CreateDataRepositoryTask answered task ${taskId}, already ${answeredLifecycle}: an earlier request's task, `
        + `so no new task started for ${plan.next.checkpoints.length} checkpoint(s)`;
      problems.add(problem);
      log(`stop: ${problem}`);
      break;
    }
    released += plan.next.checkpoints.length;
    plan.next.paths.forEach((path) => releasedPaths.add(path));
    log(`created task ${taskId ?? '(no id answered)'} releasing ${plan.next.checkpoints.length} checkpoint(s): ${names(plan.next.checkpoints)}`);

    const rest = plan.releasable.length - plan.next.checkpoints.length;
    if (rest <= 0) {
      break; // nothing more to release: the task runs on without the run
    }
    if (taskId === undefined) {
      waiting = `CreateDataRepositoryTask answered no task id to follow; ${rest} checkpoint(s) wait for the next run`;
      log(waiting);
      break;
    }
    const ended = await taskEnd(taskId);
    if (ended === undefined) {
      waiting = `task ${taskId} still runs at the deadline; ${rest} checkpoint(s) wait for the next run`;
      log(`deadline: ${waiting}`);
      break;
    }
    if (ended.lifecycle !== 'SUCCEEDED' || (ended.failedCount ?? 0) > 0) {
      const problem = `release task ${taskId} ended ${ended.lifecycle}${ended.failedCount ? ` with ${ended.failedCount} failed file(s)` : ''}`
        + `${lustre.reportPath ? ` (its failures.csv is under ${lustre.reportPath})` : ''}`;
      problems.add(problem);
      log(`stop: ${problem}; ${rest} checkpoint(s) wait for the next run`);
      break;
    }
    log(`task ${taskId} SUCCEEDED: planning the next ${Math.min(rest, MAX_TASK_PATHS)}`);
  }

  return {
    summary: {
      tier: config.tier,
      lakeComplete: listing.checkpoints.filter((checkpoint) => checkpoint.complete).length,
      incomplete: plan.incomplete.length,
      released,
      copied: 0,
      deleted: 0,
      waiting,
      problems: [...problems],
    },
    newestCompleteMs: newestCompleteMs(listing.checkpoints),
  };
}
