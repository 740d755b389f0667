import { S3Client } from '@aws-sdk/client-s3';
import { CopyCommand, USAGE, UsageError, parseCheckpointsArgs, parseCopyArgs } from './args';
import { listCommand, pruneCommand } from './checkpoints';
import { VERSION } from './version';
import { displayKey } from '../core/listed-keys';
import { DEFAULT_CONCURRENCY } from '../transfer/defaults';
import { CopyEvent, CopyProgress, CopyResult, OverwritePolicy, S3Location, SOURCE_NOT_FOUND, copyDataset, createS3Client } from '../transfer/engine';
import { keysOntoThemselves, prefixOverlap } from '../transfer/engine/locations';
import { progressAt } from '../transfer/engine/progress';

/** Where the command line writes. */
export interface CliIo {
  /** Results and the summary. */
  readonly stdout: NodeJS.WritableStream;
  /** Progress and errors. */
  readonly stderr: NodeJS.WritableStream & { isTTY?: boolean };
  /** Client factory (tests replace it). */
  readonly createClient?: (options: { region?: string; endpoint?: string; maxSockets?: number }) => S3Client;
  /** The clock (tests replace it). */
  readonly now?: () => number;
  /**
   * Calls `tick` every `intervalMs` until the returned function is called (tests replace it).
   * @default setInterval, unref'd: it never keeps the process alive
   */
  readonly every?: (intervalMs: number, tick: () => void) => () => void;
}

/** Progress lines off a terminal: one every this many milliseconds. */
export const PROGRESS_LINE_INTERVAL_MS = 5000;

const OVERWRITE: Record<CopyCommand['overwrite'], OverwritePolicy> = {
  'if-different': OverwritePolicy.IF_DIFFERENT,
  'always': OverwritePolicy.ALWAYS,
  'never': OverwritePolicy.NEVER,
};

/** Runs the command line; resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === undefined || command === '-h' || command === '--help' || command === 'help') {
      io.stdout.write(USAGE);
      return command === undefined ? 2 : 0;
    }
    const known = command === 'copy' || command === 'checkpoints';
    if (command === '--version' || (known && rest.includes('--version') && !rest.includes('--help') && !rest.includes('-h'))) {
      io.stdout.write(`cdk-training-storage ${VERSION}\n`);
      return 0;
    }
    if (!known) {
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout.write(USAGE);
      return 0;
    }
    if (command === 'checkpoints') {
      const cmd = parseCheckpointsArgs(rest);
      return await (cmd.action === 'list' ? listCommand(cmd, io) : pruneCommand(cmd, io));
    }
    return await copy(parseCopyArgs(rest), io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.stderr.write(`error: ${error.message}\n\n${USAGE}`);
      return 2;
    }
    io.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

/** The engine's locations of a copy: a prefix, or one object copied into a prefix. */
export interface CopyLocations {
  readonly source: S3Location;
  readonly destination: S3Location;
  readonly keys?: string[];
}

/**
 * Maps the URIs to engine locations: a prefix, or one object copied into a prefix. A copy onto the
 * source itself, or into the source prefix of the same bucket (the listing would find the copies), is
 * a usage error.
 */
export function locationsOf(cmd: CopyCommand): CopyLocations {
  const locations = mapLocations(cmd);
  const { source, destination, keys } = locations;
  if (source.bucket === destination.bucket) {
    const uri = (prefix: string) => `s3://${source.bucket}/${prefix}`;
    if (keys !== undefined) {
      const onto = keysOntoThemselves(source.prefix, destination.prefix, keys);
      if (onto.length > 0) {
        throw new UsageError(`the destination is the source object ${uri(source.prefix + onto[0])}: it would be copied onto itself`);
      }
    } else {
      const overlap = prefixOverlap(source.prefix, destination.prefix);
      if (overlap === 'same') {
        throw new UsageError(`the destination ${uri(destination.prefix)} is the source: every object would be copied onto itself`);
      }
      if (overlap === 'inside') {
        throw new UsageError(`the destination ${uri(destination.prefix)} is inside the source ${uri(source.prefix)}: the copies would be listed and copied again`);
      }
    }
  }
  return locations;
}

