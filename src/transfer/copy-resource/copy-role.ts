/**
 * The copy's own role, as the shared copy functions use it: every DatasetCopy of a stack is run by
 * the same two functions, whose role may only assume the roles of the stack's copies; each copy's
 * S3 and S3 Control requests are made with the credentials of that copy's role (its ARN is the
 * resource property `CopyRoleArn`), so IAM scopes each copy to its own prefixes.
 *
 * AssumeRole is one signed GET of the STS Query API, parameters in the query string as in the STS
 * API Reference's sample request (https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html),
 * answered in XML: the library bundles no STS client, so this uses the SDK's SigV4 signer, the
 * function's own credentials and the Region's STS endpoint.
 */
import * as http from 'http';
import * as https from 'https';
import { Sha256 } from '@smithy/core/checksum';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';

/** Credentials as the AWS SDK takes them. */
export interface RoleCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
  readonly expiration?: Date;
}

/** An STS answer. */
export interface StsAnswer {
  readonly statusCode: number;
  readonly body: string;
}

/** Sends a signed request to `url` (origin of the STS endpoint) and returns the answer. */
export type StsSend = (url: URL, request: HttpRequest) => Promise<StsAnswer>;

/** How to reach STS. */
export interface AssumeRoleOptions {
  /** The Region whose STS endpoint is called (the function's Region). */
  readonly region: string;
  /** The caller's own credentials (the function's role). */
  readonly credentials: () => Promise<RoleCredentials>;
  /** @default - HTTPS with Node.js */
  readonly send?: StsSend;
  /** @default - the Region's STS endpoint (see {@link stsEndpoint}) */
  readonly endpoint?: string;
  /** @default Date.now */
  readonly now?: () => number;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * Session length asked for: role chaining (a Lambda function's role assuming another role) allows
 * at most one hour, which is also STS's default (STS API Reference, AssumeRole, DurationSeconds:
 * https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html).
 */
export const SESSION_SECONDS = 3600;

/** Attempts of one AssumeRole call: throttling, server faults and a trust not yet visible are retried. */
export const ASSUME_ATTEMPTS = 6;

/**
 * The Region's STS endpoint: `https://sts.<region>.amazonaws.com`, `.amazonaws.com.cn` in China
 * (IAM User Guide, "AWS STS Regions and endpoints":
 * https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_temp_region-endpoints.html).
 */
export function stsEndpoint(region: string): string {
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region) || /^[a-z]{2}-iso/.test(region)) {
    throw new Error(`no STS endpoint known for Region ${JSON.stringify(region)}: the copy functions support the aws, aws-cn and aws-us-gov partitions`);
  }
  return `https://sts.${region}.${region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com'}`;
}

/**
 * A RoleSessionName for CloudTrail: `DatasetCopy-<logical ID>`, cut to 64 characters of
 * `[\w+=,.@-]` (STS API Reference, AssumeRole, RoleSessionName).
 */
export function sessionName(logicalResourceId: string): string {
  return `DatasetCopy-${logicalResourceId}`.replace(/[^\w+=,.@-]/g, '-').slice(0, 64);
}

