import { App, Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DatasetCopy, GpuLaunchTemplate, StrictValidations, TrainingDataLake, TrainingVpc } from '../../src';
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
}

/** Construct paths of the user's own resources in {@link synthesizeUserApp}. */
export const USER_PATHS = ['UserStack/UserBucket', 'UserStack/UserFunction', 'UserStack/UserAlarm', 'UserStack/UserLaunchTemplate'];

/**
 * A user's app, as a new user writes it: the library's validation setup, a lake and a dataset copy
 * (whose own findings the library acknowledges on its resources), and resources of the user's own
 * that break rules the library acknowledges for itself: a plain bucket (AwsSolutions-S1,
 * CT.S3.PR.2, CT.S3.PR.9, CT.S3.PR.10), a Lambda function outside a VPC (CT.LAMBDA.PR.3) and an
 * alarm without an action (CT.CLOUDWATCH.PR.1); and next to the library's EFA launch template
 * (which acknowledges CT.EC2.PR.9 on itself), a launch template of the user's own with two network
 * interfaces, a public IP, hop limit 2 and no detailed monitoring (CT.EC2.PR.9, PR.2, PR.10).
 */
export function synthesizeUserApp(outdir: string): UserAppOutcome {
  const app = new App({ outdir });
  StrictValidations.addTo(app);
  const stack = new Stack(app, 'UserStack');

  const lake = new TrainingDataLake(stack, 'Lake');
  new DatasetCopy(stack, 'Copy', { source: lake.dataset('raw'), destination: lake.dataset('curated') });

  const vpc = new TrainingVpc(stack, 'Vpc', { trainingZoneId: 'use1-az4', flowLogsBucket: lake.serverAccessLogsBucket! });
  new GpuLaunchTemplate(stack, 'Gpus', { vpc, subnet: vpc.trainingSubnet, instanceType: 'p5.48xlarge' });

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
  return { cdkVersion, failed, error, reported: reportedFindings(outdir), acknowledged: acknowledgedFindings(outdir) };
}

// Run as a script (by the test, under another aws-cdk-lib): print the outcome as JSON.
if (require.main === module) {
  process.stdout.write(JSON.stringify(synthesizeUserApp(process.argv[2])));
}
