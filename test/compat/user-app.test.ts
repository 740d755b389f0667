import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { synthesizeUserApp, USER_PATHS, UserAppOutcome } from './user-app';
import { ReportFinding } from '../support/validation-report';

const ROOT = path.join(__dirname, '..', '..');

/** The same app, synthesized in a child process on the newest aws-cdk-lib (devDependency aws-cdk-lib-latest). */
function onLatest(outdir: string): UserAppOutcome {
  const stdout = execFileSync(process.execPath, [
    '-r', path.join(__dirname, 'latest-aws-cdk-lib.js'),
    '-r', 'ts-node/register/transpile-only',
    path.join(__dirname, 'user-app.ts'), outdir,
  ], { cwd: ROOT, env: { ...process.env, TS_NODE_PROJECT: path.join(ROOT, 'test', 'tsconfig.json'), NODE_ENV: 'test' }, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout) as UserAppOutcome;
}

function onUserResource(finding: ReportFinding): boolean {
  return finding.constructPaths.some((p) => USER_PATHS.some((user) => p === user || p.startsWith(`${user}/`)));
}

function rulesOn(findings: ReportFinding[], userPath: string): string[] {
  return findings.filter((f) => f.constructPaths.some((p) => p === userPath || p.startsWith(`${userPath}/`)))
    .map((f) => f.ruleName.replace(/^[a-z-]+::/, ''));
}

const peer = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).peerDependencies['aws-cdk-lib'] as string;

describe.each([
  ['the lowest supported aws-cdk-lib', (outdir: string) => synthesizeUserApp(outdir), peer.replace(/^\^/, '')],
  ['the newest aws-cdk-lib', onLatest, JSON.parse(fs.readFileSync(path.join(ROOT, 'node_modules', 'aws-cdk-lib-latest', 'package.json'), 'utf8')).version as string],
])('a user\'s app beside the library\'s constructs, on %s', (_name, synthesize, expectedVersion) => {
  let outcome: UserAppOutcome;
  beforeAll(() => {
    outcome = synthesize(fs.mkdtempSync(path.join(os.tmpdir(), 'user-app-')));
  });

  test('runs on that version', () => {
    expect(outcome.cdkVersion).toBe(expectedVersion);
  });

  test('synthesis fails', () => {
    expect(outcome.failed).toBe(true);
    expect(outcome.error).toMatch(/^ValidationFailed/);
  });

  test('every finding on the user\'s resources is reported, none is acknowledged', () => {
    expect(rulesOn(outcome.reported, 'UserStack/UserBucket')).toEqual(expect.arrayContaining([
      'AwsSolutions-S1', 's3_bucket_logging_enabled_check', 's3_bucket_object_lock_enabled_check', 's3_bucket_default_encryption_kms_check',
    ]));
    expect(rulesOn(outcome.reported, 'UserStack/UserFunction')).toEqual(expect.arrayContaining(['lambda_inside_vpc_check']));
    expect(rulesOn(outcome.reported, 'UserStack/UserAlarm')).toEqual(expect.arrayContaining(['cloudwatch_alarm_action_check']));
    expect(rulesOn(outcome.reported, 'UserStack/UserRole')).toEqual(expect.arrayContaining(['AwsSolutions-IAM5[Resource::*]']));
    expect(rulesOn(outcome.reported, 'UserStack/UserLaunchTemplate')).toEqual(expect.arrayContaining([
      'ec2_launch_template_public_ip_disabled_check', 'ec2_launch_template_token_hop_limit_check', 'ec2_launch_template_monitoring_enabled_check',
    ]));
    expect(outcome.acknowledged.filter(onUserResource)).toEqual([]);
  });

  test('the library\'s own acknowledged findings are on its own resources, and only there', () => {
    expect(outcome.acknowledged.length).toBeGreaterThan(0);
    for (const finding of outcome.acknowledged) {
      for (const constructPath of finding.constructPaths) {
        expect(constructPath).toMatch(/^UserStack\/(Lake|Copy|Vpc|Gpus|Training|CdkTrainingStorage(CopyProvider|Logs))/);
        expect(constructPath.startsWith(finding.acknowledgedAt!)).toBe(true);
      }
    }
    // Nothing of the library's is left unacknowledged: every reported finding is the user's.
    expect(outcome.reported.filter((f) => !onUserResource(f))).toEqual([]);
  });

  test('the training job\'s state machine holds the fields aws-cdk-lib\'s task cannot express (CheckpointConfig, VpcConfig, OutputDataConfig)', () => {
    expect(outcome.trainingRequestFields).toEqual(['AlgorithmSpecification', 'CheckpointConfig', 'InputDataConfig', 'OutputDataConfig', 'ResourceConfig',
      'RoleArn', 'StoppingCondition', 'TrainingJobName.$', 'VpcConfig']);
  });
});
