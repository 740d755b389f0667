import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CompletedPart,
  CopyObjectCommand,
  CopyObjectCommandInput,
  CreateMultipartUploadCommand,
  GetObjectTaggingCommand,
  HeadObjectCommand,
  HeadObjectCommandOutput,
  ListObjectsV2Command,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { decodeListedKey } from '../../core/listed-keys';
import { isDirectoryBucketName } from '../../core/s3-names';
import { OverwritePolicy } from '../overwrite-policy';
import { checkCompleted, checkCopied, contentLengthOf, listPageOf, partETagOf, tagSetOf, uploadIdOf } from './answers';
import { COPY_CHECKSUM_ALGORITHM, ChecksumAlgorithm, ObjectFingerprint, fingerprintOf, fullObjectChecksum, sameContent, strongCopyAlgorithmOf } from './compare';
import { directCopierOf } from './direct-copy';
import { directListerOf } from './direct-list';
import { Limiter } from './limiter';
import { checkCopyTargets, checkRenamesOfPrefix } from './locations';
import { MAX_COPY_OBJECT_BYTES, MIN_PART_SIZE_BYTES, PartRange, planParts } from './parts';
import { newTally, progressOf } from './progress';
import { BoundedQueue } from './queue';
import { backoffDelayMs, describeError, isRetryable } from './retry';
import { CopyEvent, CopyOptions, CopyProgress, CopyResult, ENGINE_DEFAULTS, ObjectOutcome, S3Location } from './types';

/** The size of an explicit key before its HEAD request. */
const UNKNOWN_SIZE = -1;

interface SourceObject {
  /** The key; for a key that cannot be addressed, the value the listing gave. */
  readonly key: string;
  readonly sizeBytes: number;
  /** Why the listed key cannot be addressed (empty, or not decodable): the object fails. */
  readonly problem?: string;
}

/** Thrown by one request after its attempts are used up. */
class GaveUp extends Error {
  public constructor(public readonly attempts: number, public readonly original: unknown) {
    super(describeError(original));
  }
}

/** True for the 404 NoSuchUpload error (a multipart upload completed or aborted). */
function isNoSuchUpload(error: unknown): boolean {
  const original = error instanceof GaveUp ? error.original : error;
  return (original as { name?: string } | undefined)?.name === 'NoSuchUpload';
}

/** The error of an explicit key that is not at the source (a HEAD request found no object). */
export const SOURCE_NOT_FOUND = 'source object not found';

/** True for S3 Express One Zone directory bucket names (`<base>--<az-id>--x-s3`). */
export function isDirectoryBucket(bucket: string): boolean {
  return isDirectoryBucketName(bucket);
}

/** `CopySource` for a key: the bucket and the URL-encoded key (slashes kept). */
export function copySourceOf(bucket: string, key: string): string {
  return `${bucket}/${encodeURIComponent(key).replace(/%2F/g, '/')}`;
}

/** The destination key of a source key: the source prefix replaced by the destination prefix. */
export function destinationKeyOf(source: S3Location, destination: S3Location, key: string): string {
  return `${destination.prefix}${key.slice(source.prefix.length)}`;
}

function checkPrefix(name: string, location: S3Location): void {
  if (location.prefix !== '' && !location.prefix.endsWith('/')) {
    throw new Error(`${name} prefix ${JSON.stringify(location.prefix)} must be empty or end with "/"`);
  }
}

/**
 * Copies every object under `source` (or the listed keys) to `destination`, server-side only:
 * CopyObject up to the multipart threshold, UploadPartCopy above it. Objects are never downloaded.
 *
 * Running it again after a stop finishes the job without copying again what is done: an object
 * proven identical at the destination (same size and a matching checksum of at least 64 bits or
 * MD5 ETag, see compare.ts) is skipped.
 */
