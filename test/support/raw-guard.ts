import { execFileSync } from 'child_process';
import * as path from 'path';
import { App, CfnElement, Stack } from 'aws-cdk-lib';
import { acknowledgedFindings, reportedFindings } from './validation-report';

const PACKAGE = path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json'));
/** The cfn-guard binary that `@cdklabs/cdk-validator-cfnguard` ships, and its Control Tower rules. */
const GUARD = path.join(PACKAGE, 'bin', 'ubuntu', process.arch === 'arm64' ? 'aarch64' : 'x86_64', 'cfn-guard');
const RULES = path.join(PACKAGE, 'rules', 'control-tower', 'cfn-guard');

/** A Control Tower rule that fails on a resource. */
export interface GuardFailure {
  readonly ruleName: string;
  readonly logicalId: string;
}

/** Every `/Resources/<logical ID>` a failed check of the rule traversed to. */
function resourcesIn(value: unknown, found: Set<string>): Set<string> {
  if (Array.isArray(value)) {
    value.forEach((v) => resourcesIn(v, found));
  } else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'path' && typeof v === 'string' && v.startsWith('/Resources/')) {
        found.add(v.split('/')[2]);
      } else {
        resourcesIn(v, found);
      }
    }
  }
  return found;
}

/**
 * Runs cfn-guard itself (not the validator plugin) with the Control Tower rules over a template,
 * and lists each rule that fails on each resource.
 */
export function rawGuardFailures(templatePath: string): GuardFailure[] {
  let stdout: string;
  try {
    stdout = execFileSync(GUARD, ['validate', '--rules', RULES, '--data', templatePath, '--output-format', 'json', '--show-summary', 'none',
      '--structured'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  } catch (error) {
    // cfn-guard exits with 19 when a rule fails; its JSON is on stdout all the same.
    stdout = (error as { stdout?: string }).stdout ?? '';
    if (!stdout) {
      throw error;
    }
  }
  const results = JSON.parse(stdout) as Array<{ not_compliant?: Array<{ Rule?: { name: string } }> }>;
  return results.flatMap((result) => (result.not_compliant ?? []).flatMap((entry) => {
    const rule = entry.Rule;
    return rule ? [...resourcesIn(rule, new Set())].map((logicalId) => ({ ruleName: rule.name, logicalId })) : [];
  }));
}

/**
 * Compares a raw cfn-guard run over a stack's template with the validation report of its assembly:
 * each rule that fails on a resource must be reported on it, or acknowledged on that very resource
 * (its CloudFormation resource, or the construct whose default child it is). Synthesizes the
 * stack's app (once: an app caches its assembly). Returns the failures that are neither, rendered
 * for a message.
 */
export function guardDisagreements(stack: Stack): string[] {
  const assemblyDirectory = (stack.node.root as App).synth().directory;
  const templatePath = path.join(assemblyDirectory, stack.templateFile);
  const paths = new Map(stack.node.findAll().filter(CfnElement.isCfnElement).map((e) => [stack.resolve(e.logicalId) as string, e.node.path]));
  const pathOf = (logicalId: string) => paths.get(logicalId) ?? `(no construct: ${logicalId})`;
  const guard = (f: { pluginName: string }) => f.pluginName === 'cdk-validator-cfnguard';
  const reported = reportedFindings(assemblyDirectory).filter(guard);
  const acknowledged = acknowledgedFindings(assemblyDirectory).filter(guard);
  return rawGuardFailures(templatePath).filter(({ ruleName, logicalId }) => {
    const resourcePath = pathOf(logicalId);
    const onIt = (f: { ruleName: string; constructPaths: string[] }) => f.ruleName === ruleName && f.constructPaths.includes(resourcePath);
    return !reported.some(onIt) && !acknowledged.some((f) => onIt(f)
      && (f.acknowledgedAt === resourcePath || `${f.acknowledgedAt}/Resource` === resourcePath));
  }).map(({ ruleName, logicalId }) => `${ruleName} on ${pathOf(logicalId)} (${logicalId})`);
}
