import { IConstruct } from 'constructs';
import { TrainingStorageError } from '../../core/errors';
import type { RuleViolation } from '../rules';

/** Throws the violation of a rule as a `TrainingStorageError` of the construct; nothing without one. @internal */
export function fail(scope: IConstruct, violation: RuleViolation | undefined): void {
  if (violation) {
    throw TrainingStorageError.invalidProperty(scope, violation.property, violation.received, violation.allowed);
  }
}
