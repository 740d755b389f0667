import { Fn, Lazy, Size, SizeRoundingBehavior, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  renderBootUserData, renderEnvironmentCommands, renderMountpointInstallCommands, renderMountpointMountCommands, renderNvmeCacheCommands,
} from './user-data';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { availabilityZoneIdOf, IZonalStorage } from '../../core/training-zone';
import { checkEfaInterfaceCounts, EfaInterfaceCounts, EfaNetworkInterface, efaCountsFor, instanceFacts, planEfaInterfaces } from '../instance-types';

/**
 * The public SSM parameter of the AWS Deep Learning Base OSS Nvidia Driver GPU AMI (Amazon Linux
 * 2023, x86_64): AWS Deep Learning AMIs Developer Guide, release notes of that AMI, "Query AMI-ID
 * with SSM parameter" (https://docs.aws.amazon.com/dlami/latest/devguide/aws-deep-learning-x86-base-oss-nvidia-driver-gpu-ami-amazon-linux-2023.html).
 * @internal
 */
export const DLAMI_GPU_AL2023_PARAMETER = '/aws/service/deeplearning/ami/x86_64/base-oss-nvidia-driver-gpu-amazon-linux-2023/latest/ami-id';

/** Defaults, stated once and used by the code and its tests. @internal */
export const GPU_LAUNCH_TEMPLATE_DEFAULTS = {
  rootVolumeSize: Size.gibibytes(200),
  localCachePath: '/mnt/nvme',
} as const;

/** How GPU instances get their capacity. */
export enum GpuCapacityType {
  /** On-demand capacity. */
  ON_DEMAND = 'ON_DEMAND',
  /** An On-Demand Capacity Reservation, by ID. */
  CAPACITY_RESERVATION = 'CAPACITY_RESERVATION',
  /** An EC2 Capacity Block for ML, by its reservation ID. */
  CAPACITY_BLOCK = 'CAPACITY_BLOCK',
}

/** Where GPU instances get their capacity: on demand, a capacity reservation, or a Capacity Block for ML. */
export class GpuCapacity {
  /** On-demand capacity (no reservation). */
  public static onDemand(): GpuCapacity {
    return new GpuCapacity(GpuCapacityType.ON_DEMAND);
  }

  /** An On-Demand Capacity Reservation (`cr-...`): instances launch into it and nowhere else. */
  public static capacityReservation(reservationId: string): GpuCapacity {
    return new GpuCapacity(GpuCapacityType.CAPACITY_RESERVATION, reservationId);
  }

  /**
   * An EC2 Capacity Block for ML (`cr-...`): the launch template asks for the `capacity-block`
   * market and targets the block's reservation.
   */
  public static capacityBlock(reservationId: string): GpuCapacity {
    return new GpuCapacity(GpuCapacityType.CAPACITY_BLOCK, reservationId);
  }

  private constructor(
    /** The kind of capacity. */
    public readonly capacityType: GpuCapacityType,
    /** The reservation ID, for a reservation or a Capacity Block. */
    public readonly reservationId?: string,
  ) {}
}

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
   * bucket, each a flag or a flag and its value joined with `=` (letters, digits, `-`, `=`, `.`).
   *
   * @default - none
   */
  readonly additionalOptions?: string[];
}

/** Properties of a {@link GpuLaunchTemplate}. */
export interface GpuLaunchTemplateProps {
  /** The VPC of the training subnet. */
  readonly vpc: ec2.IVpc;

  /** The training subnet: every instance launches in it (the zone of the Express cache and the Lustre file system). */
  readonly subnet: ec2.ISubnet;

  /** The instance type, such as `p5.48xlarge` (see `AcceleratedInstanceTypes.knownInstanceTypes()`). */
  readonly instanceType: string;

  /**
   * EFA counts: for a type the library does not know, or to use fewer EFAs than a known type allows.
   *
   * @default - a known type: one EFA per network card, as many as it takes; an unknown type: no EFA
   */
  readonly efa?: EfaInterfaceCounts;

  /**
   * Launch without EFA, even on a type that has it.
   *
   * @default false
   */
  readonly disableEfa?: boolean;

  /**
   * Storage tiers in one zone that these instances use: each must be in the training subnet's
   * zone (a GPU in another zone pays cross-zone latency and transfer on every read). Checked at
   * synthesis time where both zone IDs are known.
   *
   * @default - none
   */
  readonly colocatedWith?: IZonalStorage[];

  /**
   * Where the instances get capacity.
   *
   * @default GpuCapacity.onDemand()
   */
  readonly capacity?: GpuCapacity;

  /**
   * The cluster placement group of the instances (EFA needs the instances close together).
   *
   * @default - a new cluster placement group when EFA is on; none without EFA
   */
  readonly placementGroup?: ec2.IPlacementGroup;

  /**
   * The size of the encrypted gp3 root volume.
   *
   * @default Size.gibibytes(200)
   */
  readonly rootVolumeSize?: Size;

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
  private readonly bootCommands: string[] = [];
  private readonly environment: Array<[string, string]> = [];
  private mountpointInstalled = false;

