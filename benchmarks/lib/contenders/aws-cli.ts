/**
 * The AWS CLI (Debian's /usr/bin/aws): `aws s3 cp --recursive` with default settings and an empty
 * HOME, a process started for each copy.
 */
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../test/support/s3-local';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, SOURCE_BUCKET } from '../common';
import { runCommand } from '../processes';
import { Workload } from '../workloads';

export const AWS_CLI = '/usr/bin/aws';

/** The AWS CLI's environment: the test credentials, an empty HOME (no config), nothing else. */
export function awsCliEnvironment(home: string): NodeJS.ProcessEnv {
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
export function engineCliEnvironment(home: string): NodeJS.ProcessEnv {
  return { ...awsCliEnvironment(home), AWS_REGION: LOCAL_S3_REGION, AWS_EC2_METADATA_DISABLED: 'true' };
}

/** `aws s3 cp --recursive` with default settings. */
export function awsCliCopy(endpoint: string, workload: Workload, home: string): CopyTask {
  return async (destinationPrefix) => {
    await runCommand(AWS_CLI, [
      's3', 'cp', '--recursive', `s3://${SOURCE_BUCKET}/${workload.prefix}`, `s3://${DESTINATION_BUCKET}/${destinationPrefix}`,
      '--endpoint-url', endpoint,
    ], awsCliEnvironment(home));
  };
}
