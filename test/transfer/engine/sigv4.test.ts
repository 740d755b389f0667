import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { EMPTY_PAYLOAD_SHA256, SigV4Signer, SigningCredentials, escapeUri } from '../../../src/transfer/engine/sigv4';

const KEYS: SigningCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const TEMPORARY: SigningCredentials = { ...KEYS, sessionToken: 'session/token+with=odd chars' };

/** The headers the SDK's SignatureV4 (S3 settings, as the SDK's S3 client uses it) sends for the same request. */
async function sdkHeaders(
  region: string, service: string, method: string, path: string, query: Record<string, string>, headers: Record<string, string>,
  credentials: SigningCredentials, date: Date,
): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials, region, service, sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  const signed = await signer.sign(new HttpRequest({ method, protocol: 'https:', hostname: headers.host, path, query, headers }), { signingDate: date }) as HttpRequest;
  return signed.headers;
}

const CASES: Array<[string, string, string, Record<string, string>, Record<string, string>]> = [
  ['a copy', 'PUT', '/training-bucket/with%20space/and%2Bplus/file%20%281%29.txt', { 'x-id': 'CopyObject' }, {
    'host': 's3.eu-west-1.amazonaws.com',
    'content-length': '0',
    'x-amz-copy-source': 'source-bucket/with%20space/and%2Bplus/file%20%281%29.txt',
    'x-amz-metadata-directive': 'COPY',
    'x-amz-checksum-algorithm': 'CRC64NVME',
    'x-amz-server-side-encryption-aws-kms-key-id': 'arn:aws:kms:eu-west-1:111122223333:key/1234abcd',
  }],
  ['a listing with an awkward prefix and a token', 'GET', '/', {
    'list-type': '2', 'prefix': 'unicode/données/日本語/100%/a=b&c?d#e (1)!*\'~/', 'continuation-token': '1ueGcx/XY+E=', 'encoding-type': 'url',
  }, { host: 'training-bucket.s3.eu-west-1.amazonaws.com' }],
  ['header values with spaces to collapse', 'PUT', '/b/k', {}, { 'host': '127.0.0.1:4566', 'x-amz-meta-note': '  two   spaces\tand a tab  ' }],
];

describe('SigV4Signer signs as the SDK does', () => {
  for (const [name, method, path, query, headers] of CASES) {
    for (const credentials of [KEYS, TEMPORARY]) {
      test(`${name}${credentials.sessionToken ? ', temporary credentials' : ''}`, async () => {
        const date = new Date('2026-11-22T23:59:58.123Z');
        const ours = new SigV4Signer('eu-west-1', 's3').sign(method, path, query, headers, credentials, date);
        expect(ours).toEqual(await sdkHeaders('eu-west-1', 's3', method, path, query, headers, credentials, date));
        expect(ours['x-amz-content-sha256']).toBe(EMPTY_PAYLOAD_SHA256);
      });
    }
  }

  test('the signing key follows the day and the credentials', async () => {
    const signer = new SigV4Signer('us-east-1', 's3');
    const request = CASES[0];
    for (const [credentials, date] of [
      [KEYS, new Date('2026-11-22T23:59:59Z')],
      [KEYS, new Date('2026-11-23T00:00:01Z')], // the next day
      [{ ...KEYS, secretAccessKey: 'rotated' }, new Date('2026-11-23T00:00:02Z')], // renewed credentials
    ] as const) {
      expect(signer.sign(request[1], request[2], request[3], request[4], credentials, date))
        .toEqual(await sdkHeaders('us-east-1', 's3', request[1], request[2], request[3], request[4], credentials, date));
    }
  });

  test('escapeUri keeps RFC 3986 unreserved characters only', () => {
    expect(escapeUri("a b+c/d(e)!*'~._-é")).toBe('a%20b%2Bc%2Fd%28e%29%21%2A%27~._-%C3%A9');
  });
});
