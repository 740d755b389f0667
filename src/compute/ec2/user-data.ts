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
 * - The AWS Deep Learning AMIs may assemble the instance store themselves at `/opt/dlami/nvme`
 *   (release notes of the Deep Learning AMIs list `nvme_location /opt/dlami/nvme`; unverified for
 *   every image): the script then uses that mount instead of taking the disks.
 * - mdadm(8): `--create --level=0` stripes devices (RAID 0); `--assemble <array> <devices>`
 *   reassembles it from its superblocks after a reboot. blkid(8): `-p` probes the device itself,
 *   exit code 2 when it finds no file system.
 * - Mountpoint for Amazon S3, CONFIGURATION.md: `--uid`, `--gid`, `--allow-other`; a mount-s3
 *   process is stopped with `umount` (or `fusermount -u`), which completes the uploads in flight.
 */

/** One named part of the boot script: its lines run in a subshell of their own. @internal */
export interface BootBlock {
  /** A short name for the logs (letters, digits, spaces, `-`, `/`, `.`). */
  readonly name: string;
  readonly lines: readonly string[];
}

/** What {@link renderNvmeCacheCommands} takes. @internal */
export interface NvmeCacheInput {
  /** Where the instance store is mounted, an absolute path of safe characters (checked by the caller). */
  readonly mountPath: string;
}

/** The RAID 0 device the script assembles from several instance-store disks. @internal */
export const NVME_RAID_DEVICE = '/dev/md/training-cache';

/** Where the Deep Learning AMIs mount the instance store when they assemble it themselves. @internal */
export const DLAMI_NVME_PATH = '/opt/dlami/nvme';

/**
 * The lines that give the instance a local cache at `mountPath` on the instance store:
 * - when the image already mounted the instance store at `/opt/dlami/nvme`, bind-mount that;
 * - otherwise take the instance-store NVMe disks (by model, never the EBS root volume) that nothing
 *   holds or mounts, reassemble their RAID 0 array after a reboot or create it (several disks),
 *   make an XFS file system only where blkid finds none, and mount it.
 * The directory is world-writable with the sticky bit (as /tmp), so that a training script that
 * does not run as root can use it. Every line is idempotent; an instance without instance store
 * keeps the directory on the root volume.
 * @internal
 */
export function renderNvmeCacheCommands(input: NvmeCacheInput): string[] {
  const path = input.mountPath;
  return [
    `mkdir -p '${path}'`,
    `if mountpoint -q '${path}'; then echo '${path} is mounted already'; exit 0; fi`,
    `if mountpoint -q '${DLAMI_NVME_PATH}'; then`,
    `  mount --bind '${DLAMI_NVME_PATH}' '${path}'`,
    `  chmod 1777 '${path}'`,
    '  exit 0',
    'fi',
    'nvme_disks=()',
    'for nvme_dev in /dev/nvme*n1; do',
    '  [[ -b "${nvme_dev}" ]] || continue',
    '  nvme_name="${nvme_dev#/dev/}"',
    '  nvme_model="$(cat "/sys/block/${nvme_name}/device/model" 2>/dev/null || true)"',
    '  [[ "${nvme_model}" == *"Instance Storage"* ]] || continue',
    '  # Taken already (by an array, LVM or a mount): left alone.',
    '  if compgen -G "/sys/block/${nvme_name}/holders/*" > /dev/null; then continue; fi',
    '  nvme_mounts="$(lsblk -no MOUNTPOINT "${nvme_dev}")"',
    '  if [[ -n "${nvme_mounts//[[:space:]]/}" ]]; then continue; fi',
    '  nvme_disks+=("${nvme_dev}")',
    'done',
    'if [[ "${#nvme_disks[@]}" -eq 0 ]]; then',
    `  if [[ -e '${NVME_RAID_DEVICE}' ]]; then nvme_device='${NVME_RAID_DEVICE}'; else`,
    `    echo 'no free instance store: ${path} stays on the root volume'`,
    `    chmod 1777 '${path}'`,
    '    exit 0',
    '  fi',
    'elif [[ "${#nvme_disks[@]}" -eq 1 ]]; then',
    '  nvme_device="${nvme_disks[0]}"',
    'else',
    `  nvme_device='${NVME_RAID_DEVICE}'`,
    '  command -v mdadm > /dev/null || dnf install -y mdadm',
    '  if [[ ! -e "${nvme_device}" ]]; then mdadm --assemble "${nvme_device}" "${nvme_disks[@]}" 2>/dev/null || true; fi',
    '  if [[ ! -e "${nvme_device}" ]]; then',
    '    # Blank disks (a new instance, or after a stop and start): a new array.',
    '    mdadm --create "${nvme_device}" --level=0 --raid-devices="${#nvme_disks[@]}" "${nvme_disks[@]}"',
    '    udevadm settle',
    '  fi',
    'fi',
    'nvme_probe=0',
    'blkid -p "${nvme_device}" > /dev/null 2>&1 || nvme_probe=$?',
    'if [[ "${nvme_probe}" -eq 2 ]]; then mkfs.xfs "${nvme_device}"; elif [[ "${nvme_probe}" -ne 0 ]]; then',
    '  echo "blkid could not probe ${nvme_device} (exit ${nvme_probe}): not formatting it" >&2',
    '  exit 1',
    'fi',
    `mount -o noatime "\${nvme_device}" '${path}'`,
    `chmod 1777 '${path}'`,
  ];
}

/** The scripts the systemd unit runs, and the unit's name. @internal */
export const BOOT_SCRIPT_PATH = '/usr/local/sbin/cdk-training-storage-boot.sh';
/** @internal */
export const STOP_SCRIPT_PATH = '/usr/local/sbin/cdk-training-storage-stop.sh';
/** @internal */
export const BOOT_UNIT_NAME = 'cdk-training-storage-boot.service';

