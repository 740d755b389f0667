import { Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TrainingStorageError } from '../../src';
import { renderValue } from '../../src/core/errors';

describe('TrainingStorageError', () => {
  test('names the construct path, the property, the value received and what is allowed', () => {
    const stack = new Stack(undefined, 'Stack');
    const scope = new Construct(stack, 'Lake');
    const error = TrainingStorageError.invalidProperty(scope, 'checkpointsPrefix', '"a//b/"', 'a key prefix');

    expect(error).toBeInstanceOf(TrainingStorageError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('TrainingStorageError');
    expect(error.message).toBe('[Stack/Lake] checkpointsPrefix: received "a//b/"; allowed: a key prefix');
    expect(error.constructPath).toBe('Stack/Lake');
    expect(error.property).toBe('checkpointsPrefix');
    expect(error.received).toBe('"a//b/"');
    expect(error.allowed).toBe('a key prefix');
  });

  test('renders strings quoted, numbers plain and tokens as tokens', () => {
    const stack = new Stack();
    expect(renderValue('x')).toBe('"x"');
    expect(renderValue(3)).toBe('3');
    expect(renderValue(true)).toBe('true');
    expect(renderValue(stack.account)).toBe('(unresolved token)');
  });
});
