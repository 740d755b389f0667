/**
 * An in-memory S3 for the copy engine's unit tests: no network, no server.
 *
 * `send(command)` dispatches on the command class, keeps buckets of objects in memory, records
 * every call, enforces the S3 rules the engine must respect (part sizes, part order, consecutive
 * part numbers in directory buckets, CopySourceIfMatch, no StorageClass but EXPRESS_ONEZONE in a
 * directory bucket...) and fails the calls the test asks it to fail.
 *
 * Objects hold either a real body (a Buffer) or a "virtual" body of any size (an id and a size),
 * so that the 5 GiB and 10,000-part boundaries can be copied without allocating gigabytes.
 */
import { createHash } from 'crypto';
import {
  AbortMultipartUploadCommand,
  AbortMultipartUploadCommandInput,
  CompleteMultipartUploadCommand,
  CompleteMultipartUploadCommandInput,
  CopyObjectCommand,
  CopyObjectCommandInput,
  CreateMultipartUploadCommand,
  CreateMultipartUploadCommandInput,
  DeleteObjectsCommand,
  DeleteObjectsCommandInput,
  GetObjectTaggingCommand,
  GetObjectTaggingCommandInput,
  PutObjectTaggingCommand,
  PutObjectTaggingCommandInput,
  ListMultipartUploadsCommand,
  ListMultipartUploadsCommandInput,
  HeadObjectCommand,
  HeadObjectCommandInput,
  ListObjectsV2Command,
  ListObjectsV2CommandInput,
  S3Client,
  UploadPartCopyCommand,
  UploadPartCopyCommandInput,
} from '@aws-sdk/client-s3';

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/** The commands the fake answers. */
export type OperationName =
  | 'ListObjectsV2' | 'HeadObject' | 'CopyObject' | 'CreateMultipartUpload'
  | 'UploadPartCopy' | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'DeleteObjects' | 'ListMultipartUploads'
  | 'GetObjectTagging' | 'PutObjectTagging';

const COMMANDS: ReadonlyArray<[new (...args: never[]) => object, OperationName]> = [
  [ListObjectsV2Command, 'ListObjectsV2'],
  [HeadObjectCommand, 'HeadObject'],
  [CopyObjectCommand, 'CopyObject'],
  [CreateMultipartUploadCommand, 'CreateMultipartUpload'],
  [UploadPartCopyCommand, 'UploadPartCopy'],
  [CompleteMultipartUploadCommand, 'CompleteMultipartUpload'],
  [AbortMultipartUploadCommand, 'AbortMultipartUpload'],
  [DeleteObjectsCommand, 'DeleteObjects'],
  [ListMultipartUploadsCommand, 'ListMultipartUploads'],
  [GetObjectTaggingCommand, 'GetObjectTagging'],
  [PutObjectTaggingCommand, 'PutObjectTagging'],
];

export type Algorithm = 'CRC64NVME' | 'CRC32C' | 'CRC32' | 'SHA256' | 'SHA1';
const CHECKSUM_LENGTH: Record<Algorithm, number> = { CRC64NVME: 12, CRC32C: 8, CRC32: 8, SHA256: 44, SHA1: 28 };

/** An object's bytes: real, or virtual (only an identity and a size). */
export type Content =
  | { readonly kind: 'buffer'; readonly data: Buffer }
  | { readonly kind: 'virtual'; readonly id: string; readonly size: number };

export interface StoredObject {
  readonly content: Content;
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly contentDisposition?: string;
  readonly contentLanguage?: string;
  readonly cacheControl?: string;
  readonly expires?: Date;
  readonly metadata: Record<string, string>;
  /** Object tags (never in directory buckets). */
  readonly tags: Record<string, string>;
  readonly checksums: Partial<Record<Algorithm, string>>;
  readonly checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  readonly etag: string;
  readonly storageClass: string;
  readonly serverSideEncryption?: string;
  readonly sseKmsKeyId?: string;
  /** Increases with every write, so tests can tell a rewritten object from an untouched one. */
  readonly version: number;
  /** When the object was written (listings and HEAD answers give it as LastModified). */
  readonly lastModified: Date;
}

/** What `put` accepts. */
export interface PutOptions {
  readonly contentType?: string;
  readonly contentEncoding?: string;
  readonly contentDisposition?: string;
  readonly contentLanguage?: string;
  readonly cacheControl?: string;
  readonly expires?: Date;
  readonly metadata?: Record<string, string>;
  /** Object tags; a directory bucket refuses them (501 Not Implemented). */
  readonly tags?: Record<string, string>;
  /** Checksum algorithm of the object, or 'none' for an object without a checksum. @default CRC64NVME */
  readonly checksum?: Algorithm | 'none';
  /** @default FULL_OBJECT */
  readonly checksumType?: 'FULL_OBJECT' | 'COMPOSITE';
  /** Overrides the checksum value (to fake a different content with the same size). */
  readonly checksumValue?: string;
  readonly storageClass?: string;
  /** `AES256` (SSE-S3) or `aws:kms`: an SSE-KMS object's ETag is not an MD5 digest of its content. */
  readonly serverSideEncryption?: string;
  /** Overrides the ETag (to fake another object's ETag). */
  readonly etag?: string;
  /** When the object was written. @default - the fake's clock */
  readonly lastModified?: Date;
}

