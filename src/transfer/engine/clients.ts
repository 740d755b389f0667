import * as http from 'http';
import * as https from 'https';
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { DEFAULT_CONCURRENCY } from '../defaults';
import { DirectTransport, enableDirectCopy } from './direct-copy';
import { enableDirectList } from './direct-list';

/** How to reach S3 (or an S3-compatible server). */
export interface S3ClientOptions {
  /** @default - from the environment (AWS_REGION), else us-east-1 */
  readonly region?: string;
  /** An S3-compatible endpoint such as `http://127.0.0.1:4566` (path-style addressing is then used). */
  readonly endpoint?: string;
  /** Sockets per host: at least the engine's concurrency, or requests queue in the HTTP agent. @default 256 */
  readonly maxSockets?: number;
  /**
   * Send CopyObject requests into general purpose buckets without the SDK's middleware stack (same
   * endpoint, credentials and signer as the SDK; any answer other than success or a server fault
   * goes through the SDK again). About half the CPU per small-object copy.
   * @default true
   */
  readonly directCopyObject?: boolean;
  /**
   * Send ListObjectsV2 requests to general purpose buckets without the SDK's middleware stack, and
   * read the pages with a light reader of S3's listing XML (same endpoint, credentials and signer as
   * the SDK; an answer other than success or a server fault, or a page in another shape, goes
   * through the SDK again).
   * @default true
   */
  readonly directListObjectsV2?: boolean;
  /** The credentials to sign with. @default - the SDK's default credential chain */
  readonly credentials?: S3ClientConfig['credentials'];
}

/**
 * An S3 client for the copy engine: keep-alive sockets sized to the concurrency, and no SDK
 * retries (the engine retries each request itself, with backoff and jitter, and reports give-ups).
 */
export function createS3Client(options: S3ClientOptions = {}): S3Client {
  const maxSockets = options.maxSockets ?? DEFAULT_CONCURRENCY;
  const httpAgent = new http.Agent({ keepAlive: true, maxSockets });
  const httpsAgent = new https.Agent({ keepAlive: true, maxSockets });
  const requestTimeoutMs = 120_000;
  const client = new S3Client({
    region: options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
    endpoint: options.endpoint,
    forcePathStyle: options.endpoint !== undefined,
    ...(options.credentials ? { credentials: options.credentials } : {}),
    maxAttempts: 1,
    // The handler chain of each command type is built once instead of on every request: a third
    // less CPU per small-object copy (measured; the engine adds no per-command middleware).
    cacheMiddleware: true,
    requestHandler: new NodeHttpHandler({
      httpAgent,
      httpsAgent,
      connectionTimeout: 10_000,
      requestTimeout: requestTimeoutMs,
    }),
  });
  const transport = new DirectTransport(httpAgent, httpsAgent, requestTimeoutMs);
  if (options.directCopyObject ?? true) {
    enableDirectCopy(client, transport);
  }
  if (options.directListObjectsV2 ?? true) {
    enableDirectList(client, transport);
  }
  return client;
}
