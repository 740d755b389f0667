/**
 * The workloads: what the source bucket holds, how it is seeded, and what a copy must produce.
 *
 * - small: for each count (`--counts`, 1,000, 3,000 and 10,000 by default), that many objects of
 *   `--small-size` (2 KiB by default, the size in issue 10) under a prefix of their own;
 * - large: one object of `--large-size` (2,000 MiB by default), seeded by multipart upload, which the
 *   command lines are told to copy in parts of `--large-part-size` (see copy-benchmark.ts).
 */
import { randomFillSync } from 'crypto';
import {
  AbortMultipartUploadCommand, CompleteMultipartUploadCommand, CreateMultipartUploadCommand, S3Client, UploadPartCommand,
} from '@aws-sdk/client-s3';
import { KIB, MIB, SOURCE_BUCKET, log } from './common';
import { TestObject, forEachLimited, listKeys, putObjects } from '../../test/support/s3-local';

export type WorkloadKind = 'small' | 'large';

export interface Workload {
  /** `small-1000`, `small-3000`, ..., or `large`: the key of its results. */
  readonly name: string;
  readonly kind: WorkloadKind;
  readonly label: string;
  readonly prefix: string;
  readonly count: number;
  readonly sizeBytes: number;
}

/** A size for people: 2 KiB, 64 MiB, 2 GiB. */
export function sizeLabel(bytes: number): string {
  for (const [unit, factor] of [['GiB', 1024 * MIB], ['MiB', MIB], ['KiB', KIB]] as const) {
    if (bytes >= factor && bytes % factor === 0) {
      return `${bytes / factor} ${unit}`;
    }
  }
  return `${bytes} bytes`;
}

export function smallWorkload(count: number, sizeBytes: number): Workload {
  return {
    name: `small-${count}`,
    kind: 'small',
    label: `${count.toLocaleString('en-US')} objects of ${sizeLabel(sizeBytes)}`,
    prefix: `small-${count}/`,
    count,
    sizeBytes,
  };
}

export function largeWorkload(sizeBytes: number): Workload {
  return { name: 'large', kind: 'large', label: `1 object of ${sizeLabel(sizeBytes)}`, prefix: 'large/', count: 1, sizeBytes };
}

/** Uniform, lowercase, zero-padded keys (fauxqs paginates other key forms wrongly past 1,000 keys). */
function objectKey(index: number): string {
  return `obj-${String(index).padStart(6, '0')}.bin`;
}

/**
 * Part size of the large object's seeding upload: fauxqs takes request bodies of at most 11 MiB
 * (its `bodyLimit`), so 8 MiB, as the AWS CLI uploads.
 */
const SEED_PART_BYTES = 8 * MIB;

/** One object uploaded in parts of random bytes, made one part at a time (the large object never sits whole in this process). */
async function uploadLarge(direct: S3Client, key: string, sizeBytes: number): Promise<void> {
  const { UploadId } = await direct.send(new CreateMultipartUploadCommand({ Bucket: SOURCE_BUCKET, Key: key, ContentType: 'application/octet-stream' }));
  try {
    const numbers = Array.from({ length: Math.ceil(sizeBytes / SEED_PART_BYTES) }, (_, i) => i + 1);
    const etags = new Map<number, string | undefined>();
    await forEachLimited(numbers, 4, async (partNumber) => {
      const start = (partNumber - 1) * SEED_PART_BYTES;
      const body = randomFillSync(Buffer.allocUnsafe(Math.min(SEED_PART_BYTES, sizeBytes - start)));
      const answer = await direct.send(new UploadPartCommand({ Bucket: SOURCE_BUCKET, Key: key, UploadId, PartNumber: partNumber, Body: body }));
      etags.set(partNumber, answer.ETag);
    });
    await direct.send(new CompleteMultipartUploadCommand({
      Bucket: SOURCE_BUCKET, Key: key, UploadId, MultipartUpload: { Parts: numbers.map((n) => ({ PartNumber: n, ETag: etags.get(n) })) },
    }));
  } catch (error) {
    await direct.send(new AbortMultipartUploadCommand({ Bucket: SOURCE_BUCKET, Key: key, UploadId })).catch(() => undefined);
    throw error;
  }
}

/** Source objects of each workload (by name): key relative to the workload's prefix, and size. */
export type Sources = ReadonlyMap<string, ReadonlyMap<string, number>>;

/** Fills the source bucket with the workloads and checks that it lists them. */
export async function seed(direct: S3Client, workloads: readonly Workload[]): Promise<Sources> {
  const sources = new Map<string, Map<string, number>>();
  for (const workload of workloads) {
    log(`seeding ${workload.label} under ${workload.prefix}`);
    if (workload.kind === 'small') {
      const objects: TestObject[] = Array.from({ length: workload.count }, (_, i) => ({
        key: workload.prefix + objectKey(i),
        body: randomFillSync(Buffer.allocUnsafe(workload.sizeBytes)),
        contentType: 'application/octet-stream',
        metadata: {},
        upload: 'put',
      }));
      await putObjects(direct, SOURCE_BUCKET, objects, 32);
    } else {
      for (let i = 0; i < workload.count; i++) {
        await uploadLarge(direct, workload.prefix + objectKey(i), workload.sizeBytes);
      }
    }
    const listed = await listKeys(direct, SOURCE_BUCKET, workload.prefix);
    const relative = new Map([...listed].map(([key, size]) => [key.slice(workload.prefix.length), size]));
    if (relative.size !== workload.count || [...relative.values()].some((size) => size !== workload.sizeBytes)) {
      throw new Error(`seeding ${workload.prefix} left ${relative.size} objects instead of ${workload.count} of ${workload.sizeBytes} bytes`);
    }
    sources.set(workload.name, relative);
  }
  return sources;
}
