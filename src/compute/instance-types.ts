/**
 * Facts about the accelerated instance types the library knows, and the EFA network interfaces of
 * a launch template for them, as pure data and functions without CDK imports: constructs call them
 * with literal values and turn a violation into a `TrainingStorageError`; the tests call them directly.
 *
 * Sources, checked on 1 December 2026 (the letters are cited per row and per rule below):
 *
 * [A] The EC2 `DescribeInstanceTypes` record of each type, as the moto project stores it, generated
 *     from the EC2 API: https://github.com/getmoto/moto/blob/34d6cad5abbb7b91c97578f3249b39a7e2df1ed5/moto/ec2/resources/instance_types.json
 *     (commit "chore: update EC2 Instance Types (#10151)", 2 August 2026). Fields read:
 *     `VCpuInfo.DefaultVCpus`; `GpuInfo.Gpus[].Count/Name/Manufacturer` or
 *     `NeuronInfo.NeuronDevices[].Count/Name`; `NetworkInfo.EfaInfo.MaximumEfaInterfaces`;
 *     `NetworkInfo.MaximumNetworkCards`; `NetworkInfo.NetworkPerformance` ("3200 Gigabit", "4x 100
 *     Gigabit"); `InstanceStorageInfo.Disks[].Count/SizeInGB` and `TotalSizeInGB`. The AWS pages
 *     with these tables ("Specifications for Amazon EC2 accelerated computing instances", "Instance
 *     store volume limits") are not in the search corpora as text that could be read: a figure backed
 *     by [A] alone is marked "unverified against an AWS page" on its row.
 * [B] Amazon EC2 User Guide, "Maximize network bandwidth on Amazon EC2 instances with multiple network
 *     cards", https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-acc-inst-types.html (current
 *     English page and its Chinese translation): "For the primary network interface (network card
 *     index 0, device index 0), create an ENA interface. You can't use an EFA-only network interface as
 *     the primary network interface. If the network card index 0 supports EFA, create an EFA-only
 *     network interface for network card index 0, device index 1. For each additional network
 *     interface, use the next unused network card index, device index 0, for EFA-only network
 *     interface, and/or device index 1 for ENA network interface"; its CLI example for P5 is "a request
 *     with 32 EFA devices and one ENA device".
 * [C] The earlier version of [B], "Maximize network bandwidth on accelerated computing instances with
 *     EFA" (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/p5-efa.html; stored as its pt_BR,
 *     es_ES and fr_FR translations): "P5 and P5e instances support up to 32 network cards and can
 *     provide up to 3,200 Gbps"; "G6e instances support up to four network cards and can provide up
 *     to 400 Gbps"; "We recommend that you define a single EFA network interface per network card";
 *     network interface 0 on device index 0, interfaces 1 to 31 on device index 1, each `efa`. The
 *     docs.amazonaws.cn English copy of [B] still reads: primary interface (card 0, device 0) "EFA (EFA
 *     with ENA)"; each additional interface "the next unused network card index, device index 1, and
 *     either an EFA (EFA with ENA) or EFA-only network interface".
 * [D] What's New, 24 October 2024, "AWS announces EFA update for scalability with AI/ML applications",
 *     https://aws.amazon.com/about-aws/whats-new/2024/10/aws-efa-updates-scalability-ai-ml-applications/
 *     (stored as its pt_BR translation; the amazonaws.cn English copy says the same for the China
 *     Regions): EFA-only interfaces are available on all EFA-supported instances in all AWS Regions;
 *     they can only be secondary interfaces, the primary being EFA with ENA or ENA alone.
 * [E] AWS Compute Blog, "Amazon EC2 P4d instances deep dive",
 *     https://aws.amazon.com/blogs/compute/amazon-ec2-p4d-instances-deep-dive/ (stored syndicated
 *     copies): 96 vCPUs, 8 NVIDIA A100 40 GB GPUs, 8 TB of local NVMe storage, 400 Gbps EFA networking.
 * [F] AWS Neuron documentation, "Trn1/Trn1n Architecture",
 *     https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/trn1-arch.html:
 *     trn1.32xlarge has 16 Trainium devices, 128 vCPUs, 800 Gbps EFA bandwidth.
 * [G] AWS Neuron documentation, "Amazon EC2 Trn2 Architecture",
 *     https://awsdocs-neuron.readthedocs-hosted.com/en/latest/general/arch/neuron-hardware/trn2-arch.html:
 *     trn2.48xlarge has 16 Trainium2 chips and 192 vCPUs.
 */

