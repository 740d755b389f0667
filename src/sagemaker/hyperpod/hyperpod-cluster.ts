import * as fs from 'fs';
import * as path from 'path';
import { Resource, Stack, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3assets from 'aws-cdk-lib/aws-s3-assets';
import * as sagemaker from 'aws-cdk-lib/aws-sagemaker';
import { Construct } from 'constructs';
import { HyperPodClusterProps, HyperPodInstanceGroup } from './hyperpod-cluster-props';
import { HyperPodOrchestratorType } from './orchestrator';
import {
  checkInstanceGroup, checkMemoryAllocationPercent, checkMountPath, checkOnCreateScript, checkTieredCheckpointingOrchestrator,
  duplicateNames, INSTANCE_GROUP_NAME, RuleViolation,
} from './rules';
import { acknowledgeFinding, acknowledgeWildcards, grantPolicyOf, renderForNag } from '../../core/acknowledge';
import { DataLocation } from '../../core/data-location';
import { TrainingStorageError, renderValue } from '../../core/errors';
import { availabilityZoneIdOf, IZonalStorage } from '../../core/training-zone';
import { ILustreScratch } from '../../lustre/lustre-scratch-base';
import { DatasetCopy } from '../../transfer/dataset-copy';

/** Defaults, stated once. */
const DEFAULTS = {
  lustreMountPath: '/fsx',
  onCreateScript: 'on_create.sh',
};

/**
 * The ENI actions a HyperPod cluster with `VpcConfig` needs on its execution role (SageMaker
 * Developer Guide, "AWS Identity and Access Management for SageMaker HyperPod", additional
 * permissions for a cluster in your VPC:
 * https://docs.aws.amazon.com/sagemaker/latest/dg/sagemaker-hyperpod-prerequisites-iam.html; the
 * same list as AWS's HyperPod sample templates, aws-samples/awsome-distributed-training
 * `sagemaker-iam-role-stack.yaml`). These actions have no resource scope in the documented policy.
 */
const VPC_ENI_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:CreateNetworkInterfacePermission',
  'ec2:DeleteNetworkInterface',
  'ec2:DeleteNetworkInterfacePermission',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeVpcs',
  'ec2:DescribeDhcpOptions',
  'ec2:DescribeSubnets',
  'ec2:DescribeSecurityGroups',
  'ec2:DetachNetworkInterface',
];

/**
 * What an EKS-orchestrated cluster's execution role needs besides (same page, EKS section; the
 * sample's `ExecutionRolePolicy`): the VPC CNI's secondary IP addresses, image pulls from ECR, and
 * EKS Pod Identity.
 */
const EKS_ACTIONS = [
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
  'ec2:ModifyNetworkInterfaceAttribute',
  'ecr:BatchGetImage',
  'ecr:GetAuthorizationToken',
  'ecr:GetDownloadUrlForLayer',
  'eks-auth:AssumeRoleForPodIdentity',
];

