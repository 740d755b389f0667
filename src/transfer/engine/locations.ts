/**
 * Where a copy reads and where it writes, as pure rules shared by the copy engine (at run time), the
 * DatasetCopy construct (at synth time) and the command line (before any request). No AWS SDK, no
 * aws-cdk-lib: plain strings in, plain answers out.
 *
 * Prefixes are empty (the whole bucket) or end with `/`; keys are relative to the source prefix.
 */

/**
 * How the destination of a whole-prefix copy in the same bucket meets the listed source:
 * - `same`: every object would be copied onto itself;
 * - `inside`: the copies land under the listed prefix, where a listing finds them and copies them
 *   again, deeper and deeper.
 */
export type PrefixOverlap = 'same' | 'inside';

/**
 * The overlap of a whole-prefix copy whose source and destination are in the same bucket, or
 * `undefined` when the copies land outside what is listed.
 *
 * A listed key `<sourcePrefix>k` is copied to `<destinationPrefix>k`, so the copies of what is listed
 * under `listPrefix` land under `<destinationPrefix><listPrefix without sourcePrefix>`.
 *
 * @param sourcePrefix the prefix keys are mapped from
 * @param destinationPrefix the prefix keys are mapped to
 * @param listPrefix what is listed (it starts with `sourcePrefix`); the empty prefix is the whole bucket
 */
export function prefixOverlap(sourcePrefix: string, destinationPrefix: string, listPrefix: string = sourcePrefix): PrefixOverlap | undefined {
  const copiesUnder = destinationPrefix + listPrefix.slice(sourcePrefix.length);
  if (copiesUnder === listPrefix) {
    return 'same';
  }
  return copiesUnder.startsWith(listPrefix) ? 'inside' : undefined;
}

/** Relative source key to relative destination key. */
export type Renames = Readonly<Record<string, string>>;

/** The relative destination key of a relative source key: its rename, else the key itself. */
export function renamedKey(relativeKey: string, renames: Renames | undefined): string {
  // Own properties only: a key named `constructor` or `toString` is not a rename.
  return renames !== undefined && Object.prototype.hasOwnProperty.call(renames, relativeKey) ? renames[relativeKey] : relativeKey;
}

/**
 * The keys (of `keys`, with `renames`) that a copy in the same bucket would write onto themselves:
 * `<sourcePrefix>k` and `<destinationPrefix><renamed k>` are the same object.
 */
export function keysOntoThemselves(sourcePrefix: string, destinationPrefix: string, keys: readonly string[], renames?: Renames): string[] {
  return keys.filter((key) => `${destinationPrefix}${renamedKey(key, renames)}` === `${sourcePrefix}${key}`);
}

/** Two or more source keys that a copy would write to one destination key: all but one would be lost. */
export interface KeyCollision {
  /** The relative destination key. */
  readonly destinationKey: string;
  /** The relative source keys copied to it, in the order given (at least two). */
  readonly sourceKeys: readonly string[];
}

/**
 * The collisions of a copy of `sourceKeys` (relative, each counted once) with `renames`: destination
 * keys that two or more source keys map to. A rename onto a key that is itself copied unrenamed is
 * one: that key keeps its name and meets the renamed object there.
 */
export function keyCollisions(sourceKeys: Iterable<string>, renames: Renames | undefined): KeyCollision[] {
  const sourcesOf = new Map<string, string[]>();
  for (const key of new Set(sourceKeys)) {
    const destination = renamedKey(key, renames);
    const sources = sourcesOf.get(destination);
    if (sources) {
      sources.push(key);
    } else {
      sourcesOf.set(destination, [key]);
    }
  }
  return [...sourcesOf].filter(([, sources]) => sources.length > 1).map(([destinationKey, sources]) => ({ destinationKey, sourceKeys: sources }));
}

/**
 * The relative source keys whose presence decides whether a whole-prefix copy with `renames`
 * collides (see {@link keyCollisions}): only a renamed object can meet another one. Two objects
 * copied unrenamed keep distinct keys; a renamed object meets an unrenamed one only at its target,
 * when that target is not renamed itself; two renamed objects meet when their targets are equal.
 * These are the rename sources whose target another rename shares or is a key that stays where it is
 * (not renamed, or renamed onto itself), and those targets. Every other key of the prefix can be
 * ignored.
 */