/** How long the unit may take to start (systemd `TimeoutStartSec`): it waits for DNS and mounts. @internal */
export const BOOT_TIMEOUT = '20min';

/**
 * The boot script's body: each block in a subshell of its own with `set -euo pipefail`, so that a
 * failing block (a file system that does not resolve, a bucket that is denied) is logged and the
 * next blocks still run; the script exits non-zero at the end when any block failed (systemd then
 * shows the unit failed).
 * @internal
 */
export function renderBootBody(blocks: readonly BootBlock[]): string[] {
  const lines = ['boot_failed=()'];
  for (const block of blocks) {
    lines.push(
      `# ${block.name}`,
      'set +e',
      '(',
      'set -euo pipefail',
      // Not indented: a here-document's terminator must start its line.
      ...block.lines,
      ')',
      'boot_status=$?',
      'set -e',
      `if [[ "\${boot_status}" -ne 0 ]]; then echo 'cdk-training-storage: ${block.name} failed' >&2; boot_failed+=('${block.name}'); fi`,
    );
  }
  lines.push('if [[ "${#boot_failed[@]}" -gt 0 ]]; then echo "cdk-training-storage: failed: ${boot_failed[*]}" >&2; exit 1; fi');
  return lines;
}

/**
 * User data that installs the boot script (the blocks) and the stop script (`stopLines`, run when
 * the unit stops: at shutdown, before systemd ends the unit's processes, so that Mountpoint finishes
 * its uploads) with a systemd unit that runs at every boot after the network, and starts it now.
 * The scripts are written with quoted here-documents, so nothing in them is expanded while the user
 * data runs.
 * @internal
 */
export function renderBootUserData(blocks: readonly BootBlock[], stopLines: readonly string[] = []): string[] {
  return [
    'set -euo pipefail',
    `cat > '${BOOT_SCRIPT_PATH}' <<'CDK_TRAINING_STORAGE_BOOT'`,
    '#!/bin/bash',
    '# Written by cdk-training-storage: mounts the training storage at every boot.',
    'set -euo pipefail',
    ...renderBootBody(blocks),
    'CDK_TRAINING_STORAGE_BOOT',
    `cat > '${STOP_SCRIPT_PATH}' <<'CDK_TRAINING_STORAGE_STOP'`,
    '#!/bin/bash',
    '# Written by cdk-training-storage: unmounts what the boot script mounted, in reverse order.',
    'set -uo pipefail',
    ...stopLines,
    'exit 0',
    'CDK_TRAINING_STORAGE_STOP',
    `chmod 0755 '${BOOT_SCRIPT_PATH}' '${STOP_SCRIPT_PATH}'`,
    `cat > '/etc/systemd/system/${BOOT_UNIT_NAME}' <<'CDK_TRAINING_STORAGE_UNIT'`,
    '[Unit]',
    'Description=cdk-training-storage: local cache and training storage mounts',
    'Wants=network-online.target',
    'After=network-online.target',
    '[Service]',
    'Type=oneshot',
    'RemainAfterExit=yes',
    `TimeoutStartSec=${BOOT_TIMEOUT}`,
    `ExecStart=${BOOT_SCRIPT_PATH}`,
    `ExecStop=${STOP_SCRIPT_PATH}`,
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
  return [`if ! command -v mount-s3 > /dev/null; then dnf install -y '${MOUNTPOINT_RPM_URL}'; fi`];
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
  /** The owner of the files (`--uid`, `--gid`), or undefined for root. */
  readonly uid?: number;
  readonly gid?: number;
  /** More `mount-s3` options, each a single word (checked by the caller). */
  readonly extraOptions: readonly string[];
}

/**
 * The lines that mount a bucket prefix with Mountpoint unless already mounted (Mountpoint's
 * CONFIGURATION.md: `--prefix`, `--region`, `--read-only`, `--cache`, `--allow-other`, `--uid`,
 * `--gid`). The cache directory is created with owner-only access, as Mountpoint's documentation
 * recommends.
 * @internal
 */
export function renderMountpointMountCommands(input: MountpointMountInput): string[] {
  const options = [
    ...(input.prefix === '' ? [] : [`--prefix '${input.prefix}'`]),
    `--region '${input.region}'`,
    '--allow-other',
    ...(input.readOnly ? ['--read-only'] : []),
    ...(input.cacheDir === undefined ? [] : [`--cache '${input.cacheDir}'`]),
    ...(input.uid === undefined ? [] : [`--uid ${input.uid}`]),
    ...(input.gid === undefined ? [] : [`--gid ${input.gid}`]),
    ...input.extraOptions,
  ];
  return [
    `mkdir -p '${input.mountPath}'`,
    ...(input.cacheDir === undefined ? [] : [`mkdir -p '${input.cacheDir}'`, `chmod 0700 '${input.cacheDir}'`]),
    `if ! mountpoint -q '${input.mountPath}'; then mount-s3 '${input.bucketName}' '${input.mountPath}' ${options.join(' ')}; fi`,
  ];
}

/** The line of the stop script that unmounts a Mountpoint mount (Mountpoint finishes its uploads first). @internal */
export function renderUnmountCommand(mountPath: string): string {
  return `if mountpoint -q '${mountPath}'; then umount '${mountPath}' || echo 'could not unmount ${mountPath}' >&2; fi`;
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
    `cat > '${ENVIRONMENT_FILE}' <<'CDK_TRAINING_STORAGE_ENV'`,
    ...variables.map(([name, value]) => `export ${name}='${value}'`),
    'CDK_TRAINING_STORAGE_ENV',
  ];
}
