import { Size } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { ClusterFixture, clusterFixture } from './cluster-fixture';
import { DataLocation, EksStorageDrivers, LustreScratch, S3VolumeManifests } from '../../../src';
import { STORAGE_ADDONS } from '../../../src/compute/eks/storage-drivers';
import { thrown } from '../../lustre/fixtures';
import { plainStack, plainTemplate } from '../../support/harness';

const LAKE_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::lake-bucket']] };
const lakeObjects = (prefix: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, `:s3:::lake-bucket/${prefix}*`]] });
const EXPRESS_ARN = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3express:us-east-1:123456789012:bucket/cache--use1-az4--x-s3']] };

/** One stack with a kubectl provider, the drivers, and every kind of volume: EKS synthesis is slow. */
describe('EksStorageDrivers', () => {
  let fixture: ClusterFixture;
  let template: Template;
  let drivers: EksStorageDrivers;
  let key: kms.Key;
  let dataset: S3VolumeManifests;
  let hotDataset: S3VolumeManifests;
  let expressCheckpoints: S3VolumeManifests;
  let lakeCheckpoints: S3VolumeManifests;
  let lustreVolume: { persistentVolume: any; persistentVolumeClaim: any };

  beforeAll(() => {
    fixture = clusterFixture({ kubectl: true });
    const { stack, cluster } = fixture;
    drivers = new EksStorageDrivers(stack, 'Drivers', { cluster, mountpointS3DriverVersion: 'v2.7.0-eksbuild.1' });
    key = new kms.Key(stack, 'LakeKey');
    const lake = s3.Bucket.fromBucketName(stack, 'Lake', 'lake-bucket');
    const cache = s3.Bucket.fromBucketName(stack, 'Cache', 'cache--use1-az4--x-s3');
    dataset = drivers.datasetVolume({
      name: 'corpus',
      claimNamespace: 'training',
      location: DataLocation.fromBucket(lake, 'datasets/corpus/', { encryptionKey: key }),
      cacheSize: Size.gibibytes(100),
      uid: 1000,
      gid: 1000,
    });
    hotDataset = drivers.datasetVolume({ name: 'hot-corpus', claimName: 'hot', location: DataLocation.fromBucket(cache, 'hot/'), mountOptions: ['metadata-ttl 300'] });
    expressCheckpoints = drivers.checkpointVolume({ name: 'checkpoints', location: DataLocation.fromBucket(cache, 'checkpoints/'), localCache: false });
    lakeCheckpoints = drivers.checkpointVolume({ name: 'lake-checkpoints', location: DataLocation.fromBucket(lake, 'checkpoints/'), allowOverwrite: false });
    const lustre = LustreScratch.fromLustreScratchAttributes(stack, 'Lustre', {
      fileSystemId: 'fs-0123456789abcdef0',
      dnsName: 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com',
      mountName: 'abcdefgh',
      securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'LustreSg', 'sg-0123456789abcdef0'),
      storageCapacityGiB: 2400,
    });
    lustreVolume = lustre.persistentVolume({ name: 'scratch' });
    drivers.applyManifests('Volumes', dataset.persistentVolume, dataset.persistentVolumeClaim, lustreVolume.persistentVolume, lustreVolume.persistentVolumeClaim);
    template = plainTemplate(stack);
  });

  const resources = (type: string) => Object.entries<any>(template.findResources(type));
  const logicalId = (construct: any) => fixture.stack.getLogicalId(construct.node.defaultChild ?? construct);
  const ref = (value: any) => fixture.stack.resolve(value);

  test('the add-ons: the Mountpoint S3 and FSx CSI drivers, and the cluster\'s own Pod Identity Agent (only one)', () => {
    const addons = resources('AWS::EKS::Addon').map(([, r]) => r.Properties);
    expect(addons.map((a) => a.AddonName).sort()).toEqual(['aws-fsx-csi-driver', 'aws-mountpoint-s3-csi-driver', 'eks-pod-identity-agent']);
    expect(addons.every((a) => JSON.stringify(a.ClusterName) === JSON.stringify(ref(fixture.cluster.clusterName)))).toBe(true);
    expect(addons.find((a) => a.AddonName === 'aws-mountpoint-s3-csi-driver').AddonVersion).toBe('v2.7.0-eksbuild.1');
    expect(drivers.podIdentityAgent).toBe(fixture.cluster.eksPodIdentityAgent);
  });

  test('Pod Identity associations for the drivers\' service accounts in kube-system; each add-on waits for its association and the agent', () => {
    const associations = resources('AWS::EKS::PodIdentityAssociation').map(([id, r]) => [id, r.Properties]);
    expect(associations.map(([, p]) => [p.Namespace, p.ServiceAccount])).toEqual([['kube-system', 's3-csi-driver-sa'], ['kube-system', 'fsx-csi-controller-sa']]);
    expect(associations[0][1].RoleArn).toEqual(ref(drivers.mountpointRole.roleArn));
    expect(associations[1][1].RoleArn).toEqual(ref(drivers.fsxControllerRole!.roleArn));
    const mountpoint = template.toJSON().Resources[logicalId(drivers.mountpointS3Driver)];
    expect(mountpoint.DependsOn).toEqual(expect.arrayContaining([associations[0][0], logicalId(fixture.cluster.eksPodIdentityAgent)]));
    const fsx = template.toJSON().Resources[logicalId(drivers.fsxLustreDriver)];
    expect(fsx.DependsOn).toEqual(expect.arrayContaining([associations[1][0]]));
    expect(STORAGE_ADDONS.namespace).toBe('kube-system');
  });

  test('each role trusts EKS Pod Identity (AssumeRole, TagSession) for its cluster, namespace and service account only', () => {
    for (const [role, serviceAccount] of [[drivers.mountpointRole, 's3-csi-driver-sa'], [drivers.fsxControllerRole!, 'fsx-csi-controller-sa']] as const) {
      const trust = template.toJSON().Resources[logicalId(role)].Properties.AssumeRolePolicyDocument;
      expect(trust.Statement).toEqual([{
        Effect: 'Allow',
        Principal: { Service: 'pods.eks.amazonaws.com' },
        Action: ['sts:AssumeRole', 'sts:TagSession'],
        Condition: {
          StringEquals: {
            'aws:RequestTag/eks-cluster-arn': ref(fixture.cluster.clusterArn),
            'aws:RequestTag/kubernetes-namespace': 'kube-system',
            'aws:RequestTag/kubernetes-service-account': serviceAccount,
          },
        },
      }]);
    }
  });

  test('the Mountpoint role: exactly the volumes\' locations; a read-only directory bucket mount gets CreateSession without the ReadOnly condition', () => {
    const policies = resources('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.Roles) === JSON.stringify([ref(drivers.mountpointRole.roleName)]));
    expect(policies).toHaveLength(1);
    const statements = policies[0][1].Properties.PolicyDocument.Statement;
    expect(statements).toEqual([
      // dataset: lake prefix, read (and decrypt)
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'], Resource: lakeObjects('datasets/corpus/') },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: LAKE_ARN, Condition: { StringLike: { 's3:prefix': ['datasets/corpus/*'] } } },
      { Effect: 'Allow', Action: 'kms:Decrypt', Resource: ref(key.keyArn) },
      // hot dataset and Express checkpoints: one session grant, no SessionMode condition
      { Effect: 'Allow', Action: 's3express:CreateSession', Resource: EXPRESS_ARN },
      // lake checkpoints: read and write under checkpoints/
      { Effect: 'Allow', Action: ['s3:GetObject', 's3:GetObjectVersion', 's3:GetObjectAttributes'], Resource: lakeObjects('checkpoints/') },
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: LAKE_ARN, Condition: { StringLike: { 's3:prefix': ['checkpoints/*'] } } },
      { Effect: 'Allow', Action: ['s3:PutObject', 's3:AbortMultipartUpload', 's3:ListMultipartUploadParts', 's3:DeleteObject'], Resource: lakeObjects('checkpoints/') },
    ]);
    expect(JSON.stringify(statements)).not.toContain('SessionMode');
  });

  test('the FSx controller role has no permissions (static volumes make no FSx API call)', () => {
    const roleName = JSON.stringify([ref(drivers.fsxControllerRole!.roleName)]);
    expect(resources('AWS::IAM::Policy').filter(([, r]) => JSON.stringify(r.Properties.Roles) === roleName)).toHaveLength(0);
    expect(template.toJSON().Resources[logicalId(drivers.fsxControllerRole)].Properties.ManagedPolicyArns).toBeUndefined();
  });

  test('a dataset volume: lake prefix, read-only both ways, cache with its size limit, uid/gid', () => {
    expect(dataset.claimName).toBe('corpus');
    expect(dataset.claimNamespace).toBe('training');
    expect(dataset.persistentVolume.spec).toMatchObject({
      accessModes: ['ReadOnlyMany'],
      storageClassName: '',
      claimRef: { namespace: 'training', name: 'corpus' },
      mountOptions: ['prefix datasets/corpus/', 'region us-east-1', 'uid=1000', 'gid=1000', 'allow-other'],
      csi: { driver: 's3.csi.aws.com', volumeHandle: 'corpus', volumeAttributes: { bucketName: 'lake-bucket', cache: 'emptyDir', cacheEmptyDirSizeLimit: '100Gi' } },
    });
    expect(dataset.persistentVolumeClaim).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'corpus', namespace: 'training' },
      spec: { accessModes: ['ReadOnlyMany'], storageClassName: '', resources: { requests: { storage: '1200Gi' } }, volumeName: 'corpus' },
    });
    expect(hotDataset.persistentVolume.spec.mountOptions).toEqual(['prefix hot/', 'region us-east-1', 'metadata-ttl 300']);
    expect(hotDataset.persistentVolumeClaim.metadata).toEqual({ name: 'hot', namespace: 'default' });
    expect(hotDataset.persistentVolume.spec.csi.volumeAttributes).toEqual({ bucketName: 'cache--use1-az4--x-s3', cache: 'emptyDir' });
  });

  test('a checkpoint volume: read-write, allow-delete and allow-overwrite; incremental-upload on a directory bucket only', () => {
    expect(expressCheckpoints.persistentVolume.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(expressCheckpoints.persistentVolume.spec.mountOptions)
      .toEqual(['prefix checkpoints/', 'region us-east-1', 'allow-delete', 'allow-overwrite', 'incremental-upload']);
    expect(expressCheckpoints.persistentVolume.spec.csi.volumeAttributes).toEqual({ bucketName: 'cache--use1-az4--x-s3' });
    expect(lakeCheckpoints.persistentVolume.spec.mountOptions).toEqual(['prefix checkpoints/', 'region us-east-1', 'allow-delete']);
    expect(lakeCheckpoints.persistentVolumeClaim.spec.accessModes).toEqual(['ReadWriteMany']);
  });

  test('applyManifests: one KubernetesManifest with the objects in order (a LustreScratch volume too); the caller\'s objects are left as they were', () => {
    const manifests = resources('Custom::AWSCDK-EKS-KubernetesResource');
    expect(manifests).toHaveLength(1);
    const applied = JSON.parse(manifests[0][1].Properties.Manifest);
    expect(applied.map((m: any) => [m.kind, m.metadata.name])).toEqual([
      ['PersistentVolume', 'corpus'], ['PersistentVolumeClaim', 'corpus'], ['PersistentVolume', 'scratch'], ['PersistentVolumeClaim', 'scratch'],
    ]);
    expect(applied[0].spec).toEqual(dataset.persistentVolume.spec);
    expect(applied[2].spec.csi.driver).toBe('fsx.csi.aws.com');
    expect(dataset.persistentVolume.metadata).toEqual({ name: 'corpus' });
    expect(lustreVolume.persistentVolume.metadata).toEqual({ name: 'scratch' });
  });

  test('a checkpoint volume with allowDelete: false gets no s3:DeleteObject; the default (allow-delete) does', () => {
    const statements = resources('AWS::IAM::Policy').filter(([, policy]) => JSON.stringify(policy.Properties.Roles).includes('MountpointS3Role'))
      .flatMap(([, policy]) => policy.Properties.PolicyDocument.Statement);
    const deletes = statements.filter((statement: any) => [statement.Action].flat().includes('s3:DeleteObject'));
    expect(deletes.map((statement: any) => JSON.stringify(ref(statement.Resource)))).toEqual([expect.stringContaining('lake-bucket/checkpoints/*')]);
    const noDelete = clusterFixture();
    const strict = new EksStorageDrivers(noDelete.stack, 'Drivers', { cluster: noDelete.cluster });
    strict.checkpointVolume({
      name: 'keep',
      location: DataLocation.fromBucket(s3.Bucket.fromBucketName(noDelete.stack, 'Lake', 'lake-bucket'), 'checkpoints/'),
      allowDelete: false,
    });
    const actions = Object.values<any>(plainTemplate(noDelete.stack).findResources('AWS::IAM::Policy'))
      .flatMap((policy) => policy.Properties.PolicyDocument.Statement).flatMap((statement: any) => [statement.Action].flat());
    expect(actions).toEqual(expect.arrayContaining(['s3:PutObject', 's3:AbortMultipartUpload']));
    expect(actions).not.toContain('s3:DeleteObject');
  });

  test('the Pod Identity associations keep their session tags (the trust policy relies on them)', () => {
    for (const [, association] of resources('AWS::EKS::PodIdentityAssociation')) {
      expect(association.Properties.DisableSessionTags).toBe(false);
    }
  });

  test('rejects', () => {
    const lake = DataLocation.fromBucket(s3.Bucket.fromBucketName(fixture.stack, 'RejectLake', 'other-bucket'), 'x/');
    expect(thrown(() => new EksStorageDrivers(fixture.stack, 'OldDriver', { cluster: fixture.cluster, mountpointS3DriverVersion: 'v1.15.0-eksbuild.1' })).message)
      .toContain('[Test/OldDriver] mountpointS3DriverVersion: received "v1.15.0-eksbuild.1"; allowed: a 2.x version of the add-on');
    const cases: [() => unknown, string][] = [
      [() => drivers.datasetVolume({ name: 'corpus', location: lake }), 'name: received "corpus"; allowed: a name no other volume of these drivers has'],
      [() => drivers.datasetVolume({ name: 'Corpus', location: lake }), 'name: received "Corpus"; allowed: a Kubernetes DNS subdomain name'],
      [() => drivers.datasetVolume({ name: 'a', claimName: 'B', location: lake }), 'claimName: received "B"'],
      [() => drivers.datasetVolume({ name: 'a', claimNamespace: 'ml.team', location: lake }), 'claimNamespace: received "ml.team"; allowed: a Kubernetes DNS label'],
      [() => drivers.datasetVolume({ name: 'a', location: lake, uid: -1 }), 'uid: received -1; allowed: a whole number of at least 0'],
      [() => drivers.datasetVolume({ name: 'a', location: lake, gid: 1.5 }), 'gid: received 1.5; allowed: a whole number of at least 0'],
      [() => drivers.datasetVolume({ name: 'a', location: lake, cacheSize: Size.mebibytes(1536) }), 'cacheSize: received 1.5 GiB; allowed: whole GiB, at least 1'],
      [() => drivers.datasetVolume({ name: 'a', location: lake, cacheSize: Size.gibibytes(1), localCache: false }),
        'cacheSize: received 1 GiB; allowed: no cacheSize with localCache: false'],
      [() => drivers.datasetVolume({ name: 'a', location: lake, mountOptions: ['region eu-west-1'] }), 'mountOptions[0]: received "region eu-west-1"'],
      [() => drivers.datasetVolume({ name: 'a', location: lake, mountOptions: ['ok 1', '--cache /x'] }), 'mountOptions[1]: received "--cache /x"; allowed: no cache option'],
      [() => drivers.checkpointVolume({ name: 'a', location: lake, incrementalUpload: true }),
        'incrementalUpload: received true; allowed: false for Test/RejectLake: incremental uploads are for directory buckets in S3 Express One Zone only'],
      [() => drivers.applyManifests('Empty'), 'manifests: received none; allowed: at least one manifest object'],
    ];
    for (const [fn, expected] of cases) {
      expect(thrown(fn).message).toContain(`[Test/Drivers] ${expected}`);
    }
  });
});

describe('EksStorageDrivers options', () => {
  test('an imported cluster without a kubectl provider: its own agent add-on; manifests are refused', () => {
    const stack = plainStack('Imported', { env: { account: '123456789012', region: 'us-east-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'training', clusterSecurityGroupId: 'sg-0123456789abcdef0' });
    const drivers = new EksStorageDrivers(stack, 'Drivers', { cluster, fsxLustreDriver: false });
    expect(drivers.fsxLustreDriver).toBeUndefined();
    expect(drivers.fsxControllerRole).toBeUndefined();
    expect(drivers.podIdentityAgent).toBe(drivers.node.findChild('PodIdentityAgent'));
    expect(thrown(() => drivers.applyManifests('Volumes', { kind: 'Namespace' })).message).toBe('[Imported/Drivers] cluster: received Imported/Cluster; '
      + 'allowed: a cluster with a kubectl provider (kubectlProviderOptions) to apply manifests; without one, apply the manifest objects yourself');
    const template = plainTemplate(stack);
    expect(Object.values<any>(template.findResources('AWS::EKS::Addon')).map((r) => r.Properties.AddonName).sort())
      .toEqual(['aws-mountpoint-s3-csi-driver', 'eks-pod-identity-agent']);
  });

  test('podIdentityAgent: false installs no agent; the driver waits for its association only', () => {
    const stack = plainStack('NoAgent', { env: { account: '123456789012', region: 'us-east-1' } });
    const cluster = eks.Cluster.fromClusterAttributes(stack, 'Cluster', { clusterName: 'training' });
    const drivers = new EksStorageDrivers(stack, 'Drivers', { cluster, podIdentityAgent: false, fsxLustreDriver: false });
    expect(drivers.podIdentityAgent).toBeUndefined();
    const template = plainTemplate(stack);
    const addons = Object.values<any>(template.findResources('AWS::EKS::Addon'));
    expect(addons.map((r) => r.Properties.AddonName)).toEqual(['aws-mountpoint-s3-csi-driver']);
    expect(addons[0].DependsOn).toEqual([stack.getLogicalId(drivers.node.findChild('MountpointS3PodIdentity') as any)]);
  });
});
