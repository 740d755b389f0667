/**
 * A fault-injecting HTTP proxy in front of a local S3-compatible server (plain Node.js `http`,
 * in the test process, on 127.0.0.1).
 *
 * Each request is classified as an S3 operation and counted; a seeded PRNG decides whether it is
 * answered with 503 SlowDown, 500 InternalError or a connection reset instead of being forwarded.
 * Bodies are streamed both ways. Multipart upload IDs are tracked from the server's answers, so a
 * test can assert that no upload is left open (fauxqs has no ListMultipartUploads).
 */
import * as http from 'http';
import { AddressInfo, Socket } from 'net';

/** The fault kinds the proxy injects. */
export type FaultKind = 'SlowDown' | 'InternalError' | 'Reset';

/**
 * When a reset happens:
 * - `before`: the request never reaches the server (the socket is destroyed at once);
 * - `after`: the server handles the request, then the socket is destroyed instead of answering
 *   (the answer is lost: a CompleteMultipartUpload may have completed, a CreateMultipartUpload
 *   may have created an upload the client never hears of).
 */
export type ResetMode = 'before' | 'after';

/** What fraction of requests get which fault (each in [0, 1]; their sum at most 1). */
export interface FaultRates {
  /** 503 SlowDown. @default 0 */
  readonly slowDown?: number;
  /** 500 InternalError. @default 0 */
  readonly internalError?: number;
  /** Connection reset without an answer. @default 0 */
  readonly reset?: number;
}

/** Which requests may be faulted, and how. */
export interface FaultSettings extends FaultRates {
  /** @default 'before' */
  readonly resetMode?: ResetMode;
  /** Only these operations are faulted. @default - every operation */
  readonly operations?: readonly S3Operation[];
  /** At most this many faults in all, scripted ones included (later requests are forwarded). @default - no limit */
  readonly maxFaults?: number;
  /**
   * Scripted faults, which come before the random ones: the n-th request of an operation (from
   * when the settings are applied) gets the n-th entry (`null`: forwarded, no fault). Once an
   * operation's list is used up, the random rates apply to it again.
   */
  readonly scripted?: Partial<Record<S3Operation, readonly (FaultKind | null)[]>>;
}

/** Options of `startFaultProxy`. */
export interface FaultProxyOptions extends FaultSettings {
  /** The server to forward to, such as `http://127.0.0.1:4566`. */
  readonly target: string;
  /** Seed of the PRNG that picks the faults (same seed, same sequence of decisions). @default 1 */
  readonly seed?: number;
  /** Added latency per request, in milliseconds, before it is forwarded or faulted. @default 0 */
  readonly latencyMs?: number;
}

/** S3 operations the proxy tells apart. */
export type S3Operation =
  | 'ListBuckets' | 'CreateBucket' | 'HeadBucket' | 'DeleteBucket' | 'ListObjectsV2' | 'ListObjects'
  | 'CreateSession' | 'DeleteObjects' | 'PutObject' | 'CopyObject' | 'GetObject' | 'HeadObject'
  | 'GetObjectAttributes' | 'DeleteObject' | 'CreateMultipartUpload' | 'UploadPart' | 'UploadPartCopy'
  | 'CompleteMultipartUpload' | 'AbortMultipartUpload' | 'ListMultipartUploads' | 'ListParts'
  | 'GetObjectTagging' | 'PutObjectTagging' | 'Other';

/** Request counters, by operation. */
export interface ProxyStats {
  /** Requests received. */
  readonly received: Partial<Record<S3Operation, number>>;
  /** Requests forwarded to the server (received minus faults injected before forwarding). */
  readonly forwarded: Partial<Record<S3Operation, number>>;
  /** Forwarded requests the server answered with 2xx (whether or not the answer reached the client). */
  readonly succeeded: Partial<Record<S3Operation, number>>;
  /** Faults injected, by kind and operation. */
  readonly faults: Record<FaultKind, Partial<Record<S3Operation, number>>>;
  /** Total faults injected. */
  readonly faultCount: number;
  /** Status codes of the answers the clients got (faults included; resets are not answers). */
  readonly statuses: Readonly<Record<number, number>>;
}

/** Multipart uploads as the server saw them. */
export interface MultipartUploadTracking {
  /** Upload IDs the server created. */
  readonly created: readonly string[];
  readonly completed: readonly string[];
  readonly aborted: readonly string[];
  /** Created, and neither completed nor aborted (the server still holds their parts). */
  readonly open: readonly string[];
}

