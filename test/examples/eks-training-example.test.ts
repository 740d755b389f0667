import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { EKS_NAMESPACE, EksTrainingExampleStack } from '../../examples/eks-training-stack';
import { TRAINING_REGION } from '../../examples/training-vpc';
import { testApp, validatedTemplate } from '../support/harness';
import { guardDisagreements } from '../support/raw-guard';

describe('EksTrainingExample', () => {
  let stack: Stack;
  let template: Template;
  beforeAll(() => {
    stack = new EksTrainingExampleStack(testApp(), 'EksTrainingExample', { env: { region: TRAINING_REGION } });
    template = validatedTemplate(stack);
  });

  test('passes the three validators and matches its snapshot', () => {
    expect(template.toJSON()).toMatchSnapshot();
  });

  test('a raw cfn-guard run agrees with the validation report', () => {
    expect(guardDisagreements(stack)).toEqual([]);
  });

  test('a p5 node group in the training subnet only, on the AL2023 NVIDIA AMI type, with 32 EFA devices', () => {
    const gpuSubnet = Object.keys(template.findResources('AWS::EC2::Subnet', { Properties: { AvailabilityZoneId: 'use1-az4' } }))[0];
    template.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_x86_64_NVIDIA', Subnets: [{ Ref: gpuSubnet }] });
    const data = Object.values<any>(template.findResources('AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData;
    expect(data.NetworkInterfaces.filter((item: any) => item.InterfaceType === 'efa-only')).toHaveLength(32);
    expect(data.InstanceType).toBe('p5.48xlarge');
  });

  test('the nodes reach AWS from isolated subnets: EC2, ECR, STS and EKS Pod Identity interface endpoints', () => {
    for (const service of ['ec2', 'ecr.api', 'ecr.dkr', 'sts', 'eks-auth']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface', PrivateDnsEnabled: true, ServiceName: `com.amazonaws.us-east-1.${service}`,
      });
    }
  });

  test('an untainted system node group next to the tainted GPU nodes (CoreDNS and the drivers\' controllers)', () => {
    template.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_x86_64_STANDARD', InstanceTypes: ['m7i.large'], Taints: Match.absent() });
    template.hasResourceProperties('AWS::EKS::Nodegroup', { AmiType: 'AL2023_x86_64_NVIDIA', Taints: [Match.objectLike({ Key: 'nvidia.com/gpu' })] });
  });

  test('both CSI drivers as add-ons with EKS Pod Identity', () => {
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-mountpoint-s3-csi-driver' });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'aws-fsx-csi-driver' });
    template.hasResourceProperties('AWS::EKS::Addon', { AddonName: 'eks-pod-identity-agent' });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 's3-csi-driver-sa' });
    template.hasResourceProperties('AWS::EKS::PodIdentityAssociation', { Namespace: 'kube-system', ServiceAccount: 'fsx-csi-controller-sa' });
  });

  test('the manifests: the volumes, their claims in the training namespace, and the sample job', () => {
    const output = JSON.stringify(stack.resolve(template.findOutputs('Manifests').Manifests.Value));
    for (const text of ['s3.csi.aws.com', 'fsx.csi.aws.com', '\\"kind\\":\\"Job\\"', `\\"namespace\\":\\"${EKS_NAMESPACE}\\"`]) {
      expect(output).toContain(text);
    }
    template.hasOutput('ClusterName', { Value: Match.anyValue() });
  });
});
