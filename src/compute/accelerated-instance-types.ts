import {
  EfaInterfaceCounts, EfaNetworkInterface, InstanceTypeFacts, checkEfaInterfaceCounts, efaCountsFor, instanceFacts,
  knownInstanceTypes, planEfaInterfaces,
} from './instance-types';
import { TrainingStorageError } from '../core/errors';

/**
 * The accelerated instance types the library knows (GPU and Trainium instances for training) and
 * the EFA network interfaces of a launch template for them.
 *
 * The facts come from EC2's DescribeInstanceTypes and the EC2 User Guide, checked on 1 December
 * 2026; the sources are cited in the library's `compute/instance-types.ts`.
 */
export class AcceleratedInstanceTypes {
  /**
   * The facts of an instance type, such as `p5.48xlarge`.
   *
   * @returns the facts, or undefined for a type the library does not know
   */
  public static facts(instanceType: string): InstanceTypeFacts | undefined {
    return instanceFacts(instanceType);
  }

  /** The instance types the library knows. */
  public static knownInstanceTypes(): string[] {
    return knownInstanceTypes();
  }

  /**
   * The network interfaces of a launch template that attaches EFA devices, one per network card,
   * as AWS recommends: a plain ENA primary interface on card 0 device 0, then an `efa-only`
   * interface on card 0 device 1 and on device 0 of each further card (types without `efa-only`:
   * `efa` on card 0 device 0 and on device 1 of each further card).
   *
   * @param instanceType the instance type
   * @param counts EFA counts, for a type the library does not know or to use fewer EFAs than a known
   *   type allows. Left out: as many EFAs as a known type allows; for an unknown type none (an empty
   *   list: the launch template's default network interface, without EFA)
   * @throws TrainingStorageError when the counts are not whole numbers of at least 1, give more EFAs
   *   than network cards, or exceed what a known type has
   */
  public static planEfaNetworkInterfaces(instanceType: string, counts?: EfaInterfaceCounts): EfaNetworkInterface[] {
    if (counts !== undefined) {
      const violation = checkEfaInterfaceCounts(counts, instanceFacts(instanceType));
      if (violation) {
        throw new TrainingStorageError('', violation.property, violation.received, violation.allowed);
      }
    }
    return planEfaInterfaces(efaCountsFor(instanceType, counts));
  }

  private constructor() {
  }
}
