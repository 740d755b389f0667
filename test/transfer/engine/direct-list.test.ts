import { ListObjectsV2Command, S3ClientConfig } from '@aws-sdk/client-s3';
import { CREDENTIALS, RecordingTransport, errorAnswer, lower, recordingSdkClient, resign, signedHeadersOf } from './direct-helpers';
import { createS3Client, isRetryable } from '../../../src/transfer/engine';
import { ListedPage, listPageOf } from '../../../src/transfer/engine/answers';
import { DirectAnswer } from '../../../src/transfer/engine/direct-copy';
import { DirectListObjectsV2, ListInput, directListerOf } from '../../../src/transfer/engine/direct-list';

const XML = '<?xml version="1.0" encoding="UTF-8"?>\n';
const NS = 'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"';

/** A page as S3 writes it (S3 API reference, ListObjectsV2, Response Syntax). */
interface PageOptions {
  readonly truncated?: string;
  readonly token?: string;
  readonly encoding?: string;
  readonly pretty?: boolean;
}

function s3Page(entries: Array<{ key: string; size: number }>, options: PageOptions = {}): string {
  const nl = options.pretty ? '\n  ' : '';
  const contents = entries.map((e) => `${nl}<Contents>${nl}<Key>${e.key}</Key><LastModified>2026-11-20T10:00:00.000Z</LastModified>`
    + '<ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><ChecksumAlgorithm>CRC64NVME</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>'
    + `<Size>${e.size}</Size><Owner><ID>abc</ID><DisplayName>x</DisplayName></Owner><StorageClass>STANDARD</StorageClass>${nl}</Contents>`).join('');
  return `${XML}<ListBucketResult ${NS}>${nl}<Name>lake</Name><Prefix>data%2F</Prefix><KeyCount>${entries.length}</KeyCount><MaxKeys>1000</MaxKeys>`
    + `${options.encoding !== undefined ? `<EncodingType>${options.encoding}</EncodingType>` : ''}`
    + `<IsTruncated>${options.truncated ?? 'false'}</IsTruncated>${options.token !== undefined ? `<NextContinuationToken>${options.token}</NextContinuationToken>` : ''}`
    + `${contents}${nl}<CommonPrefixes><Prefix>data%2Fsub%2F</Prefix></CommonPrefixes>${nl}</ListBucketResult>`;
}

const ok = (body: string) => (): DirectAnswer => ({ statusCode: 200, headers: {}, body });
const INPUT: ListInput = { Bucket: 'lake', Prefix: 'data/', EncodingType: 'url' };

/** The page the SDK's own parser gives for the body, as the engine checks it. */
async function viaSdk(body: string, input: ListInput = INPUT): Promise<ListedPage> {
  const sdk = recordingSdkClient({ region: 'eu-west-1' }, ok(body));
  return listPageOf(await sdk.client.send(new ListObjectsV2Command(input)));
}

/** The page (or the error) the direct path gives, and whether it had the SDK parse the page. */
async function viaDirect(body: string, input: ListInput = INPUT): Promise<{ page: ListedPage | Error; sdkRequests: number; directRequests: number }> {
  const sdk = recordingSdkClient({ region: 'eu-west-1' }, ok(body));
  const transport = new RecordingTransport(ok(body));
  const page = await new DirectListObjectsV2(sdk.client, transport).listPage(input).catch((error: Error) => error);
  return { page, sdkRequests: sdk.sent.length, directRequests: transport.sent.length };
}

const ENDPOINTS: Array<{ name: string; config: S3ClientConfig; region: string }> = [
  { name: 'S3 virtual-hosted (eu-west-1)', config: { region: 'eu-west-1' }, region: 'eu-west-1' },
  { name: 'S3-compatible server, path-style', config: { region: 'us-east-1', endpoint: 'http://127.0.0.1:4566', forcePathStyle: true }, region: 'us-east-1' },
];

