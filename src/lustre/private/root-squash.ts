import { Aspects, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct, IConstruct } from 'constructs';
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
  LIBRARY_CUSTOM_RESOURCES.add(resource);
  acknowledgeSharedProviderWhenOnlyOurs(Stack.of(fileSystem));
  return resource;
}

/** The AwsCustomResources this library created (a WeakSet: nothing outlives its app). */
const LIBRARY_CUSTOM_RESOURCES = new WeakSet<cr.AwsCustomResource>();
/** Stacks that have the aspect already. */
const STACKS_WITH_ASPECT = new WeakSet<Stack>();

/**
 * aws-cdk-lib's AwsCustomResource runs in one provider function per stack, shared by every
 * AwsCustomResource of the stack, the user's included. Its two findings (the AWS managed basic
 * execution policy, and a function outside a VPC) are acknowledged only when every AwsCustomResource
 * of the stack is this library's, once the tree is complete (an aspect, at synthesis): when the user
 * has one of their own, the shared function is theirs too, and its findings are reported to them.
 */
function acknowledgeSharedProviderWhenOnlyOurs(stack: Stack): void {
  if (STACKS_WITH_ASPECT.has(stack)) {
    return;
  }
  STACKS_WITH_ASPECT.add(stack);
  Aspects.of(stack).add({
    visit(node: IConstruct): void {
      if (node !== stack) {
        return;
      }
      const customResources = stack.node.findAll().filter((c): c is cr.AwsCustomResource => c instanceof cr.AwsCustomResource);
      if (!customResources.every((c) => LIBRARY_CUSTOM_RESOURCES.has(c))) {
        return;
      }
      const provider = stack.node.tryFindChild(`AWS${cr.AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`);
      const role = provider?.node.tryFindChild('ServiceRole')?.node.defaultChild;
      const fn = provider?.node.defaultChild;
      if (role) {
        acknowledgeFinding(role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
          'aws-cdk-lib AwsCustomResource\'s provider function writes its logs with the AWS managed basic execution policy; LustreScratch uses it '
          + 'to call FSx UpdateFileSystem (root squash has no CloudFormation property), and no other AwsCustomResource of the stack does.');
      }
      if (fn) {
        acknowledgeFinding(fn, 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          'aws-cdk-lib AwsCustomResource\'s provider function only calls FSx UpdateFileSystem (root squash) over TLS with IAM, for this library only.');
      }
    },
  });
}
