import * as rules from '../../src/lustre/rules';
import { CapacityContext } from '../../src/lustre/rules';

const P2: CapacityContext = { deploymentType: 'PERSISTENT_2', storageType: 'SSD', efa: false, perUnitStorageThroughput: 125 };
const S2: CapacityContext = { deploymentType: 'SCRATCH_2', storageType: 'SSD', efa: false };
const S1: CapacityContext = { deploymentType: 'SCRATCH_1', storageType: 'SSD', efa: false };
const IT: CapacityContext = { deploymentType: 'PERSISTENT_2', storageType: 'INTELLIGENT_TIERING', efa: false };

describe('storage capacity', () => {
  test.each([1200, 2400, 4800, 7200, 100800])('%i GiB is valid on PERSISTENT_2 and SCRATCH_2 SSD', (capacity) => {
    expect(rules.checkStorageCapacity(P2, capacity)).toBeUndefined();
    expect(rules.checkStorageCapacity(S2, capacity)).toBeUndefined();
  });

  test.each([0, 1000, 1201, 3600, 6000, 2400.5, -2400])('%d GiB is rejected with the valid capacities', (capacity) => {
    expect(rules.checkStorageCapacity(P2, capacity)).toEqual({
      property: 'storageCapacityGiB',
      received: String(capacity),
      allowed: '1200, 2400, then multiples of 2400 GiB (4800, 7200, ...) for PERSISTENT_2 SSD',
    });
  });

  test('SCRATCH_1: 1200, 2400, then multiples of 3600 GiB', () => {
    for (const capacity of [1200, 2400, 3600, 7200, 10800]) {
      expect(rules.checkStorageCapacity(S1, capacity)).toBeUndefined();
    }
    expect(rules.checkStorageCapacity(S1, 4800)?.allowed).toBe('1200, 2400, then multiples of 3600 GiB (3600, 7200, ...) for SCRATCH_1 SSD');
  });

  test.each([[125, 38400], [250, 19200], [500, 9600], [1000, 4800]])('EFA at %i MB/s/TiB: multiples of %i GiB', (perUnit, step) => {
    const efa: CapacityContext = { ...P2, efa: true, perUnitStorageThroughput: perUnit };
    expect(rules.checkStorageCapacity(efa, step)).toBeUndefined();
    expect(rules.checkStorageCapacity(efa, 3 * step)).toBeUndefined();
    expect(rules.checkStorageCapacity(efa, 2400)).toEqual({
      property: 'storageCapacityGiB',
      received: '2400',
      allowed: `multiples of ${step} GiB (${step}, ${2 * step}, ${3 * step}, ...): EFA-enabled file systems at ${perUnit} MB/s/TiB grow in steps of ${step} GiB`,
    });
  });

  test('Intelligent-Tiering has no storage capacity', () => {
    expect(rules.checkStorageCapacity(IT, 1200)).toEqual({
      property: 'storageCapacityGiB',
      received: '1200',
      allowed: 'nothing with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering storage is elastic and has no provisioned capacity; '
        + 'size its throughput with throughputCapacityMBps',
    });
  });
});

