/**
 * Test datasets for the local server: deterministic random objects, seeding, and read-back.
 */
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import { seededRandom } from './fault-proxy';

/** 1 MiB. */
export const MIB = 1024 * 1024;

/** One object to put at the source. */
export interface TestObject {
  readonly key: string;
  readonly body: Buffer;
  readonly contentType: string;
  readonly metadata: Readonly<Record<string, string>>;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
  /**
   * `put`: one PutObject (the SDK sends a CRC32, so the object carries a full-object checksum);
   * `multipart`: a multipart upload in parts of `partSizeBytes` (a composite checksum).
   */
  readonly upload: 'put' | 'multipart';
}

/** Options of `makeDataset`. */
export interface DatasetOptions {
  /** Key prefix of every object (empty, or ending with `/`). */
  readonly prefix: string;
  /** Seed of the random bytes, sizes and names. */
  readonly seed: number;
  /** Number of small objects (0 B to 1 MiB, mostly a few KiB). */
  readonly smallObjects: number;
  /** Sizes of the large objects, copied in parts above the multipart threshold. @default [] */
  readonly largeObjects?: readonly { readonly sizeBytes: number; readonly upload: 'put' | 'multipart' }[];
  /** Prefix of the large objects' keys, under `prefix`. @default 'zz-large/' (listed last) */
  readonly largePrefix?: string;
}

/** Names that exercise key encoding: spaces, non-ASCII, and characters URLs reserve. */
const AWKWARD_NAMES = [
  'with space.txt', 'two  spaces/and more.bin', 'caf\u00e9 cr\u00e8me.json', '\u65e5\u672c\u8a9e/\u30c7\u30fc\u30bf.bin',
  'emoji \u{1f680}.bin', 'plus+sign.bin', 'equals=and&amp.bin', 'percent%20literal.bin', "quote'paren(1).bin",
  '\u00fcber/\u00e4\u00f6\u00fc \u00df.csv', 'tilde~dash-under_score.bin', 'comma,semicolon;.bin',
];

const CONTENT_TYPES = ['application/octet-stream', 'text/plain; charset=utf-8', 'application/json', 'image/png', 'application/x-parquet'];

/** A deterministic dataset: small objects of mixed sizes and names, then the large ones. */
export function makeDataset(options: DatasetOptions): TestObject[] {
  const random = seededRandom(options.seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const bytes = (size: number) => {
    const body = Buffer.alloc(size);
    let i = 0;
    for (; i + 4 <= size; i += 4) {
      body.writeUInt32LE(Math.floor(random() * 0x100000000), i);
    }
    for (; i < size; i++) {
      body[i] = Math.floor(random() * 256);
    }
    return body;
  };
  const smallSize = (index: number) => {
    if (index === 0) return 0; // an empty object
    if (index === 1) return 1;
    const r = random();
    if (r < 0.6) return Math.floor(random() * 4096);
    if (r < 0.95) return 4096 + Math.floor(random() * 60 * 1024);
    return 256 * 1024 + Math.floor(random() * 768 * 1024);
  };

  const objects: TestObject[] = [];
  for (let i = 0; i < options.smallObjects; i++) {
    const shard = `shard-${String(i % 7).padStart(2, '0')}/`;
    const name = i < AWKWARD_NAMES.length ? AWKWARD_NAMES[i] : `object-${String(i).padStart(4, '0')}.bin`;
    objects.push({
      key: `${options.prefix}${shard}${name}`,
      body: bytes(smallSize(i)),
      contentType: pick(CONTENT_TYPES),
      metadata: i % 3 === 0 ? { origin: 'integration-test', index: String(i), note: `n-${Math.floor(random() * 1e9)}` } : {},
      cacheControl: i % 10 === 0 ? 'max-age=3600' : undefined,
      contentDisposition: i % 15 === 0 ? 'attachment; filename="sample.bin"' : undefined,
      upload: 'put',
    });
  }
  (options.largeObjects ?? []).forEach((large, i) => {
    objects.push({
      key: `${options.prefix}${options.largePrefix ?? 'zz-large/'}part-${i}.bin`,
      body: bytes(large.sizeBytes),
      contentType: 'application/x-tfrecord',
      metadata: { origin: 'integration-test', large: 'true', upload: large.upload },
      cacheControl: 'no-cache',
      contentDisposition: 'inline',
      upload: large.upload,
    });
  });
  return objects;
}

/** Puts the objects into the bucket, `concurrency` at a time (multipart ones in parts of `partSizeBytes`). */
export async function putObjects(
  client: S3Client, bucket: string, objects: readonly TestObject[], concurrency = 16, partSizeBytes = 5 * MIB,
): Promise<void> {
  await forEachLimited(objects, concurrency, async (object) => {
    const common = {
      Bucket: bucket,
      Key: object.key,
      ContentType: object.contentType,
      Metadata: { ...object.metadata },
      CacheControl: object.cacheControl,
      ContentDisposition: object.contentDisposition,
    };
    if (object.upload === 'put') {
      await client.send(new PutObjectCommand({ ...common, Body: object.body, ChecksumAlgorithm: 'CRC32' }));
      return;
    }
    const { UploadId } = await client.send(new CreateMultipartUploadCommand({ ...common, ChecksumAlgorithm: 'CRC32' }));
    const parts = [];
    for (let start = 0, partNumber = 1; start < object.body.length; start += partSizeBytes, partNumber++) {
      const part = await client.send(new UploadPartCommand({
        Bucket: bucket,
        Key: object.key,
        UploadId,
        PartNumber: partNumber,
        Body: object.body.subarray(start, Math.min(start + partSizeBytes, object.body.length)),
        ChecksumAlgorithm: 'CRC32',
      }));
      parts.push({ PartNumber: partNumber, ETag: part.ETag, ChecksumCRC32: part.ChecksumCRC32 });
    }
    await client.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: object.key, UploadId, MultipartUpload: { Parts: parts } }));
  });
}

