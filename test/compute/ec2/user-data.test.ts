import { BOOT_SCRIPT_PATH, BOOT_UNIT_NAME, NVME_RAID_DEVICE, renderBootUserData, renderNvmeCacheCommands } from '../../../src/compute/ec2/user-data';
import { shellcheck } from '../../support/shellcheck';

describe('boot user data', () => {
  const nvme = renderNvmeCacheCommands({ mountPath: '/mnt/nvme' });
  const script = ['#!/bin/bash', ...renderBootUserData([...nvme, 'echo mounted'])].join('\n');

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
});