interface Part {
  readonly segment: Segment;
  readonly etag: string;
}

/** A range of some source content. */
interface Segment {
  readonly content: Content;
  readonly start: number;
  /** Inclusive. */
  readonly end: number;
}

export interface OpenUpload {
  readonly uploadId: string;
  readonly bucket: string;
  readonly key: string;
  readonly input: CreateMultipartUploadCommandInput;
  readonly parts: Map<number, Part>;
}

/** One recorded call. */
export interface RecordedCall {
  readonly name: OperationName;
  readonly input: any;
  /** The answer, if the call succeeded. */
  output?: any;
  /** The error the call failed with, if it failed. */
  error?: unknown;
}

/** A programmed failure. */
export interface FaultRule {
  readonly operation: OperationName;
  /** Only calls for this key (the request's `Key`; the prefix for ListObjectsV2). */
  readonly key?: string;
  /** Only calls the predicate accepts. */
  readonly when?: (input: any) => boolean;
  /** Fail only these matching calls, counted from 1. */
  readonly nth?: readonly number[];
  /** Fail the first `times` matching calls. @default - every matching call (unless `nth`) */
  readonly times?: number;
  /** The error to throw (a function makes a fresh one each time). */
  readonly error: unknown;
}

/** A programmed malformed answer: the call succeeds at the server, its answer is changed. */
export interface MalformRule {
  readonly operation: OperationName;
  /** Only calls for this key (the request's `Key`; the prefix for ListObjectsV2). */
  readonly key?: string;
  /** Change the first `times` matching answers. @default - every matching answer */
  readonly times?: number;
  /** Returns the answer the client gets, from a copy of the real one. */
  readonly change: (output: any) => any;
}

export interface FakeS3Options {
  /** Most keys per ListObjectsV2 page. @default 1000 */
  readonly pageSize?: number;
  /** List in a hashed, non-lexicographic order, as S3 Express One Zone directory buckets do. @default - only for `--x-s3` buckets */
  readonly shuffledListing?: boolean;
  /** Smallest part but the last, checked by CompleteMultipartUpload. @default 5 MiB */
  readonly minPartSizeBytes?: number;
  /** Waits before each call is answered. @default one macrotask (setImmediate) */
  readonly latency?: (name: OperationName, input: any) => Promise<void>;
  /** Called as each call starts being answered (after the latency). */
  readonly onCall?: (name: OperationName, input: any) => void;
  /** Share the buckets of another fake (a second client, e.g. in another region). */
  readonly storage?: FakeStorage;
  /** Answer listings with raw keys even when asked for `EncodingType: url`, as some S3-compatible servers do. @default false */
  readonly ignoresEncodingType?: boolean;
  /** The clock that dates writes (LastModified), in epoch milliseconds. @default Date.now */
  readonly now?: () => number;
}

/** Buckets and open uploads; several fake clients may share them. */
export class FakeStorage {
  public readonly buckets = new Map<string, Map<string, StoredObject>>();
  public readonly uploads = new Map<string, OpenUpload>();
  public nextUploadId = 1;
  public nextVersion = 1;
}

// ---------------------------------------------------------------------------------------------
// Errors shaped like the SDK's.

/** An error shaped like an AWS SDK v3 service exception. */
export function sdkError(name: string, httpStatusCode: number, message: string): Error {
  return Object.assign(new Error(message), {
    name,
    $fault: httpStatusCode >= 500 ? 'server' : 'client',
    $metadata: { httpStatusCode, requestId: 'FAKE', attempts: 1, totalRetryDelay: 0 },
  });
}

export const errors = {
  slowDown: () => sdkError('SlowDown', 503, 'Please reduce your request rate.'),
  internal: () => sdkError('InternalError', 500, 'We encountered an internal error. Please try again.'),
  /** A bare status, recognised by nothing but its code. */
  status: (httpStatusCode: number) => sdkError('Unknown', httpStatusCode, 'UnknownError'),
  throttling: () => sdkError('ThrottlingException', 400, 'Rate exceeded'),
  connectionReset: () => Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
  socketHangUp: () => Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
  timeout: () => Object.assign(new Error('Connection timed out after 120000 ms'), { name: 'TimeoutError' }),
  accessDenied: () => sdkError('AccessDenied', 403, 'Access Denied'),
  notFound: () => sdkError('NotFound', 404, 'NotFound'),
  noSuchKey: () => sdkError('NoSuchKey', 404, 'The specified key does not exist.'),
  noSuchBucket: () => sdkError('NoSuchBucket', 404, 'The specified bucket does not exist'),
  noSuchUpload: () => sdkError('NoSuchUpload', 404, 'The specified upload does not exist.'),
  preconditionFailed: () => sdkError('PreconditionFailed', 412, 'At least one of the pre-conditions you specified did not hold'),
  invalidRequest: (message: string) => sdkError('InvalidRequest', 400, message),
  invalidArgument: (message: string) => sdkError('InvalidArgument', 400, message),
  invalidRange: () => sdkError('InvalidRange', 416, 'The requested range is not satisfiable'),
  invalidPart: (message: string) => sdkError('InvalidPart', 400, message),
  invalidPartOrder: () => sdkError('InvalidPartOrder', 400, 'The list of parts was not in ascending order.'),
  entityTooSmall: () => sdkError('EntityTooSmall', 400, 'Your proposed upload is smaller than the minimum allowed size'),
  badDigest: () => sdkError('BadDigest', 400, 'The checksum you specified did not match the calculated checksum.'),
  invalidStorageClass: () => sdkError('InvalidStorageClass', 400, 'The storage class you specified is not valid'),
  notImplemented: () => sdkError('NotImplemented', 501, 'A header you provided implies functionality that is not implemented'),
};

