import { CfnOutput, Size, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Construct } from 'constructs';
import { trainingNetwork } from './training-vpc';
import { AlarmTopic, DataRepositoryEvent, LustreScratch, TrainingDataLake } from '../src';

/** Where the GPU instances mount the file system. */
export const MOUNT_PATH = '/fsx';

/**
 * FSx for Lustre next to the GPUs, linked to the lake: a TrainingVpc whose GPU subnet is placed by
 * zone ID (use1-az4, so the stack belongs to us-east-1), a TrainingDataLake, a LustreScratch in the
 * GPU subnet whose `/datasets` imports `datasets/` (new, changed and
 * deleted objects, metadata at creation, content on first read) and whose `/checkpoints` exports to
 * `checkpoints/` (new, changed and deleted files), a low-free-capacity alarm to an encrypted topic,
 * and a launch template for GPU instances whose user data mounts the file system at `/fsx`, its
 * security group allowed through `connections`.
 */
export class LustreScratchExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const vpc = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);

    const scratch = new LustreScratch(this, 'Scratch', {
      vpc,
      subnet: vpc.trainingSubnet, // scratch.availabilityZoneId is 'use1-az4' at synthesis time
      dataRepositories: [
        { location: lake.datasets }, // /datasets, imported automatically
        {
          location: lake.checkpoints, // /checkpoints, exported automatically
          autoImport: [],
          autoExport: [DataRepositoryEvent.NEW, DataRepositoryEvent.CHANGED, DataRepositoryEvent.DELETED],
        },
      ],
      freeCapacityAlarmThreshold: Size.gibibytes(120),
    });

    // Whoever runs training hears about a full file system.
    // An encrypted topic (its key, AlertsKey, lets CloudWatch alarms publish), TLS only.
    const alerts = new AlarmTopic(this, 'Alerts');
    scratch.freeCapacityAlarm!.addAlarmAction(new cloudwatchActions.SnsAction(alerts));

    // GPU instances: Amazon Linux 2023, IMDSv2, encrypted root volume, the file system mounted at boot.
    const nodes = new ec2.SecurityGroup(this, 'NodeSecurityGroup', { vpc, description: 'GPU training instances' });
    const userData = ec2.UserData.forLinux();
    scratch.addMountToUserData(userData, { mountPath: MOUNT_PATH });
    const launchTemplate = new ec2.LaunchTemplate(this, 'GpuNodes', {
      machineImage: ec2.MachineImage.latestAmazonLinux2023(),
      instanceType: new ec2.InstanceType('p5.48xlarge'),
      securityGroup: nodes,
      userData,
      requireImdsv2: true,
      httpPutResponseHopLimit: 1,
      detailedMonitoring: true,
      associatePublicIpAddress: false,
      blockDevices: [{ deviceName: '/dev/xvda', volume: ec2.BlockDeviceVolume.ebs(200, { encrypted: true, volumeType: ec2.EbsDeviceVolumeType.GP3 }) }],
    });
    // TCP 988 and 1018-1023 between the instances and the file system, both ways.
    scratch.connections.allowDefaultPortFrom(launchTemplate);

    new CfnOutput(this, 'FileSystemId', { value: scratch.fileSystemId, description: 'The FSx for Lustre file system' });
    new CfnOutput(this, 'LustrePath', { value: `${scratch.dnsName}@tcp:/${scratch.mountName}`, description: 'mount -t lustre -o relatime,flock <this> /fsx' });
    new CfnOutput(this, 'LaunchTemplateId', { value: launchTemplate.launchTemplateId!, description: 'GPU instances that mount /fsx' });
    // For an EKS cluster in this VPC: cluster.addManifest('TrainingScratch', manifests.persistentVolume, manifests.persistentVolumeClaim).
    const manifests = scratch.persistentVolume({ name: 'training-scratch', claimNamespace: 'training' });
    new CfnOutput(this, 'PersistentVolume', {
      value: this.toJsonString({ apiVersion: 'v1', kind: 'List', items: [manifests.persistentVolume, manifests.persistentVolumeClaim] }),
      description: 'A static PersistentVolume and its claim for the FSx for Lustre CSI driver (kubectl apply -f)',
    });
  }
}
