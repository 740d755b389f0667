import { S3Client } from '@aws-sdk/client-s3';
import { CopyCommand, USAGE, UsageError, parseCopyArgs } from './args';
import { displayKey } from '../core/listed-keys';
import { DEFAULT_CONCURRENCY } from '../transfer/defaults';
import { CopyEvent, CopyResult, OverwritePolicy, S3Location, copyDataset, createS3Client } from '../transfer/engine';
import { keysOntoThemselves, prefixOverlap } from '../transfer/engine/locations';

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
}

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
    if (command !== 'copy') {
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
    }
    if (rest.includes('-h') || rest.includes('--help')) {
      io.stdout.write(USAGE);
      return 0;
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
    io.stdout.write(cmd.json ? `${JSON.stringify(result)}\n` : summary(result, cmd.dryRun));
    return result.complete ? 0 : 1;
  } finally {
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

/** Renders progress on stderr: a redrawn bar on a terminal, a line every 5 s otherwise. */
class ProgressRenderer {
  private lastDraw = 0;
  private drawn = false;

  public constructor(private readonly io: CliIo, private readonly enabled: boolean, private readonly now: () => number) {}

  public onEvent(event: CopyEvent): void {
    if (event.type === 'object' && event.outcome === 'failed') {
      this.clear();
      this.io.stderr.write(`failed: ${displayKey(event.key)}: ${event.reason}\n`);
    }
    if (!this.enabled || (event.type !== 'object' && event.type !== 'listed')) {
      return;
    }
    const interval = this.io.stderr.isTTY ? 100 : 5000;
    const t = this.now();
    if (t - this.lastDraw < interval) {
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
    if (this.io.stderr.isTTY) {
      this.io.stderr.write(`\r${line}\x1b[K`);
      this.drawn = true;
    } else {
      this.io.stderr.write(`${line}\n`);
    }
  }

  public finish(): void {
    this.clear();
  }

  private clear(): void {
    if (this.drawn) {
      this.io.stderr.write('\r\x1b[K');
      this.drawn = false;
    }
  }
}

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
