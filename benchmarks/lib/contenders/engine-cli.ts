/**
 * This library's command line, bundled from src/cli/cli.ts with esbuild as `npx projen bundle`
 * does (the same flags, into a temporary folder: assets/ is left alone), a process started with
 * `node` for each copy, as a user starts it, and told what the user would tell it: `--json
 * --no-progress` (the result to read), and for the large object `--multipart-threshold` and
 * `--part-size`.
 */
import { execFileSync } from 'child_process';
import * as path from 'path';
import { awsCliEnvironment } from './aws-cli';
import { LOCAL_S3_REGION } from '../../../test/support/s3-local';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, REPO, SOURCE_BUCKET } from '../common';
import { runCommand } from '../processes';
import { Workload } from '../workloads';

/** Bundles src/cli/cli.ts as `npx projen bundle` does, into `folder`; returns the bundle's path. */
export function bundleEngineCli(folder: string): string {
  const outfile = path.join(folder, 'engine-cli', 'index.js');
  execFileSync(path.join(REPO, 'node_modules', '.bin', 'esbuild'), [
    '--bundle', './src/cli/cli.ts', '--target=node20', '--platform=node', `--outfile=${outfile}`, '--log-level=warning',
  ], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  return outfile;
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
