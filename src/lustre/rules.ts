/**
 * FSx for Lustre's rules, as pure functions without CDK imports: the construct calls them with
 * literal values (tokens are skipped by the caller) and turns a violation into a
 * `TrainingStorageError`. The tests call them directly.
 *
 * Sources, checked in November 2026 (see also the README, "LustreScratch: what is checked"):
 * - CloudFormation `AWS::FSx::FileSystem` (StorageCapacity, LustreConfiguration: PerUnitStorageThroughput,
 *   ThroughputCapacity, DataReadCacheConfiguration, MetadataConfiguration, EfaEnabled, LogConfiguration)
 *   and `AWS::FSx::DataRepositoryAssociation`;
 * - FSx API reference: CreateFileSystem (StorageCapacity, FileSystemTypeVersion),
 *   CreateFileSystemLustreMetadataConfiguration, LustreReadCacheConfiguration,
 *   LustreRootSquashConfiguration, LustreLogCreateConfiguration, DataRepositoryAssociation;
 * - FSx for Lustre User Guide: "Linking your file system to an S3 bucket", "Working with backups",
 *   "Increasing storage capacity" (EFA increments), "Creating an FSx for Lustre file system fails"
 *   (EFA security groups).
 */

/** Deployment types the construct offers (PERSISTENT_1, HDD-capable and superseded, is not offered). @internal */
export type DeploymentTypeValue = 'SCRATCH_1' | 'SCRATCH_2' | 'PERSISTENT_2';
/** Storage classes the construct offers. @internal */
export type StorageTypeValue = 'SSD' | 'INTELLIGENT_TIERING';
/** Lustre versions. @internal */
export type LustreVersionValue = '2.10' | '2.12' | '2.15';
/** Metadata configuration modes. @internal */
export type MetadataModeValue = 'AUTOMATIC' | 'USER_PROVISIONED';

/** What is wrong with one value: the property, the value as received, and what is allowed. @internal */
export interface RuleViolation {
  readonly property: string;
  readonly received: string;
  readonly allowed: string;
}

/** PerUnitStorageThroughput of PERSISTENT_2 SSD, MB/s per TiB (CloudFormation LustreConfiguration). @internal */
export const PERSISTENT_2_PER_UNIT_THROUGHPUTS = [125, 250, 500, 1000];
/**
 * Baseline throughput of scratch file systems, MB/s per TiB (FSx for Lustre User Guide, performance of
 * SSD storage; SCRATCH_2 bursts to 1300). Scratch file systems take no PerUnitStorageThroughput.
 * @internal
 */
export const SCRATCH_BASELINE_MBPS_PER_TIB = 200;
/** At most 8 data repository associations per file system (CreateDataRepositoryAssociation). @internal */
export const MAX_DATA_REPOSITORIES = 8;
/** Intelligent-Tiering throughput capacity comes in steps of 4000 MB/s (LustreConfiguration.ThroughputCapacity). @internal */
export const THROUGHPUT_CAPACITY_STEP_MBPS = 4000;
/** Metadata IOPS of SSD file systems: 1500, 3000, 6000, 12000, then multiples of 12000 up to 192000. @internal */
export const SSD_METADATA_IOPS = [1500, 3000, 6000, ...Array.from({ length: 16 }, (_, i) => (i + 1) * 12000)];
/** Metadata IOPS of Intelligent-Tiering file systems: 6000 or 12000. @internal */
export const INTELLIGENT_TIERING_METADATA_IOPS = [6000, 12000];
/**
 * EFA-enabled file systems grow in these steps of storage capacity, by per-unit throughput (FSx for
 * Lustre User Guide, "Increasing storage capacity": 38400 GiB at 125 MB/s/TiB, 19200 at 250, 9600 at
 * 500, 4800 at 1000); a valid capacity is a multiple of the step.
 * @internal
 */
export const EFA_CAPACITY_STEP_GIB: Readonly<Record<number, number>> = { 125: 38400, 250: 19200, 500: 9600, 1000: 4800 };
/** SSD read cache of Intelligent-Tiering: 32 to 131072 GiB for every 4000 MB/s of throughput capacity. @internal */
export const READ_CACHE_GIB_PER_STEP = { min: 32, max: 131072 };
/** ImportedFileChunkSize: 1 to 512000 MiB (default 1024). @internal */
export const IMPORTED_FILE_CHUNK_SIZE_MIB = { min: 1, max: 512000 };
/** Automatic backups are kept 0 (off) to 90 days (LustreConfiguration.AutomaticBackupRetentionDays). @internal */
export const MAX_BACKUP_RETENTION_DAYS = 90;

