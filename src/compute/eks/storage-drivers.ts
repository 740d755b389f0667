import { Size, SizeRoundingBehavior, Token } from 'aws-cdk-lib';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkExtraMountOptions, checkKubernetesName, renderMountpointVolume } from './clients';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { RuleViolation } from '../instance-types';
import { grantMountpointMount } from '../private/mount-grants';

/**
 * The EKS add-ons and their service accounts (namespace `kube-system`): the add-on names are those
 * of "Amazon EKS add-ons" (https://docs.aws.amazon.com/eks/latest/userguide/workloads-add-ons-available-eks.html);
 * the service accounts are the drivers' charts' (`node.serviceAccount.name: s3-csi-driver-sa` in
 * awslabs/mountpoint-s3-csi-driver, `controller.serviceAccount.name: fsx-csi-controller-sa` in
 * kubernetes-sigs/aws-fsx-csi-driver, `charts/<driver>/values.yaml`), as the EKS add-on page's IAM
 * examples name them.
 * @internal
 */
export const STORAGE_ADDONS = {
  mountpointS3: { addonName: 'aws-mountpoint-s3-csi-driver', serviceAccount: 's3-csi-driver-sa' },
  fsxLustre: { addonName: 'aws-fsx-csi-driver', serviceAccount: 'fsx-csi-controller-sa' },
  podIdentityAgent: { addonName: 'eks-pod-identity-agent' },
  namespace: 'kube-system',
} as const;

/** Properties of {@link EksStorageDrivers}. */
export interface EksStorageDriversProps {
  /** The cluster (`aws-cdk-lib/aws-eks-v2`). */
  readonly cluster: eks.ICluster;

  /**
   * Install the FSx for Lustre CSI driver (`aws-fsx-csi-driver`), for `LustreScratch`'s
   * `persistentVolume()`.
   *
   * @default true
   */
  readonly fsxLustreDriver?: boolean;

  /**
   * Install the EKS Pod Identity Agent (`eks-pod-identity-agent`), which both drivers' credentials
   * go through. For an `eks.Cluster` it is the cluster's own `eksPodIdentityAgent` add-on (created
   * once, whoever asks first). Turn it off when the agent is already installed another way, or on
   * an EKS Auto Mode cluster, which has it built in.
   *
   * @default true
   */
  readonly podIdentityAgent?: boolean;

  /**
   * The version of the Mountpoint for Amazon S3 CSI driver add-on: a 2.x version such as
   * `v2.1.0-eksbuild.1` (Pod Identity and the volume-attribute cache are v2 features); another
   * literal version is rejected.
   *
   * @default - the version EKS installs when none is given
   */
  readonly mountpointS3DriverVersion?: string;

  /**
   * The version of the FSx for Lustre CSI driver add-on.
   *
   * @default - the version EKS installs when none is given
   */
  readonly fsxLustreDriverVersion?: string;
}

/** Options shared by the S3 volumes of {@link EksStorageDrivers}. */
export interface S3VolumeOptions {
  /** The PersistentVolume's name (a DNS subdomain name), also its `volumeHandle`: unique in the cluster. */
  readonly name: string;

  /** The location to mount: a bucket and a key prefix (the prefix is Mountpoint's `prefix`). */
  readonly location: DataLocation;

  /**
   * The PersistentVolumeClaim's name.
   *
   * @default - the volume's name
   */
  readonly claimName?: string;

  /**
   * The namespace of the PersistentVolumeClaim (the PersistentVolume is cluster scoped): the
   * namespace of the pods that mount it.
   *
   * @default 'default'
   */
  readonly claimNamespace?: string;

  /**
   * Give the volume a local cache on the node: the volume attribute `cache: emptyDir`, which lives on
   * the instance store when the node group assembles it as local storage (`GpuNodegroup`'s default).
   *
   * @default true
   */
  readonly localCache?: boolean;

  /**
   * The local cache's size limit (`cacheEmptyDirSizeLimit`, in whole GiB), which the driver also
   * sets as Mountpoint's cache size. The driver's guide calls it "optional but highly recommended":
   * several volumes on a node share its disk.
   *
   * @default - no limit: Mountpoint's own default, which keeps 5% of the disk free
   */
  readonly cacheSize?: Size;

