/**
 * The fault-injecting proxy on its own, in front of a stub upstream server (no S3 server needed).
 */
import * as http from 'http';
import { AddressInfo } from 'net';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { FaultProxy, classifyS3Request, seededRandom, startFaultProxy } from './fault-proxy';
import { isRetryable } from '../../../src/transfer/engine';

describe('classifyS3Request', () => {
  const copy = { 'x-amz-copy-source': 'src/key' };
  test.each([
    ['GET', '/', {}, 'ListBuckets'],
    ['PUT', '/bucket', {}, 'CreateBucket'],
    ['PUT', '/bucket/', {}, 'CreateBucket'],
    ['HEAD', '/bucket', {}, 'HeadBucket'],
    ['GET', '/bucket?list-type=2&prefix=a%2F', {}, 'ListObjectsV2'],
    ['GET', '/bucket/?list-type=2', {}, 'ListObjectsV2'],
    ['GET', '/bucket?prefix=a', {}, 'ListObjects'],
    ['GET', '/bucket?session', {}, 'CreateSession'],
    ['GET', '/bucket?uploads', {}, 'ListMultipartUploads'],
    ['POST', '/bucket?delete', {}, 'DeleteObjects'],
    ['PUT', '/bucket/a/b.bin?x-id=PutObject', {}, 'PutObject'],
    ['PUT', '/bucket/a/b.bin?x-id=CopyObject', copy, 'CopyObject'],
    ['POST', '/bucket/a/b.bin?uploads', {}, 'CreateMultipartUpload'],
    ['PUT', '/bucket/a/b.bin?partNumber=2&uploadId=u1', {}, 'UploadPart'],
    ['PUT', '/bucket/a/b.bin?partNumber=2&uploadId=u1&x-id=UploadPartCopy', copy, 'UploadPartCopy'],
    ['POST', '/bucket/a/b.bin?uploadId=u1', {}, 'CompleteMultipartUpload'],
    ['DELETE', '/bucket/a/b.bin?uploadId=u1', {}, 'AbortMultipartUpload'],
    ['GET', '/bucket/a/b.bin?uploadId=u1', {}, 'ListParts'],
    ['DELETE', '/bucket/a/b.bin', {}, 'DeleteObject'],
    ['HEAD', '/bucket/a%20b/%C3%A9.bin', {}, 'HeadObject'],
    ['GET', '/bucket/a/b.bin?x-id=GetObject', {}, 'GetObject'],
    ['GET', '/bucket/a/b.bin?attributes', {}, 'GetObjectAttributes'],
    ['GET', '/bucket/a/b.bin?tagging', {}, 'GetObjectTagging'],
    ['PUT', '/bucket/a/b.bin?tagging', {}, 'PutObjectTagging'],
  ])('%s %s', (method, url, headers, operation) => {
    expect(classifyS3Request(method, url, headers)).toBe(operation);
  });
});

test('seededRandom repeats its sequence for a seed, in [0, 1)', () => {
  const a = seededRandom(7);
  const b = seededRandom(7);
  const c = seededRandom(8);
  const first = Array.from({ length: 1000 }, a);
  expect(Array.from({ length: 1000 }, b)).toEqual(first);
  expect(Array.from({ length: 1000 }, c)).not.toEqual(first);
  expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  expect(first.filter((x) => x < 0.1).length).toBeGreaterThan(60);
  expect(first.filter((x) => x < 0.1).length).toBeLessThan(140);
});

