import { spawnSync } from 'child_process';
import {
  BOOT_SCRIPT_PATH, BOOT_UNIT_NAME, ENVIRONMENT_FILE, NVME_RAID_DEVICE, STOP_SCRIPT_PATH, renderBootBody, renderBootUserData,
  renderEnvironmentCommands, renderMountpointInstallCommands, renderMountpointMountCommands, renderNvmeCacheCommands, renderUnmountCommand,
} from '../../../src/compute/ec2/user-data';
import { shellcheck } from '../../support/shellcheck';

describe('boot user data', () => {
  const nvme = renderNvmeCacheCommands({ mountPath: '/mnt/nvme' });
  const mountpoint = [
    ...renderMountpointInstallCommands(),
    ...renderMountpointMountCommands({
      bucketName: 'lake-bucket',
      prefix: 'datasets/corpus/',
      mountPath: '/mnt/datasets',
      region: 'us-east-1',
      readOnly: true,
      cacheDir: '/mnt/nvme/mountpoint/mnt/datasets',
      extraOptions: [],
    }),
  ];
  const writer = renderMountpointMountCommands({
    bucketName: 'cache--use1-az4--x-s3',
    prefix: '',
    mountPath: '/mnt/checkpoints',
    region: 'us-east-1',
    readOnly: false,
    uid: 1000,
    gid: 1000,
    extraOptions: ['--incremental-upload'],
  });
  const environment = renderEnvironmentCommands([['CHECKPOINT_DIR', '/mnt/checkpoints'], ['CHECKPOINT_LAYOUT', '{run}/{step}/']]);
  const blocks = [
    { name: 'local cache', lines: nvme },
    { name: 'environment', lines: environment },
    { name: 'Mountpoint /mnt/datasets', lines: mountpoint },
    { name: 'Mountpoint /mnt/checkpoints', lines: writer },
  ];
  const stopLines = [renderUnmountCommand('/mnt/checkpoints'), renderUnmountCommand('/mnt/datasets')];
  const userData = ['#!/bin/bash', ...renderBootUserData(blocks, stopLines)].join('\n');
  const body = ['#!/bin/bash', 'set -euo pipefail', ...renderBootBody(blocks)].join('\n');

  test('the user data and the boot script it writes pass shellcheck (all checks) and bash -n, each on its own', () => {
    shellcheck(userData);
    // shellcheck does not look inside a quoted here-document: the boot script is checked by itself.
    shellcheck(body);
    shellcheck(['#!/bin/bash', 'set -uo pipefail', ...stopLines].join('\n'));
  });

  test('the scripts are written with quoted here-documents; a systemd unit runs them at every boot and at shutdown', () => {
    expect(userData).toContain(`cat > '${BOOT_SCRIPT_PATH}' <<'CDK_TRAINING_STORAGE_BOOT'`);
    expect(userData).toContain(`cat > '${STOP_SCRIPT_PATH}' <<'CDK_TRAINING_STORAGE_STOP'`);
    expect(userData).toContain(`ExecStart=${BOOT_SCRIPT_PATH}\nExecStop=${STOP_SCRIPT_PATH}`);
    expect(userData).toContain('TimeoutStartSec=20min');
    expect(userData).toContain('WantedBy=multi-user.target');
    expect(userData).toContain(`systemctl enable '${BOOT_UNIT_NAME}'`);
    expect(userData).toContain(`systemctl start '${BOOT_UNIT_NAME}'`);
  });

  test('each block runs in a subshell of its own: a failure is logged, the next blocks still run, the script ends non-zero', () => {
    const run = (lines: string[][]) => {
      const script = ['set -euo pipefail', ...renderBootBody(lines.map((block, i) => ({ name: `block ${i}`, lines: block })))].join('\n');
      return spawnSync('bash', ['-c', script], { encoding: 'utf8' });
    };
    const failing = run([['echo one'], ['false', 'echo not-reached'], ['echo three']]);
    expect(failing.stdout).toBe('one\nthree\n');
    expect(failing.stderr).toBe('cdk-training-storage: block 1 failed\ncdk-training-storage: failed: block 1\n');
    expect(failing.status).toBe(1);
    const fine = run([['echo one'], ['exit 0', 'echo not-reached'], ['echo three']]);
    expect([fine.stdout, fine.status]).toEqual(['one\nthree\n', 0]);
  });

  test('the instance store: the image\'s own /opt/dlami/nvme when mounted; else free NVMe disks by model, RAID 0 when several', () => {
    const text = nvme.join('\n');
    expect(text).toContain("if mountpoint -q '/opt/dlami/nvme'; then\n  mount --bind '/opt/dlami/nvme' '/mnt/nvme'");
    expect(text).toContain('[[ "${nvme_model}" == *"Instance Storage"* ]] || continue');
    // Disks an array, LVM or a mount holds are left alone.
    expect(text).toContain('if compgen -G "/sys/block/${nvme_name}/holders/*" > /dev/null; then continue; fi');
    expect(text).toContain(`nvme_device='${NVME_RAID_DEVICE}'`);
    expect(text).toContain('mdadm --assemble "${nvme_device}" "${nvme_disks[@]}"');
    expect(text).toContain('mdadm --create "${nvme_device}" --level=0');
    // A file system only where blkid finds none (exit 2); a probe error formats nothing.
    expect(text).toContain('if [[ "${nvme_probe}" -eq 2 ]]; then mkfs.xfs "${nvme_device}"; elif');
    expect(text).not.toContain('mkfs.xfs -f');
    expect(text).toContain("chmod 1777 '/mnt/nvme'");
  });

  test('Mountpoint: installed unless present; each mount only when not mounted; the cache owner-only; uid and gid', () => {
    expect(mountpoint[0]).toBe("if ! command -v mount-s3 > /dev/null; then dnf install -y 'https://s3.amazonaws.com/mountpoint-s3-release/latest/x86_64/mount-s3.rpm'; fi");
    expect(mountpoint).toContain("chmod 0700 '/mnt/nvme/mountpoint/mnt/datasets'");
    expect(mountpoint).toContain("if ! mountpoint -q '/mnt/datasets'; then mount-s3 'lake-bucket' '/mnt/datasets' --prefix 'datasets/corpus/' "
      + "--region 'us-east-1' --allow-other --read-only --cache '/mnt/nvme/mountpoint/mnt/datasets'; fi");
    expect(writer).toContain("if ! mountpoint -q '/mnt/checkpoints'; then mount-s3 'cache--use1-az4--x-s3' '/mnt/checkpoints' "
      + "--region 'us-east-1' --allow-other --uid 1000 --gid 1000 --incremental-upload; fi");
    expect(stopLines[0]).toBe("if mountpoint -q '/mnt/checkpoints'; then umount '/mnt/checkpoints' || echo 'could not unmount /mnt/checkpoints' >&2; fi");
  });

  test('environment variables: the profile file is written again at every boot', () => {
    expect(environment).toEqual([`cat > '${ENVIRONMENT_FILE}' <<'CDK_TRAINING_STORAGE_ENV'`,
      "export CHECKPOINT_DIR='/mnt/checkpoints'", "export CHECKPOINT_LAYOUT='{run}/{step}/'", 'CDK_TRAINING_STORAGE_ENV']);
    expect(renderEnvironmentCommands([])).toEqual([]);
  });
});
