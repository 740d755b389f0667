import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GPU_SUBNET_GROUP, trainingVpc } from '../../examples/training-vpc';
import { LustreScratch, LustreScratchProps, TrainingDataLake, TrainingStorageError } from '../../src';
import { plainStack } from '../support/harness';

/** The construct path of the file system the fixtures create. */
export const SCRATCH_PATH = 'Test/Scratch';

/** A VPC with one isolated subnet (no validators' findings checked). */
export function plainNetwork(stack: Stack): { vpc: ec2.Vpc; subnet: ec2.ISubnet } {
  const vpc = new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 1,
    natGateways: 0,
    subnetConfiguration: [{ name: GPU_SUBNET_GROUP, subnetType: ec2.SubnetType.PRIVATE_ISOLATED }],
  });
  return { vpc, subnet: vpc.isolatedSubnets[0] };
}

/** A lake and the examples' training VPC (flow logs, isolated subnets): what passes the three validators. */
export function validatedNetwork(stack: Stack): { lake: TrainingDataLake; vpc: ec2.Vpc; subnet: ec2.ISubnet } {
  const lake = new TrainingDataLake(stack, 'Lake');
  const vpc = trainingVpc(stack, 'Vpc', lake.serverAccessLogsBucket!);
  return { lake, vpc, subnet: vpc.selectSubnets({ subnetGroupName: GPU_SUBNET_GROUP }).subnets[0] };
}

/** A file system `Scratch` in the training VPC of the stack (the validators run only if the stack is a test stack). */
export function scratchIn(stack: Stack, props: Partial<LustreScratchProps> = {}): LustreScratch {
  const { vpc, subnet } = validatedNetwork(stack);
  return new LustreScratch(stack, 'Scratch', { vpc, subnet, ...props });
}

/** Builds a file system in a new plain stack and returns the error it throws. */
export function rejection(props: Partial<LustreScratchProps>, stack = plainStack()): TrainingStorageError {
  return thrown(() => scratchIn(stack, props));
}

/** The TrainingStorageError a function throws. */
export function thrown(fn: () => unknown): TrainingStorageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrainingStorageError);
    return e as TrainingStorageError;
  }
  throw new Error('no error thrown');
}

/** The one AWS::FSx::FileSystem of a template. */
export function fileSystem(template: Template): { [key: string]: any } {
  const found = template.findResources('AWS::FSx::FileSystem');
  expect(Object.keys(found)).toHaveLength(1);
  return Object.values(found)[0];
}

/** The message's start, for messages checked by their beginning. */
export function message(property: string, received: string, allowed: string): string {
  return `[${SCRATCH_PATH}] ${property}: received ${received}; allowed: ${allowed}`;
}
