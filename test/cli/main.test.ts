import { io } from './io';
import { parseCopyArgs } from '../../src/cli/args';
import { CliIo, formatBytes, formatDuration, locationsOf, main, summary } from '../../src/cli/main';
import { SDK_NODE_NOTICE_SWITCH, quietSdkNodeNotice } from '../../src/cli/node-support';
import { FakeS3 } from '../transfer/engine/fake-s3';

describe('cdk-training-storage copy', () => {
  test('copies a prefix and prints a summary; exit code 0', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'datasets/corpus/a.txt', 'alpha');
    fake.put('lake', 'datasets/corpus/b.txt', 'beta');
    fake.put('lake', 'datasets/other/c.txt', 'gamma');
    fake.createBucket('cache');
    const cli = io(fake);
    const code = await main(['copy', 's3://lake/datasets/corpus/', 's3://cache/corpus/', '--no-progress', '--concurrency', '4'], cli);
    expect(code).toBe(0);
    expect(fake.keys('cache').sort()).toEqual(['corpus/a.txt', 'corpus/b.txt']);
    expect(cli.out()).toMatch(/^copied 2 objects \(9 B\), skipped 0, failed 0, of 2 listed in \d+\.\ds\n$/);
    expect(cli.clients).toEqual([{ region: undefined, endpoint: undefined, maxSockets: 4 }]);
  });

  test('one object is copied under its own name into a prefix', async () => {
    const fake = new FakeS3();
    fake.put('src', 'llm-training-data.txt', 'Sample training data content');
    fake.createBucket('dst');
    const code = await main(['copy', 's3://src/llm-training-data.txt', 's3://dst/copies/', '--no-progress'], io(fake));
    expect(code).toBe(0);
    expect(fake.body('dst', 'copies/llm-training-data.txt')!.toString()).toBe('Sample training data content');
  });

  test('a failed object gives exit code 1 and is named on stderr and in the summary', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'p/a', 'a');
    fake.put('lake', 'p/b', 'b');
    fake.createBucket('cache');
    fake.fail({ operation: 'CopyObject', key: 'q/b', error: () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) });
    const cli = io(fake);
    const code = await main(['copy', 's3://lake/p/', 's3://cache/q/', '--no-progress'], cli);
    expect(code).toBe(1);
    expect(cli.err()).toContain('failed: p/b: AccessDenied (HTTP 403) Access Denied');
    expect(cli.out()).toContain('failed: p/b after 1 attempt(s): AccessDenied (HTTP 403) Access Denied');
  });

  test('a failed key with a control character is printed quoted: no carriage return rewrites the line', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'p/x\r', 'cr');
    fake.createBucket('cache');
    fake.fail({ operation: 'CopyObject', key: 'q/x\r', error: () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) });
    const cli = io(fake);
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--no-progress'], cli)).toBe(1);
    expect(cli.err()).toContain('failed: "p/x\\r": AccessDenied');
    expect(cli.out()).toContain('failed: "p/x\\r" after 1 attempt(s)');
    expect(cli.out() + cli.err()).not.toContain('\r');
  });

  test('--dry-run copies nothing; --json prints the result', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'p/a', 'a');
    fake.createBucket('cache');
    const dry = io(fake);
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--dry-run', '--no-progress'], dry)).toBe(0);
    expect(fake.keys('cache')).toEqual([]);
    expect(dry.out()).toBe('dry run: 1 to copy, 0 already there, of 1 listed\n');
    const json = io(fake);
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--json', '--no-progress'], json)).toBe(0);
    expect(JSON.parse(json.out())).toEqual(expect.objectContaining({ complete: true, objectsCopied: 1, failures: [] }));
  });

  test('progress on a terminal is redrawn in place and cleared at the end', async () => {
    const fake = new FakeS3();
    for (let i = 0; i < 5; i++) fake.put('lake', `p/${i}`, 'x'.repeat(100));
    fake.createBucket('cache');
    let t = 0;
    const cli = { ...io(fake, true), now: () => (t += 1000) };
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/'], cli)).toBe(0);
    expect(cli.err()).toMatch(/\r\[#+-*\] \d+% \d+\/5 objects, .* objects\/s/);
    expect(cli.err().endsWith('\r\x1b[K')).toBe(true);
  });

  test('off a terminal, a progress line every 5 s: objects, bytes, rates and time left', async () => {
    let t = 0;
    let tick: () => void = () => undefined;
    const fake = new FakeS3({
      onCall: (name) => {
        if (name === 'CopyObject') {
          t += 1000; // each copy takes a second of the clock; the ticker fires when this test says
          if (t === 3000 || t === 5000) tick();
        }
      },
    });
    for (let i = 0; i < 5; i++) fake.put('lake', `p/${i}`, 'x'.repeat(1024));
    fake.createBucket('cache');
    const intervals: number[] = [];
    let stopped = false;
    const cli: CliIo & { err: () => string } = {
      ...io(fake, false),
      now: () => t,
      every: (ms, fn) => {
        intervals.push(ms);
        tick = fn;
        return () => { stopped = true; };
      },
    };
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--concurrency', '1'], cli)).toBe(0);
    expect(intervals).toEqual([5000]);
    expect(stopped).toBe(true);
    // The clock is read at each tick: what is done so far over the time so far (2 and 4 copies done).
    expect(cli.err()).toBe([
      'progress: 2/5 objects, 2.0 KiB of 5.0 KiB, 683 B/s, 0.7 objects/s, 4.5s left, 3.0s elapsed',
      'progress: 4/5 objects, 4.0 KiB of 5.0 KiB, 819 B/s, 0.8 objects/s, 1.3s left, 5.0s elapsed',
      '',
    ].join('\n'));
  });

  test('off a terminal, a line before the listing is complete says so', async () => {
    const fake = new FakeS3();
    fake.createBucket('lake');
    fake.createBucket('cache');
    let tick: () => void = () => undefined;
    const cli: CliIo & { err: () => string } = {
      ...io(fake, false),
      now: () => 2000,
      every: (_ms, fn) => {
        tick = fn;
        return () => undefined;
      },
    };
    const run = main(['copy', 's3://lake/p/', 's3://cache/q/'], cli);
    tick();
    expect(await run).toBe(0);
    expect(cli.err()).toBe('progress: 0/0+ objects, 0 B, 0 B/s, 0.0 objects/s, time left unknown (still listing), 0.0s elapsed\n');
  });

  test('--no-progress starts no ticker', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'p/a', 'a');
    fake.createBucket('cache');
    const cli = { ...io(fake), every: () => { throw new Error('no ticker expected'); } };
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--no-progress'], cli)).toBe(0);
  });

  test('a source without a trailing slash that is not an object gets a hint', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'datasets/corpus/a.txt', 'a');
    fake.createBucket('cache');
    const cli = io(fake);
    expect(await main(['copy', 's3://lake/datasets/corpus', 's3://cache/corpus/', '--no-progress'], cli)).toBe(1);
    expect(cli.err()).toBe('failed: datasets/corpus: Error source object not found\n'
      + 'hint: s3://lake/datasets/corpus is not an object; to copy the objects under that prefix, end it with "/": s3://lake/datasets/corpus/\n');
    // An object that exists but fails for another reason gets no hint.
    fake.put('lake', 'datasets/b.txt', 'b');
    fake.fail({ operation: 'CopyObject', key: 'b.txt', error: () => Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }) });
    const denied = io(fake);
    expect(await main(['copy', 's3://lake/datasets/b.txt', 's3://cache/', '--no-progress'], denied)).toBe(1);
    expect(denied.err()).not.toContain('hint:');
  });

  test('--version prints the package version', async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { version } = require('../../package.json') as { version: string };
    for (const argv of [['--version'], ['copy', '--version']]) {
      const cli = io();
      expect(await main(argv, cli)).toBe(0);
      expect(cli.out()).toBe(`cdk-training-storage ${version}\n`);
    }
  });

  test('a value out of range exits 2 naming the flag, before any request', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'p/a', 'a');
    const cli = io(fake);
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--part-size', '1MiB'], cli)).toBe(2);
    expect(cli.err()).toContain('error: --part-size: "1MiB" is not between 5MiB and 5GiB (the part sizes S3 accepts)\n\nUsage:');
    expect(cli.clients).toEqual([]);
    const threshold = io(fake);
    expect(await main(['copy', 's3://lake/p/', 's3://cache/q/', '--multipart-threshold', '8GiB'], threshold)).toBe(2);
    expect(threshold.err()).toContain('error: --multipart-threshold: "8GiB" is not between 1 byte and 5GiB');
    expect(fake.calls).toEqual([]);
  });

  test('separate regions get separate clients; an endpoint is passed to both', async () => {
    const fake = new FakeS3();
    fake.put('lake', 'p/a', 'a');
    fake.createBucket('cache');
    const cli = io(fake);
    await main(['copy', 's3://lake/p/', 's3://cache/q/', '--source-region', 'us-east-1', '--destination-region', 'us-west-2',
      '--endpoint-url', 'http://127.0.0.1:9', '--no-progress'], cli);
    expect(cli.clients).toEqual([
      { region: 'us-east-1', endpoint: 'http://127.0.0.1:9', maxSockets: 256 },
      { region: 'us-west-2', endpoint: 'http://127.0.0.1:9', maxSockets: 256 },
    ]);
  });

  test('usage errors give exit code 2 and the usage; help gives 0', async () => {
    const bad = io();
    expect(await main(['copy', 's3://a/p/'], bad)).toBe(2);
    expect(bad.err()).toContain('error: copy takes a source and a destination s3:// URI (1 given)');
    expect(bad.err()).toContain('Usage: cdk-training-storage copy');
    const unknown = io();
    expect(await main(['sync'], unknown)).toBe(2);
    expect(unknown.err()).toContain('error: unknown command "sync"');
    const none = io();
    expect(await main([], none)).toBe(2);
    const help = io();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out()).toContain('Usage: cdk-training-storage copy');
    const copyHelp = io();
    expect(await main(['copy', '--help'], copyHelp)).toBe(0);
  });

  test('a prefix copies into a prefix; one object keeps its name', () => {
    expect(() => locationsOf(parseCopyArgs(['s3://a/p/', 's3://b/file.txt']))).toThrow('a prefix copies into a prefix: end the destination with "/"');
    expect(() => locationsOf(parseCopyArgs(['s3://a/p/x.txt', 's3://b/y.txt']))).toThrow('one object is copied under its own name');
    expect(locationsOf(parseCopyArgs(['s3://a/p/x.txt', 's3://b/q/x.txt']))).toEqual({
      source: { bucket: 'a', prefix: 'p/' }, destination: { bucket: 'b', prefix: 'q/' }, keys: ['x.txt'],
    });
    expect(locationsOf(parseCopyArgs(['s3://a/x.txt', 's3://b']))).toEqual({
      source: { bucket: 'a', prefix: '' }, destination: { bucket: 'b', prefix: '' }, keys: ['x.txt'],
    });
  });

  test.each([
    ['a prefix onto itself', 's3://lake/data/', 's3://lake/data/', 'the destination s3://lake/data/ is the source: every object would be copied onto itself'],
    ['the whole bucket onto itself', 's3://lake/', 's3://lake', 'the destination s3://lake/ is the source: every object would be copied onto itself'],
    ['a destination inside the source', 's3://lake/data/', 's3://lake/data/copy/',
      'the destination s3://lake/data/copy/ is inside the source s3://lake/data/: the copies would be listed and copied again'],
    ['a destination inside the whole bucket', 's3://lake', 's3://lake/backup/',
      'the destination s3://lake/backup/ is inside the source s3://lake/: the copies would be listed and copied again'],
    ['one object onto itself', 's3://lake/data/a.txt', 's3://lake/data/', 'the destination is the source object s3://lake/data/a.txt: it would be copied onto itself'],
    ['one object onto itself, named', 's3://lake/data/a.txt', 's3://lake/data/a.txt', 'the destination is the source object s3://lake/data/a.txt'],
  ])('%s is a usage error (exit code 2) and nothing is requested', async (_name, from, to, message) => {
    const fake = new FakeS3();
    fake.put('lake', 'data/a.txt', 'a');
    const cli = io(fake);
    expect(await main(['copy', from, to, '--no-progress'], cli)).toBe(2);
    expect(cli.err()).toContain(`error: ${message}`);
    expect(cli.err()).toContain('Usage: cdk-training-storage copy');
    expect(fake.calls).toEqual([]);
    expect(cli.clients).toEqual([]);
  });

  test('beside the source, above it, or one object into a prefix below it: fine', () => {
    expect(locationsOf(parseCopyArgs(['s3://lake/data/', 's3://lake/data-copy/']))).toMatchObject({ destination: { bucket: 'lake', prefix: 'data-copy/' } });
    expect(locationsOf(parseCopyArgs(['s3://lake/data/v2/', 's3://lake/data/']))).toMatchObject({ destination: { bucket: 'lake', prefix: 'data/' } });
    expect(locationsOf(parseCopyArgs(['s3://lake/data/a.txt', 's3://lake/data/old/']))).toMatchObject({ keys: ['a.txt'], destination: { prefix: 'data/old/' } });
    expect(locationsOf(parseCopyArgs(['s3://lake/data/', 's3://other/data/']))).toMatchObject({ destination: { bucket: 'other', prefix: 'data/' } });
  });

  test('summaries, sizes and durations read well', () => {
    expect(formatBytes(0)).toBe('0 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(5 * 1024 ** 3)).toBe('5.0 GiB');
    expect(formatDuration(1234)).toBe('1.2s');
    expect(formatDuration(45_000)).toBe('45s');
    expect(formatDuration(83_000)).toBe('1m23s');
    expect(formatDuration(2 * 3600_000 + 60_000)).toBe('2h01m');
    const failures = Array.from({ length: 25 }, (_, i) => ({ key: `k${i}`, error: 'boom', attempts: 8 }));
    const result = { complete: false, stoppedEarly: false, objectsListed: 30, objectsCopied: 5, objectsSkipped: 0, objectsToCopy: 0 };
    const text = summary({ ...result, bytesCopied: 10, failures, elapsedMs: 1000 }, false);
    expect(text.split('\n').filter((l) => l.startsWith('  failed:'))).toHaveLength(20);
    expect(text).toContain('  ... and 5 more');
  });
});

describe('Node.js versions', () => {
  test('on Node.js 20 and later the SDK\'s Node.js version notice is switched off, unless the user set the switch', () => {
    for (const version of ['v20.0.0', 'v20.20.2', 'v21.7.3', 'v22.12.0', 'v24.1.0']) {
      const env: Record<string, string | undefined> = {};
      quietSdkNodeNotice(version, env);
      expect(env).toEqual({ [SDK_NODE_NOTICE_SWITCH]: 'true' });
    }
    const chosen: Record<string, string | undefined> = { [SDK_NODE_NOTICE_SWITCH]: 'false' };
    quietSdkNodeNotice('v20.1.0', chosen);
    expect(chosen).toEqual({ [SDK_NODE_NOTICE_SWITCH]: 'false' });
  });

  test('on an older Node.js the notice stays', () => {
    for (const version of ['v18.20.8', 'v19.9.0', 'not-a-version']) {
      const env: Record<string, string | undefined> = {};
      quietSdkNodeNotice(version, env);
      expect(env).toEqual({});
    }
  });
});
