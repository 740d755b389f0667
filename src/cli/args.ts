/**
 * Command line parsing for `cdk-training-storage` (pure).
 */
import { SUPPORTED_NODE } from './node-support';
import { MAX_CONCURRENCY } from '../transfer/defaults';
import { MAX_COPY_OBJECT_BYTES, MAX_PART_SIZE_BYTES, MIN_PART_SIZE_BYTES } from '../transfer/engine/parts';

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

/** A whole number from `min` to `max`. */
export function parseIntBetween(text: string, option: string, min: number, max: number, why: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(value) || value < min || value > max) {
    throw new UsageError(`${option}: ${JSON.stringify(text)} is not a whole number from ${min} to ${max} (${why})`);
  }
  return value;
}

/** A byte size from `min` to `max` (the limits as written in the message). */
function parseSizeBetween(text: string, option: string, [min, minText]: [number, string], [max, maxText]: [number, string], why: string): number {
  const value = parseSize(text, option);
  if (value < min || value > max) {
    throw new UsageError(`${option}: ${JSON.stringify(text)} is not between ${minText} and ${maxText} (${why})`);
  }
  return value;
}

/**
 * An S3-compatible endpoint: an http:// or https:// URL with a host, and neither query nor fragment
 * (the SDK appends the bucket and key to its path).
 */
export function parseEndpointUrl(text: string, option: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || !['http:', 'https:'].includes(url.protocol) || url.hostname === '' || url.search !== '' || url.hash !== ''
    || url.username !== '' || url.password !== '' || text.endsWith('?') || text.endsWith('#')) {
    throw new UsageError(`${option}: ${JSON.stringify(text)} is not an http:// or https:// URL (example: http://127.0.0.1:4566)`);
  }
  return text;
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
  const value = <T>(name: string, parse: (text: string, option: string) => T) => (values.has(name) ? parse(values.get(name)!, name) : undefined);
  return {
    source: parseS3Uri(positional[0]),
    destination: parseS3Uri(positional[1]),
    concurrency: value('--concurrency', (text, option) => parseIntBetween(text, option, 1, MAX_CONCURRENCY, 'DatasetCopy\'s limit too')),
    endpointUrl: value('--endpoint-url', parseEndpointUrl),
    region: values.get('--region'),
    sourceRegion: values.get('--source-region'),
    destinationRegion: values.get('--destination-region'),
    dryRun: flags.has('--dry-run'),
    overwrite: overwrite as CopyCommand['overwrite'],
    storageClass: values.get('--storage-class'),
    sseKmsKeyId: values.get('--sse-kms-key-id'),
    // Limits of S3 (parts.ts cites them): CopyObject copies at most 5 GiB; parts are 5 MiB to 5 GiB.
    multipartThresholdBytes: value('--multipart-threshold', (text, option) =>
      parseSizeBetween(text, option, [1, '1 byte'], [MAX_COPY_OBJECT_BYTES, '5GiB'], 'the largest object CopyObject copies')),
    partSizeBytes: value('--part-size', (text, option) =>
      parseSizeBetween(text, option, [MIN_PART_SIZE_BYTES, '5MiB'], [MAX_PART_SIZE_BYTES, '5GiB'], 'the part sizes S3 accepts')),
    maxAttempts: value('--max-attempts', parsePositiveInt),
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
  --concurrency N            requests in flight, 1 to 1000 (default 256)
  --endpoint-url URL         an S3-compatible endpoint, http:// or https:// (path-style addressing)
  --region R                 region of both buckets (default: AWS_REGION, else us-east-1)
  --source-region R          region of the source bucket
  --destination-region R     region of the destination bucket
  --overwrite MODE           if-different (default), always or never
  --storage-class CLASS      storage class of the copies (general purpose buckets)
  --sse-kms-key-id KEY       encrypt the copies with this KMS key
  --multipart-threshold SIZE copy larger objects in parts, 1 byte to 5GiB (default 5GiB, the
                             CopyObject limit)
  --part-size SIZE           preferred part size, 5MiB to 5GiB (default 256MiB; raised when an
                             object would need more than 10,000 parts)
  --max-attempts N           attempts per request before an object is given up (default 8)
  --dry-run                  list and compare only; copy nothing
  --no-progress              no progress (a bar on a terminal, else a line every 5 s on stderr)
  --json                     print the summary as JSON
  --version                  print the version
  -h, --help                 print this text

A source without a trailing slash is one object: s3://bucket/data copies the object "data",
s3://bucket/data/ the objects under the prefix "data/".

Exit codes: 0 all objects copied or skipped, 1 some failed, 2 usage error.
Runs on Node.js ${SUPPORTED_NODE}.
`;
