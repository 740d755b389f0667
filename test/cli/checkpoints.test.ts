import { io } from './io';
import { USAGE, UsageError, parseCheckpointsArgs } from '../../src/cli/args';
import { main } from '../../src/cli/main';
import { FakeS3 } from '../transfer/engine/fake-s3';

const FAST = 'ckpt--use1-az4--x-s3';
const LAKE = 'lake';

describe('parseCheckpointsArgs', () => {
  test('list and prune with their defaults', () => {
    expect(parseCheckpointsArgs(['list', 's3://lake/checkpoints/'])).toEqual({
      action: 'list', root: { bucket: 'lake', path: 'checkpoints/' }, layout: '{run}/{step}/', marker: '.metadata', endpointUrl: undefined, region: undefined,
    });
    expect(parseCheckpointsArgs(['prune', `s3://${FAST}/ckpt/`, '--lake', 's3://lake/checkpoints/', '--keep', '3', '--dry-run',
      '--layout', 'run={run}/step_{step}/', '--marker=DONE', '--endpoint-url', 'http://127.0.0.1:4566', '--region', 'us-west-2'])).toEqual({
      action: 'prune',
      root: { bucket: FAST, path: 'ckpt/' },
      lake: { bucket: 'lake', path: 'checkpoints/' },
      keep: 3,
      dryRun: true,
      layout: 'run={run}/step_{step}/',
      marker: 'DONE',
      endpointUrl: 'http://127.0.0.1:4566',
      region: 'us-west-2',
    });
    // Whole buckets are roots too; the limits of --keep are accepted.
    expect(parseCheckpointsArgs(['prune', `s3://${FAST}`, '--lake', 's3://lake', '--keep', '1'])).toMatchObject({ root: { path: '' }, lake: { path: '' }, keep: 1 });
    expect(parseCheckpointsArgs(['prune', 's3://b/fast/', '--lake', 's3://b/lake/', '--keep', '1000'])).toMatchObject({ keep: 1000 });
  });

  const PRUNE = ['prune', `s3://${FAST}/ckpt/`, '--lake', 's3://lake/checkpoints/'];
  test.each([
    [['checkpoints-missing-action'].slice(1), 'checkpoints needs an action: list or prune'],
    [['show', 's3://lake/'], 'unknown checkpoints action "show" (expected list or prune)'],
    [['list'], 'checkpoints list takes one s3:// URI, the checkpoints root (0 given)'],
    [['list', 's3://a/', 's3://b/'], 'checkpoints list takes one s3:// URI, the checkpoints root (2 given)'],
    [['list', 's3://lake/ckpt/', '--keep', '2'], '--keep is an option of checkpoints prune, not of checkpoints list'],
    [['list', 's3://lake/ckpt/', '--dry-run'], '--dry-run is an option of checkpoints prune, not of checkpoints list'],
    [['list', 's3://lake/ckpt/', '--lake', 's3://x/'], '--lake is an option of checkpoints prune, not of checkpoints list'],
    [['list', 's3://lake/ckpt/', '--frobnicate'], 'unknown option --frobnicate'],
    [['list', 's3://lake/ckpt/', '--layout'], '--layout needs a value'],
    [['list', '/mnt/checkpoints/'], 'checkpoints list: not an s3:// URI: "/mnt/checkpoints/" (expected s3://bucket/prefix/)'],
    [['list', 's3://lake/checkpoints'], 'checkpoints list: "s3://lake/checkpoints" is not a prefix: a checkpoints root ends with "/" (s3://lake/checkpoints/)'],
    [['list', 's3://lake/ckpt/', '--layout', '{run}/step'], '--layout: "{run}/step" is not a layout: expected a relative pattern that ends with "/", such as "{run}/{step}/"'],
    [['list', 's3://lake/ckpt/', '--layout', '{run}/'], '--layout: "{run}/" is not a layout: expected {step} exactly once, in the last segment (the checkpoint\'s directory)'],
    [['list', 's3://lake/ckpt/', '--marker', '/abs'], '--marker: "/abs" is not a completion marker: expected a file path relative to the checkpoint\'s directory, such as ".metadata"'],
    [['list', 's3://lake/ckpt/', '--endpoint-url', 'localhost:4566'],
      '--endpoint-url: "localhost:4566" is not an http:// or https:// URL (example: http://127.0.0.1:4566)'],
    [['prune', `s3://${FAST}/ckpt/`, '--keep', '2'],
      'checkpoints prune needs --lake s3://bucket/prefix/, the lake\'s checkpoints root, where each checkpoint is verified before it is deleted'],
    [[...PRUNE], 'checkpoints prune needs --keep N, the complete checkpoints kept per run (1 to 1000)'],
    [[...PRUNE, '--keep', '0'], '--keep: "0" is not a whole number from 1 to 1000 (at least the newest complete checkpoint of each run stays)'],
    [[...PRUNE, '--keep', '1001'], '--keep: "1001" is not a whole number from 1 to 1000 (at least the newest complete checkpoint of each run stays)'],
    [[...PRUNE, '--keep', '2.5'], '--keep: "2.5" is not a whole number from 1 to 1000 (at least the newest complete checkpoint of each run stays)'],
    [[...PRUNE, '--keep', 'two'], '--keep: "two" is not a whole number from 1 to 1000 (at least the newest complete checkpoint of each run stays)'],
    [[...PRUNE, '--keep', '-1'], '--keep: "-1" is not a whole number from 1 to 1000 (at least the newest complete checkpoint of each run stays)'],
    [['prune', 'ckpt/', '--lake', 's3://lake/checkpoints/', '--keep', '2'], 'checkpoints prune: not an s3:// URI: "ckpt/" (expected s3://bucket/prefix/)'],
    [['prune', `s3://${FAST}/ckpt/`, '--lake', 'https://lake.s3.amazonaws.com/checkpoints/', '--keep', '2'],
      '--lake: not an s3:// URI: "https://lake.s3.amazonaws.com/checkpoints/" (expected s3://bucket/prefix/)'],
    [['prune', `s3://${FAST}/ckpt/`, '--lake', 's3://lake/checkpoints', '--keep', '2'],
      '--lake: "s3://lake/checkpoints" is not a prefix: a checkpoints root ends with "/" (s3://lake/checkpoints/)'],
    [['prune', 's3://b/ckpt/', '--lake', 's3://b/ckpt/', '--keep', '2'],
      '--lake: s3://b/ckpt/ and the fast tier s3://b/ckpt/ overlap: give another bucket, or roots neither of which contains the other'],
    [['prune', 's3://b/ckpt/', '--lake', 's3://b/', '--keep', '2'],
      '--lake: s3://b/ and the fast tier s3://b/ckpt/ overlap: give another bucket, or roots neither of which contains the other'],
    [['prune', 's3://b/ckpt/', '--lake', 's3://b/ckpt/lake/', '--keep', '2'],
      '--lake: s3://b/ckpt/lake/ and the fast tier s3://b/ckpt/ overlap: give another bucket, or roots neither of which contains the other'],
  ])('rejects %j', (args, message) => {
    expect(() => parseCheckpointsArgs(args)).toThrow(new UsageError(message));
  });

  test('the usage names the checkpoints commands and every option', () => {
    expect(USAGE).toContain('cdk-training-storage checkpoints list <checkpoints-root> [options]');
    expect(USAGE).toContain('cdk-training-storage checkpoints prune <fast-tier-root> --lake <lake-root> --keep N [options]');
    for (const option of ['--layout PATTERN', '--marker FILE', '--lake URI', '--keep N', 'prune: verify only; delete nothing']) {
      expect(USAGE).toContain(option);
    }
  });
});

