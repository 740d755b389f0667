import * as fs from 'fs';
import * as path from 'path';
import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import {
  DataLocation, DatasetCopy, GpuLaunchTemplate, SageMakerTrainingJob, StrictValidations, TrainingDataLake, TrainingImage, TrainingInput, TrainingVpc,
} from '../../src';
import { acknowledgedFindings, reportedFindings, ReportFinding } from '../support/validation-report';

/** What synthesizing the user's app gave. */
export interface UserAppOutcome {
  /** The aws-cdk-lib version that synthesized it. */
  readonly cdkVersion: string;
  /** Whether synthesis failed. */
  readonly failed: boolean;
  /** The synthesis error: its name and the start of its message. */
  readonly error?: string;
  readonly reported: ReportFinding[];
  readonly acknowledged: ReportFinding[];
  /** The fields of the CreateTrainingJob request in the training job's state machine. */
  readonly trainingRequestFields: string[];
}

/** Construct paths of the user's own resources in {@link synthesizeUserApp}. */
export const USER_PATHS = ['UserStack/UserBucket', 'UserStack/UserFunction', 'UserStack/UserAlarm', 'UserStack/UserLaunchTemplate', 'UserStack/UserRole'];

/**
 * A user's app, as a new user writes it: the library's validation setup, a lake and a dataset copy
 * (whose own findings the library acknowledges on its resources), and resources of the user's own
 * that break rules the library acknowledges for itself: a plain bucket (AwsSolutions-S1,
 * CT.S3.PR.2, CT.S3.PR.9, CT.S3.PR.10), a Lambda function outside a VPC (CT.LAMBDA.PR.3) and an
 * alarm without an action (CT.CLOUDWATCH.PR.1); and next to the library's EFA launch template
 * (which acknowledges CT.EC2.PR.9 on itself), a launch template of the user's own with two network
 * interfaces, a public IP, hop limit 2 and no detailed monitoring (CT.EC2.PR.9, PR.2, PR.10); and
 * next to a SageMaker training job and its state machine (whose policies acknowledge
 * AwsSolutions-IAM5 for `Resource::*` on themselves), a role of the user's own with a `*` resource.
 */
export function synthesizeUserApp(outdir: string): UserAppOutcome {
  const app = new App({ outdir });
  StrictValidations.addTo(app);
  const stack = new Stack(app, 'UserStack');

  const lake = new TrainingDataLake(stack, 'Lake');
  new DatasetCopy(stack, 'Copy', { source: lake.dataset('raw'), destination: lake.dataset('curated') });

  const vpc = new TrainingVpc(stack, 'Vpc', { trainingZoneId: 'use1-az4', flowLogsBucket: lake.serverAccessLogsBucket! });
  new GpuLaunchTemplate(stack, 'Gpus', { vpc, subnet: vpc.trainingSubnet, instanceType: 'p5.48xlarge' });

  const job = new SageMakerTrainingJob(stack, 'Training', {
    vpc,
    subnet: vpc.trainingSubnet,
    image: TrainingImage.fromEcrImageUri('763104351884.dkr.ecr.us-east-1.amazonaws.com/pytorch-training:2.6.0-gpu-py312-cu126-ubuntu22.04-sagemaker'),
    instanceType: 'ml.p5.48xlarge',
    channels: [{ channelName: 'train', input: TrainingInput.fromLocation(lake.dataset('curated')) }],
    checkpoints: lake.checkpoints.child('run-1'),
    output: DataLocation.fromBucket(lake.bucket, 'models/'),
  });
  job.addStateMachine();
  const userRole = new iam.Role(stack, 'UserRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  userRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:ListAllMyBuckets'], resources: ['*'] }));

  new s3.Bucket(stack, 'UserBucket');
  new ec2.CfnLaunchTemplate(stack, 'UserLaunchTemplate', {
    launchTemplateData: {
      networkInterfaces: [{ deviceIndex: 0, associatePublicIpAddress: true }, { deviceIndex: 1, networkCardIndex: 1 }],
      metadataOptions: { httpTokens: 'required', httpPutResponseHopLimit: 2 },
    },
  });
  const fn = new lambda.Function(stack, 'UserFunction', {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
  });
  new cloudwatch.Alarm(stack, 'UserAlarm', {
    metric: fn.metricErrors({ period: Duration.minutes(5) }),
    threshold: 1,
    evaluationPeriods: 1,
  });

  let failed = false;
  let error: string | undefined;
  try {
    app.synth();
  } catch (e) {
    failed = true;
    error = `${(e as Error).name}: ${String((e as Error).message).slice(0, 2000)}`;
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const cdkVersion = (require('aws-cdk-lib/package.json') as { version: string }).version;
  return {
    cdkVersion,
    failed,
    error,
    reported: reportedFindings(outdir),
    acknowledged: acknowledgedFindings(outdir),
    trainingRequestFields: trainingRequestFields(path.join(outdir, 'UserStack.template.json')),
  };
}

/** The Parameters keys of the state that starts the training job, read from the synthesized template. */
function trainingRequestFields(templatePath: string): string[] {
  if (!fs.existsSync(templatePath)) {
    return [];
  }
  const template = JSON.parse(fs.readFileSync(templatePath, 'utf8'));
  // The definitions are Fn::Joins of strings and references: the references become a placeholder inside the JSON strings.
  const definitions = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::StepFunctions::StateMachine').map((machine) => {
    const definition = machine.Properties.DefinitionString;
    const text = typeof definition === 'string' ? definition : (definition['Fn::Join'][1] as unknown[]).map((part) => (typeof part === 'string' ? part : 'X')).join('');
    return JSON.parse(text);
  });
  const training = definitions.find((definition) => definition.States.StartTrainingJob);
  return training ? Object.keys(training.States.StartTrainingJob.Parameters).sort() : [];
}

// Run as a script (by the test, under another aws-cdk-lib): print the outcome as JSON.
if (require.main === module) {
  process.stdout.write(JSON.stringify(synthesizeUserApp(process.argv[2])));
}
