/**
 * Kubernetes manifests for training pods on EKS, as pure functions without CDK imports: a static
 * PersistentVolume and PersistentVolumeClaim for the Mountpoint for Amazon S3 CSI driver (v2), the
 * checks of their names and mount options, and a sample training Job. Constructs check the literal
 * values first and turn a violation into a `TrainingStorageError`.
 *
 * Sources, checked in December 2026 (cited by letter below):
 *
 * [S] Mountpoint for Amazon S3 CSI driver, static provisioning example
 *     (https://github.com/awslabs/mountpoint-s3-csi-driver/blob/main/examples/kubernetes/static_provisioning/static_provisioning.yaml):
 *     `capacity.storage: 1200Gi # Ignored, required`; `accessModes` "Supported options:
 *     ReadWriteMany / ReadOnlyMany"; `storageClassName: "" # Required for static provisioning`;
 *     `claimRef`; `mountOptions: [allow-delete, region us-west-2, prefix some-s3-prefix/]`;
 *     `csi.driver: s3.csi.aws.com`, `volumeHandle: s3-csi-driver-volume # Must be unique`,
 *     `volumeAttributes.bucketName`. Non-root example: `mountOptions: [uid=1000, gid=2000,
 *     allow-other]` (examples/kubernetes/static_provisioning/non_root.yaml).
 * [T] Its caching guide (docs/CACHING.md): in v2 the local cache "should be specified using volume
 *     attributes": `cache: emptyDir`, `cacheEmptyDirSizeLimit` ("optional but highly recommended!"),
 *     `cacheEmptyDirMedium`; "For disk-backed (default) medium, the CSI Driver will automatically
 *     enforce that limit in Mountpoint". A `cache` mount option next to the volume attribute fails:
 *     "Cache configured with both `mountOptions` and `volumeAttributes`" (pkg/podmounter/mppod/creator.go).
 * [U] The driver turns each mount option into `--key value` (a leading `--` is added) and adds
 *     `--read-only` itself for a `ReadOnlyMany` volume (pkg/mountpoint/args.go, pkg/driver/node/node.go).
 * [V] Mountpoint's flags (https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md and
 *     mountpoint-s3/src/cli.rs): `--prefix` "must end with the / character"; `--region`;
 *     `--allow-delete`; `--allow-overwrite` ("The file must be opened with the O_TRUNC flag");
 *     `--incremental-upload` "Enable incremental uploads and support for appending to existing
 *     objects", for directory buckets in S3 Express One Zone only (doc/SEMANTICS.md).
 * [W] Kubernetes object names: a PersistentVolume or PersistentVolumeClaim name is a DNS subdomain
 *     name (at most 253 characters of lowercase letters, digits, "-" and "."), a namespace a DNS
 *     label (at most 63, no ".") (https://kubernetes.io/docs/concepts/overview/working-with-objects/names/).
 */
import { kubernetesNameProblem } from '../../core/kubernetes-names';
import type { RuleViolation } from '../instance-types';

/** The Mountpoint for Amazon S3 CSI driver's name [S]. @internal */
export const MOUNTPOINT_CSI_DRIVER = 's3.csi.aws.com';

/** The capacity of an S3 volume: the driver ignores it, Kubernetes requires it [S]. @internal */
export const S3_VOLUME_CAPACITY = '1200Gi';

/** Checks a Kubernetes name [W]: a DNS label (maxLength 63) or a DNS subdomain name (253). @internal */
export function checkKubernetesName(property: string, name: string, maxLength: 63 | 253): RuleViolation | undefined {
  const allowed = kubernetesNameProblem(name, maxLength);
  return allowed === undefined ? undefined : { property, received: JSON.stringify(name), allowed };
}

/** The mount options a volume sets from its own settings, which `mountOptions` may not repeat. @internal */
export const RESERVED_MOUNT_OPTIONS = [
  'prefix', 'region', 'read-only', 'allow-delete', 'allow-overwrite', 'incremental-upload', 'uid', 'gid', 'allow-other', 'cache',
] as const;

