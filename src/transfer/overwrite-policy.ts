/**
 * What a copy does with an object that already exists at the destination.
 *
 * (Its own module, free of AWS SDK imports: the construct library loads it at synth time, while
 * the SDK only ships inside the bundled handler and command line.)
 */
export enum OverwritePolicy {
  /** Skip it when size and checksum match the source; copy it otherwise (sync). */
  IF_DIFFERENT = 'IF_DIFFERENT',
  /** Always copy. */
  ALWAYS = 'ALWAYS',
  /** Never replace an existing object, whatever its content. */
  NEVER = 'NEVER',
}
