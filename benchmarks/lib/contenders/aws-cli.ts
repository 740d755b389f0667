/**
 * The AWS CLI (Debian's package awscli, /usr/bin/aws, else the first `aws` on PATH): `aws s3 cp
 * --recursive` between the two buckets with default settings and an empty HOME (no config file), a
 * process started for each copy. Its defaults: 10 requests in flight, multipart copies from 8 MiB
 * in 8 MiB parts (https://docs.aws.amazon.com/cli/latest/topic/s3-config.html).
 */
import * as path from 'path';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../test/support/s3-local';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, SOURCE_BUCKET } from '../common';
import { findExecutable, runCommand } from '../processes';
import { Workload } from '../workloads';

/** The AWS CLI to run, or undefined when there is none. */
export function findAwsCli(): string | undefined {
  return findExecutable('/usr/bin/aws', 'aws');
}

/** The AWS CLI's environment: the test credentials, an empty HOME (no config), nothing else. */
export function awsCliEnvironment(home: string, cli = '/usr/bin/aws'): NodeJS.ProcessEnv {
  return {
    PATH: [...new Set([path.dirname(cli), '/usr/bin', '/bin'])].join(':'),
    HOME: home,
    LANG: 'C.UTF-8',
    AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
    AWS_DEFAULT_REGION: LOCAL_S3_REGION,
  };
}

/** `aws s3 cp --recursive` with default settings. */
export function awsCliCopy(cli: string, endpoint: string, workload: Workload, home: string): CopyTask {
  return async (destinationPrefix) => {
    await runCommand(cli, [
      's3', 'cp', '--recursive', `s3://${SOURCE_BUCKET}/${workload.prefix}`, `s3://${DESTINATION_BUCKET}/${destinationPrefix}`,
      '--endpoint-url', endpoint,
    ], awsCliEnvironment(home, cli));
  };
}
