import { IConstruct } from 'constructs';
import { TrainingStorageError } from '../../core/errors';
import { RuleViolation } from '../rules';

/** Throws the violation, if any, as a `TrainingStorageError` of the file system. */
export function fail(scope: IConstruct, violation: RuleViolation | undefined): void {
  if (violation) {
    throw TrainingStorageError.invalidProperty(scope, violation.property, violation.received, violation.allowed);
  }
}
