import { Stack, Validations } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { GPU_SUBNET_GROUP, trainingVpc } from '../../examples/training-vpc';
import { ExpressCache, TrainingDataLake, TrainingStorageError, TrainingSubnet, TrainingVpc } from '../../src';
import { plainAnnotations, plainApp, plainStack, plainTemplate } from '../support/harness';

function thrown(fn: () => unknown): TrainingStorageError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TrainingStorageError);
    return e as TrainingStorageError;
  }
  throw new Error('no error thrown');
}

function directoryBucket(stack: Stack): { [key: string]: any } {
  const buckets = plainTemplate(stack).findResources('AWS::S3Express::DirectoryBucket');
  expect(Object.keys(buckets)).toHaveLength(1);
  return Object.values(buckets)[0];
}

// Plain stacks: the validators run on ExpressCache and TrainingVpc in their own test files, and on
// the ExpressCache example (a cache in a TrainingVpc) in test/examples.
describe('ExpressCache in the training zone (TrainingVpc, TrainingSubnet)', () => {
  test('the subnet of a TrainingVpc gives the literal zone ID: in the location and the name, no Fn::GetAtt', () => {
    const stack = plainStack();
    const network = new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az4' });
    const cache = new ExpressCache(stack, 'Cache', { subnet: network.trainingSubnet, bucketBaseName: 'gpu-cache' });
    expect(cache.availabilityZoneId).toBe('use1-az4');
    expect(cache.bucketName).not.toBe('gpu-cache--use1-az4--x-s3'); // the bucket's Ref ...
    expect(directoryBucket(stack).Properties).toEqual(expect.objectContaining({
      LocationName: 'use1-az4', // ... whose name is literal
      BucketName: 'gpu-cache--use1-az4--x-s3',
    }));
    expect(cache.zonalEndpoint).toContain('s3express-use1-az4.');
  });

  test('the default name holds the literal zone ID too', () => {
    const stack = plainStack();
    const network = new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az5' });
    new ExpressCache(stack, 'Cache', { subnet: network.trainingSubnet });
    expect(directoryBucket(stack).Properties.BucketName).toEqual({
      'Fn::Join': ['', [expect.stringMatching(/^test-cache-[0-9a-f]{8}-$/), { Ref: 'AWS::AccountId' }, '--use1-az5--x-s3']],
    });
  });

  test('a TrainingSubnet added to a VPC you have gives the literal zone ID', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const vpc = trainingVpc(stack, 'Vpc', lake.serverAccessLogsBucket!);
    const subnet = new TrainingSubnet(stack, 'GpuSubnet', { vpc, trainingZoneId: 'use1-az6', cidrBlock: '10.0.64.0/20' });
    const cache = new ExpressCache(stack, 'Cache', { subnet, bucketBaseName: 'gpu-cache' });
    expect(cache.availabilityZoneId).toBe('use1-az6');
    expect(directoryBucket(stack).Properties.BucketName).toBe('gpu-cache--use1-az6--x-s3');
  });

  test('a training zone outside the zones of S3 Express One Zone: the VPC is fine, the cache warns at synthesis (ExpressCache.UnsupportedZone)', () => {
    const stack = plainStack();
    const network = new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az1' });
    const cache = new ExpressCache(stack, 'Cache', { subnet: network.trainingSubnet });
    const warnings = plainAnnotations(stack).findWarning('*', Match.stringLikeRegexp('.*'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0].id).toBe('/Test/Cache');
    expect(JSON.stringify(warnings[0].entry.data)).toContain('availabilityZoneId \\"use1-az1\\" is not among the zones where S3 Express One Zone is documented in us-east-1');
    Validations.of(cache).acknowledge({ id: 'ExpressCache.UnsupportedZone', reason: 'AWS added the zone.' });
    expect(plainAnnotations(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toHaveLength(0);
  });

  test('rejects gatewayEndpointVpc where the subnet\'s route table routes to S3 Express One Zone already', () => {
    const stack = plainStack();
    const network = new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az4' });
    expect(thrown(() => new ExpressCache(stack, 'Cache', { subnet: network.trainingSubnet, gatewayEndpointVpc: network })).message).toBe(
      '[Test/Cache] gatewayEndpointVpc: received the VPC "Test/Network"; allowed: nothing here: the route table of subnet "Test/Network/TrainingSubnet1" '
      + 'already routes to S3 Express One Zone through the gateway endpoint "Test/Network/S3Express/Resource" (a TrainingVpc or TrainingSubnet adds one), '
      + 'and a route table routes a service to one gateway endpoint; leave gatewayEndpointVpc out');

    // The same with explicit endpoint subnets, and for a TrainingSubnet's endpoint.
    const other = plainStack();
    const vpc = ec2.Vpc.fromVpcAttributes(other, 'Imported', { vpcId: 'vpc-0123456789abcdef0', availabilityZones: ['us-east-1a'] });
    const subnet = new TrainingSubnet(other, 'GpuSubnet', { vpc, trainingZoneId: 'use1-az4', cidrBlock: '10.0.64.0/20' });
    expect(thrown(() => new ExpressCache(other, 'Cache', { availabilityZoneId: 'use1-az4', gatewayEndpointVpc: vpc, gatewayEndpointSubnets: [{ subnets: [subnet] }] }))
      .message).toMatch(/through the gateway endpoint "Test\/GpuSubnet\/S3ExpressEndpoint\/Resource"/);
  });

  test('gatewayEndpointVpc still adds the endpoint where no S3 Express route exists (a TrainingVpc without one, a VPC you have)', () => {
    const stack = plainStack();
    const network = new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az4', s3ExpressEndpoint: false });
    const cache = new ExpressCache(stack, 'Cache', { subnet: network.trainingSubnet, gatewayEndpointVpc: network });
    expect(cache.gatewayEndpoint).toBeDefined();
    plainTemplate(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 2);

    const existing = new Stack(plainApp(), 'Test');
    const lake = new TrainingDataLake(existing, 'Lake');
    const vpc = trainingVpc(existing, 'Vpc', lake.serverAccessLogsBucket!); // an S3 endpoint, no S3 Express one
    const subnet = vpc.selectSubnets({ subnetGroupName: GPU_SUBNET_GROUP }).subnets[0];
    expect(new ExpressCache(existing, 'Cache', { subnet, gatewayEndpointVpc: vpc }).gatewayEndpoint).toBeDefined();
  });
});
