/**
 * Measurements: each contender's copies, timed, with what the proxy saw (requests by operation,
 * the first request and the last answer, connections opened) and the CPU the processes used;
 * every copy checked and then deleted.
 *
 * A copy passes its check when the destination lists exactly the source's relative keys with the
 * same sizes, and when it was server-side: the proxy saw no request that carries an object's bytes
 * (GetObject, PutObject, UploadPart), only copies, listings and heads.
 */
import { performance } from 'perf_hooks';
import { DeleteObjectsCommand, S3Client } from '@aws-sdk/client-s3';
import { DESTINATION_BUCKET, MB, log, median } from './common';
import { CpuSnapshot, cpuDifference, machineCpu, procCpu } from './cpu';
import { ProxyProcess } from './servers';
import { Sources, Workload } from './workloads';
import { LocalS3, listKeys } from '../../test/support/s3-local';

/**
 * In this process, on clients kept warm from run to run: `ceiling` (the server's ceiling),
 * `engine` (copyDataset), `sweep` (copyDataset at other concurrencies). A fresh process started for
 * each copy, as a user starts it: `ceiling-process`, `engine-cli`, `rclone`, `aws-cli`.
 */
export type ContenderKind = 'ceiling' | 'engine' | 'sweep' | 'ceiling-process' | 'engine-cli' | 'rclone' | 'aws-cli';

/** The kinds measured as fresh processes (from a cold start). */
export const PROCESS_KINDS: ReadonlySet<ContenderKind> = new Set<ContenderKind>(['ceiling-process', 'engine-cli', 'rclone', 'aws-cli']);

/** Operations that carry an object's bytes between the client and the server: none in a server-side copy. */
const BODY_OPERATIONS = ['GetObject', 'PutObject', 'UploadPart'];

/** One timed copy. */
export interface Run {
  readonly seconds: number;
  /** Requests the proxy saw, by S3 operation. */
  readonly requests: Record<string, number>;
  /** From the start of the copy (a process: its spawn) to the first request the proxy saw. */
  readonly firstRequestSeconds: number;
  /** From the last answer the proxy sent to the end of the copy (a process: its exit). */
  readonly afterLastAnswerSeconds: number;
  /** Connections the contender opened to the proxy. */
  readonly connections: number;
  /** CPU seconds during the run: the server, the proxy, this process, and child command lines. */
  readonly cpuSeconds: CpuSnapshot;
  /** Problems found by the check of the copy (empty: the destination matches the source). */
  readonly problems: readonly string[];
}

export interface Measurement {
  /** The workload's name (`small-1000`, ..., `large`). */
  readonly workload: string;
  readonly latencyMs: number;
  readonly kind: ContenderKind;
  readonly contender: string;
  readonly settings: Record<string, unknown>;
  readonly runs: Run[];
}

export interface Summary {
  readonly seconds: number;
  readonly objectsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly requestsPerObject: number;
  /** Median time to the first request, and after the last answer (see Run). */
  readonly firstRequestSeconds: number;
  readonly afterLastAnswerSeconds: number;
  /** Median connections opened per run. */
  readonly connections: number;
  /** Median CPU use during the runs, as a fraction of one core. */
  readonly cpuUse: CpuSnapshot;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

export function summarize(m: Measurement, workload: Workload): Summary {
  const seconds = median(m.runs.map((r) => r.seconds));
  const requests = median(m.runs.map((r) => Object.values(r.requests).reduce((a, b) => a + b, 0)));
  const use = (pick: (c: CpuSnapshot) => number) => median(m.runs.map((r) => pick(r.cpuSeconds) / r.seconds));
  return {
    seconds,
    objectsPerSecond: workload.count / seconds,
    megabytesPerSecond: (workload.count * workload.sizeBytes) / MB / seconds,
    requestsPerObject: requests / workload.count,
    firstRequestSeconds: median(m.runs.map((r) => r.firstRequestSeconds)),
    afterLastAnswerSeconds: median(m.runs.map((r) => r.afterLastAnswerSeconds)),
    connections: median(m.runs.map((r) => r.connections)),
    cpuUse: {
      server: use((c) => c.server),
      proxy: use((c) => c.proxy),
      benchmark: use((c) => c.benchmark),
      children: use((c) => c.children),
      other: use((c) => c.other),
      steal: use((c) => c.steal),
    },
    minSeconds: Math.min(...m.runs.map((r) => r.seconds)),
    maxSeconds: Math.max(...m.runs.map((r) => r.seconds)),
  };
}

/** What one contender does: copy the workload's source prefix to an empty destination prefix. */
export type CopyTask = (destinationPrefix: string) => Promise<void>;

export interface Contender {
  /** Runs of this contender. @default - the `repeats` given to `measure` */
  readonly repeats?: number;
  readonly kind: ContenderKind;
  readonly contender: string;
  readonly settings: Record<string, unknown>;
  readonly task: CopyTask;
}

/** Epoch milliseconds with the fractions of performance.now(), as the proxy process reports them. */
const epochMs = () => performance.timeOrigin + performance.now();

export class Bench {
  public readonly measurements: Measurement[] = [];
  public failures = 0;
  private runNumber = 0;

