import { Fn, Names, Size, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { checkKubernetesName, renderTrainingJob } from './clients';
import {
  ACCELERATOR_RESOURCE, amiTypeFor, checkAcceleratorKind, checkNodeCounts, checkTaints, defaultLabels, defaultTaints,
  EFA_RESOURCE, EksAcceleratedAmiType, kubernetesEffect, LABEL_PREFIX, renderNodeUserData,
} from './rules';
import { acknowledgeFinding } from '../../core/acknowledge';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { GpuCapacity, GpuCapacityType } from '../gpu-capacity';
import { GpuInstanceOptions } from '../gpu-instance-options';
import { AcceleratorKind, EfaNetworkInterface, instanceFacts, NetworkInterfaceType, RuleViolation } from '../instance-types';
import {
  acknowledgeEfaPublicIp, capacityLaunchData, checkColocation, efaSecurityGroup, METADATA_OPTIONS, networkInterfacesData, placementGroupFor,
  planNetworkInterfaces, rootVolumeGiB, rootVolumeMapping,
} from '../private/launch-template-parts';

/** Defaults of a {@link GpuNodegroup}, stated once and used by the code and its tests. @internal */
export const GPU_NODEGROUP_DEFAULTS = {
  rootVolumeSize: Size.gibibytes(200),
  minSize: 0,
} as const;

/** Properties of a {@link GpuNodegroup}. */
export interface GpuNodegroupProps extends GpuInstanceOptions {
  /**
   * The cluster (`aws-cdk-lib/aws-eks-v2`) the nodes join. An imported cluster needs its `vpc` and
   * `clusterSecurityGroupId` attributes (the nodes' security groups).
   */
  readonly cluster: eks.ICluster;

  /**
   * The accelerator, which picks the AMI type: `AL2023_x86_64_NVIDIA` (`AL2023_ARM_64_NVIDIA` for
   * `p6e-gb200` and `g5g`) for NVIDIA GPUs, `AL2023_x86_64_NEURON` for Trainium.
   *
   * @default - the instance table's accelerator; required for a type the library does not know
   */
  readonly acceleratorKind?: AcceleratorKind;

  /**
   * How many nodes the group runs. A Capacity Block's node group is created with 0 before the
   * reservation starts, and has 0 during node group upgrades (EKS User Guide, "Create node groups
   * with Capacity Blocks for ML").
   */
  readonly desiredSize: number;

  /**
   * The fewest nodes the group scales in to.
   *
   * @default 0
   */
  readonly minSize?: number;

  /**
   * The most nodes the group scales out to.
   *
   * @default - desiredSize, at least 1
   */
  readonly maxSize?: number;

  /**
   * Assemble the instance-store NVMe disks into one RAID 0 volume and move kubelet's directory,
   * containerd's and the pod logs onto it (nodeadm `localStorage.strategy: RAID0`), so that emptyDir
   * volumes, such as the Mountpoint CSI driver's local cache, live on NVMe. Off: the launch template
   * carries no user data.
   *
   * @default true
   */
  readonly localStorageRaid0?: boolean;

  /**
   * Labels for the nodes, added to the defaults (a key given here replaces the default's value).
   *
   * Defaults: `cdk-training-storage/nodegroup: <unique name>` (what `sampleTrainingJob` selects),
   * `cdk-training-storage/accelerator: nvidia-gpu | aws-trainium`, on NVIDIA nodes
   * `nvidia.com/gpu.present: "true"` (the NVIDIA device plugin chart's node selection without Node
   * Feature Discovery), and with EFA `vpc.amazonaws.com/efa.present: "true"` (the EFA device
   * plugin's node selector in AWS's EKS blueprints).
   *
   * @default - the defaults only
   */
  readonly labels?: { [key: string]: string };

  /**
   * The nodes' taints, instead of the default.
   *
   * Default: `nvidia.com/gpu=true:NO_SCHEDULE` on NVIDIA nodes, `aws.amazon.com/neuron=true:NO_SCHEDULE`
   * on Trainium nodes: the keys the NVIDIA and Neuron device plugins tolerate, so pods that do not
   * tolerate them stay off the accelerated nodes. The storage drivers' node daemons tolerate all
   * taints; the EFA device plugin chart needs the taint as a toleration. Pass `[]` for none.
   *
   * @default - the accelerator's taint
   */
  readonly taints?: eks.TaintSpec[];

  /**
   * The node role.
   *
   * @default - a new role with the EKS worker, CNI and ECR read-only managed policies (the EKS Pod
   *   Identity Agent works through the worker policy)
   */
  readonly nodeRole?: iam.IRole;

  /**
   * The node group's name.
   *
   * @default - a name CloudFormation generates
   */
  readonly nodegroupName?: string;
}

/** Options of {@link GpuNodegroup.sampleTrainingJob}. */
export interface SampleTrainingJobOptions {
  /** The Job's name (a DNS subdomain name). */
  readonly name: string;

  /** The training image. */
  readonly image: string;

  /**
   * The container's command.
   *
   * @default - the image's entry point
   */
  readonly command?: string[];

  /**
   * The Job's namespace: the namespace of both claims.
   *
   * @default 'default'
   */
  readonly jobNamespace?: string;

  /**
   * How many nodes (pods, one per node, each with all of its node's accelerators and EFA devices).
   *
   * @default 1
   */
  readonly nodes?: number;

  /** The PersistentVolumeClaim of the dataset (mounted read-only). */
  readonly datasetClaimName: string;

  /**
   * Where the dataset is mounted (also `DATASET_DIR`).
   *
   * @default '/data'
   */
  readonly datasetMountPath?: string;

  /** The PersistentVolumeClaim of the checkpoints (mounted read-write). */
  readonly checkpointClaimName: string;

  /**
   * Where the checkpoints are mounted (also `CHECKPOINT_DIR`).
   *
   * @default '/checkpoints'
   */
  readonly checkpointMountPath?: string;

  /**
   * Accelerators per pod.
   *
   * @default - all of the node's (the instance table's count); required for a type the library does not know
   */
  readonly acceleratorsPerNode?: number;
}

/**
 * An EKS managed node group of GPU (or Trainium) nodes in the training subnet, for a cluster of
 * `aws-cdk-lib/aws-eks-v2`.
 *
 * - **AMI**: the EKS-optimized AL2023 accelerated AMI type of the instance's accelerator
 *   (`AL2023_x86_64_NVIDIA`, `AL2023_ARM_64_NVIDIA` or `AL2023_x86_64_NEURON`), which carries the
 *   drivers and EFA's kernel module. The NVIDIA or Neuron device plugin and the EFA device plugin are
 *   not part of it: install them in the cluster.
 * - **Launch template** (`AWS::EC2::LaunchTemplate`): the instance type (only there: the node group
 *   names none), EFA network interfaces per network card as AWS recommends, each with the node
 *   group's security group and the cluster security group (EKS adds the cluster security group
 *   only when the launch template names none), a cluster placement group, IMDSv2 with a hop limit
 *   of 2, an encrypted gp3 root volume, the capacity (a Capacity Block: market type
 *   `capacity-block` and the reservation as target), and the nodeadm `NodeConfig` that makes the
 *   instance store the node's local storage (RAID 0). No subnet and no instance profile: EKS rejects
 *   launch templates that carry them.
 * - **Node group**: the training subnet only, capacity type `CAPACITY_BLOCK` for a Capacity Block,
 *   the labels and taints (see `labels` and `taints`).
 *
 * Let storage tiers in through `connections` (a `LustreScratch`'s `connections.allowFrom`).
 *
 * Construct IDs: `SecurityGroup`, `PlacementGroup`, `LaunchTemplate`, `Nodegroup`.
 */
export class GpuNodegroup extends Construct implements ec2.IConnectable {
  /** The managed node group. */
  public readonly nodegroup: eks.Nodegroup;
  /** The launch template. */
  public readonly launchTemplate: ec2.CfnLaunchTemplate;
  /** The nodes' own security group: all traffic within itself (EFA). The nodes also carry the cluster security group. */
  public readonly securityGroup: ec2.ISecurityGroup;
  public readonly connections: ec2.Connections;
  /** The node role. */
  public readonly role: iam.IRole;
  /** The AMI type. */
  public readonly amiType: eks.NodegroupAmiType;
  /** The accelerator of the nodes. */
  public readonly acceleratorKind: AcceleratorKind;
  /** The network interfaces of the launch template (empty without EFA: one default interface). */
  public readonly networkInterfaces: EfaNetworkInterface[];
  /** The cluster placement group, when there is one. */
  public readonly placementGroup?: ec2.IPlacementGroup;
  /** The nodes' labels. */
  public readonly labels: { [key: string]: string };
  /** The nodes' taints. */
  public readonly taints: eks.TaintSpec[];
  /** The instance type. */
  public readonly instanceType: string;
  /** The most nodes the group scales out to. */
  public readonly maxSize: number;

  public constructor(scope: Construct, id: string, props: GpuNodegroupProps) {
    super(scope, id);
    this.instanceType = props.instanceType;
    if (Token.isUnresolved(props.instanceType)) {
      throw TrainingStorageError.invalidProperty(this, 'instanceType', 'a token',
        'a literal instance type such as "p5.48xlarge": the AMI type and the EFA interfaces depend on it');
    }
    this.acceleratorKind = this.resolveAccelerator(props.instanceType, props.acceleratorKind);
    const counts = {
      minSize: props.minSize ?? GPU_NODEGROUP_DEFAULTS.minSize,
      desiredSize: props.desiredSize,
      maxSize: props.maxSize ?? Math.max(props.desiredSize, 1),
    };
    this.fail(checkNodeCounts(counts));
    this.maxSize = counts.maxSize;
    checkColocation(this, props.subnet, props.colocatedWith ?? []);
    this.networkInterfaces = planNetworkInterfaces(this, props.instanceType, props.efa, props.disableEfa);
    const efa = this.networkInterfaces.some((item) => item.interfaceType !== NetworkInterfaceType.INTERFACE);

    this.taints = props.taints
      ?? defaultTaints(this.acceleratorKind).map((t) => ({ key: t.key, value: t.value, effect: eks.TaintEffect.NO_SCHEDULE }));
    this.checkTaintSpecs(this.taints);
    const nodegroupLabel = Names.uniqueResourceName(this, { maxLength: 63, separator: '-' });
    this.labels = { ...defaultLabels(nodegroupLabel, this.acceleratorKind, efa), ...props.labels };

    // The nodes' own group, open to itself for EFA (see efaSecurityGroup); the cluster security
    // group gives the nodes their path to the control plane and to each other, and all egress.
    const securityGroup = efaSecurityGroup(this, props.cluster.vpc, `GPU nodes of ${this.node.path}: all traffic within the group (EFA)`);
    this.securityGroup = securityGroup;
    this.connections = new ec2.Connections({ securityGroups: [securityGroup] });

    // Placement.GroupName in a managed node group's launch template: EKS supports placement groups
    // with managed node groups ("You can customize the per-device EFA configuration and use
    // placement groups with ... EKS managed node groups": device-management-efa page), configured
    // through the launch template; no EKS page names the field (unverified detail).
    const capacity = props.capacity ?? GpuCapacity.onDemand();
    this.placementGroup = placementGroupFor(this, props.placementGroup, efa, capacity);

    const rootGiB = rootVolumeGiB(this, props.rootVolumeSize ?? GPU_NODEGROUP_DEFAULTS.rootVolumeSize);
    // Prohibited in a managed node group's launch template: SubnetId (also inside network
    // interfaces), IamInstanceProfile, RequestSpotInstances, HibernationOptions, shutdown behaviour
    // (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-eks-nodegroup-launchtemplatespecification.html).
    // The instance type is here and nowhere else ("If you specify an instance type in a launch
    // template ... you can't specify any instance types": launch-templates page). Security groups
    // go in each network interface ("Launch templates where network interfaces are defined do not
    // support setting security groups using the SecurityGroupIds parameter":
    // https://docs.aws.amazon.com/pcs/latest/userguide/working-with_networking_efa_create-lt.html).
    this.launchTemplate = new ec2.CfnLaunchTemplate(this, 'LaunchTemplate', {
      launchTemplateData: {
        instanceType: props.instanceType,
        metadataOptions: METADATA_OPTIONS,
        monitoring: { enabled: true },
        blockDeviceMappings: [rootVolumeMapping(rootGiB)],
        networkInterfaces: networkInterfacesData(this.networkInterfaces, [securityGroup.securityGroupId, props.cluster.clusterSecurityGroupId]),
        placement: this.placementGroup ? { groupName: this.placementGroup.placementGroupName } : undefined,
        ...capacityLaunchData(this, capacity),
        userData: (props.localStorageRaid0 ?? true) ? Fn.base64(renderNodeUserData()) : undefined,
      },
    });

    acknowledgeEfaPublicIp(this.launchTemplate, this.networkInterfaces);
    // Hop limit 2: pods reach the instance metadata through the node (launch-templates page, and the
    // Mountpoint CSI driver v2 needs it: see METADATA_OPTIONS).
    acknowledgeFinding(this.launchTemplate, 'cdk-validator-cfnguard::ec2_launch_template_token_hop_limit_check',
      'EKS nodes need an IMDSv2 hop limit of 2 for containers that use the instance metadata, as the EKS launch template guide says, '
      + 'and the Mountpoint CSI driver v2 needs it to detect the Region.');
    const amiType = amiTypeFor(props.instanceType, this.acceleratorKind);
    this.amiType = AMI_TYPES[amiType];
    // No instanceTypes on the node group (the launch template has the type; aws-cdk-lib 2.271's GPU
    // check also rejects p5, p5en, trn1 and trn2 with the AL2023 accelerated AMI types), no diskSize
    // (the root volume is in the launch template).
    this.nodegroup = new eks.Nodegroup(this, 'Nodegroup', {
      cluster: props.cluster,
      nodegroupName: props.nodegroupName,
      subnets: { subnets: [props.subnet] },
      amiType: this.amiType,
      launchTemplateSpec: { id: this.launchTemplate.ref, version: this.launchTemplate.attrLatestVersionNumber },
      // "Set the capacity-type to "CAPACITY_BLOCK"" (capacity-blocks-mng page). A capacity
      // reservation is on-demand capacity that the launch template targets: managed node groups
      // "support all accelerated compute purchase options (On-Demand, Spot, On-Demand Capacity
      // Reservations, Capacity Blocks for ML)" (ml-node-groups page); that the target goes in the
      // launch template with capacity type ON_DEMAND is AWS's EKS blueprints' pattern
      // (aws-ia/terraform-aws-eks-blueprints, patterns/targeted-odcr), not stated on an EKS page.
      capacityType: capacity.capacityType === GpuCapacityType.CAPACITY_BLOCK ? eks.CapacityType.CAPACITY_BLOCK : eks.CapacityType.ON_DEMAND,
      ...counts,
      labels: this.labels,
      taints: this.taints,
      nodeRole: props.nodeRole,
    });
    this.role = this.nodegroup.role;
    if (props.nodeRole === undefined) {
      // The node role aws-cdk-lib makes carries the three AWS managed policies EKS asks of a node
      // role (EKS User Guide, "Amazon EKS node IAM role": AmazonEKSWorkerNodePolicy,
      // AmazonEC2ContainerRegistryReadOnly, and AmazonEKS_CNI_Policy unless the CNI has a role of its own).
      const nodeRole = this.nodegroup.role.node.defaultChild as iam.CfnRole | undefined;
      if (nodeRole) {
        for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEKS_CNI_Policy']) {
          acknowledgeFinding(nodeRole, `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
            `EKS requires ${policy} on a managed node group's node role (EKS User Guide, "Amazon EKS node IAM role").`);
        }
      }
    }
  }

  /**
   * A sample training Job for these nodes, as a manifest object (for `cluster.addManifest`, or
   * `EksStorageDrivers.applyManifests`): an Indexed Job of `nodes` pods, one per node, each
   * requesting all of its node's accelerators (`nvidia.com/gpu` or `aws.amazon.com/neuron`) and
   * EFA devices (`vpc.amazonaws.com/efa`), selecting this node group's label and tolerating its
   * taints, with the dataset claim mounted read-only, the checkpoint claim read-write and a
   * memory-backed `/dev/shm`. An example to start from, not a launcher: the device plugins must be
   * installed, and a multi-node job needs its own rendezvous (torchrun, MPI).
   */
  public sampleTrainingJob(options: SampleTrainingJobOptions): { [key: string]: any } {
    const namespace = options.jobNamespace ?? 'default';
    this.fail(checkKubernetesName('name', options.name, 253));
    this.fail(checkKubernetesName('jobNamespace', namespace, 63));
    this.fail(checkKubernetesName('datasetClaimName', options.datasetClaimName, 253));
    this.fail(checkKubernetesName('checkpointClaimName', options.checkpointClaimName, 253));
    const nodes = options.nodes ?? 1;
    if (!Number.isInteger(nodes) || nodes < 1 || nodes > this.maxSize) {
      throw TrainingStorageError.invalidProperty(this, 'nodes', String(nodes),
        `a whole number from 1 to the node group's maxSize (${this.maxSize}): one pod per node, a pod more never schedules`);
    }
    const known = instanceFacts(this.instanceType)?.acceleratorCount;
    const accelerators = options.acceleratorsPerNode ?? known;
    if (accelerators === undefined || !Number.isInteger(accelerators) || accelerators < 1 || (known !== undefined && accelerators > known)) {
      throw TrainingStorageError.invalidProperty(this, 'acceleratorsPerNode', String(accelerators),
        known === undefined ? `a whole number of at least 1 (required for ${this.instanceType}, which the library does not know)`
          : `a whole number from 1 to ${known} (${this.instanceType} has ${known}): a pod asking for more never schedules`);
    }
    const datasetMountPath = this.checkMountPath('datasetMountPath', options.datasetMountPath ?? '/data');
    const checkpointMountPath = this.checkMountPath('checkpointMountPath', options.checkpointMountPath ?? '/checkpoints');
    if (datasetMountPath === checkpointMountPath) {
      throw TrainingStorageError.invalidProperty(this, 'checkpointMountPath', renderValue(checkpointMountPath), 'a different path than datasetMountPath');
    }
    const efaDevices = this.networkInterfaces.filter((item) => item.interfaceType !== NetworkInterfaceType.INTERFACE).length;
    return renderTrainingJob({
      name: options.name,
      namespace,
      image: options.image,
      command: options.command,
      nodes,
      nodeSelector: { [`${LABEL_PREFIX}/nodegroup`]: this.labels[`${LABEL_PREFIX}/nodegroup`] },
      tolerations: this.taints.map((t) => ({ key: t.key ?? '', effect: kubernetesEffect(t.effect ?? eks.TaintEffect.NO_SCHEDULE) })),
      resources: {
        [ACCELERATOR_RESOURCE[this.acceleratorKind]]: accelerators,
        ...(efaDevices > 0 ? { [EFA_RESOURCE]: efaDevices } : {}),
      },
      datasetClaimName: options.datasetClaimName,
      datasetMountPath,
      checkpointClaimName: options.checkpointClaimName,
      checkpointMountPath,
    });
  }

  private resolveAccelerator(instanceType: string, given: AcceleratorKind | undefined): AcceleratorKind {
    const known = instanceFacts(instanceType)?.acceleratorKind;
    if (given === undefined) {
      if (known === undefined) {
        throw TrainingStorageError.invalidProperty(this, 'acceleratorKind', 'none',
          `AcceleratorKind.NVIDIA_GPU or AcceleratorKind.AWS_TRAINIUM: the library does not know ${instanceType}, and the AMI type depends on it`);
      }
      return known;
    }
    if (known !== undefined && known !== given) {
      throw TrainingStorageError.invalidProperty(this, 'acceleratorKind', given,
        `${known}: ${instanceType} has ${instanceFacts(instanceType)!.acceleratorModel} accelerators`);
    }
    this.fail(checkAcceleratorKind(instanceType, given));
    return given;
  }

  private checkTaintSpecs(taints: readonly eks.TaintSpec[]): void {
    if (taints.some((t) => Token.isUnresolved(t.key) || Token.isUnresolved(t.value))) {
      return;
    }
    this.fail(checkTaints(taints.map((t) => ({ key: t.key, value: t.value, effect: t.effect }))));
  }

  private checkMountPath(property: string, path: string): string {
    const bad = !/^\/[A-Za-z0-9._\-/]+$/.test(path) || path.endsWith('/') || path.split('/').slice(1).some((s) => s === '' || s === '.' || s === '..');
    if (Token.isUnresolved(path) || bad || path === '/dev/shm') {
      throw TrainingStorageError.invalidProperty(this, property, renderValue(path),
        'an absolute directory of letters, digits, ".", "_", "-" and "/", such as "/data", other than /dev/shm');
    }
    return path;
  }

  private fail(violation: RuleViolation | undefined): void {
    if (violation) {
      throw TrainingStorageError.invalidProperty(this, violation.property, violation.received, violation.allowed);
    }
  }
}

const AMI_TYPES: Readonly<Record<EksAcceleratedAmiType, eks.NodegroupAmiType>> = {
  [EksAcceleratedAmiType.X86_64_NVIDIA]: eks.NodegroupAmiType.AL2023_X86_64_NVIDIA,
  [EksAcceleratedAmiType.ARM_64_NVIDIA]: eks.NodegroupAmiType.AL2023_ARM_64_NVIDIA,
  [EksAcceleratedAmiType.X86_64_NEURON]: eks.NodegroupAmiType.AL2023_X86_64_NEURON,
};
