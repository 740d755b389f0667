/**
 * Copy benchmark: the copy engine against the AWS CLI and against the server's own ceiling, side by
 * side in one run, on one local S3-compatible server (fauxqs on 127.0.0.1) behind a proxy that adds
 * per-request latency (0 ms, and 30 ms: S3 Standard's first-byte latency).
 *
 *   npx ts-node --prefer-ts-exts benchmarks/copy-benchmark.ts [--small-count 10000] [--repeats 3] [--small-repeats 5] [--quick] [--no-sweep]
 *     [--sweep 16,32,64,128,256,512] [--latencies 0,30] [--only small|large] [--no-aws-cli] [--no-engine-cli] [--no-pin]
 *     [--out benchmarks/results/latest.json]
 *
 * Workloads: 10,000 objects of 64 KiB (`--small-count`), and 4 objects of 64 MiB (seeded by multipart upload).
 * Contenders, each measured `--repeats` times (the in-process runs on small objects, about a second
 * each and the noisiest, `--small-repeats` times), median reported, in rounds so that drift hits all:
 *
 * - ceiling: what the server (and the proxy in front of it) can take, the best of: HTTP PUTs with
 *   `x-amz-copy-source`, 256 in flight, no SDK at all, bare or with a signed request's headers and a
 *   fixed signature (fauxqs does not check signatures), which leave the client core mostly idle; and
 *   raw SDK requests, nothing else, 2,000 at once on an agent without a socket limit, and also 256
 *   and 64 in flight (all at once is not the fastest: see `unlimitedClient`). Every in-process
 *   contender keeps its client, and so its keep-alive connections, from run to run. The best SDK variant is reported too ("SDK ceiling"): it
 *   is bound by the SDK's CPU cost per request, not by the server. For the large objects: the best
 *   of CopyObject and UploadPartCopy (8, 16, 32 MiB parts), every request of a step in flight at once;
 * - engine: `copyDataset` with its defaults into an empty destination prefix (for the large objects
 *   also with an 8 MiB multipart threshold and 8, 16 and 32 MiB parts);
 * - aws cli: `/usr/bin/aws s3 cp --recursive` with default settings and an empty HOME;
 * - engine cli: this library's command line, bundled from src/cli/cli.ts with esbuild (as
 *   `npx projen bundle` does, into a temporary folder), a process like the AWS CLI (its start-up
 *   time included);
 * - a sweep of the engine's `concurrency` on the small workload.
 *
 * Every copy is checked (the destination lists the source's keys and sizes) and then deleted.
 * Everything runs on 127.0.0.1; the server, the proxy and any child process are stopped at the end,
 * on errors and on SIGINT/SIGTERM. Results: a table on stdout and JSON in benchmarks/results/.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Bench, Contender, summarize } from './lib/bench';
import { MB, MIB, REPO, SOURCE_BUCKET, DESTINATION_BUCKET, log } from './lib/common';
import { AWS_CLI, awsCliCopy, awsCliEnvironment, engineCliEnvironment } from './lib/contenders/aws-cli';
import { ceilingCopyObject, ceilingUploadPartCopy, rawHttpCopyObject, unlimitedClient } from './lib/contenders/ceiling';
import { engineCopy } from './lib/contenders/engine';
import { bundleEngineCli, engineCliCopy, startupSeconds } from './lib/contenders/engine-cli';
import { parseOptions } from './lib/options';
import { cleanUp, onCleanUp } from './lib/processes';
import { num, sweepTable, table, targets } from './lib/report';
import { ProxyProcess, pinProcesses } from './lib/servers';
import { LARGE, Workload, seed, smallWorkload } from './lib/workloads';
import { ENGINE_DEFAULTS } from '../src/transfer/engine';
import { localS3Client, node22Binary, startLocalS3, useLocalS3Credentials } from '../test/support/s3-local';

/** "Every request at once" for the small workload: 2,000 sockets (beyond that, only more connections to open). */
const ALL_AT_ONCE = 2000;
/** The engine's multipart settings for the large workload: an 8 MiB threshold (the AWS CLI's) and these part sizes. */
const LARGE_THRESHOLD_BYTES = 8 * MIB;
const LARGE_PART_SIZES = [8 * MIB, 16 * MIB, 32 * MIB];

