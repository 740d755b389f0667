/**
 * Command line parsing for `cdk-training-storage` (pure).
 */
import { SUPPORTED_NODE } from './node-support';
import {
  DEFAULT_CHECKPOINT_LAYOUT, DEFAULT_COMPLETION_MARKER, MAX_KEEP_LATEST, layoutProblem, markerProblem,
} from '../checkpoint/rules';
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

/** The options of `checkpoints list`. */
export interface CheckpointsListCommand {
  readonly action: 'list';
  /** The checkpoints root (a prefix: empty, or ending with `/`). */
  readonly root: S3Uri;
  readonly layout: string;
  readonly marker: string;
  readonly endpointUrl?: string;
  readonly region?: string;
}

/** The options of `checkpoints prune`. */
export interface CheckpointsPruneCommand {
  readonly action: 'prune';
  /** The fast tier's checkpoints root (a prefix). */
  readonly root: S3Uri;
  /** The lake's checkpoints root (a prefix). */
  readonly lake: S3Uri;
  /** Complete checkpoints kept per run. */
  readonly keep: number;
  readonly dryRun: boolean;
  readonly layout: string;
  readonly marker: string;
  readonly endpointUrl?: string;
  readonly region?: string;
}

/** `checkpoints list` or `checkpoints prune`. */
export type CheckpointsCommand = CheckpointsListCommand | CheckpointsPruneCommand;

const CHECKPOINT_VALUE_OPTIONS = new Set(['--layout', '--marker', '--endpoint-url', '--region', '--lake', '--keep']);
const PRUNE_ONLY = ['--lake', '--keep', '--dry-run'];

/** A checkpoints root: an s3:// URI of a prefix (the bucket, or a path ending with `/`). */
function parseRootUri(text: string, what: string): S3Uri {
  let uri: S3Uri;
  try {
    uri = parseS3Uri(text);
  } catch (error) {
    throw new UsageError(`${what}: ${(error as Error).message}`);
  }
  if (uri.path !== '' && !uri.path.endsWith('/')) {
    throw new UsageError(`${what}: ${JSON.stringify(text)} is not a prefix: a checkpoints root ends with "/" (${text}/)`);
  }
  return uri;
}

/** Parses the arguments after `checkpoints`: `list <root>` or `prune <root> --lake <root> --keep N`. */
export function parseCheckpointsArgs(args: readonly string[]): CheckpointsCommand {
  const [action, ...rest] = args;
  if (action !== 'list' && action !== 'prune') {
    throw new UsageError(action === undefined
      ? 'checkpoints needs an action: list or prune'
      : `unknown checkpoints action ${JSON.stringify(action)} (expected list or prune)`);
  }
  const positional: string[] = [];
  const values = new Map<string, string>();
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    if (action === 'list' && PRUNE_ONLY.includes(name)) {
      throw new UsageError(`${name} is an option of checkpoints prune, not of checkpoints list`);
    }
    if (CHECKPOINT_VALUE_OPTIONS.has(name)) {
      const value = inline ?? rest[++i];
      if (value === undefined) {
        throw new UsageError(`${name} needs a value`);
      }
      values.set(name, value);
    } else if (name === '--dry-run') {
      dryRun = true;
    } else if (name.startsWith('-')) {
      throw new UsageError(`unknown option ${name}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 1) {
    throw new UsageError(action === 'list'
      ? `checkpoints list takes one s3:// URI, the checkpoints root (${positional.length} given)`
      : `checkpoints prune takes one s3:// URI, the fast tier's checkpoints root (${positional.length} given)`);
  }
  const layout = values.get('--layout') ?? DEFAULT_CHECKPOINT_LAYOUT;
  const layoutIssue = layoutProblem(layout);
  if (layoutIssue) {
    throw new UsageError(`--layout: ${JSON.stringify(layout)} is not a layout: expected ${layoutIssue}`);
  }
  const marker = values.get('--marker') ?? DEFAULT_COMPLETION_MARKER;
  const markerIssue = markerProblem(marker);
  if (markerIssue) {
    throw new UsageError(`--marker: ${JSON.stringify(marker)} is not a completion marker: expected ${markerIssue}`);
  }
  const common = {
    layout,
    marker,
    endpointUrl: values.has('--endpoint-url') ? parseEndpointUrl(values.get('--endpoint-url')!, '--endpoint-url') : undefined,
    region: values.get('--region'),
  };
  if (action === 'list') {
    return { action, root: parseRootUri(positional[0], 'checkpoints list'), ...common };
  }
  const root = parseRootUri(positional[0], 'checkpoints prune');
  if (!values.has('--lake')) {
    throw new UsageError('checkpoints prune needs --lake s3://bucket/prefix/, the lake\'s checkpoints root, where each checkpoint is verified before it is deleted');
  }
  const lake = parseRootUri(values.get('--lake')!, '--lake');
  if (!values.has('--keep')) {
    throw new UsageError(`checkpoints prune needs --keep N, the complete checkpoints kept per run (1 to ${MAX_KEEP_LATEST})`);
  }
  const keep = parseIntBetween(values.get('--keep')!, '--keep', 1, MAX_KEEP_LATEST, 'at least the newest complete checkpoint of each run stays');
  if (root.bucket === lake.bucket && (root.path.startsWith(lake.path) || lake.path.startsWith(root.path))) {
    throw new UsageError(`--lake: s3://${lake.bucket}/${lake.path} and the fast tier s3://${root.bucket}/${root.path} overlap: `
      + 'give another bucket, or roots neither of which contains the other');
  }
  return { action, root, lake, keep, dryRun, ...common };
}

/** The usage text. */
export const USAGE = `Usage: cdk-training-storage copy <source> <destination> [options]
       cdk-training-storage checkpoints list <checkpoints-root> [options]
       cdk-training-storage checkpoints prune <fast-tier-root> --lake <lake-root> --keep N [options]

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

Checkpoints (as CheckpointTier lays them out): a checkpoint is a directory under a checkpoints
root (s3://bucket/prefix/), one per training step, {run}/{step}/ by default; it is complete
once its completion marker exists (.metadata by default, the file PyTorch DCP writes last).

  checkpoints list <root>    one line per checkpoint: run, step, complete or incomplete, objects,
                             size and where it is; then the count of keys outside the layout
  checkpoints prune <root>   deletes from the fast tier (an S3 Express One Zone directory bucket,
                             or any bucket) the complete checkpoints beyond the latest N of each
                             run, each only once every one of its objects is verified in the lake
                             (same size, and a checksum of 64 bits or more that proves the same
                             content); the marker goes first. Incomplete checkpoints, the latest N
                             and everything in the lake are never deleted.

Checkpoint options:
  --layout PATTERN           the layout under the root (default {run}/{step}/)
  --marker FILE              the completion marker, relative to a checkpoint (default .metadata)
  --lake URI                 prune: the lake's checkpoints root, s3://bucket/prefix/ (required)
  --keep N                   prune: complete checkpoints kept per run, 1 to ${MAX_KEEP_LATEST} (required)
  --dry-run                  prune: verify only; delete nothing, print what would be deleted
  --endpoint-url URL, --region R   as for copy

Exit codes: copy: 0 all objects copied or skipped, 1 some failed; checkpoints: 0 done, 1 a
request failed or a checkpoint due for deletion stayed (not verified, or its deletion failed);
2 usage error.
Runs on Node.js ${SUPPORTED_NODE}.
`;
