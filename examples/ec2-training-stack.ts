import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { trainingNetwork } from './training-vpc';
import { AlarmTopic, CheckpointTier, ExpressCache, GpuLaunchTemplate, LustreScratch, TrainingDataLake } from '../src';

/** Where the GPU instances mount each tier. */
export const EC2_MOUNTS = { lustre: '/fsx', dataset: '/mnt/dataset', cache: '/mnt/express' } as const;

/**
 * GPUs next to the data on plain EC2: a TrainingVpc (GPU subnet in use1-az4), a TrainingDataLake, an
 * ExpressCache in the GPU subnet's zone that imports the lake's `datasets/corpus/`, a LustreScratch
 * in the GPU subnet with a CheckpointTier on it, and a launch template for p5.48xlarge instances:
 * the Deep Learning AMI (Amazon Linux 2023), 32 EFA devices in a cluster placement group, IMDSv2
 * only, an encrypted root volume, and a boot script that assembles the instance store (RAID 0) as
 * the local cache, mounts the file system at `/fsx`, the lake's corpus at `/mnt/dataset` and the
 * cache's copy of it at `/mnt/express` (read-only, cached on the instance store), and exports the
 * checkpoint settings as environment variables. The instance role reads the lake's corpus and holds
 * a session on the cache (a directory bucket session covers the whole bucket); the file system
 * lets the instances in on the Lustre ports.
 */
export class Ec2TrainingExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const vpc = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);
    const corpus = lake.dataset('corpus');
    const cache = new ExpressCache(this, 'Cache', { subnet: vpc.trainingSubnet });
    const cachedCorpus = cache.importFrom(corpus).destination;
    const scratch = new LustreScratch(this, 'Scratch', { vpc, subnet: vpc.trainingSubnet });

    const alerts = new AlarmTopic(this, 'Alerts');
    const checkpoints = new CheckpointTier(this, 'Checkpoints', { lake, fileSystem: scratch, staleAlarmAction: new cloudwatchActions.SnsAction(alerts) });

    const gpus = new GpuLaunchTemplate(this, 'Gpus', {
      vpc,
      subnet: vpc.trainingSubnet,
      instanceType: 'p5.48xlarge',
      colocatedWith: [cache], // rejected at synthesis time if the cache were in another zone
    });
    // The file system: the Lustre ports between the instances and the file system, and the mount at every boot.
    scratch.allowFrom(gpus);
    gpus.addBootCommands('FSx for Lustre', scratch.mountCommands({ mountPath: EC2_MOUNTS.lustre }));
    // The dataset, from the lake and from the cache next to the GPUs (read-only, cached on the NVMe).
    gpus.mountS3(corpus, { mountPath: EC2_MOUNTS.dataset });
    gpus.mountS3(cachedCorpus, { mountPath: EC2_MOUNTS.cache });
    corpus.acknowledgeGrantWildcard(gpus, 'The GPU instances read every object of the corpus they mount.');
    // Where the training script writes checkpoints, and what it needs to know about them.
    gpus.addEnvironment('CHECKPOINT_DIR', `${EC2_MOUNTS.lustre}/${checkpoints.clientSettings.writeTo}`);
    for (const [name, value] of Object.entries(checkpoints.clientSettings.environment)) {
      gpus.addEnvironment(name, value);
    }

    new CfnOutput(this, 'LaunchTemplateId', { value: gpus.launchTemplate.ref, description: 'Launch p5.48xlarge instances from this template' });
    new CfnOutput(this, 'LaunchTemplateVersion', { value: gpus.launchTemplate.attrLatestVersionNumber, description: 'Its latest version (CloudFormation does not move the default)' });
    new CfnOutput(this, 'CheckpointDir', { value: `${EC2_MOUNTS.lustre}/${checkpoints.clientSettings.writeTo}`, description: 'Write checkpoints here' });
  }
}
