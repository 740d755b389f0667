/**
 * Copy benchmark: this library's command line against rclone, the AWS CLI and the server's own
 * ceiling, side by side in one run, on one local S3-compatible server (fauxqs on 127.0.0.1) behind
 * a proxy that adds per-request latency (0 ms, and 30 ms: S3 Standard's first-byte latency).
 * docs/benchmark.md describes the method and how to read the results.
 *
 *   npx projen benchmark [options]        (the same as npx ts-node --prefer-ts-exts benchmarks/copy-benchmark.ts)
 *
 *   --counts 1000,3000,10000   the small workloads: that many objects each (default 1000,3000,10000)
 *   --small-size 2KiB          size of each small object (default 2KiB)
 *   --large-size 2000MiB       the large object (default 2000MiB: from 2GiB on, fauxqs cannot CopyObject
 *                              it; it holds objects in memory: about 3x this size while a copy runs)
 *   --large-part-size 64MiB    part size of the multipart copies of the large object (default 64MiB):
 *                              engine cli --multipart-threshold and --part-size, rclone --s3-copy-cutoff
 *   --latencies 0,30           added latency per request, in ms (default 0,30)
 *   --repeats 3                runs of each fresh process, and of everything on the large object (default 3)
 *   --in-process-repeats 5     runs of the in-process contenders on the small workloads (default 5)
 *   --sweep 16,...,512         concurrencies of the engine's in-process sweep on the largest small workload
 *   --no-sweep                 no sweep
 *   --only small|large         one kind of workload
 *   --no-rclone --no-aws-cli --no-engine-cli --no-ceiling-process --no-in-process
 *                              leave contenders out (rclone and the AWS CLI are left out, with a notice,
 *                              when they are not installed; the in-process ceilings always run)
 *   --no-pin                   do not pin the server and the contenders to separate cores
 *   --quick                    a smoke run: defaults of 1,000 objects, a 256 MiB large object, one run
 *                              each, no sweep, results in the temporary folder and docs/ left alone
 *   --out FILE                 the JSON results (default benchmarks/results/latest.json; --quick: tmp)
 *   --docs FILE|none           the page whose results block is rewritten (default docs/benchmark.md;
 *                              --quick: none)
 *
 * The full run takes about 30 minutes on a 2-core machine (it prints its own estimate first, and
 * how long it took at the end); run it on a quiet machine: other work shows in the `other` column.
 *
 * Contenders, measured in rounds (every contender once per round) so that drift hits all:
 * - fresh processes, from a cold start, as a user starts them (the headline): the engine's command
 *   line (src/cli/cli.ts bundled as `npx projen bundle` does, started with `node`), rclone (tuned as
 *   a power user runs it: `--transfers 256 --checkers 256`), the AWS CLI (`aws s3 cp --recursive`,
 *   defaults), and the ceiling as a fresh process (bare HTTP requests from a new Node.js process);
 * - in this process, clients kept warm from run to run (labelled so): the server's ceiling (bare
 *   HTTP requests and raw SDK requests; UploadPartCopy with every part in flight for the large
 *   object), the engine's `copyDataset`, and a sweep of its concurrency.
 *
 * Every copy is checked (the destination lists the source's keys and sizes, and no object's bytes
 * went through the contender) and then deleted. Everything runs on 127.0.0.1; the server, the proxy
 * and any child process are stopped at the end, on errors and on SIGINT/SIGTERM. Results: tables on
 * stdout, JSON in benchmarks/results/, and the results block of docs/benchmark.md.
 */
