import { ListObjectsV2Command, ListObjectsV2CommandInput, S3Client } from '@aws-sdk/client-s3';
import { HttpRequest } from '@smithy/core/transport';
import { ListedPage, listPageOf } from './answers';
import { DirectPath, DirectTransport, resolveBucketEndpoint, serverFault } from './direct-copy';
import { scanListObjectsV2 } from './list-xml';

/** The ListObjectsV2 inputs the direct path sends (the engine sends all but MaxKeys). */
export type ListInput = Pick<ListObjectsV2CommandInput, 'Bucket' | 'Prefix' | 'ContinuationToken' | 'EncodingType' | 'MaxKeys'>;

/**
 * ListObjectsV2 without the SDK's middleware stack and XML parser, for the engine's listings (see
 * DirectCopyObject for the approach): the same endpoint, credentials and signer as the SDK, a
 * GET request with the SDK's query, and the page read by `scanListObjectsV2` (list-xml.ts) and
 * checked by `listPageOf`, as the SDK path's pages are. A server fault is thrown as the SDK would
 * name it (the engine retries it); any other answer that is not a success (a redirect to another
 * Region, a skewed clock, access denied, no such bucket...), and a page in a shape the light reader
 * does not read, are sent again through the SDK, which handles or reports them its way.
 */
export class DirectListObjectsV2 {
  private readonly path: DirectPath;

  public constructor(private readonly client: S3Client, transport: DirectTransport) {
    this.path = new DirectPath(client, transport, (bucket) => resolveBucketEndpoint(client, bucket, 'ListObjectsV2'));
  }

  /** One page of the listing, checked (a MalformedAnswerError for a page that cannot be trusted). */
  public async listPage(input: ListInput): Promise<ListedPage> {
    const unsupported = Object.keys(input).filter((name) => !LIST_INPUTS.has(name) && input[name as keyof ListInput] !== undefined);
    if (unsupported.length > 0) {
      throw new Error(`DirectListObjectsV2 does not send ${unsupported.join(', ')}`);
    }
    const endpoint = await this.path.endpointOf(input.Bucket!);
    if (!endpoint) {
      return this.viaSdk(input);
    }
    // The SDK's query for these inputs (an empty prefix is not sent, as the engine leaves it undefined).
    const query: Record<string, string> = { 'list-type': '2' };
    if (input.ContinuationToken !== undefined) {
      query['continuation-token'] = input.ContinuationToken;
    }
    if (input.EncodingType !== undefined) {
      query['encoding-type'] = input.EncodingType;
    }
    if (input.Prefix !== undefined) {
      query.prefix = input.Prefix;
    }
    if (input.MaxKeys !== undefined) {
      query['max-keys'] = String(input.MaxKeys);
    }
    const request = new HttpRequest({
      method: 'GET',
      protocol: endpoint.url.protocol,
      hostname: endpoint.url.hostname,
      port: endpoint.url.port ? Number(endpoint.url.port) : undefined,
      path: endpoint.basePath,
      query,
      headers: { host: endpoint.url.host },
    });
    const answer = await this.path.send(endpoint, request);
    const fault = serverFault(answer);
    if (fault) {
      throw fault;
    }
    if (answer.statusCode !== 200) {
      this.path.afterRefusal(input.Bucket!, answer);
      return this.viaSdk(input);
    }
    const page = scanListObjectsV2(answer.body);
    return page === undefined ? this.viaSdk(input) : listPageOf(page);
  }

  private async viaSdk(input: ListInput): Promise<ListedPage> {
    return listPageOf(await this.client.send(new ListObjectsV2Command(input)));
  }
}

/** The inputs the direct path sends; anything else is a programming error. */
const LIST_INPUTS = new Set(['Bucket', 'Prefix', 'ContinuationToken', 'EncodingType', 'MaxKeys']);

const directListers = new WeakMap<S3Client, DirectListObjectsV2>();

/** Makes `directListerOf(client)` return a direct ListObjectsV2 path on these sockets. */
export function enableDirectList(client: S3Client, transport: DirectTransport): void {
  directListers.set(client, new DirectListObjectsV2(client, transport));
}

/** The direct ListObjectsV2 path of a client made by `createS3Client`, or undefined for other clients. */
export function directListerOf(client: S3Client): DirectListObjectsV2 | undefined {
  return directListers.get(client);
}
