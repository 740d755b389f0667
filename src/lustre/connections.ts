import * as ec2 from 'aws-cdk-lib/aws-ec2';

/** TCP 988, Lustre's LNET port (FSx for Lustre User Guide, "File system access control with Amazon VPC"). @internal */
export const LUSTRE_PORT = ec2.Port.tcp(988);
/** TCP 1018-1023, the other ports Lustre traffic uses between file servers and clients. @internal */
export const LUSTRE_PORT_RANGE = ec2.Port.tcpRange(1018, 1023);

/**
 * The ports a Lustre file system's security group opens: TCP 988 and 1018-1023, or all traffic for an
 * EFA-enabled file system ("An EFA requires a security group that allows all inbound and outbound
 * traffic to and from the security group itself and the security group of the clients", FSx for
 * Lustre User Guide).
 * @internal
 */
export function lustrePorts(efa: boolean): ec2.Port[] {
  return efa ? [ec2.Port.allTraffic()] : [LUSTRE_PORT, LUSTRE_PORT_RANGE];
}

/**
 * `Connections` whose default port is 988 but whose default-port methods open everything Lustre
 * needs, both ways: TCP 988 and 1018-1023 (or all traffic with EFA) into the file system from the
 * clients and from the file system to the clients, as the FSx for Lustre User Guide's rules for file
 * servers and clients have them. `fs.connections.allowDefaultPortFrom(nodes)` is therefore all a
 * client needs; `allowFrom(nodes, port)` stays a single rule.
 * @internal
 */
export class LustreConnections extends ec2.Connections {
  private readonly lustrePortList: ec2.Port[];

  public constructor(securityGroups: ec2.ISecurityGroup[], efa: boolean) {
    super({ securityGroups, defaultPort: LUSTRE_PORT });
    this.lustrePortList = lustrePorts(efa);
  }

  /** Lustre traffic from the clients into the file system and back, on every Lustre port. */
  public allowDefaultPortFrom(other: ec2.IConnectable, description?: string): void {
    for (const port of this.lustrePortList) {
      this.allowFrom(other, port, description);
      this.allowTo(other, port, description);
    }
  }

  /** Lustre traffic between the file servers, on every Lustre port. */
  public allowDefaultPortInternally(description?: string): void {
    for (const port of this.lustrePortList) {
      this.allowInternally(port, description);
    }
  }

  /** Lustre traffic from any IPv4 address, on every Lustre port (not recommended: prefer security groups). */
  public allowDefaultPortFromAnyIpv4(description?: string): void {
    for (const port of this.lustrePortList) {
      this.allowFromAnyIpv4(port, description);
    }
  }
}
