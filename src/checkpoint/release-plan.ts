/**
 * Which checkpoints to release from an FSx for Lustre file system, and when (pure: no aws-cdk-lib,
 * no SDK). The release handler lists the lake's checkpoints and the file system's data repository
 * tasks, asks `planRelease` what to do, and does it.
 *
 * The order that keeps data safe:
 * 1. Only checkpoints complete *in the lake* are candidates: their completion marker, written last
 *    on the file system, has been exported. A checkpoint whose marker has not reached the lake yet
 *    is not a candidate, however old.
 * 2. Of those, the latest `keepLatest` of each run are never released.
 * 3. A candidate is released only once its export is verified: with a size manifest (the default),
 *    every file the manifest lists is in the lake with the size the manifest gives; without one
 *    (when the tier does not require it), no object of it in the lake changed for `settleMs`
 *    (automatic export works asynchronously, file by file; the marker can arrive before a large
 *    shard). A checkpoint with no manifest in the lake, when one is required, is never released.
 * 4. FSx itself releases only files that are exported and unchanged since: "Only files that have
 *    been exported to S3 ... are eligible for release" (user guide, Releasing files), so a file that
 *    is not in S3 yet, or changed after its export, stays on the file system.
 * The handler cannot see the files themselves: Lambda does not mount Lustre, and FSx has no API
 * that lists files. The size manifest is the file system's side, written by the training script on
 * the file system after the marker (`find . -type f ! -name <manifest> -printf '%s %P\n'`); it
 * reaches the lake through the same export. Steps 1 to 3 check the lake against it; step 4 is FSx's
 * guarantee for the file system's.
 *
 * FSx's rules encoded here (Amazon FSx API reference, CreateDataRepositoryTask:
 * https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryTask.html, and the
 * FSx for Lustre user guide, Releasing files: https://docs.aws.amazon.com/fsx/latest/LustreGuide/file-release.html):
 * - `Paths`: at most 100 per task, relative to the mount point (`path1`, not `/mnt/fsx/path1`), no wildcards;
 * - one task runs at a time per file system: CreateDataRepositoryTask fails with
 *   `DataRepositoryTaskExecuting` ("An existing data repository task is currently executing on the
 *   file system. Wait until the existing task has completed"), so the plan waits while one runs.
 */
import { Checkpoint, DEFAULT_KEEP_LATEST, planRetention } from './rules';

/** At most this many paths per data repository task (CreateDataRepositoryTask, `Paths`). */
export const MAX_TASK_PATHS = 100;

/** The task type the plan creates. */
export const RELEASE_TASK = 'RELEASE_DATA_FROM_FILESYSTEM';

/**
 * How long a checkpoint's objects in the lake must stay unchanged before it is released, by
 * default: automatic export runs asynchronously, file by file, so the marker can reach the lake
 * before a large shard does.
 */
export const DEFAULT_SETTLE_MS = 15 * 60 * 1000;

/** The default size manifest's name, relative to a checkpoint's directory. */
export const DEFAULT_SIZE_MANIFEST = '.export-sizes';

/** The largest size manifest the handler reads (a manifest of 100,000 files is a few MiB). */
export const MAX_SIZE_MANIFEST_BYTES = 16 * 1024 * 1024;

/**
 * The shell command that writes a checkpoint's size manifest, run in the checkpoint's directory on
 * the file system after the completion marker (GNU find: `%s` is the size in bytes, `%P` the path
 * relative to the starting point). It writes a temporary file and renames it, so that the export
 * never carries a half-written manifest; neither file lists itself.
 */
export function sizeManifestCommand(manifest: string = DEFAULT_SIZE_MANIFEST): string {
  return `find . -type f ! -path './${manifest}' ! -path './${manifest}.tmp' -printf '%s %P\\n' > '${manifest}.tmp' && mv '${manifest}.tmp' '${manifest}'`;
}

/** A parsed size manifest: relative path → size in bytes. */
export type SizeManifest = ReadonlyMap<string, number>;

