/**
 * Malformed answers: a success whose answer lacks what the engine relies on is retried like a
 * server fault and reported when the attempts run out; it never counts as done.
 */
import { FakeS3, OperationName } from './fake-s3';
import { SMALL_PARTS, bytes, runOptions, smallFake } from './helpers';
import { CopyEvent, copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };
const DST = { bucket: 'dst', prefix: 'copy/' };

function retryErrors(events: CopyEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'retry' ? [`${e.operation}: ${e.error}`] : []));
}

/** One small and one multipart object. */
function twoObjects(): FakeS3 {
  const fake = smallFake();
  fake.put('src', 'data/small', bytes(50, 1));
  fake.put('src', 'data/large', bytes(130, 2));
  fake.createBucket('dst');
  return fake;
}

const MALFORMED: Array<[string, OperationName, string, (output: any) => any, RegExp]> = [
  ['CopyObject without a CopyObjectResult', 'CopyObject', 'copy/small', ({ CopyObjectResult: _, ...rest }) => rest,
    /^CopyObject: MalformedAnswer CopyObject answered without a CopyObjectResult ETag$/],
  ['CopyObject with an empty ETag', 'CopyObject', 'copy/small', (o) => ({ ...o, CopyObjectResult: { ...o.CopyObjectResult, ETag: '' } }),
    /^CopyObject: MalformedAnswer/],
  ['CreateMultipartUpload without an UploadId', 'CreateMultipartUpload', 'copy/large', ({ UploadId: _, ...rest }) => rest,
    /^CreateMultipartUpload: MalformedAnswer CreateMultipartUpload answered without an UploadId$/],
  ['UploadPartCopy without a CopyPartResult ETag', 'UploadPartCopy', 'copy/large', (o) => ({ ...o, CopyPartResult: {} }),
    /^UploadPartCopy \d: MalformedAnswer UploadPartCopy answered without a CopyPartResult ETag$/],
  ['GetObjectTagging of the multipart source without a TagSet', 'GetObjectTagging', 'data/large', ({ TagSet: _, ...rest }) => rest,
    /^GetObjectTagging: MalformedAnswer GetObjectTagging answered without a TagSet$/],
  ['HeadObject of the multipart source without a ContentLength', 'HeadObject', 'data/large', ({ ContentLength: _, ...rest }) => rest,
    /^HeadObject: MalformedAnswer HeadObject answered the ContentLength undefined$/],
];

describe.each(MALFORMED)('%s', (_name, operation, key, change, message) => {
  test('is retried, and the copy succeeds', async () => {
    const fake = twoObjects();
    fake.malform({ operation, key, times: 2, change });
    const { options, events } = runOptions(fake, { ...SMALL_PARTS });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 2, failures: [], bytesCopied: 180 });
    expect(fake.sameBytes('src', 'data/small', 'dst', 'copy/small')).toBe(true);
    expect(fake.sameBytes('src', 'data/large', 'dst', 'copy/large')).toBe(true);
    const retries = retryErrors(events);
    expect(retries).toHaveLength(2);
    expect(retries.every((r) => message.test(r))).toBe(true);
  });

  test('is reported as a failure when it does not stop; the run is not complete', async () => {
    const fake = twoObjects();
    fake.malform({ operation, key, change });
    const { options } = runOptions(fake, { ...SMALL_PARTS, maxAttempts: 3 });

    const result = await copyDataset(SRC, DST, options);

    expect(result.complete).toBe(false);
    expect(result.failures).toEqual([expect.objectContaining({ attempts: 3, error: expect.stringMatching(/^MalformedAnswer /) })]);
    expect(result.objectsCopied).toBe(1);
    // Uploads whose answer named no upload ID cannot be aborted by ID; every other one was aborted.
    if (operation !== 'CreateMultipartUpload') {
      expect(fake.openUploads()).toEqual([]);
    }
  });
});

describe('HeadObject of an explicit key without a ContentLength', () => {
  test('is retried: the size of a copy is never taken as 0 from a missing field', async () => {
    const fake = twoObjects();
    fake.malform({ operation: 'HeadObject', key: 'data/small', times: 1, change: ({ ContentLength: _, ...rest }) => rest });
    const { options, events } = runOptions(fake, { ...SMALL_PARTS, keys: ['small'] });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 1, bytesCopied: 50 });
    expect(retryErrors(events)).toEqual(['HeadObject: MalformedAnswer HeadObject answered the ContentLength undefined']);
  });
});

