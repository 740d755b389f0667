#!/usr/bin/env node
import { exitWhenWritten } from './exit';
import { main } from './main';
import { quietSdkNodeNotice } from './node-support';

// The `cdk-training-storage` command: bundled with its dependencies into assets/cli/cli/index.js.
// Before any SDK client exists: no SDK Node.js version notice on the versions supported (node-support.ts).
quietSdkNodeNotice(process.version, process.env);
const streams = [process.stdout, process.stderr];
main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr })
  .then((code) => exitWhenWritten(code, streams, (c) => process.exit(c)))
  .catch((error: Error) => {
    process.stderr.write(`error: ${error.stack ?? error.message}\n`);
    exitWhenWritten(1, streams, (c) => process.exit(c));
  });
