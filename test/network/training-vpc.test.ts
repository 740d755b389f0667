import { Stack, Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { TrainingDataLake, TrainingStorageError, TrainingVpc, TrainingVpcProps } from '../../src';
import { plainAnnotations, plainApp, plainStack, plainTemplate, testStack, validatedTemplate } from '../support/harness';

const VPC_PATH = 'Test/Network';

function networkIn(stack: Stack, props: Partial<TrainingVpcProps> = {}): TrainingVpc {
  return new TrainingVpc(stack, 'Network', { trainingZoneId: 'use1-az4', ...props });
}

function rejection(props: Partial<TrainingVpcProps>, stack = plainStack()): TrainingStorageError {
  try {
    networkIn(stack, props);
  } catch (e) {
    expect(e).toBeInstanceOf(TrainingStorageError);
    return e as TrainingStorageError;
  }
  throw new Error('no error thrown');
}

function message(property: string, received: string, allowed: string): string {
  return `[${VPC_PATH}] ${property}: received ${received}; allowed: ${allowed}`;
}

function resourcesOf(template: Template, type: string): Array<{ id: string; resource: any }> {
  return Object.entries(template.findResources(type)).map(([id, resource]) => ({ id, resource }));
}

describe('TrainingVpc defaults', () => {
  let stack: Stack;
  let network: TrainingVpc;
  let template: Template;
  beforeAll(() => {
    stack = testStack();
    network = networkIn(stack);
    template = validatedTemplate(stack); // CloudFormation Validate, cdk-nag and the Control Tower rules
  });

  test('one subnet, placed by AvailabilityZoneId, without AvailabilityZone, 10.0.0.0/20, no public IPs', () => {
    const subnets = resourcesOf(template, 'AWS::EC2::Subnet');
    expect(subnets).toHaveLength(1);
    expect(subnets[0].id).toMatch(/^NetworkTrainingSubnet1Subnet[0-9A-F]{8}$/);
    const properties = subnets[0].resource.Properties;
    expect(properties.AvailabilityZoneId).toBe('use1-az4');
    expect(properties).not.toHaveProperty('AvailabilityZone');
    expect(properties.CidrBlock).toBe('10.0.0.0/20');
    expect(properties.MapPublicIpOnLaunch).toBe(false);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16', EnableDnsHostnames: true, EnableDnsSupport: true });
  });

  test('the training zone is known at synthesis time: a literal zone ID and the training subnet', () => {
    expect(network.trainingZoneId).toBe('use1-az4');
    expect(Token.isUnresolved(network.trainingZoneId)).toBe(false);
    expect(network.availabilityZoneIds).toEqual(['use1-az4']);
    expect(network.trainingSubnet).toBe(network.isolatedSubnets[0]);
    expect(network.trainingSubnet.node.path).toBe(`${VPC_PATH}/TrainingSubnet1`);
    // The zone name is the subnet's own attribute: known at deploy time, the same physical zone.
    const subnetId = stack.getLogicalId(network.trainingSubnet.node.defaultChild as ec2.CfnSubnet);
    expect(stack.resolve(network.trainingSubnet.availabilityZone)).toEqual({ 'Fn::GetAtt': [subnetId, 'AvailabilityZone'] });
    expect(stack.resolve(network.availabilityZones)).toEqual([{ 'Fn::GetAtt': [subnetId, 'AvailabilityZone'] }]);
    // It is an ec2.Vpc: selections find the training subnet.
    expect(network.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnets).toEqual([network.trainingSubnet]);
    expect(network.selectSubnets().subnets).toEqual([network.trainingSubnet]);
  });

  test('isolated: no internet gateway, no NAT gateway, no public subnet', () => {
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    template.resourceCountIs('AWS::EC2::EIP', 0);
    template.resourceCountIs('AWS::EC2::Route', 0);
    expect(network.publicSubnets).toHaveLength(0);
    expect(network.privateSubnets).toHaveLength(0);
  });

  test('gateway endpoints for S3 and S3 Express One Zone on the training subnet\'s route table', () => {
    const routeTable = { Ref: Match.stringLikeRegexp('^NetworkTrainingSubnet1RouteTable') };
    for (const service of ['s3', 's3express']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Gateway',
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
        RouteTableIds: [routeTable],
      });
    }
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2);
    expect(network.s3Endpoint).toBe(network.node.findChild('S3'));
    expect(network.s3ExpressEndpoint).toBe(network.node.findChild('S3Express'));
  });

  test('flow logs of all traffic to a new bucket under vpc-flow-logs/', () => {
    template.resourceCountIs('AWS::EC2::FlowLog', 1);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      ResourceType: 'VPC',
      ResourceId: { Ref: Match.stringLikeRegexp('^Network[0-9A-F]{8}$') },
      TrafficType: 'ALL',
      LogDestinationType: 's3',
      LogDestination: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFlowLogsBucket'), 'Arn'] }, '/vpc-flow-logs/']] },
    });
    expect(network.flowLogsBucket).toBe(network.node.findChild('FlowLogsBucket'));
    expect(network.node.tryFindChild('FlowLog')).toBeDefined();
  });

  test('the flow logs bucket: private, SSE-S3, TLS only, versioned, logs kept 365 days, retained', () => {
    const buckets = resourcesOf(template, 'AWS::S3::Bucket');
    expect(buckets).toHaveLength(1);
    const bucket = buckets[0].resource;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties.BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
      BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true,
    });
    expect(bucket.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual([{
      Id: 'ExpireFlowLogs',
      Status: 'Enabled',
      ExpirationInDays: 365,
      NoncurrentVersionExpiration: { NoncurrentDays: 1 },
      AbortIncompleteMultipartUpload: { DaysAfterInitiation: 1 },
    }]);
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Effect: 'Deny', Condition: { NumericLessThan: { 's3:TlsVersion': 1.2 } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'delivery.logs.amazonaws.com' },
            Action: 's3:PutObject',
            Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^NetworkFlowLogsBucket'), 'Arn'] }, '/vpc-flow-logs/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']] },
            Condition: Match.objectLike({ StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } }),
          }),
          Match.objectLike({
            Effect: 'Allow', Principal: { Service: 'delivery.logs.amazonaws.com' }, Action: ['s3:GetBucketAcl', 's3:ListBucket'],
          }),
        ]),
      },
    });
  });

  test('the delivery statements once, also where aws-cdk-lib adds them (feature flag @aws-cdk/aws-s3:createDefaultLoggingPolicy)', () => {
    const flagged = new Stack(plainApp({ context: { '@aws-cdk/aws-s3:createDefaultLoggingPolicy': true } }), 'Test');
    networkIn(flagged);
    const policies = resourcesOf(plainTemplate(flagged), 'AWS::S3::BucketPolicy');
    expect(policies).toHaveLength(1);
    const delivery = policies[0].resource.Properties.PolicyDocument.Statement.filter((st: any) => st.Principal?.Service === 'delivery.logs.amazonaws.com');
    expect(delivery).toHaveLength(2);
  });

  test('no warnings: the training zone of a VPC is not an ExpressCache', () => {
    // The same VPC in a plain stack: reading annotations synthesizes again, here without the validators.
    const plain = plainStack();
    networkIn(plain);
    expect(plainAnnotations(plain).findWarning('*', Match.stringLikeRegexp('.*'))).toHaveLength(0);
  });
});

