import { CreateMultipartUploadCommand } from '@aws-sdk/client-s3';
import { ListTagsForResourceCommand, ListTagsForResourceCommandInput, S3ControlClient } from '@aws-sdk/client-s3-control';
import { AUTO_DELETE_TAG, AutoDeleteResourceProperties } from '../../src/express/auto-delete/contract';
import { AutoDeleteEvent, MAX_DELETE_BATCH, onEvent } from '../../src/express/auto-delete/handler';
import { FakeS3, errors } from '../transfer/engine/fake-s3';
import { AWKWARD_KEY_NAMES } from '../transfer/engine/helpers';

const BUCKET = 'cache--use1-az4--x-s3';
const PROPS: AutoDeleteResourceProperties = {
  BucketName: BUCKET,
  BucketArn: `arn:aws:s3express:us-east-1:111122223333:bucket/${BUCKET}`,
  AccountId: '111122223333',
};

function event(requestType: AutoDeleteEvent['RequestType'], extra: Partial<AutoDeleteEvent> = {}): AutoDeleteEvent {
  return {
    RequestType: requestType,
    RequestId: 'request-1',
    LogicalResourceId: 'AutoDelete',
    StackId: 'stack',
    ResourceProperties: PROPS,
    ...extra,
  };
}

/** A fake S3 Control endpoint that answers ListTagsForResource with the tags it holds. */
class FakeControl {
  public readonly requests: ListTagsForResourceCommandInput[] = [];
  public constructor(public tags: Array<{ Key: string; Value: string }>) {}

  public get client(): S3ControlClient {
    return {
      send: async (command: unknown) => {
        if (command instanceof ListTagsForResourceCommand) {
          this.requests.push(command.input);
          return { Tags: this.tags };
        }
        throw new Error(`unexpected command ${(command as object).constructor.name}`);
      },
    } as unknown as S3ControlClient;
  }
}

const MARKER = { Key: AUTO_DELETE_TAG.key, Value: AUTO_DELETE_TAG.value };

function setup(objects: number, tags: Array<{ Key: string; Value: string }> = [MARKER]) {
  const s3 = new FakeS3();
  s3.createBucket(BUCKET);
  for (let i = 0; i < objects; i++) {
    s3.put(BUCKET, `datasets/corpus/shard-${String(i).padStart(5, '0')}.bin`, { size: 1024 });
  }
  const control = new FakeControl(tags);
  const logs: string[] = [];
  return { s3, control, logs, deps: { s3: s3.client, s3control: control.client, log: (m: string) => logs.push(m) } };
}

