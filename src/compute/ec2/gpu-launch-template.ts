import { Fn, Lazy, Size, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  BootBlock, renderBootUserData, renderEnvironmentCommands, renderMountpointInstallCommands, renderMountpointMountCommands, renderNvmeCacheCommands,
  renderUnmountCommand,
} from './user-data';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { GpuCapacity } from '../gpu-capacity';
import { GpuInstanceOptions } from '../gpu-instance-options';
import { AcceleratorKind, EfaNetworkInterface, instanceFacts } from '../instance-types';
import {
  acknowledgeEfaPublicIp, capacityLaunchData, checkColocation, efaSecurityGroup, networkInterfacesData, placementGroupFor, planNetworkInterfaces,
  rootVolumeGiB, rootVolumeMapping,
} from '../private/launch-template-parts';
import { grantMountpointMount } from '../private/mount-grants';

/**
 * The public SSM parameter of the AWS Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux
 * 2023, x86_64): AWS Deep Learning AMIs Developer Guide, release notes of that AMI, "Query AMI-ID
 * with SSM parameter" (https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-x86-base-oss-nvidia-driver-gpu-ami-amazon-linux-2023.html).
 * @internal
 */
export const DLAMI_GPU_AL2023_PARAMETER = '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id';

/**
 * The public SSM parameter of the AWS Deep Learning AMI Neuron (Amazon Linux 2023), for Trainium:
 * AWS Neuron documentation, "Get the DLAMI Neuron AMI ID with SSM parameters"
 * (`/aws/service/neuron/dlami/base/amazon-linux-2023/latest/image_id`).
 * @internal
 */
export const DLAMI_NEURON_AL2023_PARAMETER = '/aws/service/neuron/dlami/base/amazon-linux-2023/latest/image_id';

/**
 * Directories a mount must not hide (the system's own). @internal
 */
const SYSTEM_DIRECTORIES = ['/bin', '/boot', '/dev', '/etc', '/lib', '/lib64', '/proc', '/root', '/run', '/sbin', '/sys', '/tmp', '/usr', '/var'];

/** `mount-s3` options the construct sets itself, or that would keep the boot script from returning. */
const MANAGED_MOUNTPOINT_OPTIONS = ['--prefix', '--region', '--cache', '--read-only', '--allow-other', '--uid', '--gid', '--foreground',
  '--help', '--version'];

/** Defaults, stated once and used by the code and its tests. @internal */
export const GPU_LAUNCH_TEMPLATE_DEFAULTS = {
  rootVolumeSize: Size.gibibytes(200),
  localCachePath: '/mnt/nvme',
} as const;

/** How {@link GpuLaunchTemplate.mountS3} mounts a data location. */
export interface S3MountOptions {
  /** The local directory, such as `/mnt/datasets`. */
  readonly mountPath: string;

  /**
   * Mount read-only (datasets). A read-write mount (checkpoints) creates new files; Mountpoint does
   * not overwrite or delete unless you add `--allow-overwrite` or `--allow-delete`.
   *
   * @default true
   */
  readonly readOnly?: boolean;

  /**
   * Cache what is read on the instance store (`--cache <localCachePath>/mountpoint/<mount>`).
   *
   * @default - true for a read-only mount, false for a read-write one
   */
  readonly localCache?: boolean;

  /**
   * More `mount-s3` options, such as `--incremental-upload` for a checkpoint writer on a directory
   * bucket or `--allow-delete`, each a flag or a flag and its value joined with `=` (letters,
   * digits, `-`, `=`, `.`). The options the construct sets (`--prefix`, `--region`, `--cache`,
   * `--read-only`, `--allow-other`, `--uid`, `--gid`) and `--foreground`, `--help`, `--version` are
   * rejected.
   *
   * @default - none
   */
  readonly additionalOptions?: string[];

  /**
   * The user ID that owns the mounted files (`--uid`): the training script's user, for a read-write mount.
   *
   * @default - root (Mountpoint's default is the user that mounts, root at boot)
   */
  readonly uid?: number;

