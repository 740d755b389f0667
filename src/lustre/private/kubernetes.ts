import { Size, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { wholeGibibytes } from './sizes';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { kubernetesNameProblem } from '../../core/kubernetes-names';

/** Checks a Kubernetes object name: a DNS label (at most 63 characters) or a DNS subdomain name (at most 253). */
export function checkKubernetesName(scope: IConstruct, property: string, name: string, maxLength: 63 | 253): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const allowed = kubernetesNameProblem(name, maxLength);
  if (allowed !== undefined) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(name), allowed);
  }
}

/** A size as a Kubernetes quantity of whole GiB (`1200Gi`). */
export function kubernetesQuantity(scope: IConstruct, size: Size): string {
  return `${wholeGibibytes(scope, 'storageCapacity', size)}Gi`;
}
