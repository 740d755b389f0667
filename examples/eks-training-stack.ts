import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as eks from 'aws-cdk-lib/aws-eks-v2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { TRAINING_ZONE_ID } from './training-vpc';
import { CompliantKey, EksStorageDrivers, ExpressCache, GpuNodegroup, LustreScratch, TrainingDataLake, TrainingVpc } from '../src';
import { acknowledgeFinding } from '../src/core/acknowledge';

/** The VPC's address range (literal, so that the endpoints' security group names it). */
const VPC_CIDR = '10.0.0.0/16';

/** The Kubernetes namespace of the example's volumes and job. */
export const EKS_NAMESPACE = 'training';

/**
 * GPUs next to the data on EKS: a TrainingVpc (GPU subnet in use1-az4), a TrainingDataLake, an
 * ExpressCache in the GPU subnet's zone that imports the lake's `datasets/corpus/`, a LustreScratch
 * in the GPU subnet, the interface endpoints a private cluster's nodes need (EC2, ECR, STS, EKS
 * Pod Identity), and an EKS cluster (private endpoint, control plane logs, secrets encrypted) with:
 * - a system node group of two m7i.large (untainted: CoreDNS and the drivers' controllers);
 * - a p5.48xlarge managed node group in the training subnet only: the AL2023 NVIDIA AMI type, 32 EFA
 *   devices in a cluster placement group, the instance store as the node's RAID 0 local storage,
 *   the GPU taint;
 * - the Mountpoint for Amazon S3 and FSx for Lustre CSI drivers as EKS add-ons with EKS Pod Identity
 *   (the Mountpoint driver's role holds exactly the mounted locations);
 * - static PersistentVolumes and claims: the cached corpus (read-only, cached on the node), the
 *   lake's checkpoints (read-write) and the file system; and a sample training Job that mounts the
 *   dataset and the checkpoints. They are an output to `kubectl apply -f` (or
 *   `drivers.applyManifests` on a cluster with a kubectl provider).
 */
