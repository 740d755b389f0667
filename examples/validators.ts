import * as fs from 'fs';
import * as path from 'path';
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';

/**
 * The context that makes CloudFormation Validate findings fail synthesis (also set in cdk.json).
 */
export const VALIDATION_CONTEXT = {
  '@aws-cdk/core:validateAgainstDefaultRules': true,
};

/**
 * Registers the three validators every example and test stack passes with zero unacknowledged
 * findings: CloudFormation Validate (built into aws-cdk-lib, fatal through the context flag),
 * cdk-nag's AwsSolutions rules and the Control Tower guard rules.
 */
export function addValidators(app: App): App {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
  return app;
}

/** A new App with the validation context and the three validators. */
export function validatedApp(props: AppProps = {}): App {
  return addValidators(new App({ ...props, context: { ...VALIDATION_CONTEXT, ...props.context } }));
}

interface ReportFinding {
  readonly ruleName: string;
  readonly description: string;
  readonly violatingConstructs?: ReadonlyArray<{ readonly constructPath?: string }>;
}
interface ValidationReportJson {
  readonly pluginReports?: ReadonlyArray<{ readonly pluginName: string; readonly violations?: ReadonlyArray<ReportFinding> }>;
}

/**
 * The findings that no acknowledgement covers, read from the validation report of a synthesized
 * assembly. Synthesis alone is not enough: aws-cdk-lib 2.262 marks a plugin's report successful
 * once any of its findings is acknowledged, even when others are not (cfn-guard findings carry no
 * severity), so an unacknowledged finding could pass silently.
 */
export function unacknowledgedFindings(assemblyDirectory: string): string[] {
  const file = path.join(assemblyDirectory, 'validation-report.json');
  if (!fs.existsSync(file)) {
    return [];
  }
  const report = JSON.parse(fs.readFileSync(file, 'utf8')) as ValidationReportJson;
  return (report.pluginReports ?? []).flatMap((plugin) => (plugin.violations ?? []).map((v) =>
    `${plugin.pluginName} ${v.ruleName}: ${v.description} at ${(v.violatingConstructs ?? []).map((c) => c.constructPath).join(', ')}`));
}
