import * as fs from 'fs';
import * as path from 'path';
import { checkCacheSizeNeedsCache, checkLocalPath, checkReadOnlyFlags, checkWholeNumber, renderMountpointCommand, zonalEndpointUrl } from '../../src/express/clients';
import * as rules from '../../src/express/rules';

describe('ExpressCache rules (pure)', () => {
  test('base names: the limit counts the zone ID, or 10 characters for a zone known at deploy time only', () => {
    expect(rules.checkBucketBaseName('a'.repeat(47), 8, true)).toBeUndefined();
    expect(rules.checkBucketBaseName('a'.repeat(48), 8, true)?.allowed).toContain('at most 47 characters here (the name <base>--<az-id>--x-s3 is 3 to 63 characters)');
    expect(rules.checkBucketBaseName('a'.repeat(46), 10, false)?.allowed)
      .toContain('at most 45 characters here (the name <base>--<az-id>--x-s3 is 3 to 63 characters, counting 10 for a zone ID known at deploy time only)');
    expect(rules.checkBucketBaseName('Cache', 8, true)).toEqual(expect.objectContaining({ property: 'bucketBaseName', received: '"Cache"' }));
  });

  test('imported names: <base>--<az-id>--x-s3 only', () => {
    expect(rules.checkImportedBucketName('c--use1-az4--x-s3')).toBeUndefined();
    expect(rules.checkImportedBucketName('general-purpose')?.property).toBe('bucketName');
  });

  test('zones: format, Region, S3 Express One Zone list', () => {
    expect(rules.checkZoneIdFormat('use1-az4')).toBeUndefined();
    expect(rules.checkZoneIdFormat('us-east-1a')?.allowed).toContain('or place the bucket with subnet');
    expect(rules.checkZoneIdFormat('use1-bos1-az1')?.allowed).toContain('Local Zone directory buckets (SingleLocalZone redundancy) are not supported by ExpressCache');
    expect(rules.expressRegionOfZoneId('usw2-az3')).toBe('us-west-2');
    expect(rules.expressRegionOfZoneId('euc1-az1')).toBeUndefined();
    expect(rules.checkZoneRegion('use1-az4', 'us-east-1', 'us-east-1')).toBeUndefined();
    expect(rules.checkZoneRegion('use1-az4', 'us-east-1', 'us-west-2')?.allowed).toBe('an Availability Zone ID of the stack\'s Region us-west-2: "use1-az4" is in us-east-1');
    expect(rules.unsupportedZoneWarning('use1-az5', 'us-east-1')).toBeUndefined();
    expect(rules.unsupportedZoneWarning('use1-az2', 'us-east-1')).toContain('(use1-az4, use1-az5, use1-az6;');
  });

  test('lifecycle: the unsupported fields, an action, object sizes', () => {
    expect(rules.UNSUPPORTED_LIFECYCLE_FIELDS.map(([field]) => field)).toEqual(['transitions', 'noncurrentVersionTransitions', 'noncurrentVersionExpiration',
      'noncurrentVersionsToRetain', 'expiredObjectDeleteMarker', 'expirationDate', 'tagFilters']);
    expect(rules.unsupportedLifecycleField('lifecycleRules[0]', 'tagFilters', 'why', '{}').property).toBe('lifecycleRules[0].tagFilters');
    expect(rules.checkLifecycleAction('r', false, false)?.received).toBe('a rule without an action');
    expect(rules.checkLifecycleAction('r', true, false)).toBeUndefined();
    expect(rules.checkObjectSize('s', 0)).toBeUndefined();
    expect(rules.checkObjectSize('s', -1)?.received).toBe('-1');
    expect(rules.checkObjectSize('s', 1.5)?.received).toBe('1.5');
    expect(rules.checkObjectSizeRange('r', 10, 11)).toBeUndefined();
    expect(rules.checkObjectSizeRange('r', 10, 10)?.property).toBe('r.objectSizeLessThan');
  });

  test('bucket policy statements: s3express:CreateSession only', () => {
    expect(rules.checkSessionOnlyStatement(['s3express:CreateSession', 's3express:CreateSession'], [])).toBeUndefined();
    expect(rules.checkSessionOnlyStatement(['s3:GetObject'], [])?.received).toBe('actions ["s3:GetObject"]');
    expect(rules.checkSessionOnlyStatement([], ['s3:*'])?.received).toBe('NotAction ["s3:*"]');
  });
});