function violation(property: string, received: string, allowed: string): RuleViolation {
  return { property, received, allowed };
}

function list(values: ReadonlyArray<number | string>): string {
  return values.join(', ');
}

function isWhole(value: number): boolean {
  return Number.isInteger(value);
}

// ---------------------------------------------------------------------------------------------
// Storage capacity and throughput

/** The inputs that decide which storage capacities are valid. @internal */
export interface CapacityContext {
  readonly deploymentType: DeploymentTypeValue;
  readonly storageType: StorageTypeValue;
  readonly efa: boolean;
  /** MB/s per TiB; PERSISTENT_2 SSD only. */
  readonly perUnitStorageThroughput?: number;
}

/**
 * The valid storage capacities in words, for messages. SSD on SCRATCH_2 and PERSISTENT_2: 1200 GiB,
 * 2400 GiB, then increments of 2400 GiB; SCRATCH_1: 1200, 2400, then increments of 3600 GiB
 * (CreateFileSystem StorageCapacity); EFA: multiples of the EFA step.
 * @internal
 */
export function describeValidCapacities(context: CapacityContext): string {
  const efaStep = efaCapacityStep(context);
  if (efaStep !== undefined) {
    return `multiples of ${efaStep} GiB (${efaStep}, ${2 * efaStep}, ${3 * efaStep}, ...): EFA-enabled file systems at `
      + `${context.perUnitStorageThroughput} MB/s/TiB grow in steps of ${efaStep} GiB`;
  }
  const step = context.deploymentType === 'SCRATCH_1' ? 3600 : 2400;
  return `1200, 2400, then multiples of ${step} GiB (${step === 2400 ? '4800, 7200' : '3600, 7200'}, ...) for ${context.deploymentType} SSD`;
}

function efaCapacityStep(context: CapacityContext): number | undefined {
  if (!context.efa || context.perUnitStorageThroughput === undefined) {
    return undefined;
  }
  return EFA_CAPACITY_STEP_GIB[context.perUnitStorageThroughput];
}

/** Whether a storage capacity is valid for SSD storage in this context. @internal */
export function isValidCapacity(context: CapacityContext, capacityGiB: number): boolean {
  if (!isWhole(capacityGiB) || capacityGiB <= 0) {
    return false;
  }
  const efaStep = efaCapacityStep(context);
  if (efaStep !== undefined) {
    return capacityGiB % efaStep === 0;
  }
  const step = context.deploymentType === 'SCRATCH_1' ? 3600 : 2400;
  return capacityGiB === 1200 || capacityGiB === 2400 || capacityGiB % step === 0;
}

/** Checks `storageCapacityGiB` against the deployment and storage type. @internal */
export function checkStorageCapacity(context: CapacityContext, capacityGiB: number): RuleViolation | undefined {
  if (context.storageType === 'INTELLIGENT_TIERING') {
    return violation('storageCapacityGiB', String(capacityGiB),
      'nothing with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering storage is elastic and has no provisioned capacity; '
      + 'size its throughput with throughputCapacityMBps');
  }
  if (!isValidCapacity(context, capacityGiB)) {
    return violation('storageCapacityGiB', String(capacityGiB), describeValidCapacities(context));
  }
  return undefined;
}

/**
 * The per-unit throughput, MB/s per TiB, that a capacity delivers: PerUnitStorageThroughput on
 * PERSISTENT_2, the 200 MB/s/TiB baseline on scratch.
 * @internal
 */
export function perUnitThroughputOf(context: CapacityContext): number {
  return context.deploymentType === 'PERSISTENT_2' ? context.perUnitStorageThroughput ?? PERSISTENT_2_PER_UNIT_THROUGHPUTS[0] : SCRATCH_BASELINE_MBPS_PER_TIB;
}

/**
 * Throughput in MB/s of a capacity, the way FSx counts it: capacity in TiB times per-unit throughput,
 * where FSx counts 1000 GiB as 1 TiB ("a 2.4-TiB file system [2400 GiB] at 50 MB/s/TiB yields
 * 120 MB/s", CloudFormation LustreConfiguration.PerUnitStorageThroughput).
 * @internal
 */
export function throughputOf(context: CapacityContext, capacityGiB: number): number {
  return (capacityGiB * perUnitThroughputOf(context)) / 1000;
}