/** The accelerator an instance type carries. */
export enum AcceleratorKind {
  /** NVIDIA GPUs (`GpuInfo` of DescribeInstanceTypes). */
  NVIDIA_GPU = 'NVIDIA_GPU',
  /** AWS Trainium chips (`NeuronInfo` of DescribeInstanceTypes). */
  AWS_TRAINIUM = 'AWS_TRAINIUM',
}

/**
 * The `InterfaceType` of a network interface in a launch template (CloudFormation
 * `AWS::EC2::LaunchTemplate` NetworkInterface; the values are the strings EC2 takes).
 */
export enum NetworkInterfaceType {
  /** An EFA with ENA: an EFA device and an ENA device with an IP address. */
  EFA = 'efa',
  /** An EFA-only interface: the EFA device without an ENA device or IP address; never the primary interface [D]. */
  EFA_ONLY = 'efa-only',
  /** A plain ENA interface. */
  INTERFACE = 'interface',
}

/** What the library knows about one accelerated instance type. */
export interface InstanceTypeFacts {
  /** The instance type, such as `p5.48xlarge`. */
  readonly instanceType: string;
  /** The kind of accelerator. */
  readonly acceleratorKind: AcceleratorKind;
  /** How many accelerators (GPUs or Trainium chips) one instance has. */
  readonly acceleratorCount: number;
  /** The accelerator model as EC2 names it, such as `H100` or `Trainium2`. */
  readonly acceleratorModel: string;
  /** Default vCPUs. */
  readonly vCpus: number;
  /** The most EFA interfaces an instance can have (`EfaInfo.MaximumEfaInterfaces`). */
  readonly maxEfaInterfaces: number;
  /** The most network cards an instance can use (`MaximumNetworkCards`). */
  readonly maxNetworkCards: number;
  /** Whether the type takes `efa-only` network interfaces. */
  readonly efaOnlySupported: boolean;
  /** Local NVMe instance-store disks. */
  readonly instanceStoreDiskCount: number;
  /** Size of one instance-store disk, in GB as EC2 counts it (10^9 bytes). */
  readonly instanceStoreDiskSizeGB: number;
  /** Total instance-store size, in GB as EC2 counts it (10^9 bytes). */
  readonly instanceStoreTotalSizeGB: number;
  /** Network bandwidth of the instance, in Gbps. */
  readonly networkBandwidthGbps: number;
}

/** EFA counts for an instance type the table does not know, or to use fewer EFAs than a known type allows. */
export interface EfaInterfaceCounts {
  /** How many EFA devices to attach: one per network card, from card 0. */
  readonly efaInterfaces: number;
  /** How many network cards the instance type has. */
  readonly networkCards: number;
  /**
   * Whether the type takes `efa-only` interfaces. AWS makes them available on every EFA-supported
   * instance type [D].
   *
   * @default true
   */
  readonly efaOnlySupported?: boolean;
}

/** One network interface of a launch template. */
export interface EfaNetworkInterface {
  /** The network card, from 0. */
  readonly networkCardIndex: number;
  /** The device index on that card. */
  readonly deviceIndex: number;
  /** The interface type. */
  readonly interfaceType: NetworkInterfaceType;
}

/** What is wrong with one value: the property, the value as received, and what is allowed. @internal */
export interface RuleViolation {
  readonly property: string;
  readonly received: string;
  readonly allowed: string;
}

