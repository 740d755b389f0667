/**
 * Child processes and clean-up: every server, proxy and command line the benchmark starts is
 * stopped at the end, on errors and on SIGINT/SIGTERM.
 */
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { REPO, median } from './common';

/** Child processes running now (a contender's command line), killed first by the clean-up. */
const runningChildren = new Set<ChildProcess>();

/** Clean-up steps, run once, last registered first (on success, error or signal). */
const cleanups: Array<() => Promise<void> | void> = [];
let cleaning: Promise<void> | undefined;

/** Registers a clean-up step (run last registered first). */
export function onCleanUp(step: () => Promise<void> | void): void {
  cleanups.push(step);
}

export function cleanUp(): Promise<void> {
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

/** Runs a command line to its end; rejects unless it exits with one of `exitCodes`. */
export function runCommand(
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

/** The first of these paths, then of `name` on PATH, that is an executable file; undefined if none. */
export function findExecutable(preferred: string, name: string): string | undefined {
  const candidates = [preferred, ...(process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '').map((d) => path.join(d, name))];
  return candidates.find((candidate) => {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return fs.statSync(candidate).isFile();
    } catch {
      return false;
    }
  });
}

/** The first line a command prints (a version), or why it could not be run. */
export function commandOutput(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', env, timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n')[0];
  } catch (error) {
    return `unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

/**
 * Median wall time of a command line (as this process sees it: spawn to exit), over `repeats`
 * runs, to measure start-up costs; the command must exit with one of `exitCodes`.
 */
export async function startupSeconds(
  command: string, args: readonly string[], env: NodeJS.ProcessEnv, repeats: number, exitCodes: readonly number[] = [0],
): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await runCommand(command, args, env, exitCodes);
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}