describe('ExpressCache clients (pure)', () => {
  test('the Mountpoint command line, arguments in a fixed order', () => {
    expect(renderMountpointCommand({ bucketName: 'b--use1-az4--x-s3', mountPath: '/mnt/cache' })).toBe('mount-s3 b--use1-az4--x-s3 /mnt/cache');
    expect(renderMountpointCommand({ bucketName: 'b', mountPath: '/m', prefix: '' })).toBe('mount-s3 b /m');
    expect(renderMountpointCommand({
      bucketName: 'b',
      mountPath: '/m',
      prefix: 'p/',
      cacheDirectory: '/nvme',
      maxCacheSizeMiB: 1024,
      readOnly: true,
      uid: 1000,
      gid: 1000,
    })).toBe('mount-s3 b /m --prefix p/ --cache /nvme --max-cache-size 1024 --read-only --uid 1000 --gid 1000');
    expect(renderMountpointCommand({ bucketName: 'b', mountPath: '/m', allowDelete: true, allowOverwrite: true })).toBe('mount-s3 b /m --allow-delete --allow-overwrite');
  });

  test('the checks of the command line\'s values', () => {
    expect(checkLocalPath('mountPath', '/mnt/cache-1_x.y')).toBeUndefined();
    for (const bad of ['mnt', '/mnt/my cache', '/mnt;rm', '']) {
      expect(checkLocalPath('mountPath', bad)?.received).toBe(JSON.stringify(bad));
    }
    expect(checkWholeNumber('uid', 0, 0)).toBeUndefined();
    expect(checkWholeNumber('maxCacheSizeMiB', 0, 1)?.allowed).toBe('a whole number, 1 or more');
    expect(checkCacheSizeNeedsCache('100', true)).toBeUndefined();
    expect(checkCacheSizeNeedsCache('100', false)?.property).toBe('maxCacheSizeMiB');
    expect(checkReadOnlyFlags(true, false, false)).toBeUndefined();
    expect(checkReadOnlyFlags(false, true, true)).toBeUndefined();
    expect(checkReadOnlyFlags(true, false, true)?.property).toBe('allowOverwrite');
    expect(checkReadOnlyFlags(true, true, true)?.property).toBe('allowDelete');
  });

  test('the zonal endpoint', () => {
    expect(zonalEndpointUrl('use1-az4', 'us-east-1', 'amazonaws.com')).toBe('https://s3express-use1-az4.us-east-1.amazonaws.com');
  });
});

describe('pure modules', () => {
  const SRC = path.join(__dirname, '..', '..', 'src');
  /**
   * The module specifiers a file imports at run time, and those of the relative modules it imports,
   * transitively (`import type` is erased by the compiler and is not followed).
   */
  function importsOf(file: string, seen = new Set<string>()): string[] {
    if (seen.has(file)) {
      return [];
    }
    seen.add(file);
    const text = fs.readFileSync(file, 'utf-8');
    const specifiers = [...text.matchAll(/^(?:import|export)(?! type )[^;]*?from '([^']+)';/gms)].map((m) => m[1]);
    return specifiers.flatMap((s) => (s.startsWith('.') ? [s, ...importsOf(`${path.resolve(path.dirname(file), s)}.ts`, seen)] : [s]));
  }

  test.each(['express/rules.ts', 'express/clients.ts', 'network/rules.ts', 'core/zones.ts', 'core/s3-names.ts'])('%s imports no aws-cdk-lib, constructs or AWS SDK', (file) => {
    const external = importsOf(path.join(SRC, file)).filter((s) => !s.startsWith('.'));
    expect(external).toEqual([]);
  });
});
