/**
 * Lambda entry point of DatasetCopy (bundled when the library is built; runs on Node.js 22+).
 * The same bundle serves the Provider framework's onEvent and isComplete calls: the environment
 * variable COPY_HANDLER_MODE says which. The functions are shared by the stack's copies: each
 * copy's S3 and S3 Control requests are made as that copy's role (`CopyRoleArn`).
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { Context } from 'aws-lambda';
import { CopyRoleClients, assumeRole, copyRoleClientsFor, lambdaCredentials } from './copy-role';
import { CopyEvent, HandlerDeps, IsCompleteResponse, OnEventResponse, isComplete, onEvent } from './handler';
import { createS3Client } from '../engine/clients';

const clients = new CopyRoleClients<S3Client, S3ControlClient>({
  // Sockets are opened on demand: the cap covers the largest Concurrency DatasetCopy allows.
  s3: (region, credentials) => createS3Client({ region, maxSockets: 1000, credentials }),
  s3control: (region, credentials) => new S3ControlClient({ region, credentials }),
  assume: (roleArn, sessionName) => assumeRole(roleArn, sessionName, { region: process.env.AWS_REGION!, credentials: () => lambdaCredentials() }),
});

function deps(event: CopyEvent, context: Context): HandlerDeps {
  return {
    ...copyRoleClientsFor(event, clients),
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
    log: (message) => console.log(message),
  };
}

export async function handler(event: CopyEvent, context: Context): Promise<OnEventResponse | IsCompleteResponse> {
  const mode = process.env.COPY_HANDLER_MODE;
  console.log(`${mode} ${event.RequestType} ${event.LogicalResourceId}`);
  return mode === 'isComplete' ? isComplete(event, deps(event, context)) : onEvent(event, deps(event, context));
}