/** A directory bucket with four complete checkpoints of run `r` and one incomplete; the lake holds verified copies of 1 to 4. */
function tiers(): FakeS3 {
  let clock = Date.UTC(2026, 11, 1);
  const fake = new FakeS3({ now: () => (clock += 1000) });
  fake.createBucket(FAST).createBucket(LAKE);
  for (const step of [1, 2, 3, 4, 5]) {
    for (const file of ['__0_0.distcp', '__1_0.distcp', ...(step < 5 ? ['.metadata'] : [])]) {
      const body = `${step} ${file}`.repeat(100);
      fake.put(FAST, `ckpt/r/${step}/${file}`, body);
      if (step < 5) fake.put(LAKE, `checkpoints/r/${step}/${file}`, body);
    }
  }
  fake.put(FAST, 'ckpt/README.txt', 'notes');
  return fake;
}

describe('cdk-training-storage checkpoints', () => {
  test('list: one line per checkpoint with its run, step, state, objects, size and place; then the totals', async () => {
    const fake = tiers();
    const cli = io(fake);
    expect(await main(['checkpoints', 'list', `s3://${FAST}/ckpt/`, '--region', 'us-east-1'], cli)).toBe(0);
    expect(cli.out()).toBe([
      `r  1  complete  3 objects  3.8 KiB  s3://${FAST}/ckpt/r/1/`,
      `r  2  complete  3 objects  3.8 KiB  s3://${FAST}/ckpt/r/2/`,
      `r  3  complete  3 objects  3.8 KiB  s3://${FAST}/ckpt/r/3/`,
      `r  4  complete  3 objects  3.8 KiB  s3://${FAST}/ckpt/r/4/`,
      `r  5  incomplete  2 objects  2.7 KiB  s3://${FAST}/ckpt/r/5/`,
      `5 checkpoints (4 complete, 1 incomplete) in s3://${FAST}/ckpt/ (directory bucket); 1 key outside the layout {run}/{step}/`,
      '',
    ].join('\n'));
    expect(cli.clients).toEqual([{ region: 'us-east-1', endpoint: undefined, maxSockets: 64 }]);
    expect(fake.callsOf().map((call) => call.name)).toEqual(['ListObjectsV2']);
  });

  test('prune --dry-run verifies, deletes nothing and prints what it would delete', async () => {
    const fake = tiers();
    const cli = io(fake);
    expect(await main(['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--lake', `s3://${LAKE}/checkpoints/`, '--keep', '2', '--dry-run'], cli)).toBe(0);
    expect(cli.out()).toBe([
      `would delete s3://${FAST}/ckpt/r/1/ (3 objects, 3.8 KiB): verified in the lake`,
      `would delete s3://${FAST}/ckpt/r/2/ (3 objects, 3.8 KiB): verified in the lake`,
      `kept s3://${FAST}/ckpt/r/4/: among the latest 2 complete checkpoints of its run`,
      `kept s3://${FAST}/ckpt/r/3/: among the latest 2 complete checkpoints of its run`,
      `kept s3://${FAST}/ckpt/r/5/: incomplete (no completion marker): never deleted`,
      'dry run: 2 checkpoints (7.6 KiB) would be deleted, 3 kept; nothing was deleted',
      '',
    ].join('\n'));
    expect(fake.count('DeleteObjects')).toBe(0);
    expect(fake.count('HeadObject')).toBe(12);
  });

  test('prune deletes the verified old checkpoints; one not verified stays and the exit code is 1', async () => {
    const fake = tiers();
    fake.remove(LAKE, 'checkpoints/r/2/__1_0.distcp');
    const cli = io(fake);
    expect(await main(['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--lake', `s3://${LAKE}/checkpoints/`, '--keep', '2'], cli)).toBe(1);
    expect(cli.out()).toContain(`deleted s3://${FAST}/ckpt/r/1/ (3 objects, 3.8 KiB): verified in the lake\n`);
    expect(cli.out()).toContain(`kept s3://${FAST}/ckpt/r/2/: not verified in the lake: __1_0.distcp: not in the lake\n`);
    expect(cli.out()).toContain('deleted 1 checkpoint (3.8 KiB), kept 4\n');
    expect(cli.err()).toBe(`problem: s3://${FAST}/ckpt/r/2/: not verified in s3://${LAKE}/checkpoints/r/2/, kept: __1_0.distcp: not in the lake\n`);
    expect(fake.keys(FAST).filter((key) => key.startsWith('ckpt/r/1/'))).toEqual([]);
    expect(fake.keys(FAST).filter((key) => key.startsWith('ckpt/r/2/'))).toHaveLength(3);
    expect(fake.keys(LAKE)).toHaveLength(11);
  });

  test.each([
    [['checkpoints'], 'checkpoints needs an action: list or prune'],
    [['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--keep', '2'], 'checkpoints prune needs --lake'],
    [['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--lake', 's3://lake/c/', '--keep', '0'], '--keep: "0" is not a whole number from 1 to 1000'],
    [['checkpoints', 'prune', 's3://b/ckpt/', '--lake', 's3://b/ckpt/old/', '--keep', '2'], '--lake: s3://b/ckpt/old/ and the fast tier s3://b/ckpt/ overlap'],
    [['checkpoints', 'list', 'gs://bucket/ckpt/'], 'checkpoints list: not an s3:// URI: "gs://bucket/ckpt/"'],
  ])('%j exits 2 with the message and the usage, before any client exists', async (argv, message) => {
    const cli = io(new FakeS3());
    expect(await main(argv, cli)).toBe(2);
    expect(cli.err()).toContain(`error: ${message}`);
    expect(cli.err()).toContain('Usage: cdk-training-storage copy');
    expect(cli.clients).toEqual([]);
  });

  test('help and version', async () => {
    const help = io();
    expect(await main(['checkpoints', '--help'], help)).toBe(0);
    expect(help.out()).toContain('checkpoints prune <fast-tier-root>');
    const version = io();
    expect(await main(['checkpoints', 'list', '--version'], version)).toBe(0);
    expect(version.out()).toMatch(/^cdk-training-storage \S+\n$/);
  });

  test('a listing that fails exits 1 with the error', async () => {
    const fake = new FakeS3();
    const cli = io(fake);
    expect(await main(['checkpoints', 'list', 's3://missing/ckpt/'], cli)).toBe(1);
    expect(cli.err()).toBe('error: The specified bucket does not exist\n');
  });
});
