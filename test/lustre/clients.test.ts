import { Duration, Size, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { scratchIn, thrown } from './fixtures';
import { ILustreScratch, LustreScratch, LustreStorageType } from '../../src';
import { plainStack } from '../support/harness';
import { shellcheck } from '../support/shellcheck';

const DNS = 'fs-0123456789abcdef0.fsx.us-east-1.amazonaws.com';
const MOUNT_NAME = 'abcdefgh';

function imported(stack: Stack, attrs: { storageCapacityGiB?: number; efa?: boolean } = {}): ILustreScratch {
  return LustreScratch.fromLustreScratchAttributes(stack, 'Imported', {
    fileSystemId: 'fs-0123456789abcdef0',
    dnsName: DNS,
    mountName: MOUNT_NAME,
    securityGroup: ec2.SecurityGroup.fromSecurityGroupId(stack, 'Sg', 'sg-0123456789abcdef0'),
    ...attrs,
  });
}

/** A resolved CloudFormation string with the file system's attributes replaced by literal values. */
function substitute(value: any, attributes: Record<string, string>): string {
  if (typeof value === 'string') {
    return value;
  }
  if (value['Fn::Join']) {
    const [separator, parts] = value['Fn::Join'];
    return parts.map((p: any) => substitute(p, attributes)).join(separator);
  }
  if (value['Fn::GetAtt']) {
    return attributes[value['Fn::GetAtt'][1]];
  }
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

describe('mount commands', () => {
  test('install the client, wait for DNS, mount with relatime,flock, add an fstab entry with _netdev; all idempotent', () => {
    const stack = plainStack();
    expect(imported(stack).mountCommands()).toEqual([
      '# FSx for Lustre: mount / of the file system at /fsx',
      'dnf install -y lustre-client',
      `lustre_dns='${DNS}'`,
      `lustre_source="\${lustre_dns}@tcp:/${MOUNT_NAME}"`,
      'lustre_resolved=false',
      'for lustre_attempt in $(seq 1 60); do',
      '  if getent hosts "${lustre_dns}" > /dev/null; then lustre_resolved=true; break; fi',
      '  echo "waiting for ${lustre_dns} to resolve (${lustre_attempt}/60)"',
      '  sleep 10',
      'done',
      'if [[ "${lustre_resolved}" != true ]]; then echo "FSx for Lustre: ${lustre_dns} did not resolve within 600 seconds" >&2; exit 1; fi',
      "mkdir -p '/fsx'",
      'if ! mountpoint -q \'/fsx\'; then mount -t lustre -o relatime,flock "${lustre_source}" \'/fsx\' || { echo "FSx for Lustre: mounting ${lustre_source} failed" >&2; exit 1; }; fi',
      'if ! grep -qs "^${lustre_source} /fsx lustre " /etc/fstab; then echo "${lustre_source} /fsx lustre '
        + 'defaults,relatime,flock,_netdev,x-systemd.automount,x-systemd.requires=network.service 0 0" >> /etc/fstab; fi',
    ]);
  });

  test('a mount path, a directory of the file system, a DNS wait, no client install, no fstab entry', () => {
    const stack = plainStack();
    const lines = imported(stack).mountCommands({
      mountPath: '/mnt/datasets', fileSystemPath: '/datasets/', dnsWaitTimeout: Duration.minutes(2), installClient: false, fstab: false,
    });
    expect(lines).not.toContain('dnf install -y lustre-client');
    expect(lines).toContain(`lustre_source="\${lustre_dns}@tcp:/${MOUNT_NAME}/datasets"`);
    expect(lines).toContain('for lustre_attempt in $(seq 1 12); do');
    expect(lines.join('\n')).toContain("mount -t lustre -o relatime,flock \"${lustre_source}\" '/mnt/datasets'");
    expect(lines.join('\n')).not.toContain('/etc/fstab');
  });

  test('the script passes shellcheck: an imported file system, and a new one with its attributes substituted', () => {
    const stack = plainStack();
    shellcheck(`#!/bin/bash\n${imported(stack).mountCommands({ mountPath: '/mnt/fsx', fileSystemPath: '/checkpoints' }).join('\n')}\n`);

    const fsx = scratchIn(stack);
    const userData = ec2.UserData.forLinux();
    fsx.addMountToUserData(userData);
    fsx.addMountToUserData(userData, { mountPath: '/mnt/datasets', fileSystemPath: '/datasets', installClient: false });
    const rendered = substitute(stack.resolve(userData.render()), { DNSName: DNS, LustreMountName: MOUNT_NAME });
    expect(rendered.startsWith('#!/bin/bash\n')).toBe(true);
    expect(rendered).toContain(`lustre_dns='${DNS}'`);
    expect(rendered).toContain(`lustre_source="\${lustre_dns}@tcp:/${MOUNT_NAME}/datasets"`);
    shellcheck(rendered);
  });

  test('rejects mount paths the script cannot quote and DNS waits shorter than one attempt', () => {
    const stack = plainStack();
    const fsx = imported(stack);
    for (const mountPath of ['fsx', '/', '/mnt/my fsx', "/mnt/'x'", '/mnt/$HOME']) {
      expect(thrown(() => fsx.mountCommands({ mountPath })).message).toBe(`[Test/Imported] mountPath: received ${JSON.stringify(mountPath)}; `
        + 'allowed: an absolute path below / of letters, digits, ".", "_", "-" and "/", such as "/fsx" (no spaces or shell characters)');
    }
    expect(thrown(() => fsx.mountCommands({ fileSystemPath: '/data sets' })).message).toMatch(/^\[Test\/Imported\] fileSystemPath: received "\/data sets"/);
    expect(thrown(() => fsx.mountCommands({ fileSystemPath: '/data$x' })).message).toBe('[Test/Imported] fileSystemPath: received "/data$x"; '
      + 'allowed: a directory of letters, digits, ".", "_", "-" and "/" (the mount script quotes nothing else)');
    expect(thrown(() => fsx.mountCommands({ dnsWaitTimeout: Duration.seconds(5) })).message).toBe(
      '[Test/Imported] dnsWaitTimeout: received 5 seconds; allowed: at least 10 seconds');
  });
});

describe('Kubernetes manifests', () => {
  test('a static PersistentVolume for fsx.csi.aws.com and its claim, bound both ways', () => {
    const stack = plainStack();
    expect(imported(stack, { storageCapacityGiB: 2400 }).persistentVolume({ name: 'training-data', claimNamespace: 'ml' })).toEqual({
      persistentVolume: {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'training-data' },
        spec: {
          capacity: { storage: '2400Gi' },
          volumeMode: 'Filesystem',
          accessModes: ['ReadWriteMany'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: '',
          mountOptions: ['flock'],
          claimRef: { namespace: 'ml', name: 'training-data' },
          csi: {
            driver: 'fsx.csi.aws.com',
            volumeHandle: 'fs-0123456789abcdef0',
            volumeAttributes: { dnsname: DNS, mountname: MOUNT_NAME },
          },
        },
      },
      persistentVolumeClaim: {
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'training-data', namespace: 'ml' },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          resources: { requests: { storage: '2400Gi' } },
          volumeName: 'training-data',
        },
      },
    });
  });

  test('a new file system: its tokens, its capacity; options for the claim, class, capacity and mount options', () => {
    const stack = plainStack();
    const fsx = scratchIn(stack, { storageCapacityGiB: 4800 });
    const id = stack.getLogicalId(fsx.node.defaultChild as any);
    const manifests = stack.resolve(fsx.persistentVolume({
      name: 'scratch', claimName: 'scratch-claim', storageClassName: 'static', mountOptions: ['flock', 'noatime'],
    }));
    expect(manifests.persistentVolume.spec.csi).toEqual({
      driver: 'fsx.csi.aws.com',
      volumeHandle: { Ref: id },
      volumeAttributes: { dnsname: { 'Fn::GetAtt': [id, 'DNSName'] }, mountname: { 'Fn::GetAtt': [id, 'LustreMountName'] } },
    });
    expect(manifests.persistentVolume.spec).toEqual(expect.objectContaining({
      capacity: { storage: '4800Gi' },
      storageClassName: 'static',
      mountOptions: ['flock', 'noatime'],
      claimRef: { namespace: 'default', name: 'scratch-claim' },
    }));
    expect(manifests.persistentVolumeClaim.metadata).toEqual({ name: 'scratch-claim', namespace: 'default' });
    expect(manifests.persistentVolumeClaim.spec.volumeName).toBe('scratch');
    expect(fsx.persistentVolume({ name: 'big', storageCapacity: Size.tebibytes(10) }).persistentVolume.spec.capacity).toEqual({ storage: '10240Gi' });
  });

  test('requires a capacity when the file system\'s is unknown; rejects names Kubernetes rejects', () => {
    const stack = plainStack();
    const it = scratchIn(stack, { storageType: LustreStorageType.INTELLIGENT_TIERING, throughputCapacityMBps: 4000 });
    expect(thrown(() => it.persistentVolume({ name: 'tiered' })).message).toBe('[Test/Scratch] storageCapacity: received nothing; allowed: a Size '
      + 'when the file system\'s capacity is unknown (Intelligent-Tiering, or imported without storageCapacityGiB): Kubernetes volumes declare a capacity');
    expect(it.persistentVolume({ name: 'tiered', storageCapacity: Size.gibibytes(1200) }).persistentVolume.spec.capacity).toEqual({ storage: '1200Gi' });
    const fsx = imported(stack, { storageCapacityGiB: 1200 });
    expect(thrown(() => fsx.persistentVolume({ name: 'Training_Data' })).message).toBe('[Test/Imported] name: received "Training_Data"; allowed: a Kubernetes '
      + 'DNS subdomain name: lowercase letters, digits and "-" and ".", starting and ending with a letter or digit, at most 253 characters');
    expect(thrown(() => fsx.persistentVolume({ name: 'ok', claimNamespace: 'ml.team' })).message).toBe('[Test/Imported] claimNamespace: received "ml.team"; '
      + 'allowed: a Kubernetes DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit, at most 63 characters');
    expect(thrown(() => fsx.persistentVolume({ name: 'ok', storageCapacity: Size.mebibytes(1536) })).message).toBe(
      '[Test/Imported] storageCapacity: received 1536 MiB; allowed: a whole number of GiB');
  });
});

