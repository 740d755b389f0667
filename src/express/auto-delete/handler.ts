/**
 * The ExpressCache auto-delete custom resource, as a plain function over injected clients: the
 * Lambda entry point (auto-delete-handler.lambda.ts) is a thin wrapper, and the tests call it
 * directly.
 *
 * On Delete it empties the directory bucket, but only when the bucket carries the library's marker
 * tag: ListObjectsV2 page by page with continuation tokens (directory buckets list in no particular
 * order, so never StartAfter; they hold no versions), DeleteObjects on each page (at most 1000 keys),
 * and again from the start until a listing is empty. Listings ask for URL-encoded keys and decode
 * them (see decodeListedKey: XML cannot carry every key, and a key read wrong is never deleted).
 */
import {
  AbortMultipartUploadCommand, DeleteObjectsCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListObjectsV2CommandOutput, S3Client,
} from '@aws-sdk/client-s3';
import { ListTagsForResourceCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { AUTO_DELETE_TAG, AutoDeleteResourceProperties } from './contract';
import { decodeListedKey } from '../../core/listed-keys';
import { OnEventResponse, ProviderEvent } from '../../core/provider-event';

/** What the handler needs from the outside world. */
export interface AutoDeleteDeps {
  /** An S3 client (it creates the directory bucket's sessions itself). */
  readonly s3: S3Client;
  /** An S3 Control client, for the bucket's tags. */
  readonly s3control: S3ControlClient;
  /** Logs a line. */
  readonly log: (message: string) => void;
}

/** The CloudFormation event, as the Provider framework passes it. */
export type AutoDeleteEvent = ProviderEvent<AutoDeleteResourceProperties>;

/** What onEvent answers. */
export type AutoDeleteResponse = OnEventResponse;

/** DeleteObjects takes at most 1000 keys. */
export const MAX_DELETE_BATCH = 1000;

/** Empties the bucket on Delete (marker tag required); nothing on Create and Update. */
export async function onEvent(event: AutoDeleteEvent, deps: AutoDeleteDeps): Promise<AutoDeleteResponse> {
  const p = event.ResourceProperties;
  const physicalResourceId = event.PhysicalResourceId ?? `auto-delete-objects:${p.BucketName}`;
  if (event.RequestType !== 'Delete') {
    return { PhysicalResourceId: physicalResourceId };
  }
  if (!(await hasMarkerTag(p, deps))) {
    deps.log(`Delete: s3://${p.BucketName}/ does not carry the tag ${AUTO_DELETE_TAG.key}=${AUTO_DELETE_TAG.value}: `
      + 'no object is deleted (the tag is what allows emptying the bucket)');
    return { PhysicalResourceId: physicalResourceId, Data: { ObjectsDeleted: '0' } };
  }
  const deleted = await emptyBucket(p.BucketName, deps);
  const aborted = await abortUploads(p.BucketName, deps);
  deps.log(`Delete: deleted ${deleted} objects and aborted ${aborted} multipart uploads in s3://${p.BucketName}/`);
  return { PhysicalResourceId: physicalResourceId, Data: { ObjectsDeleted: String(deleted) } };
}

/** Whether the bucket carries the marker tag (S3 Control ListTagsForResource on the bucket ARN). */
export async function hasMarkerTag(p: AutoDeleteResourceProperties, deps: AutoDeleteDeps): Promise<boolean> {
  const answer = await deps.s3control.send(new ListTagsForResourceCommand({ AccountId: p.AccountId, ResourceArn: p.BucketArn }));
  return (answer.Tags ?? []).some((tag) => tag.Key === AUTO_DELETE_TAG.key && tag.Value === AUTO_DELETE_TAG.value);
}

/** Deletes every object of the bucket; returns how many. */
export async function emptyBucket(bucket: string, deps: AutoDeleteDeps): Promise<number> {
  let deleted = 0;
  for (;;) {
    // One pass over the whole listing, page by page; then list again until the bucket is empty.
    let token: string | undefined;
    let pass = 0;
    do {
      const page: ListObjectsV2CommandOutput = await deps.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token, EncodingType: 'url' }));
      const keys = (page.Contents ?? []).map((object) => keyOf(bucket, 'ListObjectsV2', object.Key, page.EncodingType));
      for (let i = 0; i < keys.length; i += MAX_DELETE_BATCH) {
        pass += await deleteBatch(bucket, keys.slice(i, i + MAX_DELETE_BATCH), deps);
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
    deleted += pass;
    if (pass === 0) {
      return deleted;
    }
  }
}

/**
 * Aborts the bucket's in-progress multipart uploads: a directory bucket with one is not empty
 * (they even appear as prefixes in its listings), so CloudFormation could not delete it.
 */
export async function abortUploads(bucket: string, deps: AutoDeleteDeps): Promise<number> {
  let aborted = 0;
  let keyMarker: string | undefined;
  let uploadIdMarker: string | undefined;
  do {
    const page = await deps.s3.send(new ListMultipartUploadsCommand({
      Bucket: bucket, KeyMarker: keyMarker, UploadIdMarker: uploadIdMarker, EncodingType: 'url',
    }));
    for (const upload of page.Uploads ?? []) {
      if (!upload.UploadId) {
        throw new Error(`ListMultipartUploads of s3://${bucket}/ answered an upload without an UploadId (key ${JSON.stringify(upload.Key)})`);
      }
      const key = keyOf(bucket, 'ListMultipartUploads', upload.Key, page.EncodingType);
      await deps.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId: upload.UploadId }));
      aborted++;
    }
    // The next key marker is encoded like the keys; it goes back as a plain parameter.
    keyMarker = page.IsTruncated && page.NextKeyMarker !== undefined
      ? keyOf(bucket, 'ListMultipartUploads', page.NextKeyMarker, page.EncodingType) : undefined;
    uploadIdMarker = page.IsTruncated ? page.NextUploadIdMarker : undefined;
  } while (keyMarker !== undefined);
  return aborted;
}

/** The key of a listed object or upload; one that cannot be named fails the deletion (the bucket would stay non-empty). */
function keyOf(bucket: string, operation: string, value: string | undefined, encodingType: string | undefined): string {
  if (value === undefined) {
    throw new Error(`${operation} of s3://${bucket}/ answered an entry without a Key`);
  }
  const listed = decodeListedKey(value, encodingType);
  if (listed.problem !== undefined) {
    throw new Error(`${operation} of s3://${bucket}/: ${listed.problem}`);
  }
  return listed.key;
}

async function deleteBatch(bucket: string, keys: string[], deps: AutoDeleteDeps): Promise<number> {
  if (keys.length === 0) {
    return 0;
  }
  const answer = await deps.s3.send(new DeleteObjectsCommand({
    Bucket: bucket,
    Delete: { Objects: keys.map((Key) => ({ Key })), Quiet: true },
  }));
  const errors = answer.Errors ?? [];
  if (errors.length > 0) {
    const first = errors.slice(0, 3).map((e) => `${e.Key}: ${e.Code} ${e.Message}`).join('; ');
    throw new Error(`DeleteObjects failed for ${errors.length} of ${keys.length} objects in s3://${bucket}/ (${first})`);
  }
  return keys.length;
}