export function keysThatMayCollide(renames: Renames): string[] {
  const sources = Object.keys(renames);
  const targets = new Map<string, number>();
  for (const source of sources) {
    const target = renamedKey(source, renames);
    targets.set(target, (targets.get(target) ?? 0) + 1);
  }
  // The object at this key, if any, is copied to this same key (not renamed, or renamed onto itself).
  const staysAt = (key: string) => renamedKey(key, renames) === key;
  const relevant = new Set<string>();
  for (const source of sources) {
    const target = renamedKey(source, renames);
    if (target !== source && (staysAt(target) || targets.get(target)! > 1)) {
      relevant.add(source);
      if (staysAt(target)) {
        relevant.add(target);
      }
    }
  }
  return [...relevant];
}

/** Renders collisions for a message: `"a" and "b" to "x"; ...`. */
export function describeCollisions(collisions: readonly KeyCollision[]): string {
  return collisions.map((c) => `${c.sourceKeys.map((k) => JSON.stringify(k)).join(' and ')} to ${JSON.stringify(c.destinationKey)}`).join('; ');
}

/** A bucket and a key prefix (the engine's S3Location). */
interface Place {
  readonly bucket: string;
  readonly prefix: string;
}

/** What of a copy's options decides where its objects land (a subset of the engine's CopyOptions). */
export interface CopyTargetOptions {
  readonly keys?: readonly string[];
  readonly renames?: Renames;
  readonly listPrefix?: string;
  readonly include?: (key: string, sizeBytes: number) => boolean;
}

/**
 * Throws when what is known before any request shows that a copy would lose or loop: a whole prefix
 * onto itself or into the listed source (same bucket), keys onto themselves, or, with `keys`, two
 * source keys renamed to one destination key.
 */
export function checkCopyTargets(source: Place, destination: Place, options: CopyTargetOptions): void {
  if (source.bucket === destination.bucket) {
    if (options.keys === undefined) {
      const listed = options.listPrefix ?? source.prefix;
      const copiesUnder = destination.prefix + listed.slice(source.prefix.length);
      const overlap = prefixOverlap(source.prefix, destination.prefix, listed);
      if (overlap === 'same') {
        throw new Error(`destination ${destination.bucket}/${copiesUnder} is the source: every object would be copied onto itself`);
      }
      if (overlap === 'inside') {
        // The listing would find the copies and copy them again, deeper and deeper.
        throw new Error(`destination ${destination.bucket}/${copiesUnder} is inside the source ${source.bucket}/${listed}: the copies would be copied again`);
      }
    } else {
      const onto = keysOntoThemselves(source.prefix, destination.prefix, options.keys, options.renames);
      if (onto.length > 0) {
        throw new Error(`keys copied onto themselves (same bucket, same key): ${onto.map((k) => JSON.stringify(k)).join(', ')}`);
      }
    }
  }
  if (options.keys !== undefined) {
    const collisions = keyCollisions(options.keys, options.renames);
    if (collisions.length > 0) {
      throw collisionError(collisions);
    }
  }
}

/**
 * With renames over a whole prefix (no `keys`): looks up the few source objects that decide whether
 * two listed objects would land on one destination key ({@link keysThatMayCollide}), and throws if
 * they would. An object counts when it exists, is under the listed prefix and passes `include`, as the
 * listing would count it.
 *
 * @param head the object's size, `undefined` when it does not exist; throws when it cannot tell
 */
export async function checkRenamesOfPrefix(
  source: Place,
  options: CopyTargetOptions,
  head: (key: string) => Promise<{ readonly ContentLength?: number } | undefined>,
): Promise<void> {
  if (options.renames === undefined || options.keys !== undefined) {
    return;
  }
  const listed = options.listPrefix ?? source.prefix;
  const candidates = keysThatMayCollide(options.renames).filter((relative) => `${source.prefix}${relative}`.startsWith(listed));
  const found = await Promise.allSettled(candidates.map((relative) => head(`${source.prefix}${relative}`)));
  const present: string[] = [];
  found.forEach((outcome, i) => {
    const key = `${source.prefix}${candidates[i]}`;
    if (outcome.status === 'rejected') {
      throw new Error(`checking the renames: HeadObject ${key} failed: ${(outcome.reason as Error).message}`);
    }
    if (outcome.value !== undefined && (options.include?.(key, outcome.value.ContentLength ?? 0) ?? true)) {
      present.push(candidates[i]);
    }
  });
  const collisions = keyCollisions(present, options.renames);
  if (collisions.length > 0) {
    throw collisionError(collisions);
  }
}

function collisionError(collisions: readonly KeyCollision[]): Error {
  return new Error(`renames would copy two or more source objects to one destination key: ${describeCollisions(collisions)}; `
    + 'only one of them would remain there, so nothing was copied');
}
