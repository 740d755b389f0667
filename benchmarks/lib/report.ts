/**
 * The report: tables of each workload and latency, the engine's concurrency sweep, and the targets.
 */
import { Measurement, Summary, summarize } from './bench';
import { Workload } from './workloads';
import { ENGINE_DEFAULTS } from '../../src/transfer/engine';

const pad = (text: string, width: number) => text.padEnd(width);
export const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const percent = (fraction: number) => (Number.isFinite(fraction) ? String(Math.round(fraction * 100)) : '-');

interface Row {
  readonly m: Measurement;
  readonly s: Summary;
}

function rowsOf(measurements: readonly Measurement[], workload: Workload, latencyMs: number): Row[] {
  return measurements
    .filter((m) => m.workload === workload.name && m.latencyMs === latencyMs && m.kind !== 'sweep')
    .map((m) => ({ m, s: summarize(m, workload) }));
}

/** The fastest of some rows, or undefined. */
function best(rows: readonly Row[]): Row | undefined {
  return rows.length > 0 ? rows.reduce((a, b) => (b.s.objectsPerSecond > a.s.objectsPerSecond ? b : a)) : undefined;
}

/**
 * The best ceiling variant (the server's ceiling), the best one that went through the SDK, the
 * engine with its defaults, and the AWS CLI, of one workload and latency.
 */
function keyRows(rows: readonly Row[]) {
  const ceilings = rows.filter((r) => r.m.kind === 'ceiling');
  const ceiling = best(ceilings);
  const sdkCeiling = best(ceilings.filter((r) => r.m.contender.startsWith('ceiling: SDK')));
  const awsCli = rows.find((r) => r.m.kind === 'aws-cli');
  return { ceiling, sdkCeiling, awsCli };
}

export function table(measurements: readonly Measurement[], workload: Workload, latencyMs: number): string[] {
  const rows = rowsOf(measurements, workload, latencyMs);
  const { ceiling, sdkCeiling, awsCli } = keyRows(rows);
  const lines = [
    `== ${workload.name}: ${workload.label}, +${latencyMs} ms per request (median of the runs) ==`,
    `${pad('contender', 60)}${'objects/s'.padStart(10)}${'MB/s'.padStart(8)}${'seconds'.padStart(9)}${'spread'.padStart(8)}`
      + `${'req/obj'.padStart(8)}${'÷ceiling'.padStart(9)}${'÷sdk ceil'.padStart(10)}${'÷aws cli'.padStart(9)}   cpu% server/proxy/bench/cli other`,
  ];
  for (const { m, s } of rows) {
    const vsCeiling = ceiling ? s.objectsPerSecond / ceiling.s.objectsPerSecond : NaN;
    const vsSdkCeiling = sdkCeiling ? s.objectsPerSecond / sdkCeiling.s.objectsPerSecond : NaN;
    const vsCli = awsCli ? s.objectsPerSecond / awsCli.s.objectsPerSecond : NaN;
    const failed = m.runs.some((r) => r.problems.length > 0) ? '  WRONG COPY' : '';
    const spread = `${percent((s.maxSeconds - s.minSeconds) / s.seconds)}%`;
    const cpu = [s.cpuUse.server, s.cpuUse.proxy, s.cpuUse.benchmark, s.cpuUse.children].map(percent).join('/');
    lines.push(`${pad(m.contender, 60)}${num(s.objectsPerSecond).padStart(10)}${num(s.megabytesPerSecond).padStart(8)}`
      + `${num(s.seconds, 3).padStart(9)}${spread.padStart(8)}${num(s.requestsPerObject, 2).padStart(8)}`
      + `${num(vsCeiling, 2).padStart(9)}${num(vsSdkCeiling, 2).padStart(10)}${num(vsCli, 2).padStart(9)}   ${cpu} ${percent(s.cpuUse.other)}${failed}`);
  }
  return lines;
}

