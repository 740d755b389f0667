/**
 * A copy has the same tags, content headers and user metadata whether it was made by CopyObject or
 * by a multipart copy; directory buckets, which have no object tags, are never asked for them.
 */
import { GetObjectTaggingCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { FakeS3 } from './fake-s3';
import { SMALL_PARTS, bytes, runOptions, smallFake } from './helpers';
import { copyDataset } from '../../../src/transfer/engine';

const SRC = { bucket: 'src', prefix: 'data/' };

const HEADERS = {
  contentType: 'application/x-parquet',
  contentEncoding: 'gzip',
  contentDisposition: 'attachment; filename="shard 1.parquet"',
  contentLanguage: 'de-CH',
  cacheControl: 'max-age=60, private',
  expires: new Date('2031-02-03T04:05:06.000Z'),
  metadata: { 'origin': 'pipeline', 'run-id': '42' },
};
const TAGS = { 'project': 'llm', 'data class': 'restricted', 'odd': 'a b+c=d&e/\u00fc%' };

/** What a copy looks like through the API: the HeadObject fields a copy must keep, and the tags. */
async function observed(fake: FakeS3, bucket: string, key: string) {
  const head = await fake.client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  const tagging = await fake.client.send(new GetObjectTaggingCommand({ Bucket: bucket, Key: key }));
  return {
    size: head.ContentLength,
    contentType: head.ContentType,
    contentEncoding: head.ContentEncoding,
    contentDisposition: head.ContentDisposition,
    contentLanguage: head.ContentLanguage,
    cacheControl: head.CacheControl,
    expires: head.Expires,
    metadata: head.Metadata,
    tags: Object.fromEntries((tagging.TagSet ?? []).map((tag) => [tag.Key, tag.Value])),
  };
}

describe('both copy paths keep tags, content headers and user metadata alike', () => {
  test('the same object copied by CopyObject and by a multipart copy: identical HeadObject fields and tags', async () => {
    const fake = smallFake();
    fake.put('src', 'data/object', bytes(150, 3), { ...HEADERS, tags: TAGS });
    fake.createBucket('dst');

    const single = await copyDataset(SRC, { bucket: 'dst', prefix: 'single/' }, runOptions(fake).options);
    const multipart = await copyDataset(SRC, { bucket: 'dst', prefix: 'multipart/' }, runOptions(fake, { ...SMALL_PARTS }).options);

    expect(single).toMatchObject({ complete: true, objectsCopied: 1 });
    expect(multipart).toMatchObject({ complete: true, objectsCopied: 1 });
    expect(fake.count('CopyObject')).toBe(1);
    expect(fake.count('CompleteMultipartUpload')).toBe(1);
    // The multipart copy read the tags and set them when it created the upload.
    expect(fake.callsOf('GetObjectTagging').map((c) => c.input)).toEqual([{ Bucket: 'src', Key: 'data/object' }]);
    expect(fake.callsOf('CreateMultipartUpload')[0].input.Tagging).toBe(
      'project=llm&data%20class=restricted&odd=a%20b%2Bc%3Dd%26e%2F%C3%BC%25');
    const source = await observed(fake, 'src', 'data/object');
    expect(source).toMatchObject({ ...HEADERS, tags: TAGS });
    expect(await observed(fake, 'dst', 'single/object')).toEqual(source);
    expect(await observed(fake, 'dst', 'multipart/object')).toEqual(source);
  });

  test('an untagged source: the multipart copy asks for its tags and sets none', async () => {
    const fake = smallFake();
    fake.put('src', 'data/object', bytes(150, 3));
    fake.createBucket('dst');
    const result = await copyDataset(SRC, { bucket: 'dst', prefix: 'copy/' }, runOptions(fake, { ...SMALL_PARTS }).options);
    expect(result.complete).toBe(true);
    expect(fake.count('GetObjectTagging')).toBe(1);
    expect(fake.callsOf('CreateMultipartUpload')[0].input.Tagging).toBeUndefined();
    expect(fake.get('dst', 'copy/object')!.tags).toEqual({});
  });
});

describe('directory buckets have no object tags', () => {
  const EXPRESS = 'cache--use1-az4--x-s3';

  test('a tagged source copied into a directory bucket, in one part and in parts: copied without tags, no tagging request', async () => {
    const fake = smallFake();
    fake.put('src', 'data/small', bytes(50, 1), { tags: TAGS });
    fake.put('src', 'data/large', bytes(150, 2), { tags: TAGS });
    fake.createBucket(EXPRESS);

    const result = await copyDataset(SRC, { bucket: EXPRESS, prefix: 'warm/' }, runOptions(fake, { ...SMALL_PARTS }).options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 2, failures: [] });
    // CopyObject replaces the tag set with the empty one (COPY would be answered 501 Not Implemented).
    expect(fake.callsOf('CopyObject').map((c) => [c.input.TaggingDirective, c.input.Tagging])).toEqual([['REPLACE', undefined]]);
    expect(fake.callsOf('CreateMultipartUpload')[0].input.Tagging).toBeUndefined();
    expect(fake.count('GetObjectTagging')).toBe(0);
    expect(fake.sameBytes('src', 'data/small', EXPRESS, 'warm/small')).toBe(true);
    expect(fake.sameBytes('src', 'data/large', EXPRESS, 'warm/large')).toBe(true);
  });

  test('from a directory bucket into a general purpose bucket: no GetObjectTagging (not supported), CopyObject keeps its default', async () => {
    const fake = smallFake();
    fake.put(EXPRESS, 'data/small', bytes(50, 1));
    fake.put(EXPRESS, 'data/large', bytes(150, 2));
    fake.createBucket('dst');

    const result = await copyDataset({ bucket: EXPRESS, prefix: 'data/' }, { bucket: 'dst', prefix: 'back/' }, runOptions(fake, { ...SMALL_PARTS }).options);

    expect(result).toMatchObject({ complete: true, objectsCopied: 2 });
    expect(fake.count('GetObjectTagging')).toBe(0);
    expect(fake.callsOf('CopyObject')[0].input.TaggingDirective).toBeUndefined();
  });
});
