import { USAGE, UsageError, parseCopyArgs, parsePositiveInt, parseS3Uri, parseSize } from '../../src/cli/args';

describe('command line arguments', () => {
  test('s3:// URIs split into bucket and path', () => {
    expect(parseS3Uri('s3://lake/datasets/corpus/')).toEqual({ bucket: 'lake', path: 'datasets/corpus/' });
    expect(parseS3Uri('s3://lake')).toEqual({ bucket: 'lake', path: '' });
    expect(parseS3Uri('s3://lake/a/b.txt')).toEqual({ bucket: 'lake', path: 'a/b.txt' });
    for (const bad of ['lake/prefix/', 'https://lake/x', 's3://', 's3:///x']) {
      expect(() => parseS3Uri(bad)).toThrow(new UsageError(`not an s3:// URI: ${JSON.stringify(bad)} (expected s3://bucket/prefix/)`));
    }
  });

  test('sizes take binary and decimal units', () => {
    expect(parseSize('8MiB', '--part-size')).toBe(8 * 1024 * 1024);
    expect(parseSize('5GiB', '--x')).toBe(5 * 1024 ** 3);
    expect(parseSize('100MB', '--x')).toBe(100e6);
    expect(parseSize('1048576', '--x')).toBe(1048576);
    expect(parseSize('1.5 KiB', '--x')).toBe(1536);
    expect(() => parseSize('8 parsecs', '--part-size')).toThrow('--part-size: "8 parsecs" is not a size (examples: 8MiB, 5GiB, 1048576)');
  });

  test('whole numbers must be at least 1', () => {
    expect(parsePositiveInt('64', '--concurrency')).toBe(64);
    for (const bad of ['0', '-1', '2.5', 'many']) {
      expect(() => parsePositiveInt(bad, '--concurrency')).toThrow(`--concurrency: ${JSON.stringify(bad)} is not a whole number of at least 1`);
    }
  });

  test('copy options with their defaults', () => {
    expect(parseCopyArgs(['s3://a/p/', 's3://b/q/'])).toEqual({
      source: { bucket: 'a', path: 'p/' },
      destination: { bucket: 'b', path: 'q/' },
      concurrency: undefined,
      endpointUrl: undefined,
      region: undefined,
      sourceRegion: undefined,
      destinationRegion: undefined,
      dryRun: false,
      overwrite: 'if-different',
      storageClass: undefined,
      sseKmsKeyId: undefined,
      multipartThresholdBytes: undefined,
      partSizeBytes: undefined,
      maxAttempts: undefined,
      progress: true,
      json: false,
    });
  });

  test('every option is read, with a space or an equals sign', () => {
    const cmd = parseCopyArgs([
      's3://a/p/', 's3://b/q/', '--concurrency', '16', '--endpoint-url=http://127.0.0.1:4566', '--region', 'eu-west-1',
      '--source-region', 'us-east-1', '--destination-region=us-west-2', '--dry-run', '--overwrite', 'never',
      '--storage-class', 'INTELLIGENT_TIERING', '--sse-kms-key-id', 'alias/x', '--multipart-threshold', '64MiB',
      '--part-size', '16MiB', '--max-attempts', '3', '--no-progress', '--json',
    ]);
    expect(cmd).toEqual({
      source: { bucket: 'a', path: 'p/' },
      destination: { bucket: 'b', path: 'q/' },
      concurrency: 16,
      endpointUrl: 'http://127.0.0.1:4566',
      region: 'eu-west-1',
      sourceRegion: 'us-east-1',
      destinationRegion: 'us-west-2',
      dryRun: true,
      overwrite: 'never',
      storageClass: 'INTELLIGENT_TIERING',
      sseKmsKeyId: 'alias/x',
      multipartThresholdBytes: 64 * 1024 * 1024,
      partSizeBytes: 16 * 1024 * 1024,
      maxAttempts: 3,
      progress: false,
      json: true,
    });
  });

  test.each([
    [['s3://a/p/'], 'copy takes a source and a destination s3:// URI (1 given)'],
    [['s3://a/p/', 's3://b/q/', 's3://c/'], 'copy takes a source and a destination s3:// URI (3 given)'],
    [['s3://a/p/', 's3://b/q/', '--frobnicate'], 'unknown option --frobnicate'],
    [['s3://a/p/', 's3://b/q/', '--concurrency'], '--concurrency needs a value'],
    [['s3://a/p/', 's3://b/q/', '--overwrite', 'sometimes'], '--overwrite: "sometimes" is not one of if-different, always, never'],
  ])('rejects %j', (args, message) => {
    expect(() => parseCopyArgs(args)).toThrow(new UsageError(message));
  });

  test.each([
    [['--concurrency', '1001'], '--concurrency: "1001" is not a whole number from 1 to 1000 (DatasetCopy\'s limit too)'],
    [['--concurrency', '0'], '--concurrency: "0" is not a whole number from 1 to 1000 (DatasetCopy\'s limit too)'],
    [['--multipart-threshold', '6GiB'], '--multipart-threshold: "6GiB" is not between 1 byte and 5GiB (the largest object CopyObject copies)'],
    [['--multipart-threshold', '0'], '--multipart-threshold: "0" is not between 1 byte and 5GiB (the largest object CopyObject copies)'],
    [['--part-size', '4MiB'], '--part-size: "4MiB" is not between 5MiB and 5GiB (the part sizes S3 accepts)'],
    [['--part-size', '6GiB'], '--part-size: "6GiB" is not between 5MiB and 5GiB (the part sizes S3 accepts)'],
    [['--endpoint-url', '127.0.0.1:4566'], '--endpoint-url: "127.0.0.1:4566" is not an http:// or https:// URL (example: http://127.0.0.1:4566)'],
    [['--endpoint-url', 'ftp://host'], '--endpoint-url: "ftp://host" is not an http:// or https:// URL (example: http://127.0.0.1:4566)'],
    [['--endpoint-url', 'http://host:4566/?x=1'], '--endpoint-url: "http://host:4566/?x=1" is not an http:// or https:// URL (example: http://127.0.0.1:4566)'],
  ])('a value out of range is a usage error naming the flag: %j', (option, message) => {
    expect(() => parseCopyArgs(['s3://a/p/', 's3://b/q/', ...option])).toThrow(new UsageError(message));
  });

  test('the limits themselves are accepted', () => {
    expect(parseCopyArgs(['s3://a/p/', 's3://b/q/', '--concurrency', '1000', '--multipart-threshold', '5GiB', '--part-size', '5MiB',
      '--endpoint-url', 'https://s3.example.com:9000/base'])).toMatchObject({
      concurrency: 1000, multipartThresholdBytes: 5 * 1024 ** 3, partSizeBytes: 5 * 1024 ** 2, endpointUrl: 'https://s3.example.com:9000/base',
    });
    expect(parseCopyArgs(['s3://a/p/', 's3://b/q/', '--multipart-threshold', '1', '--part-size', '5GiB'])).toMatchObject({
      multipartThresholdBytes: 1, partSizeBytes: 5 * 1024 ** 3,
    });
  });

  test('the usage lists every option', () => {
    for (const option of ['--concurrency', '--endpoint-url', '--region', '--source-region', '--destination-region', '--overwrite',
      '--storage-class', '--sse-kms-key-id', '--multipart-threshold', '--part-size', '--max-attempts', '--dry-run', '--no-progress', '--json']) {
      expect(USAGE).toContain(option);
    }
    expect(USAGE).toContain('the destination must not be the source itself, nor a prefix inside the\nsource prefix');
    expect(USAGE).toContain('  --version                  print the version\n');
    expect(USAGE).toContain('Runs on Node.js 20 or later.');
  });
});
