/**
 * The benchmark's command line options (see the header of copy-benchmark.ts).
 */
import * as path from 'path';
import { REPO } from './common';
import { WorkloadName } from './workloads';

/** Added latencies per request: none, and S3 Standard's first-byte latency. */
const DEFAULT_LATENCIES_MS = [0, 30];

export interface Options {
  /** Objects in the small workload (at least 2,000). */
  readonly smallCount: number;
  readonly repeats: number;
  /** Repeats of the in-process runs on the small workload (the engine, its sweep, the ceilings). */
  readonly smallRepeats: number;
  readonly sweep: readonly number[];
  readonly awsCli: boolean;
  readonly engineCli: boolean;
  readonly out: string;
  readonly workloads: readonly WorkloadName[];
  readonly pin: boolean;
  readonly latencies: readonly number[];
}

export function parseOptions(argv: readonly string[]): Options {
  let repeats = 3;
  let smallRepeats = 5;
  let sweep = [16, 32, 64, 128, 256, 512];
  let awsCli = true;
  let engineCli = true;
  let out = path.join(REPO, 'benchmarks', 'results', 'latest.json');
  let workloads: WorkloadName[] = ['small', 'large'];
  let smallCount = 10_000;
  let pin = true;
  let latencies = DEFAULT_LATENCIES_MS;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) {
        throw new Error(`${arg} needs a value`);
      }
      return v;
    };
    const count = () => {
      const n = Number(value());
      if (!Number.isInteger(n) || n < 1) {
        throw new Error(`${arg} must be a whole number of at least 1`);
      }
      return n;
    };
    if (arg === '--repeats') {
      repeats = count();
    } else if (arg === '--small-count') {
      smallCount = count();
      if (smallCount < 2000) {
        throw new Error('--small-count must be a whole number of at least 2000');
      }
    } else if (arg === '--small-repeats') {
      smallRepeats = count();
    } else if (arg === '--quick') {
      repeats = 1;
      smallRepeats = 1;
      sweep = [32, 64, 128];
    } else if (arg === '--sweep') {
      sweep = value().split(',').map(Number);
      if (sweep.some((c) => !Number.isInteger(c) || c < 1)) {
        throw new Error('--sweep takes whole numbers of at least 1, such as 16,64,256');
      }
    } else if (arg === '--no-sweep') {
      sweep = [];
    } else if (arg === '--no-aws-cli') {
      awsCli = false;
    } else if (arg === '--latencies') {
      latencies = value().split(',').map(Number);
      if (latencies.some((l) => !Number.isInteger(l) || l < 0)) {
        throw new Error('--latencies takes whole numbers of milliseconds, such as 0,30');
      }
    } else if (arg === '--no-pin') {
      pin = false;
    } else if (arg === '--no-engine-cli') {
      engineCli = false;
    } else if (arg === '--out') {
      out = path.resolve(value());
    } else if (arg === '--only') {
      const only = value();
      if (only !== 'small' && only !== 'large') {
        throw new Error('--only takes small or large');
      }
      workloads = [only];
    } else {
      throw new Error(`unknown option ${arg}`);
    }
  }
  return { smallCount, repeats, smallRepeats, sweep, awsCli, engineCli, out, workloads, pin, latencies };
}
