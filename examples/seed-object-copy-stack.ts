import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as s3deploy from 'aws-cdk-lib/aws-s3-deployment';
import { Construct } from 'constructs';
import { DataLocation, DatasetCopy, TrainingDataLake } from '../src';
import { acknowledgeFinding } from '../src/core/acknowledge';

/** The seed document's key names. */
export const SEED = {
  sourceKey: 'llm-training-data.txt',
  content: 'Sample training data content',
  destinationKey: 'llm-training-data-copied.txt',
};

/**
 * The seed document's Pulumi program in CDK: a source bucket holding a sample training object,
 * a destination bucket, and a server-side copy of the object (S3 CopyObject: nothing is downloaded
 * and uploaded again). Both buckets are private: Block Public Access and ACLs disabled stand for the
 * seed's `acl: "private"`.
 */
export class SeedObjectCopyExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const source = new TrainingDataLake(this, 'SourceBucket');
    const destination = new TrainingDataLake(this, 'DestinationBucket', {
      serverAccessLogsBucket: source.serverAccessLogsBucket,
      serverAccessLogsPrefix: 'destination-bucket/',
    });

    // The sample object that represents the training data.
    const sample = new s3deploy.BucketDeployment(this, 'SourceBucketObject', {
      destinationBucket: source.bucket,
      sources: [s3deploy.Source.data(SEED.sourceKey, SEED.content)],
      prune: false,
      retainOnDelete: true,
    });

    acknowledgeSampleUploader(this, source.bucket);

    const copy = new DatasetCopy(this, 'CopiedObject', {
      source: DataLocation.fromBucket(source.bucket, ''),
      destination: DataLocation.fromBucket(destination.bucket, ''),
      keys: [SEED.sourceKey],
      renames: { [SEED.sourceKey]: SEED.destinationKey },
    });
    copy.node.addDependency(sample);

    new CfnOutput(this, 'source_data_url', {
      value: `s3://${source.bucket.bucketName}/${SEED.sourceKey}`,
      description: 'source_data_url: the sample training object',
    });
    new CfnOutput(this, 'destination_data_url', {
      value: `s3://${destination.bucket.bucketName}/${SEED.destinationKey}`,
      description: 'destination_data_url: its server-side copy',
    });
  }
}

/**
 * The sample object is uploaded by aws-cdk-lib's BucketDeployment, whose singleton function and
 * role aws-cdk-lib owns: its findings are acknowledged here, one by one, for the example only.
 */
function acknowledgeSampleUploader(stack: Stack, bucket: s3.IBucket): void {
  const uploader = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (!uploader) {
    return;
  }
  const role = uploader.node.findChild('ServiceRole') as iam.Role;
  const policy = role.node.findChild('DefaultPolicy').node.defaultChild!;
  const reason = 'aws-cdk-lib BucketDeployment uploads the one sample object of this example; its grants are aws-cdk-lib\'s.';
  acknowledgeFinding(uploader.node.defaultChild!, 'AwsSolutions::AwsSolutions-L1',
    'aws-cdk-lib BucketDeployment chooses its own Python runtime; it only uploads the sample object.');
  acknowledgeFinding(role.node.defaultChild!,
    'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
    'aws-cdk-lib BucketDeployment writes its logs with the AWS managed basic execution policy.');
  for (const finding of ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*', 'Action::s3:Abort*', 'Action::s3:DeleteObject*',
    'Action::s3:GetBucket*', 'Action::s3:GetObject*', 'Action::s3:List*',
    'Resource::arn:<AWS::Partition>:s3:::cdk-hnb659fds-assets-<AWS::AccountId>-<AWS::Region>/*']) {
    acknowledgeFinding(policy, `AwsSolutions-IAM5[${finding}]`, reason);
  }
  // BucketDeployment may write anywhere in the source bucket (the whole bucket is its destination).
  DataLocation.fromBucket(bucket, '').acknowledgeGrantWildcard(role,
    'aws-cdk-lib BucketDeployment writes the sample object into the source bucket, whose root is its destination.');
  acknowledgeFinding(uploader.node.defaultChild!, 'cdk-validator-cfnguard::lambda_inside_vpc_check',
    'aws-cdk-lib BucketDeployment runs once at deployment, outside a VPC, to upload the sample object to S3 over TLS.');
}