/** A running proxy. */
export interface FaultProxy {
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly port: number;
  /** A snapshot of the counters. */
  stats(): ProxyStats;
  /** Multipart uploads created, completed, aborted and still open. */
  multipartUploads(): MultipartUploadTracking;
  /** Zeroes the counters (not the multipart tracking). */
  resetStats(): void;
  /** Changes the faults from now on (the PRNG keeps its sequence). */
  setFaults(settings: FaultSettings): void;
  /** Changes the added latency from now on. */
  setLatencyMs(latencyMs: number): void;
  /** Stops listening, destroys every open socket and upstream request; resolves when closed. */
  close(): Promise<void>;
}

/**
 * A deterministic PRNG (Park and Miller's minimal standard generator, exact in doubles): numbers
 * in [0, 1), the same sequence for the same seed.
 */
export function seededRandom(seed: number): () => number {
  const modulus = 2147483647;
  let state = Math.abs(Math.floor(seed)) % modulus;
  if (state === 0) {
    state = 1;
  }
  return () => {
    state = (state * 48271) % modulus;
    return (state - 1) / (modulus - 1);
  };
}

/**
 * The S3 operation of a path-style request (`/<bucket>` or `/<bucket>/<key>`), from its method,
 * query and headers.
 */
export function classifyS3Request(method: string, url: string, headers: http.IncomingHttpHeaders): S3Operation {
  const parsed = new URL(url, 'http://proxy.invalid');
  const query = parsed.searchParams;
  const segments = parsed.pathname.split('/');
  // ['', bucket, ...key]; a trailing slash after the bucket (`/bucket/`) is bucket-level too.
  const bucket = segments[1] ?? '';
  const key = segments.slice(2).join('/');
  const copySource = headers['x-amz-copy-source'] !== undefined;
  const m = method.toUpperCase();
  if (bucket === '') {
    return m === 'GET' ? 'ListBuckets' : 'Other';
  }
  if (key === '') {
    switch (m) {
      case 'PUT': return query.has('lifecycle') ? 'Other' : 'CreateBucket';
      case 'HEAD': return 'HeadBucket';
      case 'DELETE': return query.has('lifecycle') ? 'Other' : 'DeleteBucket';
      case 'POST': return query.has('delete') ? 'DeleteObjects' : 'Other';
      case 'GET':
        if (query.has('session')) return 'CreateSession';
        if (query.has('uploads')) return 'ListMultipartUploads';
        if (query.get('list-type') === '2') return 'ListObjectsV2';
        if (query.has('lifecycle') || query.has('location') || query.has('versions')) return 'Other';
        return 'ListObjects';
      default: return 'Other';
    }
  }
  switch (m) {
    case 'PUT':
      if (query.has('tagging')) return 'PutObjectTagging';
      if (query.has('uploadId') && query.has('partNumber')) return copySource ? 'UploadPartCopy' : 'UploadPart';
      return copySource ? 'CopyObject' : 'PutObject';
    case 'POST':
      if (query.has('uploads')) return 'CreateMultipartUpload';
      if (query.has('uploadId')) return 'CompleteMultipartUpload';
      return 'Other';
    case 'DELETE': return query.has('uploadId') ? 'AbortMultipartUpload' : 'DeleteObject';
    case 'HEAD': return 'HeadObject';
    case 'GET':
      if (query.has('uploadId')) return 'ListParts';
      if (query.has('attributes')) return 'GetObjectAttributes';
      if (query.has('tagging')) return 'GetObjectTagging';
      return 'GetObject';
    default: return 'Other';
  }
}

const FAULT_ANSWERS: Record<Exclude<FaultKind, 'Reset'>, { status: number; message: string }> = {
  SlowDown: { status: 503, message: 'Please reduce your request rate.' },
  InternalError: { status: 500, message: 'We encountered an internal error. Please try again.' },
};

/** The S3 XML error body of an injected fault. */
export function s3ErrorXml(code: string, message: string, resource: string, requestId: string): string {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return '<?xml version="1.0" encoding="UTF-8"?>\n'
    + `<Error><Code>${code}</Code><Message>${escape(message)}</Message><Resource>${escape(resource)}</Resource>`
    + `<RequestId>${requestId}</RequestId><HostId>fault-proxy</HostId></Error>`;
}

/** Operations whose answers the proxy reads to track multipart uploads. */
const TRACKED: ReadonlySet<S3Operation> = new Set<S3Operation>(['CreateMultipartUpload', 'CompleteMultipartUpload', 'AbortMultipartUpload']);

