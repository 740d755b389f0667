import { AcceleratorKind } from '../../../src';
import {
  acceleratorOfFamily, amiTypeFor, checkAcceleratorKind, checkNodeCounts, checkTaints, defaultLabels, defaultTaints, EksAcceleratedAmiType,
  kubernetesEffect, renderNodeUserData, USER_DATA_BOUNDARY,
} from '../../../src/compute/eks/rules';

describe('AMI types', () => {
  test.each([
    ['p5.48xlarge', AcceleratorKind.NVIDIA_GPU, EksAcceleratedAmiType.X86_64_NVIDIA],
    ['p4d.24xlarge', AcceleratorKind.NVIDIA_GPU, EksAcceleratedAmiType.X86_64_NVIDIA],
    ['g6e.48xlarge', AcceleratorKind.NVIDIA_GPU, EksAcceleratedAmiType.X86_64_NVIDIA],
    ['p6e-gb200.36xlarge', AcceleratorKind.NVIDIA_GPU, EksAcceleratedAmiType.ARM_64_NVIDIA],
    ['g5g.16xlarge', AcceleratorKind.NVIDIA_GPU, EksAcceleratedAmiType.ARM_64_NVIDIA],
    ['trn1.32xlarge', AcceleratorKind.AWS_TRAINIUM, EksAcceleratedAmiType.X86_64_NEURON],
    ['trn2.48xlarge', AcceleratorKind.AWS_TRAINIUM, EksAcceleratedAmiType.X86_64_NEURON],
  ])('%s (%s): %s', (instanceType, kind, amiType) => {
    expect(amiTypeFor(instanceType, kind)).toBe(amiType);
    expect(acceleratorOfFamily(instanceType)).toBe(kind);
  });

  test('the strings are the CloudFormation AmiType values', () => {
    expect(Object.values(EksAcceleratedAmiType)).toEqual(['AL2023_x86_64_NVIDIA', 'AL2023_ARM_64_NVIDIA', 'AL2023_x86_64_NEURON']);
  });

  test('an accelerator that contradicts the family is rejected; an unlisted family is accepted', () => {
    expect(checkAcceleratorKind('p5.48xlarge', AcceleratorKind.AWS_TRAINIUM)).toEqual({
      property: 'acceleratorKind',
      received: 'AWS_TRAINIUM',
      allowed: 'NVIDIA_GPU: the EKS-optimized AL2023 AMI for p5 instances is the NVIDIA one',
    });
    expect(checkAcceleratorKind('trn2.48xlarge', AcceleratorKind.NVIDIA_GPU)?.allowed).toBe('AWS_TRAINIUM: the EKS-optimized AL2023 AMI for trn2 instances is the Neuron one');
    expect(checkAcceleratorKind('x9.metal', AcceleratorKind.NVIDIA_GPU)).toBeUndefined();
    expect(acceleratorOfFamily('x9.metal')).toBeUndefined();
  });
});

describe('labels and taints', () => {
  test('documented defaults', () => {
    expect(defaultTaints(AcceleratorKind.NVIDIA_GPU)).toEqual([{ key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(defaultTaints(AcceleratorKind.AWS_TRAINIUM)).toEqual([{ key: 'aws.amazon.com/neuron', value: 'true', effect: 'NO_SCHEDULE' }]);
    expect(defaultLabels('ng', AcceleratorKind.NVIDIA_GPU, true)).toEqual({
      'cdk-training-storage/nodegroup': 'ng',
      'cdk-training-storage/accelerator': 'nvidia-gpu',
      'nvidia.com/gpu.present': 'true',
      'vpc.amazonaws.com/efa.present': 'true',
    });
    expect(defaultLabels('ng', AcceleratorKind.AWS_TRAINIUM, false)).toEqual({
      'cdk-training-storage/nodegroup': 'ng',
      'cdk-training-storage/accelerator': 'aws-trainium',
    });
  });

  test('effects in Kubernetes spelling', () => {
    expect(['NO_SCHEDULE', 'PREFER_NO_SCHEDULE', 'NO_EXECUTE'].map(kubernetesEffect)).toEqual(['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
  });

  test('valid taints pass', () => {
    expect(checkTaints([
      { key: 'nvidia.com/gpu', value: 'true', effect: 'NO_SCHEDULE' },
      { key: 'dedicated', value: '', effect: 'NO_EXECUTE' },
      { key: 'a'.repeat(63), effect: 'PREFER_NO_SCHEDULE' },
      { key: `${'b'.repeat(60)}.example.com/${'c'.repeat(63)}`, effect: 'NO_SCHEDULE' },
    ])).toBeUndefined();
  });

  test.each([
    [[{ key: '-x', effect: 'NO_SCHEDULE' }], 'taints[0].key', '"-x"'],
    [[{ effect: 'NO_SCHEDULE' }], 'taints[0].key', 'null'],
    [[{ key: 'a'.repeat(64), effect: 'NO_SCHEDULE' }], 'taints[0].key', `"${'a'.repeat(64)}"`],
    [[{ key: 'Upper.Case/x', effect: 'NO_SCHEDULE' }], 'taints[0].key', '"Upper.Case/x"'],
    [[{ key: 'ok', value: 'bad value', effect: 'NO_SCHEDULE' }], 'taints[0].value', '"bad value"'],
    [[{ key: 'ok' }], 'taints[0].effect', 'none'],
  ])('%j is rejected', (taints, property, received) => {
    expect(checkTaints(taints)).toMatchObject({ property, received });
  });

  test('at most 50 taints', () => {
    const taints = Array.from({ length: 51 }, (_, i) => ({ key: `k${i}`, effect: 'NO_SCHEDULE' }));
    expect(checkTaints(taints)).toEqual({ property: 'taints', received: '51 taints', allowed: 'at most 50 per node group' });
    expect(checkTaints(taints.slice(1))).toBeUndefined();
  });
});

describe('node counts', () => {
  test.each([
    [{ minSize: 0, desiredSize: 0, maxSize: 1 }, undefined],
    [{ minSize: 2, desiredSize: 4, maxSize: 4 }, undefined],
    [{ minSize: -1, desiredSize: 0, maxSize: 1 }, { property: 'minSize', received: '-1', allowed: 'a whole number of at least 0' }],
    [{ minSize: 0, desiredSize: 1.5, maxSize: 2 }, { property: 'desiredSize', received: '1.5', allowed: 'a whole number of at least 0' }],
    [{ minSize: 3, desiredSize: 2, maxSize: 4 }, { property: 'minSize', received: '3', allowed: 'at most desiredSize (2)' }],
    [{ minSize: 0, desiredSize: 4, maxSize: 2 }, { property: 'maxSize', received: '2', allowed: 'at least desiredSize (4)' }],
  ])('%j', (counts, expected) => {
    expect(checkNodeCounts(counts)).toEqual(expected);
  });
});

describe('node user data', () => {
  test('a MIME multi-part archive with one NodeConfig part: instance-store RAID 0', () => {
    const text = renderNodeUserData();
    expect(text.split('\n')).toEqual([
      'MIME-Version: 1.0',
      `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
      '',
      `--${USER_DATA_BOUNDARY}`,
      'Content-Type: application/node.eks.aws',
      '',
      '---',
      'apiVersion: node.eks.aws/v1alpha1',
      'kind: NodeConfig',
      'spec:',
      '  instance:',
      '    localStorage:',
      '      strategy: RAID0',
      '',
      `--${USER_DATA_BOUNDARY}--`,
      '',
    ]);
  });
});
