import * as fs from 'fs';
import * as path from 'path';

/** One finding of `validation-report.json` (the fields the tests read). */
export interface ReportFinding {
  readonly pluginName: string;
  readonly ruleName: string;
  readonly description: string;
  /** Construct paths of the resources it is on. */
  readonly constructPaths: string[];
  /** Logical IDs of the resources it is on. */
  readonly logicalIds: string[];
  /** Where it was acknowledged (suppressed findings only). */
  readonly acknowledgedAt?: string;
}

interface ReportJson {
  readonly pluginReports?: ReadonlyArray<{
    readonly pluginName: string;
    readonly violations?: ReadonlyArray<RawFinding>;
    readonly suppressedViolations?: ReadonlyArray<RawFinding & { readonly acknowledgedAt?: string }>;
  }>;
}
interface RawFinding {
  readonly ruleName: string;
  readonly description: string;
  readonly violatingConstructs?: ReadonlyArray<{
    readonly constructPath?: string;
    readonly cloudFormationResource?: { readonly logicalId?: string };
  }>;
}

function read(assemblyDirectory: string): ReportJson {
  const file = path.join(assemblyDirectory, 'validation-report.json');
  return fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) as ReportJson : {};
}

function finding(pluginName: string, raw: RawFinding & { readonly acknowledgedAt?: string }): ReportFinding {
  const constructs = raw.violatingConstructs ?? [];
  return {
    pluginName,
    ruleName: raw.ruleName,
    description: raw.description,
    constructPaths: constructs.map((c) => c.constructPath ?? ''),
    logicalIds: constructs.map((c) => c.cloudFormationResource?.logicalId ?? ''),
    acknowledgedAt: raw.acknowledgedAt,
  };
}

/** The findings that no acknowledgement covers, from a synthesized assembly's validation report. */
export function reportedFindings(assemblyDirectory: string): ReportFinding[] {
  return (read(assemblyDirectory).pluginReports ?? []).flatMap((plugin) =>
    (plugin.violations ?? []).map((v) => finding(plugin.pluginName, v)));
}

/** The acknowledged findings, with where each was acknowledged. */
export function acknowledgedFindings(assemblyDirectory: string): ReportFinding[] {
  return (read(assemblyDirectory).pluginReports ?? []).flatMap((plugin) =>
    (plugin.suppressedViolations ?? []).map((v) => finding(plugin.pluginName, v)));
}

/** One line per unacknowledged finding, for error messages. */
export function unacknowledgedFindings(assemblyDirectory: string): string[] {
  return reportedFindings(assemblyDirectory).map((f) => `${f.pluginName} ${f.ruleName}: ${f.description} at ${f.constructPaths.join(', ')}`);
}
