/**
 * The fake S3 must behave like S3 where the engine's tests depend on it; these tests keep it honest.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  ListObjectsV2CommandOutput,
  PutObjectCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { FakeS3, errors } from './fake-s3';

async function listAll(fake: FakeS3, bucket: string, prefix?: string): Promise<string[]> {
  const keys: string[] = [];
  let token: string | undefined;
  do {
    const command = new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token });
    const page = await fake.send(command) as ListObjectsV2CommandOutput;
    keys.push(...(page.Contents ?? []).map((c) => c.Key!));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return keys;
}

describe('FakeS3', () => {
  test('lists in pages with continuation tokens, lexicographically for general purpose buckets', async () => {
    const fake = new FakeS3({ pageSize: 2 });
    for (const key of ['p/c', 'p/a', 'p/e', 'p/b', 'p/d', 'q/z']) {
      fake.put('b', key, key);
    }
    expect(await listAll(fake, 'b', 'p/')).toEqual(['p/a', 'p/b', 'p/c', 'p/d', 'p/e']);
    expect(fake.count('ListObjectsV2')).toBe(3);
    const first = fake.callsOf('ListObjectsV2')[0].output;
    expect(first).toMatchObject({ IsTruncated: true, KeyCount: 2 });
    expect(fake.callsOf('ListObjectsV2')[2].output).toMatchObject({ IsTruncated: false, NextContinuationToken: undefined });
  });

  test('a bad continuation token is refused', async () => {
    const fake = new FakeS3();
    fake.createBucket('b');
    await expect(fake.send(new ListObjectsV2Command({ Bucket: 'b', ContinuationToken: 'nonsense' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  test('lists directory buckets in a non-lexicographic order, refuses StartAfter and prefixes without a slash', async () => {
    const fake = new FakeS3({ pageSize: 3 });
    const keys = Array.from({ length: 20 }, (_, i) => `d/${String(i).padStart(2, '0')}`);
    keys.forEach((key) => fake.put('x--use1-az4--x-s3', key, key));
    const listed = await listAll(fake, 'x--use1-az4--x-s3', 'd/');
    expect([...listed].sort()).toEqual(keys);
    expect(listed).not.toEqual(keys);
    await expect(fake.send(new ListObjectsV2Command({ Bucket: 'x--use1-az4--x-s3', StartAfter: 'd/05' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
    await expect(fake.send(new ListObjectsV2Command({ Bucket: 'x--use1-az4--x-s3', Prefix: 'd' }))).rejects.toMatchObject({ name: 'InvalidArgument' });
  });

  test('HeadObject of a missing key is a 404 NotFound; checksums only with ChecksumMode', async () => {
    const fake = new FakeS3();
    fake.put('b', 'k', 'hello', { contentType: 'text/plain', metadata: { a: '1' } });
    await expect(fake.send(new HeadObjectCommand({ Bucket: 'b', Key: 'nope' })))
      .rejects.toMatchObject({ name: 'NotFound', $metadata: { httpStatusCode: 404 } });
    const plain = await fake.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(plain).toMatchObject({ ContentLength: 5, ContentType: 'text/plain', Metadata: { a: '1' } });
    expect(plain).not.toHaveProperty('ChecksumCRC64NVME');
    const withChecksum = await fake.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k', ChecksumMode: 'ENABLED' }));
    expect(withChecksum).toMatchObject({ ChecksumCRC64NVME: fake.get('b', 'k')!.checksums.CRC64NVME, ChecksumType: 'FULL_OBJECT' });
  });

  test('CopyObject decodes the copy source, copies metadata and honours CopySourceIfMatch', async () => {
    const fake = new FakeS3();
    fake.put('s', 'a b/ü+.txt', 'data', { contentType: 'text/plain', metadata: { m: 'v' } });
    fake.createBucket('d');
    await fake.send(new CopyObjectCommand({ Bucket: 'd', Key: 'k', CopySource: 's/a%20b/%C3%BC%2B.txt', MetadataDirective: 'COPY' }));
    expect(fake.body('d', 'k')!.toString()).toBe('data');
    expect(fake.get('d', 'k')).toMatchObject({ contentType: 'text/plain', metadata: { m: 'v' } });
    await expect(fake.send(new CopyObjectCommand({ Bucket: 'd', Key: 'k', CopySource: 's/a b/ü+.txt'.replace('+', '%2B'), CopySourceIfMatch: '"x"' })))
      .rejects.toMatchObject({ name: 'PreconditionFailed' });
    await expect(fake.send(new CopyObjectCommand({ Bucket: 'd', Key: 'k', CopySource: 's/missing' }))).rejects.toMatchObject({ name: 'NoSuchKey' });
  });

  test('CopyObject refuses sources over 5 GiB and other storage classes in directory buckets', async () => {
    const fake = new FakeS3();
    fake.put('s', 'big', { size: 5 * 1024 ** 3 + 1 });
    fake.put('s', 'small', 'x');
    fake.createBucket('d').createBucket('d--use1-az4--x-s3');
    await expect(fake.send(new CopyObjectCommand({ Bucket: 'd', Key: 'big', CopySource: 's/big' }))).rejects.toMatchObject({ name: 'InvalidRequest' });
    await expect(fake.send(new CopyObjectCommand({ Bucket: 'd--use1-az4--x-s3', Key: 'k', CopySource: 's/small', StorageClass: 'STANDARD' })))
      .rejects.toMatchObject({ name: 'InvalidStorageClass' });
  });

  test('multipart copies check part sizes and order; directory buckets need consecutive part numbers', async () => {
    const fake = new FakeS3({ minPartSizeBytes: 4 });
    fake.put('s', 'k', Buffer.from('0123456789'));
    for (const bucket of ['d', 'd--use1-az4--x-s3']) {
      fake.createBucket(bucket);
      const { UploadId } = await fake.send(new CreateMultipartUploadCommand({ Bucket: bucket, Key: 'k' })) as { UploadId: string };
      const part = async (partNumber: number, range: string) => {
        const out = await fake.send(new UploadPartCopyCommand({
          Bucket: bucket, Key: 'k', UploadId, PartNumber: partNumber, CopySource: 's/k', CopySourceRange: range,
        })) as { CopyPartResult: { ETag: string } };
        return { PartNumber: partNumber, ETag: out.CopyPartResult.ETag };
      };
      const parts = [await part(1, 'bytes=0-3'), await part(3, 'bytes=4-7'), await part(4, 'bytes=8-9')];
      await expect(fake.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'k', UploadId, MultipartUpload: { Parts: [parts[1], parts[0]] } })))
        .rejects.toMatchObject({ name: 'InvalidPartOrder' });
      const complete = fake.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: 'k', UploadId, MultipartUpload: { Parts: parts } }));
      if (bucket === 'd') {
        await complete;
        expect(fake.body(bucket, 'k')!.toString()).toBe('0123456789');
      } else {
        await expect(complete).rejects.toMatchObject({ name: 'InvalidPart' });
        expect(fake.openUploads()).toHaveLength(1);
        await fake.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: 'k', UploadId }));
      }
    }
    expect(fake.openUploads()).toEqual([]);
  });

  test('a part smaller than the minimum (but the last) is EntityTooSmall; a range past the end is InvalidRange', async () => {
    const fake = new FakeS3({ minPartSizeBytes: 4 });
    fake.put('s', 'k', Buffer.from('0123456789'));
    const { UploadId } = await fake.send(new CreateMultipartUploadCommand({ Bucket: 's', Key: 'd' })) as { UploadId: string };
    const p1 = await fake.send(new UploadPartCopyCommand({ Bucket: 's', Key: 'd', UploadId, PartNumber: 1, CopySource: 's/k', CopySourceRange: 'bytes=0-2' }));
    const p2 = await fake.send(new UploadPartCopyCommand({ Bucket: 's', Key: 'd', UploadId, PartNumber: 2, CopySource: 's/k', CopySourceRange: 'bytes=3-9' }));
    await expect(fake.send(new UploadPartCopyCommand({ Bucket: 's', Key: 'd', UploadId, PartNumber: 3, CopySource: 's/k', CopySourceRange: 'bytes=5-10' })))
      .rejects.toMatchObject({ name: 'InvalidRange' });
    const etag = (out: unknown) => (out as { CopyPartResult: { ETag: string } }).CopyPartResult.ETag;
    await expect(fake.send(new CompleteMultipartUploadCommand({
      Bucket: 's', Key: 'd', UploadId, MultipartUpload: { Parts: [{ PartNumber: 1, ETag: etag(p1) }, { PartNumber: 2, ETag: etag(p2) }] },
    }))).rejects.toMatchObject({ name: 'EntityTooSmall' });
  });

  test('virtual objects are reassembled from their parts into the same content', async () => {
    const fake = new FakeS3();
    const size = 12 * 1024 * 1024 + 3;
    fake.put('s', 'v', { size });
    const { UploadId } = await fake.send(new CreateMultipartUploadCommand({ Bucket: 's', Key: 'w' })) as { UploadId: string };
    const ranges = [[0, 5 * 1024 * 1024 - 1], [5 * 1024 * 1024, 10 * 1024 * 1024 - 1], [10 * 1024 * 1024, size - 1]];
    const parts = [];
    for (const [i, [start, end]] of ranges.entries()) {
      const out = await fake.send(new UploadPartCopyCommand({
        Bucket: 's', Key: 'w', UploadId, PartNumber: i + 1, CopySource: 's/v', CopySourceRange: `bytes=${start}-${end}`,
      })) as { CopyPartResult: { ETag: string } };
      parts.push({ PartNumber: i + 1, ETag: out.CopyPartResult.ETag });
    }
    await fake.send(new CompleteMultipartUploadCommand({ Bucket: 's', Key: 'w', UploadId, MultipartUpload: { Parts: parts } }));
    expect(fake.sameBytes('s', 'v', 's', 'w')).toBe(true);
  });

  test('faults: the nth call, every call for a key, the first few calls; calls are recorded with their errors', async () => {
    const fake = new FakeS3();
    fake.put('b', 'k1', 'x');
    fake.put('b', 'k2', 'y');
    fake.failNth('HeadObject', 2, errors.slowDown).failKey('HeadObject', 'k2', errors.accessDenied, 2);
    const head = (key: string) => fake.send(new HeadObjectCommand({ Bucket: 'b', Key: key }));
    await expect(head('k1')).resolves.toBeDefined();
    await expect(head('k1')).rejects.toMatchObject({ name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
    await expect(head('k2')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(head('k2')).rejects.toMatchObject({ name: 'AccessDenied' });
    await expect(head('k2')).resolves.toBeDefined();
    expect(fake.callsOf('HeadObject').map((c) => (c.error as Error | undefined)?.name)).toEqual([undefined, 'SlowDown', 'AccessDenied', 'AccessDenied', undefined]);
    expect(fake.callsOf('HeadObject').map((c) => c.input.Key)).toEqual(['k1', 'k1', 'k2', 'k2', 'k2']);
  });

  test('counts the calls in flight at once', async () => {
    const fake = new FakeS3();
    fake.put('b', 'k', 'x');
    await Promise.all(Array.from({ length: 7 }, () => fake.send(new HeadObjectCommand({ Bucket: 'b', Key: 'k' }))));
    expect(fake.maxInFlight).toBe(7);
    expect(fake.inFlight).toBe(0);
  });

  test('refuses commands it does not answer', async () => {
    const fake = new FakeS3();
    await expect(fake.send(new PutObjectCommand({ Bucket: 'b', Key: 'k' }))).rejects.toThrow(/does not answer PutObjectCommand/);
  });
});
