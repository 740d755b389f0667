// The construct library runs at synth time without the AWS SDK: the SDK is only bundled into the
// Lambda handler and the command line. Loading the library must not require it.
const SDK_MODULES = ['@aws-sdk/client-s3', '@aws-sdk/client-s3-control', '@smithy/node-http-handler'];
for (const name of SDK_MODULES) {
  jest.mock(name, () => {
    throw new Error(`the library loaded ${name}`);
  });
}

test('the library loads without the AWS SDK', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const library = require('../src');
  expect(Object.keys(library)).toEqual(expect.arrayContaining(['TrainingDataLake', 'DataLocation', 'DatasetCopy', 'OverwritePolicy']));
});
