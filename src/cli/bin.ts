#!/usr/bin/env node
/**
 * The `cdk-training-storage` command as installed (package.json `bin`): bundled alone into
 * assets/cli/bin/index.js, next to the command line's bundle, assets/cli/cli/index.js.
 *
 * On Node.js 22.1 and later it first turns on Node's compile cache (`module.enableCompileCache()`,
 * https://nodejs.org/api/module.html#moduleenablecompilecachecachedir): the command line's bundle
 * (about 1 MB, most of it the AWS SDK) is then compiled once and read from the cache on later runs
 * (in the system's temporary folder, or where NODE_COMPILE_CACHE says; NODE_DISABLE_COMPILE_CACHE=1
 * turns it off). On older versions it just loads the bundle. The cache must be on before the bundle
 * is loaded, hence this separate file.
 */
import * as nodeModule from 'module';
import * as path from 'path';

(nodeModule as { enableCompileCache?: () => unknown }).enableCompileCache?.();
// A path built at run time: esbuild leaves this require alone, and the bundle is loaded from beside this file.
// eslint-disable-next-line @typescript-eslint/no-require-imports
require(path.join(__dirname, '..', 'cli', 'index.js'));
