/** How GPU instances get their capacity. */
export enum GpuCapacityType {
  /** On-demand capacity. */
  ON_DEMAND = 'ON_DEMAND',
  /** An On-Demand Capacity Reservation, by ID. */
  CAPACITY_RESERVATION = 'CAPACITY_RESERVATION',
  /** An EC2 Capacity Block for ML, by its reservation ID. */
  CAPACITY_BLOCK = 'CAPACITY_BLOCK',
}

/**
 * Where GPU instances get their capacity: on demand, a capacity reservation, or a Capacity Block for
 * ML. Taken by `GpuLaunchTemplate` (EC2) and `GpuNodegroup` (EKS).
 */
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
