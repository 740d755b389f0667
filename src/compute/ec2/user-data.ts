/**
 * The boot script of a GPU instance (pure: no aws-cdk-lib): the local NVMe instance store assembled
 * and mounted as the node's local cache, and whatever mount lines the storage tiers add, run by a
 * systemd unit at every boot, so that a reboot mounts everything again.
 *
 * Sources, checked on 1 December 2026:
 * - Amazon EC2 User Guide, "Make instance store volumes available for use on an EC2 instance"
 *   (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/making-instance-stores-available-on-your-instances.html):
 *   NVMe instance store volumes appear as `/dev/nvme*n1` devices whose model is "Amazon EC2 NVMe
 *   Instance Storage", and need a file system before use; their data survives a reboot, not a stop.
 * - mdadm(8): `--create --level=0` stripes devices (RAID 0); `--assemble --scan` reassembles an
 *   array from its superblocks after a reboot.
 */

/** What {@link renderNvmeCacheCommands} takes. @internal */
export interface NvmeCacheInput {
  /** Where the instance store is mounted, an absolute path of safe characters (checked by the caller). */
  readonly mountPath: string;
}

/** The RAID 0 device the script assembles from several instance-store disks. @internal */
export const NVME_RAID_DEVICE = '/dev/md/training-cache';

/**
 * The lines that find the instance-store NVMe disks (by model, never the EBS root volume), make
 * one XFS file system on them (RAID 0 when there are several), and mount it at `mountPath`. Every
 * line is idempotent: a second run, or a run after a reboot, finds the array and the file system
 * and mounts them again; an instance without instance store skips all of it.
 * @internal
 */
export function renderNvmeCacheCommands(input: NvmeCacheInput): string[] {
  const path = input.mountPath;
  return [
    `# The instance store (local NVMe) as the node's local cache at ${path}`,
    'nvme_disks=()',
    'for nvme_dev in /dev/nvme*n1; do',
    '  [[ -b "${nvme_dev}" ]] || continue',
    '  nvme_model="$(cat "/sys/block/${nvme_dev#/dev/}/device/model" 2>/dev/null || true)"',
    '  if [[ "${nvme_model}" == *"Instance Storage"* ]]; then nvme_disks+=("${nvme_dev}"); fi',
    'done',
    'if [[ "${#nvme_disks[@]}" -eq 0 ]]; then',
    `  echo "no instance store: ${path} stays on the root volume"`,
    `  mkdir -p '${path}'`,
    'else',
    '  if [[ "${#nvme_disks[@]}" -eq 1 ]]; then',
    '    nvme_device="${nvme_disks[0]}"',
    '  else',
    `    nvme_device='${NVME_RAID_DEVICE}'`,
    '    if [[ ! -e "${nvme_device}" ]]; then mdadm --assemble --scan || true; fi',
    '    if [[ ! -e "${nvme_device}" ]]; then',
    '      mdadm --create "${nvme_device}" --run --level=0 --raid-devices="${#nvme_disks[@]}" "${nvme_disks[@]}"',
    '    fi',
    '  fi',
    '  if ! blkid -s TYPE -o value "${nvme_device}" > /dev/null 2>&1; then mkfs.xfs -f "${nvme_device}"; fi',
    `  mkdir -p '${path}'`,
    `  if ! mountpoint -q '${path}'; then mount -o noatime "\${nvme_device}" '${path}'; fi`,
    `  chmod 0755 '${path}'`,
    'fi',
  ];
}

/** The script the systemd unit runs, and the unit's name. @internal */
export const BOOT_SCRIPT_PATH = '/usr/local/sbin/cdk-training-storage-boot.sh';
/** @internal */
export const BOOT_UNIT_NAME = 'cdk-training-storage-boot.service';

/**
 * User data that installs `bodyLines` as a boot script with a systemd unit (run at every boot,
 * after the network) and runs it now. The body is written with a quoted here-document, so nothing
 * in it is expanded while the user data runs.
 * @internal
 */
