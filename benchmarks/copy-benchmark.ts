/**
 * Copy benchmark: the copy engine against the AWS CLI and against the server's own ceiling, side by
 * side in one run, on one local S3-compatible server (fauxqs on 127.0.0.1) behind a proxy that adds
 * per-request latency (0 ms, and 30 ms: S3 Standard's first-byte latency).
 *
 *   npx ts-node --prefer-ts-exts benchmarks/copy-benchmark.ts [--small-count 10000] [--repeats 3] [--small-repeats 5] [--quick] [--no-sweep]
 *     [--sweep 16,32,64,128,256,512] [--latencies 0,30] [--only small|large] [--no-aws-cli] [--no-engine-cli] [--no-pin]
 *     [--out benchmarks/results/latest.json]
 *
 * Workloads: 10,000 objects of 64 KiB (`--small-count`), and 4 objects of 64 MiB (seeded by multipart upload).
 * Contenders, each measured `--repeats` times (the in-process runs on small objects, about a second
 * each and the noisiest, `--small-repeats` times), median reported, in rounds so that drift hits all:
 *
 * - ceiling: what the server (and the proxy in front of it) can take, the best of: HTTP PUTs with
 *   `x-amz-copy-source`, 256 in flight, no SDK at all, bare or with a signed request's headers and a
 *   fixed signature (fauxqs does not check signatures), which leave the client core mostly idle; and
 *   raw SDK requests, nothing else, 2,000 at once on an agent without a socket limit, and also 256
 *   and 64 in flight (all at once is not the fastest: see `unlimitedClient`). Every in-process
 *   contender keeps its client, and so its keep-alive connections, from run to run. The best SDK variant is reported too ("SDK ceiling"): it
 *   is bound by the SDK's CPU cost per request, not by the server. For the large objects: the best
 *   of CopyObject and UploadPartCopy (8, 16, 32 MiB parts), every request of a step in flight at once;
 * - engine: `copyDataset` with its defaults into an empty destination prefix (for the large objects
 *   also with an 8 MiB multipart threshold and 8, 16 and 32 MiB parts);
 * - aws cli: `/usr/bin/aws s3 cp --recursive` with default settings and an empty HOME;
 * - engine cli: this library's command line, bundled from src/cli/cli.ts with esbuild (as
 *   `npx projen bundle` does, into a temporary folder), a process like the AWS CLI (its start-up
 *   time included);
 * - a sweep of the engine's `concurrency` on the small workload.
 *
 * Every copy is checked (the destination lists the source's keys and sizes) and then deleted.
 * Everything runs on 127.0.0.1; the server, the proxy and any child process are stopped at the end,
 * on errors and on SIGINT/SIGTERM. Results: a table on stdout and JSON in benchmarks/results/.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import { randomFillSync } from 'crypto';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import * as readline from 'readline';
// The SDK is a devDependency (bundled into the engine's handler and command line); benchmarks/ is
// not yet one of the project's devdirs in .projenrc.ts, hence the two exceptions below.
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  DeleteObjectsCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { CopyOptions, ENGINE_DEFAULTS, copyDataset, createS3Client } from '../src/transfer/engine';
import {
  LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION, LocalS3, MIB, TestObject, listKeys, localS3Client, node22Binary, putObjects,
  startLocalS3, useLocalS3Credentials,
} from '../test/support/s3-local';

const REPO = path.resolve(__dirname, '..');
const AWS_CLI = '/usr/bin/aws';
const SOURCE_BUCKET = 'bench-source';
const DESTINATION_BUCKET = 'bench-destination';
const KIB = 1024;
/** MB/s are decimal megabytes (10^6 bytes) per second. */
const MB = 1e6;

interface Workload {
  readonly name: 'small' | 'large';
  readonly label: string;
  readonly prefix: string;
  readonly count: number;
  readonly sizeBytes: number;
}

/**
 * Objects in the small workload: 10,000 by default (`--small-count`, at least 2,000). At 2,000 a
 * run lasts about half a second, and the round trip the engine's listing needs before its first
 * copy, which a ceiling given the keys does not, weighs several percent; datasets are larger.
 */
const SMALL_COUNT = ((): number => {
  const at = process.argv.indexOf('--small-count');
  const n = at >= 0 ? Number(process.argv[at + 1]) : 10_000;
  if (!Number.isInteger(n) || n < 2000) {
    throw new Error('--small-count must be a whole number of at least 2000');
  }
  return n;
})();
const SMALL: Workload = {
  name: 'small', label: `${SMALL_COUNT.toLocaleString('en-US')} objects of 64 KiB`, prefix: 'small/', count: SMALL_COUNT, sizeBytes: 64 * KIB,
};
/** "Every request at once" for the small workload: 2,000 sockets (beyond that, only more connections to open). */
const ALL_AT_ONCE = 2000;
const LARGE: Workload = { name: 'large', label: '4 objects of 64 MiB (multipart-uploaded)', prefix: 'large/', count: 4, sizeBytes: 64 * MIB };
/** Part size of the large objects' seeding upload. */
const SEED_PART_BYTES = 8 * MIB;
/** Added latencies per request: none, and S3 Standard's first-byte latency. */
const DEFAULT_LATENCIES_MS = [0, 30];
/** The engine's multipart settings for the large workload: an 8 MiB threshold (the AWS CLI's) and these part sizes. */
const LARGE_THRESHOLD_BYTES = 8 * MIB;
const LARGE_PART_SIZES = [8 * MIB, 16 * MIB, 32 * MIB];

interface Options {
  readonly repeats: number;
  /** Repeats of the in-process runs on the small workload (the engine, its sweep, the ceilings). */
  readonly smallRepeats: number;
  readonly sweep: readonly number[];
  readonly awsCli: boolean;
  readonly engineCli: boolean;
  readonly out: string;
  readonly workloads: ReadonlyArray<Workload['name']>;
  readonly pin: boolean;
  readonly latencies: readonly number[];
}