import * as fs from 'fs';
import * as http from 'http';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { Bench, Contender, summarize } from './lib/bench';
import { DESTINATION_BUCKET, KIB, MB, REPO, SOURCE_BUCKET, log, median } from './lib/common';
import { awsCliCopy, awsCliEnvironment, findAwsCli } from './lib/contenders/aws-cli';
import {
  bundleCeilingProcess, ceilingCopyObject, ceilingProcessCopy, ceilingUploadPartCopy, rawHttpCopyObject, unlimitedClient,
} from './lib/contenders/ceiling';
import { engineCopy } from './lib/contenders/engine';
import { bundleEngineCli, engineCliBundleBytes, engineCliCopy, engineCliEnvironment } from './lib/contenders/engine-cli';
import { findRclone, rcloneCopy, rcloneEnvironment, rcloneListArgs, rcloneSize } from './lib/contenders/rclone';
import { Options, parseOptions } from './lib/options';
import { cleanUp, commandOutput, onCleanUp, startupSeconds } from './lib/processes';
import {
  Startup, inProcessTable, processTable, ratioTable, ratios, replaceResultsBlock, resultsMarkdown, startupLines, sweepTable,
  targetLines, targets,
} from './lib/report';
import { ProxyProcess, pinProcesses } from './lib/servers';
import { Workload, largeWorkload, seed, sizeLabel, smallWorkload } from './lib/workloads';
import { ENGINE_DEFAULTS } from '../src/transfer/engine';
import { localS3Client, node22Binary, startLocalS3, useLocalS3Credentials } from '../test/support/s3-local';

/** "Every request at once" for the small workloads: at most 2,000 sockets (beyond that, only more connections to open). */
const ALL_AT_ONCE = 2000;
/**
 * fauxqs answers CopyObject of an object this large or larger with HTTP 500: it hashes the whole
 * object in one call, and Node.js's Hash.update takes at most 2^31 - 1 bytes (measured).
 */
const FAUXQS_COPY_OBJECT_LIMIT = 2 ** 31;
/** Requests in flight of the ceilings' bare HTTP requests, and of the ceiling process. */
const CEILING_IN_FLIGHT = 256;

/** The command lines found, or why they are left out. */
interface Tools {
  readonly awsCli?: string;
  readonly awsCliVersion: string;
  readonly rclone?: string;
  readonly rcloneVersion: string;
}

function findTools(options: Options): Tools {
  const awsCli = options.awsCli ? findAwsCli() : undefined;
  const rclone = options.rclone ? findRclone() : undefined;
  if (options.awsCli && !awsCli) {
    log('NOTE: the AWS CLI is not installed (Debian package awscli, /usr/bin/aws): it is left out of this run');
  }
  if (options.rclone && !rclone) {
    log('NOTE: rclone is not installed (Debian package rclone, /usr/bin/rclone): it is left out of this run');
  }
  return {
    awsCli,
    awsCliVersion: awsCli ? commandOutput(awsCli, ['--version'], awsCliEnvironment(os.tmpdir(), awsCli)) : options.awsCli ? 'not installed' : 'not run',
    rclone,
    rcloneVersion: rclone ? commandOutput(rclone, ['version']) : options.rclone ? 'not installed' : 'not run',
  };
}

/**
 * A rough estimate of the run's length, from the rates of earlier runs on a 2-core machine
 * (objects/s at 0 and 30 ms; MB/s for the large object) and the time to check and delete a copy.
 */