describe('throughput', () => {
  test('throughput is capacity in TiB (1000 GiB, as FSx counts) times per-unit throughput', () => {
    expect(rules.throughputOf(P2, 1200)).toBe(150);
    expect(rules.throughputOf(P2, 2400)).toBe(300);
    expect(rules.throughputOf({ ...P2, perUnitStorageThroughput: 1000 }, 4800)).toBe(4800);
    expect(rules.throughputOf(S2, 1200)).toBe(240);
  });

  test.each([
    ['PERSISTENT_2 125', P2, 1, 1200],
    ['PERSISTENT_2 125', P2, 150, 1200],
    ['PERSISTENT_2 125', P2, 151, 2400],
    ['PERSISTENT_2 125', P2, 300, 2400],
    ['PERSISTENT_2 125', P2, 301, 4800],
    ['PERSISTENT_2 125', P2, 1000, 9600],
    ['PERSISTENT_2 1000', { ...P2, perUnitStorageThroughput: 1000 }, 10000, 12000],
    ['SCRATCH_2', S2, 240, 1200],
    ['SCRATCH_2', S2, 480, 2400],
    ['SCRATCH_2', S2, 481, 4800],
    ['SCRATCH_1', S1, 481, 3600],
    ['EFA 1000', { ...P2, efa: true, perUnitStorageThroughput: 1000 }, 1, 4800],
    ['EFA 1000', { ...P2, efa: true, perUnitStorageThroughput: 1000 }, 5000, 9600],
  ])('%s: %d MB/s needs %d GiB, the smallest valid capacity that reaches it', (_name, context, target, capacity) => {
    const derived = rules.capacityForThroughput(context as CapacityContext, target as number);
    expect(derived).toBe(capacity);
    expect(rules.isValidCapacity(context as CapacityContext, derived)).toBe(true);
    expect(rules.throughputOf(context as CapacityContext, derived)).toBeGreaterThanOrEqual(target as number);
  });

  test('a throughput target must be positive, and is for SSD only', () => {
    expect(rules.checkThroughputTarget(P2, 0)).toEqual({ property: 'throughputTargetMBps', received: '0', allowed: 'a positive number of MB/s' });
    expect(rules.checkThroughputTarget(IT, 4000)?.allowed).toBe(
      'nothing with LustreStorageType.INTELLIGENT_TIERING: set throughputCapacityMBps (multiples of 4000 MB/s) instead');
    expect(rules.checkThroughputTarget(P2, 1)).toBeUndefined();
  });

  test('per-unit storage throughput: 125, 250, 500 or 1000 on PERSISTENT_2 SSD, nothing elsewhere', () => {
    for (const value of [125, 250, 500, 1000]) {
      expect(rules.checkPerUnitStorageThroughput('PERSISTENT_2', 'SSD', value)).toBeUndefined();
    }
    expect(rules.checkPerUnitStorageThroughput('PERSISTENT_2', 'SSD', 200)).toEqual({
      property: 'perUnitStorageThroughput', received: '200', allowed: 'one of 125, 250, 500, 1000 (MB/s per TiB) for PERSISTENT_2 SSD',
    });
    expect(rules.checkPerUnitStorageThroughput('SCRATCH_2', 'SSD', 125)?.allowed).toBe(
      'nothing with SCRATCH_2: scratch file systems have a fixed baseline of 200 MB/s/TiB');
    expect(rules.checkPerUnitStorageThroughput('PERSISTENT_2', 'INTELLIGENT_TIERING', 125)?.allowed).toBe(
      'nothing with LustreStorageType.INTELLIGENT_TIERING: set throughputCapacityMBps (multiples of 4000 MB/s) instead');
  });

  test('Intelligent-Tiering throughput capacity: required, multiples of 4000 MB/s; not with SSD', () => {
    expect(rules.checkThroughputCapacity('INTELLIGENT_TIERING', 4000)).toBeUndefined();
    expect(rules.checkThroughputCapacity('INTELLIGENT_TIERING', 12000)).toBeUndefined();
    expect(rules.checkThroughputCapacity('INTELLIGENT_TIERING', 6000)).toEqual({
      property: 'throughputCapacityMBps', received: '6000', allowed: 'a multiple of 4000 MB/s (4000, 8000, 12000, ...)',
    });
    expect(rules.checkThroughputCapacity('INTELLIGENT_TIERING', undefined)).toEqual({
      property: 'throughputCapacityMBps',
      received: 'nothing',
      allowed: 'a multiple of 4000 MB/s (4000, 8000, ...): Intelligent-Tiering file systems are sized by throughput',
    });
    expect(rules.checkThroughputCapacity('SSD', 4000)?.allowed).toBe(
      'nothing with SSD storage: throughput is storage capacity times perUnitStorageThroughput (use throughputTargetMBps to size it)');
    expect(rules.checkThroughputCapacity('SSD', undefined)).toBeUndefined();
  });

  test('SSD read cache: 32 to 131072 GiB per 4000 MB/s, Intelligent-Tiering only', () => {
    expect(rules.checkReadCache('INTELLIGENT_TIERING', 32, 4000, true)).toBeUndefined();
    expect(rules.checkReadCache('INTELLIGENT_TIERING', 262144, 8000, true)).toBeUndefined();
    expect(rules.checkReadCache('INTELLIGENT_TIERING', undefined, 4000, false)).toBeUndefined();
    expect(rules.checkReadCache('INTELLIGENT_TIERING', 32, 8000, true)).toEqual({
      property: 'readCache',
      received: '32 GiB',
      allowed: 'a whole number of GiB from 64 to 262144 for 8000 MB/s of throughput capacity (32 to 131072 GiB for every 4000 MB/s)',
    });
    expect(rules.checkReadCache('INTELLIGENT_TIERING', 131073, 4000, true)?.received).toBe('131073 GiB');
    expect(rules.checkReadCache('SSD', undefined, 0, true)).toEqual({
      property: 'readCache', received: 'a read cache', allowed: 'nothing with SSD storage: the SSD read cache belongs to Intelligent-Tiering',
    });
  });
});