describe('TrainingVpc options', () => {
  test('additionalZoneIds: one more subnet per zone, by zone ID, on the endpoints\' route tables', () => {
    const stack = plainStack();
    const network = networkIn(stack, { additionalZoneIds: ['use1-az5', 'use1-az6'] });
    const template = plainTemplate(stack);
    const subnets = resourcesOf(template, 'AWS::EC2::Subnet').sort((a, b) => a.id.localeCompare(b.id));
    expect(subnets.map((s) => [s.resource.Properties.AvailabilityZoneId, s.resource.Properties.CidrBlock, s.resource.Properties.AvailabilityZone]))
      .toEqual([['use1-az4', '10.0.0.0/20', undefined], ['use1-az5', '10.0.16.0/20', undefined], ['use1-az6', '10.0.32.0/20', undefined]]);
    expect(network.availabilityZoneIds).toEqual(['use1-az4', 'use1-az5', 'use1-az6']);
    expect(network.trainingSubnet.node.path).toBe(`${VPC_PATH}/TrainingSubnet1`);
    expect(network.isolatedSubnets).toHaveLength(3);
    for (const endpoint of resourcesOf(template, 'AWS::EC2::VPCEndpoint')) {
      expect(endpoint.resource.Properties.RouteTableIds).toHaveLength(3);
    }
  });

  test('ipAddresses and subnetPrefixLength size the VPC and its subnets', () => {
    const stack = plainStack();
    networkIn(stack, { ipAddresses: ec2.IpAddresses.cidr('172.16.0.0/16'), subnetPrefixLength: 24, additionalZoneIds: ['use1-az6'] });
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '172.16.0.0/16' });
    expect(resourcesOf(template, 'AWS::EC2::Subnet').map((s) => s.resource.Properties.CidrBlock).sort()).toEqual(['172.16.0.0/24', '172.16.1.0/24']);
  });

  test('flowLogsBucket and flowLogsPrefix: the flow logs go to the given bucket, under the normalized prefix; no bucket is created', () => {
    const stack = plainStack();
    const lake = new TrainingDataLake(stack, 'Lake');
    const network = networkIn(stack, { flowLogsBucket: lake.serverAccessLogsBucket, flowLogsPrefix: 'network/flow' });
    const template = plainTemplate(stack);
    expect(network.flowLogsBucket).toBe(lake.serverAccessLogsBucket);
    expect(network.node.tryFindChild('FlowLogsBucket')).toBeUndefined();
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      LogDestination: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.stringLikeRegexp('^LakeAccessLogsBucket'), 'Arn'] }, '/network/flow/']] },
    });
  });

  test('s3ExpressEndpoint: false leaves the S3 Express endpoint out; the S3 endpoint stays', () => {
    const stack = plainStack();
    const network = networkIn(stack, { s3ExpressEndpoint: false });
    const template = plainTemplate(stack);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 1);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] } });
    expect(network.s3ExpressEndpoint).toBeUndefined();
    expect(network.node.tryFindChild('S3Express')).toBeUndefined();
  });

  test('a zone of a Region without S3 Express One Zone (by this library\'s list) gets no S3 Express endpoint, unless asked for', () => {
    const stack = plainStack();
    const network = networkIn(stack, { trainingZoneId: 'cac1-az1' });
    expect(network.s3ExpressEndpoint).toBeUndefined();
    plainTemplate(stack).resourceCountIs('AWS::EC2::VPCEndpoint', 1);

    const asked = plainStack();
    const withEndpoint = networkIn(asked, { trainingZoneId: 'cac1-az1', s3ExpressEndpoint: true });
    expect(withEndpoint.s3ExpressEndpoint).toBeDefined();
    plainTemplate(asked).resourceCountIs('AWS::EC2::VPCEndpoint', 2);
  });

  test('a zone outside the S3 Express One Zone zones of its Region is fine for a VPC (Lustre needs no Express zone)', () => {
    const stack = plainStack();
    const network = networkIn(stack, { trainingZoneId: 'use1-az1' });
    expect(network.s3ExpressEndpoint).toBeDefined(); // the Region has S3 Express One Zone
    plainTemplate(stack).hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZoneId: 'use1-az1' });
    expect(plainAnnotations(stack).findWarning('*', Match.stringLikeRegexp('.*'))).toHaveLength(0);
  });

  test('a stack of the zone\'s Region, synthesized offline (no lookups)', () => {
    const app = plainApp();
    const stack = new Stack(app, 'Test', { env: { region: 'us-east-1' } });
    networkIn(stack);
    const template = plainTemplate(stack);
    template.hasResourceProperties('AWS::EC2::Subnet', { AvailabilityZoneId: 'use1-az4' });
    expect(app.synth().manifest.missing ?? []).toEqual([]);
  });
});