/** What GetObject returned for one key. */
export interface FetchedObject {
  readonly body: Buffer;
  readonly contentType?: string;
  readonly metadata: Record<string, string>;
  readonly cacheControl?: string;
  readonly contentDisposition?: string;
}

/** GetObject, read to the end. */
export async function getObject(client: S3Client, bucket: string, key: string): Promise<FetchedObject> {
  const answer = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  const body = Buffer.from(await answer.Body!.transformToByteArray());
  return {
    body,
    contentType: answer.ContentType,
    metadata: answer.Metadata ?? {},
    cacheControl: answer.CacheControl,
    contentDisposition: answer.ContentDisposition,
  };
}

/**
 * Every key and size under the prefix (all pages). `urlEncoded` asks for URL-encoded keys (which the
 * local server encodes as S3 does) and decodes them: the only way to read keys XML cannot carry,
 * such as a carriage return. Without it, keys are read from the XML as they are.
 */
export async function listKeys(client: S3Client, bucket: string, prefix = '', urlEncoded = false): Promise<Map<string, number>> {
  const keys = new Map<string, number>();
  let token: string | undefined;
  for (let page = 0; page < 10_000; page++) {
    const answer = await client.send(new ListObjectsV2Command({
      Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, ...(urlEncoded ? { EncodingType: 'url' as const } : {}),
    }));
    if (urlEncoded && answer.EncodingType !== 'url') {
      throw new Error(`listing ${bucket}/${prefix} asked for URL-encoded keys and got ${JSON.stringify(answer.EncodingType)}`);
    }
    for (const object of answer.Contents ?? []) {
      // S3's form-style encoding: `+` is a space, then %XX bytes of UTF-8.
      keys.set(urlEncoded ? decodeURIComponent(object.Key!.replace(/\+/g, ' ')) : object.Key!, object.Size ?? 0);
    }
    token = answer.IsTruncated ? answer.NextContinuationToken : undefined;
    if (!token) {
      return keys;
    }
  }
  throw new Error(`listing ${bucket}/${prefix} did not end`);
}

/** Differences between what the destination holds and the source objects it should copy. */
export async function compareCopies(
  client: S3Client, objects: readonly TestObject[], sourcePrefix: string, bucket: string, prefix: string, concurrency = 16,
): Promise<string[]> {
  const problems: string[] = [];
  await forEachLimited(objects, concurrency, async (object) => {
    const key = `${prefix}${object.key.slice(sourcePrefix.length)}`;
    let copy: FetchedObject;
    try {
      copy = await getObject(client, bucket, key);
    } catch (error) {
      problems.push(`${key}: ${(error as Error).name} ${(error as Error).message}`);
      return;
    }
    if (!copy.body.equals(object.body)) {
      problems.push(`${key}: ${copy.body.length} bytes differ from the source's ${object.body.length}`);
    }
    const expected = {
      contentType: object.contentType,
      metadata: sortedEntries(object.metadata),
      cacheControl: object.cacheControl,
      contentDisposition: object.contentDisposition,
    };
    const actual = {
      contentType: copy.contentType,
      metadata: sortedEntries(copy.metadata),
      cacheControl: copy.cacheControl,
      contentDisposition: copy.contentDisposition,
    };
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`${key}: headers ${JSON.stringify(actual)} instead of ${JSON.stringify(expected)}`);
    }
  });
  return problems.sort();
}

function sortedEntries(record: Readonly<Record<string, string>>): [string, string][] {
  return Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Runs `task` for each item, at most `concurrency` at once; rejects with the first error. */
export async function forEachLimited<T>(items: readonly T[], concurrency: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++];
      await task(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}