describe('metadata, EFA and Lustre versions', () => {
  test('SSD metadata IOPS: 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000', () => {
    expect(rules.SSD_METADATA_IOPS).toEqual([1500, 3000, 6000, 12000, 24000, 36000, 48000, 60000, 72000, 84000, 96000, 108000, 120000,
      132000, 144000, 156000, 168000, 180000, 192000]);
    for (const iops of rules.SSD_METADATA_IOPS) {
      expect(rules.checkMetadata('PERSISTENT_2', 'SSD', 'USER_PROVISIONED', iops)).toBeUndefined();
    }
    for (const iops of [1000, 2000, 18000, 204000]) {
      expect(rules.checkMetadata('PERSISTENT_2', 'SSD', 'USER_PROVISIONED', iops)).toEqual({
        property: 'metadataConfiguration',
        received: `${iops} IOPS`,
        allowed: 'one of 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000 (24000, 36000, 48000, ..., 192000) metadata IOPS for SSD file systems',
      });
    }
    expect(rules.checkMetadata('PERSISTENT_2', 'SSD', 'AUTOMATIC', undefined)).toBeUndefined();
    expect(rules.checkMetadata('PERSISTENT_2', 'SSD', undefined, undefined)).toBeUndefined();
  });

  test('Intelligent-Tiering: provisioned 6000 or 12000 IOPS only, and required', () => {
    expect(rules.checkMetadata('PERSISTENT_2', 'INTELLIGENT_TIERING', 'USER_PROVISIONED', 6000)).toBeUndefined();
    expect(rules.checkMetadata('PERSISTENT_2', 'INTELLIGENT_TIERING', 'USER_PROVISIONED', 12000)).toBeUndefined();
    expect(rules.checkMetadata('PERSISTENT_2', 'INTELLIGENT_TIERING', 'USER_PROVISIONED', 3000)).toEqual({
      property: 'metadataConfiguration', received: '3000 IOPS', allowed: '6000, 12000 metadata IOPS for Intelligent-Tiering file systems',
    });
    expect(rules.checkMetadata('PERSISTENT_2', 'INTELLIGENT_TIERING', 'AUTOMATIC', undefined)?.allowed).toBe(
      'LustreMetadataConfiguration.provisioned(iops) with 6000, 12000 IOPS: AUTOMATIC mode is for SSD file systems only');
    expect(rules.checkMetadata('PERSISTENT_2', 'INTELLIGENT_TIERING', undefined, undefined)?.allowed).toBe(
      'LustreMetadataConfiguration.provisioned(iops) with 6000, 12000 IOPS: Intelligent-Tiering file systems need provisioned metadata IOPS');
  });

  test('a metadata configuration is for PERSISTENT_2 only', () => {
    expect(rules.checkMetadata('SCRATCH_2', 'SSD', 'AUTOMATIC', undefined)).toEqual({
      property: 'metadataConfiguration', received: 'AUTOMATIC', allowed: 'nothing with SCRATCH_2: a metadata configuration is for PERSISTENT_2 file systems only',
    });
    expect(rules.checkMetadata('SCRATCH_1', 'SSD', 'USER_PROVISIONED', 1500)?.received).toBe('USER_PROVISIONED 1500 IOPS');
  });

  test('EFA: PERSISTENT_2 with a metadata configuration', () => {
    expect(rules.checkEfa('PERSISTENT_2', true)).toBeUndefined();
    expect(rules.checkEfa('SCRATCH_2', true)).toEqual({
      property: 'efa', received: 'true', allowed: 'false with SCRATCH_2: EFA-enabled file systems are PERSISTENT_2 with a metadata configuration',
    });
    expect(rules.checkEfa('PERSISTENT_2', false)?.allowed).toBe('false without a metadataConfiguration: EFA-enabled file systems are PERSISTENT_2 '
      + 'with a metadata configuration (LustreMetadataConfiguration.automatic() or .provisioned(iops))');
  });

  test('Lustre versions: no 2.10 on PERSISTENT_2, 2.15 with a metadata configuration', () => {
    expect(rules.checkLustreVersion('2.10', 'PERSISTENT_2', false)).toEqual({
      property: 'lustreVersion', received: '2.10', allowed: 'LustreVersion.V_2_12 or V_2_15 for PERSISTENT_2 (2.15 with a metadata configuration)',
    });
    expect(rules.checkLustreVersion('2.12', 'PERSISTENT_2', true)).toEqual({
      property: 'lustreVersion', received: '2.12', allowed: 'LustreVersion.V_2_15 with a metadata configuration',
    });
    expect(rules.checkLustreVersion('2.12', 'PERSISTENT_2', false)).toBeUndefined();
    expect(rules.checkLustreVersion('2.10', 'SCRATCH_2', false)).toBeUndefined();
    expect(rules.checkLustreVersion('2.15', 'PERSISTENT_2', true)).toBeUndefined();
  });
});

