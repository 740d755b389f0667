/**
 * Lambda entry point of ExpressCache's `autoDeleteObjects` (bundled when the library is built):
 * the Provider framework's onEvent for the auto-delete custom resource.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { S3ControlClient } from '@aws-sdk/client-s3-control';
import { AutoDeleteEvent, AutoDeleteResponse, onEvent } from './handler';

const s3 = new S3Client({});
const s3control = new S3ControlClient({});

export async function handler(event: AutoDeleteEvent): Promise<AutoDeleteResponse> {
  console.log(`onEvent ${event.RequestType} ${event.LogicalResourceId}`);
  return onEvent(event, { s3, s3control, log: (message) => console.log(message) });
}