function mapLocations(cmd: CopyCommand): CopyLocations {
  const isPrefix = (path: string) => path === '' || path.endsWith('/');
  const destination = cmd.destination;
  if (isPrefix(cmd.source.path)) {
    if (!isPrefix(destination.path)) {
      throw new UsageError('a prefix copies into a prefix: end the destination with "/"');
    }
    return { source: { bucket: cmd.source.bucket, prefix: cmd.source.path }, destination: { bucket: destination.bucket, prefix: destination.path } };
  }
  const slash = cmd.source.path.lastIndexOf('/');
  const sourcePrefix = cmd.source.path.slice(0, slash + 1);
  const name = cmd.source.path.slice(slash + 1);
  let destinationPrefix = destination.path;
  if (!isPrefix(destination.path)) {
    const destinationSlash = destination.path.lastIndexOf('/');
    if (destination.path.slice(destinationSlash + 1) !== name) {
      throw new UsageError('one object is copied under its own name: give a destination prefix ending with "/" or the same name');
    }
    destinationPrefix = destination.path.slice(0, destinationSlash + 1);
  }
  return {
    source: { bucket: cmd.source.bucket, prefix: sourcePrefix },
    destination: { bucket: destination.bucket, prefix: destinationPrefix },
    keys: [name],
  };
}

async function copy(cmd: CopyCommand, io: CliIo): Promise<number> {
  const { source, destination, keys } = locationsOf(cmd);
  const create = io.createClient ?? createS3Client;
  const concurrency = cmd.concurrency ?? DEFAULT_CONCURRENCY;
  const sourceRegion = cmd.sourceRegion ?? cmd.region;
  const destinationRegion = cmd.destinationRegion ?? cmd.region;
  const sourceClient = create({ region: sourceRegion, endpoint: cmd.endpointUrl, maxSockets: concurrency });
  const destinationClient = destinationRegion === sourceRegion
    ? sourceClient
    : create({ region: destinationRegion, endpoint: cmd.endpointUrl, maxSockets: concurrency });
  const renderer = new ProgressRenderer(io, cmd.progress, io.now ?? Date.now);
  renderer.start();
  try {
    const result = await copyDataset(source, destination, {
      sourceClient,
      destinationClient,
      keys,
      concurrency,
      overwrite: OVERWRITE[cmd.overwrite],
      storageClass: cmd.storageClass,
      sseKmsKeyId: cmd.sseKmsKeyId,
      multipartThresholdBytes: cmd.multipartThresholdBytes,
      partSizeBytes: cmd.partSizeBytes,
      maxAttempts: cmd.maxAttempts,
      dryRun: cmd.dryRun,
      onEvent: (event) => renderer.onEvent(event),
    });
    renderer.finish();
    const missing = keys !== undefined && result.failures.some((failure) => failure.error.endsWith(SOURCE_NOT_FOUND));
    if (missing) {
      // s3://bucket/data names the object "data"; the user may have meant the prefix "data/".
      const uri = `s3://${cmd.source.bucket}/${cmd.source.path}`;
      io.stderr.write(`hint: ${uri} is not an object; to copy the objects under that prefix, end it with "/": ${uri}/\n`);
    }
    io.stdout.write(cmd.json ? `${JSON.stringify(result)}\n` : summary(result, cmd.dryRun));
    return result.complete ? 0 : 1;
  } finally {
    renderer.finish();
    sourceClient.destroy();
    if (destinationClient !== sourceClient) {
      destinationClient.destroy();
    }
  }
}