describe('backups, keys, logging, root squash', () => {
  const base = { deploymentType: 'PERSISTENT_2' as const, dataRepositories: 0 };

  test('retention: 0 to 90 whole days; none on scratch or with data repositories', () => {
    expect(rules.checkBackups({ ...base, retentionDays: 90 })).toBeUndefined();
    expect(rules.checkBackups({ ...base, retentionDays: 0 })).toBeUndefined();
    expect(rules.checkBackups({ ...base, retentionDays: 91 })).toEqual({
      property: 'automaticBackupRetention', received: '91 days', allowed: 'a whole number of days from 0 (off) to 90',
    });
    expect(rules.checkBackups({ deploymentType: 'SCRATCH_2', dataRepositories: 0, retentionDays: 7 })).toEqual({
      property: 'automaticBackupRetention', received: '7 days', allowed: '0 days or nothing with SCRATCH_2: scratch file systems are not backed up',
    });
    expect(rules.checkBackups({ deploymentType: 'SCRATCH_2', dataRepositories: 0, retentionDays: 0 })).toBeUndefined();
    expect(rules.checkBackups({ ...base, dataRepositories: 1, retentionDays: 7 })?.allowed).toBe('0 days or nothing on a file system with data '
      + 'repositories: FSx cannot link data repositories to file systems with backups; exported data is kept in S3');
  });

  test('start time: HH:MM, only with backups', () => {
    expect(rules.checkBackups({ ...base, dailyStartTime: '03:00' })).toBeUndefined();
    for (const time of ['3:00', '24:00', '03:60', '0300']) {
      expect(rules.checkBackups({ ...base, dailyStartTime: time })).toEqual({
        property: 'dailyAutomaticBackupStartTime', received: JSON.stringify(time), allowed: 'a UTC time of day HH:MM, such as "03:00"',
      });
    }
    expect(rules.checkBackups({ ...base, dailyStartTime: '03:00', retentionDays: 0 })?.allowed).toBe('nothing without automatic backups');
    expect(rules.checkBackups({ ...base, dailyStartTime: '03:00', dataRepositories: 2 })?.allowed).toBe('nothing without automatic backups');
  });

  test('copy tags: only with backups, never with data repositories', () => {
    expect(rules.checkBackups({ ...base, copyTags: true })).toBeUndefined();
    expect(rules.checkBackups({ ...base, copyTags: false, dataRepositories: 1 })).toBeUndefined();
    expect(rules.checkBackups({ ...base, copyTags: true, retentionDays: 0 })).toEqual({
      property: 'copyTagsToBackups', received: 'true', allowed: 'false or nothing without automatic backups',
    });
    expect(rules.checkBackups({ ...base, copyTags: true, dataRepositories: 1 })?.allowed).toBe(
      'false or nothing on a file system with data repositories (not available with linked data repositories)');
  });

  test('scratch file systems take no key of your own', () => {
    expect(rules.checkEncryptionKey('PERSISTENT_2')).toBeUndefined();
    expect(rules.checkEncryptionKey('SCRATCH_2')).toEqual({
      property: 'encryptionKey', received: 'a key', allowed: 'nothing with SCRATCH_2: scratch file systems are encrypted with keys that FSx manages',
    });
  });

  test('log groups begin with /aws/fsx', () => {
    expect(rules.checkLogGroupName('/aws/fsx/lustre/training')).toBeUndefined();
    expect(rules.checkLogGroupName('/training/lustre')).toEqual({
      property: 'logGroup', received: '"/training/lustre"', allowed: 'a log group whose name begins with "/aws/fsx" (Lustre logging writes only there)',
    });
  });

  test('root squash IDs and NIDs', () => {
    expect(rules.checkSquashId('rootSquash.uid', 65534)).toBeUndefined();
    expect(rules.checkSquashId('rootSquash.uid', 4294967294)).toBeUndefined();
    for (const id of [0, -1, 4294967295, 1.5]) {
      expect(rules.checkSquashId('rootSquash.gid', id)).toEqual({
        property: 'rootSquash.gid',
        received: String(id),
        allowed: 'a whole number from 1 to 4294967294 (0 is root: use LustreRootSquash.disabled() to turn root squash off)',
      });
    }
    expect(rules.checkNoSquashNids(['10.0.1.6@tcp', '10.0.[2-10].[1-255]@tcp'])).toBeUndefined();
    expect(rules.checkNoSquashNids(['node1@tcp'])).toEqual({
      property: 'rootSquash.noSquashNids[0]',
      received: '"node1@tcp"',
      allowed: 'a Lustre NID of 11 to 43 characters: an IPv4 address or range followed by "@tcp", such as "10.0.1.6@tcp" or "10.0.[2-10].[1-255]@tcp"',
    });
    expect(rules.checkNoSquashNids(['10.0.1.6@tcp', '10.0.1.7'])?.property).toBe('rootSquash.noSquashNids[1]');
    expect(rules.checkNoSquashNids(Array.from({ length: 65 }, (_, i) => `10.0.1.${i}@tcp`))).toEqual({
      property: 'rootSquash.noSquashNids', received: '65 NIDs', allowed: 'at most 64 NIDs',
    });
  });
});

