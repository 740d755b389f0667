import * as http from 'http';
import * as https from 'https';
import { AddressInfo } from 'net';
import { CopyObjectCommand, CopyObjectCommandInput, S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/core/transport';
import { CREDENTIALS, RecordingTransport, errorAnswer, lower, recordingSdkClient as recordingClient, resign, signedHeadersOf } from './direct-helpers';
import { createS3Client, isRetryable } from '../../../src/transfer/engine';
import { DirectAnswer, DirectCopyObject, DirectTransport, directCopierOf, encodeKey, serverFault } from '../../../src/transfer/engine/direct-copy';

function okAnswer(): DirectAnswer {
  return { statusCode: 200, headers: {}, body: '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><ETag>"abc"</ETag></CopyObjectResult>' };
}

/** An S3 client whose requests are recorded and answered (by default with a successful copy), never sent. */
function recordingSdkClient(config: S3ClientConfig, answer: () => DirectAnswer = okAnswer): { client: S3Client; sent: HttpRequest[] } {
  return recordingClient(config, answer);
}

const KEYS = [
  'datasets/corpus/shard-00001.tar',
  'with space/and+plus/file (1).txt',
  "odd/!*'()~._-/name",
  'unicode/données/日本語.bin',
  'percent/100%/a=b&c?d#e',
  'double//slash',
];

const ENDPOINTS: Array<{ name: string; config: S3ClientConfig; region: string }> = [
  { name: 'S3 virtual-hosted (eu-west-1)', config: { region: 'eu-west-1' }, region: 'eu-west-1' },
  { name: 'S3-compatible server, path-style', config: { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true }, region: 'us-east-1' },
];

describe('DirectCopyObject sends what the SDK sends', () => {
  for (const endpoint of ENDPOINTS) {
    for (const key of KEYS) {
      test(`${endpoint.name}: ${key}`, async () => {
        const input: CopyObjectCommandInput = {
          Bucket: 'training-bucket',
          Key: key,
          CopySource: `source-bucket/${encodeURIComponent(key).replace(/%2F/g, '/')}`,
          MetadataDirective: 'COPY',
          TaggingDirective: 'COPY',
          ChecksumAlgorithm: 'CRC32',
          StorageClass: 'INTELLIGENT_TIERING',
          ServerSideEncryption: 'aws:kms',
          SSEKMSKeyId: 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab',
        };
        const sdk = recordingSdkClient(endpoint.config);
        await sdk.client.send(new CopyObjectCommand(input));
        const transport = new RecordingTransport(okAnswer);
        await new DirectCopyObject(recordingSdkClient(endpoint.config).client, transport).copy(input);

        const [viaSdk] = sdk.sent;
        const [direct] = transport.sent;
        expect(direct.method).toBe(viaSdk.method);
        expect(direct.protocol).toBe(viaSdk.protocol);
        expect(direct.hostname).toBe(viaSdk.hostname);
        expect(direct.port).toBe(viaSdk.port);
        expect(direct.path).toBe(viaSdk.path);
        expect(direct.query).toEqual(viaSdk.query);

        // Every header the direct path sends has the SDK's value (the signature aside).
        const sdkHeaders = lower(viaSdk.headers);
        const directHeaders = lower(direct.headers);
        for (const [name, value] of Object.entries(directHeaders)) {
          if (!['authorization', 'x-amz-date', 'content-length'].includes(name)) {
            expect([name, value]).toEqual([name, sdkHeaders[name]]);
          }
        }
        // The SDK's own signature is what the reference signer computes for the SDK's request...
        expect(await resign(viaSdk, endpoint.region)).toBe(sdkHeaders.authorization);
        // ...and the direct path's signature is what the same reference computes for its request.
        expect(await resign(direct, endpoint.region)).toBe(directHeaders.authorization);
        expect(signedHeadersOf(direct)).toEqual(expect.arrayContaining(['host', 'x-amz-copy-source', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']));
        expect(directHeaders['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
      });
    }
  }

  // The engine asks for CRC64NVME, or for the source's own SHA-256, SHA-1 or CRC64NVME (preserveStrongSourceChecksum).
  test.each(['CRC64NVME', 'SHA256', 'SHA1', 'CRC32C'] as const)('x-amz-checksum-algorithm %s: sent, signed and valued as the SDK does', async (algorithm) => {
    const input: CopyObjectCommandInput = {
      Bucket: 'training-bucket', Key: 'ckpt/__0_0.distcp', CopySource: 'fast--use1-az4--x-s3/ckpt/__0_0.distcp', MetadataDirective: 'COPY', ChecksumAlgorithm: algorithm,
    };
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    await sdk.client.send(new CopyObjectCommand(input));
    const transport = new RecordingTransport(okAnswer);
    await new DirectCopyObject(recordingSdkClient({ region: 'eu-west-1' }).client, transport).copy(input);
    const sdkHeaders = lower(sdk.sent[0].headers);
    const directHeaders = lower(transport.sent[0].headers);
    expect(directHeaders['x-amz-checksum-algorithm']).toBe(algorithm);
    expect(sdkHeaders['x-amz-checksum-algorithm']).toBe(algorithm);
    expect(signedHeadersOf(transport.sent[0])).toContain('x-amz-checksum-algorithm');
    expect(await resign(transport.sent[0], 'eu-west-1')).toBe(directHeaders.authorization);
  });

  test('keys are encoded per segment like the SDK (RFC 3986, slashes kept)', () => {
    expect(encodeKey("a b/c+d/(e)!*'~")).toBe('a%20b/c%2Bd/%28e%29%21%2A%27~');
  });
});

describe('DirectCopyObject answers', () => {
  const input: CopyObjectCommandInput = { Bucket: 'training-bucket', Key: 'k', CopySource: 'source-bucket/k', MetadataDirective: 'COPY' };

  test.each([
    [503, 'SlowDown'],
    [500, 'InternalError'],
    [429, 'TooManyRequests'],
  ])('HTTP %d %s is a retryable server fault, as the SDK names it, and not sent again', async (status, code) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    const transport = new RecordingTransport(() => errorAnswer(status, code));
    const error = await new DirectCopyObject(sdk.client, transport).copy(input).catch((e) => e);
    expect(error).toMatchObject({ name: code, message: `${code} happened`, $metadata: { httpStatusCode: status, requestId: 'REQ1' } });
    expect(isRetryable(error)).toBe(true);
    expect(sdk.sent).toHaveLength(0);
  });

  test('a 200 answer with an <Error> body or no body fails as a retryable 503, like the SDK', () => {
    const withError = serverFault({ ...errorAnswer(200, 'InternalError') });
    expect(withError).toMatchObject({ name: 'InternalError', $metadata: { httpStatusCode: 503 } });
    expect(isRetryable(withError)).toBe(true);
    const empty = serverFault({ statusCode: 200, headers: {}, body: '' });
    expect(empty).toMatchObject({ name: 'InternalError', message: 'S3 aborted request', $metadata: { httpStatusCode: 503 } });
    expect(serverFault(okAnswer())).toBeUndefined();
  });

  test.each([
    ['a body that is not a CopyObjectResult', '<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>b</Name></ListBucketResult>'],
    ['a CopyObjectResult without an ETag', '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><LastModified>2026-01-01T00:00:00Z</LastModified></CopyObjectResult>'],
    ['a CopyObjectResult with an empty ETag', '<CopyObjectResult><ETag></ETag></CopyObjectResult>'],
  ])('a 200 answer with %s is a retryable malformed answer, not a success', async (_what, body) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    const transport = new RecordingTransport(() => ({ statusCode: 200, headers: {}, body }));
    const error = await new DirectCopyObject(sdk.client, transport).copy(input).catch((e) => e);
    expect(error).toMatchObject({ name: 'MalformedAnswer', message: 'CopyObject answered without a CopyObjectResult ETag' });
    expect(isRetryable(error)).toBe(true);
    expect(sdk.sent).toHaveLength(0);
  });

  test('the SDK path checks its answer too: a CopyObjectResult without an ETag is a retryable malformed answer', async () => {
    const noETag = () => ({ statusCode: 200, headers: {}, body: '<?xml version="1.0" encoding="UTF-8"?><CopyObjectResult><LastModified>2026-01-01T00:00:00Z</LastModified></CopyObjectResult>' });
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, noETag);
    const transport = new RecordingTransport(() => errorAnswer(301, 'PermanentRedirect'));
    const error = await new DirectCopyObject(sdk.client, transport).copy(input).catch((e) => e);
    expect(sdk.sent).toHaveLength(1);
    expect(error).toMatchObject({ name: 'MalformedAnswer' });
    expect(isRetryable(error)).toBe(true);
  });

  test.each([
    [301, 'PermanentRedirect'],
    [400, 'AuthorizationHeaderMalformed'],
    [403, 'RequestTimeTooSkewed'],
    [404, 'NoSuchKey'],
  ])('HTTP %d %s is handed to the SDK, which sends the request again and reports it its way', async (status, code) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, () => errorAnswer(status, code));
    const transport = new RecordingTransport(() => errorAnswer(status, code));
    const error = await new DirectCopyObject(sdk.client, transport).copy(input).catch((e) => e);
    expect(transport.sent).toHaveLength(1);
    expect(sdk.sent).toHaveLength(1);
    expect(error).toMatchObject({ name: code, $metadata: { httpStatusCode: status } });
    expect(isRetryable(error)).toBe(false);
  });

  test('after an answer that the bucket is in another Region, its copies go through the SDK only', async () => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    const transport = new RecordingTransport(() => errorAnswer(301, 'PermanentRedirect'));
    const direct = new DirectCopyObject(sdk.client, transport);
    await direct.copy(input);
    await direct.copy({ ...input, Key: 'k2' });
    await direct.copy({ ...input, Bucket: 'other-bucket' });
    expect(transport.sent.map((r) => r.hostname)).toEqual(['training-bucket.s3.eu-west-1.amazonaws.com', 'other-bucket.s3.eu-west-1.amazonaws.com']);
    expect(sdk.sent).toHaveLength(3);
  });

  test('after a denied or missing object, the next copy still takes the direct path', async () => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, () => errorAnswer(404, 'NoSuchKey'));
    const transport = new RecordingTransport(() => errorAnswer(404, 'NoSuchKey'));
    const direct = new DirectCopyObject(sdk.client, transport);
    await expect(direct.copy(input)).rejects.toMatchObject({ name: 'NoSuchKey' });
    await expect(direct.copy(input)).rejects.toMatchObject({ name: 'NoSuchKey' });
    expect(transport.sent).toHaveLength(2);
  });

  test('a success after the SDK handled the answer is a success', async () => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    const transport = new RecordingTransport(() => errorAnswer(301, 'PermanentRedirect'));
    await expect(new DirectCopyObject(sdk.client, transport).copy(input)).resolves.toBeUndefined();
    expect(sdk.sent).toHaveLength(1);
  });

  test.each([
    ['directory buckets (session authentication)', 'cache--use1-az4--x-s3'],
    ['access point ARNs', 'arn:aws:s3:eu-west-1:111122223333:accesspoint/training'],
  ])('%s always go through the SDK', async (_what, bucket) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    const transport = new RecordingTransport(okAnswer);
    await new DirectCopyObject(sdk.client, transport).copy({ ...input, Bucket: bucket });
    expect(transport.sent).toHaveLength(0);
    expect(sdk.sent).toHaveLength(1);
  });

  test('inputs the direct path cannot send are refused instead of dropped', async () => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' });
    await expect(new DirectCopyObject(sdk.client, new RecordingTransport(okAnswer)).copy({ ...input, ACL: 'private' }))
      .rejects.toThrow('DirectCopyObject does not send ACL');
  });
});

