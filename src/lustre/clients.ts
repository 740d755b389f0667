/**
 * What clients need to reach a Lustre file system: the mount script for Amazon Linux 2023 and the
 * static PersistentVolume and PersistentVolumeClaim for the FSx for Lustre CSI driver. Pure
 * functions of the file system's attributes (tokens pass through into user data and manifests).
 */

/** The shell lines that mount a Lustre file system, as {@link renderMountCommands} takes them. @internal */
export interface MountScriptInput {
  readonly dnsName: string;
  readonly mountName: string;
  /** The local directory, an absolute path of safe characters (checked by the caller). */
  readonly mountPath: string;
  /** A directory of the file system to mount, `/` for all of it (normalized by the caller). */
  readonly fileSystemPath: string;
  /** How many DNS lookups, 10 seconds apart, before giving up. */
  readonly dnsAttempts: number;
  readonly installClient: boolean;
  readonly fstab: boolean;
}

/** Seconds between two DNS lookups of the mount script. @internal */
export const DNS_RETRY_SECONDS = 10;

/**
 * The lines of a Bash script (user data) that mount the file system on Amazon Linux 2023 (FSx for
 * Lustre User Guide, "Installing the Lustre client" and "Mounting Amazon FSx automatically"):
 * install the client, wait until the DNS name resolves (a bounded number of attempts; the file
 * system's name resolves once it is available), mount with `relatime,flock` unless already mounted,
 * and add an fstab entry with `_netdev` unless there is one. Every line is idempotent, and the
 * variables are prefixed `lustre_` so that the lines sit in a larger script.
 * @internal
 */
export function renderMountCommands(input: MountScriptInput): string[] {
  const path = input.mountPath;
  const source = `\${lustre_dns}@tcp:/${input.mountName}${input.fileSystemPath === '/' ? '' : input.fileSystemPath}`;
  const fstabOptions = 'defaults,relatime,flock,_netdev,x-systemd.automount,x-systemd.requires=network.service';
  const lines = [`# FSx for Lustre: mount ${input.fileSystemPath} of the file system at ${path}`];
  if (input.installClient) {
    lines.push('dnf install -y lustre-client');
  }
  lines.push(
    `lustre_dns='${input.dnsName}'`,
    `lustre_source="${source}"`,
    'lustre_resolved=false',
    `for lustre_attempt in $(seq 1 ${input.dnsAttempts}); do`,
    '  if getent hosts "${lustre_dns}" > /dev/null; then lustre_resolved=true; break; fi',
    `  echo "waiting for \${lustre_dns} to resolve (\${lustre_attempt}/${input.dnsAttempts})"`,
    `  sleep ${DNS_RETRY_SECONDS}`,
    'done',
    `if [[ "\${lustre_resolved}" != true ]]; then echo "FSx for Lustre: \${lustre_dns} did not resolve within ${input.dnsAttempts * DNS_RETRY_SECONDS} seconds" >&2; exit 1; fi`,
    `mkdir -p '${path}'`,
    `if ! mountpoint -q '${path}'; then mount -t lustre -o relatime,flock "\${lustre_source}" '${path}' || { echo "FSx for Lustre: mounting \${lustre_source} failed" >&2; exit 1; }; fi`,
  );
  if (input.fstab) {
    lines.push(`if ! grep -qs "^\${lustre_source} ${path} lustre " /etc/fstab; then echo "\${lustre_source} ${path} lustre ${fstabOptions} 0 0" >> /etc/fstab; fi`);
  }
  return lines;
}

/** What {@link renderPersistentVolume} takes. @internal */
export interface PersistentVolumeInput {
  readonly fileSystemId: string;
  readonly dnsName: string;
  readonly mountName: string;
  readonly name: string;
  readonly claimName: string;
  readonly namespace: string;
  readonly storageClassName: string;
  /** Kubernetes quantity, such as `1200Gi`. */
  readonly storage: string;
  readonly mountOptions: string[];
}

/** The FSx for Lustre CSI driver's name. @internal */
export const FSX_CSI_DRIVER = 'fsx.csi.aws.com';

/**
 * A static PersistentVolume for the FSx for Lustre CSI driver (volumeHandle: the file system ID;
 * volumeAttributes dnsname and mountname, as the driver's static provisioning example has them),
 * bound both ways to its PersistentVolumeClaim (`claimRef` and `volumeName`), ReadWriteMany, kept
 * when the claim goes (Retain).
 * @internal
 */
export function renderPersistentVolume(input: PersistentVolumeInput): {
  persistentVolume: Record<string, any>;
  persistentVolumeClaim: Record<string, any>;
} {
  const persistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: input.name },
    spec: {
      capacity: { storage: input.storage },
      volumeMode: 'Filesystem',
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: input.storageClassName,
      mountOptions: input.mountOptions,
      claimRef: { namespace: input.namespace, name: input.claimName },
      csi: {
        driver: FSX_CSI_DRIVER,
        volumeHandle: input.fileSystemId,
        volumeAttributes: { dnsname: input.dnsName, mountname: input.mountName },
      },
    },
  };
  const persistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: input.claimName, namespace: input.namespace },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: input.storageClassName,
      resources: { requests: { storage: input.storage } },
      volumeName: input.name,
    },
  };
  return { persistentVolume, persistentVolumeClaim };
}
