import { CfnOutput, Duration, Stack, StackProps } from 'aws-cdk-lib';
import * as cloudwatchActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import { Construct } from 'constructs';
import { trainingNetwork } from './training-vpc';
import {
  AlarmTopic, CheckpointTier, DataLocation, ExpressCache, S3InputMode, SageMakerTrainingJob, TrainingDataLake, TrainingImage, TrainingInput,
} from '../src';

/**
 * The AWS Deep Learning Container the example trains with (PyTorch 2.6, CUDA 12.6, for SageMaker),
 * from AWS's public DLC account in us-east-1.
 */
export const SAGEMAKER_TRAINING_IMAGE = '763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker';

/** The run whose checkpoints every job of the example resumes from. */
export const SAGEMAKER_RUN = 'llama-8b';

/**
 * SageMaker streaming from S3 Express One Zone: a TrainingVpc (training subnet in use1-az4), a
 * TrainingDataLake, an ExpressCache in the training zone that imports the lake's
 * `datasets/corpus/`, a CheckpointTier on the cache (complete checkpoints copied to the lake, the
 * latest 2 per run kept on the cache), and a SageMaker training job on two ml.p5.48xlarge that
 * streams the cache's copy of the corpus in FastFile mode and checkpoints to the cache, started by a
 * Step Functions state machine. Outputs the state machine and the CreateTrainingJob request.
 */
export class SageMakerStreamingExampleStack extends Stack {
  public constructor(scope: Construct, id: string, props?: StackProps) {
    super(scope, id, props);

    const lake = new TrainingDataLake(this, 'Lake');
    const vpc = trainingNetwork(this, 'Vpc', lake.serverAccessLogsBucket!);
    const cache = new ExpressCache(this, 'Cache', { subnet: vpc.trainingSubnet });
    const corpus = cache.importFrom(lake.dataset('corpus'));

    const alerts = new AlarmTopic(this, 'Alerts');
    const checkpoints = new CheckpointTier(this, 'Checkpoints', { lake, cache, staleAlarmAction: new cloudwatchActions.SnsAction(alerts) });

    const job = new SageMakerTrainingJob(this, 'Training', {
      vpc,
      subnet: vpc.trainingSubnet,
      image: TrainingImage.fromEcrImageUri(SAGEMAKER_TRAINING_IMAGE),
      instanceType: 'ml.p5.48xlarge',
      instanceCount: 2,
      channels: [{ channelName: 'train', input: TrainingInput.fromExpressCache(cache, corpus.destination.prefix, { inputMode: S3InputMode.FAST_FILE }) }],
      checkpoints: checkpoints.cacheLocation!.child(SAGEMAKER_RUN),
      output: DataLocation.fromBucket(lake.bucket, 'models/', { encryptionKey: lake.encryptionKey }),
      maxRuntime: Duration.days(3),
      jobNamePrefix: SAGEMAKER_RUN,
    });
    const stateMachine = job.addStateMachine();

    new CfnOutput(this, 'StateMachineArn', { value: stateMachine.stateMachineArn, description: 'Start an execution to start a training job' });
    new CfnOutput(this, 'CreateTrainingJobRequest', { value: job.requestJson, description: 'The CreateTrainingJob request, without TrainingJobName (boto3)' });
  }
}