describe('data repositories', () => {
  test('not on SCRATCH_1, Intelligent-Tiering or Lustre 2.10', () => {
    expect(rules.checkDataRepositoriesAllowed('PERSISTENT_2', 'SSD', '2.15')).toBeUndefined();
    expect(rules.checkDataRepositoriesAllowed('SCRATCH_2', 'SSD', '2.12')).toBeUndefined();
    expect(rules.checkDataRepositoriesAllowed('SCRATCH_1', 'SSD', '2.15')).toEqual({
      property: 'dataRepositories', received: 'a data repository', allowed: 'none with SCRATCH_1: data repository associations need SCRATCH_2 or PERSISTENT_2',
    });
    expect(rules.checkDataRepositoriesAllowed('PERSISTENT_2', 'INTELLIGENT_TIERING', '2.15')?.allowed).toBe(
      'none with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering file systems take no data repository associations');
    expect(rules.checkDataRepositoriesAllowed('SCRATCH_2', 'SSD', '2.10')?.allowed).toBe(
      'none with Lustre 2.10: data repository associations need Lustre 2.12 or 2.15');
  });

  test('at most 8', () => {
    expect(rules.checkDataRepositoryCount(8)).toBeUndefined();
    expect(rules.checkDataRepositoryCount(9)).toEqual({ property: 'dataRepositories', received: '9 data repositories', allowed: 'at most 8 per file system' });
  });

  test('file system paths: absolute, normalized, no empty or relative segment', () => {
    expect(rules.normalizeFileSystemPath('/')).toBe('/');
    expect(rules.normalizeFileSystemPath('/datasets')).toBe('/datasets');
    expect(rules.normalizeFileSystemPath('/datasets/corpus/')).toBe('/datasets/corpus');
    for (const path of ['datasets', '', '//', '/a//b', '/a/./b', '/a/../b', '/a b', `/${'x'.repeat(4096)}`]) {
      expect(rules.normalizeFileSystemPath(path)).toEqual({
        property: 'fileSystemPath',
        received: JSON.stringify(path),
        allowed: 'an absolute path on the file system such as "/datasets" or "/checkpoints/run1": starts with "/", no empty, "." or ".." segment, '
          + 'no whitespace or control characters, at most 4096 characters',
      });
    }
  });

  test.each([
    ['/a', '/a/b', true],
    ['/a/b', '/a', true],
    ['/a', '/a', true],
    ['/', '/datasets', true],
    ['/datasets', '/', true],
    ['/a', '/ab', false],
    ['/datasets', '/checkpoints', false],
  ])('file system paths %s and %s overlap: %s', (a, b, overlap) => {
    expect(rules.fileSystemPathsOverlap(a, b)).toBe(overlap);
  });

  test.each([
    ['datasets/', 'datasets/corpus/', true],
    ['datasets/corpus/', 'datasets/', true],
    ['', 'checkpoints/', true],
    ['datasets/', 'datasets-old/', false],
    ['datasets/', 'checkpoints/', false],
  ])('S3 prefixes %j and %j overlap: %s', (a, b, overlap) => {
    expect(rules.s3PrefixesOverlap(a, b)).toBe(overlap);
  });

  test('events: NEW, CHANGED, DELETED, each at most once', () => {
    expect(rules.checkEvents('autoImport', [])).toBeUndefined();
    expect(rules.checkEvents('autoImport', ['NEW', 'CHANGED', 'DELETED'])).toBeUndefined();
    expect(rules.checkEvents('autoExport', ['NEW', 'NEW'])).toEqual({
      property: 'autoExport',
      received: '["NEW","NEW"]',
      allowed: 'any of DataRepositoryEvent.NEW, CHANGED and DELETED, each at most once (an empty list turns the policy off)',
    });
    expect(rules.checkEvents('autoImport', ['MODIFIED'])?.received).toBe('["MODIFIED"]');
  });

  test('imported file chunk size: 1 to 512000 MiB', () => {
    expect(rules.checkImportedFileChunkSize(1)).toBeUndefined();
    expect(rules.checkImportedFileChunkSize(512000)).toBeUndefined();
    for (const size of [0, 512001, 1.5]) {
      expect(rules.checkImportedFileChunkSize(size)).toEqual({
        property: 'importedFileChunkSizeMiB', received: String(size), allowed: 'a whole number of MiB from 1 to 512000 (FSx default 1024)',
      });
    }
  });
});
