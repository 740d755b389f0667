/**
 * The copy engine's options, progress, events and results, and the defaults of its options.
 *
 * (Types only, besides the defaults: no request is sent from here.)
 */
import type { S3Client } from '@aws-sdk/client-s3';
import { DEFAULT_CONCURRENCY } from '../defaults';
import { OverwritePolicy } from '../overwrite-policy';
import { MAX_COPY_OBJECT_BYTES, MIB } from './parts';

/** A bucket and a key prefix (empty, or ending with `/`). */
export interface S3Location {
  readonly bucket: string;
  readonly prefix: string;
}

export { OverwritePolicy };

/** Defaults, chosen from the benchmark (see README, Performance). */
export const ENGINE_DEFAULTS = {
  concurrency: DEFAULT_CONCURRENCY,
  multipartThresholdBytes: MAX_COPY_OBJECT_BYTES,
  partSizeBytes: 256 * MIB,
  maxAttempts: 8,
  retryBaseDelayMs: 100,
  retryMaxDelayMs: 20_000,
  overwrite: OverwritePolicy.IF_DIFFERENT,
  listDestination: true,
};

/** Options of one copy run. */
export interface CopyOptions {
  /** Client for the source bucket's region. */
  readonly sourceClient: S3Client;
  /** Client for the destination bucket's region. @default sourceClient */
  readonly destinationClient?: S3Client;
  /**
   * Keys to copy, relative to the source prefix.
   * @default - every object under the source prefix
   */
  readonly keys?: readonly string[];
  /**
   * List under this prefix instead of the source prefix (it must start with the source prefix);
   * keys still map from the source prefix to the destination prefix.
   * @default - the source prefix
   */
  readonly listPrefix?: string;
  /**
   * Objects copied under another name: relative source key to relative destination key. Two
   * objects that would land on one destination key (two renames onto one key, or a rename onto a
   * key copied unrenamed) fail the run before the first copy.
   * @default - every object keeps its relative key
   */
  readonly renames?: Readonly<Record<string, string>>;
  /**
   * Copies only the listed objects this returns true for (the others are not counted).
   * @default - every listed object
   */
  readonly include?: (key: string, sizeBytes: number) => boolean;
  /**
   * With a whole prefix and a sync policy, list the destination prefix first and send HEAD requests
   * only for keys that exist there with the same size. Off: a HEAD request per object.
   * @default true
   */
  readonly listDestination?: boolean;
  /** Requests in flight at once (each object and each part is one request). @default 256 */
  readonly concurrency?: number;
  /** Objects larger than this are copied in parts (at most 5 GiB, CopyObject's limit). @default 5 GiB */
  readonly multipartThresholdBytes?: number;
  /** Preferred part size; raised when an object would need more than 10,000 parts. @default 256 MiB */
  readonly partSizeBytes?: number;
  /** Relaxes the 5 MiB minimum part size, for S3-compatible servers in tests. @default 5 MiB */
  readonly minPartSizeBytes?: number;
  /** @default OverwritePolicy.IF_DIFFERENT */
  readonly overwrite?: OverwritePolicy;
  /** Storage class of the copies (general purpose destinations). @default - the bucket's default (STANDARD) */
  readonly storageClass?: string;
  /** Encrypt the copies with SSE-KMS under this key (ID or ARN). @default - the destination bucket's default encryption */
  readonly sseKmsKeyId?: string;
  /**
   * Keep the source's strong checksum on the copy: an object whose source carries a full-object
   * SHA-256, SHA-1 or CRC64NVME checksum (read with a HeadObject of the source, one more request per
   * object copied with CopyObject) is copied asking S3 for that algorithm, the strongest first, so
   * that the copy and its source carry a common checksum that proves them identical. Any other
   * object (a CRC32 or CRC32C only, a composite checksum, none) is copied asking for CRC64NVME.
   * Multipart copies (above `multipartThresholdBytes`) always ask for a full-object CRC64NVME:
   * S3 has no full-object SHA-1 or SHA-256 for multipart uploads, so a source proven by SHA only
   * cannot be proven after a multipart copy (with the default threshold, 5 GiB, no such source is
   * copied in parts: a single PutObject, the only way to a full-object SHA, is at most 5 GiB).
   *
   * Off: every copy asks for CRC64NVME, the checksum S3 adds to objects uploaded without one (a
   * copy of an object that carries another algorithm then cannot be compared with it).
   * @default false - every copy asks S3 for a CRC64NVME checksum
   */
  readonly preserveStrongSourceChecksum?: boolean;
  /** Attempts per request before the object is given up. @default 8 */
  readonly maxAttempts?: number;
  /** @default 100 */
  readonly retryBaseDelayMs?: number;
  /** @default 20000 */
  readonly retryMaxDelayMs?: number;
  /** Only list and decide; copy nothing. @default false */
  readonly dryRun?: boolean;
  /** Start no new object after this time (epoch milliseconds); objects in flight finish. @default - no deadline */
  readonly deadline?: number;
  /** Receives progress events. */
  readonly onEvent?: (event: CopyEvent) => void;
  /** Waits between attempts (tests replace it). @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Random numbers in [0, 1) for jitter (tests replace it). @default Math.random */
  readonly random?: () => number;
  /** The clock (tests replace it). @default Date.now */
  readonly now?: () => number;
}

/** Progress totals so far. */
export interface CopyProgress {
  readonly objectsListed: number;
  readonly bytesListed: number;
  /** True once the listing is complete, so that the totals are final. */
  readonly listingComplete: boolean;
  readonly objectsDone: number;
  readonly objectsCopied: number;
  readonly objectsSkipped: number;
  readonly objectsFailed: number;
  /** Bytes of copied and skipped objects. */
  readonly bytesDone: number;
  readonly bytesCopied: number;
  readonly elapsedMs: number;
  /** Bytes done per second since the start. */
  readonly bytesPerSecond: number;
  /** Objects done per second since the start. */
  readonly objectsPerSecond: number;
  /** Estimated time left, once the listing is complete. */
  readonly etaMs?: number;
}

/** What happened to one object. */
export type ObjectOutcome = 'copied' | 'skipped' | 'failed' | 'would-copy';

/** A structured progress event; each caller renders it its own way. */
export type CopyEvent =
  | {
    readonly type: 'object';
    readonly key: string;
    readonly destinationKey: string;
    readonly sizeBytes: number;
    readonly outcome: ObjectOutcome;
    readonly multipart: boolean;
    readonly reason?: string;
    readonly progress: CopyProgress;
  }
  | { readonly type: 'retry'; readonly key: string; readonly operation: string; readonly attempt: number; readonly delayMs: number; readonly error: string }
  | { readonly type: 'listed'; readonly progress: CopyProgress }
  | { readonly type: 'done'; readonly result: CopyResult };

/** An object given up. */
export interface CopyFailure {
  readonly key: string;
  readonly error: string;
  readonly attempts: number;
}

/** The outcome of a run. */
export interface CopyResult {
  /**
   * True when every listed object was copied or skipped (a dry run: decided), none failed, and no
   * deadline stopped the run.
   */
  readonly complete: boolean;
  /** True when the deadline stopped the run before every object was done. */
  readonly stoppedEarly: boolean;
  readonly objectsListed: number;
  readonly objectsCopied: number;
  readonly objectsSkipped: number;
  /** Objects a dry run would copy. */
  readonly objectsToCopy: number;
  readonly bytesCopied: number;
  readonly failures: readonly CopyFailure[];
  readonly elapsedMs: number;
}