function estimateSeconds(options: Options, small: readonly Workload[], large: readonly Workload[], tools: Tools): number {
  const smallRates: Record<string, [number, number]> = {
    'ceiling': [3500, 3300],
    'engine': [3800, 3600],
    'sweep': [3500, 2000],
    'ceiling-process': [3000, 2500],
    'engine-cli': [2000, 1800],
    'rclone': [2000, 1500],
    'aws-cli': [670, 260],
  };
  const largeRates: Record<string, number> = { 'ceiling': 400, 'engine': 400, 'engine-cli': 250, 'rclone': 200, 'aws-cli': 150 };
  const processes = ['ceiling-process', 'engine-cli', 'rclone', 'aws-cli'].filter((kind) => ({
    'ceiling-process': options.ceilingProcess, 'engine-cli': options.engineCli, 'rclone': tools.rclone !== undefined, 'aws-cli': tools.awsCli !== undefined,
  } as Record<string, boolean>)[kind]);
  let seconds = 30 + small.reduce((s, w) => s + w.count / 1500, 0) + large.reduce((s, w) => s + w.sizeBytes / MB / 150, 0);
  for (const latencyMs of options.latencies) {
    const at = latencyMs > 0 ? 1 : 0;
    for (const w of small) {
      const run = (kind: string, repeats: number) => repeats * (w.count / smallRates[kind][at] + w.count / 4000 + 0.3);
      seconds += run('ceiling', options.inProcessRepeats) * 4 + run('ceiling', options.repeats);
      seconds += options.inProcess ? run('engine', options.inProcessRepeats) : 0;
      seconds += processes.reduce((s, kind) => s + run(kind, options.repeats), 0);
      if (w === small[small.length - 1] && options.inProcess) {
        seconds += options.sweep.length * run('sweep', options.inProcessRepeats);
      }
    }
    for (const w of large) {
      const run = (kind: string) => options.repeats * (w.sizeBytes / MB / largeRates[kind] + 1);
      seconds += 2 * run('ceiling') + (options.inProcess ? 2 * run('engine') : 0)
        + processes.filter((kind) => kind !== 'ceiling-process').reduce((s, kind) => s + run(kind), 0);
    }
  }
  return seconds;
}

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const began = performance.now();
  const small = options.workloads.includes('small') ? options.counts.map((count) => smallWorkload(count, options.smallSizeBytes)) : [];
  const large = options.workloads.includes('large') ? [largeWorkload(options.largeSizeBytes)] : [];
  const workloads = [...small, ...large];
  if (options.docs) {
    // Fail now rather than after the run: the page must have its results block.
    replaceResultsBlock(fs.readFileSync(options.docs, 'utf8'), []);
  }
  const tools = findTools(options);
  log(`expected duration: about ${Math.ceil(estimateSeconds(options, small, large, tools) / 60)} minutes`
    + ' (a rough estimate from earlier runs on a quiet 2-core machine)');
  if (options.quick) {
    log('--quick: a smoke run; its figures are not for the README');
  }

  onCleanUp(useLocalS3Credentials());
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'copy-benchmark-'));
  onCleanUp(() => fs.rmSync(scratch, { recursive: true, force: true }));
  /** HOME of every command line: an empty folder (no AWS or rclone config files). */
  const home = path.join(scratch, 'home');
  fs.mkdirSync(home);
  const engineCliBundle = options.engineCli ? bundleEngineCli(scratch) : undefined;
  const ceilingBundle = options.ceilingProcess ? bundleCeilingProcess(scratch) : undefined;

  log('starting fauxqs and the latency proxy on 127.0.0.1');
  const s3 = await startLocalS3();
  onCleanUp(() => s3.stop());
  const proxy = await ProxyProcess.start(s3.endpoint);
  onCleanUp(() => proxy.stop());
  const pins = options.pin ? pinProcesses([s3.pid, proxy.pid]) : undefined;
  if (pins) {
    log(`cores: fauxqs and the proxy on ${pins.server}; this process and the command lines it starts on ${pins.client}`);
  }
  const direct = localS3Client(s3.endpoint);
  onCleanUp(() => direct.destroy());
  const unlimited = unlimitedClient(proxy.endpoint);
  onCleanUp(() => unlimited.destroy());
  const rawAgent = new http.Agent({ keepAlive: true, maxSockets: CEILING_IN_FLIGHT });
  onCleanUp(() => rawAgent.destroy());

  await s3.createBucket(SOURCE_BUCKET);
  await s3.createBucket(DESTINATION_BUCKET);
  const sources = await seed(direct, workloads);
  const keysOf = (workload: Workload) => [...sources.get(workload.name)!.keys()];
  const bench = new Bench(s3, proxy, direct, sources);
  const endpoint = proxy.endpoint;

  log('measuring start-up costs');
  const startup = await measureStartup(tools, engineCliBundle, ceilingBundle, home, endpoint);

  if (small.length > 0) {
    log('warming up the in-process clients (not recorded)');
    const biggest = small[small.length - 1];
    await bench.warmUp(biggest, engineCopy(endpoint, biggest));
    await bench.warmUp(biggest, ceilingCopyObject(unlimited, biggest, keysOf(biggest), CEILING_IN_FLIGHT));
    await bench.warmUp(biggest, rawHttpCopyObject(endpoint, rawAgent, biggest, keysOf(biggest), CEILING_IN_FLIGHT, false));
  }

  const processContenders = (workload: Workload): Contender[] => {
    const part = options.largePartBytes;
    const isLarge = workload.kind === 'large';
    return [
      ...(ceilingBundle && !isLarge ? [{
        kind: 'ceiling-process' as const,
        contender: `ceiling process: node, bare HTTP CopyObject, ${CEILING_IN_FLIGHT} in flight`,
        settings: { inFlight: CEILING_IN_FLIGHT },
        task: ceilingProcessCopy(ceilingBundle, endpoint, workload, CEILING_IN_FLIGHT),
      }] : []),
      ...(engineCliBundle ? [{
        kind: 'engine-cli' as const,
        contender: isLarge ? `engine cli: copy --multipart-threshold ${sizeLabel(part)} --part-size ${sizeLabel(part)}` : 'engine cli: copy, defaults',
        settings: isLarge ? { multipartThresholdBytes: part, partSizeBytes: part } : { defaults: true },
        task: engineCliCopy(engineCliBundle, endpoint, workload, home, isLarge ? ['--multipart-threshold', `${part}`, '--part-size', `${part}`] : []),
      }] : []),
      ...(tools.rclone ? [{
        kind: 'rclone' as const,
        contender: `rclone: copy --transfers 256 --checkers 256${isLarge ? ` --s3-copy-cutoff ${rcloneSize(part)}` : ''}`,
        settings: { version: tools.rcloneVersion, ...(isLarge ? { copyCutoffBytes: part } : {}) },
        task: rcloneCopy(tools.rclone, endpoint, workload, home, isLarge ? ['--s3-copy-cutoff', rcloneSize(part)] : []),
      }] : []),
      ...(tools.awsCli ? [{
        kind: 'aws-cli' as const,
        contender: `aws cli: s3 cp --recursive, defaults${isLarge ? ' (8 MiB parts)' : ''}`,
        settings: { version: tools.awsCliVersion },
        task: awsCliCopy(tools.awsCli, endpoint, workload, home),
      }] : []),
    ];
  };

  for (const latencyMs of options.latencies) {
    await proxy.setLatencyMs(latencyMs);
    for (const workload of small) {
      const keys = keysOf(workload);
      const inProcess = (c: Omit<Contender, 'repeats'>): Contender => ({ ...c, repeats: options.inProcessRepeats });
      const contenders: Contender[] = [
        ...[256, 64].map((limit) => inProcess({
          kind: 'ceiling',
          contender: `ceiling: SDK CopyObject, ${limit} in flight`,
          settings: { inFlight: limit, maxSockets: 'Infinity' },
          task: ceilingCopyObject(unlimited, workload, keys, limit),
        })),
        inProcess({
          kind: 'ceiling',
          contender: `ceiling: unsigned HTTP CopyObject (no SDK), ${CEILING_IN_FLIGHT} in flight`,
          settings: { inFlight: CEILING_IN_FLIGHT, maxSockets: CEILING_IN_FLIGHT, headers: 'bare' },
          task: rawHttpCopyObject(endpoint, rawAgent, workload, keys, CEILING_IN_FLIGHT, false),
        }),
        inProcess({
          kind: 'ceiling',
          contender: `ceiling: HTTP CopyObject, signed headers (no SDK), ${CEILING_IN_FLIGHT} in flight`,
          settings: { inFlight: CEILING_IN_FLIGHT, maxSockets: CEILING_IN_FLIGHT, headers: 'signed shape, fixed signature' },
          task: rawHttpCopyObject(endpoint, rawAgent, workload, keys, CEILING_IN_FLIGHT, true),
        }),
        ...(options.inProcess ? [inProcess({
          kind: 'engine',
          contender: `engine: copyDataset defaults (concurrency ${ENGINE_DEFAULTS.concurrency})`,
          settings: { defaults: true, ...ENGINE_DEFAULTS },
          task: engineCopy(endpoint, workload),
        })] : []),
        ...processContenders(workload),
      ];
      await bench.measure(workload, latencyMs, contenders, options.repeats);
      // Every request at once is measured on its own, after the others: the proxy keeps at most 256
      // idle connections to fauxqs (Node's default maxFreeSockets), so each such run opens and
      // closes up to some 1,750 connections, which slowed the runs after it in the same round.
      const allAtOnce = Math.min(ALL_AT_ONCE, workload.count);
      await bench.measure(workload, latencyMs, [{
        kind: 'ceiling',
        contender: `ceiling: SDK CopyObject, ${allAtOnce.toLocaleString('en-US')} in flight (all at once)`,
        settings: { inFlight: allAtOnce, maxSockets: 'Infinity' },
        task: ceilingCopyObject(unlimited, workload, keys, allAtOnce),
      }], options.repeats);
      if (workload === small[small.length - 1] && options.inProcess && options.sweep.length > 0) {
        // The engine with its defaults stands for the default concurrency in the sweep.
        await bench.measure(workload, latencyMs, options.sweep.filter((c) => c !== ENGINE_DEFAULTS.concurrency).map((concurrency) => ({
          kind: 'sweep' as const,
          contender: `engine sweep: concurrency ${concurrency} (maxSockets ${concurrency})`,
          settings: { concurrency, maxSockets: concurrency },
          task: engineCopy(endpoint, workload, { concurrency }, concurrency),
        })), options.inProcessRepeats);
      }
    }

    for (const workload of large) {
      const part = options.largePartBytes;
      const multipart = { multipartThresholdBytes: part, partSizeBytes: part };
      const copyObject = workload.sizeBytes < FAUXQS_COPY_OBJECT_LIMIT;
      if (!copyObject) {
        log(`NOTE: fauxqs cannot copy an object of ${sizeLabel(workload.sizeBytes)} with CopyObject: the CopyObject ceiling and the engine's defaults are left out`);
      }
      await bench.measure(workload, latencyMs, [
        ...(copyObject ? [{
          kind: 'ceiling' as const,
          contender: 'ceiling: SDK CopyObject',
          settings: { operation: 'CopyObject' },
          task: ceilingCopyObject(unlimited, workload, keysOf(workload)),
        }] : []),
        {
          kind: 'ceiling',
          contender: `ceiling: SDK UploadPartCopy, ${sizeLabel(part)} parts, all in flight`,
          settings: { operation: 'UploadPartCopy', partSizeBytes: part },
          task: ceilingUploadPartCopy(unlimited, workload, keysOf(workload), part),
        },
        ...(options.inProcess && copyObject ? [{
          kind: 'engine' as const,
          contender: 'engine: copyDataset defaults (CopyObject: under the 5 GiB threshold)',
          settings: { defaults: true, ...ENGINE_DEFAULTS },
          task: engineCopy(endpoint, workload),
        }] : []),
        ...(options.inProcess ? [
          {
            kind: 'engine' as const,
            contender: `engine: copyDataset, multipart threshold and parts ${sizeLabel(part)}`,
            settings: { multipart: true, ...multipart },
            task: engineCopy(endpoint, workload, multipart),
          },
        ] : []),
        ...processContenders(workload),
      ], options.repeats);
    }
  }

  const biggest = small[small.length - 1];
  const ratioRows = ratios(bench.measurements, workloads, options.latencies);
  const checks = targets(bench.measurements, workloads, options.latencies);
  const report: string[] = [];
  for (const workload of workloads) {
    for (const latencyMs of options.latencies) {
      report.push(...processTable(bench.measurements, workload, latencyMs), '');
    }
  }
  for (const workload of workloads) {
    for (const latencyMs of options.latencies) {
      report.push(...inProcessTable(bench.measurements, workload, latencyMs), '');
    }
  }
  if (biggest) {
    report.push(...sweepTable(bench.measurements, biggest, options.inProcess ? options.sweep : [], options.latencies), '');
  }
  report.push(...ratioTable(ratioRows), '', '== targets ==', ...targetLines(checks), '', ...startupLines(startup), '');
  const elapsedSeconds = (performance.now() - began) / 1000;
  const copiesChecked = bench.measurements.reduce((n, m) => n + m.runs.length, 0);
  const otherLoad = median(bench.measurements.flatMap((m) => m.runs.map((r) => r.cpuSeconds.other / r.seconds)));
  report.push(
    '1st req: seconds from the start of the copy (a process: its spawn) to the first request the proxy saw; exit: from the last answer '
      + 'the proxy sent to the end of the copy (a process: its exit). conns: connections opened '
      + 'to the proxy. spread: (slowest - fastest run) ÷ median. cpu%: CPU time during the run ÷ wall time, of fauxqs / the proxy process / '
      + `the command line or this process; other: every other process on this ${os.cpus().length}-core machine (median over all runs: `
      + `${Math.round(otherLoad * 100)}%: above a few percent the machine was busy and the figures are not valid).`,
    `copies checked (keys, sizes, server-side): ${copiesChecked}, wrong: ${bench.failures}; the benchmark took ${(elapsedSeconds / 60).toFixed(1)} minutes`,
    `rclone: ${tools.rcloneVersion}; aws cli: ${tools.awsCliVersion}; node ${process.version}`,
  );
  process.stdout.write(`\n${report.join('\n')}\n`);

  const cpus = os.cpus();
  const command = `npx projen benchmark${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
  const machine = {
    cores: cpus.length,
    cpuModel: cpus[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    platform: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version,
    serverNode: commandOutput(node22Binary(), ['--version']),
    rclone: tools.rcloneVersion,
    awscli: tools.awsCliVersion,
    fauxqs: (JSON.parse(fs.readFileSync(path.join(REPO, 'node_modules', 'fauxqs', 'package.json'), 'utf8')) as { version: string }).version,
  };
  const json = {
    date: new Date().toISOString(),
    command,
    arguments: process.argv.slice(2),
    quick: options.quick,
    machine,
    setup: {
      server: 'fauxqs on 127.0.0.1 (one Node.js 22 process, objects in memory)',
      proxy: 'startFaultProxy (test/support/s3-local) in its own process: the latency is added to each request before it is forwarded',
      workloads,
      latenciesMs: options.latencies,
      repeats: options.repeats,
      inProcessRepeats: options.inProcessRepeats,
      largePartBytes: options.largePartBytes,
      cores: pins ?? 'not pinned',
      engineDefaults: ENGINE_DEFAULTS,
      engineCliBundleBytes: engineCliBundle ? engineCliBundleBytes(engineCliBundle) : undefined,
      megabyte: MB,
    },
    startup,
    ratios: ratioRows,
    results: bench.measurements.map((m) => ({ ...m, summary: summarize(m, workloads.find((w) => w.name === m.workload)!) })),
    targets: checks,
    copiesChecked,
    wrongCopies: bench.failures,
    otherLoad,
    elapsedSeconds,
    report,
  };
  fs.mkdirSync(path.dirname(options.out), { recursive: true });
  fs.writeFileSync(options.out, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`results: ${options.out}\n`);
  if (options.docs) {
    const block = resultsMarkdown({
      date: json.date.slice(0, 10),
      command,
      elapsedSeconds,
      machine: `${machine.cores} cores (${machine.cpuModel ?? 'unknown CPU'}), ${pins ? `fauxqs and the proxy pinned to core ${pins.server}, the contenders to ${pins.client}` : 'not pinned'}`,
      versions: `rclone: ${tools.rcloneVersion.replace(/^rclone /, '')}; AWS CLI: ${tools.awsCli ? tools.awsCliVersion.split(' ')[0] : tools.awsCliVersion}; node ${process.version}; fauxqs ${machine.fauxqs}`,
      wrongCopies: bench.failures,
      busy: `${Math.round(otherLoad * 100)}%`,
    }, ratioRows, bench.measurements, workloads, options.latencies, checks, startup);
    fs.writeFileSync(options.docs, replaceResultsBlock(fs.readFileSync(options.docs, 'utf8'), block));
    process.stdout.write(`results block rewritten: ${options.docs}\n`);
  }
  return bench.failures > 0 ? 1 : 0;
}

/**
 * Start-up costs (spawn to exit, median of 5): Node.js alone, the engine's command line printing
 * its usage (Node.js and the bundle's load) and copying an empty prefix (and its client, one
 * listing or two), the ceiling process on an empty prefix, rclone and the AWS CLI printing their
 * versions and listing an empty prefix.
 */
async function measureStartup(
  tools: Tools, engineCliBundle: string | undefined, ceilingBundle: string | undefined, home: string, endpoint: string,
): Promise<Startup> {
  const startup: Record<string, number> = {};
  const time = async (what: string, command: string, args: readonly string[], env: NodeJS.ProcessEnv, exitCodes: readonly number[] = [0]) => {
    startup[what] = await startupSeconds(command, args, env, 5, exitCodes).catch((error: Error) => {
      log(`  start-up of ${what} failed: ${error.message}`);
      return NaN;
    });
  };
  const bare = { PATH: '/usr/bin:/bin', HOME: home, LANG: 'C.UTF-8' };
  await time('node -e 0 (Node.js alone)', process.execPath, ['-e', '0'], bare);
  if (engineCliBundle) {
    const size = `${Math.round(engineCliBundleBytes(engineCliBundle) / KIB).toLocaleString('en-US')} KiB bundle`;
    await time(`engine cli: node <bundle> --help (${size})`, process.execPath, [engineCliBundle, '--help'], engineCliEnvironment(home));
    await time('engine cli: copy of an empty prefix', process.execPath, [
      engineCliBundle, 'copy', `s3://${SOURCE_BUCKET}/none/`, `s3://${DESTINATION_BUCKET}/none/`, '--endpoint-url', endpoint, '--json', '--no-progress',
    ], engineCliEnvironment(home));
  }
  if (ceilingBundle) {
    await time('ceiling process: copy of an empty prefix', process.execPath, [
      ceilingBundle, endpoint, SOURCE_BUCKET, 'none/', DESTINATION_BUCKET, 'none/', '1',
    ], bare, [0, 1]);
  }
  if (tools.rclone) {
    await time('rclone version', tools.rclone, ['version'], bare);
    await time('rclone lsf of an empty prefix', tools.rclone, rcloneListArgs(), rcloneEnvironment(home, endpoint), [0, 3]);
  }
  if (tools.awsCli) {
    await time('aws --version', tools.awsCli, ['--version'], awsCliEnvironment(home, tools.awsCli));
    // `aws s3 ls` exits with 1 when it lists nothing.
    await time('aws s3 ls of an empty prefix', tools.awsCli, ['s3', 'ls', `s3://${SOURCE_BUCKET}/none/`, '--endpoint-url', endpoint],
      awsCliEnvironment(home, tools.awsCli), [0, 1]);
  }
  return startup;
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
