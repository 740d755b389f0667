/**
 * Lambda entry point of DatasetCopy (bundled when the library is built; runs on Node.js 22+).
 * The same bundle serves the Provider framework's onEvent and isComplete calls: the environment
 * variable COPY_HANDLER_MODE says which.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import type { Context } from 'aws-lambda';
import { createS3Client } from './engine/clients';
import { CopyEvent, HandlerDeps, IsCompleteResponse, OnEventResponse, isComplete, onEvent } from './handler/copy-resource';

const s3Clients = new Map<string, S3Client>();
const controlClients = new Map<string, S3ControlClient>();

function deps(context: Context): HandlerDeps {
  return {
    s3: (region) => {
      let client = s3Clients.get(region);
      if (!client) {
        // Sockets are opened on demand: the cap covers the largest Concurrency DatasetCopy allows.
        client = createS3Client({ region, maxSockets: 1000 });
        s3Clients.set(region, client);
      }
      return client;
    },
    s3control: (region) => {
      let client = controlClients.get(region);
      if (!client) {
        client = new S3ControlClient({ region });
        controlClients.set(region, client);
      }
      return client;
    },
    remainingTimeMs: () => context.getRemainingTimeInMillis(),
    log: (message) => console.log(message),
  };
}

export async function handler(event: CopyEvent, context: Context): Promise<OnEventResponse | IsCompleteResponse> {
  const mode = process.env.COPY_HANDLER_MODE;
  console.log(`${mode} ${event.RequestType} ${event.LogicalResourceId}`);
  return mode === 'isComplete' ? isComplete(event, deps(context)) : onEvent(event, deps(context));
}