// ---------------------------------------------------------------------------------------------

/** True for directory bucket names (`<base>--<az-id>--x-s3`). */
export function isDirectory(bucket: string): boolean {
  return bucket.endsWith('--x-s3');
}

function sizeOf(content: Content): number {
  return content.kind === 'buffer' ? content.data.length : content.size;
}

/** A string that identifies the bytes: equal identities are equal bytes. */
export function identityOf(content: Content): string {
  return content.kind === 'buffer'
    ? `b:${createHash('sha256').update(content.data).digest('hex')}`
    : `v:${content.id}:${content.size}`;
}

/** A fake (but content-determined) checksum value of an algorithm. */
export function checksumOf(algorithm: Algorithm, content: Content): string {
  const digest = createHash('sha256').update(`${algorithm}:${identityOf(content)}`).digest('base64');
  return digest.slice(0, CHECKSUM_LENGTH[algorithm] - 1) + '=';
}

let opaqueETags = 0;

/**
 * The ETag of an object written in one part: a content-determined stand-in for the MD5 digest, as
 * S3 computes it for unencrypted and SSE-S3 objects; for SSE-KMS (and DSSE-KMS) objects the ETag
 * is not an MD5 digest of the content (S3 API reference, Object, ETag): the fake makes it opaque
 * (32 hex digits that differ from write to write).
 */
function etagOf(content: Content, serverSideEncryption?: string): string {
  const opaque = serverSideEncryption !== undefined && serverSideEncryption !== 'AES256';
  return `"${createHash('md5').update(opaque ? `opaque-${opaqueETags++}` : identityOf(content)).digest('hex')}"`;
}

/** Concatenates part segments into one content (virtual when a virtual source is reassembled). */
function assemble(segments: readonly Segment[]): Content {
  if (segments.every((s) => s.content.kind === 'buffer')) {
    return {
      kind: 'buffer',
      data: Buffer.concat(segments.map((s) => (s.content as { data: Buffer }).data.subarray(s.start, s.end + 1))),
    };
  }
  const first = segments[0].content;
  const whole = segments.every((s, i) => identityOf(s.content) === identityOf(first)
    && s.start === (i === 0 ? 0 : segments[i - 1].end + 1))
    && segments[segments.length - 1].end === sizeOf(first) - 1;
  if (whole) {
    return first;
  }
  const size = segments.reduce((total, s) => total + s.end - s.start + 1, 0);
  const id = createHash('sha256').update(segments.map((s) => `${identityOf(s.content)}[${s.start}-${s.end}]`).join(',')).digest('hex');
  return { kind: 'virtual', id, size };
}

/**
 * A key in a listing answer, as the client reads it. Asked for `EncodingType: url`, S3 encodes keys
 * form-style: the UTF-8 bytes percent-encoded, a space as `+` (so a `+` is `%2B`), `/` kept
 * (measured against S3, see src/core/listed-keys.ts). Otherwise the key is XML text, which an XML
 * parser reads with CR and CR LF turned into LF (XML 1.0, 2.11 End-of-Line Handling): the fake
 * hands out what the SDK's parser would.
 */
export function listedKey(key: string, encodingType: string | undefined): string {
  return encodingType === 'url'
    ? encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/')
    : key.replace(/\r\n?/g, '\n');
}

/** A deterministic, non-lexicographic position of a key (directory bucket listings). */
function shuffleRank(key: string): string {
  return `${createHash('sha1').update(key).digest('hex')}\u0000${key}`;
}

function parseCopySource(copySource: string): { bucket: string; key: string } {
  const trimmed = copySource.startsWith('/') ? copySource.slice(1) : copySource;
  const slash = trimmed.indexOf('/');
  if (slash < 1) {
    throw errors.invalidArgument(`Invalid copy source: ${copySource}`);
  }
  let key: string;
  try {
    key = decodeURIComponent(trimmed.slice(slash + 1));
  } catch {
    throw errors.invalidArgument(`Invalid copy source encoding: ${copySource}`);
  }
  return { bucket: trimmed.slice(0, slash), key };
}

/** Tags in `x-amz-tagging` form (URL query parameters: `k1=v1&k2=v2`). */
export function parseTagging(tagging: string | undefined): Record<string, string> {
  if (tagging === undefined || tagging === '') {
    return {};
  }
  return Object.fromEntries(new URLSearchParams(tagging));
}