export class EksTrainingExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    // The EKS control plane needs subnets in two zones: the training zone and one more.
    const vpc = new TrainingVpc(this, 'Vpc', {
      trainingZoneId: TRAINING_ZONE_ID,
      additionalZoneIds: ['use1-az6'],
      ipAddresses: ec2.IpAddresses.cidr(VPC_CIDR),
      flowLogsBucket: lake.serverAccessLogsBucket!,
    });
    // Nodes in isolated subnets reach AWS through endpoints: S3 and S3 Express (gateways, from
    // TrainingVpc), and the interface endpoints a private cluster's nodes need (EKS User Guide,
    // "Deploy private clusters with limited internet access": ec2, ecr.api, ecr.dkr, sts) and EKS
    // Pod Identity's eks-auth.
    const endpoints: Array<[string, ec2.InterfaceVpcEndpointAwsService]> = [
      ['Ec2', ec2.InterfaceVpcEndpointAwsService.EC2], ['EcrApi', ec2.InterfaceVpcEndpointAwsService.ECR],
      ['EcrDocker', ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER], ['Sts', ec2.InterfaceVpcEndpointAwsService.STS],
      ['EksAuth', ec2.InterfaceVpcEndpointAwsService.EKS_AUTH],
    ];
    const endpointGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc, description: 'Interface endpoints: HTTPS from the VPC', allowAllOutbound: false,
    });
    endpointGroup.addIngressRule(ec2.Peer.ipv4(VPC_CIDR), ec2.Port.tcp(443), 'HTTPS from the VPC');
    for (const [name, service] of endpoints) {
      vpc.addInterfaceEndpoint(name, { service, subnets: { subnetGroupName: 'Training' }, securityGroups: [endpointGroup], open: false });
    }
    const cache = new ExpressCache(this, 'Cache', { subnet: vpc.trainingSubnet });
    const cachedCorpus = cache.importFrom(lake.dataset('corpus')).destination;
    const scratch = new LustreScratch(this, 'Scratch', { vpc, subnet: vpc.trainingSubnet });

    const secretsKey = new CompliantKey(this, 'ClusterSecretsKey', { description: 'Kubernetes secrets of the training cluster' });
    const cluster = new eks.Cluster(this, 'Cluster', {
      version: eks.KubernetesVersion.V1_33,
      vpc,
      vpcSubnets: [{ subnetGroupName: 'Training' }],
      endpointAccess: eks.EndpointAccess.PRIVATE,
      clusterLogging: [eks.ClusterLoggingTypes.API, eks.ClusterLoggingTypes.AUDIT, eks.ClusterLoggingTypes.AUTHENTICATOR,
        eks.ClusterLoggingTypes.CONTROLLER_MANAGER, eks.ClusterLoggingTypes.SCHEDULER],
      secretsEncryptionKey: secretsKey,
      defaultCapacityType: eks.DefaultCapacityType.NODEGROUP,
      defaultCapacity: 0,
    });

    // The cluster role aws-cdk-lib makes carries the managed policy EKS requires of it.
    acknowledgeFinding(cluster.role.node.defaultChild as iam.CfnRole, 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonEKSClusterPolicy]',
      'EKS requires AmazonEKSClusterPolicy on the cluster role (EKS User Guide, "Amazon EKS cluster IAM role").');

    // A small untainted node group for what does not tolerate the GPU taint: CoreDNS and the
    // drivers' controllers.
    const system = cluster.addNodegroupCapacity('System', {
      instanceTypes: [new ec2.InstanceType('m7i.large')],
      amiType: eks.NodegroupAmiType.AL2023_X86_64_STANDARD,
      minSize: 2,
      desiredSize: 2,
      maxSize: 2,
      subnets: { subnetGroupName: 'Training' },
    });
    for (const policy of ['AmazonEKSWorkerNodePolicy', 'AmazonEC2ContainerRegistryReadOnly', 'AmazonEKS_CNI_Policy']) {
      acknowledgeFinding(system.role.node.defaultChild as iam.CfnRole, `AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/${policy}]`,
        `EKS requires ${policy} on a managed node group's node role (EKS User Guide, "Amazon EKS node IAM role").`);
    }

    const gpus = new GpuNodegroup(this, 'Gpus', {
      cluster,
      subnet: vpc.trainingSubnet,
      instanceType: 'p5.48xlarge',
      desiredSize: 2,
      colocatedWith: [cache],
    });
    scratch.allowFrom(gpus);

    const drivers = new EksStorageDrivers(this, 'StorageDrivers', { cluster });
    const dataset = drivers.datasetVolume({ name: 'corpus', location: cachedCorpus, claimNamespace: EKS_NAMESPACE });
    const checkpoints = drivers.checkpointVolume({ name: 'checkpoints', location: lake.checkpoints, claimNamespace: EKS_NAMESPACE });
    const fileSystem = scratch.persistentVolume({ name: 'training-scratch', claimNamespace: EKS_NAMESPACE });
    const job = gpus.sampleTrainingJob({
      name: 'train',
      image: 'public.ecr.aws/docker/library/python:3.12',
      jobNamespace: EKS_NAMESPACE,
      datasetClaimName: dataset.claimName,
      checkpointClaimName: checkpoints.claimName,
    });

    new CfnOutput(this, 'ClusterName', { value: cluster.clusterName });
    new CfnOutput(this, 'Manifests', {
      value: this.toJsonString({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          { apiVersion: 'v1', kind: 'Namespace', metadata: { name: EKS_NAMESPACE } },
          dataset.persistentVolume, dataset.persistentVolumeClaim,
          checkpoints.persistentVolume, checkpoints.persistentVolumeClaim,
          fileSystem.persistentVolume, fileSystem.persistentVolumeClaim,
          job,
        ],
      }),
      description: 'The volumes, their claims and the sample training Job (kubectl apply -f)',
    });
  }
}