function parseOptions(argv: readonly string[]): Options {
  let repeats = 3;
  let smallRepeats = 5;
  let sweep = [16, 32, 64, 128, 256, 512];
  let awsCli = true;
  let engineCli = true;
  let out = path.join(REPO, 'benchmarks', 'results', 'latest.json');
  let workloads: Array<Workload['name']> = ['small', 'large'];
  let pin = true;
  let latencies = DEFAULT_LATENCIES_MS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${arg} needs a value`);
      }
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`${arg} must be a whole number of at least 1`);
      }
      return n;
    };
    if (arg === '--repeats') {
      repeats = count();
    } else if (arg === '--small-count') {
      count(); // read before the workloads are defined (SMALL_COUNT)
    } else if (arg === '--small-repeats') {
      smallRepeats = count();
    } else if (arg === '--quick') {
      repeats = 1;
      smallRepeats = 1;
      sweep = [32, 64, 128];
    } else if (arg === '--sweep') {
      sweep = value().split(',').map(Number);
      if (sweep.some((c) => !Number.isInteger(c) || c < 1)) {
        throw new Error('--sweep takes whole numbers of at least 1, such as 16,64,256');
      }
    } else if (arg === '--no-sweep') {
      sweep = [];
    } else if (arg === '--no-aws-cli') {
      awsCli = false;
    } else if (arg === '--latencies') {
      latencies = value().split(',').map(Number);
      if (latencies.some((l) => !Number.isInteger(l) || l < 0)) {
        throw new Error('--latencies takes whole numbers of milliseconds, such as 0,30');
      }
    } else if (arg === '--no-pin') {
      pin = false;
    } else if (arg === '--no-engine-cli') {
      engineCli = false;
    } else if (arg === '--out') {
      out = path.resolve(value());
    } else if (arg === '--only') {
      const only = value();
      if (only !== 'small' && only !== 'large') {
        throw new Error('--only takes small or large');
      }
      workloads = [only];
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  return { repeats, smallRepeats, sweep, awsCli, engineCli, out, workloads, pin, latencies };
}

// ---------------------------------------------------------------------------------------------
// Processes: the proxy child, CPU accounting, clean-up.

/** Child processes running now (a contender's command line), killed first by the clean-up. */
const runningChildren = new Set<ChildProcess>();

/** Clean-up steps, run once, last registered first (on success, error or signal). */
const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    runningChildren.forEach((child) => child.kill('SIGKILL'));
    for (const step of cleanups.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`clean-up step failed: ${(error as Error).message}\n`);
      }
    }
  })();
  return cleaning;
}

/** The proxy process (benchmarks/proxy-process.ts), driven with JSON lines. */
class ProxyProcess {
  public static async start(target: string): Promise<ProxyProcess> {
    const child = spawn(process.execPath, [
      '-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, 'proxy-process.ts'), target,
    ], {
      cwd: REPO,
      env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, 'tsconfig.json') },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const proxy = new ProxyProcess(child);
    try {
      const first = await proxy.nextLine(30_000);
      const endpoint = (JSON.parse(first) as { endpoint?: string }).endpoint;
      if (!endpoint || !endpoint.startsWith('http://127.0.0.1:')) {
        throw new Error(`the proxy process printed ${first}`);
      }
      proxy.endpoint = endpoint;
      return proxy;
    } catch (error) {
      await proxy.stop();
      throw error;
    }
  }

  public endpoint = '';
  private readonly lines: string[] = [];
  private readonly waiters: Array<(line: string | undefined) => void> = [];
  private exited = false;
  private nextId = 1;

  private constructor(private readonly child: ChildProcess) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      const waiter = this.waiters.shift();
      if (waiter) {
        waiter(line);
      } else {
        this.lines.push(line);
      }
    });
    child.once('exit', () => {
      this.exited = true;
      this.waiters.splice(0).forEach((waiter) => waiter(undefined));
    });
  }

  public get pid(): number {
    return this.child.pid!;
  }

  public async setLatencyMs(ms: number): Promise<void> {
    await this.command({ cmd: 'latency', ms });
  }

  /** Requests by S3 operation since the last call (the counters are then zeroed). */
  public async takeStats(): Promise<Record<string, number>> {
    return (await this.command({ cmd: 'stats' })).received as Record<string, number>;
  }

  public async stop(): Promise<void> {
    if (this.exited) {
      return;
    }
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.stdin?.end();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private async command(body: object): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.child.stdin!.write(`${JSON.stringify({ id, ...body })}\n`);
    const answer = JSON.parse(await this.nextLine(10_000)) as Record<string, unknown>;
    if (answer.id !== id || answer.ok !== true) {
      throw new Error(`the proxy process answered ${JSON.stringify(answer)}`);
    }
    return answer;
  }

  private nextLine(timeoutMs: number): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) {
      return Promise.resolve(queued);
    }
    if (this.exited) {
      return Promise.reject(new Error('the proxy process exited'));
    }
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new Error(`the proxy process did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = (line: string | undefined) => {
        clearTimeout(timer);
        if (line === undefined) {
          reject(new Error('the proxy process exited'));
        } else {
          resolve(line);
        }
      };
      this.waiters.push(waiter);
    });
  }
}

/**
 * Splits the cores: the server and the proxy on the first half, this process (and the command
 * lines it starts, which inherit its affinity) on the other half, so that the contender has cores
 * of its own, as it has with S3 (a remote server). Unpinned, the three processes compete for every
 * core and a contender's speed depends on how much CPU the server takes at the same time.
 * Returns the two core lists, or undefined when there is one core or `taskset` fails.
 */
function pinProcesses(serverPids: readonly number[]): { server: string; client: string } | undefined {
  const cores = os.cpus().length;
  if (cores < 2) {
    return undefined;
  }
  const half = Math.floor(cores / 2);
  const list = (from: number, to: number) => (from === to - 1 ? String(from) : `${from}-${to - 1}`);
  const pins = { server: list(0, half), client: list(half, cores) };
  try {
    for (const pid of serverPids) {
      execFileSync('taskset', ['-a', '-p', '-c', pins.server, String(pid)], { stdio: 'ignore' });
    }
    execFileSync('taskset', ['-a', '-p', '-c', pins.client, String(process.pid)], { stdio: 'ignore' });
    return pins;
  } catch (error) {
    log(`note: could not pin the processes to cores (${(error as Error).message.split('\n')[0]}): results vary more`);
    return undefined;
  }
}