/** The date the table was last checked against its sources. @internal */
export const INSTANCE_FACTS_CHECKED = '2026-12-01';

function row(facts: InstanceTypeFacts): [string, InstanceTypeFacts] {
  return [facts.instanceType, facts];
}

/**
 * The table. Every figure comes from [A]; the comment on each row names the other sources that show
 * it, and says which figures no AWS page in the corpora showed. `efaOnlySupported` is [D] for all.
 * @internal
 */
export const INSTANCE_TYPE_FACTS: ReadonlyMap<string, InstanceTypeFacts> = new Map([
  // [A]; [E]: 96 vCPUs, 8x A100 (40 GB), 8 TB NVMe, 400 Gbps. Unverified against an AWS page: 4 EFA,
  // 4 network cards ([A] "4x 100 Gigabit"), the split into 8 x 1000 GB disks.
  row({
    instanceType: 'p4d.24xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'A100',
    vCpus: 96,
    maxEfaInterfaces: 4,
    maxNetworkCards: 4,
    efaOnlySupported: true,
    instanceStoreDiskCount: 8,
    instanceStoreDiskSizeGB: 1000,
    instanceStoreTotalSizeGB: 8000,
    networkBandwidthGbps: 400,
  }),
  // [A] only (A100 80 GB): unverified against an AWS page.
  row({
    instanceType: 'p4de.24xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'A100',
    vCpus: 96,
    maxEfaInterfaces: 4,
    maxNetworkCards: 4,
    efaOnlySupported: true,
    instanceStoreDiskCount: 8,
    instanceStoreDiskSizeGB: 1000,
    instanceStoreTotalSizeGB: 8000,
    networkBandwidthGbps: 400,
  }),
  // [A]; [C]: 32 network cards, 3200 Gbps; [B]: 32 EFA devices in AWS's example. Unverified against an
  // AWS page: 8x H100, 192 vCPUs, 8 x 3800 GB NVMe.
  row({
    instanceType: 'p5.48xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'H100',
    vCpus: 192,
    maxEfaInterfaces: 32,
    maxNetworkCards: 32,
    efaOnlySupported: true,
    instanceStoreDiskCount: 8,
    instanceStoreDiskSizeGB: 3800,
    instanceStoreTotalSizeGB: 30400,
    networkBandwidthGbps: 3200,
  }),
  // [A]; [C]: 32 network cards, 3200 Gbps. Unverified against an AWS page: 8x H200, 192 vCPUs,
  // 32 EFA, 8 x 3800 GB NVMe.
  row({
    instanceType: 'p5e.48xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'H200',
    vCpus: 192,
    maxEfaInterfaces: 32,
    maxNetworkCards: 32,
    efaOnlySupported: true,
    instanceStoreDiskCount: 8,
    instanceStoreDiskSizeGB: 3800,
    instanceStoreTotalSizeGB: 30400,
    networkBandwidthGbps: 3200,
  }),
  // [A] only: unverified against an AWS page (16 network cards of 200 Gbps each in [A]).
  row({
    instanceType: 'p5en.48xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'H200',
    vCpus: 192,
    maxEfaInterfaces: 16,
    maxNetworkCards: 16,
    efaOnlySupported: true,
    instanceStoreDiskCount: 8,
    instanceStoreDiskSizeGB: 3800,
    instanceStoreTotalSizeGB: 30400,
    networkBandwidthGbps: 3200,
  }),
  // [A] only: unverified against an AWS page (8 network cards of 200 Gbps each in [A]).
  row({
    instanceType: 'p6-b200.48xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'B200',
    vCpus: 192,
    maxEfaInterfaces: 8,
    maxNetworkCards: 8,
    efaOnlySupported: true,
    instanceStoreDiskCount: 8,
    instanceStoreDiskSizeGB: 3800,
    instanceStoreTotalSizeGB: 30400,
    networkBandwidthGbps: 3200,
  }),
  // [A]; [C]: 4 network cards, 400 Gbps for G6e. Unverified against an AWS page: 8x L40S, 192 vCPUs,
  // 4 EFA, 4 x 1900 GB NVMe.
  row({
    instanceType: 'g6e.48xlarge',
    acceleratorKind: AcceleratorKind.NVIDIA_GPU,
    acceleratorCount: 8,
    acceleratorModel: 'L40S',
    vCpus: 192,
    maxEfaInterfaces: 4,
    maxNetworkCards: 4,
    efaOnlySupported: true,
    instanceStoreDiskCount: 4,
    instanceStoreDiskSizeGB: 1900,
    instanceStoreTotalSizeGB: 7600,
    networkBandwidthGbps: 400,
  }),
  // [A]; [F]: 16 Trainium, 128 vCPUs, 800 Gbps. Unverified against an AWS page: 8 EFA, 8 network cards
  // ([A] "8x 100 Gigabit"), 4 x 1900 GB NVMe.
  row({
    instanceType: 'trn1.32xlarge',
    acceleratorKind: AcceleratorKind.AWS_TRAINIUM,
    acceleratorCount: 16,
    acceleratorModel: 'Trainium',
    vCpus: 128,
    maxEfaInterfaces: 8,
    maxNetworkCards: 8,
    efaOnlySupported: true,
    instanceStoreDiskCount: 4,
    instanceStoreDiskSizeGB: 1900,
    instanceStoreTotalSizeGB: 7600,
    networkBandwidthGbps: 800,
  }),
  // [A]; [G]: 16 Trainium2, 192 vCPUs. Unverified against an AWS page: 16 EFA, 16 network cards
  // ([A] "16x 200 Gigabit", 3200 Gbps), 4 x 1900 GB NVMe.
  row({
    instanceType: 'trn2.48xlarge',
    acceleratorKind: AcceleratorKind.AWS_TRAINIUM,
    acceleratorCount: 16,
    acceleratorModel: 'Trainium2',
    vCpus: 192,
    maxEfaInterfaces: 16,
    maxNetworkCards: 16,
    efaOnlySupported: true,
    instanceStoreDiskCount: 4,
    instanceStoreDiskSizeGB: 1900,
    instanceStoreTotalSizeGB: 7600,
    networkBandwidthGbps: 3200,
  }),
]);

