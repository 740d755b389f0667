import { Size, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { wholeGibibytes } from './sizes';
import { TrainingStorageError, renderValue } from '../../core/errors';

/** Checks a Kubernetes object name: a DNS label (at most 63 characters) or a DNS subdomain name (at most 253). */
export function checkKubernetesName(scope: IConstruct, property: string, name: string, maxLength: number): void {
  if (Token.isUnresolved(name)) {
    return;
  }
  const label = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
  const pattern = maxLength === 63 ? new RegExp(`^${label}$`) : new RegExp(`^${label}(\\.${label})*$`);
  if (name.length > maxLength || !pattern.test(name)) {
    throw TrainingStorageError.invalidProperty(scope, property, renderValue(name),
      `a Kubernetes ${maxLength === 63 ? 'DNS label' : 'DNS subdomain name'}: lowercase letters, digits and "-"${maxLength === 63 ? '' : ' and "."'}, `
      + `starting and ending with a letter or digit, at most ${maxLength} characters`);
  }
}

/** A size as a Kubernetes quantity of whole GiB (`1200Gi`). */
export function kubernetesQuantity(scope: IConstruct, size: Size): string {
  return `${wholeGibibytes(scope, 'storageCapacity', size)}Gi`;
}
