// Starts fauxqs (an S3-compatible server, ESM only, Node.js >= 22.5) on 127.0.0.1 and a free port,
// prints `{"port":<n>}` as one JSON line on stdout, and stops on SIGTERM, SIGINT or when stdin
// closes (the parent died): no server outlives the test run that started it.
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

try {
  server = await startFauxqs({
    port: 0,
    host: '127.0.0.1',
    logger: false,
    relaxedRules: { disableMinCopySourceSize: true },
  });
  process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
} catch (error) {
  process.stderr.write(`fauxqs failed to start: ${error?.stack ?? error}\n`);
  process.exit(1);
}
