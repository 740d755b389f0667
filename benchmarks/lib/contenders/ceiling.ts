/**
 * The ceiling: what the server (and the proxy in front of it) can take, measured in this process on
 * warm keep-alive connections: HTTP PUTs with `x-amz-copy-source` and no SDK at all (bare, or with
 * a signed request's headers and a fixed signature: fauxqs does not check signatures), raw SDK
 * CopyObject requests, and for large objects UploadPartCopy with every part in flight.
 *
 * Also the ceiling as a fresh process (ceiling-process-main.ts): the same bare requests from a
 * Node.js process started for each copy, which lists the prefix itself.
 */
import { execFileSync } from 'child_process';
import * as http from 'http';
import * as path from 'path';
import {
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  S3Client,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { LOCAL_S3_CREDENTIALS, LOCAL_S3_REGION } from '../../../test/support/s3-local';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, REPO, SOURCE_BUCKET } from '../common';
import { runCommand } from '../processes';
import { Workload } from '../workloads';

/**
 * A client for the ceiling: no socket limit, no SDK retries (a failure shows). Free sockets are
 * kept without limit too: with the agent's default `maxFreeSockets` (256), every run with 2,000
 * requests in flight would open 1,744 new connections (measured) and queue in the listen backlog.
 */
export function unlimitedClient(endpoint: string): S3Client {
  return new S3Client({
    endpoint,
    region: LOCAL_S3_REGION,
    forcePathStyle: true,
    credentials: { ...LOCAL_S3_CREDENTIALS },
    maxAttempts: 1,
    // As in the engine's createS3Client: the handler chain is built once per command type.
    cacheMiddleware: true,
    requestHandler: new NodeHttpHandler({
      httpAgent: new http.Agent({ keepAlive: true, maxSockets: Infinity, maxFreeSockets: Infinity }),
      connectionTimeout: 10_000,
      requestTimeout: 300_000,
    }),
  });
}

/** Runs `task` for every item, `inFlight` at a time. */
export async function inFlight<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      await task(items[next++]);
    }
  }));
}

/** Ceiling: CopyObject for every object, `limit` in flight (all at once by default). */
export function ceilingCopyObject(client: S3Client, workload: Workload, keys: readonly string[], limit = keys.length): CopyTask {
  return (destinationPrefix) => inFlight(keys, limit, async (key) => {
    await client.send(new CopyObjectCommand({
      Bucket: DESTINATION_BUCKET,
      Key: destinationPrefix + key,
      CopySource: `${SOURCE_BUCKET}/${workload.prefix}${key}`,
      MetadataDirective: 'COPY',
    }));
  });
}

/**
 * The headers of a SigV4-signed CopyObject (as the SDK and the engine send them), with a fixed
 * signature: fauxqs does not check signatures, and the client spends no CPU on signing.
 */
const SIGNED_SHAPE_HEADERS = {
  'x-amz-date': '20261122T000000Z',
  'x-amz-content-sha256': 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  'authorization': 'AWS4-HMAC-SHA256 Credential=test/20261122/us-east-1/s3/aws4_request, '
    + 'SignedHeaders=content-length;host;x-amz-content-sha256;x-amz-copy-source;x-amz-date;x-amz-metadata-directive, '
    + `Signature=${'0'.repeat(64)}`,
};

/**
 * CopyObject requests over plain HTTP (no SDK), `limit` in flight: bare (no authentication headers
 * at all), or with the headers of a signed request and a fixed signature.
 */
export function rawHttpCopyObject(
  endpoint: string, agent: http.Agent, workload: Workload, keys: readonly string[], limit: number, signedShape: boolean,
): CopyTask {
  const query = signedShape ? '?x-id=CopyObject' : '';
  const copy = (destinationKey: string, source: string) => new Promise<void>((resolve, reject) => {
    const headers = { 'x-amz-copy-source': source, 'x-amz-metadata-directive': 'COPY', 'content-length': 0, ...(signedShape ? SIGNED_SHAPE_HEADERS : {}) };
    const request = http.request(`${endpoint}/${DESTINATION_BUCKET}/${destinationKey}${query}`, { method: 'PUT', agent, headers }, (response) => {
      response.resume();
      response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`CopyObject answered HTTP ${response.statusCode}`))));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
  return (destinationPrefix) => inFlight(keys, limit, (key) => copy(destinationPrefix + key, `${SOURCE_BUCKET}/${workload.prefix}${key}`));
}

/** Ceiling: multipart copies with every UploadPartCopy of every object in flight at once. */
export function ceilingUploadPartCopy(client: S3Client, workload: Workload, keys: readonly string[], partBytes: number): CopyTask {
  return async (destinationPrefix) => {
    const uploads = await Promise.all(keys.map(async (key) => {
      const created = await client.send(new CreateMultipartUploadCommand({ Bucket: DESTINATION_BUCKET, Key: destinationPrefix + key }));
      return { key, uploadId: created.UploadId! };
    }));
    const parts = uploads.flatMap((upload) => {
      const ranges = [];
      for (let start = 0, partNumber = 1; start < workload.sizeBytes; start += partBytes, partNumber++) {
        ranges.push({ ...upload, partNumber, start, end: Math.min(start + partBytes, workload.sizeBytes) - 1 });
      }
      return ranges;
    });
    const etags = await Promise.all(parts.map(async (part) => {
      const answer = await client.send(new UploadPartCopyCommand({
        Bucket: DESTINATION_BUCKET,
        Key: destinationPrefix + part.key,
        UploadId: part.uploadId,
        PartNumber: part.partNumber,
        CopySource: `${SOURCE_BUCKET}/${workload.prefix}${part.key}`,
        CopySourceRange: `bytes=${part.start}-${part.end}`,
      }));
      return { ...part, etag: answer.CopyPartResult?.ETag };
    }));
    await Promise.all(uploads.map((upload) => client.send(new CompleteMultipartUploadCommand({
      Bucket: DESTINATION_BUCKET,
      Key: destinationPrefix + upload.key,
      UploadId: upload.uploadId,
      MultipartUpload: {
        Parts: etags.filter((p) => p.uploadId === upload.uploadId).map((p) => ({ PartNumber: p.partNumber, ETag: p.etag })),
      },
    }))));
  };
}

/** Bundles ceiling-process-main.ts into `folder` (esbuild, as the engine's command line); returns the bundle's path. */
export function bundleCeilingProcess(folder: string): string {
  const outfile = path.join(folder, 'ceiling-process', 'index.js');
  execFileSync(path.join(REPO, 'node_modules', '.bin', 'esbuild'), [
    '--bundle', path.join(__dirname, 'ceiling-process-main.ts'), '--target=node20', '--platform=node', `--outfile=${outfile}`, '--log-level=warning',
  ], { cwd: REPO, stdio: ['ignore', 'ignore', 'inherit'], timeout: 60_000 });
  return outfile;
}

/** Ceiling, fresh process: `node <bundle>` lists the prefix and copies it with bare HTTP requests, `limit` in flight. */
export function ceilingProcessCopy(bundle: string, endpoint: string, workload: Workload, limit: number): CopyTask {
  return async (destinationPrefix) => {
    const { stdout } = await runCommand(process.execPath, [
      bundle, endpoint, SOURCE_BUCKET, workload.prefix, DESTINATION_BUCKET, destinationPrefix, String(limit),
    ], { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8' });
    const result = JSON.parse(stdout.trim() || '{}') as { copied?: number };
    if (result.copied !== workload.count) {
      throw new Error(`the ceiling process copied ${result.copied} of ${workload.count} objects`);
    }
  };
}