/** The Mountpoint flag of a mount option: `--region us-east-1`, `region us-east-1` and `uid=1000` give `region`, `uid` [U]. @internal */
export function mountOptionFlag(option: string): string {
  return option.trim().replace(/^-+/, '').split(/[\s=]/)[0];
}

/**
 * Checks extra mount options: none empty, and none of the flags the volume sets itself
 * ({@link RESERVED_MOUNT_OPTIONS}), nor `cache` (the local cache is a volume attribute [T]).
 * @internal
 */
export function checkExtraMountOptions(options: readonly string[]): RuleViolation | undefined {
  for (const [i, option] of options.entries()) {
    const flag = mountOptionFlag(option);
    if (flag === '') {
      return { property: `mountOptions[${i}]`, received: JSON.stringify(option), allowed: 'a Mountpoint option such as "max-cache-size 10240"' };
    }
    if ((RESERVED_MOUNT_OPTIONS as readonly string[]).includes(flag)) {
      return {
        property: `mountOptions[${i}]`,
        received: JSON.stringify(option),
        allowed: flag === 'cache'
          ? 'no cache option: the local cache is the volume attribute "cache" (localCache, cacheSize); the driver rejects both'
          : `options the volume does not set itself (it sets ${RESERVED_MOUNT_OPTIONS.filter((f) => f !== 'cache').join(', ')} from its properties)`,
      };
    }
  }
  return undefined;
}

/** What {@link renderMountpointVolume} takes, checked by the caller. @internal */
export interface MountpointVolumeInput {
  /** The PersistentVolume's name, also its `volumeHandle` (unique, as the driver requires [S]). */
  readonly name: string;
  readonly claimName: string;
  readonly namespace: string;
  readonly bucketName: string;
  /** The key prefix: empty (the whole bucket) or ending with `/`. */
  readonly prefix: string;
  readonly readOnly: boolean;
  /** The bucket's Region, when known at synthesis time. */
  readonly region?: string;
  /** Whether the volume has a local cache (an emptyDir on the node) [T]. */
  readonly localCache: boolean;
  /** The cache's size limit, as a Kubernetes quantity (`100Gi`). */
  readonly cacheSizeLimit?: string;
  readonly allowDelete: boolean;
  readonly allowOverwrite: boolean;
  readonly incrementalUpload: boolean;
  readonly uid?: number;
  readonly gid?: number;
  readonly extraMountOptions: readonly string[];
}

/** A PersistentVolume and its claim. @internal */
export interface VolumeManifests {
  readonly persistentVolume: Record<string, any>;
  readonly persistentVolumeClaim: Record<string, any>;
}

/**
 * A static PersistentVolume for the Mountpoint CSI driver [S] bound both ways to its claim
 * (`claimRef` and `volumeName`): `ReadOnlyMany` for a read-only volume (the driver adds
 * `--read-only` [U]), `ReadWriteMany` otherwise; the mount options as the v2 driver spells them
 * (`prefix p/`, `region r`, `allow-delete`, `uid=1000` [S]); the local cache as the volume attribute
 * `cache: emptyDir` with its size limit [T].
 * @internal
 */
