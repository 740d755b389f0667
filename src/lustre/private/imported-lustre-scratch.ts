import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { LustreConnections } from '../connections';
import { LustreScratchBase } from '../lustre-scratch-base';
import { LustreScratchAttributes } from '../lustre-scratch-props';

/** A file system this stack does not manage. */
export class ImportedLustreScratch extends LustreScratchBase {
  public readonly fileSystemId: string;
  public readonly dnsName: string;
  public readonly mountName: string;
  public readonly storageCapacityGiB?: number;
  public readonly connections: ec2.Connections;

  public constructor(scope: Construct, id: string, attrs: LustreScratchAttributes) {
    super(scope, id);
    this.fileSystemId = attrs.fileSystemId;
    this.dnsName = attrs.dnsName;
    this.mountName = attrs.mountName;
    this.storageCapacityGiB = attrs.storageCapacityGiB;
    this.connections = new LustreConnections([attrs.securityGroup], attrs.efa ?? false);
  }
}
