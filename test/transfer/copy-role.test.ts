import * as http from 'http';
import { AddressInfo } from 'net';
import { S3Client } from '@aws-sdk/client-s3';
import { CreateJobCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { FakeS3 } from './engine/fake-s3';
import { CopyResourceProperties } from '../../src/transfer/copy-resource/contract';
import {
  ASSUME_ATTEMPTS, CopyRoleClients, REFRESH_BEFORE_MS, RoleCredentials, SESSION_SECONDS, assumeRole, copyRoleClientsFor, lambdaCredentials,
  parseCredentials, roleCredentialProvider, sessionName, stsEndpoint,
} from '../../src/transfer/copy-resource/copy-role';
import { CopyEvent, HandlerDeps, isComplete, onEvent } from '../../src/transfer/copy-resource/handler';
import { createS3Client } from '../../src/transfer/engine/clients';

const ROLE_A = 'arn:aws:iam::111122223333:role/Stack-CopyCorpusRole-AAAA';
const ROLE_B = 'arn:aws:iam::111122223333:role/Stack-CopyImagesRole-BBBB';
const FUNCTION_CREDENTIALS: RoleCredentials = { accessKeyId: 'AKIDFUNCTION', secretAccessKey: 'function-secret', sessionToken: 'function-token' };

/** The AssumeRole answer of the STS API Reference's example, with this test's values. */
function assumeRoleXml(accessKeyId: string, expiration: string): string {
  return `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::111122223333:assumed-role/copy/DatasetCopy-CopyCorpus</Arn>
      <AssumedRoleId>AROA3XFRBF535PLBIFPI4:DatasetCopy-CopyCorpus</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <AccessKeyId>${accessKeyId}</AccessKeyId>
      <SecretAccessKey>secret/of+${accessKeyId}</SecretAccessKey>
      <SessionToken>token&amp;${accessKeyId}</SessionToken>
      <Expiration>${expiration}</Expiration>
    </Credentials>
    <PackedPolicySize>6</PackedPolicySize>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;
}

function errorXml(code: string, message: string): string {
  return `<ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error>`
    + '<RequestId>1</RequestId></ErrorResponse>';
}

interface Received {
  readonly url: URL;
  readonly headers: http.IncomingHttpHeaders;
  readonly signatureValid: boolean;
}

/** A local STS stand-in: checks each request's SigV4 signature with the caller's key and answers as told. */
type StsAnswerOf = (attempt: number) => { status: number; body: string };

async function localSts(answer: StsAnswerOf): Promise<{ endpoint: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url!, 'http://placeholder');
      const amzDate = String(req.headers['x-amz-date']);
      const signingDate = new Date(`${amzDate.slice(0, 4)}-${amzDate.slice(4, 6)}-${amzDate.slice(6, 8)}T${amzDate.slice(9, 11)}:${amzDate.slice(11, 13)}:${amzDate.slice(13, 15)}Z`);
      // Sign what arrived again, with the caller's secret: equal only if what was sent is what was signed.
      const again = await new SignatureV4({ credentials: FUNCTION_CREDENTIALS, region: 'us-east-1', service: 'sts', sha256: Sha256 }).sign(new HttpRequest({
        method: req.method,
        protocol: 'http:',
        hostname: '127.0.0.1',
        path: url.pathname,
        headers: { host: String(req.headers.host) },
        query: Object.fromEntries(url.searchParams.entries()),
      }), { signingDate }) as HttpRequest;
      received.push({ url, headers: req.headers, signatureValid: again.headers.authorization === req.headers.authorization });
      const { status, body } = answer(received.length);
      res.writeHead(status, { 'content-type': 'text/xml' });
      res.end(body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { endpoint: `http://127.0.0.1:${port}`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('AssumeRole over the STS Query API', () => {
  test('one signed GET with the role, the session name and a one-hour session; the answer\'s credentials are returned', async () => {
    const sts = await localSts(() => ({ status: 200, body: assumeRoleXml('ASIAROLEA', '2030-01-01T00:00:00Z') }));
    try {
      const credentials = await assumeRole(ROLE_A, 'DatasetCopy-CopyCorpus', {
        region: 'us-east-1', endpoint: sts.endpoint, credentials: async () => FUNCTION_CREDENTIALS,
      });
      expect(credentials).toEqual({
        accessKeyId: 'ASIAROLEA', secretAccessKey: 'secret/of+ASIAROLEA', sessionToken: 'token&ASIAROLEA', expiration: new Date('2030-01-01T00:00:00Z'),
      });
      expect(sts.received).toHaveLength(1);
      const [request] = sts.received;
      expect(Object.fromEntries(request.url.searchParams.entries())).toEqual({
        Action: 'AssumeRole', Version: '2011-06-15', RoleArn: ROLE_A, RoleSessionName: 'DatasetCopy-CopyCorpus', DurationSeconds: String(SESSION_SECONDS),
      });
      expect(SESSION_SECONDS).toBe(3600);
      expect(request.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDFUNCTION\/\d{8}\/us-east-1\/sts\/aws4_request, /);
      expect(request.headers['x-amz-security-token']).toBe('function-token');
      expect(request.signatureValid).toBe(true);
    } finally {
      await sts.close();
    }
  });

  test('AccessDenied (a trust not visible yet), throttling and server faults are retried with backoff', async () => {
    const answers = [
      { status: 403, body: errorXml('AccessDenied', 'not authorized to perform sts:AssumeRole') },
      { status: 400, body: errorXml('Throttling', 'Rate exceeded') },
      { status: 503, body: 'Service Unavailable' },
      { status: 200, body: assumeRoleXml('ASIAROLEA', '2030-01-01T00:00:00Z') },
    ];
    const sts = await localSts((attempt) => answers[attempt - 1]);
    const sleeps: number[] = [];
    try {
      const credentials = await assumeRole(ROLE_A, 'DatasetCopy-CopyCorpus', {
        region: 'us-east-1', endpoint: sts.endpoint, credentials: async () => FUNCTION_CREDENTIALS, sleep: async (ms) => { sleeps.push(ms); },
      });
      expect(credentials.accessKeyId).toBe('ASIAROLEA');
      expect(sleeps).toEqual([1000, 2000, 4000]);
    } finally {
      await sts.close();
    }
  });

  test('gives up after six attempts, with the last error; other errors fail at once', async () => {
    const denied = await localSts(() => ({ status: 403, body: errorXml('AccessDenied', 'User is not authorized to perform: sts:AssumeRole') }));
    try {
      const sleeps: number[] = [];
      await expect(assumeRole(ROLE_A, 's', { region: 'us-east-1', endpoint: denied.endpoint, credentials: async () => FUNCTION_CREDENTIALS, sleep: async (ms) => { sleeps.push(ms); } }))
        .rejects.toThrow(`STS AssumeRole ${ROLE_A} failed: AccessDenied: User is not authorized to perform: sts:AssumeRole`);
      expect(denied.received).toHaveLength(ASSUME_ATTEMPTS);
      expect(ASSUME_ATTEMPTS).toBe(6);
    } finally {
      await denied.close();
    }
    const invalid = await localSts(() => ({ status: 400, body: errorXml('ValidationError', 'Invalid RoleArn') }));
    try {
      await expect(assumeRole('not-an-arn', 's', { region: 'us-east-1', endpoint: invalid.endpoint, credentials: async () => FUNCTION_CREDENTIALS, sleep: async () => {} }))
        .rejects.toThrow('STS AssumeRole not-an-arn failed: ValidationError: Invalid RoleArn');
      expect(invalid.received).toHaveLength(1);
    } finally {
      await invalid.close();
    }
  });

  test('an answer without credentials is an error', () => {
    expect(() => parseCredentials('<AssumeRoleResponse><AssumeRoleResult></AssumeRoleResult></AssumeRoleResponse>', ROLE_A))
      .toThrow(`STS AssumeRole ${ROLE_A}: no credentials in the answer`);
  });

  test('the Region\'s STS endpoint, in the aws, aws-cn and aws-us-gov partitions', () => {
    expect(stsEndpoint('us-east-1')).toBe('https://sts.us-east-1.amazonaws.com');
    expect(stsEndpoint('eu-central-2')).toBe('https://sts.eu-central-2.amazonaws.com');
    expect(stsEndpoint('cn-northwest-1')).toBe('https://sts.cn-northwest-1.amazonaws.com.cn');
    expect(stsEndpoint('us-gov-west-1')).toBe('https://sts.us-gov-west-1.amazonaws.com');
    expect(() => stsEndpoint('us-iso-east-1')).toThrow('no STS endpoint known for Region "us-iso-east-1"');
    expect(() => stsEndpoint('')).toThrow('no STS endpoint known for Region ""');
  });

  test('session names: DatasetCopy-<logical ID>, only the characters STS allows, at most 64', () => {
    expect(sessionName('CopyCorpus1A2B3C4D')).toBe('DatasetCopy-CopyCorpus1A2B3C4D');
    expect(sessionName('a b/c')).toBe('DatasetCopy-a-b-c');
    expect(sessionName('x'.repeat(100))).toHaveLength(64);
  });

  test('the function\'s own credentials come from the Lambda environment', async () => {
    expect(await lambdaCredentials({ AWS_ACCESS_KEY_ID: 'A', AWS_SECRET_ACCESS_KEY: 'S', AWS_SESSION_TOKEN: 'T' }))
      .toEqual({ accessKeyId: 'A', secretAccessKey: 'S', sessionToken: 'T' });
    await expect(lambdaCredentials({})).rejects.toThrow('no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
  });
});

describe('role sessions are reused until five minutes before they end', () => {
  test('one AssumeRole for concurrent callers, a new one near the end of the session and after a failure', async () => {
    let clock = Date.parse('2030-01-01T00:00:00Z');
    const calls: number[] = [];
    let fail = false;
    const provider = roleCredentialProvider(async () => {
      calls.push(clock);
      if (fail) {
        throw new Error('STS down');
      }
      return { accessKeyId: `K${calls.length}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(clock + 3600_000) };
    }, () => clock);
    const [a, b] = await Promise.all([provider(), provider()]);
    expect(a.accessKeyId).toBe('K1');
    expect(b.accessKeyId).toBe('K1');
    clock += 3600_000 - REFRESH_BEFORE_MS - 1;
    expect((await provider()).accessKeyId).toBe('K1');
    clock += 2;
    fail = true;
    await expect(provider()).rejects.toThrow('STS down');
    fail = false;
    expect((await provider()).accessKeyId).toBe('K3');
    expect(calls).toHaveLength(3);
  });
});

function copyEvent(requestType: CopyEvent['RequestType'], logicalId: string, properties: Partial<CopyResourceProperties>): CopyEvent {
  return {
    RequestType: requestType,
    RequestId: 'request-1',
    LogicalResourceId: logicalId,
    StackId: 'stack',
    PhysicalResourceId: requestType === 'Create' ? undefined : 'dataset-copy:cache/corpus/',
    ResourceProperties: {
      SourceBucket: 'lake',
      SourcePrefix: 'datasets/corpus/',
      DestinationBucket: 'cache',
      DestinationPrefix: 'corpus/',
      Engine: 'LAMBDA',
      Concurrency: '8',
      Overwrite: 'IF_DIFFERENT',
      SourceRegion: 'us-east-1',
      DestinationRegion: 'us-east-1',
      ...properties,
    },
  };
}

/** Clients per role: what each role can see is a FakeS3 of its own, and every AssumeRole is recorded. */
function roleWorld() {
  const assumed: Array<{ roleArn: string; sessionName: string }> = [];
  const created: Array<{ kind: string; region: string; roleKey: string }> = [];
  const worlds = new Map<string, FakeS3>();
  const world = (accessKeyId: string) => {
    let fake = worlds.get(accessKeyId);
    if (!fake) {
      fake = new FakeS3();
      fake.createBucket('cache');
      worlds.set(accessKeyId, fake);
    }
    return fake;
  };
  const clients = new CopyRoleClients<S3Client, S3ControlClient>({
    assume: async (roleArn, name) => {
      assumed.push({ roleArn, sessionName: name });
      return { accessKeyId: `ASIA:${roleArn}`, secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
    },
    // The S3 "client" of a role is the fake that role sees: its credentials pick it, as IAM would.
    s3: (region, credentials) => {
      const lazy = { send: async (command: any) => world((await credentials()).accessKeyId).client.send(command) } as unknown as S3Client;
      created.push({ kind: 's3', region, roleKey: 'lazy' });
      return lazy;
    },
    s3control: (region, credentials) => {
      created.push({ kind: 's3control', region, roleKey: 'lazy' });
      return { send: async (command: any) => ({ JobId: `job-for-${(await credentials()).accessKeyId}`, input: command.input }) } as unknown as S3ControlClient;
    },
  });
  const deps = (event: CopyEvent): HandlerDeps => ({
    ...copyRoleClientsFor(event, clients), remainingTimeMs: () => 15 * 60_000, log: () => {},
  });
  return { assumed, created, world, deps };
}

describe('the shared copy functions act as each copy\'s own role', () => {
  test('each copy is read and written with the credentials of its CopyRoleArn, one session per role', async () => {
    const { assumed, world, deps } = roleWorld();
    // Role A sees the corpus; role B sees other data under the same names.
    world(`ASIA:${ROLE_A}`).put('lake', 'datasets/corpus/a.jsonl', 'seen by A');
    world(`ASIA:${ROLE_B}`).put('lake', 'datasets/corpus/b.jsonl', 'seen by B');

    const a = copyEvent('Create', 'CopyCorpus', { CopyRoleArn: ROLE_A });
    expect(await isComplete(a, deps(a))).toEqual(expect.objectContaining({ IsComplete: true }));
    const b = copyEvent('Create', 'CopyImages', { CopyRoleArn: ROLE_B });
    expect(await isComplete(b, deps(b))).toEqual(expect.objectContaining({ IsComplete: true }));
    // A second invocation for copy A reuses its session.
    expect(await isComplete(a, deps(a))).toEqual(expect.objectContaining({ IsComplete: true }));

    expect(world(`ASIA:${ROLE_A}`).keys('cache')).toEqual(['corpus/a.jsonl']);
    expect(world(`ASIA:${ROLE_B}`).keys('cache')).toEqual(['corpus/b.jsonl']);
    expect(assumed).toEqual([
      { roleArn: ROLE_A, sessionName: 'DatasetCopy-CopyCorpus' },
      { roleArn: ROLE_B, sessionName: 'DatasetCopy-CopyImages' },
    ]);
  });

  test('Batch Operations jobs are created as the copy\'s role', async () => {
    const { deps } = roleWorld();
    const event = copyEvent('Create', 'CopyImages', {
      CopyRoleArn: ROLE_B,
      Engine: 'BATCH_OPERATIONS',
      AccountId: '111122223333',
      BatchRoleArn: 'arn:aws:iam::111122223333:role/batch',
      ReportBucketArn: 'arn:aws:s3:::cache',
      ReportPrefix: 'reports',
      WaitForBatchJob: 'true',
    });
    const control = deps(event).s3control('us-east-1');
    const answer = await control.send(new CreateJobCommand({ AccountId: '111122223333', Operation: {}, Report: { Enabled: false }, Priority: 1, RoleArn: 'x', ClientRequestToken: 't' }));
    expect(answer.JobId).toBe(`job-for-ASIA:${ROLE_B}`);
    expect(await onEvent(event, deps(event))).toEqual({ PhysicalResourceId: 'dataset-copy:cache/corpus/', Data: { JobId: `job-for-ASIA:${ROLE_B}` } });
  });

  test('without CopyRoleArn no client is made: a copy is refused, a Delete (no S3 request, data kept) still succeeds', async () => {
    const { assumed, created, world, deps } = roleWorld();
    world('unused');
    const create = copyEvent('Create', 'CopyCorpus', {});
    await expect(isComplete(create, deps(create))).rejects.toThrow('CopyCorpus: no CopyRoleArn in the resource properties: the copy functions act only as a copy\'s own role');
    const remove = copyEvent('Delete', 'CopyCorpus', {});
    expect(await onEvent(remove, deps(remove))).toEqual({ PhysicalResourceId: 'dataset-copy:cache/corpus/' });
    expect(await isComplete(remove, deps(remove))).toEqual({ IsComplete: true });
    // A Delete with a role assumes nothing either: the copied data stays, untouched.
    const removeWithRole = copyEvent('Delete', 'CopyCorpus', { CopyRoleArn: ROLE_A });
    expect(await onEvent(removeWithRole, deps(removeWithRole))).toEqual({ PhysicalResourceId: 'dataset-copy:cache/corpus/' });
    expect(assumed).toEqual([]);
    expect(created).toEqual([]);
  });

  test('the engine\'s S3 client signs with the credentials it is given (the SDK path and the direct CopyObject path read them from its config)', async () => {
    const assumedCredentials: RoleCredentials = { accessKeyId: 'ASIAROLEA', secretAccessKey: 's', sessionToken: 't', expiration: new Date(Date.now() + 3600_000) };
    const client = createS3Client({ region: 'us-east-1', credentials: async () => assumedCredentials });
    try {
      expect(await client.config.credentials()).toEqual(expect.objectContaining({ accessKeyId: 'ASIAROLEA', sessionToken: 't' }));
    } finally {
      client.destroy();
    }
  });
});