/** Starts the proxy on 127.0.0.1 and a free port. */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = new URL(options.target);
  if (target.protocol !== 'http:') {
    throw new Error(`the fault proxy forwards to http:// targets only, not ${options.target}`);
  }
  const random = seededRandom(options.seed ?? 1);
  let faults: FaultSettings = validated(options);
  let scripts = scriptQueues(faults);
  let latencyMs = options.latencyMs ?? 0;
  let faultCount = 0;
  let requestCounter = 0;

  const emptyCounts = () => ({
    received: {} as Partial<Record<S3Operation, number>>,
    forwarded: {} as Partial<Record<S3Operation, number>>,
    succeeded: {} as Partial<Record<S3Operation, number>>,
    faults: { SlowDown: {}, InternalError: {}, Reset: {} } as Record<FaultKind, Partial<Record<S3Operation, number>>>,
    statuses: {} as Record<number, number>,
  });
  let counts = emptyCounts();
  const bump = <K extends string | number>(record: Partial<Record<K, number>>, key: K) => {
    record[key] = (record[key] ?? 0) + 1;
  };

  const created = new Set<string>();
  const completed = new Set<string>();
  const aborted = new Set<string>();

  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  const sockets = new Set<Socket>();
  const upstreamRequests = new Set<http.ClientRequest>();
  const timers = new Set<NodeJS.Timeout>();
  let closing = false;

  const pickFault = (operation: S3Operation): FaultKind | undefined => {
    // One draw per request, whatever the settings, so the sequence only depends on the seed.
    const draw = random();
    const script = scripts.get(operation);
    if (script && script.length > 0) {
      return script.shift() ?? undefined;
    }
    if (faults.maxFaults !== undefined && faultCount >= faults.maxFaults) {
      return undefined;
    }
    if (faults.operations && !faults.operations.includes(operation)) {
      return undefined;
    }
    const slowDown = faults.slowDown ?? 0;
    const internalError = faults.internalError ?? 0;
    const reset = faults.reset ?? 0;
    if (draw < slowDown) return 'SlowDown';
    if (draw < slowDown + internalError) return 'InternalError';
    if (draw < slowDown + internalError + reset) return 'Reset';
    return undefined;
  };

  const answerFault = (kind: Exclude<FaultKind, 'Reset'>, req: http.IncomingMessage, res: http.ServerResponse) => {
    const { status, message } = FAULT_ANSWERS[kind];
    const requestId = `FAULT${String(requestCounter).padStart(10, '0')}`;
    const body = s3ErrorXml(kind, message, req.url ?? '/', requestId);
    const send = () => {
      if (res.destroyed) {
        return;
      }
      bump(counts.statuses, status);
      res.writeHead(status, {
        'content-type': 'application/xml',
        'content-length': Buffer.byteLength(body),
        'x-amz-request-id': requestId,
      });
      res.end(body);
    };
    // Read the request body first, as S3 does, so that the client is not cut off mid-upload.
    if (req.readableEnded) {
      send();
    } else {
      req.on('end', send);
      req.on('error', () => res.destroy());
      req.resume();
    }
  };

  const track = (operation: S3Operation, url: string, status: number, body: string) => {
    if (status < 200 || status >= 300) {
      return;
    }
    const uploadId = new URL(url, 'http://proxy.invalid').searchParams.get('uploadId');
    if (operation === 'CreateMultipartUpload') {
      const id = /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1];
      if (id) created.add(id);
    } else if (operation === 'CompleteMultipartUpload') {
      // S3 may answer 200 with an <Error> body: only a result counts as completed.
      if (uploadId && body.includes('<CompleteMultipartUploadResult')) completed.add(uploadId);
    } else if (operation === 'AbortMultipartUpload') {
      if (uploadId) aborted.add(uploadId);
    }
  };

  const forward = (operation: S3Operation, req: http.IncomingMessage, res: http.ServerResponse, resetAfter: boolean) => {
    bump(counts.forwarded, operation);
    const headers = { ...req.headers };
    delete headers.connection;
    delete headers['keep-alive'];
    // The proxy already answered any `Expect: 100-continue` itself; the body is streamed as it comes.
    delete headers.expect;
    const upstream = http.request({
      protocol: 'http:',
      hostname: target.hostname,
      port: target.port,
      method: req.method,
      path: req.url,
      headers,
      agent,
    }, (upstreamRes) => {
      const status = upstreamRes.statusCode ?? 502;
      if (status >= 200 && status < 300) {
        bump(counts.succeeded, operation);
      }
      const tracked = TRACKED.has(operation);
      const chunks: Buffer[] = [];
      if (tracked) {
        upstreamRes.on('data', (chunk: Buffer) => chunks.push(chunk));
      }
      upstreamRes.on('end', () => {
        upstreamRequests.delete(upstream);
        if (tracked) {
          track(operation, req.url ?? '/', status, Buffer.concat(chunks).toString('utf8'));
        }
        if (resetAfter) {
          // The server did the work; the client never hears of it.
          req.socket.destroy();
        }
      });
      upstreamRes.on('error', () => res.destroy());
      if (resetAfter) {
        upstreamRes.resume();
        return;
      }
      bump(counts.statuses, status);
      const responseHeaders = { ...upstreamRes.headers };
      delete responseHeaders.connection;
      delete responseHeaders['keep-alive'];
      res.writeHead(status, responseHeaders);
      upstreamRes.pipe(res);
    });
    upstreamRequests.add(upstream);
    upstream.on('error', () => {
      upstreamRequests.delete(upstream);
      // The server broke the connection: so does the proxy, towards the client.
      res.destroy();
    });
    // The client went away mid-request: stop the upstream request too.
    res.on('close', () => {
      if (!res.writableFinished && !resetAfter) {
        upstream.destroy();
      }
    });
    req.pipe(upstream);
  };

  const handle = (req: http.IncomingMessage, res: http.ServerResponse) => {
    requestCounter++;
    const operation = classifyS3Request(req.method ?? 'GET', req.url ?? '/', req.headers);
    bump(counts.received, operation);
    const fault = pickFault(operation);
    if (fault) {
      faultCount++;
      bump(counts.faults[fault], operation);
    }
    const act = () => {
      if (closing) {
        req.socket.destroy();
        return;
      }
      if (fault === 'Reset') {
        if ((faults.resetMode ?? 'before') === 'after') {
          forward(operation, req, res, true);
        } else {
          req.socket.destroy();
        }
      } else if (fault) {
        answerFault(fault, req, res);
      } else {
        forward(operation, req, res, false);
      }
    };
    if (latencyMs > 0) {
      // Hold the request body until the delay is over (no data is lost: the stream is paused).
      req.pause();
      const timer = setTimeout(() => {
        timers.delete(timer);
        act();
      }, latencyMs);
      timers.add(timer);
    } else {
      act();
    }
  };

  // Idle keep-alive sockets stay open long enough that a client never reuses one the proxy is
  // closing (which would be a connection reset nobody injected); close() destroys them all.
  const server = http.createServer({ keepAliveTimeout: 60_000 }, handle);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that resets mid-request must not crash the test process.
  server.on('clientError', (_error, socket: Socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;

  let closed: Promise<void> | undefined;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    port,
    stats: () => ({
      received: { ...counts.received },
      forwarded: { ...counts.forwarded },
      succeeded: { ...counts.succeeded },
      faults: {
        SlowDown: { ...counts.faults.SlowDown },
        InternalError: { ...counts.faults.InternalError },
        Reset: { ...counts.faults.Reset },
      },
      faultCount,
      statuses: { ...counts.statuses },
    }),
    multipartUploads: () => ({
      created: [...created],
      completed: [...completed],
      aborted: [...aborted],
      open: [...created].filter((id) => !completed.has(id) && !aborted.has(id)),
    }),
    resetStats: () => {
      counts = emptyCounts();
    },
    setFaults: (settings) => {
      faults = validated(settings);
      scripts = scriptQueues(faults);
    },
    setLatencyMs: (ms) => {
      if (!(ms >= 0)) throw new RangeError(`latencyMs must be at least 0, not ${ms}`);
      latencyMs = ms;
    },
    close: () => {
      closed ??= new Promise<void>((resolve) => {
        closing = true;
        timers.forEach((timer) => clearTimeout(timer));
        timers.clear();
        server.close(() => resolve());
        upstreamRequests.forEach((request) => request.destroy());
        sockets.forEach((socket) => socket.destroy());
        agent.destroy();
      });
      return closed;
    },
  };
}

function scriptQueues(settings: FaultSettings): Map<S3Operation, (FaultKind | null)[]> {
  return new Map(Object.entries(settings.scripted ?? {}).map(([operation, list]) => [operation as S3Operation, [...(list ?? [])]]));
}

function validated<T extends FaultSettings>(settings: T): T {
  const rates = [settings.slowDown ?? 0, settings.internalError ?? 0, settings.reset ?? 0];
  if (rates.some((rate) => !(rate >= 0 && rate <= 1)) || rates.reduce((a, b) => a + b, 0) > 1) {
    throw new RangeError(`fault rates must be in [0, 1] and add up to at most 1: ${JSON.stringify(rates)}`);
  }
  return settings;
}