export async function copyDataset(source: S3Location, destination: S3Location, options: CopyOptions): Promise<CopyResult> {
  checkPrefix('source', source);
  checkPrefix('destination', destination);
  if (options.listPrefix !== undefined && !options.listPrefix.startsWith(source.prefix)) {
    throw new Error(`listPrefix ${JSON.stringify(options.listPrefix)} must start with the source prefix ${JSON.stringify(source.prefix)}`);
  }
  // Copies onto the source itself or into the listed prefix, and renames onto one key: before any request.
  checkCopyTargets(source, destination, options);
  const o = {
    ...ENGINE_DEFAULTS,
    sleep: (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)),
    random: Math.random,
    now: Date.now,
    ...definedOnly(options),
  };
  if (o.multipartThresholdBytes > MAX_COPY_OBJECT_BYTES || o.multipartThresholdBytes < 1) {
    throw new RangeError(`multipartThresholdBytes must be between 1 and ${MAX_COPY_OBJECT_BYTES}`);
  }
  if (!Number.isInteger(o.concurrency) || o.concurrency < 1) {
    throw new RangeError('concurrency must be a whole number of at least 1');
  }
  const src = options.sourceClient;
  const dst = options.destinationClient ?? options.sourceClient;
  const minPart = options.minPartSizeBytes ?? MIN_PART_SIZE_BYTES;
  const start = o.now();
  const limiter = new Limiter(o.concurrency);

  const state = newTally();
  const progress = (): CopyProgress => progressOf(state, o.now() - start);
  const emit = (event: CopyEvent) => o.onEvent?.(event);

  /** One request under the concurrency limit, retried with backoff while retryable. */
  const request = async <T>(key: string, operation: string, send: () => Promise<T>): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await limiter.run(send);
      } catch (error) {
        if (!isRetryable(error) || attempt >= o.maxAttempts) {
          throw new GaveUp(attempt, error);
        }
        const delayMs = backoffDelayMs(attempt, { baseDelayMs: o.retryBaseDelayMs, maxDelayMs: o.retryMaxDelayMs }, o.random());
        emit({ type: 'retry', key, operation, attempt, delayMs, error: describeError(error) });
        await o.sleep(delayMs);
      }
    }
  };

  const head = async (client: S3Client, bucket: string, key: string): Promise<HeadObjectCommandOutput | undefined> => {
    try {
      return await request(key, 'HeadObject', async () => {
        const answer = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key, ChecksumMode: 'ENABLED' }));
        contentLengthOf(answer);
        return answer;
      });
    } catch (error) {
      const original = error instanceof GaveUp ? error.original as { name?: string; $metadata?: { httpStatusCode?: number } } : undefined;
      if (original && (original.name === 'NotFound' || original.name === 'NoSuchKey' || original.$metadata?.httpStatusCode === 404)) {
        return undefined;
      }
      throw error;
    }
  };

  const encryption = (): Pick<CopyObjectCommandInput, 'ServerSideEncryption' | 'SSEKMSKeyId'> =>
    o.sseKmsKeyId ? { ServerSideEncryption: 'aws:kms', SSEKMSKeyId: o.sseKmsKeyId } : {};
  const storageClass = (): Pick<CopyObjectCommandInput, 'StorageClass'> =>
    o.storageClass && !isDirectoryBucket(destination.bucket) ? { StorageClass: o.storageClass as CopyObjectCommandInput['StorageClass'] } : {};

  // Object tags: CopyObject copies them (x-amz-tagging-directive defaults to COPY); a multipart copy
  // reads them (GetObjectTagging) and sets them on CreateMultipartUpload, so that a copy has its
  // tags whatever its size. Directory buckets have no object tags: GetObjectTagging and
  // PutObjectTagging are "not supported for directory buckets", and a CopyObject into a directory
  // bucket that would copy a non-empty tag set fails with 501 Not Implemented: into a directory
  // bucket the tag set is replaced by the empty one (S3 API reference, CopyObject,
  // x-amz-tagging-directive: https://docs.aws.amazon.com/AmazonS3/latest/API/API_CopyObject.html;
  // GetObjectTagging: https://docs.aws.amazon.com/AmazonS3/latest/API/API_GetObjectTagging.html).
  const tagsSupported = !isDirectoryBucket(source.bucket) && !isDirectoryBucket(destination.bucket);
  const tagging = (): Pick<CopyObjectCommandInput, 'TaggingDirective'> =>
    isDirectoryBucket(destination.bucket) ? { TaggingDirective: 'REPLACE' } : {};
  /** The source's tags as CreateMultipartUpload's `Tagging` (URL query encoded), or undefined for none. */
  const sourceTagging = async (key: string): Promise<string | undefined> => {
    if (!tagsSupported) {
      return undefined;
    }
    const tags = await request(key, 'GetObjectTagging', async () => tagSetOf(await src.send(new GetObjectTaggingCommand({ Bucket: source.bucket, Key: key }))));
    return tags.length === 0 ? undefined : tags.map((tag) => `${encodeURIComponent(tag.Key)}=${encodeURIComponent(tag.Value)}`).join('&');
  };

  const direct = directCopierOf(dst);
  /**
   * The checksum a CopyObject asks S3 to compute: CRC64NVME, which a later sync can compare with a
   * source that carries it (see compare.ts); with `preserveStrongSourceChecksum`, the source's own
   * full-object SHA-256, SHA-1 or CRC64NVME when it has one. A copy carries only the algorithm asked
   * for, so asking CRC64NVME of a SHA-256 source would leave nothing to compare the two by.
   */
  const singleCopyAlgorithm = (sourceFingerprint: ObjectFingerprint | undefined): ChecksumAlgorithm =>
    (o.preserveStrongSourceChecksum && sourceFingerprint ? strongCopyAlgorithmOf(sourceFingerprint) : undefined) ?? COPY_CHECKSUM_ALGORITHM;
  const copySingle = async (object: SourceObject, destinationKey: string, checksumAlgorithm: ChecksumAlgorithm) => {
    const input: CopyObjectCommandInput = {
      Bucket: destination.bucket,
      Key: destinationKey,
      CopySource: copySourceOf(source.bucket, object.key),
      MetadataDirective: 'COPY',
      ChecksumAlgorithm: checksumAlgorithm as CopyObjectCommandInput['ChecksumAlgorithm'],
      ...tagging(),
      ...storageClass(),
      ...encryption(),
    };
    await request(object.key, 'CopyObject', async () => {
      if (direct) {
        await direct.copy(input); // checks the answer itself
      } else {
        checkCopied(await dst.send(new CopyObjectCommand(input)));
      }
    });
  };

  const copyMultipart = async (object: SourceObject, destinationKey: string, sourceHead: HeadObjectCommandOutput, fingerprint: ObjectFingerprint) => {
    // A full-object CRC64NVME, like CopyObject's; when the source has one, S3 checks the assembled copy against it.
    // Never the source's SHA-1 or SHA-256, even with preserveStrongSourceChecksum: S3 gives a
    // multipart upload a full-object checksum for CRC algorithms only (the user guide's checksum
    // type table: full object for CRC64NVME, CRC32, CRC32C; SHA1 and SHA256 composite only,
    // https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity-upload.html,
    // read here from a reproduction of that table; "The CRC64NVME checksum is always a full object
    // checksum": https://docs.aws.amazon.com/AmazonS3/latest/API/API_CompleteMultipartUpload.html),
    // and a composite SHA over this copy's parts cannot be compared with the source's full-object one.
    const crc = COPY_CHECKSUM_ALGORITHM;
    const sourceCrc = fullObjectChecksum(fingerprint, crc);
    const tags = await sourceTagging(object.key);
    const uploadId = await request(object.key, 'CreateMultipartUpload', async () => uploadIdOf(await dst.send(new CreateMultipartUploadCommand({
      Bucket: destination.bucket,
      Key: destinationKey,
      ContentType: sourceHead.ContentType,
      ContentEncoding: sourceHead.ContentEncoding,
      ContentDisposition: sourceHead.ContentDisposition,
      ContentLanguage: sourceHead.ContentLanguage,
      CacheControl: sourceHead.CacheControl,
      Expires: sourceHead.Expires,
      Metadata: sourceHead.Metadata,
      Tagging: tags,
      ChecksumAlgorithm: crc,
      ChecksumType: 'FULL_OBJECT',
      ...storageClass(),
      ...encryption(),
    }))));
    try {
      const preferred = Math.max(o.partSizeBytes, minPart);
      const ranges = minPart < MIN_PART_SIZE_BYTES ? planWithMinimum(object.sizeBytes, preferred, minPart) : planParts(object.sizeBytes, preferred);
      // Once a part has failed for good, no other part starts (or retries); the upload is aborted only
      // after every part in flight has settled, since a part still running could outlive the abort.
      let partFailure: unknown;
      const copyPart = (range: PartRange) => () => {
        if (partFailure !== undefined) {
          return Promise.reject(new Error('cancelled: another part failed'));
        }
        return dst.send(new UploadPartCopyCommand({
          Bucket: destination.bucket,
          Key: destinationKey,
          UploadId: uploadId,
          PartNumber: range.partNumber,
          CopySource: copySourceOf(source.bucket, object.key),
          CopySourceRange: `bytes=${range.start}-${range.end}`,
          // The source must not change between parts.
          CopySourceIfMatch: sourceHead.ETag,
        })).then((answer) => {
          partETagOf(answer);
          return answer;
        });
      };
      const settled = await Promise.allSettled(ranges.map(async (range): Promise<CompletedPart> => {
        try {
          const r = (await request(object.key, `UploadPartCopy ${range.partNumber}`, copyPart(range))).CopyPartResult!;
          return {
            PartNumber: range.partNumber,
            ETag: r.ETag,
            ChecksumCRC32: r.ChecksumCRC32,
            ChecksumCRC32C: r.ChecksumCRC32C,
            ChecksumCRC64NVME: r.ChecksumCRC64NVME,
          };
        } catch (error) {
          partFailure ??= error;
          throw error;
        }
      }));
      if (partFailure !== undefined) {
        throw partFailure;
      }
      const parts = settled.map((outcome) => (outcome as PromiseFulfilledResult<CompletedPart>).value);
      let completeAttempts = 0;
      try {
        await request(object.key, 'CompleteMultipartUpload', async () => {
          completeAttempts++;
          checkCompleted(await dst.send(new CompleteMultipartUploadCommand({
            Bucket: destination.bucket,
            Key: destinationKey,
            UploadId: uploadId,
            MultipartUpload: { Parts: parts },
            ChecksumType: 'FULL_OBJECT',
            ...(sourceCrc !== undefined ? { ChecksumCRC64NVME: sourceCrc } : {}),
          })));
        });
      } catch (error) {
        // An earlier attempt may have completed the upload and lost its answer: the retry then
        // finds no upload. The object is whole if the destination has its size and part count.
        if (completeAttempts > 1 && isNoSuchUpload(error)) {
          const landed = await head(dst, destination.bucket, destinationKey);
          if (landed && landed.ContentLength === object.sizeBytes && landed.ETag?.replace(/"/g, '').endsWith(`-${parts.length}`)) {
            return;
          }
        }
        throw error;
      }
    } catch (error) {
      // A failed upload is aborted so that no part is left behind (and billed).
      await request(object.key, 'AbortMultipartUpload', () => dst.send(new AbortMultipartUploadCommand({
        Bucket: destination.bucket, Key: destinationKey, UploadId: uploadId,
      }))).catch(() => undefined);
      throw error;
    }
  };

  const processObject = async (fromListing: SourceObject) => {
    let object = fromListing;
    const relativeKey = object.key.slice(source.prefix.length);
    // Own properties only: a key named `constructor` or `toString` is not a rename.
    const renamed = options.renames && Object.prototype.hasOwnProperty.call(options.renames, relativeKey) ? options.renames[relativeKey] : undefined;
    const destinationKey = renamed !== undefined ? `${destination.prefix}${renamed}` : destinationKeyOf(source, destination, object.key);
    const finish = (outcome: ObjectOutcome, multipart: boolean, reason?: string) =>
      emit({ type: 'object', key: object.key, destinationKey, sizeBytes: object.sizeBytes, outcome, multipart, reason, progress: progress() });
    let multipart = object.sizeBytes > o.multipartThresholdBytes;
    try {
      // A key that cannot be addressed fails on its own; an empty key would address the bucket.
      if (object.problem !== undefined) {
        throw new GaveUp(1, new Error(object.problem));
      }
      if (object.key === '' || destinationKey === '') {
        throw new GaveUp(1, new Error(`the ${object.key === '' ? 'source' : 'destination'} key is empty: a request would address the bucket, not an object`));
      }
      let sourceHead: HeadObjectCommandOutput | undefined;
      if (object.sizeBytes === UNKNOWN_SIZE) {
        // An explicit key: read its size. A missing one is a failure whatever the policy, even in a dry run.
        sourceHead = await head(src, source.bucket, object.key);
        if (!sourceHead) {
          throw new GaveUp(1, new Error(SOURCE_NOT_FOUND));
        }
        object = { key: object.key, sizeBytes: contentLengthOf(sourceHead) };
        state.bytesListed += object.sizeBytes;
        multipart = object.sizeBytes > o.multipartThresholdBytes;
      }
      if (o.overwrite !== OverwritePolicy.ALWAYS) {
        // With the destination listed up front, only keys that exist there with the same size need
        // HEAD requests; a new key is copied with one request.
        const listedSize = destinationIndex?.get(destinationKey);
        const needsHead = destinationIndex === undefined
          || (o.overwrite === OverwritePolicy.IF_DIFFERENT && listedSize === object.sizeBytes);
        const existing = needsHead ? await head(dst, destination.bucket, destinationKey) : undefined;
        if (o.overwrite === OverwritePolicy.NEVER && (existing || listedSize !== undefined)) {
          state.objectsSkipped++;
          state.bytesSkipped += object.sizeBytes;
          return finish('skipped', multipart, 'exists');
        }
        if (existing) {
          sourceHead = sourceHead ?? await head(src, source.bucket, object.key);
          if (!sourceHead) {
            throw new GaveUp(1, new Error('source object disappeared'));
          }
          const sourceFingerprint = fingerprintOf(sourceHead, isDirectoryBucket(source.bucket));
          if (sameContent(sourceFingerprint, fingerprintOf(existing, isDirectoryBucket(destination.bucket)))) {
            state.objectsSkipped++;
            state.bytesSkipped += object.sizeBytes;
            return finish('skipped', multipart, 'identical');
          }
        }
      }
      if (o.dryRun) {
        state.objectsToCopy++;
        return finish('would-copy', multipart);
      }
      // CopyObject copies the source's metadata by itself; a multipart copy needs the source's
      // metadata and checksum from a HEAD request, and so does a copy that keeps the source's algorithm.
      if ((multipart || o.preserveStrongSourceChecksum) && !sourceHead) {
        sourceHead = await head(src, source.bucket, object.key);
        if (!sourceHead) {
          throw new GaveUp(1, new Error('source object disappeared'));
        }
      }
      if (!sourceHead) {
        await copySingle(object, destinationKey, singleCopyAlgorithm(undefined));
        state.objectsCopied++;
        state.bytesCopied += object.sizeBytes;
        return finish('copied', false);
      }
      const fingerprint = fingerprintOf(sourceHead, isDirectoryBucket(source.bucket));
      const size = contentLengthOf(sourceHead);
      if (size > o.multipartThresholdBytes) {
        await copyMultipart({ key: object.key, sizeBytes: size }, destinationKey, sourceHead, fingerprint);
      } else {
        await copySingle(object, destinationKey, singleCopyAlgorithm(fingerprint));
      }
      state.objectsCopied++;
      state.bytesCopied += size;
      return finish('copied', size > o.multipartThresholdBytes);
    } catch (error) {
      const gaveUp = error instanceof GaveUp ? error : new GaveUp(1, error);
      state.failures.push({ key: object.key, error: gaveUp.message, attempts: gaveUp.attempts });
      return finish('failed', multipart, gaveUp.message);
    }
  };

  // Renames over a whole prefix: the few objects that decide whether two land on one key are checked first.
  await checkRenamesOfPrefix(source, options, (key) => head(src, source.bucket, key));

  // Sync: list the destination prefix once (1 request per 1,000 keys) instead of a HEAD per object,
  // at the same time as the source listing starts; the workers wait for it.
  let destinationIndex: Map<string, number> | undefined;
  const destinationListed = (async () => {
    if (o.overwrite === OverwritePolicy.ALWAYS || options.keys !== undefined || !o.listDestination) {
      return;
    }
    const index = new Map<string, number>();
    // A key the listing cannot name could be any key: then the index is not used (HEAD requests).
    let everyKeyKnown = true;
    try {
      for await (const object of listSource(destination, undefined, dst, request)) {
        if (object.problem !== undefined) {
          everyKeyKnown = false;
        } else {
          index.set(object.key, object.sizeBytes);
        }
      }
    } catch (error) {
      throw error instanceof GaveUp ? new Error(`listing ${destination.bucket}/${destination.prefix} failed: ${error.message}`) : error;
    }
    destinationIndex = everyKeyKnown ? index : undefined;
  })();

  // A bounded queue between the listing and the workers keeps memory flat for millions of keys.
  const queue = new BoundedQueue<SourceObject>(o.concurrency * 4);
  // Explicit keys stay relative to the source prefix; listPrefix only narrows a listing.
  const listFrom = { bucket: source.bucket, prefix: options.keys ? source.prefix : options.listPrefix ?? source.prefix };
  const producer = (async () => {
    try {
      for await (const object of listSource(listFrom, options.keys, src, request)) {
        // A key that cannot be named cannot be filtered either: it is reported.
        if (object.problem === undefined && options.include && !options.include(object.key, object.sizeBytes)) {
          continue;
        }
        state.objectsListed++;
        state.bytesListed += Math.max(0, object.sizeBytes);
        if (!await queue.push(object)) {
          return; // the deadline closed the queue: stop listing
        }
      }
      state.listingComplete = true;
      emit({ type: 'listed', progress: progress() });
    } finally {
      queue.close();
    }
  })();
  // A failed destination listing stops everything: no copy starts, the source listing stops.
  const destinationReady = destinationListed.then(() => true, () => {
    queue.drain();
    return false;
  });
  const workers = Array.from({ length: o.concurrency }, async () => {
    if (!await destinationReady) {
      return;
    }
    for (let object = await queue.pop(); object !== undefined; object = await queue.pop()) {
      if (o.deadline !== undefined && o.now() >= o.deadline) {
        state.stoppedEarly = true;
        queue.drain();
        break;
      }
      await processObject(object);
    }
  });
  const [listing] = await Promise.allSettled([producer, ...workers]);
  await destinationListed;
  if (listing.status === 'rejected') {
    throw listing.reason instanceof GaveUp ? new Error(`listing ${listFrom.bucket}/${listFrom.prefix} failed: ${listing.reason.message}`) : listing.reason;
  }

  const result: CopyResult = {
    complete: !state.stoppedEarly && state.failures.length === 0 && state.listingComplete,
    stoppedEarly: state.stoppedEarly,
    objectsListed: state.objectsListed,
    objectsCopied: state.objectsCopied,
    objectsSkipped: state.objectsSkipped,
    objectsToCopy: state.objectsToCopy,
    bytesCopied: state.bytesCopied,
    failures: state.failures,
    elapsedMs: o.now() - start,
  };
  emit({ type: 'done', result });
  return result;
}