export function sweepTable(
  measurements: readonly Measurement[], small: Workload, concurrencies: readonly number[], latencies: readonly number[],
): string[] {
  if (concurrencies.length === 0) {
    return [];
  }
  const lines = [
    `== engine concurrency sweep, ${small.label} (objects/s, median; ÷ the ceiling of the same latency) ==`,
    `${pad('concurrency', 14)}${latencies.map((l) => `+${l} ms`.padStart(22)).join('')}`,
  ];
  for (const concurrency of concurrencies) {
    const cells = latencies.map((latencyMs) => {
      const m = measurements.find((x) => x.workload === 'small' && x.latencyMs === latencyMs && (concurrency === ENGINE_DEFAULTS.concurrency
        ? x.kind === 'engine' && x.settings.defaults === true
        : x.kind === 'sweep' && x.settings.concurrency === concurrency));
      const { ceiling } = keyRows(rowsOf(measurements, small, latencyMs));
      if (!m) {
        return '-'.padStart(22);
      }
      const s = summarize(m, small);
      return `${num(s.objectsPerSecond)} (${num(ceiling ? s.objectsPerSecond / ceiling.s.objectsPerSecond : NaN, 2)})`.padStart(22);
    });
    const mark = concurrency === ENGINE_DEFAULTS.concurrency ? ' (default)' : '';
    lines.push(`${pad(`${concurrency}${mark}`, 14)}${cells.join('')}`);
  }
  return lines;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

export function targets(measurements: readonly Measurement[], small: Workload, large: Workload, latencies: readonly number[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const ratio = (a: Row | undefined, b: Row | undefined) => (a && b ? a.s.objectsPerSecond / b.s.objectsPerSecond : NaN);
  const verdict = (value: number, limit: number) => (Number.isFinite(value) ? value >= limit : undefined);
  for (const latencyMs of latencies) {
    for (const workload of [small, large]) {
      const rows = rowsOf(measurements, workload, latencyMs);
      if (rows.length === 0) {
        continue;
      }
      const { ceiling, sdkCeiling, awsCli } = keyRows(rows);
      const engines = rows.filter((r) => r.m.kind === 'engine');
      // The best ceiling of the same operation, for the engine's multipart settings.
      const partCeilings = rows.filter((r) => r.m.kind === 'ceiling' && r.m.settings.operation === 'UploadPartCopy');
      const partCeiling = partCeilings.length > 0
        ? partCeilings.reduce((a, b) => (b.s.objectsPerSecond > a.s.objectsPerSecond ? b : a)) : undefined;
      for (const engine of engines) {
        const multipart = engine.m.settings.multipartThresholdBytes !== undefined && engine.m.settings.defaults !== true;
        if (multipart) {
          // The engine forced through UploadPartCopy: judged against the same operation's ceiling.
          const r = ratio(engine, partCeiling);
          checks.push({
            target: `${workload.name} +${latencyMs} ms: ${engine.m.contender} ≥ 90% of the UploadPartCopy ceiling`,
            measured: `${percent(r)}% of ${partCeiling?.m.contender ?? 'no ceiling'}; ${percent(ratio(engine, ceiling))}% of ${ceiling?.m.contender ?? 'no ceiling'}`,
            met: verdict(r, 0.9),
          });
          continue;
        }
        const r = ratio(engine, ceiling);
        const sameClient = sdkCeiling && sdkCeiling !== ceiling ? `; ${percent(ratio(engine, sdkCeiling))}% of the SDK ceiling (${sdkCeiling.m.contender})` : '';
        checks.push({
          target: `${workload.name} +${latencyMs} ms: ${engine.m.contender} ≥ 90% of the ceiling`,
          measured: `${percent(r)}% of ${ceiling?.m.contender ?? 'no ceiling'}${sameClient}`,
          met: verdict(r, 0.9),
        });
      }
      if (workload === small && latencyMs === 30) {
        const engine = engines.find((r) => r.m.settings.defaults === true);
        const r = ratio(engine, awsCli);
        checks.push({ target: 'small +30 ms: engine (defaults) ≥ 2x the AWS CLI\'s objects/s', measured: `${num(r, 2)}x`, met: verdict(r, 2) });
        const cliProcess = rows.find((x) => x.m.kind === 'engine-cli');
        const rp = ratio(cliProcess, awsCli);
        if (cliProcess) {
          checks.push({ target: 'small +30 ms: engine command line (process start included) ≥ 2x the AWS CLI', measured: `${num(rp, 2)}x`, met: verdict(rp, 2) });
        }
      }
      if (workload === large) {
        for (const engine of engines) {
          const r = ratio(engine, awsCli);
          checks.push({ target: `large +${latencyMs} ms: ${engine.m.contender} not slower than the AWS CLI`, measured: `${num(r, 2)}x`, met: verdict(r, 1) });
        }
      }
    }
  }
  return checks;
}