/**
 * Parses a size manifest: one line per file, `<size in bytes> <path relative to the checkpoint's
 * directory>`. Throws on a line that is not that, an absolute path, a `.` or `..` segment, or a
 * path listed twice.
 */
export function parseSizeManifest(text: string): SizeManifest {
  const sizes = new Map<string, number>();
  text.split('\n').forEach((line, index) => {
    if (line === '') {
      return;
    }
    const match = /^(\d{1,16}) (.+)$/.exec(line);
    if (match === null) {
      throw new Error(`line ${index + 1} is not "<size> <path>": ${JSON.stringify(line.slice(0, 200))}`);
    }
    const path = match[2];
    if (path.startsWith('/') || path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
      throw new Error(`line ${index + 1}: ${JSON.stringify(path)} is not a relative path without empty, "." or ".." segments`);
    }
    if (sizes.has(path)) {
      throw new Error(`line ${index + 1}: ${JSON.stringify(path)} is listed twice`);
    }
    sizes.set(path, Number(match[1]));
  });
  return sizes;
}

/**
 * Why a checkpoint's export is not verified against its size manifest, or undefined when every
 * file the manifest lists is in the lake with that size (and the manifest lists at least the
 * completion marker). Objects in the lake the manifest does not list do not matter: they are not
 * the file system's files of this checkpoint as the manifest saw them.
 */
export function exportSizesProblem(checkpoint: Checkpoint, manifest: SizeManifest, marker: string): string | undefined {
  if (!manifest.has(marker)) {
    return `its size manifest does not list the completion marker ${marker}: written before the checkpoint was complete`;
  }
  const inLake = new Map(checkpoint.objects.map((object) => [object.key.slice(checkpoint.prefix.length), object.sizeBytes]));
  const missing: string[] = [];
  const differ: string[] = [];
  for (const [path, size] of manifest) {
    const lakeSize = inLake.get(path);
    if (lakeSize === undefined) {
      missing.push(path);
    } else if (lakeSize !== size) {
      differ.push(`${path} (${lakeSize} bytes in the lake, ${size} on the file system)`);
    }
  }
  if (missing.length === 0 && differ.length === 0) {
    return undefined;
  }
  const parts = [
    missing.length > 0 ? `${missing.length} file(s) not in the lake yet (${missing.slice(0, 3).join(', ')}${missing.length > 3 ? ', ...' : ''})` : '',
    differ.length > 0 ? `${differ.length} of another size (${differ.slice(0, 3).join(', ')}${differ.length > 3 ? ', ...' : ''})` : '',
  ].filter((part) => part !== '');
  return `export not verified: ${parts.join('; ')}`;
}

/** A data repository task as DescribeDataRepositoryTasks reports it. */
export interface TaskView {
  readonly taskId: string;
  /** `EXPORT_TO_REPOSITORY`, `RELEASE_DATA_FROM_FILESYSTEM`, ... */
  readonly type: string;
  /** `PENDING`, `EXECUTING`, `FAILED`, `SUCCEEDED`, `CANCELED`, `CANCELING`. */
  readonly lifecycle: string;
  /** The task's paths; empty means the whole file system. */
  readonly paths: readonly string[];
  readonly creationTimeMs: number;
  /** When the task ended (EndTime), once it has. */
  readonly endTimeMs?: number;
  /** Status.FailedCount, when reported. */
  readonly failedCount?: number;
}

/** How the lake's checkpoints root maps onto the file system (the data repository association). */
export interface ReleaseRepository {
  /** The association's file system path, such as `/checkpoints`. */
  readonly fileSystemPath: string;
  /** The lake's key prefix the association links, such as `checkpoints/` (the checkpoints root). */
  readonly lakeRoot: string;
}

/** What the handler does next. */
export interface ReleaseStep {
  /** `wait` (a task is running), `release`, or `none`. */
  readonly kind: 'wait' | 'release' | 'none';
  /** The release task's paths, at most MAX_TASK_PATHS. */
  readonly paths: readonly string[];
  /** The checkpoints those paths are, in the same order. */
  readonly checkpoints: readonly Checkpoint[];
  /** Why, in words (logged). */
  readonly reason: string;
}