export function renderMountpointVolume(input: MountpointVolumeInput): VolumeManifests {
  const accessMode = input.readOnly ? 'ReadOnlyMany' : 'ReadWriteMany';
  const mountOptions = [
    ...(input.prefix === '' ? [] : [`prefix ${input.prefix}`]),
    ...(input.region === undefined ? [] : [`region ${input.region}`]),
    ...(input.allowDelete ? ['allow-delete'] : []),
    ...(input.allowOverwrite ? ['allow-overwrite'] : []),
    ...(input.incrementalUpload ? ['incremental-upload'] : []),
    ...(input.uid === undefined ? [] : [`uid=${input.uid}`]),
    ...(input.gid === undefined ? [] : [`gid=${input.gid}`]),
    ...(input.uid === undefined && input.gid === undefined ? [] : ['allow-other']),
    ...input.extraMountOptions,
  ];
  const volumeAttributes: Record<string, string> = { bucketName: input.bucketName };
  if (input.localCache) {
    volumeAttributes.cache = 'emptyDir';
    if (input.cacheSizeLimit !== undefined) {
      volumeAttributes.cacheEmptyDirSizeLimit = input.cacheSizeLimit;
    }
  }
  const persistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: input.name },
    spec: {
      capacity: { storage: S3_VOLUME_CAPACITY },
      accessModes: [accessMode],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      claimRef: { namespace: input.namespace, name: input.claimName },
      mountOptions,
      csi: { driver: MOUNTPOINT_CSI_DRIVER, volumeHandle: input.name, volumeAttributes },
    },
  };
  const persistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: input.claimName, namespace: input.namespace },
    spec: {
      accessModes: [accessMode],
      storageClassName: '',
      resources: { requests: { storage: S3_VOLUME_CAPACITY } },
      volumeName: input.name,
    },
  };
  return { persistentVolume, persistentVolumeClaim };
}

/** A toleration of a Job's pods. @internal */
export interface TolerationInput {
  readonly key: string;
  /** The Kubernetes spelling: `NoSchedule`, `PreferNoSchedule`, `NoExecute`. */
  readonly effect: string;
}

/** What {@link renderTrainingJob} takes, checked by the caller. @internal */
export interface TrainingJobInput {
  readonly name: string;
  readonly namespace: string;
  readonly image: string;
  readonly command?: readonly string[];
  /** Pods, one per node. */
  readonly nodes: number;
  readonly nodeSelector: Record<string, string>;
  readonly tolerations: readonly TolerationInput[];
  /** Extended resources per pod (accelerators, EFA devices), requested and limited alike. */
  readonly resources: Record<string, number>;
  readonly datasetClaimName: string;
  readonly datasetMountPath: string;
  readonly checkpointClaimName: string;
  readonly checkpointMountPath: string;
}

/**
 * A sample training Job: `nodes` pods (an Indexed Job, one pod per node, each with all the node's
 * accelerators and EFA devices), on the node group's nodes (its label) through its taints, with the
 * dataset claim mounted read-only, the checkpoint claim read-write, and a memory-backed `/dev/shm`
 * (data loader workers and NCCL share memory through it). `DATASET_DIR` and `CHECKPOINT_DIR` tell
 * the script where they are.
 * @internal
 */
export function renderTrainingJob(input: TrainingJobInput): Record<string, any> {
  const resources = { ...input.resources };
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: input.name, namespace: input.namespace },
    spec: {
      completions: input.nodes,
      parallelism: input.nodes,
      completionMode: 'Indexed',
      backoffLimit: 0,
      template: {
        spec: {
          restartPolicy: 'Never',
          nodeSelector: { ...input.nodeSelector },
          tolerations: input.tolerations.map((t) => ({ key: t.key, operator: 'Exists', effect: t.effect })),
          containers: [{
            name: 'train',
            image: input.image,
            ...(input.command === undefined ? {} : { command: [...input.command] }),
            env: [
              { name: 'DATASET_DIR', value: input.datasetMountPath },
              { name: 'CHECKPOINT_DIR', value: input.checkpointMountPath },
            ],
            resources: { requests: resources, limits: resources },
            volumeMounts: [
              { name: 'dataset', mountPath: input.datasetMountPath, readOnly: true },
              { name: 'checkpoints', mountPath: input.checkpointMountPath },
              { name: 'dshm', mountPath: '/dev/shm' },
            ],
          }],
          volumes: [
            { name: 'dataset', persistentVolumeClaim: { claimName: input.datasetClaimName, readOnly: true } },
            { name: 'checkpoints', persistentVolumeClaim: { claimName: input.checkpointClaimName } },
            { name: 'dshm', emptyDir: { medium: 'Memory' } },
          ],
        },
      },
    },
  };
}
