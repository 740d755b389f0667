import {
  checkExtraMountOptions, checkKubernetesName, mountOptionFlag, MountpointVolumeInput, renderMountpointVolume, renderTrainingJob,
} from '../../../src/compute/eks/clients';

const base: MountpointVolumeInput = {
  name: 'corpus',
  claimName: 'corpus-claim',
  namespace: 'training',
  bucketName: 'lake-bucket',
  prefix: 'datasets/corpus/',
  readOnly: true,
  region: 'us-east-1',
  localCache: true,
  cacheSizeLimit: '100Gi',
  allowDelete: false,
  allowOverwrite: false,
  incrementalUpload: false,
  extraMountOptions: [],
};

describe('Mountpoint volume', () => {
  test('a read-only volume: ReadOnlyMany both ways, prefix and region, the cache as volume attributes', () => {
    expect(renderMountpointVolume(base)).toEqual({
      persistentVolume: {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'corpus' },
        spec: {
          capacity: { storage: '1200Gi' },
          accessModes: ['ReadOnlyMany'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          claimRef: { namespace: 'training', name: 'corpus-claim' },
          mountOptions: ['prefix datasets/corpus/', 'region us-east-1'],
          csi: {
            driver: 's3.csi.aws.com',
            volumeHandle: 'corpus',
            volumeAttributes: { bucketName: 'lake-bucket', cache: 'emptyDir', cacheEmptyDirSizeLimit: '100Gi' },
          },
        },
      },
      persistentVolumeClaim: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'corpus-claim', namespace: 'training' },
        spec: {
          accessModes: ['ReadOnlyMany'],
          storageClassName: '',
          resources: { requests: { storage: '1200Gi' } },
          volumeName: 'corpus',
        },
      },
    });
  });

  test('a writer: ReadWriteMany, the write flags, uid/gid with allow-other, extra options last; no cache, no prefix, no region', () => {
    const { persistentVolume, persistentVolumeClaim } = renderMountpointVolume({
      ...base,
      readOnly: false,
      prefix: '',
      region: undefined,
      localCache: false,
      allowDelete: true,
      allowOverwrite: true,
      incrementalUpload: true,
      uid: 1000,
      gid: 2000,
      extraMountOptions: ['metadata-ttl 300'],
    });
    expect(persistentVolume.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(persistentVolumeClaim.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(persistentVolume.spec.mountOptions).toEqual(['allow-delete', 'allow-overwrite', 'incremental-upload', 'uid=1000', 'gid=2000', 'allow-other', 'metadata-ttl 300']);
    expect(persistentVolume.spec.csi.volumeAttributes).toEqual({ bucketName: 'lake-bucket' });
  });

  test('a cache without a size limit', () => {
    expect(renderMountpointVolume({ ...base, cacheSizeLimit: undefined }).persistentVolume.spec.csi.volumeAttributes)
      .toEqual({ bucketName: 'lake-bucket', cache: 'emptyDir' });
  });
});

describe('mount options', () => {
  test.each([
    ['--region us-east-1', 'region'], ['region us-east-1', 'region'], ['uid=1000', 'uid'], ['allow-delete', 'allow-delete'], ['  max-cache-size 10', 'max-cache-size'],
  ])('%s is %s', (option, flag) => {
    expect(mountOptionFlag(option)).toBe(flag);
  });

  test('accepted', () => {
    expect(checkExtraMountOptions(['max-cache-size 10240', 'metadata-ttl 300', 'debug'])).toBeUndefined();
  });

  test.each([
    ['', 'mountOptions[0]', 'a Mountpoint option such as "max-cache-size 10240"'],
    ['--prefix x/', 'mountOptions[0]', 'options the volume does not set itself (it sets prefix, region, read-only, allow-delete, allow-overwrite, '
      + 'incremental-upload, uid, gid, allow-other from its properties)'],
    ['read-only', 'mountOptions[0]', 'options the volume does not set itself'],
    ['gid=3', 'mountOptions[0]', 'options the volume does not set itself'],
    ['cache /tmp/x', 'mountOptions[0]', 'no cache option: the local cache is the volume attribute "cache" (localCache, cacheSize); the driver rejects both'],
  ])('%j is rejected', (option, property, allowed) => {
    const violation = checkExtraMountOptions([option]);
    expect(violation?.property).toBe(property);
    expect(violation?.allowed).toContain(allowed);
  });
});

describe('Kubernetes names', () => {
  test.each([
    ['corpus', 253, true], ['corpus.v2', 253, true], ['corpus.v2', 63, false], ['Corpus', 253, false], ['-x', 63, false], ['x-', 253, false],
    ['a'.repeat(63), 63, true], ['a'.repeat(64), 63, false], ['a'.repeat(253), 253, true], ['a'.repeat(254), 253, false],
  ] as const)('%s as %d: %s', (name, max, ok) => {
    expect(checkKubernetesName('name', name, max) === undefined).toBe(ok);
  });

  test('the message', () => {
    expect(checkKubernetesName('claimNamespace', 'a.b', 63)).toEqual({
      property: 'claimNamespace',
      received: '"a.b"',
      allowed: 'a Kubernetes DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters',
    });
  });
});

describe('sample training Job', () => {
  test('an Indexed Job on the node group, tolerating its taints, with both claims and /dev/shm', () => {
    const job = renderTrainingJob({
      name: 'train',
      namespace: 'training',
      image: 'my-image:1',
      command: ['torchrun', 'train.py'],
      nodes: 2,
      nodeSelector: { 'cdk-training-storage/nodegroup': 'ng' },
      tolerations: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
      resources: { 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
      datasetClaimName: 'corpus',
      datasetMountPath: '/data',
      checkpointClaimName: 'ckpt',
      checkpointMountPath: '/checkpoints',
    });
    expect(job).toEqual({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'train', namespace: 'training' },
      spec: {
        completions: 2,
        parallelism: 2,
        completionMode: 'Indexed',
        backoffLimit: 0,
        template: {
          spec: {
            restartPolicy: 'Never',
            nodeSelector: { 'cdk-training-storage/nodegroup': 'ng' },
            tolerations: [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }],
            containers: [{
              name: 'train',
              image: 'my-image:1',
              command: ['torchrun', 'train.py'],
              env: [{ name: 'DATASET_DIR', value: '/data' }, { name: 'CHECKPOINT_DIR', value: '/checkpoints' }],
              resources: {
                requests: { 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
                limits: { 'nvidia.com/gpu': 8, 'vpc.amazonaws.com/efa': 32 },
              },
              volumeMounts: [
                { name: 'dataset', mountPath: '/data', readOnly: true },
                { name: 'checkpoints', mountPath: '/checkpoints' },
                { name: 'dshm', mountPath: '/dev/shm' },
              ],
            }],
            volumes: [
              { name: 'dataset', persistentVolumeClaim: { claimName: 'corpus', readOnly: true } },
              { name: 'checkpoints', persistentVolumeClaim: { claimName: 'ckpt' } },
              { name: 'dshm', emptyDir: { medium: 'Memory' } },
            ],
          },
        },
      },
    });
  });
});