describe('auto-delete handler', () => {
  test('Delete also aborts in-progress multipart uploads, page by page', async () => {
    const { s3, deps, logs } = setup(3);
    s3.pageSize = 2;
    const uploads = [];
    for (let i = 0; i < 5; i++) {
      uploads.push(await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `checkpoints/step-${i}.pt` })));
    }
    expect(s3.openUploads()).toHaveLength(5);
    await onEvent(event('Delete', { PhysicalResourceId: 'auto-delete-objects:x' }), deps);
    expect(s3.openUploads()).toEqual([]);
    expect(s3.keys(BUCKET)).toEqual([]);
    expect(s3.callsOf('AbortMultipartUpload').map((c) => c.input.UploadId).sort()).toEqual(uploads.map((u) => u.UploadId).sort());
    expect(s3.callsOf('ListMultipartUploads').length).toBe(3);
    expect(logs.join('\n')).toContain('deleted 3 objects and aborted 5 multipart uploads');
  });

  test('Delete empties a shuffled-listing directory bucket of 2,500 objects in batches of at most 1000', async () => {
    const { s3, control, deps } = setup(2500);
    const response = await onEvent(event('Delete', { PhysicalResourceId: 'auto-delete-objects:x' }), deps);

    expect(s3.keys(BUCKET)).toEqual([]);
    expect(response).toEqual({ PhysicalResourceId: 'auto-delete-objects:x', Data: { ObjectsDeleted: '2500' } });
    // The marker check came first, with the account and the bucket ARN.
    expect(control.requests).toEqual([{ AccountId: PROPS.AccountId, ResourceArn: PROPS.BucketArn }]);
    expect(s3.calls[0].name).toBe('ListObjectsV2');
    const deletes = s3.callsOf('DeleteObjects');
    expect(deletes.map((c) => c.input.Delete.Objects.length)).toEqual([1000, 1000, 500]);
    expect(deletes.every((c) => c.input.Delete.Objects.length <= MAX_DELETE_BATCH && c.input.Delete.Quiet === true)).toBe(true);
    // The keys deleted are exactly the keys there were, each once.
    const deletedKeys = deletes.flatMap((c) => c.input.Delete.Objects.map((o: { Key: string }) => o.Key));
    expect(new Set(deletedKeys).size).toBe(2500);
    // Listing by continuation token only (directory buckets do not support StartAfter), then a last empty listing.
    const lists = s3.callsOf('ListObjectsV2');
    expect(lists.every((c) => c.input.StartAfter === undefined)).toBe(true);
    expect(lists.slice(1, 3).every((c) => typeof c.input.ContinuationToken === 'string')).toBe(true);
    expect(lists[lists.length - 1].output.KeyCount).toBe(0);
    expect(lists[lists.length - 1].input.ContinuationToken).toBeUndefined();
  });

  test('the listing is unordered (FakeS3 shuffles --x-s3 buckets): the order does not matter', async () => {
    const { s3, deps } = setup(30);
    s3.pageSize = 7;
    await onEvent(event('Delete'), deps);
    const firstPage = s3.callsOf('ListObjectsV2')[0].output.Contents.map((o: { Key: string }) => o.Key);
    expect(firstPage).not.toEqual([...firstPage].sort());
    expect(s3.keys(BUCKET)).toEqual([]);
    expect(s3.callsOf('DeleteObjects').map((c) => c.input.Delete.Objects.length)).toEqual([7, 7, 7, 7, 2]);
  });

  test('an empty bucket: one listing, no DeleteObjects', async () => {
    const { s3, deps } = setup(0);
    const response = await onEvent(event('Delete'), deps);
    expect(s3.count('ListObjectsV2')).toBe(1);
    expect(s3.count('DeleteObjects')).toBe(0);
    expect(response).toEqual({ PhysicalResourceId: `auto-delete-objects:${BUCKET}`, Data: { ObjectsDeleted: '0' } });
  });

  test('objects written during the pass are deleted by the next listing', async () => {
    const { s3, deps } = setup(5);
    let written = false;
    s3.fail({
      operation: 'DeleteObjects',
      when: () => {
        if (!written) {
          written = true;
          s3.put(BUCKET, 'late-arrival', 'x');
        }
        return false;
      },
      error: errors.internal(),
    });
    await onEvent(event('Delete'), deps);
    expect(s3.keys(BUCKET)).toEqual([]);
  });

  test.each([
    ['no tags', []],
    ['another tag', [{ Key: 'team', Value: 'ml' }]],
    ['the marker key with another value', [{ Key: AUTO_DELETE_TAG.key, Value: 'false' }]],
  ])('without the marker tag (%s) Delete deletes nothing and says why', async (_name, tags) => {
    const { s3, logs, deps } = setup(10, tags);
    const response = await onEvent(event('Delete'), deps);
    expect(s3.keys(BUCKET)).toHaveLength(10);
    expect(s3.calls).toEqual([]);
    expect(response.Data).toEqual({ ObjectsDeleted: '0' });
    expect(logs.join('\n')).toContain(`does not carry the tag ${AUTO_DELETE_TAG.key}=true: no object is deleted`);
  });

  test.each(['Create', 'Update'] as const)('%s does nothing', async (requestType) => {
    const { s3, control, deps } = setup(10);
    const response = await onEvent(event(requestType, requestType === 'Update' ? { PhysicalResourceId: 'p', OldResourceProperties: PROPS } : {}), deps);
    expect(response).toEqual({ PhysicalResourceId: requestType === 'Update' ? 'p' : `auto-delete-objects:${BUCKET}` });
    expect(s3.calls).toEqual([]);
    expect(control.requests).toEqual([]);
    expect(s3.keys(BUCKET)).toHaveLength(10);
  });

  test('keys an XML listing cannot carry (CR, control characters, +, spaces, %) are listed URL-encoded and all deleted', async () => {
    const { s3, deps, logs } = setup(0);
    s3.pageSize = 4;
    for (const name of AWKWARD_KEY_NAMES) {
      s3.put(BUCKET, `dir/${name}`, name);
      await s3.client.send(new CreateMultipartUploadCommand({ Bucket: BUCKET, Key: `uploads/${name}` }));
    }
    // Without decoding, a key read wrong is never deleted and the listing never empties: stop after 10 listings.
    s3.fail({ operation: 'ListObjectsV2', when: () => s3.count('ListObjectsV2') > 10, error: () => new Error('the bucket never empties') });

    await onEvent(event('Delete'), deps);

    expect(s3.keys(BUCKET)).toEqual([]);
    expect(s3.openUploads()).toEqual([]);
    expect(s3.callsOf('ListObjectsV2').every((c) => c.input.EncodingType === 'url')).toBe(true);
    expect(s3.callsOf('ListMultipartUploads').every((c) => c.input.EncodingType === 'url')).toBe(true);
    const deleted = s3.callsOf('DeleteObjects').flatMap((c) => c.input.Delete.Objects.map((o: { Key: string }) => o.Key));
    expect(deleted.sort()).toEqual(AWKWARD_KEY_NAMES.map((name) => `dir/${name}`).sort());
    expect(logs.join('\n')).toContain(`deleted ${AWKWARD_KEY_NAMES.length} objects and aborted ${AWKWARD_KEY_NAMES.length} multipart uploads`);
  });

  test.each([
    ['ListObjectsV2', 'an undecodable key', (o: any) => ({ ...o, Contents: [{ Key: 'a%FF', Size: 1 }] }), 'ListObjectsV2 of s3://cache--use1-az4--x-s3/: the listed key "a%FF" is not valid URL-encoded UTF-8'],
    ['ListObjectsV2', 'an empty key', (o: any) => ({ ...o, Contents: [{ Key: '', Size: 1 }] }), 'ListObjectsV2 of s3://cache--use1-az4--x-s3/: the listing names an object with an empty key'],
    ['ListObjectsV2', 'an entry without a key', (o: any) => ({ ...o, Contents: [{ Size: 1 }] }), 'ListObjectsV2 of s3://cache--use1-az4--x-s3/ answered an entry without a Key'],
    ['ListMultipartUploads', 'an undecodable key', (o: any) => ({ ...o, Uploads: [{ Key: '%', UploadId: 'u' }] }), 'ListMultipartUploads of s3://cache--use1-az4--x-s3/: the listed key "%" is not valid URL-encoded UTF-8'],
    ['ListMultipartUploads', 'an upload without an ID', (o: any) => ({ ...o, Uploads: [{ Key: 'k' }] }), 'ListMultipartUploads of s3://cache--use1-az4--x-s3/ answered an upload without an UploadId (key "k")'],
  ] as const)('%s answering %s fails the deletion, naming it', async (operation, _what, change, message) => {
    const { s3, deps } = setup(1);
    s3.malform({ operation, change });
    await expect(onEvent(event('Delete'), deps)).rejects.toThrow(message);
  });

  test('errors of DeleteObjects fail the deletion with the keys named', async () => {
    const { deps } = setup(3);
    const s3 = {
      send: async (command: { constructor: { name: string } }) => command.constructor.name === 'ListObjectsV2Command'
        ? { Contents: [{ Key: 'a' }], IsTruncated: false }
        : { Errors: [{ Key: 'a', Code: 'AccessDenied', Message: 'Access Denied' }] },
    };
    await expect(onEvent(event('Delete'), { ...deps, s3: s3 as never }))
      .rejects.toThrow(`DeleteObjects failed for 1 of 1 objects in s3://${BUCKET}/ (a: AccessDenied Access Denied)`);
  });
});
