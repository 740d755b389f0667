/**
 * `cdk-training-storage checkpoints list` and `checkpoints prune`, the bundled command line run as a
 * user runs it (a child process) against a real S3-compatible server (fauxqs on 127.0.0.1).
 *
 * Both tiers are general purpose buckets here: a child process cannot get the local directory-bucket
 * fixes a test client gets (fauxqs has no CreateSession, and the SDK builds `--x-s3` paths with a
 * doubled slash for an IP endpoint: see test/support/s3-local/clients.ts). The directory-bucket run of
 * the same code is in checkpoint-copy-out.test.ts, and the command line's directory-bucket output in
 * test/cli/checkpoints.test.ts.
 */
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { LocalS3, MIB, getObject, listKeys, localS3Client, startLocalS3 } from '../support/s3-local';

const CLI = path.join(__dirname, '..', '..', 'assets', 'cli', 'bin', 'index.js');
const FAST = 'cli-ckpt-fast';
const LAKE = 'cli-ckpt-lake';

let s3: LocalS3;
let client: S3Client;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-ckpt-home-'));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        LC_ALL: 'C.UTF-8',
      },
      timeout: 120_000,
      maxBuffer: 16 * MIB,
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

const keys = async (bucket: string, prefix = '') => [...(await listKeys(client, bucket, prefix)).keys()].sort();

/** Every key and its bytes, to show that nothing in the lake changes. */
async function contents(bucket: string): Promise<Map<string, string>> {
  const all = await keys(bucket);
  return new Map(await Promise.all(all.map(async (key) => [key, (await getObject(client, bucket, key)).body.toString('base64')] as [string, string])));
}

beforeAll(async () => {
  expect(fs.existsSync(CLI)).toBe(true); // built by `npx projen bundle`, which `npm test` runs first
  s3 = await startLocalS3();
  client = localS3Client(s3.endpoint);
  await s3.createBucket(FAST);
  await s3.createBucket(LAKE);
  // Run r: steps 1 to 4 complete (shards, then the marker), step 5 still being written.
  for (const step of [1, 2, 3, 4, 5]) {
    const files = ['__0_0.distcp', '__1_0.distcp', ...(step < 5 ? ['.metadata'] : [])];
    for (const file of files) {
      await client.send(new PutObjectCommand({ Bucket: FAST, Key: `ckpt/r/${step}/${file}`, Body: `${step}/${file} `.repeat(300), ChecksumAlgorithm: 'SHA256' }));
    }
  }
  await client.send(new PutObjectCommand({ Bucket: FAST, Key: 'ckpt/notes.txt', Body: 'not a checkpoint' }));
}, 60_000);

afterAll(async () => {
  client?.destroy();
  await s3?.stop();
  fs.rmSync(home, { recursive: true, force: true });
}, 30_000);

