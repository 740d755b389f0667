#!/usr/bin/env node
import { main } from './main';

// The `cdk-training-storage` command: bundled with its dependencies into assets/cli/cli/index.js.
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
  .then((code) => { process.exitCode = code; })
  .catch((error: Error) => {
    process.stderr.write(`error: ${error.stack ?? error.message}\n`);
    process.exitCode = 1;
  });
