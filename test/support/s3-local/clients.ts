/**
 * S3 clients and credentials for the local server: fixed test credentials, path-style addressing.
 */
import * as fs from 'fs';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from './local-s3';

/** The environment variables `useLocalS3Credentials` sets. */
const CREDENTIAL_VARIABLES = {
  AWS_ACCESS_KEY_ID: LOCAL_S3_CREDENTIALS.accessKeyId,
  AWS_SECRET_ACCESS_KEY: LOCAL_S3_CREDENTIALS.secretAccessKey,
  AWS_SESSION_TOKEN: undefined,
  AWS_PROFILE: undefined,
  AWS_REGION: LOCAL_S3_REGION,
  AWS_DEFAULT_REGION: LOCAL_S3_REGION,
  AWS_EC2_METADATA_DISABLED: 'true',
} as const;

/**
 * Points the SDK's default credential chain at the test credentials, in this process only (for
 * clients made by the engine's `createS3Client`, which reads them from the environment). Real
 * credentials are never needed nor read. Returns a function that restores the previous values.
 */
export function useLocalS3Credentials(): () => void {
  const previous = Object.fromEntries(Object.keys(CREDENTIAL_VARIABLES).map((name) => [name, process.env[name]]));
  for (const [name, value] of Object.entries(CREDENTIAL_VARIABLES)) {
    if (value === undefined) {
      delete process.env[name];
    } else {
      process.env[name] = value;
    }
  }
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) {
        delete process.env[name];
      } else {
        process.env[name] = value;
      }
    }
  };
}

/** Options of `localS3Client`. */
export interface LocalS3ClientOptions {
  /** SDK attempts per request (the setup and checks may retry; the engine's clients must not). @default 3 */
  readonly maxAttempts?: number;
  /** Makes the client usable with directory buckets (`--x-s3` names) on the local server. @default false */
  readonly directoryBuckets?: boolean;
}

/** A path-style client for the local server, with the test credentials given explicitly. */
export function localS3Client(endpoint: string, options: LocalS3ClientOptions = {}): S3Client {
  const client = new S3Client({
    endpoint,
    region: LOCAL_S3_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_S3_CREDENTIALS },
    maxAttempts: options.maxAttempts ?? 3,
    // fauxqs has no CreateSession: the SDK's S3 Express session auth must be off (see useDirectoryBuckets).
    ...(options.directoryBuckets ? { disableS3ExpressSessionAuth: true } : {}),
  });
  if (options.directoryBuckets) {
    fixDirectoryBucketPaths(client);
  }
  return client;
}

/**
 * Makes a client (such as the engine's, from `createS3Client`) work with directory buckets on a
 * local endpoint:
 *
 * - For a bucket named `<base>--<az-id>--x-s3` and a custom endpoint with an IP address, the SDK's
 *   endpoint rules build path-style URLs with a doubled slash (`/<bucket>//<key>`, `/<bucket>//`
 *   for bucket operations), which fauxqs reads as keys starting with `/` (and a listing becomes a
 *   GetObject of the key `/`). Real S3 Express endpoints are virtual-hosted, so this only matters
 *   locally: the slash is collapsed before signing.
 * - The SDK would call S3 Express CreateSession (`GET /<bucket>?session`) before most requests;
 *   fauxqs answers it with a bucket listing and the SDK fails with "s3#createSession response
 *   credential missing AccessKeyId or SecretAccessKey". Session auth is therefore disabled, with
 *   the `disableS3ExpressSessionAuth` client option (`localS3Client`) or, for a client built
 *   elsewhere, the `AWS_S3_DISABLE_EXPRESS_SESSION_AUTH=true` environment variable, which must be
 *   set before that client sends its first request.
 */
export function fixDirectoryBucketPaths(client: S3Client): S3Client {
  client.middlewareStack.add((next) => async (args) => {
    const request = args.request as { path?: string };
    if (typeof request.path === 'string') {
      request.path = request.path.replace(/^(\/[^/]+--x-s3\/)\/+/, '$1');
    }
    return next(args);
  }, { step: 'build', name: 'localDirectoryBucketPaths', override: true });
  return client;
}

/**
 * The AWS CLI to compare listings with: the Debian package's /usr/bin/aws (which .ci/run installs
 * when missing), else the first `aws` on PATH, else undefined.
 */
export function findAwsCli(): string | undefined {
  const candidates = ['/usr/bin/aws', ...(process.env.PATH ?? '').split(path.delimiter).filter((d) => d !== '').map((d) => path.join(d, 'aws'))];
  return candidates.find((candidate) => {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}