test('list, prune --dry-run, prune: only the verified checkpoints beyond the latest 2 leave the fast tier; the lake keeps everything', async () => {
  const endpoint = ['--endpoint-url', s3.endpoint];
  // The lake gets its copies through the command line's own copy.
  const copied = await run(['copy', `s3://${FAST}/ckpt/r/`, `s3://${LAKE}/checkpoints/r/`, '--no-progress', ...endpoint]);
  expect(copied.code).toBe(0);

  const list = await run(['checkpoints', 'list', `s3://${FAST}/ckpt/`, ...endpoint]);
  expect(list).toMatchObject({ code: 0, stderr: '' });
  const lines = list.stdout.trimEnd().split('\n');
  expect(lines.slice(0, 5).map((line) => line.split('  ').filter((_, i) => i !== 4))).toEqual([
    ['r', '1', 'complete', '3 objects', `s3://${FAST}/ckpt/r/1/`],
    ['r', '2', 'complete', '3 objects', `s3://${FAST}/ckpt/r/2/`],
    ['r', '3', 'complete', '3 objects', `s3://${FAST}/ckpt/r/3/`],
    ['r', '4', 'complete', '3 objects', `s3://${FAST}/ckpt/r/4/`],
    ['r', '5', 'incomplete', '2 objects', `s3://${FAST}/ckpt/r/5/`],
  ]);
  expect(lines[5]).toBe(`5 checkpoints (4 complete, 1 incomplete) in s3://${FAST}/ckpt/ (general purpose bucket); 1 key outside the layout {run}/{step}/`);

  const fastBefore = await keys(FAST);
  const lakeBefore = await contents(LAKE);
  const prune = ['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--lake', `s3://${LAKE}/checkpoints/`, '--keep', '2', ...endpoint];

  const dry = await run([...prune, '--dry-run']);
  expect(dry).toMatchObject({ code: 0, stderr: '' });
  expect(dry.stdout).toMatch(new RegExp(`^would delete s3://${FAST}/ckpt/r/1/ \\(3 objects, .+\\): verified in the lake\n`
    + `would delete s3://${FAST}/ckpt/r/2/ \\(3 objects, .+\\): verified in the lake\n`));
  expect(dry.stdout).toContain(`kept s3://${FAST}/ckpt/r/5/: incomplete (no completion marker): never deleted\n`);
  expect(dry.stdout).toMatch(/dry run: 2 checkpoints \(.+\) would be deleted, 3 kept; nothing was deleted\n$/);
  expect(await keys(FAST)).toEqual(fastBefore);

  const real = await run(prune);
  expect(real).toMatchObject({ code: 0, stderr: '' });
  expect(real.stdout).toMatch(/deleted 2 checkpoints \(.+\), kept 3\n$/);
  expect(await keys(FAST)).toEqual(fastBefore.filter((key) => !key.startsWith('ckpt/r/1/') && !key.startsWith('ckpt/r/2/')));
  expect(await contents(LAKE)).toEqual(lakeBefore);

  // Again: nothing left to delete.
  const again = await run(prune);
  expect(again).toMatchObject({ code: 0, stderr: '' });
  expect(again.stdout).toMatch(/deleted 0 checkpoints \(0 B\), kept 3\n$/);
}, 120_000);

test('a checkpoint whose lake copy lost an object is kept; the exit code is 1 and the problem is on stderr', async () => {
  const endpoint = ['--endpoint-url', s3.endpoint];
  await client.send(new PutObjectCommand({ Bucket: FAST, Key: 'ckpt/q/1/__0_0.distcp', Body: 'q shard', ChecksumAlgorithm: 'SHA256' }));
  await client.send(new PutObjectCommand({ Bucket: FAST, Key: 'ckpt/q/1/.metadata', Body: 'q meta', ChecksumAlgorithm: 'SHA256' }));
  await client.send(new PutObjectCommand({ Bucket: FAST, Key: 'ckpt/q/2/.metadata', Body: 'q2 meta', ChecksumAlgorithm: 'SHA256' }));
  await client.send(new PutObjectCommand({ Bucket: LAKE, Key: 'checkpoints/q/1/.metadata', Body: 'q meta', ChecksumAlgorithm: 'SHA256' }));

  const result = await run(['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--lake', `s3://${LAKE}/checkpoints/`, '--keep', '1', ...endpoint]);

  expect(result.code).toBe(1);
  expect(result.stdout).toContain(`kept s3://${FAST}/ckpt/q/1/: not verified in the lake: __0_0.distcp: not in the lake\n`);
  expect(result.stderr).toBe(`problem: s3://${FAST}/ckpt/q/1/: not verified in s3://${LAKE}/checkpoints/q/1/, kept: __0_0.distcp: not in the lake\n`);
  expect(await keys(FAST, 'ckpt/q/1/')).toEqual(['ckpt/q/1/.metadata', 'ckpt/q/1/__0_0.distcp']);
}, 60_000);

test('usage errors exit 2 naming the flag, before any request', async () => {
  const missing = await run(['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--keep', '2']);
  expect(missing.code).toBe(2);
  expect(missing.stderr).toMatch(/^error: checkpoints prune needs --lake s3:\/\/bucket\/prefix\//);
  const keep = await run(['checkpoints', 'prune', `s3://${FAST}/ckpt/`, '--lake', `s3://${LAKE}/c/`, '--keep', '0']);
  expect(keep.code).toBe(2);
  expect(keep.stderr).toMatch(/^error: --keep: "0" is not a whole number from 1 to 1000/);
  expect(keep.stderr).toContain('Usage: cdk-training-storage copy');
});