  public constructor(scope: Construct, id: string, props: GpuLaunchTemplateProps) {
    super(scope, id);
    this.localCachePath = this.checkPath('localCachePath', props.localCachePath ?? GPU_LAUNCH_TEMPLATE_DEFAULTS.localCachePath);
    this.checkZones(props.subnet, props.colocatedWith ?? []);
    this.networkInterfaces = props.disableEfa ? [] : this.planInterfaces(props.instanceType, props.efa);
    const efa = this.networkInterfaces.length > 0;

    // EFA: the security group "must allow all inbound and outbound traffic to and from the security
    // group itself" (EC2 User Guide, "Get started with EFA and NCCL", step 1); an open egress rule
    // does not stand in for the self-referencing one, so egress is explicit: the group itself, and
    // HTTPS out (S3 and the other AWS endpoints, package repositories). Storage tiers add their
    // ports through `connections` (a LustreScratch's allowFrom, for example).
    const securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `GPU instances of ${this.node.path}: all traffic within the group (EFA), HTTPS out`,
      allowAllOutbound: false,
    });
    securityGroup.connections.allowInternally(ec2.Port.allTraffic(), 'EFA: all traffic within the group');
    securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS endpoints (S3, S3 Express, ECR, SSM) and package repositories');
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    this.role = props.role ?? new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: `GPU instances of ${this.node.path}`,
    });
    this.grantPrincipal = this.role;
    const profile = new iam.CfnInstanceProfile(this, 'InstanceProfile', { roles: [this.role.roleName] });

    if (props.placementGroup) {
      this.placementGroup = props.placementGroup;
    } else if (efa) {
      this.placementGroup = new ec2.PlacementGroup(this, 'PlacementGroup', { strategy: ec2.PlacementGroupStrategy.CLUSTER });
    }

    const image = ec2.MachineImage.fromSsmParameter(DLAMI_GPU_AL2023_PARAMETER).getImage(this);
    const rootGiB = (props.rootVolumeSize ?? GPU_LAUNCH_TEMPLATE_DEFAULTS.rootVolumeSize).toGibibytes({ rounding: SizeRoundingBehavior.NONE });
    if (!Number.isInteger(rootGiB) || rootGiB < 8 || rootGiB > 16384) {
      throw TrainingStorageError.invalidProperty(this, 'rootVolumeSize', `${rootGiB} GiB`, 'whole GiB from 8 to 16384 (gp3)');
    }
    const interfaces = efa
      ? this.networkInterfaces.map((item) => ({
        networkCardIndex: item.networkCardIndex,
        deviceIndex: item.deviceIndex,
        interfaceType: item.interfaceType,
        subnetId: props.subnet.subnetId,
        groups: [securityGroup.securityGroupId],
        deleteOnTermination: true,
        associatePublicIpAddress: false,
      }))
      : [{
        deviceIndex: 0,
        subnetId: props.subnet.subnetId,
        groups: [securityGroup.securityGroupId],
        deleteOnTermination: true,
        associatePublicIpAddress: false,
      }];

    const capacity = props.capacity ?? GpuCapacity.onDemand();
    const hopLimit = props.metadataHopLimit ?? 1;
    if (!Number.isInteger(hopLimit) || hopLimit < 1 || hopLimit > 64) {
      throw TrainingStorageError.invalidProperty(this, 'metadataHopLimit', renderValue(hopLimit), 'a whole number from 1 to 64');
    }
    this.launchTemplate = new ec2.CfnLaunchTemplate(this, 'Resource', {
      launchTemplateData: {
        imageId: image.imageId,
        instanceType: props.instanceType,
        iamInstanceProfile: { arn: profile.attrArn },
        metadataOptions: { httpTokens: 'required', httpEndpoint: 'enabled', httpPutResponseHopLimit: hopLimit },
        monitoring: { enabled: props.detailedMonitoring ?? true },
        blockDeviceMappings: [{
          deviceName: '/dev/xvda',
          ebs: { volumeSize: rootGiB, volumeType: 'gp3', encrypted: true, deleteOnTermination: true },
        }],
        networkInterfaces: interfaces,
        placement: this.placementGroup ? { groupName: this.placementGroup.placementGroupName } : undefined,
        ...this.capacityData(capacity),
        userData: Fn.base64(Lazy.string({
          produce: () => ['#!/bin/bash', ...renderBootUserData([
            ...renderNvmeCacheCommands({ mountPath: this.localCachePath }), ...this.bootCommands, ...renderEnvironmentCommands(this.environment),
          ])].join('\n'),
        })),
      },
    });
  }

  /**
   * Adds lines to the boot script, which runs at every boot after the instance store is mounted
   * (for example a `LustreScratch`'s `mountCommands(...)`). They must be idempotent.
   */
  public addBootCommands(...commands: string[]): void {
    this.bootCommands.push(...commands);
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
    const mountPath = this.checkPath('mountPath', options.mountPath);
    const readOnly = options.readOnly ?? true;
    const extraOptions = options.additionalOptions ?? [];
    for (const option of extraOptions) {
      if (!/^--[a-z][a-z0-9-]*(=[A-Za-z0-9.\-]+)?$/.test(option)) {
        throw TrainingStorageError.invalidProperty(this, 'additionalOptions', renderValue(option),
          'a mount-s3 flag such as "--incremental-upload", or a flag and its value joined with "=" (letters, digits, "-", "=", ".")');
      }
    }
    if (!this.mountpointInstalled) {
      this.bootCommands.push(...renderMountpointInstallCommands());
      this.mountpointInstalled = true;
    }
    const cacheDir = (options.localCache ?? readOnly) ? `${this.localCachePath}/mountpoint${mountPath}` : undefined;
    this.bootCommands.push(...renderMountpointMountCommands({
      bucketName: location.bucketName, prefix: location.prefix, mountPath, region: Stack.of(this).region, readOnly, cacheDir, extraOptions,
    }));
    if (location.isDirectoryBucket) {
      // Mountpoint's CreateSession carries no session mode: a ReadWrite session, even to read.
      return readOnly ? location.grantWrite(this.role) : location.grantReadWrite(this.role);
    }
    return readOnly ? location.grantRead(this.role) : location.grantReadWrite(this.role);
  }

  /**
   * Exports an environment variable to every login shell of the instances (`/etc/profile.d`), such
   * as `CHECKPOINT_DIR` for the training script.
   */
  public addEnvironment(name: string, value: string): void {
    if (!/^[A-Z_][A-Z0-9_]*$/.test(name)) {
      throw TrainingStorageError.invalidProperty(this, 'name', renderValue(name), 'an environment variable name of capital letters, digits and "_"');
    }
    if (!Token.isUnresolved(value) && /['\n]/.test(value)) {
      throw TrainingStorageError.invalidProperty(this, 'value', renderValue(value), 'a value without single quotes or line breaks');
    }
    this.environment.push([name, value]);
  }

  private checkPath(property: string, path: string): string {
    const bad = !/^\/[A-Za-z0-9._\-/]+$/.test(path) || path.endsWith('/') || path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..');
    if (Token.isUnresolved(path) || bad) {
      throw TrainingStorageError.invalidProperty(this, property, renderValue(path), 'an absolute directory of letters, digits, ".", "_", "-" and "/", such as "/mnt/nvme"');
    }
    return path;
  }

  private planInterfaces(instanceType: string, counts: EfaInterfaceCounts | undefined): EfaNetworkInterface[] {
    if (Token.isUnresolved(instanceType)) {
      throw TrainingStorageError.invalidProperty(this, 'instanceType', 'a token',
        'a literal instance type such as "p5.48xlarge": the EFA interfaces depend on it');
    }
    if (counts !== undefined) {
      const violation = checkEfaInterfaceCounts(counts, instanceFacts(instanceType));
      if (violation) {
        throw TrainingStorageError.invalidProperty(this, `efa.${violation.property}`, violation.received, violation.allowed);
      }
    }
    return planEfaInterfaces(efaCountsFor(instanceType, counts));
  }

  /** A zonal tier in another zone than the subnet is a mistake: say so (tokens are skipped). */
  private checkZones(subnet: ec2.ISubnet, tiers: readonly IZonalStorage[]): void {
    const subnetZone = availabilityZoneIdOf(subnet);
    if (subnetZone === undefined || Token.isUnresolved(subnetZone)) {
      return;
    }
    for (const tier of tiers) {
      if (!Token.isUnresolved(tier.availabilityZoneId) && tier.availabilityZoneId !== subnetZone) {
        throw TrainingStorageError.invalidProperty(this, 'colocatedWith', `${tier.node.path} in ${tier.availabilityZoneId}`,
          `tiers in the subnet's zone ${subnetZone}: GPUs in another zone than their storage pay cross-zone latency and transfer on every read`);
      }
    }
  }

  private capacityData(capacity: GpuCapacity): Partial<ec2.CfnLaunchTemplate.LaunchTemplateDataProperty> {
    if (capacity.capacityType === GpuCapacityType.ON_DEMAND) {
      return {};
    }
    const id = capacity.reservationId ?? '';
    if (!Token.isUnresolved(id) && !/^cr-[0-9a-f]{8,17}$/.test(id)) {
      throw TrainingStorageError.invalidProperty(this, 'capacity', renderValue(id), 'a capacity reservation ID such as "cr-0123456789abcdef0"');
    }
    const target = { capacityReservationSpecification: { capacityReservationTarget: { capacityReservationId: id } } };
    return capacity.capacityType === GpuCapacityType.CAPACITY_BLOCK
      ? { ...target, instanceMarketOptions: { marketType: 'capacity-block' } }
      : target;
  }
}