describe('imported file systems', () => {
  test('attributes, metrics and client rules', () => {
    const stack = plainStack();
    const fsx = imported(stack, { storageCapacityGiB: 1200 });
    expect(fsx.fileSystemId).toBe('fs-0123456789abcdef0');
    expect(fsx.storageCapacityGiB).toBe(1200);
    expect(stack.resolve(fsx.metricDataWriteBytes().dimensions)).toEqual({ FileSystemId: 'fs-0123456789abcdef0' });
    const vpc = ec2.Vpc.fromVpcAttributes(stack, 'Vpc', { vpcId: 'vpc-1', availabilityZones: ['us-east-1a'] });
    const nodes = new ec2.SecurityGroup(stack, 'Nodes', { vpc });
    fsx.allowFrom(nodes);
    const ingress = stack.node.findAll().filter((c): c is ec2.CfnSecurityGroupIngress => c instanceof ec2.CfnSecurityGroupIngress)
      .map((c) => Object.values(stack.resolve(c._toCloudFormation()).Resources)[0] as any);
    const ports = ingress.map((r) => `${JSON.stringify(r.Properties.GroupId).replace(/^"|"$/g, '')}:${r.Properties.FromPort}-${r.Properties.ToPort}`);
    expect(ports.sort()).toEqual(['sg-0123456789abcdef0:1018-1023', 'sg-0123456789abcdef0:988-988',
      `${JSON.stringify({ 'Fn::GetAtt': [stack.getLogicalId(nodes.node.defaultChild as any), 'GroupId'] })}:1018-1023`,
      `${JSON.stringify({ 'Fn::GetAtt': [stack.getLogicalId(nodes.node.defaultChild as any), 'GroupId'] })}:988-988`].sort());
  });
});
