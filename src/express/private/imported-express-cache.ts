import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { fail } from './fail';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { zoneIdOfDirectoryBucketName } from '../../core/s3-names';
import { ExpressCacheBase } from '../express-cache-base';
import { ExpressCacheAttributes } from '../express-cache-props';
import { checkImportedBucketName } from '../rules';

/** A directory bucket this stack does not manage. @internal */
export class ImportedExpressCache extends ExpressCacheBase {
  public readonly bucketName: string;
  public readonly bucketArn: string;
  public readonly availabilityZoneId: string;
  public readonly encryptionKey?: kms.IKey;

  public constructor(scope: Construct, id: string, attrs: ExpressCacheAttributes) {
    super(scope, id);
    this.bucketName = attrs.bucketName;
    const nameIsLiteral = !Token.isUnresolved(attrs.bucketName);
    if (nameIsLiteral) {
      fail(this, checkImportedBucketName(attrs.bucketName));
    }
    const nameZoneId = nameIsLiteral ? zoneIdOfDirectoryBucketName(attrs.bucketName) : undefined;
    const azId = attrs.availabilityZoneId ?? nameZoneId;
    if (azId === undefined) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', 'nothing',
        'the bucket\'s Availability Zone ID when bucketName is an unresolved token (it cannot be read from the name)');
    }
    if (nameZoneId !== undefined && !Token.isUnresolved(azId) && azId !== nameZoneId) {
      throw TrainingStorageError.invalidProperty(this, 'availabilityZoneId', renderValue(azId),
        `the zone ID in bucketName (${renderValue(nameZoneId)}) or nothing`);
    }
    this.availabilityZoneId = azId;
    this.encryptionKey = attrs.encryptionKey;
    this.bucketArn = Stack.of(this).formatArn({ service: 's3express', resource: 'bucket', resourceName: attrs.bucketName });
  }

  /** @internal */
  protected _addCheckedStatement(_statement: iam.PolicyStatement): iam.AddToResourcePolicyResult {
    return { statementAdded: false };
  }
}
