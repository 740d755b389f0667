/**
 * The engine in this process: `copyDataset` on clients kept from run to run (warm connections, a
 * warm runtime). Not what a user who starts the command line sees: see engine-cli.ts.
 */
import { S3Client } from '@aws-sdk/client-s3';
import { CopyOptions, copyDataset, createS3Client } from '../../../src/transfer/engine';
import { CopyTask } from '../bench';
import { DESTINATION_BUCKET, SOURCE_BUCKET } from '../common';
import { onCleanUp } from '../processes';
import { Workload } from '../workloads';

/**
 * The engine's clients, one per socket limit, kept across runs like the ceilings' clients: every
 * contender in the process copies on warm keep-alive connections, so that the runs compare request
 * rates, not connection set-up (the command lines, new processes, start cold by nature).
 */
const engineClients = new Map<string, S3Client>();

function engineClientFor(endpoint: string, maxSockets: number | undefined): S3Client {
  const id = `${endpoint} ${maxSockets ?? 'default'}`;
  let client = engineClients.get(id);
  if (!client) {
    client = createS3Client({ endpoint, maxSockets });
    engineClients.set(id, client);
    const created = client;
    onCleanUp(() => created.destroy());
  }
  return client;
}

export function engineCopy(endpoint: string, workload: Workload, options: Partial<CopyOptions> = {}, maxSockets?: number): CopyTask {
  return async (destinationPrefix) => {
    const client = engineClientFor(endpoint, maxSockets);
    const result = await copyDataset(
      { bucket: SOURCE_BUCKET, prefix: workload.prefix },
      { bucket: DESTINATION_BUCKET, prefix: destinationPrefix },
      { sourceClient: client, ...options },
    );
    if (!result.complete || result.objectsCopied !== workload.count) {
      throw new Error(`the engine copied ${result.objectsCopied} of ${workload.count} objects: ${result.failures.slice(0, 3).map((f) => `${f.key}: ${f.error}`).join('; ')}`);
    }
  };
}
