/**
 * The workloads: what the source bucket holds, how it is seeded, and how a copy is checked.
 */
import { randomFillSync } from 'crypto';
import { S3Client } from '@aws-sdk/client-s3';
import { KIB, MIB, SOURCE_BUCKET } from './common';
import { TestObject, listKeys, putObjects } from '../../test/support/s3-local';

export type WorkloadName = 'small' | 'large';

export interface Workload {
  readonly name: WorkloadName;
  readonly label: string;
  readonly prefix: string;
  readonly count: number;
  readonly sizeBytes: number;
}

/**
 * The small workload: 10,000 objects of 64 KiB by default (`--small-count`, at least 2,000). At
 * 2,000 a run lasts about half a second, and the round trip the engine's listing needs before its
 * first copy, which a ceiling given the keys does not, weighs several percent; datasets are larger.
 */
export function smallWorkload(count: number): Workload {
  return {
    name: 'small', label: `${count.toLocaleString('en-US')} objects of 64 KiB`, prefix: 'small/', count, sizeBytes: 64 * KIB,
  };
}

export const LARGE: Workload = { name: 'large', label: '4 objects of 64 MiB (multipart-uploaded)', prefix: 'large/', count: 4, sizeBytes: 64 * MIB };
/** Part size of the large objects' seeding upload. */
const SEED_PART_BYTES = 8 * MIB;

function fillRandom(size: number): Buffer {
  const body = Buffer.allocUnsafe(size);
  for (let offset = 0; offset < size; offset += 64 * MIB) {
    randomFillSync(body, offset, Math.min(64 * MIB, size - offset));
  }
  return body;
}

/** Uniform, lowercase, zero-padded keys (fauxqs paginates other key forms wrongly past 1,000 keys). */
function objectKey(index: number): string {
  return `obj-${String(index).padStart(6, '0')}.bin`;
}

/** Source objects of each workload: key relative to the workload's prefix, and size. */
export type Sources = ReadonlyMap<WorkloadName, ReadonlyMap<string, number>>;

/** Fills the source bucket with the workloads and checks that it lists them. */
export async function seed(direct: S3Client, small: Workload, large: Workload): Promise<Sources> {
  const smallObjects: TestObject[] = Array.from({ length: small.count }, (_, i) => ({
    key: small.prefix + objectKey(i), body: fillRandom(small.sizeBytes), contentType: 'application/octet-stream', metadata: {}, upload: 'put',
  }));
  await putObjects(direct, SOURCE_BUCKET, smallObjects, 32);
  for (let i = 0; i < large.count; i++) {
    const object: TestObject = {
      key: large.prefix + objectKey(i), body: fillRandom(large.sizeBytes), contentType: 'application/octet-stream', metadata: { seeded: 'multipart' }, upload: 'multipart',
    };
    await putObjects(direct, SOURCE_BUCKET, [object], 1, SEED_PART_BYTES);
  }
  const sources = new Map<WorkloadName, Map<string, number>>();
  for (const workload of [small, large]) {
    const listed = await listKeys(direct, SOURCE_BUCKET, workload.prefix);
    const relative = new Map([...listed].map(([key, size]) => [key.slice(workload.prefix.length), size]));
    if (relative.size !== workload.count || [...relative.values()].some((size) => size !== workload.sizeBytes)) {
      throw new Error(`seeding ${workload.prefix} left ${relative.size} objects instead of ${workload.count} of ${workload.sizeBytes} bytes`);
    }
    sources.set(workload.name, relative);
  }
  return sources;
}
