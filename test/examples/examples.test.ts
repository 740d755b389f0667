import { App, Stack } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { buildExamples } from '../../examples/all';
import { SEED } from '../../examples/seed-object-copy-stack';
import { TRAINING_REGION, TRAINING_ZONE_ID } from '../../examples/training-vpc';
import { validatedTemplate, testApp } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

// Stacks with a test file of their own (validators, snapshot and assertions there).
const OWN_TEST_FILE = new Set(['LustreScratchExample', 'CheckpointTierLustreExample', 'CheckpointTierExpressExample', 'Ec2TrainingExample',
  'EksTrainingExample', 'SageMakerStreamingExample', 'HyperPodLustreExample']);

function exampleStacks(include?: (name: string) => boolean): Stack[] {
  const app: App = buildExamples(testApp(), include);
  return app.node.children.filter((c): c is Stack => Stack.isStack(c));
}

describe('example stacks', () => {
  // Synthesizing an app validates every stack in it: the stacks tested on their own are left out here.
  const stacks = exampleStacks((name) => !OWN_TEST_FILE.has(name));

  test('the examples app holds the examples, without account; the stacks placed by zone ID in the zone\'s Region', () => {
    const all = exampleStacks();
    expect(all.map((s) => s.stackName)).toEqual(['TrainingDataLakeExample', 'SeedObjectCopyExample', 'DatasetCopyExample', 'ExpressCacheExample',
      'LustreScratchExample', 'CheckpointTierLustreExample', 'CheckpointTierExpressExample', 'Ec2TrainingExample', 'EksTrainingExample',
      'SageMakerStreamingExample', 'HyperPodLustreExample']);
    const byZoneId = new Set(['ExpressCacheExample', 'LustreScratchExample', 'CheckpointTierLustreExample', 'CheckpointTierExpressExample', 'Ec2TrainingExample', 'EksTrainingExample',
      'SageMakerStreamingExample', 'HyperPodLustreExample']);
    for (const stack of all) {
      expect([stack.stackName, stack.environment]).toEqual([stack.stackName,
        byZoneId.has(stack.stackName) ? `aws://unknown-account/${TRAINING_REGION}` : 'aws://unknown-account/unknown-region']);
    }
    expect(TRAINING_ZONE_ID).toBe('use1-az4');
    expect(TRAINING_REGION).toBe('us-east-1');
  });

  test.each(stacks.map((s) => [s.stackName, s] as const))('%s passes the three validators and matches its snapshot', (_name, stack) => {
    const template = validatedTemplate(stack);
    expect(template.toJSON()).toMatchSnapshot();
  });

  test.each(stacks.map((s) => [s.stackName, s] as const))('%s: a raw cfn-guard run agrees with the validation report', (_name, stack) => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('the seed example: two private buckets, the sample object, its server-side copy and both URLs', () => {
    const stack = stacks.find((s) => s.stackName === 'SeedObjectCopyExample')!;
    const template = validatedTemplate(stack);
    const buckets = template.findResources('AWS::S3::Bucket', { Properties: { LoggingConfiguration: Match.anyValue() } });
    expect(Object.keys(buckets).sort()).toEqual([expect.stringMatching(/^DestinationBucket[0-9A-F]{8}$/), expect.stringMatching(/^SourceBucket[0-9A-F]{8}$/)]);
    for (const bucket of Object.values(buckets)) {
      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
      });
      expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    }
    // The sample object: a BucketDeployment of one file with the seed's content into the source bucket.
    template.hasResourceProperties('Custom::CDKBucketDeployment', {
      DestinationBucketName: { Ref: Match.stringLikeRegexp('^SourceBucket[0-9A-F]{8}$') },
      Prune: false,
    });
    const deployment = stack.node.findChild('SourceBucketObject') as any;
    expect(deployment).toBeDefined();
    expect(SEED).toEqual({ sourceKey: 'llm-training-data.txt', content: 'Sample training data content', destinationKey: 'llm-training-data-copied.txt' });
    // The copy: that key, renamed, from the source bucket root to the destination bucket root, after the upload.
    template.hasResource('Custom::DatasetCopy', {
      Properties: {
        SourceBucket: { Ref: Match.stringLikeRegexp('^SourceBucket[0-9A-F]{8}$') },
        SourcePrefix: '',
        DestinationBucket: { Ref: Match.stringLikeRegexp('^DestinationBucket[0-9A-F]{8}$') },
        DestinationPrefix: '',
        Keys: ['llm-training-data.txt'],
        Renames: { 'llm-training-data.txt': 'llm-training-data-copied.txt' },
      },
      DependsOn: Match.arrayWith([Match.stringLikeRegexp('^SourceBucketObjectCustomResource')]),
    });
    template.hasOutput('sourcedataurl', {
      Value: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^SourceBucket[0-9A-F]{8}$') }, '/llm-training-data.txt']] },
    });
    template.hasOutput('destinationdataurl', {
      Value: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^DestinationBucket[0-9A-F]{8}$') }, '/llm-training-data-copied.txt']] },
    });
  });

  test('the dataset copy example copies datasets/corpus/ with the Lambda engine and datasets/images/ with Batch Operations', () => {
    const stack = stacks.find((s) => s.stackName === 'DatasetCopyExample')!;
    const template = validatedTemplate(stack);
    template.hasResourceProperties('Custom::DatasetCopy', {
      SourcePrefix: 'datasets/corpus/',
      DestinationPrefix: 'datasets/corpus/',
      Engine: 'LAMBDA',
      SourceBucket: { Ref: Match.stringLikeRegexp('^LakeBucket') },
      DestinationBucket: { Ref: Match.stringLikeRegexp('^StagingBucket') },
    });
    template.hasResourceProperties('Custom::DatasetCopy', {
      SourcePrefix: 'datasets/images/', DestinationPrefix: 'datasets/', Engine: 'BATCH_OPERATIONS', WaitForBatchJob: 'false',
    });
  });

  test('the Express cache example: a directory bucket in the training zone named with the literal zone ID, the VPC\'s endpoint, the corpus import and a role for a read-only mount', () => {
    const stack = stacks.find((s) => s.stackName === 'ExpressCacheExample')!;
    const template = validatedTemplate(stack);
    const subnets = template.findResources('AWS::EC2::Subnet');
    expect(Object.keys(subnets)).toEqual([expect.stringMatching(/^VpcTrainingSubnet1Subnet[0-9A-F]{8}$/)]);
    const [gpuSubnet] = Object.values(subnets);
    expect(gpuSubnet.Properties.AvailabilityZoneId).toBe(TRAINING_ZONE_ID);
    expect(gpuSubnet.Properties).not.toHaveProperty('AvailabilityZone');
    template.hasResource('AWS::S3Express::DirectoryBucket', {
      Properties: {
        DataRedundancy: 'SingleAvailabilityZone',
        LocationName: 'use1-az4',
        BucketName: { 'Fn::Join': ['', [Match.stringLikeRegexp('^expresscacheexample-'), { Ref: 'AWS::AccountId' }, '--use1-az4--x-s3']] },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        MetricsConfigurations: [{ Id: 'EntireBucket' }],
        LifecycleConfiguration: { Rules: [{ Id: 'ExpireScratch', Status: 'Enabled', Prefix: 'scratch/', ExpirationInDays: 7, AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 } }] },
      },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::S3Express::BucketPolicy', {
      PolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'lifecycle.s3.amazonaws.com' }, Action: 's3express:CreateSession' })] },
    });
    // One S3 Express endpoint, the TrainingVpc's, on the GPU subnet's route table (the cache adds none).
    const expressEndpoints = Object.values(template.findResources('AWS::EC2::VPCEndpoint'))
      .filter((e: any) => JSON.stringify(e.Properties.ServiceName).endsWith('.s3express"]]}'));
    expect(expressEndpoints).toHaveLength(1);
    expect(expressEndpoints[0].Properties.RouteTableIds).toEqual([{ Ref: expect.stringMatching(/^VpcTrainingSubnet1RouteTable/) }]);
    expect(stack.node.findChild('Cache').node.tryFindChild('GatewayEndpoint')).toBeUndefined();
    template.hasResourceProperties('Custom::DatasetCopy', {
      SourceBucket: { Ref: Match.stringLikeRegexp('^LakeBucket') },
      SourcePrefix: 'datasets/corpus/',
      DestinationBucket: { Ref: Match.stringLikeRegexp('^Cache') },
      DestinationPrefix: 'datasets/corpus/',
      Engine: 'LAMBDA',
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^TrainingRole') }],
      // grantMountpointRead: Mountpoint asks for ReadWrite sessions, also with --read-only.
      PolicyDocument: { Statement: [Match.objectEquals({ Action: 's3express:CreateSession', Effect: 'Allow', Resource: Match.anyValue() })] },
    });
    template.hasOutput('MountCommand', { Value: { 'Fn::Join': ['', ['mount-s3 ', { Ref: Match.stringLikeRegexp('^Cache') }, ' /mnt/cache --prefix datasets/corpus/ --read-only']] } });
    // The zone and the Region are both known: a literal endpoint.
    template.hasOutput('ZonalEndpoint', { Value: 'https://s3express-use1-az4.us-east-1.amazonaws.com' });
  });

  test('the data lake example outputs the bucket name and the s3:// URIs', () => {
    const stack = stacks.find((s) => s.stackName === 'TrainingDataLakeExample')!;
    const template = validatedTemplate(stack);
    template.hasOutput('BucketName', { Value: { Ref: Match.stringLikeRegexp('^LakeBucket') } });
    for (const [output, prefix] of [['DatasetsUri', '/datasets/'], ['CorpusUri', '/datasets/corpus/'], ['CheckpointsUri', '/checkpoints/']]) {
      template.hasOutput(output, { Value: { 'Fn::Join': ['', ['s3://', { Ref: Match.stringLikeRegexp('^LakeBucket') }, prefix]] } });
    }
  });
});
