/**
 * Fakes for the checkpoint runtime's tests: a clock the run's `sleep` advances, an in-memory FSx that
 * keeps data repository tasks and follows FSx's task rules, and a lake that answers ListObjectsV2.
 * Each records its calls; `send(command)` dispatches on the command's class name.
 */
import type { FSxClient } from '@aws-sdk/client-fsx';
import type { S3Client } from '@aws-sdk/client-s3';
import { sdkError } from '../../transfer/engine/fake-s3';

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const T0 = Date.UTC(2026, 11, 1);

/** A clock: `sleep` moves it forward (and records how long each sleep was). */
export class FakeClock {
  public readonly sleeps: number[] = [];
  public constructor(public now: number) {}
  public readonly nowMs = (): number => this.now;
  public readonly sleep = async (ms: number): Promise<void> => {
    if (!(ms >= 0)) {
      throw new Error(`sleep(${ms})`);
    }
    this.sleeps.push(ms);
    this.now += ms;
  };
}

export interface RecordedCall {
  readonly name: string;
  readonly input: any;
}

/** A task as the fake keeps it: running until `endsAtMs` on the clock, then `finalLifecycle`. */
export interface FakeTask {
  readonly TaskId: string;
  readonly FileSystemId: string;
  readonly Type: string;
  readonly Paths?: string[];
  readonly CreationTime: Date;
  /** PENDING or EXECUTING while running. */
  lifecycle: string;
  endsAtMs: number;
  finalLifecycle: string;
  failedCount: number;
  /** How long a cancel takes (CANCELING, then CANCELED). */
  cancelMs: number;
  readonly input?: any;
}

const RUNNING = new Set(['PENDING', 'EXECUTING', 'CANCELING']);

/** An in-memory FSx for data repository tasks. */
export class FakeFsx {
  public readonly calls: RecordedCall[] = [];
  public readonly tasks: FakeTask[] = [];
  /** Tasks per DescribeDataRepositoryTasks page. */
  public pageSize = 100;
  /** How long a created task runs. */
  public taskDurationMs = 5 * MINUTE;
  /** How created tasks end. */
  public createdOutcome: { lifecycle: string; failedCount: number } = { lifecycle: 'SUCCEEDED', failedCount: 0 };
  /** Errors to throw from the next calls of an operation (one per call, in order). */
  public readonly failNext: Record<string, Error[]> = {};
  private nextId = 0x10000000000000000n;

  public constructor(private readonly clock: FakeClock) {}

  public get client(): FSxClient {
    return this as unknown as FSxClient;
  }

  /** Adds a task (of another writer: an export, an earlier release...). */
  public addTask(task: Partial<FakeTask> & { FileSystemId: string }): FakeTask {
    const full: FakeTask = {
      TaskId: this.newId(),
      Type: 'EXPORT_TO_REPOSITORY',
      CreationTime: new Date(this.clock.now),
      lifecycle: 'EXECUTING',
      endsAtMs: this.clock.now + HOUR,
      finalLifecycle: 'SUCCEEDED',
      failedCount: 0,
      cancelMs: MINUTE,
      ...task,
    };
    this.tasks.push(full);
    return full;
  }

  public lifecycleOf(task: FakeTask): string {
    return RUNNING.has(task.lifecycle) && this.clock.now >= task.endsAtMs ? task.finalLifecycle : task.lifecycle;
  }

  public callsOf(name: string): RecordedCall[] {
    return this.calls.filter((call) => call.name === name);
  }

