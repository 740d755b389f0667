/**
 * Checkpoints as key prefixes: the layout, completeness and which checkpoints to keep (pure: no
 * aws-cdk-lib, no SDK). The construct, the handlers and the command line all decide with these
 * functions, so that a checkpoint the construct's docs call "kept" is kept by every one of them.
 *
 * A checkpoint is a directory (key prefix) under a checkpoints root, one per training step. The
 * layout says where, as a pattern relative to the root: `{run}/{step}/` by default, so
 * `checkpoints/llama-70b/12000/` is step 12000 of run `llama-70b`. A checkpoint is complete only
 * once its completion marker exists: by default `.metadata`, the file PyTorch Distributed
 * Checkpoint (DCP) writes last, after every shard (`FileSystemWriter.finish` writes the metadata
 * once all `write_data` calls have returned:
 * https://pytorch.org/docs/stable/distributed.checkpoint.html). Nothing is released, pruned,
 * copied-and-deleted or reported restorable while it is incomplete.
 */

/** The default layout under the checkpoints root: one directory per run, one per step in it. */
export const DEFAULT_CHECKPOINT_LAYOUT = '{run}/{step}/';

/** The default completion marker, relative to a checkpoint's directory (PyTorch DCP's metadata file). */
export const DEFAULT_COMPLETION_MARKER = '.metadata';

/** How many complete checkpoints per run stay on the fast tier by default. */
export const DEFAULT_KEEP_LATEST = 2;

/** The most complete checkpoints per run a tier can be asked to keep (a sanity bound, not an AWS limit). */
export const MAX_KEEP_LATEST = 1000;

/** One object (a file, on a file system) of a listing under the checkpoints root. */
export interface CheckpointObject {
  /** The full key (or the path relative to the file system's checkpoints directory). */
  readonly key: string;
  readonly sizeBytes: number;
  /** Last modified, in milliseconds since the epoch (S3 gives whole seconds). */
  readonly lastModifiedMs: number;
}

/** One checkpoint: the objects under one step directory. */
export interface Checkpoint {
  /** The run (`''` when the layout has no `{run}`). */
  readonly run: string;
  /** The step, as the digits of its directory name. */
  readonly step: string;
  /** The checkpoint's directory as a full key prefix (root + directory), ending with `/`. */
  readonly prefix: string;
  /** The directory relative to the root, ending with `/`. */
  readonly directory: string;
  /** True once the completion marker exists. */
  readonly complete: boolean;
  /** The objects, sorted by key. */
  readonly objects: readonly CheckpointObject[];
  readonly sizeBytes: number;
  /** When the completion marker was last modified (undefined while incomplete). */
  readonly markerLastModifiedMs?: number;
  /** The newest object's last modified time. */
  readonly lastModifiedMs: number;
}

/** A compiled layout: matches keys relative to the root. */
export interface CheckpointLayout {
  readonly pattern: string;
  /** The number of path segments of a checkpoint's directory. */
  readonly depth: number;
  /**
   * The run, the step and the directory of a key relative to the root, or undefined when the key
   * is not inside a checkpoint directory of this layout.
   */
  match(relativeKey: string): { run: string; step: string; directory: string; file: string } | undefined;
}

const SEGMENT_CHARS = /^[A-Za-z0-9._=\-*{}]+$/;

/**
 * What is wrong with a layout pattern, or undefined when it is valid. A valid pattern is relative
 * (no leading `/`), ends with `/`, has `{step}` once in its last segment and `{run}` at most once
 * in an earlier segment, and otherwise only letters, digits, `.`, `_`, `=`, `-` and `*` (any
 * characters but `/` within one segment).
 */
