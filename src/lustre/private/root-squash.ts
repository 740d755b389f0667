import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { fail } from './validation';
import { acknowledgeFinding } from '../../core/acknowledge';
import { LustreRootSquash } from '../options';
import * as rules from '../rules';

/**
 * Root squash has no CloudFormation property: an aws-cdk-lib `AwsCustomResource` (`RootSquash`, a
 * child of the file system) calls FSx `UpdateFileSystem` when it is created and when the setting
 * changes, allowed `fsx:UpdateFileSystem` on this file system only. The caller makes it depend on the
 * data repository associations.
 *
 * @param fileSystem the file system construct: the scope of the custom resource and of messages
 * @param fileSystemId the file system ID
 * @param fileSystemArn the file system ARN
 * @param rootSquash the setting
 */
export function createRootSquash(fileSystem: Construct, fileSystemId: string, fileSystemArn: string,
  rootSquash: LustreRootSquash): cr.AwsCustomResource {
  if (rootSquash.enabled) {
    fail(fileSystem, rules.checkSquashId('rootSquash.uid', rootSquash.uid));
    fail(fileSystem, rules.checkSquashId('rootSquash.gid', rootSquash.gid));
  }
  fail(fileSystem, rules.checkNoSquashNids(rootSquash.noSquashNids));
  const call: cr.AwsSdkCall = {
    service: 'FSx',
    action: 'UpdateFileSystem',
    parameters: {
      FileSystemId: fileSystemId,
      LustreConfiguration: {
        RootSquashConfiguration: { RootSquash: `${rootSquash.uid}:${rootSquash.gid}`, NoSquashNids: rootSquash.noSquashNids },
      },
    },
    physicalResourceId: cr.PhysicalResourceId.of(`${fileSystemId}:root-squash`),
    // The response describes the whole file system; a custom resource answer holds at most 4096 bytes.
    outputPaths: ['FileSystem.FileSystemId'],
  };
  const resource = new cr.AwsCustomResource(fileSystem, 'RootSquash', {
    resourceType: 'Custom::LustreRootSquash',
    onCreate: call,
    onUpdate: call,
    installLatestAwsSdk: false,
    policy: cr.AwsCustomResourcePolicy.fromStatements([new iam.PolicyStatement({
      actions: ['fsx:UpdateFileSystem'],
      resources: [fileSystemArn],
    })]),
  });
  // aws-cdk-lib's AwsCustomResource runs in one function per stack: its findings are aws-cdk-lib's.
  const provider = Stack.of(fileSystem).node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
  const role = provider?.node.tryFindChild('ServiceRole')?.node.defaultChild;
  const fn = provider?.node.defaultChild;
  if (role) {
    acknowledgeFinding(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'aws-cdk-lib AwsCustomResource\'s provider function writes its logs with the AWS managed basic execution policy; LustreScratch uses it '
      + 'to call FSx UpdateFileSystem (root squash has no CloudFormation property).');
  }
  if (fn) {
    acknowledgeFinding(fn, 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      'aws-cdk-lib AwsCustomResource\'s provider function only calls AWS APIs (FSx UpdateFileSystem for root squash) over TLS with IAM.');
  }
  return resource;
}
