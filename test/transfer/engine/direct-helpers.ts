/** Shared by the direct path tests: a recording SDK client, a recording transport, and a reference signer. */
import * as http from 'http';
import * as https from 'https';
import { Readable } from 'stream';
import { S3Client, S3ClientConfig } from '@aws-sdk/client-s3';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest, HttpResponse } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import { DirectAnswer, DirectTransport } from '../../../src/transfer/engine/direct-copy';

export const CREDENTIALS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

/** An S3 client whose requests are recorded and answered as told, never sent. */
export function recordingSdkClient(config: S3ClientConfig, answer: () => DirectAnswer): { client: S3Client; sent: HttpRequest[] } {
  const sent: HttpRequest[] = [];
  const client = new S3Client({
    ...config,
    credentials: CREDENTIALS,
    maxAttempts: 1,
    requestHandler: {
      handle: async (request: HttpRequest) => {
        sent.push(request);
        const a = answer();
        const body = Readable.from([Buffer.from(a.body)]);
        return { response: new HttpResponse({ statusCode: a.statusCode, headers: a.headers as Record<string, string>, body }) };
      },
    },
  });
  return { client, sent };
}

/** A transport that records the direct path's requests and answers them as told. */
export class RecordingTransport extends DirectTransport {
  public readonly sent: HttpRequest[] = [];
  public constructor(private readonly answer: () => DirectAnswer | Promise<DirectAnswer>) {
    super(new http.Agent(), new https.Agent(), 1000);
  }
  public override async send(protocol: string, request: HttpRequest): Promise<DirectAnswer> {
    this.sent.push(HttpRequest.clone({ ...request, protocol } as HttpRequest));
    return this.answer();
  }
}

export function errorAnswer(statusCode: number, code: string): DirectAnswer {
  return { statusCode, headers: { 'x-amz-request-id': 'REQ1' }, body: `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code} happened</Message></Error>` };
}

export function lower(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

export function signedHeadersOf(request: HttpRequest): string[] {
  return /SignedHeaders=([^,]+)/.exec(lower(request.headers).authorization)![1].split(';');
}

/** Signs a recorded request again, with only the headers it signed, at its own x-amz-date. */
export async function resign(request: HttpRequest, region: string): Promise<string> {
  const headers = lower(request.headers);
  const keep = signedHeadersOf(request).filter((name) => name !== 'x-amz-date' && name !== 'x-amz-security-token' && name !== 'x-amz-content-sha256');
  const bare = new HttpRequest({
    method: request.method,
    protocol: request.protocol,
    hostname: request.hostname,
    port: request.port,
    path: request.path,
    query: request.query,
    headers: Object.fromEntries(keep.map((name) => [name, headers[name]])),
  });
  const date = headers['x-amz-date'];
  const signingDate = new Date(`${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T${date.slice(9, 11)}:${date.slice(11, 13)}:${date.slice(13, 15)}Z`);
  const reference = new SignatureV4({ credentials: CREDENTIALS, region, service: 's3', sha256: Sha256, uriEscapePath: false, applyChecksum: true });
  const signed = await reference.sign(bare, { signingDate }) as HttpRequest;
  return lower(signed.headers).authorization;
}