/** An in-memory S3 client. Cast it with `.client` where an S3Client is wanted. */
export class FakeS3 {
  public readonly storage: FakeStorage;
  public readonly calls: RecordedCall[] = [];
  public inFlight = 0;
  public maxInFlight = 0;
  public pageSize: number;
  public shuffledListing: boolean | undefined;
  public minPartSizeBytes: number;
  public ignoresEncodingType: boolean;
  public now: () => number;
  public readonly onCall?: FakeS3Options['onCall'];
  private readonly latency: (name: OperationName, input: any) => Promise<void>;
  private readonly faults: Array<{ rule: FaultRule; matched: number }> = [];
  private readonly malformations: Array<{ rule: MalformRule; matched: number }> = [];

  public constructor(options: FakeS3Options = {}) {
    this.storage = options.storage ?? new FakeStorage();
    this.pageSize = options.pageSize ?? 1000;
    this.shuffledListing = options.shuffledListing;
    this.minPartSizeBytes = options.minPartSizeBytes ?? 5 * MIB;
    this.latency = options.latency ?? (() => new Promise<void>((resolve) => setImmediate(resolve)));
    this.onCall = options.onCall;
    this.ignoresEncodingType = options.ignoresEncodingType ?? false;
    this.now = options.now ?? Date.now;
  }

  /** This fake, typed as the S3Client the engine wants. */
  public get client(): S3Client {
    return this as unknown as S3Client;
  }

  // ---- setup and inspection -----------------------------------------------------------------

  public createBucket(bucket: string): this {
    if (!this.storage.buckets.has(bucket)) {
      this.storage.buckets.set(bucket, new Map());
    }
    return this;
  }

  /** Stores an object: a Buffer or string body, or a virtual body of `{ size }` bytes. */
  public put(bucket: string, key: string, body: Buffer | string | { size: number; id?: string }, options: PutOptions = {}): StoredObject {
    this.createBucket(bucket);
    const content: Content = Buffer.isBuffer(body) || typeof body === 'string'
      ? { kind: 'buffer', data: Buffer.from(body) }
      : { kind: 'virtual', id: body.id ?? `${bucket}/${key}`, size: body.size };
    const algorithm = options.checksum ?? 'CRC64NVME';
    const checksumType = algorithm === 'none' ? undefined : options.checksumType ?? 'FULL_OBJECT';
    const checksums: Partial<Record<Algorithm, string>> = {};
    if (algorithm !== 'none') {
      checksums[algorithm] = options.checksumValue
        ?? (checksumType === 'COMPOSITE' ? `${checksumOf(algorithm, content)}-3` : checksumOf(algorithm, content));
    }
    if (isDirectory(bucket) && Object.keys(options.tags ?? {}).length > 0) {
      throw errors.notImplemented();
    }
    const object: StoredObject = {
      content,
      contentType: options.contentType ?? 'binary/octet-stream',
      contentEncoding: options.contentEncoding,
      contentDisposition: options.contentDisposition,
      contentLanguage: options.contentLanguage,
      cacheControl: options.cacheControl,
      expires: options.expires,
      metadata: { ...options.metadata },
      tags: { ...options.tags },
      checksums,
      checksumType,
      etag: options.etag ?? etagOf(content, options.serverSideEncryption),
      storageClass: options.storageClass ?? (isDirectory(bucket) ? 'EXPRESS_ONEZONE' : 'STANDARD'),
      serverSideEncryption: options.serverSideEncryption,
      version: this.storage.nextVersion++,
      lastModified: options.lastModified ?? new Date(this.now()),
    };
    this.storage.buckets.get(bucket)!.set(key, object);
    return object;
  }

  /** Deletes an object (as another writer would). */
  public remove(bucket: string, key: string): boolean {
    return this.storage.buckets.get(bucket)?.delete(key) ?? false;
  }

  public get(bucket: string, key: string): StoredObject | undefined {
    return this.storage.buckets.get(bucket)?.get(key);
  }

  /** The keys of a bucket, sorted. */
  public keys(bucket: string): string[] {
    return [...(this.storage.buckets.get(bucket)?.keys() ?? [])].sort();
  }

  /** The body of a stored object with a real body. */
  public body(bucket: string, key: string): Buffer | undefined {
    const content = this.get(bucket, key)?.content;
    return content?.kind === 'buffer' ? content.data : undefined;
  }

  /** True when both objects exist and hold the same bytes. */
  public sameBytes(bucketA: string, keyA: string, bucketB: string, keyB: string): boolean {
    const a = this.get(bucketA, keyA);
    const b = this.get(bucketB, keyB);
    return a !== undefined && b !== undefined && identityOf(a.content) === identityOf(b.content);
  }

  public openUploads(): OpenUpload[] {
    return [...this.storage.uploads.values()];
  }

  /** Calls of one operation (all calls without an argument). */
  public callsOf(name?: OperationName): RecordedCall[] {
    return name ? this.calls.filter((call) => call.name === name) : [...this.calls];
  }

  public count(name: OperationName): number {
    return this.callsOf(name).length;
  }

  public resetCalls(): void {
    this.calls.length = 0;
    this.maxInFlight = 0;
  }

  /** Fails matching calls (see FaultRule). */
  public fail(rule: FaultRule): this {
    this.faults.push({ rule, matched: 0 });
    return this;
  }

