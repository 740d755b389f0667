import { CopyObjectCommand } from '@aws-sdk/client-s3';
import { CreateJobCommand, CreateJobCommandInput, DescribeJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { FakeS3, GIB } from './engine/fake-s3';
import { CopyResourceProperties } from '../../src/transfer/copy-resource/contract';
import { CopyEvent, HandlerDeps, SAFETY_MARGIN_MS, isComplete, onEvent, targetBucketArn } from '../../src/transfer/copy-resource/handler';

const LAMBDA_PROPS: CopyResourceProperties = {
  SourceBucket: 'lake',
  SourcePrefix: 'datasets/corpus/',
  DestinationBucket: 'cache',
  DestinationPrefix: 'corpus/',
  Engine: 'LAMBDA',
  Concurrency: '8',
  Overwrite: 'IF_DIFFERENT',
  SourceRegion: 'us-east-1',
  DestinationRegion: 'us-east-1',
};

const BATCH_PROPS: CopyResourceProperties = {
  ...LAMBDA_PROPS,
  Engine: 'BATCH_OPERATIONS',
  AccountId: '111122223333',
  BatchRoleArn: 'arn:aws:iam::111122223333:role/batch',
  ReportBucketArn: 'arn:aws:s3:::cache',
  ReportPrefix: 'dataset-copy-reports',
  WaitForBatchJob: 'true',
};

function event(requestType: CopyEvent['RequestType'], properties: CopyResourceProperties, extra: Partial<CopyEvent> = {}): CopyEvent {
  return {
    RequestType: requestType,
    RequestId: 'request-1',
    LogicalResourceId: 'Copy',
    StackId: 'stack',
    ResourceProperties: properties,
    ...extra,
  };
}

/** A fake S3 Control endpoint: records CreateJob inputs and answers DescribeJob with a scripted status. */
class FakeControl {
  public readonly created: CreateJobCommandInput[] = [];
  public describes = 0;
  public job: { Status: string; ProgressSummary?: { NumberOfTasksFailed?: number }; FailureReasons?: Array<{ FailureCode: string; FailureReason: string }> } = { Status: 'Active' };

  public get client(): S3ControlClient {
    return {
      send: async (command: unknown) => {
        if (command instanceof CreateJobCommand) {
          this.created.push(command.input);
          return { JobId: 'job-42' };
        }
        if (command instanceof DescribeJobCommand) {
          this.describes++;
          return { Job: { JobId: command.input.JobId, ...this.job } };
        }
        throw new Error(`unexpected command ${(command as object).constructor.name}`);
      },
    } as unknown as S3ControlClient;
  }
}

function deps(fake: FakeS3, control = new FakeControl(), remainingMs = 15 * 60_000, now?: () => number): HandlerDeps & { logs: string[]; s3: HandlerDeps['s3'] } {
  const logs: string[] = [];
  return {
    s3: () => fake.client,
    s3control: () => control.client,
    remainingTimeMs: () => remainingMs,
    log: (message) => logs.push(message),
    now,
    logs,
  };
}

function lakeWithCorpus(count = 5): FakeS3 {
  const fake = new FakeS3();
  fake.createBucket('cache');
  for (let i = 0; i < count; i++) {
    fake.put('lake', `datasets/corpus/part-${i}.jsonl`, `line ${i}\n`.repeat(i + 1), { contentType: 'application/jsonl', metadata: { shard: String(i) } });
  }
  fake.put('lake', 'checkpoints/step-1.pt', 'not a dataset');
  return fake;
}

describe('DatasetCopy handler: Lambda engine', () => {
  test('onEvent starts nothing and names the resource after the destination', async () => {
    const fake = lakeWithCorpus();
    const response = await onEvent(event('Create', LAMBDA_PROPS), deps(fake));
    expect(response).toEqual({ PhysicalResourceId: 'dataset-copy:cache/corpus/' });
    expect(fake.calls).toHaveLength(0);
  });

  test('isComplete copies the prefix, byte-identical, and reports the counts', async () => {
    const fake = lakeWithCorpus();
    const response = await isComplete(event('Create', LAMBDA_PROPS, { PhysicalResourceId: 'dataset-copy:cache/corpus/' }), deps(fake));
    expect(response).toEqual({ IsComplete: true, Data: { ObjectsCopied: '5', ObjectsSkipped: '0', BytesCopied: expect.any(String) } });
    expect(fake.keys('cache').sort()).toEqual([0, 1, 2, 3, 4].map((i) => `corpus/part-${i}.jsonl`));
    for (let i = 0; i < 5; i++) {
      expect(fake.sameBytes('lake', `datasets/corpus/part-${i}.jsonl`, 'cache', `corpus/part-${i}.jsonl`)).toBe(true);
      expect(fake.get('cache', `corpus/part-${i}.jsonl`)!.metadata).toEqual({ shard: String(i) });
    }
  });

  test('keys and renames copy one object under another name (the seed example)', async () => {
    const fake = new FakeS3();
    fake.createBucket('destination');
    fake.put('source', 'llm-training-data.txt', 'Sample training data content');
    const props: CopyResourceProperties = {
      ...LAMBDA_PROPS,
      SourceBucket: 'source',
      SourcePrefix: '',
      DestinationBucket: 'destination',
      DestinationPrefix: '',
      Keys: ['llm-training-data.txt'],
      Renames: { 'llm-training-data.txt': 'llm-training-data-copied.txt' },
    };
    const response = await isComplete(event('Create', props), deps(fake));
    expect(response.IsComplete).toBe(true);
    expect(fake.keys('destination')).toEqual(['llm-training-data-copied.txt']);
    expect(fake.body('destination', 'llm-training-data-copied.txt')!.toString()).toBe('Sample training data content');
  });

  test('a copy longer than one invocation continues in the next one (resume by sync)', async () => {
    const fake = lakeWithCorpus(40);
    let clock = 0;
    // Each CopyObject takes 1 s (copies dominate; listing and HEAD checks are fast); the budget is 15 s.
    const original = fake.client.send.bind(fake.client);
    const d = { ...deps(fake, undefined, SAFETY_MARGIN_MS + 15_000, () => clock) };
    Object.assign(d, {
      s3: () => ({
        send: async (command: unknown) => {
          if (command instanceof CopyObjectCommand) {
            clock += 1000;
          }
          return original(command as never);
        },
      }),
    });
    const first = await isComplete(event('Create', { ...LAMBDA_PROPS, Concurrency: '1' }), d);
    expect(first).toEqual({ IsComplete: false });
    const copiedFirst = fake.keys('cache').length;
    expect(copiedFirst).toBeGreaterThan(0);
    expect(copiedFirst).toBeLessThan(40);
    const copyCallsBefore = fake.callsOf('CopyObject').length;

    let response = first;
    for (let call = 0; call < 20 && !response.IsComplete; call++) {
      clock = 0;
      response = await isComplete(event('Create', { ...LAMBDA_PROPS, Concurrency: '1' }), d);
    }
    expect(response.IsComplete).toBe(true);
    expect(fake.keys('cache')).toHaveLength(40);
    // Nothing was copied twice: one CopyObject per object over all invocations.
    expect(fake.callsOf('CopyObject')).toHaveLength(40);
    expect(copyCallsBefore).toBe(copiedFirst);
  });

  test('with no time left it returns at once and copies nothing', async () => {
    const fake = lakeWithCorpus();
    const response = await isComplete(event('Create', LAMBDA_PROPS), deps(fake, undefined, SAFETY_MARGIN_MS - 1));
    expect(response).toEqual({ IsComplete: false });
    expect(fake.calls).toHaveLength(0);
  });

  test('a failed key with a control character is named quoted in the failure', async () => {
    const fake = lakeWithCorpus(1);
    fake.put('lake', 'datasets/corpus/x\r', 'carriage return');
    fake.fail({ operation: 'CopyObject', when: (input) => input.Key.endsWith('x\r'), error: () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) });
    await expect(isComplete(event('Create', LAMBDA_PROPS), deps(fake))).rejects.toThrow('1 object(s) failed after retries: "datasets/corpus/x\\r" (AccessDenied');
  });

  test('objects that keep failing fail the deployment with their keys, in a short message', async () => {
    const fake = lakeWithCorpus(60);
    fake.fail({ operation: 'CopyObject', error: () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) });
    const promise = isComplete(event('Create', LAMBDA_PROPS), deps(fake));
    await expect(promise).rejects.toThrow(/^60 object\(s\) failed after retries: datasets\/corpus\/part-\d+\.jsonl \(AccessDenied \(HTTP 403\) Access Denied\)/);
    await expect(isComplete(event('Create', LAMBDA_PROPS), deps(fake))).rejects.toThrow(/\.\.\.$/);
    const message = await isComplete(event('Create', LAMBDA_PROPS), deps(fake)).then(() => '', (e: Error) => e.message);
    expect(message.length).toBeGreaterThan(100);
    expect(message.length).toBeLessThanOrEqual(1500);
  });

  test('an update that changes the destination copies again (sync)', async () => {
    const fake = lakeWithCorpus(3);
    await isComplete(event('Create', LAMBDA_PROPS), deps(fake));
    const updated = { ...LAMBDA_PROPS, DestinationPrefix: 'corpus-v2/' };
    const response = await isComplete(event('Update', updated, { OldResourceProperties: LAMBDA_PROPS, PhysicalResourceId: 'dataset-copy:cache/corpus/' }), deps(fake));
    expect(response.IsComplete).toBe(true);
    expect(fake.keys('cache').filter((k) => k.startsWith('corpus-v2/'))).toHaveLength(3);
    // A second run of the same copy skips what is there.
    const again = await isComplete(event('Update', updated), deps(fake));
    expect(again.Data).toEqual(expect.objectContaining({ ObjectsCopied: '0', ObjectsSkipped: '3' }));
  });

  test('Delete leaves the copied data in place', async () => {
    const fake = lakeWithCorpus(3);
    await isComplete(event('Create', LAMBDA_PROPS), deps(fake));
    const callsBefore = fake.calls.length;
    expect(await onEvent(event('Delete', LAMBDA_PROPS, { PhysicalResourceId: 'dataset-copy:cache/corpus/' }), deps(fake)))
      .toEqual({ PhysicalResourceId: 'dataset-copy:cache/corpus/' });
    expect(await isComplete(event('Delete', LAMBDA_PROPS), deps(fake))).toEqual({ IsComplete: true });
    expect(fake.calls.length).toBe(callsBefore);
    expect(fake.keys('cache')).toHaveLength(3);
  });

  test('rejects an unknown overwrite policy', async () => {
    await expect(isComplete(event('Create', { ...LAMBDA_PROPS, Overwrite: 'SOMETIMES' }), deps(lakeWithCorpus())))
      .rejects.toThrow('Overwrite "SOMETIMES" is not one of IF_DIFFERENT, ALWAYS, NEVER');
  });
});