/**
 * A SageMaker HyperPod cluster (`AWS::SageMaker::Cluster`) wired to the library's storage: every
 * instance group in the training subnet, an FSx for Lustre file system mounted on every node, managed
 * tiered checkpointing, lifecycle scripts uploaded from a local directory to the lake, and an
 * execution role and a security group with what HyperPod needs.
 *
 * - Network: one security group (`connections`) that allows all traffic within itself (node to node,
 *   EFA included) and HTTPS out; a `fileSystem` lets it in on the Lustre ports. The EKS cluster of
 *   an EKS orchestrator must let it in too (`eksClusterSecurityGroup.connections.allowFrom(cluster, ...)`).
 * - Role: the AWS managed policy `AmazonSageMakerClusterInstanceRolePolicy` (CloudWatch Logs and
 *   metrics under `/aws/sagemaker/Clusters`, Systems Manager sessions, and reading buckets named
 *   `sagemaker-*`), the ENI actions HyperPod documents for a cluster in a VPC (and for EKS: the VPC
 *   CNI, ECR pulls, Pod Identity), and read access to the lifecycle scripts' prefix only.
 * - Lifecycle scripts: each file of the directory is a file asset; a `DatasetCopy` copies them,
 *   server-side, from the CDK asset bucket to `lifecycleScripts.location` under their relative paths
 *   before the cluster is created. Files removed from the directory stay in the bucket.
 * - Removal: the cluster holds no data (training data and checkpoints live in the lake and the file
 *   system), so it is deleted with the stack (CloudFormation's default); the copied scripts stay.
 *
 * @example
 * declare const vpc: TrainingVpc;
 * declare const lake: TrainingDataLake;
 * declare const scratch: LustreScratch;
 * new HyperPodCluster(this, 'HyperPod', {
 *   vpc,
 *   subnet: vpc.trainingSubnet,
 *   instanceGroups: [{ name: 'gpu', instanceType: 'ml.p5.48xlarge', instanceCount: 2 }],
 *   orchestrator: HyperPodOrchestrator.eks('arn:aws:eks:us-east-1:111122223333:cluster/training'),
 *   lifecycleScripts: { directory: 'lifecycle', location: DataLocation.fromBucket(lake.bucket, 'hyperpod/lifecycle/') },
 *   fileSystem: scratch,
 *   tieredCheckpointing: { memoryAllocationPercent: 20 },
 * });
 */
export class HyperPodCluster extends Resource implements ec2.IConnectable, iam.IGrantable {
  /** The cluster's ARN. */
  public readonly clusterArn: string;
  /** The execution role of every instance group. */
  public readonly role: iam.Role;
  /** The execution role, for grants to the nodes (such as checkpoint locations). */
  public readonly grantPrincipal: iam.IPrincipal;
  /** The nodes' security group: all traffic within itself, HTTPS out. */
  public readonly securityGroup: ec2.SecurityGroup;
  /** The nodes' security group, for `allowFrom`/`allowTo`. */
  public readonly connections: ec2.Connections;
  /** Where the lifecycle scripts are (`SourceS3Uri`). */
  public readonly lifecycleScriptsLocation: DataLocation;
  /**
   * The copies that put the lifecycle scripts there: one, and one more for each further file with the
   * content of another (such files are one asset object).
   */
  public readonly lifecycleScriptsCopies: DatasetCopy[];
  /** Where the nodes mount the file system. @default - no file system */
  public readonly lustreMountPath?: string;