describe('TrainingVpc validation', () => {
  test('rejects a zone name: names map to different physical zones per account', () => {
    expect(rejection({ trainingZoneId: 'us-east-1a' }).message).toBe(message('trainingZoneId', '"us-east-1a"',
      'an Availability Zone ID such as "use1-az4": "us-east-1a" is a zone name, and zone names map to different physical zones in different accounts; '
      + 'find the ID with `aws ec2 describe-availability-zones` (ZoneId)'));
  });

  test('rejects a Local Zone ID', () => {
    expect(rejection({ trainingZoneId: 'use1-bos1-az1' }).message).toBe(message('trainingZoneId', '"use1-bos1-az1"',
      'an Availability Zone ID such as "use1-az4": "use1-bos1-az1" is a Local Zone ID; the training zone is an Availability Zone'));
  });

  test('rejects anything else that is not a zone ID', () => {
    for (const bad of ['az4', 'USE1-AZ4', 'use1-az', '']) {
      expect(rejection({ trainingZoneId: bad }).message).toBe(message('trainingZoneId', JSON.stringify(bad), 'an Availability Zone ID such as "use1-az4"'));
    }
  });

  test('rejects a zone ID known only at deploy time', () => {
    expect(rejection({ trainingZoneId: Token.asString({ Ref: 'ZoneParameter' }) }).message).toBe(message(
      'trainingZoneId', '(unresolved token)', 'a literal Availability Zone ID such as "use1-az4": the training zone is known at synthesis time'));
    expect(rejection({ additionalZoneIds: [Token.asString({ Ref: 'ZoneParameter' })] }).message).toBe(message(
      'additionalZoneIds[0]', '(unresolved token)', 'a literal Availability Zone ID such as "use1-az4": the training zone is known at synthesis time'));
  });

  test('rejects a zone ID of another Region than the stack\'s', () => {
    const stack = new Stack(plainApp(), 'Test', { env: { region: 'us-west-2' } });
    expect(rejection({}, stack).message).toBe(message('trainingZoneId', '"use1-az4"',
      'an Availability Zone ID of the stack\'s Region us-west-2: "use1-az4" is in us-east-1'));
  });

  test('rejects additional zones of another Region, twice the same zone, or a malformed one', () => {
    expect(rejection({ additionalZoneIds: ['use2-az1'] }).message).toBe(message('additionalZoneIds[0]', '"use2-az1"',
      'a zone ID of the training zone\'s Region (use1-az<n>, like trainingZoneId "use1-az4"): a VPC lives in one Region'));
    expect(rejection({ additionalZoneIds: ['use1-az5', 'use1-az4'] }).message).toBe(message('additionalZoneIds[1]', '"use1-az4"',
      'a zone ID not given before (trainingZoneId and additionalZoneIds name different zones)'));
    expect(rejection({ additionalZoneIds: ['us-east-1b'] }).message).toMatch(/^\[Test\/Network\] additionalZoneIds\[0\]: received "us-east-1b"; allowed: an Availability Zone ID such as "use1-az4": "us-east-1b" is a zone name/);
  });

  test('rejects a subnet size outside /16 to /28', () => {
    for (const bad of [15, 29, 20.5]) {
      expect(rejection({ subnetPrefixLength: bad }).message).toBe(message('subnetPrefixLength', String(bad),
        'a prefix length from 16 (65,536 addresses) to 28 (16 addresses), such as 20 (4,096 addresses)'));
    }
  });

  test('rejects a flow logs prefix that is not a key prefix', () => {
    expect(rejection({ flowLogsPrefix: '/logs' }).message).toMatch(/^\[Test\/Network\] flowLogsPrefix: received "\/logs"; allowed: /);
  });

  test('the error names the construct path in a nested scope, before ec2.Vpc sees the values', () => {
    const stack = plainStack();
    const scope = new Construct(stack, 'Scope');
    expect(() => new TrainingVpc(scope, 'Network', { trainingZoneId: 'us-east-1a' })).toThrow(/^\[Test\/Scope\/Network\] trainingZoneId: /);
  });
});
