/**
 * EKS rules for GPU and Trainium nodes, as pure data and functions without CDK imports: the AMI type
 * of an accelerator, the default labels and taints, the node's user data (nodeadm NodeConfig), and
 * the checks of taints and node counts. Constructs turn a violation into a `TrainingStorageError`.
 *
 * Sources, checked in December 2026 (cited by letter below):
 *
 * [K] Amazon EKS User Guide, "Use EKS-optimized accelerated AMIs for GPU instances",
 *     https://docs.aws.amazon.com/eks/latest/userguide/ml-eks-optimized-ami.html: "AL2023 x86_64
 *     NVIDIA | p6-b300, p6-b200, p5, p5e, p5en, p4d, p4de, p3, p3dn, g7e, gr6, g6, g6e, g6f, gr6f,
 *     g5, g4dn"; "AL2023 ARM NVIDIA | p6e-gb200, g5g"; "AL2023 x86_64 Neuron | inf1, inf2, trn1,
 *     trn2". The AMIs include "EFA minimal (kernel module and rdma-core)"; the NVIDIA and Neuron
 *     device plugins and the EFA device plugin "must be installed separately".
 * [L] AWS CloudFormation, `AWS::EKS::Nodegroup`, `AmiType` allowed values include
 *     `AL2023_x86_64_NEURON | AL2023_x86_64_NVIDIA | AL2023_ARM_64_NVIDIA`
 *     (https://docs.aws.amazon.com/AWSCloudFormation/latest/TemplateReference/aws-resource-eks-nodegroup.html).
 * [M] Amazon EKS User Guide, "Customize managed nodes with launch templates",
 *     https://docs.aws.amazon.com/eks/latest/userguide/launch-templates.html: "Amazon EC2 user data
 *     in launch templates that are used with managed node groups must be in the MIME multi-part
 *     archive format for Amazon Linux AMIs ... because your user data is merged with Amazon EKS user
 *     data required for nodes to join the cluster"; an AL2023 NodeConfig part is
 *     `Content-Type: application/node.eks.aws` with `apiVersion: node.eks.aws/v1alpha1`,
 *     `kind: NodeConfig`.
 * [N] nodeadm API, `NodeConfig.spec.instance.localStorage.strategy`, "+kubebuilder:validation:Enum=
 *     {RAID0, RAID10, Mount}"; "LocalStorageRAID0 will create a single raid0 volume from any local
 *     disks" (https://github.com/awslabs/amazon-eks-ami/blob/main/nodeadm/api/v1alpha1/nodeconfig_types.go).
 *     The AMI's `setup-local-disks raid0` mounts the array at `/mnt/k8s-disks/0` and bind-mounts
 *     `/var/lib/kubelet`, `/var/lib/containerd` and `/var/log/pods` onto it unless told not to
 *     (https://github.com/awslabs/amazon-eks-ami/blob/main/templates/shared/runtime/bin/setup-local-disks),
 *     so that emptyDir volumes, such as the Mountpoint CSI driver's cache, live on the instance store.
 * [O] Amazon EKS User Guide, "Prevent Pods from being scheduled on specific nodes",
 *     https://docs.aws.amazon.com/eks/latest/userguide/node-taints-managed-node-groups.html: "The taint
 *     key must begin with a letter or number. It can contain letters, numbers, hyphens (-), periods
 *     (.), and underscores (_). It can be up to 63 characters long. Optionally, the taint key can
 *     begin with a DNS subdomain prefix and a single /. If it begins with a DNS subdomain prefix, it
 *     can be 253 characters long. The value is optional and must begin with a letter or number. It can
 *     contain letters, numbers, hyphens (-), periods (.), and underscores (_). It can be up to 63
 *     characters long." "A maximum of 50 taints are allowed per node group."
 * [P] The device plugins' own tolerations, which the default taints match: the NVIDIA device plugin
 *     chart tolerates `nvidia.com/gpu` (Exists, NoSchedule) and, without Node Feature Discovery,
 *     selects nodes labelled `nvidia.com/gpu.present: "true"` ("We allow a GPU deployment to be forced
 *     by setting the following label to "true"": https://github.com/NVIDIA/k8s-device-plugin/blob/main/deployments/helm/nvidia-device-plugin/values.yaml);
 *     the Neuron device plugin tolerates `aws.amazon.com/neuron` (Exists, NoSchedule)
 *     (https://github.com/aws-neuron/aws-neuron-sdk/blob/master/src/k8/k8s-neuron-device-plugin.yml).
 *     The EFA device plugin chart tolerates only `CriticalAddonsOnly` plus its `tolerations` value
 *     (https://github.com/aws/eks-charts/blob/master/stable/aws-efa-k8s-device-plugin/templates/daemonset.yaml):
 *     install it with the node group's taints as tolerations. AWS's EKS blueprints select EFA nodes
 *     for it with the node label `vpc.amazonaws.com/efa.present: "true"`
 *     (https://github.com/aws-ia/terraform-aws-eks-blueprints, patterns/targeted-odcr/helm.tf).
 * [Q] Extended resources: "The EFA device plugin advertises EFA devices as `vpc.amazonaws.com/efa`
 *     extended resources" (https://docs.aws.amazon.com/eks/latest/userguide/device-management-efa.html);
 *     "The number of Inferentia/Trainium devices can be adjusted using the aws.amazon.com/neuron
 *     resource" (AWS Neuron, "Kubernetes environment setup for Neuron"); NVIDIA GPUs are
 *     `nvidia.com/gpu` (the device plugin's resource, whose key the taint above uses).
 * [R] The storage drivers' node daemons tolerate every taint by default, so the default taints keep
 *     them on the GPU nodes: the Mountpoint CSI driver chart's `node.tolerateAllTaints: true`, and its
 *     Mountpoint Pods tolerate all taints (`{Operator: Exists}`); the FSx CSI driver chart's
 *     `node.tolerateAllTaints: true`; the EKS Pod Identity Agent chart's `tolerations: [{operator:
 *     Exists}]` (awslabs/mountpoint-s3-csi-driver, kubernetes-sigs/aws-fsx-csi-driver and
 *     aws/eks-pod-identity-agent, `charts/<name>/values.yaml`). The drivers' controllers do not
 *     tolerate them: they need an untainted node (a system node group, or Auto Mode).
 */
