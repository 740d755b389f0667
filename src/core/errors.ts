import { Duration, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * The one error this library throws for bad input, at synthesis time.
 *
 * Its message names the construct path, the property, the value received and what is allowed:
 *
 * `[Stack/Lake] checkpointsExpireAfter: received 20 days; allowed: longer than checkpointsGlacierInstantRetrievalAfter (30 days)`
 *
 * TypeScript and JavaScript users can test for it with `instanceof`. jsii cannot model a subclass of
 * `Error`, so the class is not part of the jsii assembly: in other languages the same message
 * arrives as the runtime's error.
 *
 * @jsii ignore
 */
export class TrainingStorageError extends Error {
  /**
   * The error for a property value that is not allowed.
   *
   * @param scope the construct that received the value
   * @param property the name of the property (or method argument)
   * @param received the value received, rendered for the message
   * @param allowed what is allowed instead
   */
  public static invalidProperty(scope: IConstruct, property: string, received: string, allowed: string): TrainingStorageError {
    return new TrainingStorageError(scope.node.path, property, received, allowed);
  }

  /** Path of the construct that received the value (empty for the root). */
  public readonly constructPath: string;
  /** The property (or method argument) that holds the value. */
  public readonly property: string;
  /** The value received, as rendered in the message. */
  public readonly received: string;
  /** What is allowed instead. */
  public readonly allowed: string;

  /**
   * @param constructPath path of the construct that received the value
   * @param property the property (or method argument) that holds the value
   * @param received the value received, rendered for the message
   * @param allowed what is allowed instead
   */
  public constructor(constructPath: string, property: string, received: string, allowed: string) {
    super(`[${constructPath}] ${property}: received ${received}; allowed: ${allowed}`);
    Object.setPrototypeOf(this, TrainingStorageError.prototype);
    this.name = 'TrainingStorageError';
    this.constructPath = constructPath;
    this.property = property;
    this.received = received;
    this.allowed = allowed;
  }
}

/**
 * Renders a value for an error message: strings quoted, tokens named as such.
 * @internal
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') {
    return Token.isUnresolved(value) ? '(unresolved token)' : JSON.stringify(value);
  }
  if (typeof value === 'number') {
    return Token.isUnresolved(value) ? '(unresolved token)' : String(value);
  }
  if (value instanceof Duration) {
    return value.toHumanString();
  }
  return String(value);
}