  /**
   * The group ID that owns the mounted files (`--gid`).
   *
   * @default - root
   */
  readonly gid?: number;
}

/** Properties of a {@link GpuLaunchTemplate}. */
export interface GpuLaunchTemplateProps extends GpuInstanceOptions {
  /** The VPC of the training subnet. */
  readonly vpc: ec2.IVpc;

  /**
   * Where the local NVMe instance store is mounted (RAID 0 across its disks), the local cache of
   * Mountpoint and of the training script.
   *
   * @default '/mnt/nvme'
   */
  readonly localCachePath?: string;

  /**
   * The instance role.
   *
   * @default - a new role that EC2 assumes, with no permissions: grant it the locations it mounts
   */
  readonly role?: iam.IRole;

  /**
   * The image.
   *
   * @default - the AWS Deep Learning AMI on Amazon Linux 2023 from its public SSM parameter: the Base
   * OSS Nvidia Driver GPU AMI for NVIDIA types, the Neuron AMI for Trainium types
   */
  readonly machineImage?: ec2.IMachineImage;

  /**
   * IMDSv2 response hop limit: 1 keeps instance credentials on the instance (the Control Tower rule
   * CT.EC2.PR.2 requires it); containers with bridge networking need 2.
   *
   * @default 1
   */
  readonly metadataHopLimit?: number;

  /**
   * CloudWatch detailed monitoring (1-minute instance metrics; the Control Tower rule CT.EC2.PR.10
   * requires it).
   *
   * @default true
   */
  readonly detailedMonitoring?: boolean;
}

/**
 * A launch template for GPU (or Trainium) instances in the training subnet: the AWS Deep Learning
 * AMI (Amazon Linux 2023) from its public SSM parameter, IMDSv2 only, an encrypted root volume, EFA
 * network interfaces (one per network card, as AWS recommends) in a cluster placement group with a
 * security group that allows all traffic within itself (EFA requires it), the chosen capacity, and
 * user data that mounts the instance store as a local cache at every boot.
 *
 * Add the storage tiers' mount lines with `addBootCommands` (for example a `LustreScratch`'s
 * `mountCommands(...)`), let the tiers in through `connections`, and grant `role` the locations
 * it reads and writes.
 *
 * Construct IDs: `SecurityGroup`, `Role`, `InstanceProfile`, `PlacementGroup`, `Resource`.
 */
export class GpuLaunchTemplate extends Construct implements ec2.IConnectable, iam.IGrantable {
  /** The launch template. */
  public readonly launchTemplate: ec2.CfnLaunchTemplate;
  /** The instances' security group: all traffic within itself (EFA), HTTPS out. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly connections: ec2.Connections;
  /** The instance role. */
  public readonly role: iam.IRole;
  public readonly grantPrincipal: iam.IPrincipal;
  /** The network interfaces of the launch template (empty without EFA: one default interface). */
  public readonly networkInterfaces: EfaNetworkInterface[];
  /** The cluster placement group, when there is one. */
  public readonly placementGroup?: ec2.IPlacementGroup;
  /** Where the instance store is mounted. */
  public readonly localCachePath: string;
  private readonly bootBlocks: BootBlock[] = [];
  private readonly stopLines: string[] = [];
  private readonly environment: Array<[string, string]> = [];
  private readonly mountPaths: string[] = [];

