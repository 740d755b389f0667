#!/usr/bin/env node
import { App } from 'aws-cdk-lib';
import { buildExamples } from './all';
import { addValidators, unacknowledgedFindings } from './validators';

// cdk.json sets @aws-cdk/core:validateAgainstDefaultRules, so CloudFormation Validate findings fail
// synthesis; every finding of the three validators that no acknowledgement covers fails it too.
const assembly = buildExamples(addValidators(new App())).synth();
const findings = unacknowledgedFindings(assembly.directory);
if (findings.length > 0) {
  console.error(`${findings.length} unacknowledged validation finding(s):\n${findings.join('\n')}`);
  process.exitCode = 1;
}
