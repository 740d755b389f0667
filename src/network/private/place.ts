import { Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { TrainingStorageError } from '../../core/errors';
import type { RuleViolation } from '../rules';

/**
 * Places a subnet by Availability Zone ID: its `AWS::EC2::Subnet` gets `AvailabilityZoneId` and no
 * `AvailabilityZone` (CloudFormation takes either; the name would map to a different physical zone
 * in each account). Returns the `CfnSubnet`.
 * @internal
 */
export function placeByZoneId(subnet: ec2.ISubnet, zoneId: string): ec2.CfnSubnet {
  const cfnSubnet = subnet.node.defaultChild as ec2.CfnSubnet;
  cfnSubnet.availabilityZone = undefined;
  cfnSubnet.availabilityZoneId = zoneId;
  return cfnSubnet;
}

/** Throws a rule's violation as the error of the construct `id` about to be created in `scope`. @internal */
export function failWithPath(scope: IConstruct, id: string): (violation: RuleViolation | undefined) => void {
  const path = scope.node.path ? `${scope.node.path}/${id}` : id;
  return (violation) => {
    if (violation) {
      throw new TrainingStorageError(path, violation.property, violation.received, violation.allowed);
    }
  };
}

/** A zone ID must be literal: the point of the training zone is that it is known at synthesis time. @internal */
export function checkLiteralZoneId(fail: (violation: RuleViolation | undefined) => void, property: string, zoneId: string): void {
  if (Token.isUnresolved(zoneId)) {
    fail({
      property,
      received: '(unresolved token)',
      allowed: 'a literal Availability Zone ID such as "use1-az4": the training zone is known at synthesis time',
    });
  }
}