/**
 * The smallest valid SSD capacity of at least `minimumGiB`: 1200, 2400, then the next multiple of the
 * increment (2400 GiB; SCRATCH_1: 3600), or the next multiple of the EFA step (at least one step).
 * @internal
 */
export function smallestValidCapacity(context: CapacityContext, minimumGiB: number): number {
  const efaStep = efaCapacityStep(context);
  if (efaStep !== undefined) {
    return Math.max(1, Math.ceil(minimumGiB / efaStep)) * efaStep;
  }
  if (minimumGiB <= 1200) {
    return 1200;
  }
  if (minimumGiB <= 2400) {
    return 2400;
  }
  const step = context.deploymentType === 'SCRATCH_1' ? 3600 : 2400;
  return Math.ceil(minimumGiB / step) * step;
}

/**
 * The smallest valid SSD capacity whose throughput reaches the target (rounded up to the next valid
 * capacity: 1200, 2400, then the next multiple of the increment).
 * @internal
 */
export function capacityForThroughput(context: CapacityContext, targetMBps: number): number {
  return smallestValidCapacity(context, (targetMBps * 1000) / perUnitThroughputOf(context));
}

/** Checks `throughputTargetMBps`. @internal */
export function checkThroughputTarget(context: CapacityContext, targetMBps: number): RuleViolation | undefined {
  if (context.storageType === 'INTELLIGENT_TIERING') {
    return violation('throughputTargetMBps', String(targetMBps),
      'nothing with LustreStorageType.INTELLIGENT_TIERING: set throughputCapacityMBps (multiples of 4000 MB/s) instead');
  }
  if (!Number.isFinite(targetMBps) || targetMBps <= 0) {
    return violation('throughputTargetMBps', String(targetMBps), 'a positive number of MB/s');
  }
  return undefined;
}

/** Checks `perUnitStorageThroughput` against the deployment and storage type. @internal */
export function checkPerUnitStorageThroughput(deploymentType: DeploymentTypeValue, storageType: StorageTypeValue,
  value: number): RuleViolation | undefined {
  if (deploymentType !== 'PERSISTENT_2') {
    return violation('perUnitStorageThroughput', String(value),
      `nothing with ${deploymentType}: scratch file systems have a fixed baseline of ${SCRATCH_BASELINE_MBPS_PER_TIB} MB/s/TiB`);
  }
  if (storageType === 'INTELLIGENT_TIERING') {
    return violation('perUnitStorageThroughput', String(value),
      'nothing with LustreStorageType.INTELLIGENT_TIERING: set throughputCapacityMBps (multiples of 4000 MB/s) instead');
  }
  if (!PERSISTENT_2_PER_UNIT_THROUGHPUTS.includes(value)) {
    return violation('perUnitStorageThroughput', String(value),
      `one of ${list(PERSISTENT_2_PER_UNIT_THROUGHPUTS)} (MB/s per TiB) for PERSISTENT_2 SSD`);
  }
  return undefined;
}

/** Checks `throughputCapacityMBps` (Intelligent-Tiering only, multiples of 4000 MB/s). @internal */
export function checkThroughputCapacity(storageType: StorageTypeValue, value: number | undefined): RuleViolation | undefined {
  if (storageType !== 'INTELLIGENT_TIERING') {
    return value === undefined ? undefined : violation('throughputCapacityMBps', String(value),
      'nothing with SSD storage: throughput is storage capacity times perUnitStorageThroughput (use throughputTargetMBps to size it)');
  }
  if (value === undefined) {
    return violation('throughputCapacityMBps', 'nothing',
      `a multiple of ${THROUGHPUT_CAPACITY_STEP_MBPS} MB/s (${THROUGHPUT_CAPACITY_STEP_MBPS}, ${2 * THROUGHPUT_CAPACITY_STEP_MBPS}, ...): `
      + 'Intelligent-Tiering file systems are sized by throughput');
  }
  if (!isWhole(value) || value <= 0 || value % THROUGHPUT_CAPACITY_STEP_MBPS !== 0) {
    return violation('throughputCapacityMBps', String(value),
      `a multiple of ${THROUGHPUT_CAPACITY_STEP_MBPS} MB/s (${THROUGHPUT_CAPACITY_STEP_MBPS}, ${2 * THROUGHPUT_CAPACITY_STEP_MBPS}, `
      + `${3 * THROUGHPUT_CAPACITY_STEP_MBPS}, ...)`);
  }
  return undefined;
}