export function layoutProblem(pattern: string): string | undefined {
  if (pattern.startsWith('/') || !pattern.endsWith('/')) {
    return 'a relative pattern that ends with "/", such as "{run}/{step}/"';
  }
  const segments = pattern.slice(0, -1).split('/');
  if (segments.some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'path segments that are not empty, "." or ".."';
  }
  if (segments.some((segment) => !SEGMENT_CHARS.test(segment))) {
    return 'letters, digits, ".", "_", "=", "-", "*" and the placeholders {run} and {step} only';
  }
  const count = (placeholder: string) => pattern.split(placeholder).length - 1;
  if (count('{step}') !== 1 || !segments[segments.length - 1].includes('{step}')) {
    return '{step} exactly once, in the last segment (the checkpoint\'s directory)';
  }
  if (count('{run}') > 1 || segments[segments.length - 1].includes('{run}')) {
    return '{run} at most once, in a segment before the step\'s';
  }
  if (count('{run}') === 0 && segments.slice(0, -1).some((segment) => segment.includes('*'))) {
    return '{run} in a pattern with "*" before the step\'s segment: otherwise the checkpoints of every directory "*" matches count as one run';
  }
  const stray = pattern.replace(/\{run\}|\{step\}/g, '');
  if (/[{}]/.test(stray)) {
    return 'no placeholders other than {run} and {step}';
  }
  return undefined;
}

function segmentRegExp(segment: string): RegExp {
  const body = segment.split(/(\{run\}|\{step\}|\*)/).filter((part) => part !== '').map((part) => {
    switch (part) {
      case '{run}': return '([^/]+?)';
      case '{step}': return '(\\d+)';
      case '*': return '[^/]*?';
      default: return part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    }
  }).join('');
  return new RegExp(`^${body}$`);
}

/** Compiles a layout pattern; throws an Error naming what is allowed when it is invalid. */
export function compileLayout(pattern: string = DEFAULT_CHECKPOINT_LAYOUT): CheckpointLayout {
  const problem = layoutProblem(pattern);
  if (problem) {
    throw new Error(`invalid checkpoint layout ${JSON.stringify(pattern)}: expected ${problem}`);
  }
  const segments = pattern.slice(0, -1).split('/');
  const matchers = segments.map((segment) => ({ regexp: segmentRegExp(segment), run: segment.includes('{run}'), step: segment.includes('{step}') }));
  return {
    pattern,
    depth: segments.length,
    match(relativeKey: string) {
      const parts = relativeKey.split('/');
      if (parts.length <= segments.length) {
        return undefined; // the directory itself, or a key above it
      }
      let run = '';
      let step = '';
      for (let i = 0; i < matchers.length; i++) {
        const found = matchers[i].regexp.exec(parts[i]);
        if (!found) {
          return undefined;
        }
        if (matchers[i].run) {
          run = found[1];
        }
        if (matchers[i].step) {
          step = found[matchers[i].run ? 2 : 1];
        }
      }
      const file = parts.slice(segments.length).join('/');
      if (file === '' || file.endsWith('/')) {
        return undefined; // a directory placeholder object, not a file
      }
      return { run, step, directory: `${parts.slice(0, segments.length).join('/')}/`, file };
    },
  };
}

/**
 * What is wrong with a completion marker, or undefined when it is valid: a relative file path
 * inside the checkpoint's directory (no leading or trailing `/`, no `.` or `..` segments).
 */
export function markerProblem(marker: string): string | undefined {
  if (marker === '' || marker.startsWith('/') || marker.endsWith('/')) {
    return 'a file path relative to the checkpoint\'s directory, such as ".metadata"';
  }
  if (marker.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')) {
    return 'path segments that are not empty, "." or ".."';
  }
  return undefined;
}

