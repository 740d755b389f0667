/**
 * The benchmark's latency proxy, in its own process (so that its CPU time is not taken from the
 * copy engine's event loop, and so that a contender blocking its own process cannot stall it).
 *
 * It runs `startFaultProxy` from test/support/s3-local (no faults, only added latency) in front of
 * the local S3 server and is driven with JSON lines on stdin:
 *
 * - `{"id":1,"cmd":"latency","ms":30}`: sets the added latency per request;
 * - `{"id":2,"cmd":"stats"}`: answers the request counters (by S3 operation), the times (epoch
 *   milliseconds) of the first request and of the last answer, and the connections opened, since
 *   the last `stats`, and resets them.
 *
 * It prints `{"endpoint":"http://127.0.0.1:<port>"}` once listening, answers `{"id":n,...}` lines,
 * and stops when stdin closes (the benchmark ended or died), on SIGTERM or on SIGINT.
 *
 * fauxqs has no object tagging: it answers `GET /<bucket>/<key>?tagging` with the object's bytes,
 * which the AWS CLI (default `--copy-props default`) asks for before each multipart copy. This
 * process answers that request itself, after the same added latency, with an empty tag set, as S3
 * does for an object without tags.
 *
 * fauxqs also reads the part ETags of a CompleteMultipartUpload body with a regular expression that
 * decodes only the five named XML entities (`&quot;` and the like), while rclone (Go's encoding/xml)
 * writes the quotes around each ETag as the numeric reference `&#34;`, equally valid XML, which S3
 * reads: fauxqs then finds no such part ("InvalidPart"). This process rewrites the numeric
 * references of `"` and `'` in those bodies (a few hundred bytes) to the named ones before
 * forwarding them.
 */
import http from 'http';
import { performance } from 'perf_hooks';
import * as readline from 'readline';
import { Readable } from 'stream';
import { FaultProxy, startFaultProxy } from '../test/support/s3-local/fault-proxy';

/** Requests this process answers itself (not counted by the fault proxy). */
let taggingRequests = 0;
let latencyMs = 0;
/** Since the last `stats`: when the first request came and the last answer left, and connections opened. */
let firstRequestAt: number | undefined;
let lastAnswerAt: number | undefined;
let connections = 0;

/** Epoch milliseconds, with the fractions of performance.now() (the benchmark compares them with its own). */
const now = () => performance.timeOrigin + performance.now();

const EMPTY_TAGGING = '<?xml version="1.0" encoding="UTF-8"?>\n'
  + '<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet></TagSet></Tagging>';

function isGetObjectTagging(req: http.IncomingMessage): boolean {
  if (req.method !== 'GET' || req.url === undefined) {
    return false;
  }
  const url = new URL(req.url, 'http://proxy.invalid');
  // `/<bucket>/<key>?tagging`: object tagging (a bucket's tagging is never asked for).
  return url.searchParams.has('tagging') && url.pathname.split('/').length > 2;
}

/** `POST /<bucket>/<key>?uploadId=...`: CompleteMultipartUpload. */
function isCompleteMultipartUpload(req: http.IncomingMessage): boolean {
  if (req.method !== 'POST' || req.url === undefined) {
    return false;
  }
  return new URL(req.url, 'http://proxy.invalid').searchParams.has('uploadId');
}

/** The request with its body read and the numeric references of `"` and `'` made named ones. */
async function withNamedEntities(req: http.IncomingMessage): Promise<http.IncomingMessage> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.from(Buffer.concat(chunks).toString('utf8')
    .replace(/&#(34|x22);/gi, '&quot;')
    .replace(/&#(39|x27);/gi, '&apos;'), 'utf8');
  const headers = { ...req.headers, 'content-length': String(body.length) };
  return Object.assign(Readable.from([body]), {
    method: req.method, url: req.url, headers, socket: req.socket,
  }) as unknown as http.IncomingMessage;
}

/** Wraps the request listener of the next `http.createServer` call (the fault proxy's). */
function answerTaggingOnce(): () => void {
  const original = http.createServer;
  const wrapped = ((...args: unknown[]) => {
    const index = args.findIndex((arg) => typeof arg === 'function');
    if (index >= 0) {
      const handler = args[index] as http.RequestListener;
      args[index] = (req: http.IncomingMessage, res: http.ServerResponse) => {
        firstRequestAt ??= now();
        res.once('finish', () => {
          lastAnswerAt = now();
        });
        if (isCompleteMultipartUpload(req)) {
          withNamedEntities(req).then((rewritten) => handler(rewritten, res), () => res.destroy());
          return;
        }
        if (!isGetObjectTagging(req)) {
          handler(req, res);
          return;
        }
        taggingRequests++;
        setTimeout(() => {
          if (!res.destroyed) {
            res.writeHead(200, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(EMPTY_TAGGING) });
            res.end(EMPTY_TAGGING);
          }
        }, latencyMs);
      };
    }
    const server = (original as (...a: unknown[]) => http.Server)(...args);
    server.on('connection', () => {
      connections++;
    });
    return server;
  }) as typeof http.createServer;
  Object.assign(http, { createServer: wrapped });
  return () => Object.assign(http, { createServer: original });
}

async function main(): Promise<void> {
  const target = process.argv[2];
  if (!target) {
    throw new Error('usage: proxy-process.ts <target endpoint>');
  }
  const restore = answerTaggingOnce();
  let proxy: FaultProxy;
  try {
    proxy = await startFaultProxy({ target, latencyMs: 0, seed: 1 });
  } finally {
    restore();
  }

  let stopping = false;
  const stop = () => {
    if (stopping) {
      return;
    }
    stopping = true;
    setTimeout(() => process.exit(0), 2000).unref();
    void proxy.close().finally(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);

  const lines = readline.createInterface({ input: process.stdin });
  lines.on('line', (line) => {
    let message: { id?: number; cmd?: string; ms?: number };
    try {
      message = JSON.parse(line) as typeof message;
    } catch {
      return;
    }
    const answer = (body: object) => process.stdout.write(`${JSON.stringify({ id: message.id, ...body })}\n`);
    try {
      if (message.cmd === 'latency') {
        proxy.setLatencyMs(message.ms ?? 0);
        latencyMs = message.ms ?? 0;
        answer({ ok: true });
      } else if (message.cmd === 'stats') {
        const stats = proxy.stats();
        const received: Record<string, number> = { ...stats.received };
        if (taggingRequests > 0) {
          received.GetObjectTagging = taggingRequests;
        }
        proxy.resetStats();
        taggingRequests = 0;
        answer({ ok: true, received, statuses: stats.statuses, firstRequestAt, lastAnswerAt, connections });
        firstRequestAt = undefined;
        lastAnswerAt = undefined;
        connections = 0;
      } else {
        answer({ ok: false, error: `unknown command ${String(message.cmd)}` });
      }
    } catch (error) {
      answer({ ok: false, error: (error as Error).message });
    }
  });
  lines.on('close', stop);
  process.stdout.write(`${JSON.stringify({ endpoint: proxy.endpoint })}\n`);
}

main().catch((error) => {
  process.stderr.write(`proxy process failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