import { AcceleratorKind, RuleViolation } from '../instance-types';

/** The EKS AMI types (the strings of `AWS::EKS::Nodegroup` `AmiType` [L]) of accelerated AL2023 nodes. @internal */
export enum EksAcceleratedAmiType {
  X86_64_NVIDIA = 'AL2023_x86_64_NVIDIA',
  ARM_64_NVIDIA = 'AL2023_ARM_64_NVIDIA',
  X86_64_NEURON = 'AL2023_x86_64_NEURON',
}

/** The instance families of each accelerated AL2023 AMI type [K]. @internal */
export const AMI_TYPE_FAMILIES: ReadonlyMap<EksAcceleratedAmiType, readonly string[]> = new Map([
  [EksAcceleratedAmiType.X86_64_NVIDIA, ['p6-b300', 'p6-b200', 'p5', 'p5e', 'p5en', 'p4d', 'p4de', 'p3', 'p3dn', 'g7e', 'gr6', 'g6', 'g6e', 'g6f', 'gr6f', 'g5', 'g4dn']],
  [EksAcceleratedAmiType.ARM_64_NVIDIA, ['p6e-gb200', 'g5g']],
  [EksAcceleratedAmiType.X86_64_NEURON, ['inf1', 'inf2', 'trn1', 'trn2']],
]);

function familyOf(instanceType: string): string {
  return instanceType.split('.')[0];
}

/** The accelerator of an instance family [K], or undefined for a family [K] does not list. @internal */
export function acceleratorOfFamily(instanceType: string): AcceleratorKind | undefined {
  const family = familyOf(instanceType);
  for (const [amiType, families] of AMI_TYPE_FAMILIES) {
    if (families.includes(family)) {
      return amiType === EksAcceleratedAmiType.X86_64_NEURON ? AcceleratorKind.AWS_TRAINIUM : AcceleratorKind.NVIDIA_GPU;
    }
  }
  return undefined;
}

