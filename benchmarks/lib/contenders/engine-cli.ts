/**
 * This library's command line, bundled from src/cli/cli.ts with esbuild (as `npx projen bundle`
 * does, into a temporary folder), a process started with `node` for each copy, like the AWS CLI.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { engineCliEnvironment } from './aws-cli';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, REPO, SOURCE_BUCKET, median } from '../common';
import { runCommand } from '../processes';
import { Workload } from '../workloads';

/** Bundles src/cli/cli.ts as `npx projen bundle` does, into `folder` (assets/ is left alone). */
export function bundleEngineCli(folder: string): string {
  const outfile = path.join(folder, 'engine-cli', 'index.js');
  execFileSync(path.join(REPO, 'node_modules', '.bin', 'esbuild'), [
    '--bundle', './src/cli/cli.ts', '--target=node20', '--platform=node', `--outfile=${outfile}`, '--log-level=warning',
  ], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  return outfile;
}

/** This library's command line (a bundle of src/cli/cli.ts), a process like the AWS CLI. */
export function engineCliCopy(bundle: string, endpoint: string, workload: Workload, home: string, extra: readonly string[] = []): CopyTask {
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

/**
 * Median wall time of a command line that does (almost) nothing: its start-up cost. (`aws s3 ls`
 * exits with 1 when it lists nothing.)
 */
export async function startupSeconds(command: string, args: readonly string[], env: NodeJS.ProcessEnv, repeats: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) {
    const start = performance.now();
    await runCommand(command, args, env, [0, 1]);
    times.push((performance.now() - start) / 1000);
  }
  return median(times);
}