const INPUTS: ListInput[] = [
  { Bucket: 'training-bucket', EncodingType: 'url' },
  { Bucket: 'training-bucket', Prefix: 'datasets/corpus/', EncodingType: 'url' },
  { Bucket: 'training-bucket', Prefix: 'with space/and+plus/(1)!*\'~/', ContinuationToken: '1ueGcxLPRx1Tr/XYExHnhbYLgveDs2J/wm36Hy4vbOwM=', EncodingType: 'url' },
  { Bucket: 'training-bucket', Prefix: 'unicode/données/日本語/100%/a=b&c?d#e/', EncodingType: 'url' },
  { Bucket: 'training-bucket', MaxKeys: 3 },
];

describe('DirectListObjectsV2 sends what the SDK sends', () => {
  for (const endpoint of ENDPOINTS) {
    for (const input of INPUTS) {
      test(`${endpoint.name}: ${JSON.stringify(input)}`, async () => {
        const body = s3Page([]);
        const sdk = recordingSdkClient(endpoint.config, ok(body));
        await sdk.client.send(new ListObjectsV2Command(input));
        const transport = new RecordingTransport(ok(body));
        await new DirectListObjectsV2(recordingSdkClient(endpoint.config, ok(body)).client, transport).listPage(input);

        const [sdkRequest] = sdk.sent;
        const [direct] = transport.sent;
        expect(direct.method).toBe(sdkRequest.method);
        expect(direct.protocol).toBe(sdkRequest.protocol);
        expect(direct.hostname).toBe(sdkRequest.hostname);
        expect(direct.port).toBe(sdkRequest.port);
        expect(direct.path).toBe(sdkRequest.path);
        expect(direct.query).toEqual(sdkRequest.query);
        const sdkHeaders = lower(sdkRequest.headers);
        const directHeaders = lower(direct.headers);
        for (const [name, value] of Object.entries(directHeaders)) {
          if (!['authorization', 'x-amz-date'].includes(name)) {
            expect([name, value]).toEqual([name, sdkHeaders[name]]);
          }
        }
        expect(await resign(sdkRequest, endpoint.region)).toBe(sdkHeaders.authorization);
        expect(await resign(direct, endpoint.region)).toBe(directHeaders.authorization);
        expect(signedHeadersOf(direct)).toEqual(expect.arrayContaining(['host', 'x-amz-content-sha256', 'x-amz-date', 'x-amz-security-token']));
        expect(directHeaders['x-amz-security-token']).toBe(CREDENTIALS.sessionToken);
      });
    }
  }

  test('inputs the direct path cannot send are refused instead of dropped', async () => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, ok(s3Page([])));
    await expect(new DirectListObjectsV2(sdk.client, new RecordingTransport(ok(s3Page([])))).listPage({ ...INPUT, Delimiter: '/' } as ListInput))
      .rejects.toThrow('DirectListObjectsV2 does not send Delimiter');
  });
});