/** The end-of-run summary. */
export function summary(result: CopyResult, dryRun: boolean): string {
  const lines = [
    dryRun
      ? `dry run: ${result.objectsToCopy} to copy, ${result.objectsSkipped} already there, of ${result.objectsListed} listed`
      : `copied ${result.objectsCopied} objects (${formatBytes(result.bytesCopied)}), skipped ${result.objectsSkipped}, `
        + `failed ${result.failures.length}, of ${result.objectsListed} listed in ${formatDuration(result.elapsedMs)}`,
  ];
  for (const failure of result.failures.slice(0, 20)) {
    lines.push(`  failed: ${displayKey(failure.key)} after ${failure.attempts} attempt(s): ${failure.error}`);
  }
  if (result.failures.length > 20) {
    lines.push(`  ... and ${result.failures.length - 20} more`);
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Renders progress on stderr: on a terminal, a bar redrawn in place (at most every 100 ms, as
 * objects finish); elsewhere (a log, a pipe), a line every 5 s on a timer, so that a long copy
 * shows its progress even while no object finishes.
 */
class ProgressRenderer {
  private lastDraw = 0;
  private drawn = false;
  private latest: CopyProgress | undefined;
  private stop: (() => void) | undefined;
  private readonly startedAt: number;

  public constructor(private readonly io: CliIo, private readonly enabled: boolean, private readonly now: () => number) {
    this.startedAt = now();
  }

  /** Off a terminal, starts the periodic progress lines. */
  public start(): void {
    if (!this.enabled || this.io.stderr.isTTY) {
      return;
    }
    const every = this.io.every ?? ((ms, tick) => {
      const timer = setInterval(tick, ms);
      timer.unref();
      return () => clearInterval(timer);
    });
    this.stop = every(PROGRESS_LINE_INTERVAL_MS, () => this.io.stderr.write(`${this.line()}\n`));
  }

  public onEvent(event: CopyEvent): void {
    if (event.type === 'object' && event.outcome === 'failed') {
      this.clear();
      this.io.stderr.write(`failed: ${displayKey(event.key)}: ${event.reason}\n`);
    }
    if (!this.enabled || (event.type !== 'object' && event.type !== 'listed')) {
      return;
    }
    this.latest = event.progress;
    if (!this.io.stderr.isTTY) {
      return;
    }
    const t = this.now();
    if (t - this.lastDraw < 100) {
      return;
    }
    this.lastDraw = t;
    const p = event.progress;
    const fraction = p.listingComplete && p.objectsListed > 0 ? p.objectsDone / p.objectsListed : undefined;
    const width = 24;
    const filled = fraction === undefined ? 0 : Math.round(fraction * width);
    const bar = fraction === undefined ? '' : `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${(fraction * 100).toFixed(0)}% `;
    const total = p.listingComplete ? `${p.objectsListed}` : `${p.objectsListed}+`;
    const line = `${bar}${p.objectsDone}/${total} objects, ${formatBytes(p.bytesDone)}, `
      + `${formatBytes(p.bytesPerSecond)}/s, ${p.objectsPerSecond.toFixed(0)} objects/s`
      + (p.etaMs !== undefined ? `, ETA ${formatDuration(p.etaMs)}` : '');
    this.io.stderr.write(`\r${line}\x1b[K`);
    this.drawn = true;
  }

  /** The periodic line: the counts of the latest event, the rates and time left as of now. */
  private line(): string {
    const p = progressAt(this.latest ?? EMPTY_COUNTS, this.now() - this.startedAt);
    const total = p.listingComplete ? `${p.objectsListed}` : `${p.objectsListed}+`;
    const bytes = p.listingComplete ? `${formatBytes(p.bytesDone)} of ${formatBytes(p.bytesListed)}` : formatBytes(p.bytesDone);
    const left = !p.listingComplete ? 'time left unknown (still listing)'
      : p.etaMs === undefined ? 'time left unknown' : `${formatDuration(p.etaMs)} left`;
    return `progress: ${p.objectsDone}/${total} objects, ${bytes}, ${formatBytes(p.bytesPerSecond)}/s, `
      + `${p.objectsPerSecond.toFixed(1)} objects/s, ${left}, ${formatDuration(p.elapsedMs)} elapsed`;
  }

  public finish(): void {
    this.stop?.();
    this.stop = undefined;
    this.clear();
  }

  private clear(): void {
    if (this.drawn) {
      this.io.stderr.write('\r\x1b[K');
      this.drawn = false;
    }
  }
}

const EMPTY_COUNTS = {
  objectsListed: 0,
  bytesListed: 0,
  listingComplete: false,
  objectsDone: 0,
  objectsCopied: 0,
  objectsSkipped: 0,
  objectsFailed: 0,
  bytesDone: 0,
  bytesCopied: 0,
};

/** 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** 83000 → "1m23s". */
export function formatDuration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) {
    return ms < 10_000 ? `${(ms / 1000).toFixed(1)}s` : `${seconds}s`;
  }
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes}m${String(seconds % 60).padStart(2, '0')}s` : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}
