// Preloaded with `node -r`: every require of aws-cdk-lib (from the library, cdk-nag, the guard
// validator and the test itself) resolves to the newest aws-cdk-lib, installed as the devDependency
// `aws-cdk-lib-latest`, so that one process runs the whole stack on that version.
const Module = require('module');
const original = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'aws-cdk-lib' || request.startsWith('aws-cdk-lib/')) {
    request = `aws-cdk-lib-latest${request.slice('aws-cdk-lib'.length)}`;
  }
  return original.call(this, request, ...rest);
};
