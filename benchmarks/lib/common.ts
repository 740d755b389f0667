/**
 * What every module of the benchmark shares: the repository, the buckets, units, the log.
 */
import * as path from 'path';

export const REPO = path.resolve(__dirname, '..', '..');
export const SOURCE_BUCKET = 'bench-source';
export const DESTINATION_BUCKET = 'bench-destination';
export const KIB = 1024;
export { MIB } from '../../test/support/s3-local';
/** MB/s are decimal megabytes (10^6 bytes) per second. */
export const MB = 1e6;

/** Progress lines go to stderr; the report goes to stdout. */
export function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