/** Calls STS AssumeRole for the role and returns the session's credentials. */
export async function assumeRole(roleArn: string, roleSessionName: string, options: AssumeRoleOptions): Promise<RoleCredentials> {
  const url = new URL(options.endpoint ?? stsEndpoint(options.region));
  const send = options.send ?? sendHttps;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const signer = new SignatureV4({ credentials: options.credentials, region: options.region, service: 'sts', sha256: Sha256 });
  let failure: Error | undefined;
  for (let attempt = 1; attempt <= ASSUME_ATTEMPTS; attempt++) {
    const request = new HttpRequest({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port ? Number(url.port) : undefined,
      path: '/',
      headers: { host: url.host },
      query: {
        Action: 'AssumeRole',
        Version: '2011-06-15',
        RoleArn: roleArn,
        RoleSessionName: roleSessionName,
        DurationSeconds: String(SESSION_SECONDS),
      },
    });
    const signed = await signer.sign(request, { signingDate: new Date(now()) }) as HttpRequest;
    let answer: StsAnswer;
    try {
      answer = await send(url, signed);
    } catch (error) {
      failure = new Error(`STS AssumeRole ${roleArn}: ${(error as Error).message}`);
      await sleep(backoffMs(attempt));
      continue;
    }
    if (answer.statusCode === 200) {
      return parseCredentials(answer.body, roleArn);
    }
    const code = xmlText(answer.body, 'Code') ?? `HTTP ${answer.statusCode}`;
    failure = new Error(`STS AssumeRole ${roleArn} failed: ${code}: ${xmlText(answer.body, 'Message') ?? answer.body.slice(0, 300)}`);
    if (!retryable(answer.statusCode, code)) {
      throw failure;
    }
    await sleep(backoffMs(attempt));
  }
  throw failure!;
}

/**
 * Retried: server faults, throttling, and AccessDenied, because a role, its trust policy or the
 * caller's permission created moments before by the same deployment may not be visible yet (IAM is
 * eventually consistent: https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 */
function retryable(statusCode: number, code: string): boolean {
  return statusCode >= 500 || code === 'Throttling' || code === 'RequestLimitExceeded' || code === 'AccessDenied';
}

/** 1, 2, 4, 8, 16 seconds: about half a minute in all. */
function backoffMs(attempt: number): number {
  return 1000 * 2 ** (attempt - 1);
}

/** The Credentials of an AssumeRoleResponse (STS Query API, XML). */
export function parseCredentials(xml: string, roleArn: string): RoleCredentials {
  const credentials = xmlText(xml, 'Credentials');
  const accessKeyId = credentials && xmlText(credentials, 'AccessKeyId');
  const secretAccessKey = credentials && xmlText(credentials, 'SecretAccessKey');
  const sessionToken = credentials && xmlText(credentials, 'SessionToken');
  const expiration = credentials && xmlText(credentials, 'Expiration');
  if (!accessKeyId || !secretAccessKey || !sessionToken || !expiration || Number.isNaN(Date.parse(expiration))) {
    throw new Error(`STS AssumeRole ${roleArn}: no credentials in the answer`);
  }
  return { accessKeyId, secretAccessKey, sessionToken, expiration: new Date(expiration) };
}

/** The text of the first element with this name, entities decoded. */
function xmlText(xml: string, element: string): string | undefined {
  const match = new RegExp(`<${element}>([\\s\\S]*?)</${element}>`).exec(xml);
  return match?.[1]
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, '\'').replace(/&amp;/g, '&');
}

/** Renews credentials this long before they expire. */
export const REFRESH_BEFORE_MS = 5 * 60_000;

/**
 * A credential provider for the role: assumes it on first use and again when the session is within
 * five minutes of its end; concurrent callers share one AssumeRole call.
 */
export function roleCredentialProvider(assume: () => Promise<RoleCredentials>, now: () => number = Date.now): () => Promise<RoleCredentials> {
  let current: Promise<RoleCredentials> | undefined;
  return async () => {
    if (current) {
      const credentials = await current.catch(() => undefined);
      if (credentials && (credentials.expiration === undefined || credentials.expiration.getTime() - now() > REFRESH_BEFORE_MS)) {
        return credentials;
      }
    }
    const pending = assume();
    current = pending;
    return pending;
  };
}

/**
 * The function's own credentials: Lambda puts its execution role's credentials in
 * AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN (Lambda Developer Guide, defined
 * runtime environment variables:
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 */
export async function lambdaCredentials(env: NodeJS.ProcessEnv = process.env): Promise<RoleCredentials> {
  const accessKeyId = env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey) {
    throw new Error('no AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment');
  }
  return { accessKeyId, secretAccessKey, sessionToken: env.AWS_SESSION_TOKEN };
}