  public async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.push({ name, input: command.input });
    await Promise.resolve();
    const failure = this.failNext[name]?.shift();
    if (failure) {
      throw failure;
    }
    switch (name) {
      case 'DescribeDataRepositoryTasks': return this.describe(command.input);
      case 'CreateDataRepositoryTask': return this.create(command.input);
      case 'CancelDataRepositoryTask': return this.cancel(command.input);
      default: throw new Error(`FakeFsx: unexpected command ${command.constructor.name}`);
    }
  }

  private newId(): string {
    return `task-${(this.nextId++).toString(16).padStart(17, '0')}`;
  }

  private view(task: FakeTask) {
    const lifecycle = this.lifecycleOf(task);
    return {
      TaskId: task.TaskId,
      FileSystemId: task.FileSystemId,
      Type: task.Type,
      Lifecycle: lifecycle,
      Paths: task.Paths,
      CreationTime: task.CreationTime,
      EndTime: RUNNING.has(lifecycle) ? undefined : new Date(task.endsAtMs),
      Status: RUNNING.has(lifecycle)
        ? { TotalCount: 0, SucceededCount: 0, FailedCount: 0 }
        : { TotalCount: 10, SucceededCount: 10 - task.failedCount, FailedCount: task.failedCount },
    };
  }

  private describe(input: any) {
    let tasks = this.tasks;
    if (input.TaskIds) {
      tasks = tasks.filter((task) => input.TaskIds.includes(task.TaskId));
      if (tasks.length === 0) {
        throw sdkError('DataRepositoryTaskNotFound', 400, 'The data repository task or tasks you specified could not be found.');
      }
    }
    for (const filter of input.Filters ?? []) {
      if (filter.Name === 'file-system-id') {
        tasks = tasks.filter((task) => filter.Values.includes(task.FileSystemId));
      } else if (filter.Name === 'task-lifecycle') {
        tasks = tasks.filter((task) => filter.Values.includes(this.lifecycleOf(task)));
      } else {
        throw sdkError('BadRequest', 400, `unknown filter ${filter.Name}`);
      }
    }
    const start = input.NextToken === undefined ? 0 : Number(input.NextToken.replace(/^page-/, ''));
    const page = tasks.slice(start, start + this.pageSize);
    const next = start + this.pageSize < tasks.length ? `page-${start + this.pageSize}` : undefined;
    return { DataRepositoryTasks: page.map((task) => this.view(task)), NextToken: next };
  }

  private create(input: any) {
    // FSx's rules for the request (API_CreateDataRepositoryTask): Report required, at most 100 paths.
    if (input.Report === undefined || typeof input.Report.Enabled !== 'boolean') {
      throw sdkError('BadRequest', 400, 'Report is required');
    }
    if ((input.Paths ?? []).length > 100) {
      throw sdkError('BadRequest', 400, 'at most 100 paths');
    }
    // An idempotent create: the same token with the same parameters answers the earlier task.
    const earlier = input.ClientRequestToken === undefined
      ? undefined
      : this.tasks.find((task) => task.input?.ClientRequestToken === input.ClientRequestToken);
    if (earlier) {
      if (JSON.stringify(earlier.input) !== JSON.stringify(input)) {
        throw sdkError('IncompatibleParameterError', 400, 'same client request token, different parameters');
      }
      return { DataRepositoryTask: this.view(earlier) };
    }
    const running = this.tasks.find((task) => task.FileSystemId === input.FileSystemId && RUNNING.has(this.lifecycleOf(task)));
    if (running) {
      throw sdkError('DataRepositoryTaskExecuting', 400, 'An existing data repository task is currently executing on the file system.');
    }
    const task = this.addTask({
      FileSystemId: input.FileSystemId,
      Type: input.Type,
      Paths: input.Paths,
      lifecycle: 'PENDING',
      endsAtMs: this.clock.now + this.taskDurationMs,
      finalLifecycle: this.createdOutcome.lifecycle,
      failedCount: this.createdOutcome.failedCount,
      input,
    });
    return { DataRepositoryTask: this.view(task) };
  }

  private cancel(input: any) {
    const task = this.tasks.find((item) => item.TaskId === input.TaskId);
    if (!task) {
      throw sdkError('DataRepositoryTaskNotFound', 400, 'The data repository task or tasks you specified could not be found.');
    }
    const lifecycle = this.lifecycleOf(task);
    if (lifecycle !== 'PENDING' && lifecycle !== 'EXECUTING') {
      throw sdkError('DataRepositoryTaskEnded', 400, 'The data repository task could not be canceled because the task has already ended.');
    }
    task.lifecycle = 'CANCELING';
    task.endsAtMs = this.clock.now + task.cancelMs;
    task.finalLifecycle = 'CANCELED';
    return { Lifecycle: 'CANCELING', TaskId: task.TaskId };
  }
}

export interface LakeObject {
  readonly key: string;
  readonly size: number;
  readonly lastModifiedMs: number;
}

/** A lake bucket that answers ListObjectsV2 (URL-encoded keys on request, pages of `pageSize`). */
export class FakeLake {
  public readonly calls: RecordedCall[] = [];
  public readonly objects = new Map<string, LakeObject>();
  public pageSize = 1000;

  /** Bodies of objects that GetObject answers (keys without one answer NoSuchKey). */
  public readonly bodies = new Map<string, string>();

  public constructor(public readonly bucket: string) {}

  public get client(): S3Client {
    return this as unknown as S3Client;
  }

  public put(key: string, size: number, lastModifiedMs: number): void {
    this.objects.set(key, { key, size, lastModifiedMs });
  }

  /** Puts an object with a text body (its size is the body's length in bytes). */
  public putText(key: string, text: string, lastModifiedMs: number): void {
    this.put(key, Buffer.byteLength(text), lastModifiedMs);
    this.bodies.set(key, text);
  }

  public async send(command: { constructor: { name: string }; input: any }): Promise<any> {
    const name = command.constructor.name.replace(/Command$/, '');
    this.calls.push({ name, input: command.input });
    await Promise.resolve();
    const input = command.input;
    if (name === 'GetObject' && input.Bucket === this.bucket) {
      const body = this.bodies.get(input.Key);
      if (body === undefined) {
        throw sdkError('NoSuchKey', 404, 'The specified key does not exist.');
      }
      return { Body: { transformToString: async () => body } };
    }
    if (name !== 'ListObjectsV2') {
      throw new Error(`FakeLake: unexpected command ${command.constructor.name}`);
    }
    if (input.Bucket !== this.bucket) {
      throw sdkError('NoSuchBucket', 404, 'The specified bucket does not exist');
    }
    const keys = [...this.objects.keys()].filter((key) => key.startsWith(input.Prefix ?? '')).sort();
    const start = input.ContinuationToken === undefined ? 0 : Number(input.ContinuationToken);
    const page = keys.slice(start, start + this.pageSize);
    const truncated = start + this.pageSize < keys.length;
    const encode = input.EncodingType === 'url';
    return {
      Contents: page.map((key) => {
        const object = this.objects.get(key)!;
        // S3 lists times in whole seconds.
        return { Key: encode ? encodeURIComponent(key).replace(/%2F/g, '/') : key, Size: object.size, LastModified: new Date(Math.floor(object.lastModifiedMs / 1000) * 1000) };
      }),
      EncodingType: encode ? 'url' : undefined,
      IsTruncated: truncated,
      NextContinuationToken: truncated ? String(start + this.pageSize) : undefined,
    };
  }
}
