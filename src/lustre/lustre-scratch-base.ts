import { Resource, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { IConstruct } from 'constructs';
import { DNS_RETRY_SECONDS, renderMountCommands, renderPersistentVolume } from './clients';
import { LustreMountOptions, LustrePersistentVolumeManifests, LustrePersistentVolumeOptions } from './lustre-scratch-props';
import { DEFAULTS } from './private/defaults';
import { literalFileSystemPath } from './private/file-system-path';
import { checkKubernetesName, kubernetesQuantity } from './private/kubernetes';
import { TrainingStorageError, renderValue } from '../core/errors';

/** An FSx for Lustre file system that GPU instances and pods mount. */
export interface ILustreScratch extends IConstruct, ec2.IConnectable {
  /** The file system ID. */
  readonly fileSystemId: string;
  /** The file system's DNS name. */
  readonly dnsName: string;
  /** The mount name, the first component of the Lustre path (`<dnsName>@tcp:/<mountName>`). */
  readonly mountName: string;
  /**
   * The storage capacity in GiB.
   *
   * @default - unknown (Intelligent-Tiering, or an imported file system without it)
   */
  readonly storageCapacityGiB?: number;

  /**
   * Opens the file system to these clients: TCP 988 and 1018-1023 (all traffic when EFA-enabled),
   * both ways. Same as `connections.allowDefaultPortFrom(client)`.
   *
   * @param client the clients, such as a launch template, an instance or a security group
   */
  allowFrom(client: ec2.IConnectable): void;

  /**
   * User data lines that mount the file system on Amazon Linux 2023: install the Lustre client,
   * wait until the DNS name resolves, mount with `relatime,flock`, add an fstab entry with `_netdev`.
   * Idempotent.
   */
  mountCommands(options?: LustreMountOptions): string[];

  /** Adds {@link mountCommands} to a Linux `UserData`. */
  addMountToUserData(userData: ec2.UserData, options?: LustreMountOptions): void;

  /**
   * A static PersistentVolume for the FSx for Lustre CSI driver (`fsx.csi.aws.com`) and its
   * PersistentVolumeClaim, as manifest objects for a cluster's `addManifest`.
   */
  persistentVolume(options: LustrePersistentVolumeOptions): LustrePersistentVolumeManifests;

  /**
   * A metric of this file system (namespace `AWS/FSx`, dimension `FileSystemId`).
   *
   * @param metricName the FSx metric, such as `FreeDataStorageCapacity`
   * @param props statistic, period and the other metric options
   */
  metric(metricName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Free data storage capacity, bytes (Minimum). */
  metricFreeDataStorageCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Bytes read by clients (Sum). */
  metricDataReadBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Bytes written by clients (Sum). */
  metricDataWriteBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric;

  /** Metadata operations (Sum). */
  metricMetadataOperations(props?: cloudwatch.MetricOptions): cloudwatch.Metric;
}

/**
 * What new and imported file systems share: clients, manifests and metrics. A hidden base class: jsii
 * copies its members to `LustreScratch`.
 * @internal
 */
export abstract class LustreScratchBase extends Resource implements ILustreScratch {
  public abstract readonly fileSystemId: string;
  public abstract readonly dnsName: string;
  public abstract readonly mountName: string;
  public abstract readonly storageCapacityGiB?: number;
  public abstract readonly connections: ec2.Connections;

  public allowFrom(client: ec2.IConnectable): void {
    this.connections.allowDefaultPortFrom(client);
  }

  public mountCommands(options: LustreMountOptions = {}): string[] {
    const mountPath = options.mountPath ?? DEFAULTS.mountPath;
    if (!Token.isUnresolved(mountPath) && (!/^\/[A-Za-z0-9._/-]*$/.test(mountPath) || mountPath === '/')) {
      throw TrainingStorageError.invalidProperty(this, 'mountPath', renderValue(mountPath),
        'an absolute path below / of letters, digits, ".", "_", "-" and "/", such as "/fsx" (no spaces or shell characters)');
    }
    let fileSystemPath = '/';
    if (options.fileSystemPath !== undefined) {
      fileSystemPath = literalFileSystemPath(this, options.fileSystemPath);
      if (!/^\/[A-Za-z0-9._/-]*$/.test(fileSystemPath)) {
        throw TrainingStorageError.invalidProperty(this, 'fileSystemPath', renderValue(options.fileSystemPath),
          'a directory of letters, digits, ".", "_", "-" and "/" (the mount script quotes nothing else)');
      }
    }
    const timeout = options.dnsWaitTimeout ?? DEFAULTS.dnsWaitTimeout;
    const seconds = timeout.toSeconds();
    if (seconds < DNS_RETRY_SECONDS) {
      throw TrainingStorageError.invalidProperty(this, 'dnsWaitTimeout', timeout.toHumanString(), `at least ${DNS_RETRY_SECONDS} seconds`);
    }
    return renderMountCommands({
      dnsName: this.dnsName,
      mountName: this.mountName,
      mountPath,
      fileSystemPath,
      dnsAttempts: Math.ceil(seconds / DNS_RETRY_SECONDS),
      installClient: options.installClient ?? true,
      fstab: options.fstab ?? true,
    });
  }

  public addMountToUserData(userData: ec2.UserData, options: LustreMountOptions = {}): void {
    userData.addCommands(...this.mountCommands(options));
  }

  public persistentVolume(options: LustrePersistentVolumeOptions): LustrePersistentVolumeManifests {
    const namespace = options.claimNamespace ?? 'default';
    const claimName = options.claimName ?? options.name;
    checkKubernetesName(this, 'name', options.name, 253);
    checkKubernetesName(this, 'claimName', claimName, 253);
    checkKubernetesName(this, 'claimNamespace', namespace, 63);
    let storage: string;
    if (options.storageCapacity) {
      storage = kubernetesQuantity(this, options.storageCapacity);
    } else if (this.storageCapacityGiB !== undefined) {
      storage = `${this.storageCapacityGiB}Gi`;
    } else {
      throw TrainingStorageError.invalidProperty(this, 'storageCapacity', 'nothing',
        'a Size when the file system\'s capacity is unknown (Intelligent-Tiering, or imported without storageCapacityGiB): '
        + 'Kubernetes volumes declare a capacity');
    }
    return renderPersistentVolume({
      fileSystemId: this.fileSystemId,
      dnsName: this.dnsName,
      mountName: this.mountName,
      name: options.name,
      claimName,
      namespace,
      storageClassName: options.storageClassName ?? '',
      storage,
      mountOptions: options.mountOptions ?? ['flock'],
    });
  }

  public metric(metricName: string, props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/FSx',
      metricName,
      dimensionsMap: { FileSystemId: this.fileSystemId },
      statistic: cloudwatch.Stats.SUM,
      ...props,
    }).attachTo(this);
  }

  public metricFreeDataStorageCapacity(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('FreeDataStorageCapacity', { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  public metricDataReadBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DataReadBytes', props);
  }

  public metricDataWriteBytes(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('DataWriteBytes', props);
  }

  public metricMetadataOperations(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('MetadataOperations', props);
  }
}