/** Keys as S3 writes them URL-encoded (form-style), and as a server that ignores encoding-type writes them raw (XML-escaped). */
const AWKWARD = [
  'data/plain.txt', 'data/with space', 'data/plus+sign', 'data/100%', 'data/x&y<z>"q\'', 'data/données/日本語.bin', 'data/emoji-😀',
  'data/x\r', 'data/x\n', 'data/tab\t', 'data/  ', 'data/&lt;literal&gt;', 'data/%2F', 'data/a/b/c/',
];
const formEncode = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/[!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const xmlEscape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');

describe('DirectListObjectsV2 reads pages as the SDK parses them', () => {
  test('S3\'s URL-encoded keys, sizes, a truncated page and its token: the same page, without the SDK', async () => {
    const body = s3Page(AWKWARD.map((key, i) => ({ key: formEncode(key), size: i * 1000 })), { truncated: 'true', token: 'tok+/=en&amp;x', encoding: 'url' });
    const direct = await viaDirect(body);
    expect(direct).toMatchObject({ sdkRequests: 0, directRequests: 1 });
    expect(direct.page).toEqual(await viaSdk(body));
    expect((direct.page as ListedPage).entries).toHaveLength(AWKWARD.length);
    expect((direct.page as ListedPage).continuationToken).toBe('tok+/=en&x');
  });

  test.each([
    ['pretty-printed', s3Page([{ key: 'data%2Fa', size: 1 }, { key: 'data%2Fb', size: 2 }], { encoding: 'url', pretty: true })],
    ['an empty page', s3Page([], { encoding: 'url' })],
    ['one entry', s3Page([{ key: 'data%2Fonly', size: 0 }], { encoding: 'url' })],
    ['no EncodingType (a server that ignores it), keys XML-escaped', s3Page(AWKWARD.filter((k) => !/[\r\n\t]/.test(k)).map((key) => ({ key: xmlEscape(key), size: 7 })))],
    ['character references', s3Page([{ key: 'data/&#233;t&#xE9;&#x2603;&#8364;', size: 3 }])],
    ['a size of 5 TiB', s3Page([{ key: 'data%2Fbig', size: 5 * 2 ** 40 }], { encoding: 'url' })],
  ])('%s: the same page, without the SDK', async (_what, body) => {
    const direct = await viaDirect(body);
    expect(direct.sdkRequests).toBe(0);
    expect(direct.page).toEqual(await viaSdk(body));
  });

  test.each([
    ['a lone ampersand (not XML)', s3Page([{ key: 'data/a&b', size: 1 }])],
    ['a CDATA section', s3Page([{ key: '<![CDATA[data/a&b]]>', size: 1 }])],
    ['a comment', s3Page([{ key: 'data/a<!-- c -->', size: 1 }])],
    ['an HTML entity (the SDK\'s parser decodes it)', s3Page([{ key: 'data/a&nbsp;b', size: 1 }])],
    ['a raw carriage return in a key', s3Page([{ key: 'data/x\r', size: 1 }])],
    ['a raw line feed alone in a key', s3Page([{ key: '\n', size: 1 }])],
    ['a referenced control character', s3Page([{ key: 'data/x&#13;', size: 1 }])],
    ['a reference above U+FFFF (the SDK\'s parser keeps 16 bits of it)', s3Page([{ key: 'data/&#128512;', size: 1 }])],
    ['a namespace prefix', `${XML}<s3:ListBucketResult xmlns:s3="http://s3.amazonaws.com/doc/2006-03-01/"><s3:IsTruncated>false</s3:IsTruncated></s3:ListBucketResult>`],
    ['attributes on an element', s3Page([{ key: 'data/a', size: 1 }]).replace('<Key>', '<Key xml:space="preserve">')],
    ['an empty-element Key', s3Page([{ key: 'data/a', size: 1 }]).replace('<Key>data/a</Key>', '<Key/>')],
    ['two Keys in one entry', s3Page([{ key: 'data/a</Key><Key>data/b', size: 1 }])],
  ])('%s: the SDK parses the page instead (the same page, or the same refusal)', async (_what, body) => {
    const direct = await viaDirect(body);
    expect(direct).toMatchObject({ sdkRequests: 1, directRequests: 1 });
    const sdk = await viaSdk(body).catch((error: Error) => error);
    expect(direct.page).toEqual(sdk);
    if (sdk instanceof Error) {
      expect((direct.page as Error).message).toBe(sdk.message);
    }
  });
});

describe('DirectListObjectsV2 answers', () => {
  test.each([
    ['without IsTruncated', s3Page([{ key: 'data%2Fa', size: 1 }], { encoding: 'url' }).replace(/<IsTruncated>false<\/IsTruncated>/, ''), 'ListObjectsV2 answered without IsTruncated'],
    ['truncated without a token', s3Page([{ key: 'data%2Fa', size: 1 }], { encoding: 'url', truncated: 'true' }), 'ListObjectsV2 answered IsTruncated without a NextContinuationToken'],
    ['a size that is not a number', s3Page([{ key: 'data%2Fa', size: 1 }], { encoding: 'url' }).replace('<Size>1</Size>', '<Size>one</Size>'), 'ListObjectsV2 answered the object "data%2Fa" with the size "one"'],
    ['an entry without a Key', s3Page([{ key: 'data%2Fa', size: 1 }], { encoding: 'url' }).replace('<Key>data%2Fa</Key>', ''), 'ListObjectsV2 answered an object without a Key (entry 1)'],
  ])('a page %s is a retryable malformed answer', async (_what, body, message) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, ok(body));
    const error = await new DirectListObjectsV2(sdk.client, new RecordingTransport(ok(body))).listPage(INPUT).catch((e) => e);
    expect(error).toMatchObject({ name: 'MalformedAnswer', message });
    expect(isRetryable(error)).toBe(true);
    expect(sdk.sent).toHaveLength(0);
  });

  test('a body cut short is never taken as a page', async () => {
    const body = s3Page([{ key: 'data%2Fa', size: 1 }, { key: 'data%2Fb', size: 2 }], { encoding: 'url', truncated: 'true', token: 't' });
    const cut = body.slice(0, body.indexOf('<Contents>') + 20);
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, ok(cut));
    const outcome = await new DirectListObjectsV2(sdk.client, new RecordingTransport(ok(cut))).listPage(INPUT).catch((e: Error) => e);
    expect(outcome).toBeInstanceOf(Error);
    expect(sdk.sent).toHaveLength(1); // the light reader gave it to the SDK, which refused it too
  });

  test.each([
    [503, 'SlowDown'],
    [500, 'InternalError'],
  ])('HTTP %d %s is a retryable server fault, not sent again', async (status, code) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, ok(s3Page([])));
    const error = await new DirectListObjectsV2(sdk.client, new RecordingTransport(() => errorAnswer(status, code))).listPage(INPUT).catch((e) => e);
    expect(error).toMatchObject({ name: code, $metadata: { httpStatusCode: status } });
    expect(isRetryable(error)).toBe(true);
    expect(sdk.sent).toHaveLength(0);
  });

  test.each([
    [301, 'PermanentRedirect'],
    [403, 'AccessDenied'],
    [404, 'NoSuchBucket'],
  ])('HTTP %d %s is handed to the SDK, which reports it its way', async (status, code) => {
    const sdk = recordingSdkClient({ region: 'eu-west-1' }, () => errorAnswer(status, code));
    const transport = new RecordingTransport(() => errorAnswer(status, code));
    const lister = new DirectListObjectsV2(sdk.client, transport);
    const error = await lister.listPage(INPUT).catch((e) => e);
    expect(error).toMatchObject({ name: code, $metadata: { httpStatusCode: status } });
    expect(isRetryable(error)).toBe(false);
    await lister.listPage(INPUT).catch(() => undefined);
    // After a redirect the bucket's pages go through the SDK only; after a refusal the direct path is tried again.
    expect(transport.sent).toHaveLength(status === 301 ? 1 : 2);
  });

  test('directory buckets always go through the SDK', async () => {
    const body = s3Page([], { encoding: 'url' });
    const sdk = recordingSdkClient({ region: 'us-east-1' }, ok(body));
    const transport = new RecordingTransport(ok(body));
    // (The recording client cannot answer the SDK's CreateSession: only where the request went matters here.)
    await new DirectListObjectsV2(sdk.client, transport).listPage({ ...INPUT, Bucket: 'cache--use1-az4--x-s3' }).catch(() => undefined);
    expect(transport.sent).toHaveLength(0);
    expect(sdk.sent.length).toBeGreaterThan(0);
  });

  test('createS3Client turns the direct listing on by default, off on request', () => {
    const on = createS3Client({ region: 'eu-west-1' });
    const off = createS3Client({ region: 'eu-west-1', directListObjectsV2: false });
    expect(directListerOf(on)).toBeInstanceOf(DirectListObjectsV2);
    expect(directListerOf(off)).toBeUndefined();
    on.destroy();
    off.destroy();
  });
});
