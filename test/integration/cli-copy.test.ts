/**
 * `cdk-training-storage copy`, the bundled command line, run as a user runs it (a child process)
 * against a real S3-compatible server (fauxqs on 127.0.0.1), with and without injected faults.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { S3Client } from '@aws-sdk/client-s3';
import {
  FaultProxy, LocalS3, MIB, compareCopies, findAwsCli, listKeys, localS3Client, makeDataset, putObjects, startFaultProxy, startLocalS3,
} from '../support/s3-local';

/** The command as installed (package.json `bin`): a launcher that loads the bundle beside it. */
const CLI = path.join(__dirname, '..', '..', 'assets', 'cli', 'bin', 'index.js');
const BUNDLE = path.join(__dirname, '..', '..', 'assets', 'cli', 'cli', 'index.js');
const SOURCE_BUCKET = 'cli-source';
const SOURCE_PREFIX = 'datasets/corpus/';
const OBJECTS = makeDataset({
  prefix: SOURCE_PREFIX,
  seed: 7,
  smallObjects: 120,
  largeObjects: [{ sizeBytes: 11 * MIB + 3, upload: 'multipart' }, { sizeBytes: 9 * MIB, upload: 'put' }],
});
/** fauxqs enforces 5 MiB parts: objects over 8 MiB go multipart in 5 MiB parts. */
const PART_OPTIONS = ['--multipart-threshold', '8MiB', '--part-size', '5MiB'];

let s3: LocalS3;
let client: S3Client;
let proxy: FaultProxy;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cli-home-'));

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a command with test credentials and an empty HOME; resolves with its exit code and output. */
function run(file: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(file, args, {
      env: {
        PATH: process.env.PATH,
        HOME: home,
        AWS_ACCESS_KEY_ID: 'test',
        AWS_SECRET_ACCESS_KEY: 'test',
        AWS_REGION: 'us-east-1',
        AWS_DEFAULT_REGION: 'us-east-1',
        AWS_EC2_METADATA_DISABLED: 'true',
        AWS_PAGER: '',
        LC_ALL: 'C.UTF-8',
      },
      timeout: 120_000,
      maxBuffer: 64 * MIB,
    }, (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }));
  });
}

function copy(destination: string, endpoint: string, extra: string[] = []): Promise<Run> {
  return run(process.execPath, [CLI, 'copy', `s3://${SOURCE_BUCKET}/${SOURCE_PREFIX}`, destination, '--endpoint-url', endpoint,
    '--concurrency', '16', '--max-attempts', '10', ...PART_OPTIONS, ...extra]);
}

beforeAll(async () => {
  expect(fs.existsSync(CLI) && fs.existsSync(BUNDLE)).toBe(true); // built by `npx projen bundle`, which `npm test` runs first
  s3 = await startLocalS3();
  client = localS3Client(s3.endpoint);
  await s3.createBucket(SOURCE_BUCKET);
  await s3.createBucket('cli-destination');
  await putObjects(client, SOURCE_BUCKET, OBJECTS);
  proxy = await startFaultProxy({ target: s3.endpoint, seed: 11 });
}, 60_000);

afterAll(async () => {
  await proxy?.close();
  client?.destroy();
  await s3?.stop();
  fs.rmSync(home, { recursive: true, force: true });
}, 30_000);

test('copies a prefix byte-identical, prints the summary and exits 0', async () => {
  const result = await copy('s3://cli-destination/plain/', s3.endpoint, ['--no-progress']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(new RegExp(`^copied ${OBJECTS.length} objects \\(.+\\), skipped 0, failed 0, of ${OBJECTS.length} listed in `));
  expect(await compareCopies(client, OBJECTS, SOURCE_PREFIX, 'cli-destination', 'plain/')).toEqual([]);

  // Run again: the small objects, copied in one part, carry MD5 ETags that prove them identical, and are skipped.
  const again = await copy('s3://cli-destination/plain/', s3.endpoint, ['--json', '--no-progress']);
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toEqual(expect.objectContaining({ complete: true, objectsSkipped: 120 }));
}, 120_000);

test('under injected 503 SlowDown, 500 and connection resets the copy still ends byte-identical, no upload left open', async () => {
  proxy.setFaults({ slowDown: 0.1, internalError: 0.05, reset: 0.05 });
  const before = proxy.multipartUploads();
  try {
    const result = await copy('s3://cli-destination/faults/', proxy.endpoint);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/, failed 0, /);
    // Progress goes to stderr (a line every 5 s off a terminal); no object failed.
    expect(result.stderr).not.toMatch(/failed:/);
  } finally {
    proxy.setFaults({});
  }
  const stats = proxy.stats();
  expect(stats.faultCount).toBeGreaterThan(10);
  expect(proxy.multipartUploads().open).toEqual(before.open);
  expect(await compareCopies(client, OBJECTS, SOURCE_PREFIX, 'cli-destination', 'faults/')).toEqual([]);
}, 120_000);

test('--dry-run copies nothing', async () => {
  const result = await copy('s3://cli-destination/dry/', s3.endpoint, ['--dry-run', '--no-progress']);
  expect(result.code).toBe(0);
  expect(result.stdout).toBe(`dry run: ${OBJECTS.length} to copy, 0 already there, of ${OBJECTS.length} listed\n`);
  expect((await listKeys(client, 'cli-destination', 'dry/')).size).toBe(0);
});

test('a source that cannot be listed exits 1 with the reason', async () => {
  const result = await run(process.execPath, [CLI, 'copy', 's3://no-such-bucket/p/', 's3://cli-destination/x/', '--endpoint-url', s3.endpoint, '--max-attempts', '1']);
  expect(result.code).toBe(1);
  expect(result.stderr).toMatch(/^error: listing no-such-bucket\/p\/ failed: /);
});

