/**
 * The contract between ExpressCache (which writes the custom resource's properties and tags the
 * bucket) and the auto-delete handler (which reads them).
 * @internal
 */
export interface AutoDeleteResourceProperties {
  /** The directory bucket's name. */
  readonly BucketName: string;
  /** The directory bucket's ARN: `arn:<partition>:s3express:<region>:<account>:bucket/<name>`. */
  readonly BucketArn: string;
  /** The account that owns the bucket (S3 Control's `AccountId`). */
  readonly AccountId: string;
}

/** The custom resource type. @internal */
export const AUTO_DELETE_RESOURCE_TYPE = 'Custom::ExpressCacheAutoDeleteObjects';

/**
 * The tag that marks a bucket whose objects may be deleted with the stack: the handler empties
 * only buckets that carry it with the value `true`.
 * @internal
 */
export const AUTO_DELETE_TAG = { key: 'cdk-training-storage:auto-delete-objects', value: 'true' };
