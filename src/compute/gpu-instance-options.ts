import { Size } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GpuCapacity } from './gpu-capacity';
import { EfaInterfaceCounts } from './instance-types';
import { IZonalStorage } from '../core/training-zone';

/** What the GPU instances of a launch template or a node group share: where, which, and how they connect. */
export interface GpuInstanceOptions {
  /**
   * The training subnet: the instances' only subnet (the zone of the Express cache and the Lustre
   * file system; a Capacity Block's zone).
   */
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
   * Launch without EFA, even on a type that has it (not together with `efa`).
   *
   * @default false
   */
  readonly disableEfa?: boolean;

  /**
   * Storage tiers in one zone that these instances use: each must be in the training subnet's zone
   * (a GPU in another zone pays cross-zone latency and transfer on every read). Checked at
   * synthesis time where both zone IDs are known.
   *
   * @default - none
   */
  readonly colocatedWith?: IZonalStorage[];

  /**
   * Where the instances get capacity. For a node group, a Capacity Block makes the capacity type
   * `CAPACITY_BLOCK`, and a capacity reservation is on-demand capacity targeted at the reservation.
   *
   * @default GpuCapacity.onDemand()
   */
  readonly capacity?: GpuCapacity;

  /**
   * The cluster placement group of the instances (EFA needs the instances close together).
   *
   * @default - a new cluster placement group when EFA is on and the capacity is on demand; none
   * without EFA, or with a capacity reservation or Capacity Block (the reservation places its
   * instances)
   */
  readonly placementGroup?: ec2.IPlacementGroup;

  /**
   * The size of the encrypted gp3 root volume, in whole GiB: at least the image's snapshot (the
   * Deep Learning AMIs' is much larger than the 8 GiB the construct checks).
   *
   * @default Size.gibibytes(200)
   */
  readonly rootVolumeSize?: Size;
}