describe('startFaultProxy', () => {
  let upstream: http.Server;
  let upstreamUrl: string;
  let proxy: FaultProxy;
  let client: S3Client;
  const uploads = ['upload-1', 'upload-2', 'upload-3'];

  beforeAll(async () => {
    let nextUpload = 0;
    // A stub S3: echoes PUT bodies' sizes, serves 1 MiB on GET, answers the multipart requests.
    upstream = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stub');
        if (req.method === 'POST' && url.searchParams.has('uploads')) {
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end(`<InitiateMultipartUploadResult><Bucket>b</Bucket><Key>k</Key><UploadId>${uploads[nextUpload++]}</UploadId></InitiateMultipartUploadResult>`);
        } else if (req.method === 'POST' && url.searchParams.has('uploadId')) {
          res.writeHead(200, { 'content-type': 'application/xml' });
          res.end('<CompleteMultipartUploadResult><ETag>"x-1"</ETag></CompleteMultipartUploadResult>');
        } else if (req.method === 'DELETE') {
          res.writeHead(204);
          res.end();
        } else if (req.method === 'GET') {
          const body = Buffer.alloc(1024 * 1024, 7);
          res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
          res.end(body);
        } else {
          res.writeHead(200, { etag: `"${Buffer.concat(chunks).length}"` });
          res.end();
        }
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    proxy = await startFaultProxy({ target: upstreamUrl, seed: 3 });
    client = new S3Client({
      endpoint: proxy.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      maxAttempts: 1,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    });
  });

  afterAll(async () => {
    client?.destroy();
    await proxy?.close();
    await new Promise<void>((resolve) => (upstream ? upstream.close(() => resolve()) : resolve()));
  });

  beforeEach(() => {
    proxy.setFaults({});
    proxy.setLatencyMs(0);
    proxy.resetStats();
  });

  test('listens on 127.0.0.1 and streams bodies both ways', async () => {
    expect(proxy.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const put = await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: Buffer.alloc(300_000, 1) }));
    expect(put.ETag).toBe('"300000"');
    const get = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    expect(Buffer.from(await get.Body!.transformToByteArray()).equals(Buffer.alloc(1024 * 1024, 7))).toBe(true);
    expect(proxy.stats()).toMatchObject({
      received: { PutObject: 1, GetObject: 1 },
      forwarded: { PutObject: 1, GetObject: 1 },
      succeeded: { PutObject: 1, GetObject: 1 },
      faultCount: 0,
      statuses: { 200: 2 },
    });
  });

  test('answers injected faults as S3 does, and the SDK and the engine see them as retryable', async () => {
    proxy.setFaults({ scripted: { GetObject: ['SlowDown', 'InternalError', 'Reset', null] } });
    const errors: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      errors.push(await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).then(() => undefined, (error: unknown) => error));
    }
    const ok = await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));
    await ok.Body!.transformToByteArray();

    const [slowDown, internal, reset] = errors as { name: string; message: string; $metadata?: { httpStatusCode?: number } }[];
    expect([slowDown.name, slowDown.message, slowDown.$metadata?.httpStatusCode]).toEqual(['SlowDown', 'Please reduce your request rate.', 503]);
    expect([internal.name, internal.$metadata?.httpStatusCode]).toEqual(['InternalError', 500]);
    expect(reset).toBeInstanceOf(Error);
    expect(errors.every((error) => isRetryable(error))).toBe(true);
    expect(proxy.stats()).toMatchObject({
      received: { GetObject: 4 },
      forwarded: { GetObject: 1 },
      faultCount: 3,
      faults: { SlowDown: { GetObject: 1 }, InternalError: { GetObject: 1 }, Reset: { GetObject: 1 } },
      statuses: { 200: 1, 500: 1, 503: 1 },
    });
  });

  test('random faults follow the rates and the seed', async () => {
    proxy.setFaults({ slowDown: 0.5, operations: ['PutObject'] });
    let failed = 0;
    for (let i = 0; i < 40; i++) {
      await client.send(new PutObjectCommand({ Bucket: 'b', Key: `k${i}`, Body: 'x' })).catch(() => failed++);
    }
    await client.send(new GetObjectCommand({ Bucket: 'b', Key: 'k' })).then((r) => r.Body!.transformToByteArray());
    expect(failed).toBeGreaterThan(8);
    expect(failed).toBeLessThan(32);
    expect(proxy.stats().faults.SlowDown).toEqual({ PutObject: failed });
    expect(proxy.stats().forwarded.GetObject).toBe(1);
  });

  test('adds latency to every request', async () => {
    proxy.setLatencyMs(60);
    const start = Date.now();
    await client.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' }));
    expect(Date.now() - start).toBeGreaterThanOrEqual(55);
  });

  test('tracks multipart uploads, including one whose answer a reset after forwarding lost', async () => {
    const raw = (method: string, path: string) => new Promise<number>((resolve) => {
      const request = http.request(`${proxy.endpoint}${path}`, { method }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      });
      request.on('error', () => resolve(-1));
      request.end();
    });
    expect(await raw('POST', '/b/k?uploads')).toBe(200);
    expect(await raw('POST', '/b/k?uploadId=upload-1')).toBe(200);
    proxy.setFaults({ resetMode: 'after', scripted: { CreateMultipartUpload: ['Reset'] } });
    expect(await raw('POST', '/b/k?uploads')).toBe(-1);
    expect(await raw('POST', '/b/k?uploads')).toBe(200);
    expect(await raw('DELETE', '/b/k?uploadId=upload-3')).toBe(204);

    expect(proxy.multipartUploads()).toEqual({
      created: uploads, completed: ['upload-1'], aborted: ['upload-3'], open: ['upload-2'],
    });
  });

  test('close() ends keep-alive connections and stops listening', async () => {
    const other = await startFaultProxy({ target: upstreamUrl });
    const agent = new http.Agent({ keepAlive: true });
    const get = () => new Promise<number>((resolve, reject) => {
      http.get(`${other.endpoint}/b/k`, { agent }, (response) => {
        response.resume();
        response.on('end', () => resolve(response.statusCode ?? 0));
      }).on('error', reject);
    });
    expect(await get()).toBe(200);
    await other.close();
    await expect(get()).rejects.toThrow(/ECONNREFUSED|ECONNRESET|socket hang up/);
    agent.destroy();
  });
});