  /** Fails the nth call (from 1) of an operation. */
  public failNth(operation: OperationName, nth: number, error: unknown): this {
    return this.fail({ operation, nth: [nth], error });
  }

  /** Fails every call of an operation for a key. */
  public failKey(operation: OperationName, key: string, error: unknown, times?: number): this {
    return this.fail({ operation, key, error, times });
  }

  /** Changes matching answers after the server did the work (see MalformRule). */
  public malform(rule: MalformRule): this {
    this.malformations.push({ rule, matched: 0 });
    return this;
  }

  public clearFaults(): void {
    this.faults.length = 0;
    this.malformations.length = 0;
  }

  // ---- the client ---------------------------------------------------------------------------

  public async send(command: { input: unknown }): Promise<unknown> {
    const entry = COMMANDS.find(([type]) => command instanceof type);
    if (!entry) {
      throw new Error(`fake S3 does not answer ${command.constructor.name}`);
    }
    const name = entry[1];
    // Keep a copy of the input as sent: the engine must not rely on mutating it afterwards.
    const input = structuredClone(command.input) as Record<string, unknown>;
    const call: RecordedCall = { name, input };
    this.calls.push(call);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.latency(name, input);
      this.onCall?.(name, input);
      this.injectFault(name, input);
      const output = this.malformed(name, input, this.answer(name, input));
      call.output = output;
      return output;
    } catch (error) {
      call.error = error;
      throw error;
    } finally {
      this.inFlight--;
    }
  }

  private injectFault(name: OperationName, input: Record<string, unknown>): void {
    for (const fault of this.faults) {
      const { rule } = fault;
      const key = name === 'ListObjectsV2' ? input.Prefix ?? '' : input.Key;
      if (rule.operation !== name || (rule.key !== undefined && rule.key !== key) || (rule.when && !rule.when(input))) {
        continue;
      }
      fault.matched++;
      const fails = rule.nth ? rule.nth.includes(fault.matched) : rule.times === undefined || fault.matched <= rule.times;
      if (fails) {
        throw typeof rule.error === 'function' ? rule.error() : rule.error;
      }
    }
  }

  private malformed(name: OperationName, input: Record<string, unknown>, output: unknown): unknown {
    let answer = output;
    for (const malformation of this.malformations) {
      const { rule } = malformation;
      const key = name === 'ListObjectsV2' ? input.Prefix ?? '' : input.Key;
      if (rule.operation !== name || (rule.key !== undefined && rule.key !== key)) {
        continue;
      }
      malformation.matched++;
      if (rule.times === undefined || malformation.matched <= rule.times) {
        answer = rule.change(structuredClone(answer));
      }
    }
    return answer;
  }

  private answer(name: OperationName, input: any): unknown {
    switch (name) {
      case 'ListObjectsV2': return this.listObjectsV2(input);
      case 'HeadObject': return this.headObject(input);
      case 'CopyObject': return this.copyObject(input);
      case 'CreateMultipartUpload': return this.createMultipartUpload(input);
      case 'UploadPartCopy': return this.uploadPartCopy(input);
      case 'CompleteMultipartUpload': return this.completeMultipartUpload(input);
      case 'AbortMultipartUpload': return this.abortMultipartUpload(input);
      case 'DeleteObjects': return this.deleteObjects(input);
      case 'ListMultipartUploads': return this.listMultipartUploads(input);
      case 'GetObjectTagging': return this.getObjectTagging(input);
      case 'PutObjectTagging': return this.putObjectTagging(input);
    }
  }

  private bucket(name: string | undefined): Map<string, StoredObject> {
    const bucket = name === undefined ? undefined : this.storage.buckets.get(name);
    if (!bucket) {
      throw errors.noSuchBucket();
    }
    return bucket;
  }

  /** DeleteObjects: at most 1000 keys; a missing key counts as deleted (as in S3). */
  private deleteObjects(input: DeleteObjectsCommandInput) {
    const bucket = this.bucket(input.Bucket);
    const objects = input.Delete?.Objects ?? [];
    if (objects.length === 0 || objects.length > 1000) {
      throw errors.invalidArgument(`DeleteObjects takes 1 to 1000 keys, received ${objects.length}`);
    }
    if (isDirectory(input.Bucket!) && objects.some((o) => o.VersionId !== undefined && o.VersionId !== 'null')) {
      throw errors.invalidArgument('Directory buckets are not versioned');
    }
    // A conditional delete (an ETag given): the object must exist with that ETag, else a per-key
    // PreconditionFailed (https://docs.aws.amazon.com/AmazonS3/latest/userguide/conditional-deletes.html).
    const deleted: string[] = [];
    const failed: Array<{ Key: string; Code: string; Message: string }> = [];
    for (const object of objects) {
      const stored = bucket.get(object.Key!);
      if (object.ETag !== undefined && (stored === undefined || stored.etag !== object.ETag)) {
        failed.push(stored === undefined
          ? { Key: object.Key!, Code: 'NoSuchKey', Message: 'The specified key does not exist.' }
          : { Key: object.Key!, Code: 'PreconditionFailed', Message: 'At least one of the pre-conditions you specified did not hold' });
        continue;
      }
      bucket.delete(object.Key!);
      deleted.push(object.Key!);
    }
    return {
      $metadata: { httpStatusCode: 200 },
      Deleted: input.Delete?.Quiet ? undefined : deleted.map((key) => ({ Key: key })),
      Errors: failed.length > 0 ? failed : undefined,
    };
  }

  private listObjectsV2(input: ListObjectsV2CommandInput) {
    const bucket = this.bucket(input.Bucket);
    const directory = isDirectory(input.Bucket!);
    const prefix = input.Prefix ?? '';
    if (directory && prefix !== '' && !prefix.endsWith('/')) {
      throw errors.invalidArgument('Directory buckets only support prefixes that end with a delimiter (/)');
    }
    if (directory && input.StartAfter !== undefined) {
      throw errors.invalidArgument('StartAfter is not supported by directory buckets');
    }
    const shuffled = this.shuffledListing ?? directory;
    const rank = shuffled ? shuffleRank : (key: string) => key;
    let after: string | undefined = input.StartAfter === undefined ? undefined : rank(input.StartAfter);
    if (input.ContinuationToken !== undefined) {
      const decoded = Buffer.from(input.ContinuationToken, 'base64').toString('utf8');
      if (!decoded.startsWith('token:')) {
        throw errors.invalidArgument('The continuation token provided is incorrect');
      }
      after = decoded.slice('token:'.length);
    }
    const ranked = [...bucket.keys()]
      .filter((key) => key.startsWith(prefix))
      .map((key) => ({ key, rank: rank(key) }))
      .filter((entry) => after === undefined || entry.rank > after)
      .sort((a, b) => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : 0));
    const limit = Math.min(this.pageSize, input.MaxKeys ?? 1000);
    const page = ranked.slice(0, limit);
    const truncated = ranked.length > limit;
    const encoding = this.ignoresEncodingType ? undefined : input.EncodingType;
    return {
      $metadata: { httpStatusCode: 200 },
      Contents: page.map(({ key }) => {
        const object = bucket.get(key)!;
        return {
          Key: listedKey(key, encoding),
          Size: sizeOf(object.content),
          ETag: object.etag,
          StorageClass: object.storageClass,
          LastModified: object.lastModified,
        };
      }),
      KeyCount: page.length,
      IsTruncated: truncated,
      NextContinuationToken: truncated ? Buffer.from(`token:${page[page.length - 1].rank}`).toString('base64') : undefined,
      ContinuationToken: input.ContinuationToken,
      Prefix: input.Prefix === undefined ? undefined : listedKey(input.Prefix, encoding),
      EncodingType: encoding,
    };
  }

  private headObject(input: HeadObjectCommandInput) {
    const bucket = this.storage.buckets.get(input.Bucket!);
    const object = bucket?.get(input.Key!);
    if (!object) {
      throw errors.notFound();
    }
    const withChecksums = input.ChecksumMode === 'ENABLED';
    return {
      $metadata: { httpStatusCode: 200 },
      ContentLength: sizeOf(object.content),
      ContentType: object.contentType,
      ContentEncoding: object.contentEncoding,
      ContentDisposition: object.contentDisposition,
      ContentLanguage: object.contentLanguage,
      CacheControl: object.cacheControl,
      Expires: object.expires,
      Metadata: { ...object.metadata },
      ETag: object.etag,
      LastModified: object.lastModified,
      StorageClass: object.storageClass === 'STANDARD' ? undefined : object.storageClass,
      ServerSideEncryption: object.serverSideEncryption,
      SSEKMSKeyId: object.sseKmsKeyId,
      ...(withChecksums ? Object.fromEntries(Object.entries(object.checksums).map(([a, v]) => [`Checksum${a}`, v])) : {}),
      ChecksumType: withChecksums ? object.checksumType : undefined,
    };
  }

  private sourceOf(copySource: string | undefined, ifMatch: string | undefined): StoredObject {
    const { bucket, key } = parseCopySource(copySource ?? '');
    const object = this.bucket(bucket).get(key);
    if (!object) {
      throw errors.noSuchKey();
    }
    if (ifMatch !== undefined && ifMatch !== object.etag) {
      throw errors.preconditionFailed();
    }
    return object;
  }

  private checkStorageClass(bucket: string, storageClass: string | undefined): string {
    if (isDirectory(bucket)) {
      if (storageClass !== undefined && storageClass !== 'EXPRESS_ONEZONE') {
        throw errors.invalidStorageClass();
      }
      return 'EXPRESS_ONEZONE';
    }
    return storageClass ?? 'STANDARD';
  }

  private copyObject(input: CopyObjectCommandInput) {
    const destination = this.bucket(input.Bucket);
    const source = this.sourceOf(input.CopySource, input.CopySourceIfMatch);
    if (sizeOf(source.content) > 5 * GIB) {
      throw errors.invalidRequest('The specified copy source is larger than the maximum allowable size for a copy source: 5368709120');
    }
    const storageClass = this.checkStorageClass(input.Bucket!, input.StorageClass);
    const replace = input.MetadataDirective === 'REPLACE';
    let checksums = source.checksums;
    let checksumType = source.checksumType;
    const algorithm = (input.ChecksumAlgorithm as Algorithm | undefined)
      ?? (checksumType === 'COMPOSITE' ? Object.keys(checksums)[0] as Algorithm : undefined);
    if (algorithm !== undefined) {
      checksums = { [algorithm]: checksumOf(algorithm, source.content) };
      checksumType = 'FULL_OBJECT';
    }
    // x-amz-tagging-directive: COPY by default; a directory bucket takes only the empty tag set.
    const tags = input.TaggingDirective === 'REPLACE' ? parseTagging(input.Tagging) : { ...source.tags };
    if (isDirectory(input.Bucket!) && Object.keys(tags).length > 0) {
      throw errors.notImplemented();
    }
    const object: StoredObject = {
      content: source.content,
      contentType: replace ? input.ContentType : source.contentType,
      contentEncoding: replace ? input.ContentEncoding : source.contentEncoding,
      contentDisposition: replace ? input.ContentDisposition : source.contentDisposition,
      contentLanguage: replace ? input.ContentLanguage : source.contentLanguage,
      cacheControl: replace ? input.CacheControl : source.cacheControl,
      expires: replace ? input.Expires : source.expires,
      metadata: replace ? { ...input.Metadata } : { ...source.metadata },
      tags,
      checksums,
      checksumType,
      etag: etagOf(source.content, input.ServerSideEncryption),
      storageClass,
      serverSideEncryption: input.ServerSideEncryption,
      sseKmsKeyId: input.SSEKMSKeyId,
      version: this.storage.nextVersion++,
      lastModified: new Date(this.now()),
    };
    destination.set(input.Key!, object);
    return {
      $metadata: { httpStatusCode: 200 },
      CopyObjectResult: { ETag: object.etag, ...Object.fromEntries(Object.entries(checksums).map(([a, v]) => [`Checksum${a}`, v])) },
    };
  }

  private createMultipartUpload(input: CreateMultipartUploadCommandInput) {
    this.bucket(input.Bucket);
    this.checkStorageClass(input.Bucket!, input.StorageClass);
    if (input.ChecksumType === 'FULL_OBJECT' && !['CRC64NVME', 'CRC32', 'CRC32C'].includes(input.ChecksumAlgorithm ?? '')) {
      throw errors.invalidRequest('FULL_OBJECT checksums need a CRC algorithm');
    }
    if (isDirectory(input.Bucket!) && Object.keys(parseTagging(input.Tagging)).length > 0) {
      throw errors.notImplemented();
    }
    const uploadId = `upload-${this.storage.nextUploadId++}`;
    this.storage.uploads.set(uploadId, { uploadId, bucket: input.Bucket!, key: input.Key!, input, parts: new Map() });
    return { $metadata: { httpStatusCode: 200 }, Bucket: input.Bucket, Key: input.Key, UploadId: uploadId };
  }

  private upload(bucket: string | undefined, key: string | undefined, uploadId: string | undefined): OpenUpload {
    const upload = uploadId === undefined ? undefined : this.storage.uploads.get(uploadId);
    if (!upload || upload.bucket !== bucket || upload.key !== key) {
      throw errors.noSuchUpload();
    }
    return upload;
  }

  private uploadPartCopy(input: UploadPartCopyCommandInput) {
    const upload = this.upload(input.Bucket, input.Key, input.UploadId);
    const partNumber = input.PartNumber ?? 0;
    if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > 10_000) {
      throw errors.invalidArgument('Part number must be an integer between 1 and 10000, inclusive');
    }
    const source = this.sourceOf(input.CopySource, input.CopySourceIfMatch);
    const size = sizeOf(source.content);
    let start = 0;
    let end = size - 1;
    if (input.CopySourceRange !== undefined) {
      const match = /^bytes=(\d+)-(\d+)$/.exec(input.CopySourceRange);
      if (!match) {
        throw errors.invalidArgument(`Invalid CopySourceRange ${input.CopySourceRange}`);
      }
      start = Number(match[1]);
      end = Number(match[2]);
      if (start > end || end >= size) {
        throw errors.invalidRange();
      }
    }
    if (end - start + 1 > 5 * GIB) {
      throw errors.invalidRequest('Part too large: at most 5 GiB');
    }
    const segment: Segment = { content: source.content, start, end };
    const etag = `"${createHash('md5').update(`${identityOf(source.content)}[${start}-${end}]`).digest('hex')}"`;
    upload.parts.set(partNumber, { segment, etag });
    const algorithm = upload.input.ChecksumAlgorithm as Algorithm | undefined;
    return {
      $metadata: { httpStatusCode: 200 },
      CopyPartResult: {
        ETag: etag,
        ...(algorithm ? { [`Checksum${algorithm}`]: checksumOf(algorithm, assemble([segment])) } : {}),
      },
    };
  }

  private completeMultipartUpload(input: CompleteMultipartUploadCommandInput) {
    const upload = this.upload(input.Bucket, input.Key, input.UploadId);
    const listed = input.MultipartUpload?.Parts ?? [];
    if (listed.length === 0) {
      throw errors.invalidRequest('You must specify at least one part');
    }
    const numbers = listed.map((part) => part.PartNumber ?? 0);
    if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1])) {
      throw errors.invalidPartOrder();
    }
    if (isDirectory(upload.bucket) && numbers.some((n, i) => n !== i + 1)) {
      throw errors.invalidPart('Directory buckets need consecutive part numbers starting at 1');
    }
    const parts = listed.map((listedPart) => {
      const part = upload.parts.get(listedPart.PartNumber ?? 0);
      if (!part || part.etag !== listedPart.ETag) {
        throw errors.invalidPart(`Part ${listedPart.PartNumber} was not uploaded or its ETag does not match`);
      }
      return part;
    });
    if (parts.slice(0, -1).some((part) => part.segment.end - part.segment.start + 1 < this.minPartSizeBytes)) {
      throw errors.entityTooSmall();
    }
    const content = assemble(parts.map((part) => part.segment));
    const algorithm = upload.input.ChecksumAlgorithm as Algorithm | undefined;
    const checksums: Partial<Record<Algorithm, string>> = {};
    let checksumType: 'FULL_OBJECT' | 'COMPOSITE' | undefined;
    if (algorithm) {
      const expected = (input as unknown as Record<string, unknown>)[`Checksum${algorithm}`];
      const actual = checksumOf(algorithm, content);
      if (upload.input.ChecksumType === 'FULL_OBJECT') {
        if (expected !== undefined && expected !== actual) {
          throw errors.badDigest();
        }
        checksums[algorithm] = actual;
        checksumType = 'FULL_OBJECT';
      } else {
        checksums[algorithm] = `${actual}-${parts.length}`;
        checksumType = 'COMPOSITE';
      }
    }
    const object: StoredObject = {
      content,
      contentType: upload.input.ContentType ?? 'binary/octet-stream',
      contentEncoding: upload.input.ContentEncoding,
      contentDisposition: upload.input.ContentDisposition,
      contentLanguage: upload.input.ContentLanguage,
      cacheControl: upload.input.CacheControl,
      expires: upload.input.Expires,
      metadata: { ...upload.input.Metadata },
      tags: parseTagging(upload.input.Tagging),
      checksums,
      checksumType,
      etag: `"${createHash('md5').update(parts.map((p) => p.etag).join('')).digest('hex')}-${parts.length}"`,
      storageClass: this.checkStorageClass(upload.bucket, upload.input.StorageClass),
      serverSideEncryption: upload.input.ServerSideEncryption,
      sseKmsKeyId: upload.input.SSEKMSKeyId,
      version: this.storage.nextVersion++,
      lastModified: new Date(this.now()),
    };
    this.bucket(upload.bucket).set(upload.key, object);
    this.storage.uploads.delete(upload.uploadId);
    return { $metadata: { httpStatusCode: 200 }, Bucket: upload.bucket, Key: upload.key, ETag: object.etag };
  }

  /** The bucket's open uploads, `pageSize` at a time (KeyMarker / UploadIdMarker paging). */
  private listMultipartUploads(input: ListMultipartUploadsCommandInput) {
    const open = [...this.storage.uploads.values()].filter((u) => u.bucket === input.Bucket)
      .sort((a, b) => (a.key === b.key ? a.uploadId.localeCompare(b.uploadId) : a.key.localeCompare(b.key)));
    const after = input.KeyMarker === undefined ? open
      : open.filter((u) => u.key > input.KeyMarker! || (u.key === input.KeyMarker && u.uploadId > (input.UploadIdMarker ?? '')));
    const page = after.slice(0, this.pageSize);
    const truncated = after.length > page.length;
    const encoding = this.ignoresEncodingType ? undefined : input.EncodingType;
    return {
      Uploads: page.map((u) => ({ Key: listedKey(u.key, encoding), UploadId: u.uploadId })),
      IsTruncated: truncated,
      NextKeyMarker: truncated ? listedKey(page[page.length - 1].key, encoding) : undefined,
      NextUploadIdMarker: truncated ? page[page.length - 1].uploadId : undefined,
      EncodingType: encoding,
    };
  }

  /** GetObjectTagging: not supported by directory buckets (answered 501 here). */
  private getObjectTagging(input: GetObjectTaggingCommandInput) {
    if (isDirectory(input.Bucket!)) {
      throw errors.notImplemented();
    }
    const object = this.bucket(input.Bucket).get(input.Key!);
    if (!object) {
      throw errors.noSuchKey();
    }
    return { $metadata: { httpStatusCode: 200 }, TagSet: Object.entries(object.tags).map(([Key, Value]) => ({ Key, Value })) };
  }

  private putObjectTagging(input: PutObjectTaggingCommandInput) {
    if (isDirectory(input.Bucket!)) {
      throw errors.notImplemented();
    }
    const bucket = this.bucket(input.Bucket);
    const object = bucket.get(input.Key!);
    if (!object) {
      throw errors.noSuchKey();
    }
    bucket.set(input.Key!, { ...object, tags: Object.fromEntries((input.Tagging?.TagSet ?? []).map((tag) => [tag.Key!, tag.Value!])) });
    return { $metadata: { httpStatusCode: 200 } };
  }

  private abortMultipartUpload(input: AbortMultipartUploadCommandInput) {
    const upload = this.upload(input.Bucket, input.Key, input.UploadId);
    this.storage.uploads.delete(upload.uploadId);
    return { $metadata: { httpStatusCode: 204 } };
  }
}
