// eslint-disable-next-line @typescript-eslint/no-require-imports
const serializer = require('./asset-hash-serializer');

describe('asset hash snapshot serializer', () => {
  const hash = 'a'.repeat(32) + '0123456789abcdef'.repeat(2);

  test('applies to strings that hold a 64-hex-digit asset hash, and only to those', () => {
    expect(serializer.test(`${hash}.zip`)).toBe(true);
    expect(serializer.test('cdk-hnb659fds-assets-${AWS::AccountId}')).toBe(false);
    expect(serializer.test(42)).toBe(false);
  });

  test('replaces every hash so that snapshots do not drift with bundle bytes', () => {
    expect(serializer.serialize(`s3://bucket/${hash}.zip and ${hash}.json`))
      .toBe('"s3://bucket/[ASSET-HASH].zip and [ASSET-HASH].json"');
  });
});