/**
 * The AL2023 accelerated AMI type for an instance type and its accelerator [K]: Neuron for Trainium,
 * NVIDIA otherwise, on ARM for the ARM families [K] lists (`p6e-gb200`, `g5g`), on x86_64 for every
 * other family.
 * @internal
 */
export function amiTypeFor(instanceType: string, kind: AcceleratorKind): EksAcceleratedAmiType {
  if (kind === AcceleratorKind.AWS_TRAINIUM) {
    return EksAcceleratedAmiType.X86_64_NEURON;
  }
  return AMI_TYPE_FAMILIES.get(EksAcceleratedAmiType.ARM_64_NVIDIA)!.includes(familyOf(instanceType))
    ? EksAcceleratedAmiType.ARM_64_NVIDIA
    : EksAcceleratedAmiType.X86_64_NVIDIA;
}

/**
 * Checks a user-given accelerator against the instance family [K]: a family [K] lists under the
 * other accelerator's AMI is a mistake (its AMI would lack the driver).
 * @internal
 */
export function checkAcceleratorKind(instanceType: string, kind: AcceleratorKind): RuleViolation | undefined {
  const known = acceleratorOfFamily(instanceType);
  if (known !== undefined && known !== kind) {
    return {
      property: 'acceleratorKind',
      received: kind,
      allowed: `${known}: the EKS-optimized AL2023 AMI for ${familyOf(instanceType)} instances is the ${known === AcceleratorKind.AWS_TRAINIUM ? 'Neuron' : 'NVIDIA'} one`,
    };
  }
  return undefined;
}

/** The extended resource of each accelerator's device plugin [Q]. @internal */
export const ACCELERATOR_RESOURCE: Readonly<Record<AcceleratorKind, string>> = {
  [AcceleratorKind.NVIDIA_GPU]: 'nvidia.com/gpu',
  [AcceleratorKind.AWS_TRAINIUM]: 'aws.amazon.com/neuron',
};

/** The EFA device plugin's extended resource [Q]. @internal */
export const EFA_RESOURCE = 'vpc.amazonaws.com/efa';

/** The prefix of the labels this library sets. @internal */
export const LABEL_PREFIX = 'cdk-training-storage';

/** A node taint, with the effect as the EKS API spells it (`NO_SCHEDULE`). @internal */
export interface TaintInput {
  readonly key?: string;
  readonly value?: string;
  readonly effect?: string;
}

/**
 * The default taint of an accelerator's nodes, whose key is the one its device plugin tolerates [P]:
 * `nvidia.com/gpu=true:NoSchedule`, `aws.amazon.com/neuron=true:NoSchedule`. Pods without the
 * toleration stay off the accelerated nodes; the storage drivers' node daemons tolerate all taints [R].
 * @internal
 */
export function defaultTaints(kind: AcceleratorKind): TaintInput[] {
  return [{ key: ACCELERATOR_RESOURCE[kind], value: 'true', effect: 'NO_SCHEDULE' }];
}

/**
 * The default labels of a GPU node group: the node group's own label (what a Job selects), the
 * accelerator, `nvidia.com/gpu.present: "true"` on NVIDIA nodes (the NVIDIA device plugin chart
 * selects it without Node Feature Discovery [P]), and `vpc.amazonaws.com/efa.present: "true"` on
 * nodes with EFA (the EFA device plugin's node selector in AWS's blueprints [P]).
 * @internal
 */
export function defaultLabels(nodegroupLabel: string, kind: AcceleratorKind, efa: boolean): Record<string, string> {
  return {
    [`${LABEL_PREFIX}/nodegroup`]: nodegroupLabel,
    [`${LABEL_PREFIX}/accelerator`]: kind === AcceleratorKind.NVIDIA_GPU ? 'nvidia-gpu' : 'aws-trainium',
    ...(kind === AcceleratorKind.NVIDIA_GPU ? { 'nvidia.com/gpu.present': 'true' } : {}),
    ...(efa ? { 'vpc.amazonaws.com/efa.present': 'true' } : {}),
  };
}

