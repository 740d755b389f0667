import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { trainingNetwork } from './training-vpc';
import { AlarmTopic, CheckpointTier, ExpressCache, LustreScratch, TrainingDataLake } from '../src';

/**
 * Checkpoints on FSx for Lustre: a TrainingVpc (GPU subnet in use1-az4), a TrainingDataLake, a
 * LustreScratch in the GPU subnet, and a CheckpointTier that links `/checkpoints` to the lake's
 * `checkpoints/` (automatic export of new, changed and deleted files), keeps the latest 2 complete
 * checkpoints of each run on the file system and releases the older ones every hour and when less
 * than 20% is free; an alarm to an encrypted topic when the newest complete checkpoint in the lake
 * is older than 2 hours. GPU instances reach the file system through its `connections`.
 */
export class CheckpointTierLustreExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const vpc = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);
    const scratch = new LustreScratch(this, 'Scratch', { vpc, subnet: vpc.trainingSubnet });

    const alerts = new AlarmTopic(this, 'Alerts');
    const checkpoints = new CheckpointTier(this, 'Checkpoints', {
      lake,
      fileSystem: scratch, // /checkpoints <-> s3://<lake>/checkpoints/
      staleAlarmAction: new cloudwatchActions.SnsAction(alerts),
    });

    // GPU instances: the file system's ports only.
    const nodes = new ec2.SecurityGroup(this, 'NodeSecurityGroup', { vpc, description: 'GPU training instances' });
    scratch.connections.allowDefaultPortFrom(nodes);

    new CfnOutput(this, 'CheckpointDir', { value: `/fsx/${checkpoints.clientSettings.writeTo}`, description: 'Write checkpoints here (file system mounted at /fsx)' });
    new CfnOutput(this, 'LakeCheckpoints', { value: checkpoints.clientSettings.lakeUri, description: 'Every complete checkpoint ends up here' });
  }
}

/**
 * Checkpoints on S3 Express One Zone: a TrainingVpc (GPU subnet in use1-az4), a TrainingDataLake, an
 * ExpressCache in the GPU subnet's zone, and a CheckpointTier that copies complete checkpoints from
 * the cache's `checkpoints/` to the lake every 10 minutes, deletes the older ones from the cache once
 * every object is verified in the lake (keeping the latest 2 of each run), and aborts incomplete
 * uploads after a day; a training role that writes checkpoints to the cache and reads them back.
 */
export class CheckpointTierExpressExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const network = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);
    const cache = new ExpressCache(this, 'Cache', { subnet: network.trainingSubnet });

    const alerts = new AlarmTopic(this, 'Alerts');
    const checkpoints = new CheckpointTier(this, 'Checkpoints', { lake, cache, staleAlarmAction: new cloudwatchActions.SnsAction(alerts) });

    const trainingRole = new iam.Role(this, 'TrainingRole', {
      assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com'),
      description: 'GPU instances: write checkpoints to the Express cache, restore from the cache or the lake',
    });
    checkpoints.grantWrite(trainingRole);
    checkpoints.grantRead(trainingRole);
    lake.checkpoints.acknowledgeGrantWildcard(trainingRole, 'Training restores any checkpoint of its runs from the lake\'s checkpoints prefix.');

    new CfnOutput(this, 'CheckpointUri', { value: checkpoints.clientSettings.writeTo, description: 'Write checkpoints here (S3 connector for PyTorch)' });
    new CfnOutput(this, 'LakeCheckpoints', { value: checkpoints.clientSettings.lakeUri, description: 'Every complete checkpoint ends up here' });
  }
}