test('usage errors exit 2', async () => {
  const result = await run(process.execPath, [CLI, 'copy', 's3://only-one/']);
  expect(result.code).toBe(2);
  expect(result.stderr).toContain('Usage: cdk-training-storage copy');
  const range = await run(process.execPath, [CLI, 'copy', 's3://a/p/', 's3://b/q/', '--concurrency', '5000']);
  expect(range.code).toBe(2);
  expect(range.stderr).toMatch(/^error: --concurrency: "5000" is not a whole number from 1 to 1000/);
});

test('a source without a trailing slash that names no object exits 1 with a hint', async () => {
  const uri = `s3://${SOURCE_BUCKET}/${SOURCE_PREFIX.slice(0, -1)}`;
  const result = await run(process.execPath, [CLI, 'copy', uri, 's3://cli-destination/hint/', '--endpoint-url', s3.endpoint, '--no-progress']);
  expect(result.code).toBe(1);
  expect(result.stderr).toContain(`hint: ${uri} is not an object; to copy the objects under that prefix, end it with "/": ${uri}/\n`);
});

test('--version prints the package version, from a copy of the two bundled files alone elsewhere (no other file read at run time)', async () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { version } = require('../../package.json') as { version: string };
  const alone = path.join(home, 'installed');
  fs.mkdirSync(path.join(alone, 'bin'), { recursive: true });
  fs.mkdirSync(path.join(alone, 'cli'), { recursive: true });
  fs.copyFileSync(CLI, path.join(alone, 'bin', 'index.js'));
  fs.copyFileSync(BUNDLE, path.join(alone, 'cli', 'index.js'));
  const result = await run(process.execPath, [path.join(alone, 'bin', 'index.js'), '--version']);
  expect(result).toEqual({ code: 0, stdout: `cdk-training-storage ${version}\n`, stderr: '' });
});

test('on Node.js 22.1 and later the launcher keeps a compile cache of the bundle, where NODE_COMPILE_CACHE says', async () => {
  const cache = path.join(home, 'compile-cache');
  const result = await new Promise<Run>((resolve) => {
    execFile(process.execPath, [CLI, '--version'], { env: { PATH: process.env.PATH, HOME: home, NODE_COMPILE_CACHE: cache } },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, stdout, stderr }));
  });
  expect(result.code).toBe(0);
  const [major, minor] = process.versions.node.split('.').map(Number);
  const supported = major > 22 || (major === 22 && minor >= 1);
  const files = fs.existsSync(cache) ? fs.readdirSync(cache, { recursive: true }).length : 0;
  // Node.js 20 has no compile cache: the launcher only loads the bundle.
  expect(files > 0).toBe(supported);
});

/**
 * A Node.js older than 22, on which the SDK prints its Node.js version notice: this machine's
 * /usr/bin/node when it is one (Node.js 20 here); else the test's own Node.js told it is v20.0.0
 * (a preload script redefines process.version, which the SDK reads).
 */
function nodeBelow22(): { file: string; args: string[] } {
  for (const candidate of ['/usr/bin/node', '/usr/local/bin/node', process.execPath]) {
    try {
      const version = execFileSync(candidate, ['--version'], { encoding: 'utf8' }).trim();
      if (Number(/^v(\d+)\./.exec(version)?.[1]) < 22) {
        return { file: candidate, args: [] };
      }
    } catch {
      // not there
    }
  }
  const preload = path.join(home, 'node-20.js');
  fs.writeFileSync(preload, "Object.defineProperty(process, 'version', { value: 'v20.0.0' });\n");
  return { file: process.execPath, args: ['--require', preload] };
}

test('on Node.js 20 the bundled command line prints no SDK Node.js version notice, and --help says which versions it supports', async () => {
  const node = nodeBelow22();
  const result = await run(node.file, [...node.args, CLI, 'copy', `s3://${SOURCE_BUCKET}/${SOURCE_PREFIX}`, 's3://cli-destination/node20/',
    '--endpoint-url', s3.endpoint, '--no-progress', '--dry-run']);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  const help = await run(node.file, [...node.args, CLI, '--help']);
  expect(help.stdout).toContain('Runs on Node.js 20 or later.');
});

const AWS_CLI = findAwsCli();

if (AWS_CLI) {
  test(`the AWS CLI (${AWS_CLI}) lists the same keys and sizes at the destination as at the source`, async () => {
    const result = await copy('s3://cli-destination/for-aws/', s3.endpoint, ['--no-progress']);
    expect(result.code).toBe(0);
    const listed = await run(AWS_CLI, ['s3api', 'list-objects-v2', '--endpoint-url', s3.endpoint, '--bucket', 'cli-destination',
      '--prefix', 'for-aws/', '--output', 'json']);
    expect(listed.code).toBe(0);
    const contents = (JSON.parse(listed.stdout) as { Contents?: Array<{ Key: string; Size: number }> }).Contents ?? [];
    const expected = new Map(OBJECTS.map((o) => [`for-aws/${o.key.slice(SOURCE_PREFIX.length)}`, o.body.length]));
    expect(new Map(contents.map((o) => [o.Key, o.Size]))).toEqual(expected);
  }, 120_000);
} else {
  // CI installs the Debian package awscli (see .ci/run); without it this check is not registered.
  process.stderr.write('cli-copy.test.ts: no AWS CLI found, so the AWS CLI listing check is not registered\n');
}