  /**
   * The Region of the bucket (Mountpoint's `region`).
   *
   * @default - the bucket's Region (its stack's)
   */
  readonly region?: string;

  /**
   * The owner of the files (Mountpoint's `uid`), for a container that does not run as root; with
   * `uid` or `gid` the volume also sets `allow-other`, as the driver's non-root example does.
   *
   * @default - Mountpoint's default
   */
  readonly uid?: number;

  /**
   * The group of the files (Mountpoint's `gid`).
   *
   * @default - Mountpoint's default
   */
  readonly gid?: number;

  /**
   * More Mountpoint options, as the v2 driver spells them (`max-cache-size 10240`,
   * `metadata-ttl 300`). Not the ones the volume sets from its properties (`prefix`, `region`,
   * `read-only`, `allow-delete`, `allow-overwrite`, `incremental-upload`, `uid`, `gid`,
   * `allow-other`), nor `cache`.
   *
   * @default - none
   */
  readonly mountOptions?: string[];
}

/** Options of {@link EksStorageDrivers.checkpointVolume}. */
export interface S3CheckpointVolumeOptions extends S3VolumeOptions {
  /**
   * Let writers delete files (Mountpoint's `allow-delete`): a checkpoint writer that rotates old
   * checkpoints needs it.
   *
   * @default true
   */
  readonly allowDelete?: boolean;

  /**
   * Let writers overwrite files opened with `O_TRUNC` (Mountpoint's `allow-overwrite`; on S3 Express
   * it also lets a rename replace a file).
   *
   * @default true
   */
  readonly allowOverwrite?: boolean;

  /**
   * Upload as the file is written and allow appends (Mountpoint's `incremental-upload`), for
   * directory buckets in S3 Express One Zone only.
   *
   * @default - true for a directory bucket, false otherwise
   */
  readonly incrementalUpload?: boolean;
}

/** A PersistentVolume and its PersistentVolumeClaim, as manifest objects. */
export interface S3VolumeManifests {
  /** The PersistentVolume (cluster scoped). */
  readonly persistentVolume: { [key: string]: any };
  /** The PersistentVolumeClaim bound to it. */
  readonly persistentVolumeClaim: { [key: string]: any };
  /** The claim's name, for the pods' volumes. */
  readonly claimName: string;
  /** The claim's namespace. */
  readonly claimNamespace: string;
}

/**
 * The storage drivers of a training cluster, as EKS add-ons, with their IAM through EKS Pod
 * Identity, and the S3 volumes training pods mount.
 *
 * - **Mountpoint for Amazon S3 CSI driver** (`aws-mountpoint-s3-csi-driver`, v2): driver-level
 *   credentials through EKS Pod Identity ("Configuring EKS Pod Identity is the recommended way to
 *   set up the CSI Driver if you want to use Driver-Level credentials in an EKS Cluster": the
 *   driver's CONFIGURATION.md), not IRSA: Pod Identity needs no OIDC provider, and its association
 *   names the cluster, namespace and service account. The association is a standalone
 *   `AWS::EKS::PodIdentityAssociation` for `kube-system/s3-csi-driver-sa` (whether the add-on API
 *   takes Pod Identity associations for this add-on was not verified), created before the add-on so
 *   that the driver's pods start with credentials. The role (`mountpointRole`) is least privilege:
 *   each volume grants exactly its location, read-only volumes `grantMountpointRead` (in a directory
 *   bucket a session without the `ReadOnly` condition: Mountpoint opens `ReadWrite` sessions even
 *   for `--read-only` mounts), checkpoint volumes `grantReadWrite`.
 * - **FSx for Lustre CSI driver** (`aws-fsx-csi-driver`): "requires the EKS Pod Identity agent for
 *   authentication" (EKS add-ons page), so Pod Identity too, for the controller's service account
 *   `kube-system/fsx-csi-controller-sa`. Static volumes (`LustreScratch.persistentVolume()`) need no
 *   FSx API call (the node plugin mounts with the volume's DNS name and mount name), so its role
 *   (`fsxControllerRole`) has no permissions; for dynamic provisioning add what the add-on page
 *   asks for (`AmazonFSxFullAccess`).
 * - **EKS Pod Identity Agent** (`eks-pod-identity-agent`): no role of its own; it "uses permissions
 *   from the Amazon EKS node IAM role" (`eks-auth:AssumeRoleForPodIdentity`, in the node role's
 *   `AmazonEKSWorkerNodePolicy`).
 *
 * Each role trusts `pods.eks.amazonaws.com` (`sts:AssumeRole`, `sts:TagSession`), limited by the
 * session tags Pod Identity sets to this cluster, namespace and service account (EKS User Guide,
 * "Create IAM role with trust policy required by EKS Pod Identity").
 *
 * The drivers' node daemons and Mountpoint pods tolerate every taint, so they run on tainted GPU
 * nodes; their controllers need an untainted node.
 *
 * Construct IDs: `MountpointS3Driver`, `MountpointS3Role`, `MountpointS3PodIdentity`,
 * `FsxLustreDriver`, `FsxLustreRole`, `FsxLustrePodIdentity`, `PodIdentityAgent` (the agent of an
 * imported cluster; an `eks.Cluster` keeps its own).
 */