  public constructor(scope: Construct, id: string, props: HyperPodClusterProps) {
    super(scope, id, { physicalName: props.clusterName });
    const orchestrator = props.orchestrator.orchestratorType;
    const onCreateScript = props.lifecycleScripts.onCreateScript ?? DEFAULTS.onCreateScript;
    this.validate(props, onCreateScript);
    this.lustreMountPath = props.fileSystem ? (props.lustreMountPath ?? DEFAULTS.lustreMountPath) : undefined;
    const scripts = this.scriptFiles(props.lifecycleScripts.directory, onCreateScript);
    this.lifecycleScriptsLocation = props.lifecycleScripts.location;

    // Nodes talk to each other on every port (EFA: "An EFA requires a security group that allows all
    // inbound and outbound traffic to and from the security group itself", EC2 User Guide,
    // https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/efa-start.html). Made with
    // allowAllOutbound: false so that allowInternally adds the self-referencing egress rule too (an
    // egress rule to 0.0.0.0/0 does not cover EFA traffic); HTTPS out reaches S3, ECR, SSM and EKS.
    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description: `HyperPod nodes of ${this.node.path}: all traffic within the group (EFA), HTTPS out`,
      allowAllOutbound: false,
    });
    this.securityGroup.connections.allowInternally(ec2.Port.allTraffic(), 'HyperPod nodes and EFA: all traffic within the group');
    this.securityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'HTTPS to AWS endpoints (S3, ECR, SSM, EKS)');
    this.connections = new ec2.Connections({ securityGroups: [this.securityGroup] });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('sagemaker.amazonaws.com'),
      description: `Execution role of the HyperPod instance groups of ${this.node.path}`,
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('AmazonSageMakerClusterInstanceRolePolicy')],
    });
    this.grantPrincipal = this.role;
    this.grantRoleNeeds(orchestrator === HyperPodOrchestratorType.EKS);

    // The scripts: file assets (not zipped), copied server-side under their relative paths.
    const assets = scripts.map((file, index) => new s3assets.Asset(this, `LifecycleScript${index}`, {
      path: path.join(props.lifecycleScripts.directory, file),
    }));
    const assetBucket = DataLocation.fromBucket(assets[0].bucket, '');
    // Files with the same content are one asset object (the key is the content's hash), and a copy
    // renames each source key once: such files go to further copies, one name per key in each.
    const rounds: Array<Array<[string, string]>> = [];
    assets.forEach((asset, index) => {
      const round = rounds.find((r) => !r.some(([key]) => key === asset.s3ObjectKey));
      const pair: [string, string] = [asset.s3ObjectKey, scripts[index]];
      if (round) {
        round.push(pair);
      } else {
        rounds.push([pair]);
      }
    });
    this.lifecycleScriptsCopies = rounds.map((round, index) => {
      const copy = new DatasetCopy(this, index === 0 ? 'LifecycleScriptsCopy' : `LifecycleScriptsCopy${index + 1}`, {
        source: assetBucket,
        destination: props.lifecycleScripts.location,
        keys: round.map(([key]) => key),
        renames: Object.fromEntries(round),
      });
      // The copy reads the asset bucket's objects (its keys only, by name; IAM sees the bucket's
      // objects). DatasetCopy acknowledges its source wildcard, but cdk-nag renders the asset
      // bucket's name (an Fn::Sub) in a way core's renderer does not know: acknowledged here, on
      // this copy's policy only.
      const copyPolicy = grantPolicyOf(copy.role);
      if (copyPolicy) {
        acknowledgeFinding(copyPolicy, `AwsSolutions-IAM5[Resource::${renderArnForNag(Stack.of(this).resolve(assetBucket.objectsArn))}]`,
          'Copies the lifecycle script assets, named by their keys, from the CDK asset bucket: IAM sees the asset bucket\'s objects.');
      }
      return copy;
    });
    props.lifecycleScripts.location.grantRead(this.role);
    props.lifecycleScripts.location.acknowledgeGrantWildcard(this.role,
      'HyperPod nodes read every lifecycle script under the scripts\' prefix when they are created.');

    if (props.fileSystem) {
      props.fileSystem.allowFrom(this);
    }

    const instanceGroups = props.instanceGroups.map((group) => this.renderGroup(group, props.fileSystem, onCreateScript));
    const cluster = new sagemaker.CfnCluster(this, 'Resource', {
      clusterName: props.clusterName,
      instanceGroups,
      vpcConfig: { securityGroupIds: [this.securityGroup.securityGroupId], subnets: [props.subnet.subnetId] },
      orchestrator: orchestrator === HyperPodOrchestratorType.EKS
        ? { eks: { clusterArn: props.orchestrator.eksClusterArn! } }
        : { slurm: {} },
      tieredStorageConfig: props.tieredCheckpointing === undefined ? undefined : {
        mode: 'Enable',
        instanceMemoryAllocationPercentage: props.tieredCheckpointing.memoryAllocationPercent,
      },
    });
    // The nodes run the scripts, use the role's policies and mount the file system as soon as they
    // start: the copy, the role's policy, the security group's rules (and the file system's, with the
    // file system itself) come first.
    cluster.node.addDependency(...this.lifecycleScriptsCopies, this.role, this.securityGroup);
    if (props.fileSystem) {
      cluster.node.addDependency(props.fileSystem);
    }
    this.clusterArn = cluster.attrClusterArn;
  }

  private renderGroup(group: HyperPodInstanceGroup, fileSystem: ILustreScratch | undefined,
    onCreateScript: string): sagemaker.CfnCluster.ClusterInstanceGroupProperty {
    return {
      instanceGroupName: group.name,
      instanceType: group.instanceType,
      instanceCount: group.instanceCount,
      threadsPerCore: group.threadsPerCore,
      executionRole: this.role.roleArn,
      lifeCycleConfig: { sourceS3Uri: this.lifecycleScriptsLocation.s3Uri, onCreate: onCreateScript },
      instanceStorageConfigs: fileSystem === undefined ? undefined : [{
        fsxLustreConfig: { dnsName: fileSystem.dnsName, mountName: fileSystem.mountName, mountPath: this.lustreMountPath },
      }],
    };
  }

  /** The documented VPC permissions (and EKS ones), and the acknowledgements of their wildcards. */
  private grantRoleNeeds(eks: boolean): void {
    const stack = Stack.of(this);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: eks ? [...VPC_ENI_ACTIONS, ...EKS_ACTIONS] : VPC_ENI_ACTIONS,
      resources: ['*'],
    }));
    const networkInterfaces = stack.formatArn({ service: 'ec2', resource: 'network-interface', resourceName: '*' });
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['ec2:CreateTags'], resources: [networkInterfaces] }));
    acknowledgeWildcards(this.role, ['*'], 'HyperPod\'s documented ENI actions for a cluster in a VPC'
      + (eks ? ' and, with EKS, the VPC CNI, ECR pulls and Pod Identity' : '')
      + ': the network interfaces are created by SageMaker and not known before (SageMaker Developer Guide, HyperPod IAM).');
    acknowledgeWildcards(this.role, [networkInterfaces], 'HyperPod tags the network interfaces it creates for the nodes; their IDs are not known before.');
    acknowledgeFinding(this.role.node.defaultChild!,
      'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/AmazonSageMakerClusterInstanceRolePolicy]',
      'HyperPod asks for the AWS managed policy AmazonSageMakerClusterInstanceRolePolicy on the execution role of instance groups '
      + '(CloudWatch Logs and metrics under /aws/sagemaker/Clusters, Systems Manager sessions).');
  }

  private validate(props: HyperPodClusterProps, onCreateScript: string): void {
    const fail = (violation: RuleViolation | undefined, prefix = ''): void => {
      if (violation) {
        throw TrainingStorageError.invalidProperty(this, `${prefix}${violation.property}`, violation.received, violation.allowed);
      }
    };
    if (props.instanceGroups.length === 0) {
      throw TrainingStorageError.invalidProperty(this, 'instanceGroups', '[]', 'at least one instance group');
    }
    const literal = (value: string | number) => !Token.isUnresolved(value);
    props.instanceGroups.forEach((group, index) => fail(checkInstanceGroup(group, literal), `instanceGroups[${index}].`));
    const repeated = duplicateNames(props.instanceGroups.map((g) => g.name).filter((n) => literal(n)));
    if (repeated.length > 0) {
      throw TrainingStorageError.invalidProperty(this, 'instanceGroups', `the name ${repeated.map((n) => JSON.stringify(n)).join(', ')} more than once`,
        'distinct instance group names');
    }
    if (props.clusterName !== undefined && literal(props.clusterName)
      && (props.clusterName.length > INSTANCE_GROUP_NAME.maxLength || !INSTANCE_GROUP_NAME.pattern.test(props.clusterName))) {
      throw TrainingStorageError.invalidProperty(this, 'clusterName', renderValue(props.clusterName),
        '1 to 63 letters and digits, with hyphens between them (^[a-zA-Z0-9](-*[a-zA-Z0-9])*$)');
    }
    const orchestrator = props.orchestrator.orchestratorType;
    const arn = props.orchestrator.eksClusterArn;
    if (orchestrator === HyperPodOrchestratorType.EKS && arn !== undefined && literal(arn) && !/^arn:aws[a-z-]*:eks:[a-z0-9-]+:\d{12}:cluster\/[0-9A-Za-z][A-Za-z0-9_-]*$/.test(arn)) {
      throw TrainingStorageError.invalidProperty(this, 'orchestrator', renderValue(arn),
        'the ARN of an EKS cluster, arn:<partition>:eks:<region>:<account>:cluster/<name>');
    }
    if (props.tieredCheckpointing !== undefined) {
      fail(checkTieredCheckpointingOrchestrator(orchestrator));
      const percent = props.tieredCheckpointing.memoryAllocationPercent;
      if (percent !== undefined && literal(percent)) {
        fail(checkMemoryAllocationPercent(percent));
      }
    }
    if (props.lustreMountPath !== undefined) {
      if (!props.fileSystem) {
        throw TrainingStorageError.invalidProperty(this, 'lustreMountPath', renderValue(props.lustreMountPath), 'nothing without `fileSystem`');
      }
      if (literal(props.lustreMountPath)) {
        fail(checkMountPath(props.lustreMountPath));
      }
    }
    fail(checkOnCreateScript(onCreateScript));
    if (props.lifecycleScripts.location.isDirectoryBucket) {
      throw TrainingStorageError.invalidProperty(this, 'lifecycleScripts.location', props.lifecycleScripts.location.bucket.bucketName,
        'a location in a general purpose bucket: HyperPod reads lifecycle scripts from S3 general purpose buckets');
    }
    this.checkZone(props.subnet, props.fileSystem);
  }

  /**
   * Rejects a file system in another zone than the subnet: nodes in another zone than their file
   * system pay cross-zone latency and transfer on every read. Tokens (either zone unknown) are skipped.
   */
  private checkZone(subnet: ec2.ISubnet, fileSystem: ILustreScratch | undefined): void {
    const subnetZone = availabilityZoneIdOf(subnet);
    const fileSystemZone = (fileSystem as Partial<IZonalStorage> | undefined)?.availabilityZoneId;
    if (subnetZone === undefined || fileSystemZone === undefined || Token.isUnresolved(subnetZone) || Token.isUnresolved(fileSystemZone)) {
      return;
    }
    if (subnetZone !== fileSystemZone) {
      throw TrainingStorageError.invalidProperty(this, 'fileSystem', `${fileSystem!.node.path} in ${fileSystemZone}`,
        `a file system in the subnet's zone ${subnetZone}: nodes in another zone than their file system pay cross-zone latency and transfer on every read`);
    }
  }

  /** The files of the scripts directory, relative, sorted; the entrypoint among them. */
  private scriptFiles(directory: string, onCreateScript: string): string[] {
    if (!fs.existsSync(directory) || !fs.statSync(directory).isDirectory()) {
      throw TrainingStorageError.invalidProperty(this, 'lifecycleScripts.directory', renderValue(directory), 'an existing local directory');
    }
    const files: string[] = [];
    const walk = (relative: string): void => {
      for (const entry of fs.readdirSync(path.join(directory, relative), { withFileTypes: true })) {
        const child = relative === '' ? entry.name : `${relative}/${entry.name}`;
        if (entry.isDirectory()) {
          walk(child);
        } else if (entry.isFile()) {
          files.push(child);
        }
      }
    };
    walk('');
    files.sort();
    if (!files.includes(onCreateScript)) {
      throw TrainingStorageError.invalidProperty(this, 'lifecycleScripts.onCreateScript', renderValue(onCreateScript),
        `a file of ${directory}: ${files.length === 0 ? 'the directory is empty' : files.map((f) => JSON.stringify(f)).join(', ')}`);
    }
    return files;
  }
}

/**
 * Renders a resolved ARN as cdk-nag writes it in a finding ID, `Fn::Sub` included (the CDK asset
 * bucket's name, `cdk-hnb659fds-assets-${AWS::AccountId}-${AWS::Region}`): `${X}` becomes `<X>`.
 */
function renderArnForNag(value: unknown): string {
  if (value && typeof value === 'object' && 'Fn::Sub' in value && typeof (value as any)['Fn::Sub'] === 'string') {
    return ((value as any)['Fn::Sub'] as string).replace(/\$\{([^}]+)\}/g, '<$1>');
  }
  if (value && typeof value === 'object' && 'Fn::Join' in value) {
    const [separator, parts] = (value as any)['Fn::Join'] as [string, unknown[]];
    return parts.map(renderArnForNag).join(separator);
  }
  return renderForNag(value);
}