/**
 * Clients per copy role and Region, for the Lambda entry point: each copy's requests use that
 * copy's role, and warm invocations reuse clients and sessions.
 */
export class CopyRoleClients<S3, Control> {
  private readonly providers = new Map<string, () => Promise<RoleCredentials>>();
  private readonly s3Clients = new Map<string, S3>();
  private readonly controlClients = new Map<string, Control>();

  public constructor(private readonly factories: {
    /** An S3 client for a Region with these credentials. */
    readonly s3: (region: string, credentials: () => Promise<RoleCredentials>) => S3;
    /** An S3 Control client for a Region with these credentials. */
    readonly s3control: (region: string, credentials: () => Promise<RoleCredentials>) => Control;
    /** Assumes a role. */
    readonly assume: (roleArn: string, roleSessionName: string) => Promise<RoleCredentials>;
    readonly now?: () => number;
  }) {}

  /** An S3 client that makes requests as the role. */
  public s3(roleArn: string, logicalResourceId: string, region: string): S3 {
    return this.client(this.s3Clients, roleArn, logicalResourceId, region, this.factories.s3);
  }

  /** An S3 Control client that makes requests as the role. */
  public s3control(roleArn: string, logicalResourceId: string, region: string): Control {
    return this.client(this.controlClients, roleArn, logicalResourceId, region, this.factories.s3control);
  }

  private client<C>(cache: Map<string, C>, roleArn: string, logicalResourceId: string, region: string,
    create: (region: string, credentials: () => Promise<RoleCredentials>) => C): C {
    const id = `${roleArn} ${region}`;
    let client = cache.get(id);
    if (!client) {
      let provider = this.providers.get(roleArn);
      if (!provider) {
        provider = roleCredentialProvider(() => this.factories.assume(roleArn, sessionName(logicalResourceId)), this.factories.now);
        this.providers.set(roleArn, provider);
      }
      client = create(region, provider);
      cache.set(id, client);
    }
    return client;
  }
}

/** Sends a signed request with Node.js (HTTPS, or HTTP for a local endpoint). */
export function sendHttps(url: URL, request: HttpRequest): Promise<StsAnswer> {
  const query = Object.entries(request.query ?? {})
    .map(([name, value]) => `${escape(name)}=${escape(String(value))}`).join('&');
  const transport = url.protocol === 'http:' ? http : https;
  return new Promise<StsAnswer>((resolve, reject) => {
    const outgoing = transport.request({
      method: request.method,
      hostname: request.hostname,
      port: request.port,
      path: `${request.path}?${query}`,
      headers: request.headers,
    }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ statusCode: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    outgoing.setTimeout(10_000, () => outgoing.destroy(new Error('no answer from STS within 10 seconds')));
    outgoing.on('error', reject);
    outgoing.end();
  });
}

/** RFC 3986 escaping, as SigV4 canonicalizes the query. */
function escape(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** The part of a custom resource event that names the copy and its role. */
export interface CopyRoleEvent {
  readonly LogicalResourceId: string;
  readonly ResourceProperties: { readonly CopyRoleArn?: string };
}

/**
 * The S3 and S3 Control clients of one event: they act as the event's copy role. A client is asked
 * for only when a request is made (a Delete makes none), and without `CopyRoleArn` it is refused:
 * the shared functions never act as themselves on S3.
 */
export function copyRoleClientsFor<S3, Control>(event: CopyRoleEvent, clients: CopyRoleClients<S3, Control>): {
  readonly s3: (region: string) => S3;
  readonly s3control: (region: string) => Control;
} {
  const role = (): string => {
    const arn = event.ResourceProperties.CopyRoleArn;
    if (!arn) {
      throw new Error(`${event.LogicalResourceId}: no CopyRoleArn in the resource properties: the copy functions act only as a copy's own role`);
    }
    return arn;
  };
  return {
    s3: (region) => clients.s3(role(), event.LogicalResourceId, region),
    s3control: (region) => clients.s3control(role(), event.LogicalResourceId, region),
  };
}