export class EksStorageDrivers extends Construct {
  /** The Mountpoint for Amazon S3 CSI driver add-on. */
  public readonly mountpointS3Driver: eks.Addon;
  /** The role of the Mountpoint driver's service account: the volumes' locations are granted to it. */
  public readonly mountpointRole: iam.IRole;
  /**
   * The FSx for Lustre CSI driver add-on.
   *
   * @default - none with `fsxLustreDriver: false`
   */
  public readonly fsxLustreDriver?: eks.Addon;
  /**
   * The role of the FSx driver controller's service account (no permissions: static volumes need none).
   *
   * @default - none with `fsxLustreDriver: false`
   */
  public readonly fsxControllerRole?: iam.IRole;
  /**
   * The EKS Pod Identity Agent add-on.
   *
   * @default - none with `podIdentityAgent: false`
   */
  public readonly podIdentityAgent?: eks.IAddon;

  private readonly cluster: eks.ICluster;
  private readonly volumeNames = new Set<string>();

  public constructor(scope: Construct, id: string, props: EksStorageDriversProps) {
    super(scope, id);
    this.cluster = props.cluster;
    if (props.podIdentityAgent ?? true) {
      // An eks.Cluster creates its agent add-on on first use (cluster.eksPodIdentityAgent): reuse it,
      // so that the cluster never gets two.
      this.podIdentityAgent = props.cluster.eksPodIdentityAgent
        ?? new eks.Addon(this, 'PodIdentityAgent', { cluster: props.cluster, addonName: STORAGE_ADDONS.podIdentityAgent.addonName });
    }

    const mountpointVersion = props.mountpointS3DriverVersion;
    if (mountpointVersion !== undefined && !Token.isUnresolved(mountpointVersion) && !/^v2\./.test(mountpointVersion)) {
      throw TrainingStorageError.invalidProperty(this, 'mountpointS3DriverVersion', renderValue(mountpointVersion),
        'a 2.x version of the add-on, such as "v2.1.0-eksbuild.1": Pod Identity and the volume-attribute cache came with v2');
    }
    const mountpoint = this.driverWithPodIdentity('MountpointS3', STORAGE_ADDONS.mountpointS3, props.mountpointS3DriverVersion,
      'Mountpoint for Amazon S3 CSI driver: the S3 locations of the cluster\'s volumes');
    this.mountpointS3Driver = mountpoint.addon;
    this.mountpointRole = mountpoint.role;

    if (props.fsxLustreDriver ?? true) {
      const fsx = this.driverWithPodIdentity('FsxLustre', STORAGE_ADDONS.fsxLustre, props.fsxLustreDriverVersion,
        'FSx for Lustre CSI driver controller: no permissions (static volumes make no FSx API call)');
      this.fsxLustreDriver = fsx.addon;
      this.fsxControllerRole = fsx.role;
    }
  }

