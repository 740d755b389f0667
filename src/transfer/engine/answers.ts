/**
 * Checks of the S3 answers the copy engine relies on (pure).
 *
 * The SDK types every field of an answer as optional and passes on whatever the server sent. S3
 * always sends the fields checked here; an answer without one (a truncated or garbled body, a
 * proxy's page, a server bug) is not taken at its word: it throws a MalformedAnswerError, which the
 * engine retries like a server fault and reports when the attempts run out. A field taken on trust
 * once made part copies without an upload ID and a run that reported success.
 */
import { MalformedAnswerError } from './retry';

/** One object of a listing page, as the server wrote it (the key may still be URL-encoded). */
export interface ListedEntry {
  readonly key: string;
  readonly sizeBytes: number;
}

/** A checked ListObjectsV2 page. */
export interface ListedPage {
  readonly entries: readonly ListedEntry[];
  /** The answer's `EncodingType` (`url` when the keys are URL-encoded). */
  readonly encodingType?: string;
  /** The token of the next page, when the listing is truncated. */
  readonly continuationToken?: string;
}

function nonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isSize(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * A ListObjectsV2 page: every entry has a key and a size (a whole number of bytes), `IsTruncated`
 * is a boolean, and a truncated page names the next page's token (without one the rest of the
 * listing would be silently dropped).
 */
export function listPageOf(page: {
  readonly Contents?: ReadonlyArray<{ readonly Key?: unknown; readonly Size?: unknown }>;
  readonly IsTruncated?: unknown;
  readonly NextContinuationToken?: unknown;
  readonly EncodingType?: unknown;
}): ListedPage {
  const operation = 'ListObjectsV2';
  if (typeof page.IsTruncated !== 'boolean') {
    throw new MalformedAnswerError(operation, 'without IsTruncated');
  }
  if (page.IsTruncated && !nonEmptyString(page.NextContinuationToken)) {
    throw new MalformedAnswerError(operation, 'IsTruncated without a NextContinuationToken');
  }
  if (page.Contents !== undefined && !Array.isArray(page.Contents)) {
    throw new MalformedAnswerError(operation, 'with Contents that are not a list');
  }
  const entries = (page.Contents ?? []).map((entry, index) => {
    if (typeof entry?.Key !== 'string') {
      throw new MalformedAnswerError(operation, `an object without a Key (entry ${index + 1})`);
    }
    if (!isSize(entry.Size)) {
      throw new MalformedAnswerError(operation, `the object ${JSON.stringify(entry.Key)} with the size ${JSON.stringify(entry.Size)}`);
    }
    return { key: entry.Key, sizeBytes: entry.Size };
  });
  return {
    entries,
    encodingType: typeof page.EncodingType === 'string' ? page.EncodingType : undefined,
    continuationToken: page.IsTruncated ? page.NextContinuationToken as string : undefined,
  };
}

/** The size of a HeadObject answer: a whole number of bytes. */
export function contentLengthOf(head: { readonly ContentLength?: unknown }): number {
  if (!isSize(head.ContentLength)) {
    throw new MalformedAnswerError('HeadObject', `the ContentLength ${JSON.stringify(head.ContentLength)}`);
  }
  return head.ContentLength;
}

/** The upload ID of a CreateMultipartUpload answer. */
export function uploadIdOf(created: { readonly UploadId?: unknown }): string {
  if (!nonEmptyString(created.UploadId)) {
    throw new MalformedAnswerError('CreateMultipartUpload', 'without an UploadId');
  }
  return created.UploadId;
}

/** The part's ETag in an UploadPartCopy answer (CompleteMultipartUpload needs it). */
export function partETagOf(copied: { readonly CopyPartResult?: { readonly ETag?: unknown } }): string {
  if (!nonEmptyString(copied.CopyPartResult?.ETag)) {
    throw new MalformedAnswerError('UploadPartCopy', 'without a CopyPartResult ETag');
  }
  return copied.CopyPartResult.ETag;
}

/** A CompleteMultipartUpload answer names the new object's ETag. */
export function checkCompleted(completed: { readonly ETag?: unknown }): void {
  if (!nonEmptyString(completed.ETag)) {
    throw new MalformedAnswerError('CompleteMultipartUpload', 'without an ETag');
  }
}

/** A CopyObject answer holds a CopyObjectResult with the copy's ETag. */
export function checkCopied(copied: { readonly CopyObjectResult?: { readonly ETag?: unknown } }): void {
  if (!nonEmptyString(copied.CopyObjectResult?.ETag)) {
    throw new MalformedAnswerError('CopyObject', 'without a CopyObjectResult ETag');
  }
}

/** The body of a successful CopyObject answer (200): a CopyObjectResult with a non-empty ETag. */
export function checkCopyResultBody(body: string): void {
  const result = /<CopyObjectResult[\s>][\s\S]*<\/CopyObjectResult>/.exec(body)?.[0];
  if (result === undefined || !/<ETag>\s*[^<\s][^<]*<\/ETag>/.test(result)) {
    throw new MalformedAnswerError('CopyObject', 'without a CopyObjectResult ETag');
  }
}
/** The tags of a GetObjectTagging answer. */
export function tagSetOf(answer: {
  readonly TagSet?: ReadonlyArray<{ readonly Key?: unknown; readonly Value?: unknown }>;
}): Array<{ Key: string; Value: string }> {
  if (!Array.isArray(answer.TagSet)) {
    throw new MalformedAnswerError('GetObjectTagging', 'without a TagSet');
  }
  return answer.TagSet.map((tag) => {
    if (!nonEmptyString(tag?.Key) || typeof tag.Value !== 'string') {
      throw new MalformedAnswerError('GetObjectTagging', `a tag without a key or value (${JSON.stringify(tag)})`);
    }
    return { Key: tag.Key, Value: tag.Value };
  });
}
