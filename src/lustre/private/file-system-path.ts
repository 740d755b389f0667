import { Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError } from '../../core/errors';
import * as rules from '../rules';

/** The file system path checked and normalized; tokens are rejected (the path names a construct and is compared). */
export function literalFileSystemPath(scope: IConstruct, path: string): string {
  if (Token.isUnresolved(path)) {
    throw TrainingStorageError.invalidProperty(scope, 'fileSystemPath', '(unresolved token)',
      'a literal path such as "/datasets": it names the association and is checked for overlaps');
  }
  const normalized = rules.normalizeFileSystemPath(path);
  if (typeof normalized !== 'string') {
    throw TrainingStorageError.invalidProperty(scope, normalized.property, normalized.received, normalized.allowed);
  }
  return normalized;
}

export function defaultFileSystemPath(scope: IConstruct, location: DataLocation): string {
  if (Token.isUnresolved(location.prefix)) {
    throw TrainingStorageError.invalidProperty(scope, 'fileSystemPath', 'nothing',
      'a path such as "/datasets" when the location\'s prefix is an unresolved token (the default path is derived from the prefix)');
  }
  return location.prefix === '' ? '/' : `/${location.prefix.slice(0, -1)}`;
}