  /**
   * A read-only S3 volume for a dataset (a lake prefix, for example): `ReadOnlyMany` (the driver
   * mounts it with `--read-only`), with a local cache by default. Grants the Mountpoint driver's role
   * `grantMountpointRead` on the location.
   *
   * @returns the PersistentVolume and its claim, for `cluster.addManifest` or {@link applyManifests}
   */
  public datasetVolume(options: S3VolumeOptions): S3VolumeManifests {
    const manifests = this.renderVolume(options, true, { allowDelete: false, allowOverwrite: false, incrementalUpload: false });
    options.location.grantMountpointRead(this.mountpointRole);
    this.acknowledgePrefix(options.location);
    return manifests;
  }

  /**
   * A read-write S3 volume for checkpoint writers (a directory bucket's prefix, for example):
   * `ReadWriteMany`, `allow-delete` and `allow-overwrite` by default, `incremental-upload` on a
   * directory bucket, with a local cache by default. Grants the Mountpoint driver's role what the
   * mount needs on the location: read, `s3:PutObject` and `s3:AbortMultipartUpload`, and
   * `s3:DeleteObject` only with `allowDelete` (in a directory bucket a `ReadWrite` session, which
   * reads too and covers the whole bucket).
   *
   * @returns the PersistentVolume and its claim, for `cluster.addManifest` or {@link applyManifests}
   */
  public checkpointVolume(options: S3CheckpointVolumeOptions): S3VolumeManifests {
    const directory = options.location.isDirectoryBucket;
    const incrementalUpload = options.incrementalUpload ?? directory;
    if (incrementalUpload && !directory) {
      throw TrainingStorageError.invalidProperty(this, 'incrementalUpload', 'true',
        `false for ${options.location.bucket.node.path}: incremental uploads are for directory buckets in S3 Express One Zone only`);
    }
    const manifests = this.renderVolume(options, false, {
      allowDelete: options.allowDelete ?? true,
      allowOverwrite: options.allowOverwrite ?? true,
      incrementalUpload,
    });
    // What the mount needs: no s3:DeleteObject without allow-delete; in a directory bucket one
    // ReadWrite session, which reads too.
    grantMountpointMount(options.location, this.mountpointRole, false, options.allowDelete ?? true);
    this.acknowledgePrefix(options.location);
    return manifests;
  }

  /** A volume's grant is on every object under its prefix, by nature: acknowledged on this driver's role only. */
  private acknowledgePrefix(location: DataLocation): void {
    if (!location.isDirectoryBucket) {
      location.acknowledgeGrantWildcard(this.mountpointRole, 'The Mountpoint CSI driver mounts the volume\'s prefix: every object under it.');
    }
  }

  /**
   * Applies manifests (volumes, claims, Jobs: this library's or a `LustreScratch`'s
   * `persistentVolume()`) to the cluster with `eks.KubernetesManifest`. The cluster needs a kubectl
   * provider (`kubectlProviderOptions`); without one, pass the objects to your own deployment
   * tooling instead.
   *
   * @param id the construct ID of the `KubernetesManifest`, under this construct
   * @param manifests the Kubernetes objects, applied in order
   */
  public applyManifests(id: string, ...manifests: { [key: string]: any }[]): eks.KubernetesManifest {
    if (this.cluster.kubectlProvider === undefined) {
      throw TrainingStorageError.invalidProperty(this, 'cluster', this.cluster.node.path,
        'a cluster with a kubectl provider (kubectlProviderOptions) to apply manifests; without one, apply the manifest objects yourself');
    }
    if (manifests.length === 0) {
      throw TrainingStorageError.invalidProperty(this, 'manifests', 'none', 'at least one manifest object');
    }
    // KubernetesManifest adds its prune label to each object's metadata: give it copies, so that the
    // caller's objects stay as they were.
    return new eks.KubernetesManifest(this, id, { cluster: this.cluster, manifest: manifests.map((m) => copyManifest(m)) });
  }