/** The Kubernetes spelling of an EKS taint effect (`NO_SCHEDULE` is `NoSchedule`) [O]. @internal */
export function kubernetesEffect(effect: string): string {
  return effect.toLowerCase().split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join('');
}

/** The most taints a node group takes [O]. @internal */
export const MAX_TAINTS = 50;

const TAINT_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks taints against [O]: count, key, value, and an effect. Tokens are the caller's to skip. @internal */
export function checkTaints(taints: readonly TaintInput[]): RuleViolation | undefined {
  if (taints.length > MAX_TAINTS) {
    return { property: 'taints', received: `${taints.length} taints`, allowed: `at most ${MAX_TAINTS} per node group` };
  }
  for (const [i, taint] of taints.entries()) {
    const key = taint.key ?? '';
    const slash = key.indexOf('/');
    const prefix = slash < 0 ? undefined : key.slice(0, slash);
    const name = slash < 0 ? key : key.slice(slash + 1);
    const keyOk = TAINT_NAME.test(name) && (prefix === undefined || (DNS_SUBDOMAIN.test(prefix) && key.length <= 253));
    if (!keyOk) {
      return {
        property: `taints[${i}].key`,
        received: JSON.stringify(taint.key ?? null),
        allowed: 'a name of letters, digits, "-", "." and "_", starting with a letter or digit, at most 63 characters, '
          + 'optionally after a DNS subdomain prefix and "/" (at most 253 characters in all)',
      };
    }
    if (taint.value !== undefined && taint.value !== '' && !TAINT_NAME.test(taint.value)) {
      return {
        property: `taints[${i}].value`,
        received: JSON.stringify(taint.value),
        allowed: 'letters, digits, "-", "." and "_", starting with a letter or digit, at most 63 characters',
      };
    }
    if (taint.effect === undefined) {
      return { property: `taints[${i}].effect`, received: 'none', allowed: 'NO_SCHEDULE, PREFER_NO_SCHEDULE or NO_EXECUTE' };
    }
  }
  return undefined;
}

/** Node counts of a managed node group. @internal */
export interface NodeCounts {
  readonly minSize: number;
  readonly desiredSize: number;
  readonly maxSize: number;
}

/** Checks node counts: whole numbers of at least 0, min <= desired <= max. @internal */
export function checkNodeCounts(counts: NodeCounts): RuleViolation | undefined {
  for (const property of ['minSize', 'desiredSize', 'maxSize'] as const) {
    const value = counts[property];
    if (!Number.isInteger(value) || value < 0) {
      return { property, received: String(value), allowed: 'a whole number of at least 0' };
    }
  }
  if (counts.minSize > counts.desiredSize) {
    return { property: 'minSize', received: String(counts.minSize), allowed: `at most desiredSize (${counts.desiredSize})` };
  }
  if (counts.desiredSize > counts.maxSize) {
    return { property: 'maxSize', received: String(counts.maxSize), allowed: `at least desiredSize (${counts.desiredSize})` };
  }
  return undefined;
}

/** The MIME boundary of the node's user data. @internal */
export const USER_DATA_BOUNDARY = 'CDK_TRAINING_STORAGE_NODECONFIG';

/**
 * The node's user data [M]: a MIME multi-part archive whose one part is an AL2023 `NodeConfig` that
 * assembles the instance-store disks into one RAID 0 volume [N], onto which kubelet's directory
 * (emptyDir volumes, so the Mountpoint cache), containerd's and the pod logs move. EKS merges it
 * with the part that joins the node to the cluster [M].
 * @internal
 */
export function renderNodeUserData(): string {
  return [
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${USER_DATA_BOUNDARY}"`,
    '',
    `--${USER_DATA_BOUNDARY}`,
    'Content-Type: application/node.eks.aws',
    '',
    '---',
    'apiVersion: node.eks.aws/v1alpha1',
    'kind: NodeConfig',
    'spec:',
    '  instance:',
    '    localStorage:',
    '      strategy: RAID0',
    '',
    `--${USER_DATA_BOUNDARY}--`,
    '',
  ].join('\n');
}
