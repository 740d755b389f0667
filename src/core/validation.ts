import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { TrainingStorageError, renderValue } from './errors';

/** S3 object keys are at most 1,024 bytes long; a prefix cannot be longer. */
const MAX_KEY_BYTES = 1024;

/**
 * Checks and normalizes an S3 key prefix: no leading `/`, no empty segment, no wildcard, and a
 * trailing `/` added when missing (directory buckets require it, and a prefix without it would also
 * match `datasets-old/`). The empty string stands for the whole bucket. Tokens pass unchecked.
 * @internal
 */
export function normalizeKeyPrefix(scope: IConstruct, property: string, prefix: string): string {
  if (Token.isUnresolved(prefix) || prefix === '') {
    return prefix;
  }
  const normalized = prefix.endsWith('/') ? prefix : `${prefix}/`;
  const allowed = 'a key prefix such as "datasets/" or "teams/nlp/datasets/": no leading "/", no empty segment ("//"), '
    + `no "*" or "?", no "." or ".." segment, at most ${MAX_KEY_BYTES} bytes`;
  const segments = normalized.slice(0, -1).split('/');
  if (normalized.startsWith('/')
    || segments.some((s) => s === '' || s === '.' || s === '..')
    || /[*?]/.test(normalized)
    || Buffer.byteLength(normalized, 'utf8') > MAX_KEY_BYTES) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(prefix), allowed);
  }
  return normalized;
}

/**
 * Checks a name used as one key segment (a dataset name, for example). Tokens pass unchecked.
 * @internal
 */
export function validateSegmentName(scope: IConstruct, property: string, name: string): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,254}$/.test(name)) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(name),
      '1 to 255 characters from A-Z, a-z, 0-9, ".", "_" and "-", starting with a letter or digit (no "/")');
  }
}

/** A bounded number of whole days. @internal */
export interface DaysBounds {
  /** Smallest number of days allowed. */
  readonly min: number;
  /** Largest number of days allowed. @default - no upper bound */
  readonly max?: number;
}

/**
 * Converts a Duration to whole days and checks its bounds; S3 lifecycle rules count in whole days.
 * @internal
 */
export function wholeDays(scope: IConstruct, property: string, duration: Duration, bounds: DaysBounds): number {
  const range = bounds.max === undefined ? `at least ${bounds.min} days` : `${bounds.min} to ${bounds.max} days`;
  const allowed = `a whole number of days, ${range}`;
  let days: number;
  try {
    days = duration.toDays({ integral: true });
  } catch {
    throw TrainingStorageError.invalidProperty(scope, property, duration.toHumanString(), allowed);
  }
  if (days < bounds.min || (bounds.max !== undefined && days > bounds.max)) {
    throw TrainingStorageError.invalidProperty(scope, property, duration.toHumanString(), allowed);
  }
  return days;
}
