/**
 * Command line parsing for `cdk-training-storage` (pure).
 */

/** A parsed `s3://bucket/key-or-prefix` URI. */
export interface S3Uri {
  readonly bucket: string;
  /** Everything after the bucket: a prefix when it ends with `/` (or is empty), else one key. */
  readonly path: string;
}

/** Parses `s3://bucket/path`. */
export function parseS3Uri(uri: string): S3Uri {
  const match = /^s3:\/\/([^/]+)(?:\/(.*))?$/.exec(uri);
  if (!match || match[1] === '') {
    throw new UsageError(`not an s3:// URI: ${JSON.stringify(uri)} (expected s3://bucket/prefix/)`);
  }
  return { bucket: match[1], path: match[2] ?? '' };
}

const UNITS: Record<string, number> = {
  '': 1,
  'b': 1,
  'kb': 1e3,
  'mb': 1e6,
  'gb': 1e9,
  'tb': 1e12,
  'kib': 2 ** 10,
  'mib': 2 ** 20,
  'gib': 2 ** 30,
  'tib': 2 ** 40,
};

/** Parses a byte size such as `8MiB`, `5GiB`, `100MB` or `1048576`. */
export function parseSize(text: string, option: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([a-zA-Z]*)$/.exec(text.trim());
  const factor = match ? UNITS[match[2].toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new UsageError(`${option}: ${JSON.stringify(text)} is not a size (examples: 8MiB, 5GiB, 1048576)`);
  }
  return Math.round(Number(match[1]) * factor);
}

/** A positive whole number. */
export function parsePositiveInt(text: string, option: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < 1) {
    throw new UsageError(`${option}: ${JSON.stringify(text)} is not a whole number of at least 1`);
  }
  return value;
}

/** Wrong use of the command line: exit code 2 and the usage. */
export class UsageError extends Error {
  public constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** The options of `copy`. */
export interface CopyCommand {
  readonly source: S3Uri;
  readonly destination: S3Uri;
  readonly concurrency?: number;
  readonly endpointUrl?: string;
  readonly region?: string;
  readonly sourceRegion?: string;
  readonly destinationRegion?: string;
  readonly dryRun: boolean;
  readonly overwrite: 'if-different' | 'always' | 'never';
  readonly storageClass?: string;
  readonly sseKmsKeyId?: string;
  readonly multipartThresholdBytes?: number;
  readonly partSizeBytes?: number;
  readonly maxAttempts?: number;
  readonly progress: boolean;
  readonly json: boolean;
}

const VALUE_OPTIONS = new Set([
  '--concurrency', '--endpoint-url', '--region', '--source-region', '--destination-region', '--overwrite',
  '--storage-class', '--sse-kms-key-id', '--multipart-threshold', '--part-size', '--max-attempts',
]);

/** Parses the arguments after `copy`. */
export function parseCopyArgs(args: readonly string[]): CopyCommand {
  const positional: string[] = [];
  const values = new Map<string, string>();
  const flags = new Set<string>();
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (VALUE_OPTIONS.has(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) {
        throw new UsageError(`${name} needs a value`);
      }
      values.set(name, value);
    } else if (['--dry-run', '--no-progress', '--json'].includes(name)) {
      flags.add(name);
    } else if (name.startsWith('-')) {
      throw new UsageError(`unknown option ${name}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) {
    throw new UsageError(`copy takes a source and a destination s3:// URI (${positional.length} given)`);
  }
  const overwrite = values.get('--overwrite') ?? 'if-different';
  if (!['if-different', 'always', 'never'].includes(overwrite)) {
    throw new UsageError(`--overwrite: ${JSON.stringify(overwrite)} is not one of if-different, always, never`);
  }
  const int = (name: string) => (values.has(name) ? parsePositiveInt(values.get(name)!, name) : undefined);
  const size = (name: string) => (values.has(name) ? parseSize(values.get(name)!, name) : undefined);
  return {
    source: parseS3Uri(positional[0]),
    destination: parseS3Uri(positional[1]),
    concurrency: int('--concurrency'),
    endpointUrl: values.get('--endpoint-url'),
    region: values.get('--region'),
    sourceRegion: values.get('--source-region'),
    destinationRegion: values.get('--destination-region'),
    dryRun: flags.has('--dry-run'),
    overwrite: overwrite as CopyCommand['overwrite'],
    storageClass: values.get('--storage-class'),
    sseKmsKeyId: values.get('--sse-kms-key-id'),
    multipartThresholdBytes: size('--multipart-threshold'),
    partSizeBytes: size('--part-size'),
    maxAttempts: int('--max-attempts'),
    progress: !flags.has('--no-progress'),
    json: flags.has('--json'),
  };
}

/** The usage text. */
export const USAGE = `Usage: cdk-training-storage copy <source> <destination> [options]

Copies a prefix (s3://bucket/prefix/) or one object (s3://bucket/key) server-side, with
CopyObject and multipart UploadPartCopy: nothing is downloaded. Objects already at the
destination with the same size and checksum are skipped, so a stopped copy resumes.
In one bucket, the destination must not be the source itself, nor a prefix inside the
source prefix (the empty prefix is the whole bucket): both are usage errors.

Options:
  --concurrency N            requests in flight (default 256)
  --endpoint-url URL         an S3-compatible endpoint (path-style addressing)
  --region R                 region of both buckets (default: AWS_REGION, else us-east-1)
  --source-region R          region of the source bucket
  --destination-region R     region of the destination bucket
  --overwrite MODE           if-different (default), always or never
  --storage-class CLASS      storage class of the copies (general purpose buckets)
  --sse-kms-key-id KEY       encrypt the copies with this KMS key
  --multipart-threshold SIZE copy larger objects in parts (default 5GiB, the CopyObject limit)
  --part-size SIZE           preferred part size (default 256MiB)
  --max-attempts N           attempts per request before an object is given up (default 8)
  --dry-run                  list and compare only; copy nothing
  --no-progress              no progress bar
  --json                     print the summary as JSON

Exit codes: 0 all objects copied or skipped, 1 some failed, 2 usage error.
`;
