import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { plainTemplate } from './harness';

/** The resource types the README's "resources per example stack" table counts. */
export const COUNTED_TYPES = {
  functions: 'AWS::Lambda::Function',
  kmsKeys: 'AWS::KMS::Key',
  logGroups: 'AWS::Logs::LogGroup',
  stateMachines: 'AWS::StepFunctions::StateMachine',
  roles: 'AWS::IAM::Role',
} as const;

export type ResourceCounts = { -readonly [K in keyof typeof COUNTED_TYPES]: number };

/** How many resources of each counted type a synthesized template holds. */
export function resourceCounts(template: Template): ResourceCounts {
  const counts = {} as ResourceCounts;
  for (const [name, type] of Object.entries(COUNTED_TYPES) as Array<[keyof ResourceCounts, string]>) {
    counts[name] = Object.keys(template.findResources(type)).length;
  }
  return counts;
}

/** The counts of a plain stack's template (see `plainTemplate`). */
export function stackResourceCounts(stack: Stack): ResourceCounts {
  return resourceCounts(plainTemplate(stack));
}
