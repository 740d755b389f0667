import {
  checkInstanceGroup, checkMemoryAllocationPercent, checkMountPath, checkOnCreateScript, checkTieredCheckpointingOrchestrator,
  duplicateNames, INSTANCE_COUNT,
} from '../../../src/sagemaker/hyperpod/rules';

describe('HyperPod rules', () => {
  const group = { name: 'gpu', instanceType: 'ml.p5.48xlarge', instanceCount: 2 };

  test('instance group names: letters and digits with hyphens between them, 1 to 63 characters', () => {
    for (const name of ['gpu', 'GPU-1', 'a--b', 'x'.repeat(63), '7']) {
      expect(checkInstanceGroup({ ...group, name })).toBeUndefined();
    }
    for (const name of ['', '-gpu', 'gpu-', 'gpu_1', 'gpu.1', 'x'.repeat(64)]) {
      expect(checkInstanceGroup({ ...group, name })?.property).toBe('name');
    }
  });

  test('instance types: ml.<family>.<size>', () => {
    for (const instanceType of ['ml.p5.48xlarge', 'ml.trn1n.32xlarge', 'ml.p6e-gb200.36xlarge', 'ml.t3.medium']) {
      expect(checkInstanceGroup({ ...group, instanceType })).toBeUndefined();
    }
    for (const instanceType of ['p5.48xlarge', 'ml.p5', 'ML.P5.48XLARGE', 'ml.p5.48xlarge ']) {
      expect(checkInstanceGroup({ ...group, instanceType })).toEqual({
        property: 'instanceType', received: JSON.stringify(instanceType), allowed: 'a SageMaker instance type "ml.<family>.<size>", such as "ml.p5.48xlarge"',
      });
    }
  });

  test('instance counts: whole numbers from 0 to 6758', () => {
    expect(INSTANCE_COUNT).toEqual({ min: 0, max: 6758 });
    for (const instanceCount of [0, 1, 6758]) {
      expect(checkInstanceGroup({ ...group, instanceCount })).toBeUndefined();
    }
    for (const instanceCount of [-1, 1.5, 6759]) {
      expect(checkInstanceGroup({ ...group, instanceCount })).toEqual({ property: 'instanceCount', received: String(instanceCount), allowed: 'a whole number from 0 to 6758' });
    }
  });

  test('threads per core: 1 or 2', () => {
    expect(checkInstanceGroup({ ...group, threadsPerCore: 1 })).toBeUndefined();
    expect(checkInstanceGroup({ ...group, threadsPerCore: 2 })).toBeUndefined();
    expect(checkInstanceGroup({ ...group, threadsPerCore: 4 })?.property).toBe('threadsPerCore');
  });

  test('values the caller marks as not literal are skipped', () => {
    expect(checkInstanceGroup({ ...group, name: '${Token[X]}' }, () => false)).toBeUndefined();
  });

  test('duplicate names, each once', () => {
    expect(duplicateNames(['a', 'b', 'a', 'a', 'b', 'c'])).toEqual(['a', 'b']);
    expect(duplicateNames(['a', 'b'])).toEqual([]);
  });

  test('mount paths: /[a-zA-Z0-9._/-]+, at most 1024 characters', () => {
    for (const path of ['/fsx', '/mnt/fsx-1', '/a.b_c/d']) {
      expect(checkMountPath(path)).toBeUndefined();
    }
    for (const path of ['/', 'fsx', '/f sx', '/fsx;rm', `/${'a'.repeat(1024)}`]) {
      expect(checkMountPath(path)?.property).toBe('lustreMountPath');
    }
  });

  test('memory share: a whole percent from 0 to 100', () => {
    for (const percent of [0, 20, 100]) {
      expect(checkMemoryAllocationPercent(percent)).toBeUndefined();
    }
    for (const percent of [-1, 101, 12.5]) {
      expect(checkMemoryAllocationPercent(percent)).toEqual({
        property: 'tieredCheckpointing.memoryAllocationPercent',
        received: String(percent),
        allowed: 'a whole percent from 0 to 100 (TieredStorageConfig.InstanceMemoryAllocationPercentage)',
      });
    }
  });

  test('tiered checkpointing needs EKS', () => {
    expect(checkTieredCheckpointingOrchestrator('EKS')).toBeUndefined();
    expect(checkTieredCheckpointingOrchestrator('SLURM')?.property).toBe('tieredCheckpointing');
  });

  test('entrypoint names: relative file paths without . or .. segments', () => {
    for (const name of ['on_create.sh', 'scripts/on-create.sh']) {
      expect(checkOnCreateScript(name)).toBeUndefined();
    }
    for (const name of ['', '/on_create.sh', '../on_create.sh', 'a/./b.sh', 'on create.sh', 'x'.repeat(129)]) {
      expect(checkOnCreateScript(name)?.property).toBe('lifecycleScripts.onCreateScript');
    }
  });
});
