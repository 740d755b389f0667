import { PassThrough } from 'stream';
import { parseCopyArgs } from '../../src/cli/args';
import { CliIo, formatBytes, formatDuration, locationsOf, main, summary } from '../../src/cli/main';
import { FakeS3 } from '../transfer/engine/fake-s3';

function io(fake?: FakeS3, tty = false): CliIo & { out: () => string; err: () => string; clients: Array<Record<string, unknown>> } {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let out = '';
  let err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const clients: Array<Record<string, unknown>> = [];
  return {
    stdout,
    stderr,
    out: () => out,
    err: () => err,
    clients,
    createClient: (options) => {
      clients.push({ ...options });
      return Object.assign(fake!.client, { destroy: () => undefined });
    },
  };
}

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