/** Checks the SSD read cache of an Intelligent-Tiering file system. @internal */
export function checkReadCache(storageType: StorageTypeValue, sizeGiB: number | undefined, throughputCapacityMBps: number,
  given: boolean): RuleViolation | undefined {
  if (storageType !== 'INTELLIGENT_TIERING') {
    return given ? violation('readCache', 'a read cache', 'nothing with SSD storage: the SSD read cache belongs to Intelligent-Tiering') : undefined;
  }
  if (sizeGiB === undefined) {
    return undefined;
  }
  const steps = throughputCapacityMBps / THROUGHPUT_CAPACITY_STEP_MBPS;
  const min = READ_CACHE_GIB_PER_STEP.min * steps;
  const max = READ_CACHE_GIB_PER_STEP.max * steps;
  if (!isWhole(sizeGiB) || sizeGiB < min || sizeGiB > max) {
    return violation('readCache', `${sizeGiB} GiB`,
      `a whole number of GiB from ${min} to ${max} for ${throughputCapacityMBps} MB/s of throughput capacity `
      + `(${READ_CACHE_GIB_PER_STEP.min} to ${READ_CACHE_GIB_PER_STEP.max} GiB for every ${THROUGHPUT_CAPACITY_STEP_MBPS} MB/s)`);
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Metadata, EFA, versions

/** Checks the metadata configuration. @internal */
export function checkMetadata(deploymentType: DeploymentTypeValue, storageType: StorageTypeValue,
  mode: MetadataModeValue | undefined, iops: number | undefined): RuleViolation | undefined {
  if (mode === undefined) {
    return storageType === 'INTELLIGENT_TIERING'
      ? violation('metadataConfiguration', 'nothing',
        `LustreMetadataConfiguration.provisioned(iops) with ${list(INTELLIGENT_TIERING_METADATA_IOPS)} IOPS: Intelligent-Tiering file systems need provisioned metadata IOPS`)
      : undefined;
  }
  if (deploymentType !== 'PERSISTENT_2') {
    return violation('metadataConfiguration', `${mode}${iops === undefined ? '' : ` ${iops} IOPS`}`,
      `nothing with ${deploymentType}: a metadata configuration is for PERSISTENT_2 file systems only`);
  }
  if (storageType === 'INTELLIGENT_TIERING') {
    if (mode === 'AUTOMATIC') {
      return violation('metadataConfiguration', 'AUTOMATIC',
        `LustreMetadataConfiguration.provisioned(iops) with ${list(INTELLIGENT_TIERING_METADATA_IOPS)} IOPS: AUTOMATIC mode is for SSD file systems only`);
    }
    if (iops !== undefined && !INTELLIGENT_TIERING_METADATA_IOPS.includes(iops)) {
      return violation('metadataConfiguration', `${iops} IOPS`,
        `${list(INTELLIGENT_TIERING_METADATA_IOPS)} metadata IOPS for Intelligent-Tiering file systems`);
    }
    return undefined;
  }
  if (mode === 'USER_PROVISIONED' && iops !== undefined && !SSD_METADATA_IOPS.includes(iops)) {
    return violation('metadataConfiguration', `${iops} IOPS`,
      `one of ${list([1500, 3000, 6000, 12000])}, then multiples of 12000 up to 192000 (${list(SSD_METADATA_IOPS.slice(4, 7))}, ..., 192000) metadata IOPS for SSD file systems`);
  }
  return undefined;
}

/** Checks `efa`: PERSISTENT_2 with a metadata configuration, chosen at creation. @internal */
export function checkEfa(deploymentType: DeploymentTypeValue, hasMetadataConfiguration: boolean): RuleViolation | undefined {
  if (deploymentType !== 'PERSISTENT_2') {
    return violation('efa', 'true', `false with ${deploymentType}: EFA-enabled file systems are PERSISTENT_2 with a metadata configuration`);
  }
  if (!hasMetadataConfiguration) {
    return violation('efa', 'true', 'false without a metadataConfiguration: EFA-enabled file systems are PERSISTENT_2 with a metadata configuration '
      + '(LustreMetadataConfiguration.automatic() or .provisioned(iops))');
  }
  return undefined;
}

/**
 * Checks the Lustre version (CreateFileSystem FileSystemTypeVersion): 2.10 on scratch types only,
 * 2.12 on everything but PERSISTENT_2 with a metadata configuration, 2.15 everywhere.
 * @internal
 */
export function checkLustreVersion(version: LustreVersionValue, deploymentType: DeploymentTypeValue,
  hasMetadataConfiguration: boolean): RuleViolation | undefined {
  if (version === '2.10' && deploymentType === 'PERSISTENT_2') {
    return violation('lustreVersion', '2.10', 'LustreVersion.V_2_12 or V_2_15 for PERSISTENT_2 (2.15 with a metadata configuration)');
  }
  if (version !== '2.15' && hasMetadataConfiguration) {
    return violation('lustreVersion', version, 'LustreVersion.V_2_15 with a metadata configuration');
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Backups, logging, root squash

/** The backup settings as given. @internal */
export interface BackupInput {
  readonly deploymentType: DeploymentTypeValue;
  /** Whole days, when given. */
  readonly retentionDays?: number;
  readonly dailyStartTime?: string;
  readonly copyTags?: boolean;
  readonly dataRepositories: number;
}

/**
 * Checks the automatic backup settings: persistent file systems only, 0 to 90 days, HH:MM, and none
 * on a file system linked to S3 ("Data repositories cannot be linked to file systems that have file
 * system backups enabled", FSx for Lustre User Guide).
 * @internal
 */
export function checkBackups(input: BackupInput): RuleViolation | undefined {
  const scratch = input.deploymentType !== 'PERSISTENT_2';
  if (input.retentionDays !== undefined) {
    if (!isWhole(input.retentionDays) || input.retentionDays < 0 || input.retentionDays > MAX_BACKUP_RETENTION_DAYS) {
      return violation('automaticBackupRetention', `${input.retentionDays} days`, `a whole number of days from 0 (off) to ${MAX_BACKUP_RETENTION_DAYS}`);
    }
    if (input.retentionDays > 0 && scratch) {
      return violation('automaticBackupRetention', `${input.retentionDays} days`,
        `0 days or nothing with ${input.deploymentType}: scratch file systems are not backed up`);
    }
    if (input.retentionDays > 0 && input.dataRepositories > 0) {
      return violation('automaticBackupRetention', `${input.retentionDays} days`,
        '0 days or nothing on a file system with data repositories: FSx cannot link data repositories to file systems with backups; '
        + 'exported data is kept in S3');
    }
  }
  if (input.dailyStartTime !== undefined) {
    if (!/^([01]\d|2[0-3]):[0-5]\d$/.test(input.dailyStartTime)) {
      return violation('dailyAutomaticBackupStartTime', JSON.stringify(input.dailyStartTime), 'a UTC time of day HH:MM, such as "03:00"');
    }
    if (scratch || input.retentionDays === 0 || input.dataRepositories > 0) {
      return violation('dailyAutomaticBackupStartTime', JSON.stringify(input.dailyStartTime), 'nothing without automatic backups');
    }
  }
  if (input.copyTags) {
    if (scratch || input.retentionDays === 0) {
      return violation('copyTagsToBackups', 'true', 'false or nothing without automatic backups');
    }
    if (input.dataRepositories > 0) {
      return violation('copyTagsToBackups', 'true', 'false or nothing on a file system with data repositories (not available with linked data repositories)');
    }
  }
  return undefined;
}

/** Checks `encryptionKey`: scratch file systems use keys that FSx manages. @internal */
export function checkEncryptionKey(deploymentType: DeploymentTypeValue): RuleViolation | undefined {
  return deploymentType === 'PERSISTENT_2' ? undefined : violation('encryptionKey', 'a key',
    `nothing with ${deploymentType}: scratch file systems are encrypted with keys that FSx manages`);
}

/** Checks a log group name: FSx writes only to log groups whose name begins with `/aws/fsx`. @internal */
export function checkLogGroupName(name: string): RuleViolation | undefined {
  return name.startsWith('/aws/fsx') ? undefined
    : violation('logGroup', JSON.stringify(name), 'a log group whose name begins with "/aws/fsx" (Lustre logging writes only there)');
}

/** Checks a root squash UID or GID: 0 to 4294967294. @internal */
export function checkSquashId(property: string, value: number): RuleViolation | undefined {
  return isWhole(value) && value >= 1 && value <= 4294967294 ? undefined
    : violation(property, String(value), 'a whole number from 1 to 4294967294 (0 is root: use LustreRootSquash.disabled() to turn root squash off)');
}

/** Checks the client NIDs root squash does not apply to: at most 64, `a.b.c.d@tcp` with ranges. @internal */
export function checkNoSquashNids(nids: ReadonlyArray<string>): RuleViolation | undefined {
  if (nids.length > 64) {
    return violation('rootSquash.noSquashNids', `${nids.length} NIDs`, 'at most 64 NIDs');
  }
  for (const [i, nid] of nids.entries()) {
    if (!/^([0-9[\]-]*\.){3}([0-9[\]-]*)@tcp$/.test(nid) || nid.length < 11 || nid.length > 43) {
      return violation(`rootSquash.noSquashNids[${i}]`, JSON.stringify(nid),
        'a Lustre NID of 11 to 43 characters: an IPv4 address or range followed by "@tcp", such as "10.0.1.6@tcp" or "10.0.[2-10].[1-255]@tcp"');
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// Data repositories

/** Checks that a file system can take data repositories at all. @internal */
export function checkDataRepositoriesAllowed(deploymentType: DeploymentTypeValue, storageType: StorageTypeValue,
  version: LustreVersionValue): RuleViolation | undefined {
  if (deploymentType === 'SCRATCH_1') {
    return violation('dataRepositories', 'a data repository', 'none with SCRATCH_1: data repository associations need SCRATCH_2 or PERSISTENT_2');
  }
  if (storageType === 'INTELLIGENT_TIERING') {
    return violation('dataRepositories', 'a data repository', 'none with LustreStorageType.INTELLIGENT_TIERING: Intelligent-Tiering file systems '
      + 'take no data repository associations');
  }
  if (version === '2.10') {
    return violation('dataRepositories', 'a data repository', 'none with Lustre 2.10: data repository associations need Lustre 2.12 or 2.15');
  }
  return undefined;
}

/** Checks the number of data repositories: at most 8. @internal */
export function checkDataRepositoryCount(count: number): RuleViolation | undefined {
  return count <= MAX_DATA_REPOSITORIES ? undefined
    : violation('dataRepositories', `${count} data repositories`, `at most ${MAX_DATA_REPOSITORIES} per file system`);
}

/**
 * Checks and normalizes a file system path: starts with `/`, no empty, `.` or `..` segment, no
 * trailing `/` except for the root, at most 4096 characters.
 * @internal
 */
export function normalizeFileSystemPath(path: string): string | RuleViolation {
  const allowed = 'an absolute path on the file system such as "/datasets" or "/checkpoints/run1": starts with "/", no empty, "." or ".." segment, '
    + 'no whitespace or control characters, at most 4096 characters';
  if (!path.startsWith('/') || path.length > 4096 || /[\s\u0000-\u001f]/.test(path)) {
    return violation('fileSystemPath', JSON.stringify(path), allowed);
  }
  if (path === '/') {
    return path;
  }
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path;
  if (trimmed.slice(1).split('/').some((s) => s === '' || s === '.' || s === '..')) {
    return violation('fileSystemPath', JSON.stringify(path), allowed);
  }
  return trimmed;
}

/** Whether two normalized file system paths overlap: equal, one inside the other, or either is `/`. @internal */
export function fileSystemPathsOverlap(a: string, b: string): boolean {
  return a === '/' || b === '/' || a === b || a.startsWith(`${b}/`) || b.startsWith(`${a}/`);
}

/** Whether two S3 key prefixes (empty or ending with `/`) of the same bucket overlap. @internal */
export function s3PrefixesOverlap(a: string, b: string): boolean {
  return a.startsWith(b) || b.startsWith(a);
}

/** Checks the import or export events: NEW, CHANGED, DELETED, each at most once. @internal */
export function checkEvents(property: string, events: ReadonlyArray<string>): RuleViolation | undefined {
  const allowed = 'any of DataRepositoryEvent.NEW, CHANGED and DELETED, each at most once (an empty list turns the policy off)';
  const seen = new Set<string>();
  for (const event of events) {
    if (!['NEW', 'CHANGED', 'DELETED'].includes(event) || seen.has(event)) {
      return violation(property, JSON.stringify(events), allowed);
    }
    seen.add(event);
  }
  return undefined;
}

/** Checks ImportedFileChunkSize: 1 to 512000 MiB. @internal */
export function checkImportedFileChunkSize(value: number): RuleViolation | undefined {
  return isWhole(value) && value >= IMPORTED_FILE_CHUNK_SIZE_MIB.min && value <= IMPORTED_FILE_CHUNK_SIZE_MIB.max ? undefined
    : violation('importedFileChunkSizeMiB', String(value),
      `a whole number of MiB from ${IMPORTED_FILE_CHUNK_SIZE_MIB.min} to ${IMPORTED_FILE_CHUNK_SIZE_MIB.max} (FSx default 1024)`);
}