describe('DatasetCopy handler: S3 Batch Operations engine', () => {
  test('onEvent creates one job over a manifest generated from the prefix, with a report', async () => {
    const control = new FakeControl();
    const response = await onEvent(event('Create', BATCH_PROPS), deps(lakeWithCorpus(), control));
    expect(response).toEqual({ PhysicalResourceId: 'dataset-copy:cache/corpus/', Data: { JobId: 'job-42' } });
    expect(control.created).toHaveLength(1);
    expect(control.created[0]).toEqual(expect.objectContaining({
      AccountId: '111122223333',
      ConfirmationRequired: false,
      RoleArn: 'arn:aws:iam::111122223333:role/batch',
      ClientRequestToken: 'request-1',
      Operation: { S3PutObjectCopy: expect.objectContaining({ TargetResource: 'arn:aws:s3:::cache', TargetKeyPrefix: 'corpus', MetadataDirective: 'COPY' }) },
      Report: { Enabled: true, Bucket: 'arn:aws:s3:::cache', Prefix: 'dataset-copy-reports', Format: 'Report_CSV_20180820', ReportScope: 'FailedTasksOnly' },
      ManifestGenerator: {
        S3JobManifestGenerator: {
          SourceBucket: 'arn:aws:s3:::lake',
          EnableManifestOutput: false,
          Filter: { KeyNameConstraint: { MatchAnyPrefix: ['datasets/corpus/'] }, ObjectSizeLessThanBytes: 5 * GIB + 1 },
        },
      },
    }));
  });

  test('a directory bucket destination is named by its s3express ARN (region and account), general purpose buckets by their s3 ARN', async () => {
    const control = new FakeControl();
    const directory = { ...BATCH_PROPS, DestinationBucket: 'cache--use1-az4--x-s3', DestinationRegion: 'us-east-1', ReportBucketArn: 'arn:aws:s3:::lake' };
    await onEvent(event('Create', directory), deps(lakeWithCorpus(), control));
    expect(control.created[0].Operation?.S3PutObjectCopy?.TargetResource).toBe('arn:aws:s3express:us-east-1:111122223333:bucket/cache--use1-az4--x-s3');
    // The manifest source stays a general purpose bucket ARN.
    expect(control.created[0].ManifestGenerator?.S3JobManifestGenerator?.SourceBucket).toBe('arn:aws:s3:::lake');
    expect(targetBucketArn('aws-cn', 'cache--cnn1-az1--x-s3', 'cn-north-1', '111122223333')).toBe('arn:aws-cn:s3express:cn-north-1:111122223333:bucket/cache--cnn1-az1--x-s3');
    expect(targetBucketArn('aws', 'cache', 'us-east-1', '111122223333')).toBe('arn:aws:s3:::cache');
  });

  test('with an SSE-KMS key, bucket keys are asked for general purpose destinations only', async () => {
    const control = new FakeControl();
    await onEvent(event('Create', { ...BATCH_PROPS, SseKmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k' }), deps(lakeWithCorpus(), control));
    await onEvent(event('Create', { ...BATCH_PROPS, SseKmsKeyId: 'arn:aws:kms:us-east-1:111122223333:key/k', DestinationBucket: 'cache--use1-az4--x-s3' }),
      deps(lakeWithCorpus(), control));
    expect(control.created.map((c) => c.Operation?.S3PutObjectCopy?.BucketKeyEnabled)).toEqual([true, undefined]);
  });

  test('isComplete waits while the job runs', async () => {
    const control = new FakeControl();
    const fake = lakeWithCorpus();
    const response = await isComplete(event('Create', BATCH_PROPS, { Data: { JobId: 'job-42' } }), deps(fake, control));
    expect(response).toEqual({ IsComplete: false });
    expect(control.describes).toBe(1);
    expect(fake.callsOf('CopyObject')).toHaveLength(0);
  });

  test('when the job is complete, objects over 5 GB are copied with UploadPartCopy under Batch-style keys', async () => {
    const control = new FakeControl();
    control.job = { Status: 'Complete', ProgressSummary: { NumberOfTasksFailed: 0 } };
    const fake = lakeWithCorpus(2);
    fake.put('lake', 'datasets/corpus/huge.bin', { size: 6 * GIB });
    const response = await isComplete(event('Create', BATCH_PROPS, { Data: { JobId: 'job-42' } }), deps(fake, control));
    expect(response.IsComplete).toBe(true);
    // Only the large object; Batch Operations copied the others.
    expect(fake.keys('cache')).toEqual(['corpus/datasets/corpus/huge.bin']);
    expect(fake.callsOf('UploadPartCopy').length).toBeGreaterThan(1);
    expect(fake.callsOf('CopyObject')).toHaveLength(0);
  });

  test('a failed job fails the deployment with its reasons and the report location', async () => {
    const control = new FakeControl();
    control.job = { Status: 'Failed', FailureReasons: [{ FailureCode: 'AccessDenied', FailureReason: 'Reading the source bucket was denied' }] };
    await expect(isComplete(event('Create', BATCH_PROPS, { Data: { JobId: 'job-42' } }), deps(lakeWithCorpus(), control)))
      .rejects.toThrow('S3 Batch Operations job job-42 Failed: AccessDenied: Reading the source bucket was denied (report: arn:aws:s3:::cache/dataset-copy-reports)');
  });

  test('a job with failed tasks fails the deployment', async () => {
    const control = new FakeControl();
    control.job = { Status: 'Complete', ProgressSummary: { NumberOfTasksFailed: 3 } };
    await expect(isComplete(event('Create', BATCH_PROPS, { Data: { JobId: 'job-42' } }), deps(lakeWithCorpus(), control)))
      .rejects.toThrow('S3 Batch Operations job job-42 completed with 3 failed task(s)');
  });

  test('waitForBatchJob false: no wait for the job, only the large objects are copied', async () => {
    const control = new FakeControl();
    const fake = lakeWithCorpus(2);
    const response = await isComplete(event('Create', { ...BATCH_PROPS, WaitForBatchJob: 'false' }, { Data: { JobId: 'job-42' } }), deps(fake, control));
    expect(response.IsComplete).toBe(true);
    expect(control.describes).toBe(0);
    expect(fake.keys('cache')).toEqual([]);
  });

  test('isComplete without a job id fails', async () => {
    await expect(isComplete(event('Create', BATCH_PROPS), deps(lakeWithCorpus()))).rejects.toThrow('no Batch Operations job id from onEvent');
  });
});
