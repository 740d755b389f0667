/**
 * The servers: fauxqs (started by test/support/s3-local), the latency proxy in its own process
 * (benchmarks/proxy-process.ts), and the split of the cores between them and the contenders.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as os from 'os';
import * as path from 'path';
import * as readline from 'readline';
import { REPO, log } from './common';

/** What the proxy saw between two `takeStats` calls. */
export interface ProxyStats {
  /** Requests by S3 operation. */
  readonly received: Record<string, number>;
  /** Epoch milliseconds of the first request, if any. */
  readonly firstRequestAt?: number;
  /** Epoch milliseconds of the last answer, if any. */
  readonly lastAnswerAt?: number;
  /** Connections the clients opened to the proxy. */
  readonly connections: number;
}

/** The proxy process (benchmarks/proxy-process.ts), driven with JSON lines. */
export class ProxyProcess {
  public static async start(target: string): Promise<ProxyProcess> {
    const child = spawn(process.execPath, [
      '-r', require.resolve('ts-node/register/transpile-only'), path.join(__dirname, '..', 'proxy-process.ts'), target,
    ], {
      cwd: REPO,
      env: { ...process.env, TS_NODE_PROJECT: path.join(__dirname, '..', 'tsconfig.json') },
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

  /** What the proxy saw since the last call (the counters are then zeroed). */
  public async takeStats(): Promise<ProxyStats> {
    const answer = await this.command({ cmd: 'stats' });
    return {
      received: answer.received as Record<string, number>,
      firstRequestAt: answer.firstRequestAt as number | undefined,
      lastAnswerAt: answer.lastAnswerAt as number | undefined,
      connections: answer.connections as number,
    };
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
export function pinProcesses(serverPids: readonly number[]): { server: string; client: string } | undefined {
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
