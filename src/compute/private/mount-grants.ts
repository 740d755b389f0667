import * as iam from 'aws-cdk-lib/aws-iam';
import { DataLocation } from '../../core/data-location';

/**
 * What a Mountpoint for Amazon S3 mount of a location needs (Mountpoint's CONFIGURATION.md, "IAM
 * permissions": https://github.com/awslabs/mountpoint-s3/blob/main/doc/CONFIGURATION.md#iam-permissions):
 * list and read; to write, `s3:PutObject` and `s3:AbortMultipartUpload`; to delete (only with
 * `--allow-delete`), `s3:DeleteObject`; KMS as the bucket's key needs. A directory bucket
 * authorizes with sessions, and Mountpoint's CreateSession carries no session mode, so it gets a
 * ReadWrite session even to read (awslabs/mountpoint-s3 issue 1076): a session covers the whole
 * bucket, writes included. Used by the EC2 launch template and the EKS Mountpoint CSI driver.
 * @internal
 */
export function grantMountpointMount(location: DataLocation, grantee: iam.IGrantable, readOnly: boolean, allowDelete: boolean): iam.Grant {
  if (location.isDirectoryBucket) {
    return location.grantWrite(grantee);
  }
  const read = location.grantRead(grantee);
  if (readOnly) {
    return read;
  }
  if (allowDelete) {
    return read.combine(location.grantWrite(grantee));
  }
  const write = iam.Grant.addToPrincipal({
    grantee,
    actions: ['s3:PutObject', 's3:AbortMultipartUpload'],
    resourceArns: [location.objectsArn],
  });
  const key = location.encryptionKey ? location.encryptionKey.grant(grantee, 'kms:GenerateDataKey', 'kms:Decrypt') : undefined;
  return key ? read.combine(write).combine(key) : read.combine(write);
}