/** Lists the source: every object under the prefix, or the given keys (with their sizes). */
async function* listSource(
  source: S3Location,
  keys: readonly string[] | undefined,
  client: S3Client,
  request: <T>(key: string, operation: string, send: () => Promise<T>) => Promise<T>,
): AsyncGenerator<SourceObject> {
  if (keys) {
    // The sizes are read by the workers (a HEAD request each, concurrently), not here one by one.
    for (const relative of keys) {
      yield { key: `${source.prefix}${relative}`, sizeBytes: UNKNOWN_SIZE };
    }
    return;
  }
  // Continuation tokens, never StartAfter: directory buckets do not list in lexicographic order.
  // URL-encoded keys: XML cannot carry every key (see decodeListedKey).
  const direct = directListerOf(client);
  let continuationToken: string | undefined;
  do {
    const input = { Bucket: source.bucket, Prefix: source.prefix || undefined, ContinuationToken: continuationToken, EncodingType: 'url' as const };
    const page = await request(source.prefix, 'ListObjectsV2', async () => (direct
      ? direct.listPage(input) // checks the page itself
      : listPageOf(await client.send(new ListObjectsV2Command(input)))));
    for (const object of page.entries) {
      const listed = decodeListedKey(object.key, page.encodingType);
      // A key outside the prefix would land outside the destination prefix.
      const problem = listed.problem ?? (listed.key.startsWith(source.prefix) ? undefined
        : `the listing of ${JSON.stringify(source.prefix)} named the key ${JSON.stringify(listed.key)}, outside that prefix`);
      yield problem === undefined ? { key: listed.key!, sizeBytes: object.sizeBytes } : { key: object.key, sizeBytes: object.sizeBytes, problem };
    }
    continuationToken = page.continuationToken;
  } while (continuationToken);
}

/** planParts with a smaller minimum part size, for S3-compatible test servers. */
function planWithMinimum(sizeBytes: number, preferred: number, minimum: number): PartRange[] {
  const partSize = Math.max(minimum, preferred);
  const ranges: PartRange[] = [];
  for (let start = 0, partNumber = 1; start < sizeBytes; start += partSize, partNumber++) {
    ranges.push({ partNumber, start, end: Math.min(start + partSize, sizeBytes) - 1 });
  }
  return ranges;
}

function definedOnly<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