  private driverWithPodIdentity(id: string, driver: { addonName: string; serviceAccount: string }, version: string | undefined,
    description: string): { addon: eks.Addon; role: iam.Role } {
    const namespace = STORAGE_ADDONS.namespace;
    // Trust: "Principal": {"Service": "pods.eks.amazonaws.com"}, "Action": ["sts:AssumeRole",
    // "sts:TagSession"], limited with the session tags Pod Identity sets ("you can restrict which
    // pods can assume the role ... to a specific ServiceAccount and Namespace":
    // https://docs.aws.amazon.com/eks/latest/userguide/pod-id-role.html), and to this cluster.
    const role = new iam.Role(this, `${id}Role`, {
      assumedBy: new iam.PrincipalWithConditions(new iam.SessionTagsPrincipal(new iam.ServicePrincipal('pods.eks.amazonaws.com')), {
        StringEquals: {
          'aws:RequestTag/eks-cluster-arn': this.cluster.clusterArn,
          'aws:RequestTag/kubernetes-namespace': namespace,
          'aws:RequestTag/kubernetes-service-account': driver.serviceAccount,
        },
      }),
      description,
    });
    const association = new eks.CfnPodIdentityAssociation(this, `${id}PodIdentity`, {
      clusterName: this.cluster.clusterName,
      namespace,
      serviceAccount: driver.serviceAccount,
      roleArn: role.roleArn,
      // The trust policy above relies on the session tags: never off.
      disableSessionTags: false,
    });
    const addon = new eks.Addon(this, `${id}Driver`, { cluster: this.cluster, addonName: driver.addonName, addonVersion: version });
    // The pods get Pod Identity credentials when they are created after the association exists.
    addon.node.addDependency(association);
    if (this.podIdentityAgent) {
      addon.node.addDependency(this.podIdentityAgent);
    }
    return { addon, role };
  }

  private renderVolume(options: S3VolumeOptions, readOnly: boolean,
    flags: { allowDelete: boolean; allowOverwrite: boolean; incrementalUpload: boolean }): S3VolumeManifests {
    const claimName = options.claimName ?? options.name;
    const claimNamespace = options.claimNamespace ?? 'default';
    this.fail(checkKubernetesName('name', options.name, 253));
    this.fail(checkKubernetesName('claimName', claimName, 253));
    this.fail(checkKubernetesName('claimNamespace', claimNamespace, 63));
    if (this.volumeNames.has(options.name)) {
      throw TrainingStorageError.invalidProperty(this, 'name', renderValue(options.name),
        'a name no other volume of these drivers has: the name is the volume handle, which the driver requires to be unique');
    }
    for (const [property, value] of [['uid', options.uid], ['gid', options.gid]] as const) {
      if (value !== undefined && (!Number.isInteger(value) || value < 0)) {
        throw TrainingStorageError.invalidProperty(this, property, String(value), 'a whole number of at least 0');
      }
    }
    const extra = options.mountOptions ?? [];
    this.fail(checkExtraMountOptions(extra.filter((o) => !Token.isUnresolved(o))));
    const localCache = options.localCache ?? true;
    let cacheSizeLimit: string | undefined;
    if (options.cacheSize !== undefined) {
      if (!localCache) {
        throw TrainingStorageError.invalidProperty(this, 'cacheSize', `${options.cacheSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE })} GiB`,
          'no cacheSize with localCache: false');
      }
      const gib = options.cacheSize.toGibibytes({ rounding: SizeRoundingBehavior.NONE });
      if (!Number.isInteger(gib) || gib < 1) {
        throw TrainingStorageError.invalidProperty(this, 'cacheSize', `${gib} GiB`, 'whole GiB, at least 1');
      }
      cacheSizeLimit = `${gib}Gi`;
    }
    this.volumeNames.add(options.name);
    const rendered = renderMountpointVolume({
      name: options.name,
      claimName,
      namespace: claimNamespace,
      bucketName: options.location.bucketName,
      prefix: options.location.prefix,
      readOnly,
      region: options.region ?? options.location.bucket.env.region,
      localCache,
      cacheSizeLimit,
      ...flags,
      uid: options.uid,
      gid: options.gid,
      extraMountOptions: extra,
    });
    return { ...rendered, claimName, claimNamespace };
  }

  private fail(violation: RuleViolation | undefined): void {
    if (violation) {
      throw TrainingStorageError.invalidProperty(this, violation.property, violation.received, violation.allowed);
    }
  }
}

/** A deep copy of a manifest object's plain objects and arrays (strings, tokens included, are kept). */
function copyManifest<T>(value: T): T {
  if (Array.isArray(value)) {
    return value.map((item) => copyManifest(item)) as unknown as T;
  }
  if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, copyManifest(v)])) as T;
  }
  return value;
}
