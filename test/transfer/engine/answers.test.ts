import { checkCompleted, checkCopied, checkCopyResultBody, contentLengthOf, listPageOf, partETagOf, tagSetOf, uploadIdOf } from '../../../src/transfer/engine/answers';
import { MalformedAnswerError, isRetryable } from '../../../src/transfer/engine/retry';

function malformed(run: () => unknown): MalformedAnswerError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(MalformedAnswerError);
    expect(isRetryable(error)).toBe(true);
    return error as MalformedAnswerError;
  }
  throw new Error('no MalformedAnswerError was thrown');
}

describe('listPageOf', () => {
  test('a last page: its objects, its encoding type, no next token', () => {
    expect(listPageOf({ IsTruncated: false, Contents: [{ Key: 'a', Size: 0 }, { Key: 'b%0D', Size: 5 }], EncodingType: 'url' })).toEqual({
      entries: [{ key: 'a', sizeBytes: 0 }, { key: 'b%0D', sizeBytes: 5 }],
      encodingType: 'url',
      continuationToken: undefined,
    });
  });

  test('a truncated page names the next token; an empty page has no entries', () => {
    expect(listPageOf({ IsTruncated: true, NextContinuationToken: 't1' })).toEqual({ entries: [], encodingType: undefined, continuationToken: 't1' });
    // A token on the last page is not followed.
    expect(listPageOf({ IsTruncated: false, NextContinuationToken: 't1' }).continuationToken).toBeUndefined();
  });

  test('an empty key is passed on (the engine reports that object), a missing one is a malformed page', () => {
    expect(listPageOf({ IsTruncated: false, Contents: [{ Key: '', Size: 1 }] }).entries).toEqual([{ key: '', sizeBytes: 1 }]);
    expect(malformed(() => listPageOf({ IsTruncated: false, Contents: [{ Key: 'a', Size: 1 }, { Size: 1 }] })).message)
      .toBe('ListObjectsV2 answered an object without a Key (entry 2)');
  });

  test.each([
    [undefined], [-1], [1.5], ['12'], [Number.NaN], [2 ** 60],
  ])('the size %p is malformed', (size) => {
    expect(malformed(() => listPageOf({ IsTruncated: false, Contents: [{ Key: 'a', Size: size }] })).message)
      .toBe(`ListObjectsV2 answered the object "a" with the size ${JSON.stringify(size)}`);
  });

  test('a truncated page without a token, a page without IsTruncated, and Contents that are not a list are malformed', () => {
    expect(malformed(() => listPageOf({ IsTruncated: true })).message).toBe('ListObjectsV2 answered IsTruncated without a NextContinuationToken');
    expect(malformed(() => listPageOf({ IsTruncated: true, NextContinuationToken: '' })).message).toBe('ListObjectsV2 answered IsTruncated without a NextContinuationToken');
    expect(malformed(() => listPageOf({ Contents: [] })).message).toBe('ListObjectsV2 answered without IsTruncated');
    expect(malformed(() => listPageOf({ IsTruncated: false, Contents: {} as never })).message).toBe('ListObjectsV2 answered with Contents that are not a list');
  });
});

test('contentLengthOf: a whole number of bytes, or a malformed answer', () => {
  expect(contentLengthOf({ ContentLength: 0 })).toBe(0);
  expect(contentLengthOf({ ContentLength: 5 * 1024 ** 4 })).toBe(5 * 1024 ** 4);
  for (const value of [undefined, -1, 0.5, '3']) {
    expect(malformed(() => contentLengthOf({ ContentLength: value })).message).toBe(`HeadObject answered the ContentLength ${JSON.stringify(value)}`);
  }
});

test('uploadIdOf: a non-empty upload ID, or a malformed answer', () => {
  expect(uploadIdOf({ UploadId: 'abc' })).toBe('abc');
  expect(malformed(() => uploadIdOf({})).message).toBe('CreateMultipartUpload answered without an UploadId');
  expect(malformed(() => uploadIdOf({ UploadId: '' })).message).toBe('CreateMultipartUpload answered without an UploadId');
});

test('partETagOf: the part ETag, or a malformed answer', () => {
  expect(partETagOf({ CopyPartResult: { ETag: '"e1"' } })).toBe('"e1"');
  expect(malformed(() => partETagOf({})).message).toBe('UploadPartCopy answered without a CopyPartResult ETag');
  expect(malformed(() => partETagOf({ CopyPartResult: { ETag: '' } })).message).toBe('UploadPartCopy answered without a CopyPartResult ETag');
});

test('checkCompleted and checkCopied: an ETag, or a malformed answer', () => {
  expect(() => checkCompleted({ ETag: '"x-2"' })).not.toThrow();
  expect(malformed(() => checkCompleted({})).message).toBe('CompleteMultipartUpload answered without an ETag');
  expect(() => checkCopied({ CopyObjectResult: { ETag: '"x"' } })).not.toThrow();
  expect(malformed(() => checkCopied({ CopyObjectResult: {} })).message).toBe('CopyObject answered without a CopyObjectResult ETag');
  expect(malformed(() => checkCopied({})).message).toBe('CopyObject answered without a CopyObjectResult ETag');
});

test('checkCopyResultBody: a CopyObjectResult element with a non-empty ETag', () => {
  expect(() => checkCopyResultBody('<?xml version="1.0" encoding="UTF-8"?>\n<CopyObjectResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    + '<LastModified>2026-01-01T00:00:00.000Z</LastModified><ETag>&quot;9b2cf535f27731c974343645a3985328&quot;</ETag></CopyObjectResult>')).not.toThrow();
  for (const body of ['', '<CopyObjectResult/>', '<CopyObjectResult><ETag> </ETag></CopyObjectResult>', '<CopyPartResult><ETag>"x"</ETag></CopyPartResult>',
    '<ETag>"x"</ETag>', '<CopyObjectResultX><ETag>"x"</ETag></CopyObjectResultX>']) {
    expect(malformed(() => checkCopyResultBody(body)).message).toBe('CopyObject answered without a CopyObjectResult ETag');
  }
});

test('tagSetOf: the tags (an empty set included), or a malformed answer', () => {
  expect(tagSetOf({ TagSet: [] })).toEqual([]);
  expect(tagSetOf({ TagSet: [{ Key: 'a', Value: '' }, { Key: 'b c', Value: 'd' }] })).toEqual([{ Key: 'a', Value: '' }, { Key: 'b c', Value: 'd' }]);
  expect(malformed(() => tagSetOf({})).message).toBe('GetObjectTagging answered without a TagSet');
  expect(malformed(() => tagSetOf({ TagSet: [{ Value: 'v' }] })).message).toBe('GetObjectTagging answered a tag without a key or value ({"Value":"v"})');
});