  public constructor(
    private readonly s3: LocalS3,
    private readonly proxy: ProxyProcess,
    private readonly direct: S3Client,
    private readonly sources: Sources,
  ) {}

  /** Runs each contender `repeats` times (or its own), in rounds (every contender once per round). */
  public async measure(workload: Workload, latencyMs: number, contenders: readonly Contender[], repeats: number): Promise<void> {
    const entries = contenders.map((c) => {
      const m: Measurement = { workload: workload.name, latencyMs, kind: c.kind, contender: c.contender, settings: c.settings, runs: [] };
      this.measurements.push(m);
      return { c, m };
    });
    const rounds = Math.max(...contenders.map((c) => c.repeats ?? repeats));
    for (let round = 1; round <= rounds; round++) {
      for (const { c, m } of entries.filter((e) => round <= (e.c.repeats ?? repeats))) {
        const run = await this.timed(workload, c.task);
        m.runs.push(run);
        const status = run.problems.length === 0 ? 'ok' : `WRONG COPY: ${run.problems.slice(0, 3).join('; ')}`;
        log(`  ${workload.name} +${latencyMs} ms  round ${round}/${rounds}  ${c.contender.padEnd(56)} ${run.seconds.toFixed(3).padStart(7)} s`
          + `  (1st request at ${run.firstRequestSeconds.toFixed(3)} s)  ${status}`);
      }
    }
  }

  /** A copy that is not recorded (warms up the JIT, the sockets and the server). */
  public async warmUp(workload: Workload, task: CopyTask): Promise<void> {
    await this.timed(workload, task);
  }

  private async timed(workload: Workload, task: CopyTask): Promise<Run> {
    const destinationPrefix = `copies/run-${String(++this.runNumber).padStart(6, '0')}/`;
    await this.proxy.takeStats();
    const before = this.cpu();
    const startedAt = epochMs();
    const start = performance.now();
    let problems: string[] = [];
    try {
      await task(destinationPrefix);
    } catch (error) {
      problems.push(`the copy failed: ${(error as Error).message}`);
    }
    const seconds = (performance.now() - start) / 1000;
    const endedAt = epochMs();
    const after = this.cpu();
    const stats = await this.proxy.takeStats();
    const bodies = BODY_OPERATIONS.filter((op) => (stats.received[op] ?? 0) > 0).map((op) => `${stats.received[op]} ${op}`);
    if (bodies.length > 0) {
      problems.push(`not a server-side copy: the proxy saw ${bodies.join(', ')}`);
    }
    problems = [...problems, ...await this.check(workload, destinationPrefix)];
    await this.deletePrefix(destinationPrefix);
    if (problems.length > 0) {
      this.failures++;
    }
    return {
      seconds,
      requests: stats.received,
      firstRequestSeconds: stats.firstRequestAt === undefined ? NaN : (stats.firstRequestAt - startedAt) / 1000,
      afterLastAnswerSeconds: stats.lastAnswerAt === undefined ? NaN : (endedAt - stats.lastAnswerAt) / 1000,
      connections: stats.connections,
      cpuSeconds: cpuDifference(before, after),
      problems,
    };
  }

  private cpu(): CpuSnapshot {
    const usage = process.cpuUsage();
    const machine = machineCpu();
    const own = {
      server: procCpu(this.s3.pid).own,
      proxy: procCpu(this.proxy.pid).own,
      benchmark: (usage.user + usage.system) / 1e6,
      children: procCpu('self').children,
    };
    // Raw totals here; `other` becomes the machine's busy time minus ours in the difference.
    return { ...own, other: machine.busy, steal: machine.steal };
  }

  /** The destination must list exactly the source's relative keys, with the same sizes. */
  private async check(workload: Workload, destinationPrefix: string): Promise<string[]> {
    const expected = this.sources.get(workload.name)!;
    const actual = await listKeys(this.direct, DESTINATION_BUCKET, destinationPrefix);
    const problems: string[] = [];
    for (const [key, size] of expected) {
      const copied = actual.get(destinationPrefix + key);
      if (copied === undefined) {
        problems.push(`${key} missing`);
      } else if (copied !== size) {
        problems.push(`${key} has ${copied} bytes instead of ${size}`);
      }
    }
    if (actual.size !== expected.size) {
      problems.push(`${actual.size} keys at the destination instead of ${expected.size}`);
    }
    return problems.length > 5 ? [...problems.slice(0, 5), `and ${problems.length - 5} more`] : problems;
  }

  private async deletePrefix(prefix: string): Promise<void> {
    const keys = [...(await listKeys(this.direct, DESTINATION_BUCKET, prefix)).keys()];
    for (let i = 0; i < keys.length; i += 1000) {
      const answer = await this.direct.send(new DeleteObjectsCommand({
        Bucket: DESTINATION_BUCKET,
        Delete: { Objects: keys.slice(i, i + 1000).map((Key) => ({ Key })), Quiet: true },
      }));
      if (answer.Errors?.length) {
        throw new Error(`could not delete ${answer.Errors.length} copies under ${prefix}: ${answer.Errors[0].Message}`);
      }
    }
  }
}
