import * as fs from 'fs';
import * as path from 'path';
import {
  DIRECTORY_BUCKET_SUFFIX, MAX_DIRECTORY_BUCKET_NAME_LENGTH, directoryBucketName, isDirectoryBucketName, isValidDirectoryBucketBaseName,
  maxDirectoryBucketBaseNameLength, zoneIdOfDirectoryBucketName,
} from '../../src/core/s3-names';

describe('directory bucket names (core/s3-names)', () => {
  test('a directory bucket name ends with --x-s3', () => {
    expect(DIRECTORY_BUCKET_SUFFIX).toBe('--x-s3');
    expect(isDirectoryBucketName('cache--use1-az4--x-s3')).toBe(true);
    expect(isDirectoryBucketName('cache--use1-bos1-az1--x-s3')).toBe(true);
    expect(isDirectoryBucketName('my-bucket')).toBe(false);
    expect(isDirectoryBucketName('x-s3')).toBe(false);
    expect(isDirectoryBucketName('bucket-x-s3')).toBe(false);
  });

  test('<base>--<zone-id>--x-s3', () => {
    expect(directoryBucketName('cache', 'use1-az4')).toBe('cache--use1-az4--x-s3');
  });

  test('the zone ID of a full name: Availability Zone and Local Zone IDs; undefined for anything else', () => {
    expect(zoneIdOfDirectoryBucketName('cache--use1-az4--x-s3')).toBe('use1-az4');
    expect(zoneIdOfDirectoryBucketName('team-cache--apne1-az1--x-s3')).toBe('apne1-az1');
    expect(zoneIdOfDirectoryBucketName('cache--use1-bos1-az1--x-s3')).toBe('use1-bos1-az1');
    expect(zoneIdOfDirectoryBucketName('general-purpose-bucket')).toBeUndefined();
    expect(zoneIdOfDirectoryBucketName('cache--us-east-1a--x-s3')).toBeUndefined(); // a zone name is not a zone ID
    expect(zoneIdOfDirectoryBucketName('Cache--use1-az4--x-s3')).toBeUndefined();
    const longest = `${'a'.repeat(MAX_DIRECTORY_BUCKET_NAME_LENGTH - '--use1-az4--x-s3'.length)}--use1-az4--x-s3`;
    expect(longest).toHaveLength(63);
    expect(zoneIdOfDirectoryBucketName(longest)).toBe('use1-az4');
    expect(zoneIdOfDirectoryBucketName(`a${longest}`)).toBeUndefined();
  });

  test('base names: 63 characters in all, letters, digits and single hyphens, no reserved prefix', () => {
    expect(maxDirectoryBucketBaseNameLength('use1-az4'.length)).toBe(63 - 8 - 2 - 6);
    expect(isValidDirectoryBucketBaseName('a'.repeat(47), 8)).toBe(true);
    expect(isValidDirectoryBucketBaseName('a'.repeat(48), 8)).toBe(false);
    for (const bad of ['Cache', '-cache', 'cache-', 'ca--che', 'xn--cache', 'sthree-cache', 'ca.che', '']) {
      expect([bad, isValidDirectoryBucketBaseName(bad, 8)]).toEqual([bad, false]);
    }
    expect(isValidDirectoryBucketBaseName('training-cache-1', 8)).toBe(true);
  });

  test('one rule: no other source file tests for the --x-s3 suffix itself', () => {
    const root = path.join(__dirname, '..', '..', 'src');
    const offenders: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) {
          walk(file);
        } else if (file.endsWith('.ts') && !file.endsWith(path.join('core', 's3-names.ts'))) {
          // Code only: comments and documentation may name the suffix.
          const code = fs.readFileSync(file, 'utf-8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
          // The suffix as a string of its own ('--x-s3') or at the end of a regular expression (--x-s3$/).
          if (/(['"`])--x-s3\1/.test(code) || /--x-s3\$\//.test(code)) {
            offenders.push(path.relative(root, file));
          }
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
