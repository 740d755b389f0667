/**
 * The benchmark's command line options (documented in the header of copy-benchmark.ts).
 */
import * as os from 'os';
import * as path from 'path';
import { KIB, MIB, REPO } from './common';
import { WorkloadKind } from './workloads';
import { parseSize } from '../../src/cli/args';

export interface Options {
  /** Object counts of the small workloads. */
  readonly counts: readonly number[];
  readonly smallSizeBytes: number;
  readonly largeSizeBytes: number;
  /** Part size of the command lines' multipart copies of the large object (and of the in-process ones). */
  readonly largePartBytes: number;
  readonly latencies: readonly number[];
  /** Runs of each fresh-process contender, and of everything on the large object. */
  readonly repeats: number;
  /** Runs of the in-process contenders on the small workloads (about a second each, the noisiest). */
  readonly inProcessRepeats: number;
  /** Concurrencies of the engine's sweep, on the largest small workload (in process). */
  readonly sweep: readonly number[];
  readonly workloads: readonly WorkloadKind[];
  readonly awsCli: boolean;
  readonly rclone: boolean;
  readonly engineCli: boolean;
  readonly ceilingProcess: boolean;
  /** The engine in this process (and its sweep); the ceilings are always measured. */
  readonly inProcess: boolean;
  readonly pin: boolean;
  readonly quick: boolean;
  /** Where the JSON results go. */
  readonly out: string;
  /** The page whose results block is rewritten, or undefined. */
  readonly docs: string | undefined;
}

const DEFAULT_COUNTS = [1000, 3000, 10_000];
/**
 * The large object: 2,000 MiB, just under 2 GiB, the largest object fauxqs copies with CopyObject
 * (it hashes the whole object in one call, and Node.js hashes at most 2^31 - 1 bytes per call).
 */
const DEFAULT_LARGE_BYTES = 2000 * MIB;

/** Parses the arguments; `--quick` changes the defaults of the options not given. */
export function parseOptions(argv: readonly string[]): Options {
  const given = new Map<string, string | true>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (FLAGS.has(arg)) {
      given.set(arg, true);
    } else if (VALUED.has(arg)) {
      const value = argv[++i];
      if (value === undefined) {
        throw new Error(`${arg} needs a value`);
      }
      given.set(arg, value);
    } else {
      throw new Error(`unknown option ${arg} (see the header of benchmarks/copy-benchmark.ts)`);
    }
  }
  const quick = given.has('--quick');
  const text = (name: string) => given.get(name) as string | undefined;
  const list = (name: string, fallback: readonly number[], min: number): number[] => {
    const value = text(name);
    if (value === undefined) {
      return [...fallback];
    }
    const numbers = value.split(',').map(Number);
    if (numbers.length === 0 || numbers.some((n) => !Number.isInteger(n) || n < min)) {
      throw new Error(`${name} takes whole numbers of at least ${min}, separated by commas (such as ${fallback.join(',') || '16,64,256'})`);
    }
    return numbers;
  };
  const count = (name: string, fallback: number) => list(name, [fallback], 1)[0];
  const size = (name: string, fallback: number) => {
    const value = text(name);
    return value === undefined ? fallback : parseSize(value, name);
  };

  const only = text('--only');
  if (only !== undefined && only !== 'small' && only !== 'large') {
    throw new Error('--only takes small or large');
  }
  const largePartBytes = size('--large-part-size', 64 * MIB);
  const largeSizeBytes = size('--large-size', quick ? 256 * MIB : DEFAULT_LARGE_BYTES);
  if (largePartBytes < 5 * MIB || largePartBytes > largeSizeBytes) {
    throw new Error('--large-part-size must be at least 5MiB (S3\'s smallest part) and at most --large-size');
  }
  const smallSizeBytes = size('--small-size', 2 * KIB);
  if (smallSizeBytes < 1 || smallSizeBytes > 5 * MIB) {
    throw new Error('--small-size must be between 1 byte and 5MiB');
  }
  const docs = text('--docs') ?? (quick ? 'none' : path.join(REPO, 'docs', 'benchmark.md'));
  return {
    counts: [...new Set(list('--counts', quick ? [1000] : DEFAULT_COUNTS, 1))].sort((a, b) => a - b),
    smallSizeBytes,
    largeSizeBytes,
    largePartBytes,
    latencies: list('--latencies', [0, 30], 0),
    repeats: count('--repeats', quick ? 1 : 3),
    inProcessRepeats: count('--in-process-repeats', quick ? 1 : 5),
    sweep: given.has('--no-sweep') ? [] : list('--sweep', quick ? [] : [16, 32, 64, 128, 256, 512], 1),
    workloads: only === undefined ? ['small', 'large'] : [only],
    awsCli: !given.has('--no-aws-cli'),
    rclone: !given.has('--no-rclone'),
    engineCli: !given.has('--no-engine-cli'),
    ceilingProcess: !given.has('--no-ceiling-process'),
    inProcess: !given.has('--no-in-process'),
    pin: !given.has('--no-pin'),
    quick,
    // A quick run is a smoke test: its figures stay out of the repository unless asked for.
    out: path.resolve(text('--out') ?? (quick ? path.join(os.tmpdir(), 'copy-benchmark-quick.json') : path.join(REPO, 'benchmarks', 'results', 'latest.json'))),
    docs: docs === 'none' ? undefined : path.resolve(docs),
  };
}

const FLAGS = new Set([
  '--quick', '--no-sweep', '--no-aws-cli', '--no-rclone', '--no-engine-cli', '--no-ceiling-process', '--no-in-process', '--no-pin',
]);
const VALUED = new Set([
  '--counts', '--small-size', '--large-size', '--large-part-size', '--latencies', '--repeats', '--in-process-repeats', '--sweep',
  '--only', '--out', '--docs',
]);