export function renderBootUserData(bodyLines: readonly string[]): string[] {
  return [
    'set -euo pipefail',
    `cat > '${BOOT_SCRIPT_PATH}' <<'CDK_TRAINING_STORAGE_BOOT'`,
    '#!/bin/bash',
    '# Written by cdk-training-storage: mounts the training storage at every boot.',
    'set -euo pipefail',
    ...bodyLines,
    'CDK_TRAINING_STORAGE_BOOT',
    `chmod 0755 '${BOOT_SCRIPT_PATH}'`,
    `cat > '/etc/systemd/system/${BOOT_UNIT_NAME}' <<'CDK_TRAINING_STORAGE_UNIT'`,
    '[Unit]',
    'Description=cdk-training-storage: local cache and training storage mounts',
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `ExecStart=${BOOT_SCRIPT_PATH}`,
    '[Install]',
    'WantedBy=multi-user.target',
    'CDK_TRAINING_STORAGE_UNIT',
    'systemctl daemon-reload',
    `systemctl enable '${BOOT_UNIT_NAME}'`,
    `systemctl start '${BOOT_UNIT_NAME}'`,
  ];
}

/**
 * Where Mountpoint for Amazon S3 is installed from on Amazon Linux 2023, x86_64 (Amazon S3 User
 * Guide, "Installing Mountpoint": https://docs.aws.amazon.com/AmazonS3/latest/userguide/mountpoint-installation.html).
 * @internal
 */
export const MOUNTPOINT_RPM_URL = 'https://s3.amazonaws.com/mountpoint-s3-release/latest/x86_64/mount-s3.rpm';

/** The lines that install Mountpoint for Amazon S3 unless `mount-s3` is there already. @internal */
export function renderMountpointInstallCommands(): string[] {
  return [
    '# Mountpoint for Amazon S3, unless installed',
    `if ! command -v mount-s3 > /dev/null; then dnf install -y '${MOUNTPOINT_RPM_URL}'; fi`,
  ];
}

/** What {@link renderMountpointMountCommands} takes. @internal */
export interface MountpointMountInput {
  /** The bucket (a token passes through). */
  readonly bucketName: string;
  /** The key prefix, ending with `/`, or `''` for the whole bucket. */
  readonly prefix: string;
  /** The local directory (checked by the caller). */
  readonly mountPath: string;
  /** The Region of the bucket (a token passes through). */
  readonly region: string;
  readonly readOnly: boolean;
  /** Mountpoint's cache directory (on the instance store), or undefined for no cache. */
  readonly cacheDir?: string;
  /** More `mount-s3` options, each a single word (checked by the caller). */
  readonly extraOptions: readonly string[];
}

/**
 * The lines that mount a bucket prefix with Mountpoint unless already mounted (Mountpoint's
 * CONFIGURATION.md: `--prefix`, `--region`, `--read-only`, `--cache`, `--allow-other`). The cache
 * directory is created with owner-only access, as Mountpoint's documentation recommends.
 * @internal
 */
export function renderMountpointMountCommands(input: MountpointMountInput): string[] {
  const options = [
    ...(input.prefix === '' ? [] : [`--prefix '${input.prefix}'`]),
    `--region '${input.region}'`,
    '--allow-other',
    ...(input.readOnly ? ['--read-only'] : []),
    ...(input.cacheDir === undefined ? [] : [`--cache '${input.cacheDir}'`]),
    ...input.extraOptions,
  ];
  return [
    `# Mountpoint: s3://${input.bucketName}/${input.prefix} at ${input.mountPath}${input.readOnly ? ' (read-only)' : ''}`,
    `mkdir -p '${input.mountPath}'`,
    ...(input.cacheDir === undefined ? [] : [`mkdir -p '${input.cacheDir}'`, `chmod 0700 '${input.cacheDir}'`]),
    `if ! mountpoint -q '${input.mountPath}'; then mount-s3 '${input.bucketName}' '${input.mountPath}' ${options.join(' ')}; fi`,
  ];
}

/** The file the boot script writes the instances' environment variables to. @internal */
export const ENVIRONMENT_FILE = '/etc/profile.d/cdk-training-storage.sh';

/**
 * The lines that write the environment variables to {@link ENVIRONMENT_FILE}, replacing it at
 * every boot (names and values checked by the caller: no single quotes or line breaks).
 * @internal
 */
export function renderEnvironmentCommands(variables: ReadonlyArray<readonly [string, string]>): string[] {
  if (variables.length === 0) {
    return [];
  }
  return [
    '# Environment variables for the training script',
    `cat > '${ENVIRONMENT_FILE}' <<'CDK_TRAINING_STORAGE_ENV'`,
    ...variables.map(([name, value]) => `export ${name}='${value}'`),
    'CDK_TRAINING_STORAGE_ENV',
  ];
}