function commandOutput(command: string, args: readonly string[], env?: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', env, timeout: 30_000 }).trim();
  } catch (error) {
    return `unavailable (${(error as Error).message.split('\n')[0]})`;
  }
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const SMALL = smallWorkload(options.smallCount);
  const began = performance.now();
  const awsVersion = options.awsCli ? commandOutput(AWS_CLI, ['--version'], awsCliEnvironment(os.tmpdir())) : 'not run';

  onCleanUp(useLocalS3Credentials());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-benchmark-'));
  onCleanUp(() => fs.rmSync(scratch, { recursive: true, force: true }));
  /** HOME of both command lines: no AWS config or credentials files. */
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home);
  const engineCliBundle = options.engineCli ? bundleEngineCli(scratch) : undefined;

  log('starting fauxqs and the latency proxy on 127.0.0.1');
  const s3 = await startLocalS3();
  onCleanUp(() => s3.stop());
  const proxy = await ProxyProcess.start(s3.endpoint);
  onCleanUp(() => proxy.stop());
  const pins = options.pin ? pinProcesses([s3.pid, proxy.pid]) : undefined;
  if (pins) {
    log(`cores: fauxqs and the proxy on ${pins.server}; the engine, the SDK ceilings and the command lines on ${pins.client}`);
  }
  const direct = localS3Client(s3.endpoint);
  onCleanUp(() => direct.destroy());
  const unlimited = unlimitedClient(proxy.endpoint);
  onCleanUp(() => unlimited.destroy());
  const rawAgent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  onCleanUp(() => rawAgent.destroy());

  await s3.createBucket(SOURCE_BUCKET);
  await s3.createBucket(DESTINATION_BUCKET);
  log(`seeding ${SMALL.label} and ${LARGE.label}`);
  const sources = await seed(direct, SMALL, LARGE);
  const keysOf = (workload: Workload) => [...sources.get(workload.name)!.keys()];
  const bench = new Bench(s3, proxy, direct, sources);
  const endpoint = proxy.endpoint;

  // Start-up cost of each command line: a process that lists an empty prefix (one request or two).
  const startup = {
    awsCliSeconds: options.awsCli
      ? await startupSeconds(AWS_CLI, ['s3', 'ls', `s3://${SOURCE_BUCKET}/none/`, '--endpoint-url', s3.endpoint], awsCliEnvironment(home), 3)
        .catch(() => NaN)
      : NaN,
    engineCliSeconds: engineCliBundle
      ? await startupSeconds(process.execPath, [
        engineCliBundle, 'copy', `s3://${SOURCE_BUCKET}/none/`, `s3://${DESTINATION_BUCKET}/none/`, '--endpoint-url', s3.endpoint, '--json', '--no-progress',
      ], engineCliEnvironment(home), 3)
      : NaN,
  };

  log('warming up (not recorded)');
  await bench.warmUp(SMALL, engineCopy(endpoint, SMALL));
  await bench.warmUp(SMALL, ceilingCopyObject(unlimited, SMALL, keysOf(SMALL), 256));
  await bench.warmUp(SMALL, rawHttpCopyObject(endpoint, rawAgent, SMALL, keysOf(SMALL), 256, false));

  const large = (partBytes: number) => ({ multipartThresholdBytes: LARGE_THRESHOLD_BYTES, partSizeBytes: partBytes });
  const mib = (bytes: number) => `${bytes / MIB} MiB`;
  for (const latencyMs of options.latencies) {
    await proxy.setLatencyMs(latencyMs);
    // Every request at once is measured on its own, after the others: the proxy keeps at most 256
    // idle connections to fauxqs (Node's default maxFreeSockets), so each such run opens and closes
    // some 1,750 connections, which slowed the runs after it in the same round.
    const allAtOnce: Contender = {
      kind: 'ceiling',
      contender: `ceiling: SDK CopyObject, ${ALL_AT_ONCE.toLocaleString('en-US')} in flight`,
      settings: { inFlight: ALL_AT_ONCE, maxSockets: 'Infinity' },
      task: ceilingCopyObject(unlimited, SMALL, keysOf(SMALL), ALL_AT_ONCE),
    };
    const small: Contender[] = [
      ...[256, 64].map((limit) => ({
        repeats: options.smallRepeats,
        kind: 'ceiling' as const,
        contender: `ceiling: SDK CopyObject, ${limit} in flight`,
        settings: { inFlight: limit, maxSockets: 'Infinity' },
        task: ceilingCopyObject(unlimited, SMALL, keysOf(SMALL), limit),
      })),
      {
        repeats: options.smallRepeats,
        kind: 'ceiling',
        contender: 'ceiling: unsigned HTTP CopyObject (no SDK), 256 in flight',
        settings: { inFlight: 256, maxSockets: 256, headers: 'bare' },
        task: rawHttpCopyObject(endpoint, rawAgent, SMALL, keysOf(SMALL), 256, false),
      },
      {
        repeats: options.smallRepeats,
        kind: 'ceiling',
        contender: 'ceiling: HTTP CopyObject, signed headers (no SDK), 256 in flight',
        settings: { inFlight: 256, maxSockets: 256, headers: 'signed shape, fixed signature' },
        task: rawHttpCopyObject(endpoint, rawAgent, SMALL, keysOf(SMALL), 256, true),
      },
      {
        repeats: options.smallRepeats,
        kind: 'engine',
        contender: `engine: copyDataset defaults (concurrency ${ENGINE_DEFAULTS.concurrency})`,
        settings: { defaults: true, ...ENGINE_DEFAULTS },
        task: engineCopy(endpoint, SMALL),
      },
      ...(options.awsCli ? [{
        kind: 'aws-cli' as const,
        contender: 'aws cli: s3 cp --recursive, defaults',
        settings: { version: awsVersion },
        task: awsCliCopy(endpoint, SMALL, home),
      }] : []),
      ...(engineCliBundle ? [{
        kind: 'engine-cli' as const,
        contender: 'engine cli: copy (node process), defaults',
        settings: {},
        task: engineCliCopy(engineCliBundle, endpoint, SMALL, home),
      }] : []),
      // The engine with its defaults stands for the default concurrency in the sweep.
      ...options.sweep.filter((c) => c !== ENGINE_DEFAULTS.concurrency).map((concurrency) => ({
        repeats: options.smallRepeats,
        kind: 'sweep' as const,
        contender: `engine sweep: concurrency ${concurrency} (maxSockets ${concurrency})`,
        settings: { concurrency, maxSockets: concurrency },
        task: engineCopy(endpoint, SMALL, { concurrency }, concurrency),
      })),
    ];
    if (options.workloads.includes('small')) {
      await bench.measure(SMALL, latencyMs, small, options.repeats);
      await bench.measure(SMALL, latencyMs, [allAtOnce], options.repeats);
    }

    const largeContenders: Contender[] = [
      {
        kind: 'ceiling',
        contender: `ceiling: SDK CopyObject, all ${LARGE.count} in flight`,
        settings: { operation: 'CopyObject' },
        task: ceilingCopyObject(unlimited, LARGE, keysOf(LARGE)),
      },
      ...LARGE_PART_SIZES.map((partBytes) => ({
        kind: 'ceiling' as const,
        contender: `ceiling: SDK UploadPartCopy, ${mib(partBytes)} parts, all in flight`,
        settings: { operation: 'UploadPartCopy', partSizeBytes: partBytes },
        task: ceilingUploadPartCopy(unlimited, LARGE, keysOf(LARGE), partBytes),
      })),
      {
        kind: 'engine',
        contender: 'engine: defaults (CopyObject: under the 5 GiB threshold)',
        settings: { defaults: true, ...ENGINE_DEFAULTS },
        task: engineCopy(endpoint, LARGE),
      },
      ...LARGE_PART_SIZES.map((partBytes) => ({
        kind: 'engine' as const,
        contender: `engine: multipart, threshold 8 MiB, ${mib(partBytes)} parts`,
        settings: large(partBytes),
        task: engineCopy(endpoint, LARGE, large(partBytes)),
      })),
      ...(options.awsCli ? [{
        kind: 'aws-cli' as const,
        contender: 'aws cli: s3 cp --recursive, defaults (8 MiB parts)',
        settings: { version: awsVersion },
        task: awsCliCopy(endpoint, LARGE, home),
      }] : []),
      ...(engineCliBundle ? [{
        kind: 'engine-cli' as const,
        contender: 'engine cli: copy --multipart-threshold 8MiB --part-size 8MiB',
        settings: large(8 * MIB),
        task: engineCliCopy(engineCliBundle, endpoint, LARGE, home, ['--multipart-threshold', '8MiB', '--part-size', '8MiB']),
      }] : []),
    ];
    if (options.workloads.includes('large')) {
      await bench.measure(LARGE, latencyMs, largeContenders, options.repeats);
    }
  }

  const report: string[] = [];
  for (const workload of [SMALL, LARGE].filter((w) => options.workloads.includes(w.name))) {
    for (const latencyMs of options.latencies) {
      report.push(...table(bench.measurements, workload, latencyMs), '');
    }
  }
  report.push(...sweepTable(bench.measurements, SMALL, options.sweep, options.latencies), '');
  const checks = targets(bench.measurements, SMALL, LARGE, options.latencies);
  report.push('== targets ==');
  for (const check of checks) {
    const verdict = check.met === undefined ? 'n/a ' : check.met ? 'MET ' : 'MISS';
    report.push(`${verdict}  ${check.target}: ${check.measured}`);
  }
  const elapsedSeconds = (performance.now() - began) / 1000;
  const copiesChecked = bench.measurements.reduce((n, m) => n + m.runs.length, 0);
  report.push(
    '',
    `process start-up (a command line listing an empty prefix, median of 3): aws cli ${num(startup.awsCliSeconds, 2)} s, `
      + `engine cli ${num(startup.engineCliSeconds, 2)} s`,
    'spread: (slowest - fastest run) ÷ median. cpu%: CPU time during the run ÷ wall time, of fauxqs / the proxy process / '
      + `this process (engine, SDK ceilings) / command lines; other: every other process on this ${os.cpus().length}-core machine`,
    `copies checked (keys and sizes): ${copiesChecked}, wrong: ${bench.failures}; benchmark took ${elapsedSeconds.toFixed(0)} s`,
    `aws cli: ${awsVersion}; node ${process.version}`,
  );
  process.stdout.write(`\n${report.join('\n')}\n`);

  const cpus = os.cpus();
  const json = {
    date: new Date().toISOString(),
    command: 'npx ts-node --prefer-ts-exts benchmarks/copy-benchmark.ts',
    arguments: process.argv.slice(2),
    machine: {
      cores: cpus.length,
      cpuModel: cpus[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      platform: `${os.platform()} ${os.release()} ${os.arch()}`,
      node: process.version,
      serverNode: commandOutput(node22Binary(), ['--version']),
      awscli: awsVersion,
      fauxqs: (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'fauxqs', 'package.json'), 'utf8')) as { version: string }).version,
    },
    setup: {
      server: 'fauxqs on 127.0.0.1 (one Node.js 22 process, objects in memory)',
      proxy: 'startFaultProxy (test/support/s3-local) in its own process: the latency is added to each request before it is forwarded',
      workloads: [SMALL, LARGE],
      latenciesMs: options.latencies,
      repeats: options.repeats,
      smallRepeats: options.smallRepeats,
      cores: pins ?? 'not pinned',
      engineDefaults: ENGINE_DEFAULTS,
      largeEngineSettings: { multipartThresholdBytes: LARGE_THRESHOLD_BYTES, partSizes: LARGE_PART_SIZES },
      megabyte: MB,
      startup,
    },
    results: bench.measurements.map((m) => ({
      ...m,
      summary: summarize(m, m.workload === 'small' ? SMALL : LARGE),
    })),
    targets: checks,
    copiesChecked,
    wrongCopies: bench.failures,
    elapsedSeconds,
    report,
  };
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results: ${path.relative(process.cwd(), options.out)}\n`);
  return bench.failures > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    interrupted = true;
    log(`${signal}: stopping the server, the proxy and any command line`);
    void cleanUp().finally(() => process.exit(130));
  });
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exitCode = code;
  })
  .catch(async (error) => {
    if (!interrupted) {
      process.stderr.write(`benchmark failed: ${(error as Error).stack ?? String(error)}\n`);
    }
    await cleanUp();
    process.exitCode = 1;
  });
