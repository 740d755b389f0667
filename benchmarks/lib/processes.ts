/**
 * Child processes and clean-up: every server, proxy and command line the benchmark starts is
 * stopped at the end, on errors and on SIGINT/SIGTERM.
 */
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { REPO } from './common';

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
