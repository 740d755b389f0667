/**
 * rclone (Debian's package rclone, /usr/bin/rclone, else the first `rclone` on PATH), tuned as a
 * power user runs it: `rclone copy bench:<source>/<prefix>/ bench:<destination>/<prefix>/
 * --transfers 256 --checkers 256 --s3-no-check-bucket`, a process started for each copy.
 *
 * - The remote is configured from the environment only (https://rclone.org/docs/#config-file):
 *   `RCLONE_CONFIG_BENCH_TYPE=s3`, provider Other, the proxy's endpoint, path-style addressing, the
 *   local server's test keys; no config file is read or written (`--config /notfound`: "a file
 *   with name notfound ... rclone will keep the config file in memory only",
 *   https://rclone.org/docs/#config-config-file) and HOME is an empty folder.
 * - Both buckets are on that one remote, so rclone copies server-side: CopyObject, or for objects
 *   from `--s3-copy-cutoff` up a multipart copy (UploadPartCopy) in parts of that same size
 *   (https://rclone.org/s3/#s3-copy-cutoff; that the cutoff is also the part size:
 *   https://github.com/rclone/rclone/issues/7391). The benchmark checks that no object's bytes pass
 *   through rclone (bench.ts).
 * - rclone 1.60 (Debian 12) copies the parts of one object one after another: `--s3-upload-concurrency`
 *   (4 by default) applies to uploads, not to server-side copies (backend/s3/s3.go, copyMultipart;
 *   measured here: at 30 ms per request a 64 MiB object in 8 parts took 0.46 s longer than at 0 ms
 *   with either setting, 8 parts and 7 other requests one after another).
 * - After each copy rclone 1.60 reads the new object back with a HeadObject request (Fs.Copy ends
 *   with NewObject); no flag turns it off (`--s3-no-head` applies to uploads): 2 requests per object.
 */
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../test/support/s3-local';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, MIB, SOURCE_BUCKET } from '../common';
import { findExecutable, runCommand } from '../processes';
import { Workload } from '../workloads';

/** The remote's name: its settings are the RCLONE_CONFIG_BENCH_* variables. */
const REMOTE = 'bench';

/** rclone to run, or undefined when there is none. */
export function findRclone(): string | undefined {
  return findExecutable('/usr/bin/rclone', 'rclone');
}

/** rclone's settings for a power user's copy between two buckets. */
export const RCLONE_POWER_USER_FLAGS = ['--transfers', '256', '--checkers', '256', '--s3-no-check-bucket'] as const;

/** `--s3-copy-cutoff` in rclone's units (a bare number would be KiB). */
export function rcloneSize(bytes: number): string {
  return bytes % MIB === 0 ? `${bytes / MIB}Mi` : `${bytes}B`;
}

/** rclone's environment: the remote, the test keys, an empty HOME, nothing else. */
export function rcloneEnvironment(home: string, endpoint: string): NodeJS.ProcessEnv {
  const prefix = `RCLONE_CONFIG_${REMOTE.toUpperCase()}_`;
  return {
    PATH: '/usr/bin:/bin',
    HOME: home,
    LANG: 'C.UTF-8',
    [`${prefix}TYPE`]: 's3',
    [`${prefix}PROVIDER`]: 'Other',
    [`${prefix}ENDPOINT`]: endpoint,
    [`${prefix}REGION`]: LOCAL_S3_REGION,
    [`${prefix}FORCE_PATH_STYLE`]: 'true',
    [`${prefix}ACCESS_KEY_ID`]: LOCAL_S3_CREDENTIALS.accessKeyId,
    [`${prefix}SECRET_ACCESS_KEY`]: LOCAL_S3_CREDENTIALS.secretAccessKey,
  };
}

/** The arguments before the command: no config file (the remote comes from the environment). */
export const RCLONE_GLOBAL_ARGS = ['--config', '/notfound'] as const;

/** `rclone copy` of the workload's prefix into the destination prefix, with the power user's flags and `extra`. */
export function rcloneCopy(rclone: string, endpoint: string, workload: Workload, home: string, extra: readonly string[] = []): CopyTask {
  return async (destinationPrefix) => {
    await runCommand(rclone, [
      ...RCLONE_GLOBAL_ARGS, 'copy', `${REMOTE}:${SOURCE_BUCKET}/${workload.prefix}`, `${REMOTE}:${DESTINATION_BUCKET}/${destinationPrefix}`,
      ...RCLONE_POWER_USER_FLAGS, ...extra,
    ], rcloneEnvironment(home, endpoint));
  };
}

/** `rclone lsf` of an empty prefix: rclone's start-up and one listing (exit 3: directory not found). */
export function rcloneListArgs(): string[] {
  return [...RCLONE_GLOBAL_ARGS, 'lsf', `${REMOTE}:${SOURCE_BUCKET}/none/`];
}