const CLOCK_TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();

/** CPU seconds of a process (own, and of its waited-for children), from /proc. */
function procCpu(pid: number | 'self'): { own: number; children: number } {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
    const ticks = (i: number) => Number(fields[i - 3]);
    return { own: (ticks(14) + ticks(15)) / CLOCK_TICKS, children: (ticks(16) + ticks(17)) / CLOCK_TICKS };
  } catch {
    return { own: NaN, children: NaN };
  }
}

/** Busy and stolen CPU seconds of the whole machine (all cores), from /proc/stat. */
function machineCpu(): { busy: number; steal: number } {
  try {
    const [, ...ticks] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal (guest time is already in user).
    const [user, nice, system, , , irq, softirq, steal] = ticks;
    return { busy: (user + nice + system + irq + softirq) / CLOCK_TICKS, steal: steal / CLOCK_TICKS };
  } catch {
    return { busy: NaN, steal: NaN };
  }
}

interface CpuSnapshot {
  readonly server: number;
  readonly proxy: number;
  readonly benchmark: number;
  readonly children: number;
  /** CPU of every other process on the machine (other work disturbs the run). */
  readonly other: number;
  /** CPU stolen by the hypervisor. */
  readonly steal: number;
}

function cpuDifference(before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot {
  const server = after.server - before.server;
  const proxy = after.proxy - before.proxy;
  const benchmark = after.benchmark - before.benchmark;
  const children = after.children - before.children;
  return {
    server,
    proxy,
    benchmark,
    children,
    other: Math.max(0, after.other - before.other - server - proxy - benchmark - children),
    steal: after.steal - before.steal,
  };
}

// ---------------------------------------------------------------------------------------------
// Measurements.

type ContenderKind = 'ceiling' | 'engine' | 'aws-cli' | 'engine-cli' | 'sweep';

/** One timed copy. */
interface Run {
  readonly seconds: number;
  /** Requests the proxy saw, by S3 operation. */
  readonly requests: Record<string, number>;
  /** CPU seconds during the run: the server, the proxy, this process, and child command lines. */
  readonly cpuSeconds: CpuSnapshot;
  /** Problems found by the check of the copy (empty: the destination matches the source). */
  readonly problems: readonly string[];
}

interface Measurement {
  readonly workload: Workload['name'];
  readonly latencyMs: number;
  readonly kind: ContenderKind;
  readonly contender: string;
  readonly settings: Record<string, unknown>;
  readonly runs: Run[];
}

interface Summary {
  readonly seconds: number;
  readonly objectsPerSecond: number;
  readonly megabytesPerSecond: number;
  readonly requestsPerObject: number;
  /** Median CPU use during the runs, as a fraction of one core. */
  readonly cpuUse: CpuSnapshot;
  readonly minSeconds: number;
  readonly maxSeconds: number;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function summarize(m: Measurement, workload: Workload): Summary {
  const seconds = median(m.runs.map((r) => r.seconds));
  const requests = median(m.runs.map((r) => Object.values(r.requests).reduce((a, b) => a + b, 0)));
  const use = (pick: (c: CpuSnapshot) => number) => median(m.runs.map((r) => pick(r.cpuSeconds) / r.seconds));
  return {
    seconds,
    objectsPerSecond: workload.count / seconds,
    megabytesPerSecond: (workload.count * workload.sizeBytes) / MB / seconds,
    requestsPerObject: requests / workload.count,
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
type CopyTask = (destinationPrefix: string) => Promise<void>;

interface Contender {
  /** Runs of this contender. @default - the `repeats` given to `measure` */
  readonly repeats?: number;
  readonly kind: ContenderKind;
  readonly contender: string;
  readonly settings: Record<string, unknown>;
  readonly task: CopyTask;
}

class Bench {
  public readonly measurements: Measurement[] = [];
  public failures = 0;
  private runNumber = 0;

  public constructor(
    private readonly s3: LocalS3,
    private readonly proxy: ProxyProcess,
    private readonly direct: S3Client,
    private readonly sources: ReadonlyMap<Workload['name'], ReadonlyMap<string, number>>,
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
        log(`  ${workload.name} +${latencyMs} ms  round ${round}/${rounds}  ${c.contender.padEnd(52)} ${run.seconds.toFixed(3).padStart(7)} s  ${status}`);
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
    const start = performance.now();
    let problems: string[] = [];
    try {
      await task(destinationPrefix);
    } catch (error) {
      problems.push(`the copy failed: ${(error as Error).message}`);
    }
    const seconds = (performance.now() - start) / 1000;
    const after = this.cpu();
    const requests = await this.proxy.takeStats();
    problems = [...problems, ...await this.check(workload, destinationPrefix)];
    await this.deletePrefix(destinationPrefix);
    if (problems.length > 0) {
      this.failures++;
    }
    return {
      seconds,
      requests,
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

// ---------------------------------------------------------------------------------------------
// Contenders.

/**
 * A client for the ceiling: no socket limit, no SDK retries (a failure shows). Free sockets are
 * kept without limit too: with the agent's default `maxFreeSockets` (256), every run with 2,000
 * requests in flight would open 1,744 new connections (measured) and queue in the listen backlog.
 */
function unlimitedClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_S3_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_S3_CREDENTIALS },
    maxAttempts: 1,
    // As in the engine's createS3Client: the handler chain is built once per command type.
    cacheMiddleware: true,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: Infinity }),
      connectionTimeout: 10_000,
      requestTimeout: 300_000,
    }),
  });
}

/** Runs `task` for every item, `inFlight` at a time. */
async function inFlight<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      await task(items[next++]);
    }
  }));
}

/** Ceiling: CopyObject for every object, `limit` in flight (all at once by default). */
function ceilingCopyObject(client: S3Client, workload: Workload, keys: readonly string[], limit = keys.length): CopyTask {
  return (destinationPrefix) => inFlight(keys, limit, async (key) => {
    await client.send(new CopyObjectCommand({
      Bucket: DESTINATION_BUCKET,
      Key: destinationPrefix + key,
      CopySource: `${SOURCE_BUCKET}/${workload.prefix}${key}`,
      MetadataDirective: 'COPY',
    }));
  });
}

