import { Size, SizeRoundingBehavior } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { TrainingStorageError } from '../../core/errors';

/** A size as a whole number of GiB. */
export function wholeGibibytes(scope: IConstruct, property: string, size: Size): number {
  try {
    return size.toGibibytes({ rounding: SizeRoundingBehavior.FAIL });
  } catch {
    throw TrainingStorageError.invalidProperty(scope, property, `${size.toMebibytes({ rounding: SizeRoundingBehavior.FLOOR })} MiB`, 'a whole number of GiB');
  }
}

/** A size in GiB for messages, with up to two decimals. */
export function renderGibibytes(size: Size): string {
  return `${Math.round((size.toBytes() / 1024 ** 3) * 100) / 100} GiB`;
}