/** The whole picture: the next step and what the plan found (for logs and metrics). */
export interface ReleasePlan {
  readonly next: ReleaseStep;
  /** Expired checkpoints a successful release task covered after their last change in the lake. */
  readonly released: readonly Checkpoint[];
  /** Expired checkpoints whose export has settled, waiting for release. */
  readonly releasable: readonly Checkpoint[];
  /** Expired checkpoints whose objects in the lake changed within the settle time. */
  readonly settling: readonly Checkpoint[];
  /** Expired checkpoints whose export the size manifest does not verify (yet), with why. */
  readonly unverified: readonly UnverifiedExport[];
  /** Expired checkpoints whose size manifest is in the lake but not among the texts given: read them and plan again. */
  readonly manifestsWanted: readonly Checkpoint[];
  /** Expired checkpoints whose directory a task path cannot name (wildcard characters): kept, reported. */
  readonly unreleasable: readonly Checkpoint[];
  /** The latest complete checkpoints of each run: never released. */
  readonly kept: readonly Checkpoint[];
  /** Incomplete checkpoints in the lake: left alone, reported. */
  readonly incomplete: readonly Checkpoint[];
}

/** The file system path of a checkpoint as a task path: relative to the mount point, no slashes around it. */
export function taskPathOf(checkpoint: Checkpoint, repository: ReleaseRepository): string {
  if (!checkpoint.prefix.startsWith(repository.lakeRoot)) {
    throw new Error(`checkpoint ${checkpoint.prefix} is not under the association's lake root ${repository.lakeRoot}`);
  }
  const base = repository.fileSystemPath.replace(/^\/+|\/+$/g, '');
  const relative = checkpoint.prefix.slice(repository.lakeRoot.length).replace(/\/+$/, '');
  const path = base === '' ? relative : `${base}/${relative}`;
  if (path === '' || /[*?[\]\u0000-\u001f\u007f]/.test(path) || path.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    // Task paths take no wildcards; the layout's names never hold them, but a key could.
    throw new Error(`checkpoint ${checkpoint.prefix} has no valid task path (${JSON.stringify(path)}): wildcards are not allowed`);
  }
  return path;
}

/** True when a task over `taskPaths` covers `path` (the same path, an ancestor, or the whole file system). */
export function covers(taskPaths: readonly string[], path: string): boolean {
  if (taskPaths.length === 0) {
    return true;
  }
  return taskPaths.some((raw) => {
    const taskPath = raw.replace(/^\/+|\/+$/g, '');
    return taskPath === '' || taskPath === path || path.startsWith(`${taskPath}/`);
  });
}

const RUNNING = new Set(['PENDING', 'EXECUTING', 'CANCELING']);

/** True when a SUCCEEDED release with no failed file covered `path` after the checkpoint last changed in the lake. */
export function releasedSince(checkpoint: Checkpoint, path: string, tasks: readonly TaskView[]): boolean {
  return tasks.some((task) => task.type === RELEASE_TASK && task.lifecycle === 'SUCCEEDED' && task.failedCount === 0
    && task.creationTimeMs > checkpoint.lastModifiedMs && covers(task.paths, path));
}

/** An expired checkpoint kept on the file system because its export is not verified. */
export interface UnverifiedExport {
  readonly checkpoint: Checkpoint;
  readonly reason: string;
}

/** How exports are verified with size manifests. */
export interface SizeManifestOptions {
  /** The manifest's name, relative to a checkpoint's directory. */
  readonly name: string;
  /** The completion marker the manifest must list. */
  readonly marker: string;
  /** True: a checkpoint without a manifest in the lake is not released. False: it waits for the settle time instead. */
  readonly required: boolean;
  /** The manifests read so far, by checkpoint prefix: their text, or why it could not be read. */
  readonly texts: ReadonlyMap<string, string | Error>;
}