/** Compares two steps given as digit strings, numerically (any length). */
export function compareSteps(a: string, b: string): number {
  const x = a.replace(/^0+(?=\d)/, '');
  const y = b.replace(/^0+(?=\d)/, '');
  if (x.length !== y.length) {
    return x.length - y.length;
  }
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Where checkpoints live and how they are recognised. */
export interface CheckpointScheme {
  /** The checkpoints root as a key prefix (`''` or ending with `/`). */
  readonly root: string;
  /** @default DEFAULT_CHECKPOINT_LAYOUT */
  readonly layout?: string;
  /** @default DEFAULT_COMPLETION_MARKER */
  readonly marker?: string;
}

/** The checkpoints of a listing, and the keys under the root that belong to none. */
export interface CheckpointListing {
  /** Sorted by run, then by step (numerically). */
  readonly checkpoints: readonly Checkpoint[];
  /** Keys under the root outside the layout (reported, never touched). */
  readonly unmatched: readonly string[];
}

/**
 * Groups a listing of the checkpoints root into checkpoints. Keys outside the root are ignored;
 * keys under it that no checkpoint directory holds are returned as `unmatched`.
 */
export function groupCheckpoints(objects: readonly CheckpointObject[], scheme: CheckpointScheme): CheckpointListing {
  const root = scheme.root;
  if (root !== '' && !root.endsWith('/')) {
    throw new Error(`invalid checkpoints root ${JSON.stringify(root)}: expected "" or a prefix that ends with "/"`);
  }
  const marker = scheme.marker ?? DEFAULT_COMPLETION_MARKER;
  const problem = markerProblem(marker);
  if (problem) {
    throw new Error(`invalid completion marker ${JSON.stringify(marker)}: expected ${problem}`);
  }
  const layout = compileLayout(scheme.layout ?? DEFAULT_CHECKPOINT_LAYOUT);
  const groups = new Map<string, { run: string; step: string; directory: string; objects: CheckpointObject[]; marker?: CheckpointObject }>();
  const unmatched: string[] = [];
  for (const object of objects) {
    if (!object.key.startsWith(root)) {
      continue;
    }
    const found = layout.match(object.key.slice(root.length));
    if (!found) {
      unmatched.push(object.key);
      continue;
    }
    let group = groups.get(found.directory);
    if (!group) {
      group = { run: found.run, step: found.step, directory: found.directory, objects: [] };
      groups.set(found.directory, group);
    }
    group.objects.push(object);
    if (found.file === marker) {
      group.marker = object;
    }
  }
  const checkpoints: Checkpoint[] = [...groups.values()].map((group) => {
    const sorted = [...group.objects].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return {
      run: group.run,
      step: group.step,
      prefix: `${root}${group.directory}`,
      directory: group.directory,
      complete: group.marker !== undefined,
      objects: sorted,
      sizeBytes: sorted.reduce((sum, object) => sum + object.sizeBytes, 0),
      markerLastModifiedMs: group.marker?.lastModifiedMs,
      lastModifiedMs: Math.max(...sorted.map((object) => object.lastModifiedMs)),
    };
  });
  checkpoints.sort(byRunThenStep);
  return { checkpoints, unmatched: unmatched.sort() };
}

function byRunThenStep(a: Checkpoint, b: Checkpoint): number {
  if (a.run !== b.run) {
    return a.run < b.run ? -1 : 1;
  }
  const steps = compareSteps(a.step, b.step);
  // Two directories with the same step number (`step_07`, `step_7`): order by name, stably.
  return steps !== 0 ? steps : (a.directory < b.directory ? -1 : a.directory > b.directory ? 1 : 0);
}

/** What to do with each checkpoint of one run. */
export interface RunRetention {
  readonly run: string;
  /** The latest `keepLatest` complete checkpoints: never released or deleted. Newest first. */
  readonly keep: readonly Checkpoint[];
  /** Complete checkpoints older than the kept ones: may leave the fast tier once safe elsewhere. Oldest first. */
  readonly expired: readonly Checkpoint[];
  /**
   * Incomplete checkpoints: being written (newer than the newest complete one) or left by a crash.
   * Never released, deleted or reported restorable; reported so that a person can look.
   */
  readonly incomplete: readonly Checkpoint[];
}

/** What is wrong with a keep count, or undefined when it is valid (a whole number, 1 to MAX_KEEP_LATEST). */
export function keepLatestProblem(keepLatest: number): string | undefined {
  if (!Number.isInteger(keepLatest) || keepLatest < 1 || keepLatest > MAX_KEEP_LATEST) {
    return `a whole number from 1 to ${MAX_KEEP_LATEST}: at least the newest complete checkpoint always stays`;
  }
  return undefined;
}

/**
 * Splits each run's checkpoints into the latest `keepLatest` complete ones (kept), the older
 * complete ones (expired) and the incomplete ones (left alone). Runs are sorted by name.
 */
export function planRetention(checkpoints: readonly Checkpoint[], keepLatest: number = DEFAULT_KEEP_LATEST): RunRetention[] {
  const problem = keepLatestProblem(keepLatest);
  if (problem) {
    throw new Error(`invalid keepLatest ${keepLatest}: expected ${problem}`);
  }
  const runs = new Map<string, Checkpoint[]>();
  for (const checkpoint of checkpoints) {
    runs.set(checkpoint.run, [...(runs.get(checkpoint.run) ?? []), checkpoint]);
  }
  return [...runs.keys()].sort().map((run) => {
    const all = [...runs.get(run)!].sort(byRunThenStep);
    const complete = all.filter((checkpoint) => checkpoint.complete);
    const keep = complete.slice(-keepLatest).reverse();
    const expired = complete.slice(0, Math.max(0, complete.length - keepLatest));
    return { run, keep, expired, incomplete: all.filter((checkpoint) => !checkpoint.complete) };
  });
}

/** The newest complete checkpoint's marker time across runs (for the staleness metric), or undefined. */
export function newestCompleteMs(checkpoints: readonly Checkpoint[]): number | undefined {
  const times = checkpoints.filter((checkpoint) => checkpoint.complete).map((checkpoint) => checkpoint.markerLastModifiedMs!);
  return times.length === 0 ? undefined : Math.max(...times);
}

/** Why a file system's checkpoints cannot be released, as a property check reports it. */
export interface ReleaseProblem {
  readonly received: string;
  readonly allowed: string;
}

/**
 * Why FSx cannot release checkpoints from a file system of this kind, or undefined when it can.
 * Release tasks need a linked data repository ("A CreateDataRepositoryTask operation will fail if a
 * data repository is not linked to the FSx file system":
 * https://docs.aws.amazon.com/fsx/latest/APIReference/API_CreateDataRepositoryTask.html), and the
 * tier links one with a data repository association, which needs Lustre 2.12 or newer and not
 * SCRATCH_1 ("Data repository associations, automatic export, and support for multiple data
 * repositories aren't available on FSx for Lustre 2.10 file systems or Scratch 1 file systems":
 * https://docs.aws.amazon.com/fsx/latest/LustreGuide/overview-dra-data-repo.html). "Release data
 * repository tasks are not available on FSx for Lustre 2.10 file systems"
 * (https://docs.aws.amazon.com/fsx/latest/LustreGuide/file-release.html). "Intelligent-Tiering file
 * systems don't support linking to Amazon S3 data repositories"
 * (https://docs.aws.amazon.com/fsx/latest/LustreGuide/fsx-data-repositories.html).
 */
export function releaseProblem(deploymentType: string, storageType: string, lustreVersion: string): ReleaseProblem | undefined {
  if (deploymentType === 'SCRATCH_1') {
    return { received: 'SCRATCH_1', allowed: 'a SCRATCH_2 or PERSISTENT_2 file system: SCRATCH_1 takes no data repository association, so nothing can be exported or released' };
  }
  if (lustreVersion === '2.10') {
    return { received: 'Lustre 2.10', allowed: 'Lustre 2.12 or newer: release tasks and data repository associations are not available on Lustre 2.10' };
  }
  if (storageType === 'INTELLIGENT_TIERING') {
    return { received: 'Intelligent-Tiering storage', allowed: 'SSD or HDD storage: Intelligent-Tiering file systems link no S3 data repository, so nothing can be exported or released' };
  }
  return undefined;
}

/**
 * The longest tier name an alarm can filter on: an alarm's dimension value is 1 to 255 characters
 * (https://docs.aws.amazon.com/cdk/api/v2/docs/aws-cdk-lib.aws_cloudwatch.CfnAlarm.DimensionProperty.html);
 * dimension values are ASCII (https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_Dimension.html).
 */
export const MAX_TIER_DIMENSION_LENGTH = 255;

/**
 * What is wrong with a tier name as the metrics' dimension value, or undefined when it is valid
 * (for the construct to check at synthesis time, and for the publisher).
 */
export function tierDimensionProblem(tier: string): string | undefined {
  if (tier.length < 1 || tier.length > MAX_TIER_DIMENSION_LENGTH) {
    return `1 to ${MAX_TIER_DIMENSION_LENGTH} characters (a CloudWatch alarm's dimension value)`;
  }
  if (!/^[\x20-\x7e]+$/.test(tier) || tier.trim() === '') {
    return 'printable ASCII characters, at least one not a space (CloudWatch dimension values take ASCII only, no control characters)';
  }
  return undefined;
}
