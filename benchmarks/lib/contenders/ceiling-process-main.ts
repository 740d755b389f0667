/**
 * The ceiling as a fresh process (bundled by ceiling.ts, started with `node` for each copy): the
 * least a Node.js process started cold can do to copy a prefix, so that what the engine's command
 * line loses to its start can be told from what any fresh process loses (Node.js start-up,
 * connections opened at once).
 *
 *   node ceiling-process.js <endpoint> <source bucket> <source prefix> <destination bucket> <destination prefix> <in flight>
 *
 * It lists the source prefix (ListObjectsV2, pages of 1,000 keys, the keys read with a regular
 * expression: the benchmark's keys need no unescaping) and copies each key as soon as its page
 * arrives, with unsigned `PUT` + `x-amz-copy-source` requests (fauxqs does not check signatures),
 * `<in flight>` at a time on as many keep-alive connections; no SDK. Prints `{"copied":n}`.
 */
import * as http from 'http';

async function main(): Promise<void> {
  const [endpoint, sourceBucket, sourcePrefix, destinationBucket, destinationPrefix, inFlightText] = process.argv.slice(2);
  const inFlight = Number(inFlightText);
  if (!endpoint || !destinationBucket || !Number.isInteger(inFlight) || inFlight < 1) {
    throw new Error('usage: ceiling-process.js <endpoint> <source bucket> <source prefix> <destination bucket> <destination prefix> <in flight>');
  }
  const agent = new http.Agent({ keepAlive: true, maxSockets: inFlight });
  type Answer = { status: number; body: string };
  const request = (method: string, url: string, headers: http.OutgoingHttpHeaders) => new Promise<Answer>((resolve, reject) => {
    const req = http.request(`${endpoint}${url}`, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

  const queue: string[] = [];
  let listed = false;
  let wake: (() => void) | undefined;
  const list = async () => {
    let token: string | undefined;
    do {
      const query = new URLSearchParams({ 'list-type': '2', 'prefix': sourcePrefix, ...(token ? { 'continuation-token': token } : {}) });
      const page = await request('GET', `/${sourceBucket}?${query.toString()}`, {});
      if (page.status !== 200) {
        throw new Error(`ListObjectsV2 answered HTTP ${page.status}`);
      }
      queue.push(...[...page.body.matchAll(/<Key>([^<]*)<\/Key>/g)].map((m) => m[1]));
      token = /<NextContinuationToken>([^<]*)<\/NextContinuationToken>/.exec(page.body)?.[1];
      wake?.();
    } while (token);
    listed = true;
    wake?.();
  };

  let copied = 0;
  const worker = async () => {
    for (;;) {
      const key = queue.shift();
      if (key === undefined) {
        if (listed) {
          return;
        }
        await new Promise<void>((resolve) => {
          const previous = wake;
          wake = () => {
            wake = undefined;
            previous?.();
            resolve();
          };
        });
        continue;
      }
      const relative = key.slice(sourcePrefix.length);
      const answer = await request('PUT', `/${destinationBucket}/${destinationPrefix}${relative}`, {
        'x-amz-copy-source': `${sourceBucket}/${key}`, 'x-amz-metadata-directive': 'COPY', 'content-length': 0,
      });
      if (answer.status !== 200) {
        throw new Error(`CopyObject ${key} answered HTTP ${answer.status}`);
      }
      copied++;
    }
  };
  await Promise.all([list(), ...Array.from({ length: inFlight }, worker)]);
  agent.destroy();
  process.stdout.write(`${JSON.stringify({ copied })}\n`);
}

main().catch((error: Error) => {
  process.stderr.write(`ceiling process failed: ${error.message}\n`);
  process.exitCode = 1;
});