/** The inputs of a plan besides the listings. */
export interface ReleasePlanOptions {
  readonly repository: ReleaseRepository;
  /** @default DEFAULT_KEEP_LATEST */
  readonly keepLatest?: number;
  /** @default DEFAULT_SETTLE_MS */
  readonly settleMs?: number;
  /** The time of the plan, in milliseconds since the epoch. */
  readonly nowMs: number;
  /** @default - no size manifests: the settle time alone */
  readonly sizeManifest?: SizeManifestOptions;
}

/**
 * The next step for a file system, from the lake's checkpoints and the file system's tasks: wait
 * while a task runs, else release the settled expired checkpoints not released yet (oldest first, at
 * most MAX_TASK_PATHS), else nothing.
 */
export function planRelease(lakeCheckpoints: readonly Checkpoint[], tasks: readonly TaskView[], options: ReleasePlanOptions): ReleasePlan {
  const settleMs = options.settleMs ?? DEFAULT_SETTLE_MS;
  if (!Number.isFinite(settleMs) || settleMs < 0) {
    throw new Error(`invalid settleMs ${settleMs}: expected a duration of 0 or more milliseconds`);
  }
  const retention = planRetention(lakeCheckpoints, options.keepLatest ?? DEFAULT_KEEP_LATEST);
  const kept = retention.flatMap((run) => run.keep);
  const incomplete = retention.flatMap((run) => run.incomplete);
  const expired = retention.flatMap((run) => run.expired).sort((a, b) => a.markerLastModifiedMs! - b.markerLastModifiedMs!);

  const released: Checkpoint[] = [];
  const releasable: Array<{ checkpoint: Checkpoint; path: string }> = [];
  const settling: Checkpoint[] = [];
  const unreleasable: Checkpoint[] = [];
  const unverified: UnverifiedExport[] = [];
  const manifestsWanted: Checkpoint[] = [];
  const manifest = options.sizeManifest;
  for (const checkpoint of expired) {
    let path: string;
    try {
      path = taskPathOf(checkpoint, options.repository);
    } catch {
      unreleasable.push(checkpoint); // a name a task path cannot hold: stays on the file system, reported
      continue;
    }
    if (releasedSince(checkpoint, path, tasks)) {
      released.push(checkpoint);
      continue;
    }
    const manifestKey = manifest === undefined ? undefined : `${checkpoint.prefix}${manifest.name}`;
    if (manifest !== undefined && checkpoint.objects.some((object) => object.key === manifestKey)) {
      const text = manifest.texts.get(checkpoint.prefix);
      if (text === undefined) {
        manifestsWanted.push(checkpoint);
        continue;
      }
      let problem: string | undefined;
      try {
        problem = text instanceof Error ? `its size manifest could not be read: ${text.message}`
          : exportSizesProblem(checkpoint, parseSizeManifest(text), manifest.marker);
      } catch (error) {
        problem = `its size manifest ${manifest.name} is malformed: ${(error as Error).message}`;
      }
      if (problem === undefined) {
        releasable.push({ checkpoint, path });
      } else {
        unverified.push({ checkpoint, reason: problem });
      }
    } else if (manifest !== undefined && manifest.required) {
      unverified.push({ checkpoint, reason: `no size manifest ${manifest.name} in the lake: its export cannot be verified` });
    } else if (options.nowMs - checkpoint.lastModifiedMs < settleMs) {
      // A clock behind S3's (negative age) also waits.
      settling.push(checkpoint);
    } else {
      releasable.push({ checkpoint, path });
    }
  }

  const running = tasks.find((task) => RUNNING.has(task.lifecycle));
  let next: ReleaseStep;
  if (releasable.length > 0 && running) {
    next = { kind: 'wait', paths: [], checkpoints: [], reason: `task ${running.taskId} (${running.type}) is ${running.lifecycle}: one task runs at a time per file system` };
  } else if (releasable.length > 0) {
    const batch = releasable.slice(0, MAX_TASK_PATHS);
    next = {
      kind: 'release',
      paths: batch.map((item) => item.path),
      checkpoints: batch.map((item) => item.checkpoint),
      reason: `${releasable.length} expired checkpoint(s) complete in the lake, their export verified${releasable.length > MAX_TASK_PATHS ? `; the first ${MAX_TASK_PATHS} now, the rest next time` : ''}`,
    };
  } else {
    next = { kind: 'none', paths: [], checkpoints: [], reason: 'nothing to release: expired checkpoints are released, settling or not verified; the rest are kept or incomplete' };
  }
  return {
    next, released, releasable: releasable.map((item) => item.checkpoint), settling, unverified, manifestsWanted, unreleasable, kept, incomplete,
  };
}