describe('DirectTransport', () => {
  let server: http.Server;
  let port: number;
  let behaviour: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  beforeAll(async () => {
    server = http.createServer((req, res) => behaviour(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const request = () => new HttpRequest({ method: 'PUT', protocol: 'http:', hostname: '127.0.0.1', port, path: '/b/k', headers: { 'content-length': '0' } });

  test('answers with status, headers and body', async () => {
    behaviour = (_req, res) => res.writeHead(200, { 'x-amz-request-id': 'R' }).end('<CopyObjectResult/>');
    const agent = new http.Agent({ keepAlive: true });
    const answer = await new DirectTransport(agent, new https.Agent(), 5000).send('http:', request());
    expect(answer).toMatchObject({ statusCode: 200, body: '<CopyObjectResult/>', headers: { 'x-amz-request-id': 'R' } });
    agent.destroy();
  });

  test('a connection reset is a retryable error', async () => {
    behaviour = (req) => req.socket.destroy();
    const error = await new DirectTransport(new http.Agent(), new https.Agent(), 5000).send('http:', request()).catch((e) => e);
    expect(error).toMatchObject({ code: 'ECONNRESET' });
    expect(isRetryable(error)).toBe(true);
  });

  test('no answer within the timeout is a retryable TimeoutError', async () => {
    behaviour = () => undefined; // never answers
    const error = await new DirectTransport(new http.Agent(), new https.Agent(), 100).send('http:', request()).catch((e) => e);
    expect(error).toMatchObject({ name: 'TimeoutError', code: 'ETIMEDOUT' });
    expect(isRetryable(error)).toBe(true);
  });
});

describe('createS3Client', () => {
  test('turns the direct CopyObject path on by default, off on request', () => {
    const on = createS3Client({ region: 'eu-west-1' });
    const off = createS3Client({ region: 'eu-west-1', directCopyObject: false });
    expect(directCopierOf(on)).toBeInstanceOf(DirectCopyObject);
    expect(directCopierOf(off)).toBeUndefined();
    expect(directCopierOf(new S3Client({ region: 'eu-west-1' }))).toBeUndefined();
    on.destroy();
    off.destroy();
  });
});
