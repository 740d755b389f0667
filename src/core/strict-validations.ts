import { App, IPolicyValidationContext, IPolicyValidationPlugin, PolicyValidationPluginReport, Validations } from 'aws-cdk-lib';
import { TrainingStorageError, renderValue } from './errors';

/** Options of {@link StrictValidations.addTo}. */
export interface StrictValidationsOptions {
  /**
   * Run cdk-nag's AwsSolutions rules (`AwsSolutionsChecks`), from the peer dependency `cdk-nag`.
   *
   * @default true
   */
  readonly awsSolutionsChecks?: boolean;

  /**
   * Run the Control Tower proactive controls (`CfnGuardValidator` with its bundled Control Tower
   * rules), from the peer dependency `@cdklabs/cdk-validator-cfnguard`.
   *
   * @default true
   */
  readonly controlTowerRules?: boolean;

  /**
   * Control Tower rule files to leave out, by name as `CfnGuardValidator` takes them
   * (`ct-s3-pr-9` for CT.S3.PR.9). A rule left out is not checked at all, on any resource: prefer
   * acknowledging a finding on the one resource it concerns.
   *
   * @default - every bundled Control Tower rule runs
   */
  readonly disabledControlTowerRules?: string[];

  /**
   * More validation plugins, held to the same standard: any finding they report that no
   * acknowledgement covers fails synthesis.
   *
   * @default - none
   */
  readonly additionalPlugins?: IPolicyValidationPlugin[];
}

/**
 * Registers the validators this library is built to pass, and makes every finding that no
 * acknowledgement covers fail synthesis.
 *
 * `StrictValidations.addTo(app)`, called right after `new App()`:
 *
 * 1. CloudFormation Validate, built into aws-cdk-lib: sets the context flag
 *    `@aws-cdk/core:validateAgainstDefaultRules` to `true`, so that its errors fail synthesis, and
 *    `@aws-cdk/core:strictCfnValidateErrors` to `true`, so that its warnings do too;
 * 2. cdk-nag's `AwsSolutionsChecks` (peer dependency `cdk-nag`);
 * 3. the Control Tower proactive controls through `CfnGuardValidator` (peer dependency
 *    `@cdklabs/cdk-validator-cfnguard`).
 *
 * aws-cdk-lib reports a plugin as successful as soon as one of its findings is acknowledged, even
 * when others are not, for findings without a severity (every cfn-guard finding) or with the
 * severity `warning` (cdk-nag's warnings): synthesis then prints them and succeeds. Each plugin is
 * therefore wrapped ({@link StrictValidations.strict}) so that every finding it reports counts as an
 * error; an acknowledged finding is still suppressed, on the construct it was acknowledged on and
 * its children only (aws-cdk-lib 2.271 and later).
 */
export class StrictValidations {
  /** The context flag that makes CloudFormation Validate's errors fail synthesis. */
  public static readonly VALIDATE_CONTEXT_KEY = '@aws-cdk/core:validateAgainstDefaultRules';

  /** The context flag that makes the validators' warnings fail synthesis too. */
  public static readonly STRICT_CONTEXT_KEY = '@aws-cdk/core:strictCfnValidateErrors';

  /**
   * Registers CloudFormation Validate, cdk-nag's AwsSolutions rules and the Control Tower guard
   * rules on the app, and makes any unacknowledged finding fail synthesis.
   *
   * Call it before adding stacks: the context flags can only be set on an app without children.
   * Otherwise set both flags to `true` in `cdk.json`'s `context` (or in `new App({ context })`).
   * Calling it again for the same app does nothing.
   *
   * @param app the app to validate
   * @param options which validators run
   */
  public static addTo(app: App, options: StrictValidationsOptions = {}): void {
    if (CONFIGURED.has(app)) {
      return;
    }
    for (const key of [StrictValidations.VALIDATE_CONTEXT_KEY, StrictValidations.STRICT_CONTEXT_KEY]) {
      requireContextFlag(app, key);
    }
    const plugins: IPolicyValidationPlugin[] = [];
    if (options.awsSolutionsChecks ?? true) {
      const nag = loadPeer<{ AwsSolutionsChecks: new (scope?: App) => IPolicyValidationPlugin }>(app, 'awsSolutionsChecks', 'cdk-nag');
      plugins.push(new nag.AwsSolutionsChecks(app));
    }
    if (options.controlTowerRules ?? true) {
      const guard = loadPeer<{ CfnGuardValidator: new (props?: { disabledRules?: string[] }) => IPolicyValidationPlugin }>(
        app, 'controlTowerRules', '@cdklabs/cdk-validator-cfnguard');
      plugins.push(new guard.CfnGuardValidator({ disabledRules: options.disabledControlTowerRules }));
    } else if (options.disabledControlTowerRules !== undefined) {
      throw TrainingStorageError.invalidProperty(app, 'disabledControlTowerRules', renderValue(options.disabledControlTowerRules.join(', ')),
        'only together with controlTowerRules (the Control Tower rules are off)');
    }
    plugins.push(...options.additionalPlugins ?? []);
    Validations.of(app).addPlugins(...plugins.map((plugin) => StrictValidations.strict(plugin)));
    CONFIGURED.add(app);
  }

  /**
   * Wraps a validation plugin so that every finding it reports counts as an error: synthesis fails
   * unless each one is acknowledged. Fatal findings stay fatal (they cannot be acknowledged).
   *
   * @param plugin the plugin to wrap
   */
  public static strict(plugin: IPolicyValidationPlugin): IPolicyValidationPlugin {
    return plugin instanceof StrictPlugin ? plugin : new StrictPlugin(plugin);
  }

  private constructor() {}
}

/** Apps already set up (a WeakSet: nothing outlives its app). */
const CONFIGURED = new WeakSet<App>();

/** A plugin whose every finding is an error. */
class StrictPlugin implements IPolicyValidationPlugin {
  public readonly name: string;
  public readonly version?: string;
  public readonly ruleIds?: string[];

  public constructor(private readonly inner: IPolicyValidationPlugin) {
    this.name = inner.name;
    this.version = inner.version;
    this.ruleIds = inner.ruleIds;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = this.inner.validate(context);
    const violations = report.violations.map((violation) =>
      violation.severity?.toLowerCase() === 'fatal' ? violation : { ...violation, severity: 'error' });
    return { ...report, violations, success: report.success && violations.length === 0 };
  }
}

/** Sets a context flag to `true` on an app without children, or checks that it is `true` already. */
function requireContextFlag(app: App, key: string): void {
  const value: unknown = app.node.tryGetContext(key);
  if (value === true || value === 'true') {
    return;
  }
  const allowed = `true: set "${key}": true in cdk.json's "context" (or in new App({ context })), `
    + 'or call StrictValidations.addTo(app) before adding stacks';
  if (value !== undefined) {
    throw TrainingStorageError.invalidProperty(app, `context ${key}`, renderValue(value), allowed);
  }
  if (app.node.children.length > 0) {
    throw TrainingStorageError.invalidProperty(app, `context ${key}`, `(not set, and the app already has children: ${app.node.children
      .map((c) => c.node.id).join(', ')})`, allowed);
  }
  app.node.setContext(key, true);
}

/** Loads an optional peer dependency, or explains which package to install. @internal */
export function loadPeer<T>(app: App, option: string, moduleName: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(moduleName) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${moduleName}'`)) {
      throw TrainingStorageError.invalidProperty(app, option, `true (the default), but the package ${moduleName} is not installed`,
        `install it (npm install --save-dev ${moduleName}), or set ${option}: false`);
    }
    throw error;
  }
}