/** The facts of a known instance type, or undefined for a type the table does not hold. @internal */
export function instanceFacts(instanceType: string): InstanceTypeFacts | undefined {
  return INSTANCE_TYPE_FACTS.get(instanceType);
}

/** The instance types the table holds, in table order. @internal */
export function knownInstanceTypes(): string[] {
  return [...INSTANCE_TYPE_FACTS.keys()];
}

/** The EFA counts of a known type: as many EFAs as it allows, on that many network cards. @internal */
export function efaCountsOf(facts: InstanceTypeFacts): EfaInterfaceCounts {
  return { efaInterfaces: facts.maxEfaInterfaces, networkCards: facts.maxNetworkCards, efaOnlySupported: facts.efaOnlySupported };
}

function violation(property: string, received: string, allowed: string): RuleViolation {
  return { property, received, allowed };
}

function isPositiveWhole(value: number): boolean {
  return Number.isInteger(value) && value >= 1;
}

/**
 * Checks user-given EFA counts: both whole numbers of at least 1, at most one EFA per network card
 * ([C]: one EFA network interface per network card), and, given the facts of a known instance
 * type, within what the type has ([A]).
 * @internal
 */
export function checkEfaInterfaceCounts(counts: EfaInterfaceCounts, facts?: InstanceTypeFacts): RuleViolation | undefined {
  const { efaInterfaces, networkCards } = counts;
  if (!isPositiveWhole(efaInterfaces)) {
    return violation('efaInterfaces', String(efaInterfaces), 'a whole number of at least 1 (leave the EFA counts out to launch without EFA)');
  }
  if (!isPositiveWhole(networkCards)) {
    return violation('networkCards', String(networkCards), 'a whole number of at least 1');
  }
  if (facts && networkCards > facts.maxNetworkCards) {
    return violation('networkCards', String(networkCards), `at most ${facts.maxNetworkCards}: ${facts.instanceType} has ${facts.maxNetworkCards} network cards`);
  }
  if (efaInterfaces > networkCards) {
    return violation('efaInterfaces', String(efaInterfaces), `at most networkCards (${networkCards}): one EFA per network card`);
  }
  if (facts && efaInterfaces > facts.maxEfaInterfaces) {
    return violation('efaInterfaces', String(efaInterfaces), `at most ${facts.maxEfaInterfaces}: ${facts.instanceType} takes ${facts.maxEfaInterfaces} EFA interfaces`);
  }
  if (facts && counts.efaOnlySupported === true && !facts.efaOnlySupported) {
    return violation('efaOnlySupported', 'true', `false: ${facts.instanceType} takes no efa-only interfaces`);
  }
  return undefined;
}

