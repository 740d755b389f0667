import { Fn, Lazy, Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { renderBootUserData, renderNvmeCacheCommands } from './user-data';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { IZonalStorage } from '../../core/training-zone';
import { GpuCapacity } from '../gpu-capacity';
import { EfaInterfaceCounts, EfaNetworkInterface } from '../instance-types';
import {
  capacityLaunchData, checkColocation, efaSecurityGroup, METADATA_OPTIONS, networkInterfacesData, planNetworkInterfaces, rootVolumeGiB,
  rootVolumeMapping,
} from '../private/launch-template-parts';

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

  public constructor(scope: Construct, id: string, props: GpuLaunchTemplateProps) {
    super(scope, id);
    this.localCachePath = this.checkPath('localCachePath', props.localCachePath ?? GPU_LAUNCH_TEMPLATE_DEFAULTS.localCachePath);
    checkColocation(this, props.subnet, props.colocatedWith ?? []);
    this.networkInterfaces = planNetworkInterfaces(this, props.instanceType, props.efa, props.disableEfa);
    const efa = this.networkInterfaces.length > 0;

    // EFA: the security group allows all traffic to and from itself (efaSecurityGroup); egress is
    // explicit: the group itself, and HTTPS out (S3 and the other AWS endpoints, package
    // repositories). Storage tiers add their ports through `connections` (a LustreScratch's
    // allowFrom, for example).
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

    if (props.placementGroup) {
      this.placementGroup = props.placementGroup;
    } else if (efa) {
      this.placementGroup = new ec2.PlacementGroup(this, 'PlacementGroup', { strategy: ec2.PlacementGroupStrategy.CLUSTER });
    }

    const image = ec2.MachineImage.fromSsmParameter(DLAMI_GPU_AL2023_PARAMETER).getImage(this);
    const rootGiB = rootVolumeGiB(this, props.rootVolumeSize ?? GPU_LAUNCH_TEMPLATE_DEFAULTS.rootVolumeSize);
    const capacity = props.capacity ?? GpuCapacity.onDemand();
    this.launchTemplate = new ec2.CfnLaunchTemplate(this, 'Resource', {
      launchTemplateData: {
        imageId: image.imageId,
        instanceType: props.instanceType,
        iamInstanceProfile: { arn: profile.attrArn },
        metadataOptions: METADATA_OPTIONS,
        blockDeviceMappings: [rootVolumeMapping(rootGiB)],
        networkInterfaces: networkInterfacesData(this.networkInterfaces, [securityGroup.securityGroupId], props.subnet.subnetId),
        placement: this.placementGroup ? { groupName: this.placementGroup.placementGroupName } : undefined,
        ...capacityLaunchData(this, capacity),
        userData: Fn.base64(Lazy.string({
          produce: () => ['#!/bin/bash', ...renderBootUserData([
            ...renderNvmeCacheCommands({ mountPath: this.localCachePath }), ...this.bootCommands,
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

  private checkPath(property: string, path: string): string {
    const bad = !/^\/[A-Za-z0-9._\-/]+$/.test(path) || path.endsWith('/') || path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..');
    if (Token.isUnresolved(path) || bad) {
      throw TrainingStorageError.invalidProperty(this, property, renderValue(path), 'an absolute directory of letters, digits, ".", "_", "-" and "/", such as "/mnt/nvme"');
    }
    return path;
  }
}
