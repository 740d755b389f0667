/**
 * Lists a checkpoints root (runtime: the SDK, no constructs). Used by the checkpoint handler and the
 * command line. Listings ask for URL-encoded keys and decode them (see core/listed-keys.ts: XML
 * cannot carry every key); a key that cannot be decoded fails the listing, because a checkpoint
 * whose objects cannot all be named must not be judged complete, copied or deleted.
 */
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { decodeListedKey } from '../../core/listed-keys';
import { CheckpointObject, CheckpointScheme, CheckpointListing, groupCheckpoints } from '../rules';

/** Every object under `root` in `bucket` (ListObjectsV2, page by page; directory buckets too). */
export async function listObjects(s3: S3Client, bucket: string, root: string): Promise<CheckpointObject[]> {
  const objects: CheckpointObject[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: root === '' ? undefined : root, ContinuationToken: token, EncodingType: 'url' }));
    for (const entry of page.Contents ?? []) {
      if (entry.Key === undefined) {
        throw new Error(`the listing of s3://${bucket}/${root} answered an entry without a Key`);
      }
      const listed = decodeListedKey(entry.Key, page.EncodingType);
      if (listed.problem !== undefined) {
        throw new Error(`the listing of s3://${bucket}/${root}: ${listed.problem}`);
      }
      if (entry.Size === undefined || entry.LastModified === undefined) {
        // Both decide what is safe (sizes are compared, ages gate releases): never guess them.
        throw new Error(`the listing of s3://${bucket}/${root} answered ${listed.key} without its size or last-modified time`);
      }
      objects.push({ key: listed.key, sizeBytes: entry.Size, lastModifiedMs: entry.LastModified.getTime() });
    }
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
    if (page.IsTruncated && !token) {
      throw new Error(`the listing of s3://${bucket}/${root} is truncated but gives no continuation token`);
    }
  } while (token);
  return objects;
}

/** The checkpoints under a root, grouped by the scheme. */
export async function listCheckpoints(s3: S3Client, bucket: string, scheme: CheckpointScheme): Promise<CheckpointListing> {
  return groupCheckpoints(await listObjects(s3, bucket, scheme.root), scheme);
}
