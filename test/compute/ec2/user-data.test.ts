import {
  BOOT_SCRIPT_PATH, BOOT_UNIT_NAME, ENVIRONMENT_FILE, NVME_RAID_DEVICE, renderBootUserData, renderEnvironmentCommands,
  renderMountpointInstallCommands, renderMountpointMountCommands, renderNvmeCacheCommands,
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
    ...renderMountpointMountCommands({
      bucketName: 'cache--use1-az4--x-s3',
      prefix: '',
      mountPath: '/mnt/checkpoints',
      region: 'us-east-1',
      readOnly: false,
      extraOptions: ['--incremental-upload'],
    }),
  ];
  const environment = renderEnvironmentCommands([['CHECKPOINT_DIR', '/mnt/checkpoints'], ['CHECKPOINT_LAYOUT', '{run}/{step}/']]);
  const script = ['#!/bin/bash', ...renderBootUserData([...nvme, ...mountpoint, ...environment, 'echo mounted'])].join('\n');

  test('passes shellcheck (all checks enabled) and bash -n', () => {
    shellcheck(script);
  });

  test('the boot script is written with a quoted here-document and run by a systemd unit at every boot', () => {
    expect(script).toContain(`cat > '${BOOT_SCRIPT_PATH}' <<'CDK_TRAINING_STORAGE_BOOT'`);
    expect(script).toContain('WantedBy=multi-user.target');
    expect(script).toContain(`systemctl enable '${BOOT_UNIT_NAME}'`);
    expect(script).toContain(`systemctl start '${BOOT_UNIT_NAME}'`);
    // The body runs inside the boot script, after its own strict mode.
    expect(script.indexOf('echo mounted')).toBeGreaterThan(script.indexOf('#!/bin/bash\n# Written by cdk-training-storage'));
  });

  test('the instance store: NVMe devices by model only (never the EBS root), RAID 0 when several, reassembled after a reboot', () => {
    expect(nvme).toContain('  if [[ "${nvme_model}" == *"Instance Storage"* ]]; then nvme_disks+=("${nvme_dev}"); fi');
    expect(nvme).toContain('    if [[ ! -e "${nvme_device}" ]]; then mdadm --assemble --scan || true; fi');
    expect(nvme.join('\n')).toContain(`nvme_device='${NVME_RAID_DEVICE}'`);
    expect(nvme.join('\n')).toContain('mdadm --create "${nvme_device}" --run --level=0');
    // A file system only where there is none, a mount only where there is none.
    expect(nvme.join('\n')).toContain('if ! blkid -s TYPE -o value "${nvme_device}" > /dev/null 2>&1; then mkfs.xfs -f "${nvme_device}"; fi');
    expect(nvme.join('\n')).toContain("if ! mountpoint -q '/mnt/nvme'; then mount -o noatime \"${nvme_device}\" '/mnt/nvme'; fi");
  });

  test('Mountpoint: installed once unless present; each mount only when not mounted; the cache owner-only', () => {
    expect(mountpoint[1]).toBe("if ! command -v mount-s3 > /dev/null; then dnf install -y 'https://s3.amazonaws.com/mountpoint-s3-release/latest/x86_64/mount-s3.rpm'; fi");
    expect(mountpoint).toContain("chmod 0700 '/mnt/nvme/mountpoint/mnt/datasets'");
    expect(mountpoint).toContain("if ! mountpoint -q '/mnt/datasets'; then mount-s3 'lake-bucket' '/mnt/datasets' --prefix 'datasets/corpus/' "
      + "--region 'us-east-1' --allow-other --read-only --cache '/mnt/nvme/mountpoint/mnt/datasets'; fi");
    expect(mountpoint).toContain("if ! mountpoint -q '/mnt/checkpoints'; then mount-s3 'cache--use1-az4--x-s3' '/mnt/checkpoints' "
      + "--region 'us-east-1' --allow-other --incremental-upload; fi");
  });

  test('environment variables: the profile file is written again at every boot', () => {
    expect(environment).toEqual(['# Environment variables for the training script', `cat > '${ENVIRONMENT_FILE}' <<'CDK_TRAINING_STORAGE_ENV'`,
      "export CHECKPOINT_DIR='/mnt/checkpoints'", "export CHECKPOINT_LAYOUT='{run}/{step}/'", 'CDK_TRAINING_STORAGE_ENV']);
    expect(renderEnvironmentCommands([])).toEqual([]);
  });
});