/** Report settings of a release task: FSx requires `Report` in every request. */
export interface ReleaseReport {
  /**
   * Where FSx writes the CSV of files it failed to release (`<path>/task-<id>/failures.csv`): the
   * association's S3 path or a path under it. Undefined: no report (`Enabled: false`).
   */
  readonly path?: string;
}

/** The CreateDataRepositoryTask request of a release step (the SDK's input shape, without the SDK). */
export interface ReleaseTaskRequest {
  readonly Type: typeof RELEASE_TASK;
  readonly FileSystemId: string;
  readonly Paths: string[];
  readonly ReleaseConfiguration: { DurationSinceLastAccess: { Unit: 'DAYS'; Value: number } };
  readonly Report: { Enabled: boolean; Path?: string; Format?: 'REPORT_CSV_20191124'; Scope?: 'FAILED_FILES_ONLY' };
}

/**
 * The request that releases a step's paths. `DurationSinceLastAccess` is in whole days (`Unit: DAYS`
 * is the only unit; 0 releases regardless of access); the report, when enabled, is CSV of failed
 * files only, the one format and scope FSx offers (CompletionReport:
 * https://docs.aws.amazon.com/fsx/latest/APIReference/API_CompletionReport.html). No client request
 * token: the SDK gives each request its own and keeps it across its own retries, whereas a token
 * derived from the paths would make FSx answer a later release of the same paths (after a failed
 * task) with the earlier, ended task.
 */
export function releaseTaskRequest(fileSystemId: string, step: ReleaseStep,
  options: { unreadForDays?: number; report?: ReleaseReport } = {}): ReleaseTaskRequest {
  if (step.kind !== 'release' || step.paths.length === 0 || step.paths.length > MAX_TASK_PATHS) {
    throw new Error(`a release task needs 1 to ${MAX_TASK_PATHS} paths (got ${step.paths.length}, step ${step.kind})`);
  }
  const days = options.unreadForDays ?? 0;
  if (!Number.isInteger(days) || days < 0) {
    throw new Error(`invalid unreadForDays ${days}: expected a whole number of days, 0 or more`);
  }
  const report = options.report?.path === undefined
    ? { Enabled: false }
    : { Enabled: true, Path: options.report.path, Format: 'REPORT_CSV_20191124' as const, Scope: 'FAILED_FILES_ONLY' as const };
  return {
    Type: RELEASE_TASK,
    FileSystemId: fileSystemId,
    Paths: [...step.paths],
    ReleaseConfiguration: { DurationSinceLastAccess: { Unit: 'DAYS', Value: days } },
    Report: report,
  };
}

/**
 * A task cancelled while a run goes on (CANCELING, or CANCELED after `sinceMs`), or undefined. The
 * tier cancels the file system's tasks when its stack deletes it, so that FSx can delete the file
 * system: a run that sees a cancellation stops creating tasks rather than start one that would
 * block the deletion (a person cancelling a task is obeyed the same way; the next run decides).
 */
export function cancelledSince(tasks: readonly TaskView[], sinceMs: number): TaskView | undefined {
  return tasks.find((task) => task.lifecycle === 'CANCELING' || (task.lifecycle === 'CANCELED' && (task.endTimeMs ?? 0) >= sinceMs));
}

/** True for the error CreateDataRepositoryTask returns while another task runs (wait and retry). */
export function isTaskExecutingError(error: unknown): boolean {
  const name = (error as { name?: string; Code?: string } | undefined);
  return name?.name === 'DataRepositoryTaskExecuting' || name?.Code === 'DataRepositoryTaskExecuting';
}