describe('CompleteMultipartUpload without an ETag', () => {
  test('is retried; the retry finds the upload completed, and the object is checked at the destination', async () => {
    const fake = twoObjects();
    fake.malform({ operation: 'CompleteMultipartUpload', change: ({ ETag: _, ...rest }) => rest });
    const { options, events } = runOptions(fake, { ...SMALL_PARTS });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 2, failures: [] });
    expect(retryErrors(events)).toEqual(['CompleteMultipartUpload: MalformedAnswer CompleteMultipartUpload answered without an ETag']);
    // The destination's HEAD before the copy found nothing; the one after the retry found the object.
    expect(fake.callsOf('HeadObject').filter((c) => c.input.Key === 'copy/large' && c.output !== undefined)).toHaveLength(1);
    expect(fake.sameBytes('src', 'data/large', 'dst', 'copy/large')).toBe(true);
  });
});

describe('ListObjectsV2', () => {
  function threeObjects(): FakeS3 {
    const fake = new FakeS3({ pageSize: 2 });
    ['a', 'b', 'c'].forEach((key, i) => fake.put('src', `data/${key}`, bytes(10, i)));
    fake.createBucket('dst');
    return fake;
  }

  test('a truncated page without a continuation token is retried: the rest of the listing is not dropped', async () => {
    const fake = threeObjects();
    fake.malform({ operation: 'ListObjectsV2', key: 'data/', times: 1, change: ({ NextContinuationToken: _, ...rest }) => rest });
    const { options, events } = runOptions(fake);

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsListed: 3, objectsCopied: 3 });
    expect(fake.keys('dst')).toEqual(['copy/a', 'copy/b', 'copy/c']);
    expect(retryErrors(events)).toEqual(['ListObjectsV2: MalformedAnswer ListObjectsV2 answered IsTruncated without a NextContinuationToken']);
  });

  test.each([
    ['an object without a Key', (o: any) => ({ ...o, Contents: [{ ...o.Contents[0], Key: undefined }, ...o.Contents.slice(1)] }), /without a Key \(entry 1\)/],
    ['an object without a Size', (o: any) => ({ ...o, Contents: [{ ...o.Contents[0], Size: undefined }, ...o.Contents.slice(1)] }), /the object "data\/a" with the size undefined/],
    ['a negative Size', (o: any) => ({ ...o, Contents: [{ ...o.Contents[0], Size: -1 }, ...o.Contents.slice(1)] }), /with the size -1/],
    ['no IsTruncated', ({ IsTruncated: _, ...rest }: any) => rest, /without IsTruncated/],
  ])('a page with %s is retried', async (_name, change, message) => {
    const fake = threeObjects();
    fake.malform({ operation: 'ListObjectsV2', key: 'data/', times: 1, change });
    const { options, events } = runOptions(fake);

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsListed: 3, objectsCopied: 3 });
    expect(retryErrors(events)).toEqual([expect.stringMatching(message)]);
  });

  test('a listing that keeps answering malformed pages fails the run, naming the problem', async () => {
    const fake = threeObjects();
    fake.malform({ operation: 'ListObjectsV2', key: 'data/', change: ({ NextContinuationToken: _, ...rest }) => rest });
    await expect(copyDataset(SRC, DST, runOptions(fake, { maxAttempts: 2 }).options))
      .rejects.toThrow('listing src/data/ failed: MalformedAnswer ListObjectsV2 answered IsTruncated without a NextContinuationToken');
  });

  test('the destination listing is checked too', async () => {
    const fake = threeObjects();
    fake.put('dst', 'copy/a', bytes(10, 0));
    fake.put('dst', 'copy/x', bytes(10, 9));
    fake.put('dst', 'copy/y', bytes(10, 9));
    fake.malform({ operation: 'ListObjectsV2', key: 'copy/', times: 1, change: ({ NextContinuationToken: _, ...rest }) => rest });
    const { options, events } = runOptions(fake, { listDestination: true });

    const result = await copyDataset(SRC, DST, options);

    expect(result).toMatchObject({ complete: true, objectsListed: 3 });
    expect(retryErrors(events)).toEqual(['ListObjectsV2: MalformedAnswer ListObjectsV2 answered IsTruncated without a NextContinuationToken']);
  });
});
