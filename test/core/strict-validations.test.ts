import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { App, CfnParameter, CfnWaitConditionHandle, Duration, IPolicyValidationPlugin, Stack, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StrictValidations, TrainingDataLake, TrainingStorageError } from '../../src';
import { loadPeer } from '../../src/core/strict-validations';

/** A lake (whose own Control Tower findings the library acknowledges) and an alarm without an action. */
function lakeAndSilentAlarm(app: App): Stack {
  const stack = new Stack(app, 'Test');
  const lake = new TrainingDataLake(stack, 'Lake');
  new cloudwatch.Alarm(stack, 'Alarm', {
    metric: new cloudwatch.Metric({ namespace: 'AWS/S3', metricName: 'AllRequests', period: Duration.minutes(5) }),
    alarmDescription: `Requests to ${lake.bucket.bucketName}`,
    threshold: 1,
    evaluationPeriods: 1,
  });
  return stack;
}

/** A stack with an unused parameter: CloudFormation Validate's warning W2001. */
function unusedParameter(stack: Stack): void {
  new CfnWaitConditionHandle(stack, 'Handle');
  new CfnParameter(stack, 'Unused', { type: 'String' });
}

describe('StrictValidations.addTo', () => {
  test('an unacknowledged finding fails synthesis although other findings of the same validator are acknowledged', () => {
    const app = new App();
    StrictValidations.addTo(app);
    lakeAndSilentAlarm(app);
    expect(() => app.synth()).toThrow(/CT\.CLOUDWATCH\.PR\.1[\s\S]*Test\/Alarm\/Resource/);
  });

  test('(the upstream behaviour it fixes) with the plain plugins, the same synthesis passes', () => {
    const app = new App({ context: { [StrictValidations.VALIDATE_CONTEXT_KEY]: true } });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new CfnGuardValidator());
    lakeAndSilentAlarm(app);
    expect(() => app.synth()).not.toThrow();
  });

  test('a warning of cdk-nag fails synthesis', () => {
    const app = new App();
    StrictValidations.addTo(app, { controlTowerRules: false });
    // AwsSolutions-VPC3 (a network ACL) is one of cdk-nag's warnings.
    new ec2.CfnNetworkAcl(new Stack(app, 'Test'), 'Acl', { vpcId: 'vpc-0123456789abcdef0' });
    expect(() => app.synth()).toThrow(/AwsSolutions-VPC3/);
  });

  test('sets CloudFormation Validate\'s flags on a new app', () => {
    const app = new App();
    StrictValidations.addTo(app);
    expect(app.node.tryGetContext('@aws-cdk/core:validateAgainstDefaultRules')).toBe(true);
    expect(app.node.tryGetContext('@aws-cdk/core:strictCfnValidateErrors')).toBe(true);
  });

  test('a CloudFormation Validate warning fails synthesis', () => {
    const app = new App();
    StrictValidations.addTo(app, { awsSolutionsChecks: false, controlTowerRules: false });
    unusedParameter(new Stack(app, 'Test'));
    expect(() => app.synth()).toThrow(/W2001/);
  });

  test('(without the strict flag, the same warning passes)', () => {
    const app = new App({ context: { [StrictValidations.VALIDATE_CONTEXT_KEY]: true } });
    unusedParameter(new Stack(app, 'Test'));
    expect(() => app.synth()).not.toThrow();
  });

  test('keeps flags that are already true (cdk.json) and adds its plugins once', () => {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': 'true', '@aws-cdk/core:strictCfnValidateErrors': true } });
    new Stack(app, 'Existing');
    StrictValidations.addTo(app);
    StrictValidations.addTo(app);
    expect((app as unknown as { _validationPlugins: IPolicyValidationPlugin[] })._validationPlugins.map((p) => p.name))
      .toEqual(['AwsSolutions', 'cdk-validator-cfnguard']);
  });

  test('rejects a flag set to false, naming what to set', () => {
    const app = new App({ context: { '@aws-cdk/core:validateAgainstDefaultRules': false } });
    expect(() => StrictValidations.addTo(app)).toThrow(TrainingStorageError);
    expect(() => StrictValidations.addTo(app)).toThrow('[] context @aws-cdk/core:validateAgainstDefaultRules: received false; allowed: true: '
      + 'set "@aws-cdk/core:validateAgainstDefaultRules": true in cdk.json\'s "context" (or in new App({ context })), '
      + 'or call StrictValidations.addTo(app) before adding stacks');
  });

  test('rejects an app with stacks already and no flags, naming what to set', () => {
    const app = new App();
    new Stack(app, 'Early');
    expect(() => StrictValidations.addTo(app)).toThrow(
      '[] context @aws-cdk/core:validateAgainstDefaultRules: received (not set, and the app already has children: Early); allowed: true: '
      + 'set "@aws-cdk/core:validateAgainstDefaultRules": true in cdk.json\'s "context"');
  });

  test('rejects disabled Control Tower rules without the Control Tower rules', () => {
    expect(() => StrictValidations.addTo(new App(), { controlTowerRules: false, disabledControlTowerRules: ['ct-s3-pr-9'] }))
      .toThrow('[] disabledControlTowerRules: received "ct-s3-pr-9"; allowed: only together with controlTowerRules (the Control Tower rules are off)');
  });

  test('disabled Control Tower rules are not checked', () => {
    const app = new App();
    StrictValidations.addTo(app, { awsSolutionsChecks: false, disabledControlTowerRules: ['ct-cloudwatch-pr-1'] });
    const stack = new Stack(app, 'Test');
    new cloudwatch.Alarm(stack, 'Alarm', { metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1 });
    expect(() => app.synth()).not.toThrow();
  });

  test('additional plugins are held to the same standard', () => {
    const app = new App();
    const plugin: IPolicyValidationPlugin = {
      name: 'team-rules',
      validate: () => ({
        success: true,
        violations: [{ ruleName: 'no-alarms', description: 'No alarms here', violatingResources: [{ constructPath: 'Test/Alarm/Resource', locations: [] }] }],
      }),
    };
    StrictValidations.addTo(app, { awsSolutionsChecks: false, controlTowerRules: false, additionalPlugins: [plugin] });
    new cloudwatch.Alarm(new Stack(app, 'Test'), 'Alarm', {
      metric: new cloudwatch.Metric({ namespace: 'N', metricName: 'M' }), threshold: 1, evaluationPeriods: 1,
    });
    expect(() => app.synth()).toThrow(/No alarms here/);
  });

  test('a missing peer dependency is named, with what to install', () => {
    expect(() => loadPeer(new App(), 'awsSolutionsChecks', 'cdk-nag-not-installed')).toThrow(
      '[] awsSolutionsChecks: received true (the default), but the package cdk-nag-not-installed is not installed; '
      + 'allowed: install it (npm install --save-dev cdk-nag-not-installed), or set awsSolutionsChecks: false');
  });
});

describe('StrictValidations.strict', () => {
  const finding = { ruleName: 'r', description: 'd', violatingResources: [] };
  const wrap = (report: { success: boolean; violations: Array<typeof finding & { severity?: string }> }) =>
    StrictValidations.strict({ name: 'p', version: '1', ruleIds: ['r'], validate: () => report });

  test('every finding becomes an error and the report a failure; fatal stays fatal', () => {
    const report = wrap({ success: true, violations: [{ ...finding }, { ...finding, severity: 'warning' }, { ...finding, severity: 'fatal' }] })
      .validate({ templatePaths: [], stackTemplates: [], appConstruct: new App() });
    expect(report.success).toBe(false);
    expect(report.violations.map((v) => v.severity)).toEqual(['error', 'error', 'fatal']);
  });

  test('no finding: success; name, version and rule IDs are the plugin\'s', () => {
    const plugin = wrap({ success: true, violations: [] });
    expect(plugin.validate({ templatePaths: [], stackTemplates: [], appConstruct: new App() }).success).toBe(true);
    expect([plugin.name, plugin.version, plugin.ruleIds]).toEqual(['p', '1', ['r']]);
    expect(StrictValidations.strict(plugin)).toBe(plugin);
  });
});
