/**
 * This library's command line, bundled with esbuild as `npx projen bundle` does (the same arguments,
 * into a temporary folder: assets/ is left alone), its launcher (package.json `bin`) started with
 * `node` for each copy, as a user starts it, and told what the user would tell it: `--json
 * --no-progress` (the result to read), and for the large object `--multipart-threshold` and
 * `--part-size`.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { awsCliEnvironment } from './aws-cli';
import { LOCAL_S3_REGION } from '../../../test/support/s3-local';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, REPO, SOURCE_BUCKET } from '../common';
import { runCommand } from '../processes';
import { Workload } from '../workloads';

/** The exec arguments of a projen task (its esbuild step), as `npx projen bundle` runs them. */
function projenBundleArgs(task: string): string[] {
  const tasks = JSON.parse(fs.readFileSync(path.join(REPO, '.projen', 'tasks.json'), 'utf8')) as {
    tasks: Record<string, { steps?: Array<{ execArgs?: string[] }> }>;
  };
  const step = tasks.tasks[task]?.steps?.find((s) => s.execArgs?.[0] === 'esbuild');
  if (!step?.execArgs) {
    throw new Error(`no esbuild step in the projen task ${task}`);
  }
  return step.execArgs.slice(1);
}

/**
 * Bundles the command line as `npx projen bundle` does (the same esbuild arguments, read from
 * .projen/tasks.json), into `folder` (assets/ is left alone): the bundle, and the launcher that
 * users run (package.json `bin`), with the same layout. Returns the launcher's path.
 */
export function bundleEngineCli(folder: string): string {
  for (const task of ['bundle:cli/cli', 'bundle:cli/bin']) {
    const args = projenBundleArgs(task).map((arg) => (arg.startsWith('--outfile=assets/')
      ? `--outfile=${path.join(folder, 'engine-cli', arg.slice('--outfile=assets/'.length))}` : arg));
    execFileSync(path.join(REPO, 'node_modules', '.bin', 'esbuild'), [...args, '--log-level=warning'], {
      cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000,
    });
  }
  return path.join(folder, 'engine-cli', 'cli', 'bin', 'index.js');
}

/** The size of the command line's bundle (the file the launcher loads). */
export function engineCliBundleBytes(launcher: string): number {
  return fs.statSync(path.join(path.dirname(launcher), '..', 'cli', 'index.js')).size;
}

/** The engine command line's environment: the AWS CLI's, and the region as the SDK reads it. */
export function engineCliEnvironment(home: string): NodeJS.ProcessEnv {
  return { ...awsCliEnvironment(home), AWS_REGION: LOCAL_S3_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
}

/** `node <bundle> copy s3://<source>/<prefix>/ s3://<destination>/<prefix>/ --json --no-progress ...extra`. */
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