/**
 * The headers of a SigV4-signed CopyObject (as the SDK and the engine send them), with a fixed
 * signature: fauxqs does not check signatures, and the client spends no CPU on signing.
 */
const SIGNED_SHAPE_HEADERS = {
  'x-amz-date': '20261122T000000Z',
  'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'authorization': 'AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/s3/aws4_request, '
    + 'SignedHeaders=content-length;host;x-amz-content-sha256;x-amz-copy-source;x-amz-date;x-amz-metadata-directive, '
    + `Signature=${'0'.repeat(64)}`,
};

/**
 * CopyObject requests over plain HTTP (no SDK), `limit` in flight: bare (no authentication headers
 * at all), or with the headers of a signed request and a fixed signature.
 */
function rawHttpCopyObject(
  endpoint: string, agent: http.Agent, workload: Workload, keys: readonly string[], limit: number, signedShape: boolean,
): CopyTask {
  const query = signedShape ? '?x-id=CopyObject' : '';
  const copy = (destinationKey: string, source: string) => new Promise<void>((resolve, reject) => {
    const headers = { 'x-amz-copy-source': source, 'x-amz-metadata-directive': 'COPY', 'content-length': 0, ...(signedShape ? SIGNED_SHAPE_HEADERS : {}) };
    const request = http.request(`${endpoint}/${DESTINATION_BUCKET}/${destinationKey}${query}`, { method: 'PUT', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`CopyObject answered HTTP ${response.statusCode}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
  return (destinationPrefix) => inFlight(keys, limit, (key) => copy(destinationPrefix + key, `${SOURCE_BUCKET}/${workload.prefix}${key}`));
}

/** Ceiling: multipart copies with every UploadPartCopy of every object in flight at once. */
function ceilingUploadPartCopy(client: S3Client, workload: Workload, keys: readonly string[], partBytes: number): CopyTask {
  return async (destinationPrefix) => {
    const uploads = await Promise.all(keys.map(async (key) => {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: DESTINATION_BUCKET, Key: destinationPrefix + key }));
      return { key, uploadId: created.UploadId! };
    }));
    const parts = uploads.flatMap((upload) => {
      const ranges = [];
      for (let start = 0, partNumber = 1; start < workload.sizeBytes; start += partBytes, partNumber++) {
        ranges.push({ ...upload, partNumber, start, end: Math.min(start + partBytes, workload.sizeBytes) - 1 });
      }
      return ranges;
    });
    const etags = await Promise.all(parts.map(async (part) => {
      const answer = await client.send(new UploadPartCopyCommand({
        Bucket: DESTINATION_BUCKET,
        Key: destinationPrefix + part.key,
        UploadId: part.uploadId,
        PartNumber: part.partNumber,
        CopySource: `${SOURCE_BUCKET}/${workload.prefix}${part.key}`,
        CopySourceRange: `bytes=${part.start}-${part.end}`,
      }));
      return { ...part, etag: answer.CopyPartResult?.ETag };
    }));
    await Promise.all(uploads.map((upload) => client.send(new CompleteMultipartUploadCommand({
      Bucket: DESTINATION_BUCKET,
      Key: destinationPrefix + upload.key,
      UploadId: upload.uploadId,
      MultipartUpload: {
        Parts: etags.filter((p) => p.uploadId === upload.uploadId).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
      },
    }))));
  };
}

/** The engine: `copyDataset` with a fresh client, as one copy job would have. */
/**
 * The engine's clients, one per socket limit, kept across runs like the ceilings' clients: every
 * contender in the process copies on warm keep-alive connections, so that the runs compare request
 * rates, not connection set-up (the command lines, new processes, start cold by nature).
 */
const engineClients = new Map<string, S3Client>();

function engineClientFor(endpoint: string, maxSockets: number | undefined): S3Client {
  const id = `${endpoint} ${maxSockets ?? 'default'}`;
  let client = engineClients.get(id);
  if (!client) {
    client = createS3Client({ endpoint, maxSockets });
    engineClients.set(id, client);
    const created = client;
    cleanups.push(() => created.destroy());
  }
  return client;
}

function engineCopy(endpoint: string, workload: Workload, options: Partial<CopyOptions> = {}, maxSockets?: number): CopyTask {
  return async (destinationPrefix) => {
    const client = engineClientFor(endpoint, maxSockets);
    const result = await copyDataset(
      { bucket: SOURCE_BUCKET, prefix: workload.prefix },
      { bucket: DESTINATION_BUCKET, prefix: destinationPrefix },
      { sourceClient: client, ...options },
    );
    if (!result.complete || result.objectsCopied !== workload.count) {
      throw new Error(`the engine copied ${result.objectsCopied} of ${workload.count} objects: ${result.failures.slice(0, 3).map((f) => `${f.key}: ${f.error}`).join('; ')}`);
    }
  };
}

/** Runs a command line to its end; rejects unless it exits with 0. */
function runCommand(
  command: string, args: readonly string[], env: NodeJS.ProcessEnv, exitCodes: readonly number[] = [0],
): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
    runningChildren.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout = (stdout + chunk.toString('utf8')).slice(-20_000);
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
    });
    child.once('error', (error) => {
      runningChildren.delete(child);
      reject(error);
    });
    child.once('close', (code, signal) => {
      runningChildren.delete(child);
      if (code !== null && exitCodes.includes(code)) {
        resolve({ stdout, stderr });
      } else {
        reject(new Error(`${path.basename(command)} exited with ${code ?? signal}: ${stderr.trim().slice(-500)}`));
      }
    });
  });
}

/** The AWS CLI's environment: the test credentials, an empty HOME (no config), nothing else. */
function awsCliEnvironment(home: string): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: LOCAL_S3_REGION,
  };
}

/** The engine command line's environment: the AWS CLI's, and the region as the SDK reads it. */
function engineCliEnvironment(home: string): NodeJS.ProcessEnv {
  return { ...awsCliEnvironment(home), AWS_REGION: LOCAL_S3_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
}

/** `aws s3 cp --recursive` with default settings. */
function awsCliCopy(endpoint: string, workload: Workload, home: string): CopyTask {
  return async (destinationPrefix) => {
    await runCommand(AWS_CLI, [
      's3', 'cp', '--recursive', `s3://${SOURCE_BUCKET}/${workload.prefix}`, `s3://${DESTINATION_BUCKET}/${destinationPrefix}`,
      '--endpoint-url', endpoint,
    ], awsCliEnvironment(home));
  };
}

/** This library's command line (a bundle of src/cli/cli.ts), a process like the AWS CLI. */
function engineCliCopy(bundle: string, endpoint: string, workload: Workload, home: string, extra: readonly string[] = []): CopyTask {
  return async (destinationPrefix) => {
    const { stdout } = await runCommand(process.execPath, [
      bundle, 'copy', `s3://${SOURCE_BUCKET}/${workload.prefix}`, `s3://${DESTINATION_BUCKET}/${destinationPrefix}`,
      '--endpoint-url', endpoint, '--json', '--no-progress', ...extra,
    ], engineCliEnvironment(home));
    const result = JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as { complete?: boolean; objectsCopied?: number };
    if (result.complete !== true || result.objectsCopied !== workload.count) {
      throw new Error(`the engine's command line reported ${stdout.trim().slice(-300)}`);
    }
  };
}

// ---------------------------------------------------------------------------------------------
// Report.

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const pad = (text: string, width: number) => text.padEnd(width);
const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const percent = (fraction: number) => (Number.isFinite(fraction) ? String(Math.round(fraction * 100)) : '-');

interface Row {
  readonly m: Measurement;
  readonly s: Summary;
}

function rowsOf(measurements: readonly Measurement[], workload: Workload, latencyMs: number): Row[] {
  return measurements
    .filter((m) => m.workload === workload.name && m.latencyMs === latencyMs && m.kind !== 'sweep')
    .map((m) => ({ m, s: summarize(m, workload) }));
}

/** The fastest of some rows, or undefined. */
function best(rows: readonly Row[]): Row | undefined {
  return rows.length > 0 ? rows.reduce((a, b) => (b.s.objectsPerSecond > a.s.objectsPerSecond ? b : a)) : undefined;
}

/**
 * The best ceiling variant (the server's ceiling), the best one that went through the SDK, the
 * engine with its defaults, and the AWS CLI, of one workload and latency.
 */
function keyRows(rows: readonly Row[]) {
  const ceilings = rows.filter((r) => r.m.kind === 'ceiling');
  const ceiling = best(ceilings);
  const sdkCeiling = best(ceilings.filter((r) => r.m.contender.startsWith('ceiling: SDK')));
  const awsCli = rows.find((r) => r.m.kind === 'aws-cli');
  return { ceiling, sdkCeiling, awsCli };
}

function table(measurements: readonly Measurement[], workload: Workload, latencyMs: number): string[] {
  const rows = rowsOf(measurements, workload, latencyMs);
  const { ceiling, sdkCeiling, awsCli } = keyRows(rows);
  const lines = [
    `== ${workload.name}: ${workload.label}, +${latencyMs} ms per request (median of the runs) ==`,
    `${pad('contender', 60)}${'objects/s'.padStart(10)}${'MB/s'.padStart(8)}${'seconds'.padStart(9)}${'spread'.padStart(8)}`
      + `${'req/obj'.padStart(8)}${'÷ceiling'.padStart(9)}${'÷sdk ceil'.padStart(10)}${'÷aws cli'.padStart(9)}   cpu% server/proxy/bench/cli other`,
  ];
  for (const { m, s } of rows) {
    const vsCeiling = ceiling ? s.objectsPerSecond / ceiling.s.objectsPerSecond : NaN;
    const vsSdkCeiling = sdkCeiling ? s.objectsPerSecond / sdkCeiling.s.objectsPerSecond : NaN;
    const vsCli = awsCli ? s.objectsPerSecond / awsCli.s.objectsPerSecond : NaN;
    const failed = m.runs.some((r) => r.problems.length > 0) ? '  WRONG COPY' : '';
    const spread = `${percent((s.maxSeconds - s.minSeconds) / s.seconds)}%`;
    const cpu = [s.cpuUse.server, s.cpuUse.proxy, s.cpuUse.benchmark, s.cpuUse.children].map(percent).join('/');
    lines.push(`${pad(m.contender, 60)}${num(s.objectsPerSecond).padStart(10)}${num(s.megabytesPerSecond).padStart(8)}`
      + `${num(s.seconds, 3).padStart(9)}${spread.padStart(8)}${num(s.requestsPerObject, 2).padStart(8)}`
      + `${num(vsCeiling, 2).padStart(9)}${num(vsSdkCeiling, 2).padStart(10)}${num(vsCli, 2).padStart(9)}   ${cpu} ${percent(s.cpuUse.other)}${failed}`);
  }
  return lines;
}

function sweepTable(measurements: readonly Measurement[], concurrencies: readonly number[], latencies: readonly number[]): string[] {
  if (concurrencies.length === 0) {
    return [];
  }
  const lines = [
    `== engine concurrency sweep, ${SMALL.label} (objects/s, median; ÷ the ceiling of the same latency) ==`,
    `${pad('concurrency', 14)}${latencies.map((l) => `+${l} ms`.padStart(22)).join('')}`,
  ];
  for (const concurrency of concurrencies) {
    const cells = latencies.map((latencyMs) => {
      const m = measurements.find((x) => x.workload === 'small' && x.latencyMs === latencyMs && (concurrency === ENGINE_DEFAULTS.concurrency
        ? x.kind === 'engine' && x.settings.defaults === true
        : x.kind === 'sweep' && x.settings.concurrency === concurrency));
      const { ceiling } = keyRows(rowsOf(measurements, SMALL, latencyMs));
      if (!m) {
        return '-'.padStart(22);
      }
      const s = summarize(m, SMALL);
      return `${num(s.objectsPerSecond)} (${num(ceiling ? s.objectsPerSecond / ceiling.s.objectsPerSecond : NaN, 2)})`.padStart(22);
    });
    const mark = concurrency === ENGINE_DEFAULTS.concurrency ? ' (default)' : '';
    lines.push(`${pad(`${concurrency}${mark}`, 14)}${cells.join('')}`);
  }
  return lines;
}

interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

function targets(measurements: readonly Measurement[], latencies: readonly number[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratio = (a: Row | undefined, b: Row | undefined) => (a && b ? a.s.objectsPerSecond / b.s.objectsPerSecond : NaN);
  const verdict = (value: number, limit: number) => (Number.isFinite(value) ? value >= limit : undefined);
  for (const latencyMs of latencies) {
    for (const workload of [SMALL, LARGE]) {
      const rows = rowsOf(measurements, workload, latencyMs);
      if (rows.length === 0) {
        continue;
      }
      const { ceiling, sdkCeiling, awsCli } = keyRows(rows);
      const engines = rows.filter((r) => r.m.kind === 'engine');
      // The best ceiling of the same operation, for the engine's multipart settings.
      const partCeilings = rows.filter((r) => r.m.kind === 'ceiling' && r.m.settings.operation === 'UploadPartCopy');
      const partCeiling = partCeilings.length > 0
        ? partCeilings.reduce((a, b) => (b.s.objectsPerSecond > a.s.objectsPerSecond ? b : a)) : undefined;
      for (const engine of engines) {
        const multipart = engine.m.settings.multipartThresholdBytes !== undefined && engine.m.settings.defaults !== true;
        if (multipart) {
          // The engine forced through UploadPartCopy: judged against the same operation's ceiling.
          const r = ratio(engine, partCeiling);
          checks.push({
            target: `${workload.name} +${latencyMs} ms: ${engine.m.contender} ≥ 90% of the UploadPartCopy ceiling`,
            measured: `${percent(r)}% of ${partCeiling?.m.contender ?? 'no ceiling'}; ${percent(ratio(engine, ceiling))}% of ${ceiling?.m.contender ?? 'no ceiling'}`,
            met: verdict(r, 0.9),
          });
          continue;
        }
        const r = ratio(engine, ceiling);
        const sameClient = sdkCeiling && sdkCeiling !== ceiling ? `; ${percent(ratio(engine, sdkCeiling))}% of the SDK ceiling (${sdkCeiling.m.contender})` : '';
        checks.push({
          target: `${workload.name} +${latencyMs} ms: ${engine.m.contender} ≥ 90% of the ceiling`,
          measured: `${percent(r)}% of ${ceiling?.m.contender ?? 'no ceiling'}${sameClient}`,
          met: verdict(r, 0.9),
        });
      }
      if (workload === SMALL && latencyMs === 30) {
        const engine = engines.find((r) => r.m.settings.defaults === true);
        const r = ratio(engine, awsCli);
        checks.push({ target: 'small +30 ms: engine (defaults) ≥ 2x the AWS CLI\'s objects/s', measured: `${num(r, 2)}x`, met: verdict(r, 2) });
        const cliProcess = rows.find((x) => x.m.kind === 'engine-cli');
        const rp = ratio(cliProcess, awsCli);
        if (cliProcess) {
          checks.push({ target: 'small +30 ms: engine command line (process start included) ≥ 2x the AWS CLI', measured: `${num(rp, 2)}x`, met: verdict(rp, 2) });
        }
      }
      if (workload === LARGE) {
        for (const engine of engines) {
          const r = ratio(engine, awsCli);
          checks.push({ target: `large +${latencyMs} ms: ${engine.m.contender} not slower than the AWS CLI`, measured: `${num(r, 2)}x`, met: verdict(r, 1) });
        }
      }
    }
  }
  return checks;
}

// ---------------------------------------------------------------------------------------------
// Setup and main.

function fillRandom(size: number): Buffer {
  const body = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += 64 * MIB) {
    randomFillSync(body, offset, Math.min(64 * MIB, size - offset));
  }
  return body;
}

/** Uniform, lowercase, zero-padded keys (fauxqs paginates other key forms wrongly past 1,000 keys). */
function objectKey(index: number): string {
  return `obj-${String(index).padStart(6, '0')}.bin`;
}

async function seed(direct: S3Client): Promise<Map<Workload['name'], Map<string, number>>> {
  const small: TestObject[] = Array.from({ length: SMALL.count }, (_, i) => ({
    key: SMALL.prefix + objectKey(i), body: fillRandom(SMALL.sizeBytes), contentType: 'application/octet-stream', metadata: {}, upload: 'put',
  }));
  await putObjects(direct, SOURCE_BUCKET, small, 32);
  for (let i = 0; i < LARGE.count; i++) {
    const large: TestObject = {
      key: LARGE.prefix + objectKey(i), body: fillRandom(LARGE.sizeBytes), contentType: 'application/octet-stream', metadata: { seeded: 'multipart' }, upload: 'multipart',
    };
    await putObjects(direct, SOURCE_BUCKET, [large], 1, SEED_PART_BYTES);
  }
  const sources = new Map<Workload['name'], Map<string, number>>();
  for (const workload of [SMALL, LARGE]) {
    const listed = await listKeys(direct, SOURCE_BUCKET, workload.prefix);
    const relative = new Map([...listed].map(([key, size]) => [key.slice(workload.prefix.length), size]));
    if (relative.size !== workload.count || [...relative.values()].some((size) => size !== workload.sizeBytes)) {
      throw new Error(`seeding ${workload.prefix} left ${relative.size} objects instead of ${workload.count} of ${workload.sizeBytes} bytes`);
    }
    sources.set(workload.name, relative);
  }
  return sources;
}

function commandOutput(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', env, timeout: 30_000 }).trim();
  } catch (error) {
    return `unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

/** Bundles src/cli/cli.ts as `npx projen bundle` does, into `folder` (assets/ is left alone). */
function bundleEngineCli(folder: string): string {
  const outfile = path.join(folder, 'engine-cli', 'index.js');
  execFileSync(path.join(REPO, 'node_modules', '.bin', 'esbuild'), [
    '--bundle', './src/cli/cli.ts', '--target=node20', '--platform=node', `--outfile=${outfile}`, '--log-level=warning',
  ], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  return outfile;
}

/**
 * Median wall time of a command line that does (almost) nothing: its start-up cost. (`aws s3 ls`
 * exits with 1 when it lists nothing.)
 */
async function startupSeconds(command: string, args: readonly string[], env: NodeJS.ProcessEnv, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await runCommand(command, args, env, [0, 1]);
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const began = performance.now();
  const awsVersion = options.awsCli ? commandOutput(AWS_CLI, ['--version'], awsCliEnvironment(os.tmpdir())) : 'not run';

  cleanups.push(useLocalS3Credentials());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-benchmark-'));
  cleanups.push(() => fs.rmSync(scratch, { recursive: true, force: true }));
  /** HOME of both command lines: no AWS config or credentials files. */
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home);
  const engineCliBundle = options.engineCli ? bundleEngineCli(scratch) : undefined;

  log('starting fauxqs and the latency proxy on 127.0.0.1');
  const s3 = await startLocalS3();
  cleanups.push(() => s3.stop());
  const proxy = await ProxyProcess.start(s3.endpoint);
  cleanups.push(() => proxy.stop());
  const pins = options.pin ? pinProcesses([s3.pid, proxy.pid]) : undefined;
  if (pins) {
    log(`cores: fauxqs and the proxy on ${pins.server}; the engine, the SDK ceilings and the command lines on ${pins.client}`);
  }
  const direct = localS3Client(s3.endpoint);
  cleanups.push(() => direct.destroy());
  const unlimited = unlimitedClient(proxy.endpoint);
  cleanups.push(() => unlimited.destroy());
  const rawAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  cleanups.push(() => rawAgent.destroy());

  await s3.createBucket(SOURCE_BUCKET);
  await s3.createBucket(DESTINATION_BUCKET);
  log(`seeding ${SMALL.label} and ${LARGE.label}`);
  const sources = await seed(direct);
  const keysOf = (workload: Workload) => [...sources.get(workload.name)!.keys()];
  const bench = new Bench(s3, proxy, direct, sources);
  const endpoint = proxy.endpoint;

  // Start-up cost of each command line: a process that lists an empty prefix (one request or two).
  const startup = {
    awsCliSeconds: options.awsCli
      ? await startupSeconds(AWS_CLI, ['s3', 'ls', `s3://${SOURCE_BUCKET}/none/`, '--endpoint-url', s3.endpoint], awsCliEnvironment(home), 3)
        .catch(() => NaN)
      : NaN,
    engineCliSeconds: engineCliBundle
      ? await startupSeconds(process.execPath, [
        engineCliBundle, 'copy', `s3://${SOURCE_BUCKET}/none/`, `s3://${DESTINATION_BUCKET}/none/`, '--endpoint-url', s3.endpoint, '--json', '--no-progress',
      ], engineCliEnvironment(home), 3)
      : NaN,
  };

  log('warming up (not recorded)');
  await bench.warmUp(SMALL, engineCopy(endpoint, SMALL));
  await bench.warmUp(SMALL, ceilingCopyObject(unlimited, SMALL, keysOf(SMALL), 256));
  await bench.warmUp(SMALL, rawHttpCopyObject(endpoint, rawAgent, SMALL, keysOf(SMALL), 256, false));

  const large = (partBytes: number) => ({ multipartThresholdBytes: LARGE_THRESHOLD_BYTES, partSizeBytes: partBytes });
  const mib = (bytes: number) => `${bytes / MIB} MiB`;
  for (const latencyMs of options.latencies) {
    await proxy.setLatencyMs(latencyMs);
    // Every request at once is measured on its own, after the others: the proxy keeps at most 256
    // idle connections to fauxqs (Node's default maxFreeSockets), so each such run opens and closes
    // some 1,750 connections, which slowed the runs after it in the same round.
    const allAtOnce: Contender = {
      kind: 'ceiling',
      contender: `ceiling: SDK CopyObject, ${ALL_AT_ONCE.toLocaleString('en-US')} in flight`,
      settings: { inFlight: ALL_AT_ONCE, maxSockets: 'Infinity' },
      task: ceilingCopyObject(unlimited, SMALL, keysOf(SMALL), ALL_AT_ONCE),
    };
    const small: Contender[] = [
      ...[256, 64].map((limit) => ({
        repeats: options.smallRepeats,
        kind: 'ceiling' as const,
        contender: `ceiling: SDK CopyObject, ${limit} in flight`,
        settings: { inFlight: limit, maxSockets: 'Infinity' },
        task: ceilingCopyObject(unlimited, SMALL, keysOf(SMALL), limit),
      })),
      {
        repeats: options.smallRepeats,
        kind: 'ceiling',
        contender: 'ceiling: unsigned HTTP CopyObject (no SDK), 256 in flight',
        settings: { inFlight: 256, maxSockets: 256, headers: 'bare' },
        task: rawHttpCopyObject(endpoint, rawAgent, SMALL, keysOf(SMALL), 256, false),
      },
      {
        repeats: options.smallRepeats,
        kind: 'ceiling',
        contender: 'ceiling: HTTP CopyObject, signed headers (no SDK), 256 in flight',
        settings: { inFlight: 256, maxSockets: 256, headers: 'signed shape, fixed signature' },
        task: rawHttpCopyObject(endpoint, rawAgent, SMALL, keysOf(SMALL), 256, true),
      },
      {
        repeats: options.smallRepeats,
        kind: 'engine',
        contender: `engine: copyDataset defaults (concurrency ${ENGINE_DEFAULTS.concurrency})`,
        settings: { defaults: true, ...ENGINE_DEFAULTS },
        task: engineCopy(endpoint, SMALL),
      },
      ...(options.awsCli ? [{
        kind: 'aws-cli' as const,
        contender: 'aws cli: s3 cp --recursive, defaults',
        settings: { version: awsVersion },
        task: awsCliCopy(endpoint, SMALL, home),
      }] : []),
      ...(engineCliBundle ? [{
        kind: 'engine-cli' as const,
        contender: 'engine cli: copy (node process), defaults',
        settings: {},
        task: engineCliCopy(engineCliBundle, endpoint, SMALL, home),
      }] : []),
      // The engine with its defaults stands for the default concurrency in the sweep.
      ...options.sweep.filter((c) => c !== ENGINE_DEFAULTS.concurrency).map((concurrency) => ({
        repeats: options.smallRepeats,
        kind: 'sweep' as const,
        contender: `engine sweep: concurrency ${concurrency} (maxSockets ${concurrency})`,
        settings: { concurrency, maxSockets: concurrency },
        task: engineCopy(endpoint, SMALL, { concurrency }, concurrency),
      })),
    ];
    if (options.workloads.includes('small')) {
      await bench.measure(SMALL, latencyMs, small, options.repeats);
      await bench.measure(SMALL, latencyMs, [allAtOnce], options.repeats);
    }

    const largeContenders: Contender[] = [
      {
        kind: 'ceiling',
        contender: `ceiling: SDK CopyObject, all ${LARGE.count} in flight`,
        settings: { operation: 'CopyObject' },
        task: ceilingCopyObject(unlimited, LARGE, keysOf(LARGE)),
      },
      ...LARGE_PART_SIZES.map((partBytes) => ({
        kind: 'ceiling' as const,
        contender: `ceiling: SDK UploadPartCopy, ${mib(partBytes)} parts, all in flight`,
        settings: { operation: 'UploadPartCopy', partSizeBytes: partBytes },
        task: ceilingUploadPartCopy(unlimited, LARGE, keysOf(LARGE), partBytes),
      })),
      {
        kind: 'engine',
        contender: 'engine: defaults (CopyObject: under the 5 GiB threshold)',
        settings: { defaults: true, ...ENGINE_DEFAULTS },
        task: engineCopy(endpoint, LARGE),
      },
      ...LARGE_PART_SIZES.map((partBytes) => ({
        kind: 'engine' as const,
        contender: `engine: multipart, threshold 8 MiB, ${mib(partBytes)} parts`,
        settings: large(partBytes),
        task: engineCopy(endpoint, LARGE, large(partBytes)),
      })),
      ...(options.awsCli ? [{
        kind: 'aws-cli' as const,
        contender: 'aws cli: s3 cp --recursive, defaults (8 MiB parts)',
        settings: { version: awsVersion },
        task: awsCliCopy(endpoint, LARGE, home),
      }] : []),
      ...(engineCliBundle ? [{
        kind: 'engine-cli' as const,
        contender: 'engine cli: copy --multipart-threshold 8MiB --part-size 8MiB',
        settings: large(8 * MIB),
        task: engineCliCopy(engineCliBundle, endpoint, LARGE, home, ['--multipart-threshold', '8MiB', '--part-size', '8MiB']),
      }] : []),
    ];
    if (options.workloads.includes('large')) {
      await bench.measure(LARGE, latencyMs, largeContenders, options.repeats);
    }
  }

  const report: string[] = [];
  for (const workload of [SMALL, LARGE].filter((w) => options.workloads.includes(w.name))) {
    for (const latencyMs of options.latencies) {
      report.push(...table(bench.measurements, workload, latencyMs), '');
    }
  }
  report.push(...sweepTable(bench.measurements, options.sweep, options.latencies), '');
  const checks = targets(bench.measurements, options.latencies);
  report.push('== targets ==');
  for (const check of checks) {
    const verdict = check.met === undefined ? 'n/a ' : check.met ? 'MET ' : 'MISS';
    report.push(`${verdict}  ${check.target}: ${check.measured}`);
  }
  const elapsedSeconds = (performance.now() - began) / 1000;
  const copiesChecked = bench.measurements.reduce((n, m) => n + m.runs.length, 0);
  report.push(
    '',
    `process start-up (a command line listing an empty prefix, median of 3): aws cli ${num(startup.awsCliSeconds, 2)} s, `
      + `engine cli ${num(startup.engineCliSeconds, 2)} s`,
    'spread: (slowest - fastest run) ÷ median. cpu%: CPU time during the run ÷ wall time, of fauxqs / the proxy process / '
      + `this process (engine, SDK ceilings) / command lines; other: every other process on this ${os.cpus().length}-core machine`,
    `copies checked (keys and sizes): ${copiesChecked}, wrong: ${bench.failures}; benchmark took ${elapsedSeconds.toFixed(0)} s`,
    `aws cli: ${awsVersion}; node ${process.version}`,
  );
  process.stdout.write(`\n${report.join('\n')}\n`);

  const cpus = os.cpus();
  const json = {
    date: new Date().toISOString(),
    command: 'npx ts-node --prefer-ts-exts benchmarks/copy-benchmark.ts',
    arguments: process.argv.slice(2),
    machine: {
      cores: cpus.length,
      cpuModel: cpus[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      serverNode: commandOutput(node22Binary(), ['--version']),
      awscli: awsVersion,
      fauxqs: (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'fauxqs', 'package.json'), 'utf8')) as { version: string }).version,
    },
    setup: {
      server: 'fauxqs on 127.0.0.1 (one Node.js 22 process, objects in memory)',
      proxy: 'startFaultProxy (test/support/s3-local) in its own process: the latency is added to each request before it is forwarded',
      workloads: [SMALL, LARGE],
      latenciesMs: options.latencies,
      repeats: options.repeats,
      smallRepeats: options.smallRepeats,
      cores: pins ?? 'not pinned',
      engineDefaults: ENGINE_DEFAULTS,
      largeEngineSettings: { multipartThresholdBytes: LARGE_THRESHOLD_BYTES, partSizes: LARGE_PART_SIZES },
      megabyte: MB,
      startup,
    },
    results: bench.measurements.map((m) => ({
      ...m,
      summary: summarize(m, m.workload === 'small' ? SMALL : LARGE),
    })),
    targets: checks,
    copiesChecked,
    wrongCopies: bench.failures,
    elapsedSeconds,
    report,
  };
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), options.out)}\n`);
  return bench.failures > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the server, the proxy and any command line`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exitCode = code;
  })
  .catch(async (error) => {
    if (!interrupted) {
      process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    }
    await cleanUp();
    process.exitCode = 1;
  });
