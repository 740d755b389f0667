/**
 * The report: for each workload and latency a table of the fresh processes (the headline) and one
 * of the in-process contenders, the engine's concurrency sweep, the ratios of the engine's command
 * line to rclone, the AWS CLI and the ceiling, the targets, and the same as Markdown for
 * docs/benchmark.md.
 */
import { Measurement, PROCESS_KINDS, Summary, summarize } from './bench';
import { Workload } from './workloads';
import { ENGINE_DEFAULTS } from '../../src/transfer/engine';

const pad = (text: string, width: number) => text.padEnd(width);
export const num = (value: number, digits = 1) => (Number.isFinite(value) ? value.toFixed(digits) : '-');
const percent = (fraction: number) => (Number.isFinite(fraction) ? String(Math.round(fraction * 100)) : '-');
/** 1234.5 → "1,235". */
const grouped = (value: number) => (Number.isFinite(value) ? Math.round(value).toLocaleString('en-US') : '-');

export interface Row {
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

const rate = (a: Row | undefined, b: Row | undefined) => (a && b ? a.s.objectsPerSecond / b.s.objectsPerSecond : NaN);

/** The rows every comparison needs. */
export interface KeyRows {
  /** The server's ceiling: the best in-process ceiling variant. */
  readonly ceiling?: Row;
  /** The best ceiling that went through the SDK. */
  readonly sdkCeiling?: Row;
  /**
   * What the engine's command line is judged against: the server's ceiling, and for the large
   * object (copied in parts) the best ceiling of the same operation, UploadPartCopy.
   */
  readonly reference?: Row;
  readonly ceilingProcess?: Row;
  readonly engineCli?: Row;
  readonly rclone?: Row;
  readonly awsCli?: Row;
  /** The engine in process with its defaults (or forced into parts, for the large object). */
  readonly engine?: Row;
}

/**
 * The key rows of one workload and latency: only contenders whose every copy was right (a wrong
 * copy has no valid rate, so it is neither a ceiling nor compared).
 */
export function keyRows(measurements: readonly Measurement[], workload: Workload, latencyMs: number): KeyRows {
  const rows = rowsOf(measurements, workload, latencyMs).filter((r) => r.m.runs.every((run) => run.problems.length === 0));
  const ceilings = rows.filter((r) => r.m.kind === 'ceiling');
  const ceiling = best(ceilings);
  const partCeiling = best(ceilings.filter((r) => r.m.settings.operation === 'UploadPartCopy'));
  const kind = (k: Measurement['kind']) => rows.find((r) => r.m.kind === k);
  const engines = rows.filter((r) => r.m.kind === 'engine');
  return {
    ceiling,
    sdkCeiling: best(ceilings.filter((r) => r.m.contender.startsWith('ceiling: SDK'))),
    reference: workload.kind === 'large' ? partCeiling ?? ceiling : ceiling,
    ceilingProcess: kind('ceiling-process'),
    engineCli: kind('engine-cli'),
    rclone: kind('rclone'),
    awsCli: kind('aws-cli'),
    engine: workload.kind === 'large' ? engines.find((r) => r.m.settings.multipart === true) : engines.find((r) => r.m.settings.defaults === true),
  };
}

const cpuColumns = (s: Summary, own: 'benchmark' | 'children') =>
  `${[s.cpuUse.server, s.cpuUse.proxy, s.cpuUse[own]].map(percent).join('/')} ${percent(s.cpuUse.other)}`;

/** The contenders started as fresh processes, and the server's ceiling for reference. */
export function processTable(measurements: readonly Measurement[], workload: Workload, latencyMs: number): string[] {
  const rows = rowsOf(measurements, workload, latencyMs).filter((r) => PROCESS_KINDS.has(r.m.kind));
  if (rows.length === 0) {
    return [];
  }
  const k = keyRows(measurements, workload, latencyMs);
  const lines = [
    `== fresh processes, cold start: ${workload.label}, +${latencyMs} ms per request (median of the runs) ==`,
    `${pad('contender', 62)}${'objects/s'.padStart(10)}${'MB/s'.padStart(8)}${'seconds'.padStart(9)}${'spread'.padStart(8)}`
      + `${'req/obj'.padStart(8)}${'1st req'.padStart(9)}${'exit'.padStart(7)}${'conns'.padStart(7)}${'÷ceiling'.padStart(9)}${'÷rclone'.padStart(9)}`
      + `${'÷aws cli'.padStart(9)}`
      + '   cpu% server/proxy/cli other',
  ];
  if (k.reference) {
    const s = k.reference.s;
    const name = `(in process) ${k.reference.m.contender}`;
    lines.push(`${pad(name.length > 61 ? `${name.slice(0, 60)}…` : name, 62)}${num(s.objectsPerSecond).padStart(10)}`
      + `${num(s.megabytesPerSecond).padStart(8)}${num(s.seconds, 3).padStart(9)}`);
  }
  for (const { m, s } of rows) {
    const row = { m, s };
    const failed = m.runs.some((r) => r.problems.length > 0) ? '  WRONG COPY' : '';
    const spread = `${percent((s.maxSeconds - s.minSeconds) / s.seconds)}%`;
    lines.push(`${pad(m.contender, 62)}${num(s.objectsPerSecond).padStart(10)}${num(s.megabytesPerSecond).padStart(8)}`
      + `${num(s.seconds, 3).padStart(9)}${spread.padStart(8)}${num(s.requestsPerObject, 2).padStart(8)}`
      + `${num(s.firstRequestSeconds, 3).padStart(9)}${num(s.afterLastAnswerSeconds, 3).padStart(7)}${num(s.connections, 0).padStart(7)}`
      + `${num(rate(row, k.reference), 2).padStart(9)}${num(rate(row, k.rclone), 2).padStart(9)}${num(rate(row, k.awsCli), 2).padStart(9)}`
      + `   ${cpuColumns(s, 'children')}${failed}`);
  }
  return lines;
}

/** The contenders in this process (clients kept warm from run to run). */
export function inProcessTable(measurements: readonly Measurement[], workload: Workload, latencyMs: number): string[] {
  const rows = rowsOf(measurements, workload, latencyMs).filter((r) => !PROCESS_KINDS.has(r.m.kind));
  if (rows.length === 0) {
    return [];
  }
  const k = keyRows(measurements, workload, latencyMs);
  const lines = [
    `== in process, clients kept warm (not what a user who starts a command sees): ${workload.label}, +${latencyMs} ms ==`,
    `${pad('contender', 62)}${'objects/s'.padStart(10)}${'MB/s'.padStart(8)}${'seconds'.padStart(9)}${'spread'.padStart(8)}`
      + `${'req/obj'.padStart(8)}${'÷ceiling'.padStart(9)}${'÷sdk ceil'.padStart(10)}   cpu% server/proxy/bench other`,
  ];
  for (const row of rows) {
    const { m, s } = row;
    const failed = m.runs.some((r) => r.problems.length > 0) ? '  WRONG COPY' : '';
    const spread = `${percent((s.maxSeconds - s.minSeconds) / s.seconds)}%`;
    lines.push(`${pad(m.contender, 62)}${num(s.objectsPerSecond).padStart(10)}${num(s.megabytesPerSecond).padStart(8)}`
      + `${num(s.seconds, 3).padStart(9)}${spread.padStart(8)}${num(s.requestsPerObject, 2).padStart(8)}`
      + `${num(rate(row, k.ceiling), 2).padStart(9)}${num(rate(row, k.sdkCeiling), 2).padStart(10)}   ${cpuColumns(s, 'benchmark')}${failed}`);
  }
  return lines;
}

export function sweepTable(
  measurements: readonly Measurement[], workload: Workload, concurrencies: readonly number[], latencies: readonly number[],
): string[] {
  if (concurrencies.length === 0) {
    return [];
  }
  const lines = [
    `== engine concurrency sweep, in process, ${workload.label} (objects/s, median; ÷ the ceiling of the same latency) ==`,
    `${pad('concurrency', 14)}${latencies.map((l) => `+${l} ms`.padStart(22)).join('')}`,
  ];
  for (const concurrency of concurrencies) {
    const cells = latencies.map((latencyMs) => {
      const m = measurements.find((x) => x.workload === workload.name && x.latencyMs === latencyMs && (concurrency === ENGINE_DEFAULTS.concurrency
        ? x.kind === 'engine' && x.settings.defaults === true
        : x.kind === 'sweep' && x.settings.concurrency === concurrency));
      if (!m) {
        return '-'.padStart(22);
      }
      const { ceiling } = keyRows(measurements, workload, latencyMs);
      const row = { m, s: summarize(m, workload) };
      return `${num(row.s.objectsPerSecond)} (${num(rate(row, ceiling), 2)})`.padStart(22);
    });
    const mark = concurrency === ENGINE_DEFAULTS.concurrency ? ' (default)' : '';
    lines.push(`${pad(`${concurrency}${mark}`, 14)}${cells.join('')}`);
  }
  return lines;
}

/** The engine's command line against the others, for one workload and latency (rates: objects/s, MB/s for the large object). */
export interface Ratio {
  readonly workload: string;
  readonly label: string;
  readonly latencyMs: number;
  readonly unit: 'objects/s' | 'MB/s';
  readonly engineCli: number;
  readonly rclone: number;
  readonly awsCli: number;
  readonly ceiling: number;
  readonly ceilingContender?: string;
  readonly ceilingProcess: number;
  readonly engineInProcess: number;
  readonly engineCliVsRclone: number;
  readonly engineCliVsAwsCli: number;
  readonly engineCliVsCeiling: number;
  readonly engineCliVsCeilingProcess: number;
  /** Seconds from the start of the process to its first request. */
  readonly engineCliFirstRequestSeconds: number;
  readonly rcloneFirstRequestSeconds: number;
}

export function ratios(measurements: readonly Measurement[], workloads: readonly Workload[], latencies: readonly number[]): Ratio[] {
  const out: Ratio[] = [];
  for (const workload of workloads) {
    for (const latencyMs of latencies) {
      const k = keyRows(measurements, workload, latencyMs);
      if (!k.engineCli && !k.reference) {
        continue;
      }
      const value = (r: Row | undefined) => (r ? (workload.kind === 'large' ? r.s.megabytesPerSecond : r.s.objectsPerSecond) : NaN);
      out.push({
        workload: workload.name,
        label: workload.label,
        latencyMs,
        unit: workload.kind === 'large' ? 'MB/s' : 'objects/s',
        engineCli: value(k.engineCli),
        rclone: value(k.rclone),
        awsCli: value(k.awsCli),
        ceiling: value(k.reference),
        ceilingContender: k.reference?.m.contender,
        ceilingProcess: value(k.ceilingProcess),
        engineInProcess: value(k.engine),
        engineCliVsRclone: rate(k.engineCli, k.rclone),
        engineCliVsAwsCli: rate(k.engineCli, k.awsCli),
        engineCliVsCeiling: rate(k.engineCli, k.reference),
        engineCliVsCeilingProcess: rate(k.engineCli, k.ceilingProcess),
        engineCliFirstRequestSeconds: k.engineCli?.s.firstRequestSeconds ?? NaN,
        rcloneFirstRequestSeconds: k.rclone?.s.firstRequestSeconds ?? NaN,
      });
    }
  }
  return out;
}

export function ratioTable(rows: readonly Ratio[]): string[] {
  if (rows.length === 0) {
    return [];
  }
  const lines = [
    '== the engine\'s command line (a fresh process) ÷ the others (objects/s; MB/s for the large object) ==',
    `${pad('workload', 36)}${'latency'.padStart(8)}${'engine cli'.padStart(12)}${'rclone'.padStart(10)}${'aws cli'.padStart(10)}`
      + `${'ceiling'.padStart(10)}${'÷rclone'.padStart(9)}${'÷aws cli'.padStart(9)}${'÷ceiling'.padStart(9)}${'÷ceil proc'.padStart(11)}`,
  ];
  for (const r of rows) {
    lines.push(`${pad(r.label, 36)}${`${r.latencyMs} ms`.padStart(8)}${num(r.engineCli).padStart(12)}${num(r.rclone).padStart(10)}`
      + `${num(r.awsCli).padStart(10)}${num(r.ceiling).padStart(10)}${num(r.engineCliVsRclone, 2).padStart(9)}`
      + `${num(r.engineCliVsAwsCli, 2).padStart(9)}${num(r.engineCliVsCeiling, 2).padStart(9)}${num(r.engineCliVsCeilingProcess, 2).padStart(11)}`);
  }
  return lines;
}

export interface TargetCheck {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean | undefined;
}

/**
 * Issue 10's targets, from a cold start and in the same run: the engine's command line ahead of
 * rclone on every small workload at every latency, at least 3x rclone on the large object, and
 * within 10% of the ceiling everywhere; and the earlier ones (at least 2x the AWS CLI on small
 * objects at 30 ms, never slower than it on the large object; in process, within 10% of the ceiling).
 */
export function targets(measurements: readonly Measurement[], workloads: readonly Workload[], latencies: readonly number[]): TargetCheck[] {
  const checks: TargetCheck[] = [];
  const verdict = (value: number, limit: number, strictly = false) =>
    (Number.isFinite(value) ? (strictly ? value > limit : value >= limit) : undefined);
  for (const workload of workloads) {
    for (const latencyMs of latencies) {
      const k = keyRows(measurements, workload, latencyMs);
      if (!k.engineCli) {
        continue;
      }
      const where = `${workload.label}, +${latencyMs} ms`;
      const vsRclone = rate(k.engineCli, k.rclone);
      if (workload.kind === 'small') {
        checks.push({ target: `${where}: engine cli ahead of rclone`, measured: `${num(vsRclone, 2)}x`, met: verdict(vsRclone, 1, true) });
      } else {
        checks.push({ target: `${where}: engine cli at least 3x rclone`, measured: `${num(vsRclone, 2)}x`, met: verdict(vsRclone, 3) });
      }
      const vsCeiling = rate(k.engineCli, k.reference);
      checks.push({
        target: `${where}: engine cli within 10% of the ceiling`,
        measured: `${percent(vsCeiling)}% of ${k.reference?.m.contender ?? 'no ceiling'}`
          + (k.ceilingProcess ? `; ${percent(rate(k.engineCli, k.ceilingProcess))}% of the ceiling as a fresh process` : ''),
        met: verdict(vsCeiling, 0.9),
      });
      const vsAws = rate(k.engineCli, k.awsCli);
      if (workload.kind === 'small' && latencyMs === 30) {
        checks.push({ target: `${where}: engine cli at least 2x the AWS CLI`, measured: `${num(vsAws, 2)}x`, met: verdict(vsAws, 2) });
      } else if (workload.kind === 'large') {
        checks.push({ target: `${where}: engine cli not slower than the AWS CLI`, measured: `${num(vsAws, 2)}x`, met: verdict(vsAws, 1) });
      }
    }
  }
  for (const workload of workloads) {
    for (const latencyMs of latencies) {
      const k = keyRows(measurements, workload, latencyMs);
      if (k.engine) {
        const r = rate(k.engine, k.reference);
        checks.push({
          target: `${workload.label}, +${latencyMs} ms: engine in process (${k.engine.m.contender}) within 10% of the ceiling`,
          measured: `${percent(r)}% of ${k.reference?.m.contender ?? 'no ceiling'}`,
          met: verdict(r, 0.9),
        });
      }
    }
  }
  return checks;
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
  return checks.map((check) => `${check.met === undefined ? 'n/a ' : check.met ? 'MET ' : 'MISS'}  ${check.target}: ${check.measured}`);
}

/** Start-up costs of the command lines, in seconds (median), as this process sees them (spawn to exit). */
export interface Startup {
  readonly [what: string]: number;
}

export function startupLines(startup: Startup): string[] {
  const entries = Object.entries(startup);
  if (entries.length === 0) {
    return [];
  }
  return [
    '== start-up: a command that does (almost) nothing, spawn to exit, median of 5 ==',
    ...entries.map(([what, seconds]) => `${pad(what, 74)}${num(seconds, 3).padStart(8)} s`),
  ];
}

// ---------------------------------------------------------------------------------------------
// Markdown, for docs/benchmark.md.

const cell = (value: number, digits = 0) => (digits === 0 ? grouped(value) : num(value, digits));
/** Text for a Markdown table cell: no HTML. */
const text = (value: string) => value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|');
const ratioCell = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)}x` : '-');

export interface MarkdownContext {
  readonly date: string;
  readonly command: string;
  readonly elapsedSeconds: number;
  readonly machine: string;
  readonly versions: string;
  readonly wrongCopies: number;
  readonly busy: string;
}

/** The results block of docs/benchmark.md. */
export function resultsMarkdown(
  context: MarkdownContext, rows: readonly Ratio[], measurements: readonly Measurement[], workloads: readonly Workload[],
  latencies: readonly number[], checks: readonly TargetCheck[], startup: Startup,
): string[] {
  const lines = [
    `Measured on ${context.date} by \`${context.command}\` (${(context.elapsedSeconds / 60).toFixed(1)} minutes) on ${context.machine}; ${context.versions}.`,
    `Other load on the machine during the runs (median, share of one core): ${context.busy}.`
      + (context.wrongCopies > 0 ? ` **${context.wrongCopies} copies were wrong: these figures are not valid.**` : ''),
    '',
    '### The engine\'s command line against the others (fresh processes, cold start)',
    '',
    '| Workload | Latency | Engine CLI | rclone | AWS CLI | Ceiling | ÷ rclone | ÷ AWS CLI | ÷ ceiling | ÷ ceiling process |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| ${r.label} | ${r.latencyMs} ms | ${cell(r.engineCli)} | ${cell(r.rclone)} | ${cell(r.awsCli)} | ${cell(r.ceiling)} `
      + `| ${ratioCell(r.engineCliVsRclone)} | ${ratioCell(r.engineCliVsAwsCli)} | ${ratioCell(r.engineCliVsCeiling)} | ${ratioCell(r.engineCliVsCeilingProcess)} |`),
    '',
    'Rates in objects/s (MB/s for the large object), medians. Ceiling: the server\'s, measured in process on warm connections '
      + '(for the large object: UploadPartCopy with the same part size, every part at once). Ceiling process: bare HTTP requests from a '
      + 'Node.js process started for each copy.',
    '',
    '### Every contender',
    '',
    '| Workload | Latency | Contender | Rate | Seconds | First request (s) | Exit (s) | Requests per object | Connections |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const workload of workloads) {
    for (const latencyMs of latencies) {
      for (const { m, s } of rowsOf(measurements, workload, latencyMs)) {
        const value = workload.kind === 'large' ? `${cell(s.megabytesPerSecond)} MB/s` : `${cell(s.objectsPerSecond)} objects/s`;
        const where = PROCESS_KINDS.has(m.kind) ? 'process' : 'in process';
        lines.push(`| ${workload.label} | ${latencyMs} ms | ${text(m.contender)} (${where}) | ${value} | ${num(s.seconds, 3)} `
          + `| ${PROCESS_KINDS.has(m.kind) ? num(s.firstRequestSeconds, 3) : '-'} | ${PROCESS_KINDS.has(m.kind) ? num(s.afterLastAnswerSeconds, 3) : '-'} `
          + `| ${num(s.requestsPerObject, 2)} `
          + `| ${PROCESS_KINDS.has(m.kind) ? num(s.connections, 0) : '-'} |`);
      }
    }
  }
  lines.push('', '### Targets', '', ...checks.map((c) => `- ${c.met === undefined ? 'n/a' : c.met ? 'met' : '**missed**'}: ${text(c.target)}: ${text(c.measured)}`));
  const entries = Object.entries(startup);
  if (entries.length > 0) {
    lines.push('', '### Start-up (spawn to exit of a command that does almost nothing, median of 5)', '',
      '| Command | Seconds |', '| --- | --- |', ...entries.map(([what, seconds]) => `| ${text(what)} | ${num(seconds, 3)} |`));
  }
  return lines;
}

/** Markers of the generated block in docs/benchmark.md. */
export const RESULTS_BEGIN = '<!-- benchmark-results:begin (written by `npx projen benchmark`; do not edit by hand) -->';
export const RESULTS_END = '<!-- benchmark-results:end -->';

/** The page with its results block replaced; throws when the markers are missing. */
export function replaceResultsBlock(page: string, block: readonly string[]): string {
  const begin = page.indexOf(RESULTS_BEGIN);
  const end = page.indexOf(RESULTS_END);
  if (begin < 0 || end < begin) {
    throw new Error(`the page has no results block (${RESULTS_BEGIN} ... ${RESULTS_END})`);
  }
  return `${page.slice(0, begin + RESULTS_BEGIN.length)}\n${block.join('\n')}\n${page.slice(end)}`;
}