  public constructor(scope: Construct, id: string, props: GpuLaunchTemplateProps) {
    super(scope, id);
    this.localCachePath = this.checkPath('localCachePath', props.localCachePath ?? GPU_LAUNCH_TEMPLATE_DEFAULTS.localCachePath);
    this.mountPaths.push(this.localCachePath);
    checkColocation(this, props.subnet, props.colocatedWith ?? []);
    this.networkInterfaces = planNetworkInterfaces(this, props.instanceType, props.efa, props.disableEfa);
    const efa = this.networkInterfaces.length > 0;

    // EFA: the security group allows all traffic to and from itself (efaSecurityGroup); egress is
    // explicit: the group itself, and HTTPS out (S3 and the other AWS endpoints, package
    // repositories). Storage tiers add their ports through `connections` (a LustreScratch's allowFrom).
    const securityGroup = efaSecurityGroup(this, props.vpc, `GPU instances of ${this.node.path}: all traffic within the group (EFA), HTTPS out`);
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS endpoints (S3, S3 Express, ECR, SSM) and package repositories');
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `GPU instances of ${this.node.path}`,
    });
    this.grantPrincipal = this.role;
    const profile = new iam.CfnInstanceProfile(this, 'InstanceProfile', { roles: [this.role.roleName] });

    const capacity = props.capacity ?? GpuCapacity.onDemand();
    this.placementGroup = placementGroupFor(this, props.placementGroup, efa, capacity);

    const trainium = instanceFacts(props.instanceType)?.acceleratorKind === AcceleratorKind.AWS_TRAINIUM;
    const defaultImage = trainium ? DLAMI_NEURON_AL2023_PARAMETER : DLAMI_GPU_AL2023_PARAMETER;
    const image = (props.machineImage ?? ec2.MachineImage.fromSsmParameter(defaultImage)).getImage(this);
    const rootGiB = rootVolumeGiB(this, props.rootVolumeSize ?? GPU_LAUNCH_TEMPLATE_DEFAULTS.rootVolumeSize);
    const hopLimit = props.metadataHopLimit ?? 1;
    if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) {
      throw TrainingStorageError.invalidProperty(this, 'metadataHopLimit', renderValue(hopLimit), 'a whole number from 1 to 64');
    }
    const launchTemplate = new ec2.CfnLaunchTemplate(this, 'Resource', {
      launchTemplateData: {
        imageId: image.imageId,
        instanceType: props.instanceType,
        iamInstanceProfile: { arn: profile.attrArn },
        metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: hopLimit },
        monitoring: { enabled: props.detailedMonitoring ?? true },
        blockDeviceMappings: [rootVolumeMapping(rootGiB)],
        networkInterfaces: networkInterfacesData(this.networkInterfaces, [securityGroup.securityGroupId], props.subnet.subnetId),
        placement: this.placementGroup ? { groupName: this.placementGroup.placementGroupName } : undefined,
        ...capacityLaunchData(this, capacity),
        userData: Fn.base64(Lazy.string({
          produce: () => ['#!/bin/bash', ...renderBootUserData([
            { name: `local cache ${this.localCachePath}`, lines: renderNvmeCacheCommands({ mountPath: this.localCachePath }) },
            ...(this.environment.length === 0 ? [] : [{ name: 'environment', lines: renderEnvironmentCommands(this.environment) }]),
            ...this.bootBlocks,
          ], [...this.stopLines].reverse())].join('\n'),
        })),
      },
    });
    acknowledgeEfaPublicIp(launchTemplate, this.networkInterfaces);
    this.launchTemplate = launchTemplate;
  }

  /**
   * Adds a block to the boot script, which runs at every boot after the instance store is mounted
   * (for example a `LustreScratch`'s `mountCommands(...)`). The lines must be idempotent. Each block
   * runs in a subshell of its own with `set -euo pipefail`: a failing block is logged and the
   * others still run (the unit ends failed).
   *
   * @param name what the block does, for the logs (letters, digits, spaces, `-`, `/`, `.`)
   * @param commands the block's lines
   */
  public addBootCommands(name: string, commands: string[]): void {
    if (!/^[A-Za-z0-9 ./-]{1,64}$/.test(name)) {
      throw TrainingStorageError.invalidProperty(this, 'name', renderValue(name), '1 to 64 letters, digits, spaces, "-", "/" and "."');
    }
    this.bootBlocks.push({ name, lines: [...commands] });
  }

  /**
   * Mounts a data location (a lake prefix, an `ExpressCache` location) with Mountpoint for Amazon S3
   * at every boot, and grants the instance role what the mount needs: read (or read and write) on
   * the prefix; on a directory bucket a `ReadWrite` session even for a read-only mount, because
   * Mountpoint creates its sessions without a session mode (the `ReadOnly` grant of
   * `DataLocation.grantRead` fails its CreateSession).
   *
   * The instances need a route to Mountpoint's download (`s3.amazonaws.com`) unless the image has
   * `mount-s3` installed, and to the bucket (the S3 and S3 Express gateway endpoints of `TrainingVpc`).
   */
  public mountS3(location: DataLocation, options: S3MountOptions): iam.Grant {
    const readOnly = options.readOnly ?? true;
    const extraOptions = options.additionalOptions ?? [];
    for (const option of extraOptions) {
      const flag = option.split('=')[0];
      if (!/^--[a-z][a-z0-9-]*(=[A-Za-z0-9.\-]+)?$/.test(option) || MANAGED_MOUNTPOINT_OPTIONS.includes(flag)) {
        throw TrainingStorageError.invalidProperty(this, 'additionalOptions', renderValue(option),
          'a mount-s3 flag such as "--incremental-upload", or a flag and its value joined with "=" (letters, digits, "-", "=", "."), '
          + `other than ${MANAGED_MOUNTPOINT_OPTIONS.join(', ')}`);
      }
    }
    for (const [property, id] of [['uid', options.uid], ['gid', options.gid]] as const) {
      if (id !== undefined && (!Number.isInteger(id) || id < 0 || id > 4294967294)) {
        throw TrainingStorageError.invalidProperty(this, property, renderValue(id), 'a whole number from 0 to 4294967294');
      }
    }
    const mountPath = this.checkMountPath(options.mountPath);
    const cacheDir = (options.localCache ?? readOnly) ? `${this.localCachePath}/mountpoint${mountPath}` : undefined;
    this.bootBlocks.push({
      name: `Mountpoint ${mountPath}`,
      lines: [
        ...renderMountpointInstallCommands(),
        ...renderMountpointMountCommands({
          bucketName: location.bucketName,
          prefix: location.prefix,
          mountPath,
          region: Stack.of(this).region,
          readOnly,
          cacheDir,
          uid: options.uid,
          gid: options.gid,
          extraOptions,
        }),
      ],
    });
    this.stopLines.push(renderUnmountCommand(mountPath));
    return grantMountpointMount(location, this.role, readOnly, extraOptions.includes('--allow-delete'));
  }


  /**
   * Exports an environment variable to every login shell of the instances (`/etc/profile.d`), such
   * as `CHECKPOINT_DIR` for the training script.
   */
  public addEnvironment(name: string, value: string): void {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name) || this.environment.some(([existing]) => existing === name)) {
      throw TrainingStorageError.invalidProperty(this, 'name', renderValue(name),
        'an environment variable name of capital letters, digits and "_", not added before');
    }
    if (!Token.isUnresolved(value) && /['\n]/.test(value)) {
      throw TrainingStorageError.invalidProperty(this, 'value', renderValue(value), 'a value without single quotes or line breaks');
    }
    this.environment.push([name, value]);
  }

  /** A mount path: a valid path, not a system directory, not the same as, inside or above another mount. */
  private checkMountPath(path: string): string {
    this.checkPath('mountPath', path);
    const within = (a: string, b: string) => a === b || a.startsWith(`${b}/`);
    const system = SYSTEM_DIRECTORIES.find((dir) => within(path, dir));
    const other = this.mountPaths.find((existing) => within(path, existing) || within(existing, path));
    if (path === '/' || system !== undefined || other !== undefined) {
      throw TrainingStorageError.invalidProperty(this, 'mountPath', renderValue(path),
        `a directory that is no system directory (${SYSTEM_DIRECTORIES.join(', ')}) and neither holds nor lies in another mount `
        + `(${this.mountPaths.join(', ')})`);
    }
    this.mountPaths.push(path);
    return path;
  }

  private checkPath(property: string, path: string): string {
    const bad = !/^\/[A-Za-z0-9._\-/]+$/.test(path) || path.endsWith('/') || path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..');
    if (Token.isUnresolved(path) || bad) {
      throw TrainingStorageError.invalidProperty(this, property, renderValue(path), 'an absolute directory of letters, digits, ".", "_", "-" and "/", such as "/mnt/nvme"');
    }
    return path;
  }
}