/**
 * The network interfaces of a launch template that attaches `efaInterfaces` EFA devices, one per
 * network card from card 0 ([C]: one EFA per network card). Counts must pass
 * {@link checkEfaInterfaceCounts}. No counts: an empty list, meaning EFA off and the launch
 * template's default network interface.
 *
 * With `efa-only` (the default; [D]: every EFA-supported type takes it), AWS's current
 * recommendation [B]: card 0 device 0 a plain ENA `interface` (the primary; an `efa-only` interface
 * cannot be primary), card 0 device 1 `efa-only`, then device 0 of each further card `efa-only`.
 * That is `efaInterfaces` EFA devices and one ENA device (p5.48xlarge: 32 EFA and 1 ENA, [B]'s
 * example); no interface of the plan but the primary takes an IP address.
 *
 * Without `efa-only`, the recommendation that came before it [C]: card 0 device 0 `efa` (EFA with
 * ENA), then device 1 of each further card `efa`.
 *
 * The plan assumes that card 0 supports EFA, as on every type of the table ([A]: as many EFA
 * interfaces as network cards); [B] puts no EFA on card 0 where it does not.
 * @internal
 */
export function planEfaInterfaces(counts: EfaInterfaceCounts | undefined): EfaNetworkInterface[] {
  if (counts === undefined) {
    return [];
  }
  const cards = Array.from({ length: counts.efaInterfaces }, (_, i) => i);
  if (counts.efaOnlySupported ?? true) {
    return [
      { networkCardIndex: 0, deviceIndex: 0, interfaceType: NetworkInterfaceType.INTERFACE },
      { networkCardIndex: 0, deviceIndex: 1, interfaceType: NetworkInterfaceType.EFA_ONLY },
      ...cards.slice(1).map((card) => ({ networkCardIndex: card, deviceIndex: 0, interfaceType: NetworkInterfaceType.EFA_ONLY })),
    ];
  }
  return [
    { networkCardIndex: 0, deviceIndex: 0, interfaceType: NetworkInterfaceType.EFA },
    ...cards.slice(1).map((card) => ({ networkCardIndex: card, deviceIndex: 1, interfaceType: NetworkInterfaceType.EFA })),
  ];
}

/**
 * The EFA counts for an instance type: the user's counts when given (`efaOnlySupported` left out:
 * the known type's), else those of a known type, else none (EFA off).
 * @internal
 */
export function efaCountsFor(instanceType: string, userCounts?: EfaInterfaceCounts): EfaInterfaceCounts | undefined {
  const facts = instanceFacts(instanceType);
  if (userCounts !== undefined) {
    return { ...userCounts, efaOnlySupported: userCounts.efaOnlySupported ?? facts?.efaOnlySupported };
  }
  return facts === undefined ? undefined : efaCountsOf(facts);
}
