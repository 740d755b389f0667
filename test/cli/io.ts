import { PassThrough } from 'stream';
import { CliIo } from '../../src/cli/main';
import { FakeS3 } from '../transfer/engine/fake-s3';

/** The command line's streams captured as strings, and a client factory that hands out the fake's client and records the options. */
export function io(fake?: FakeS3, tty = false): CliIo & { out: () => string; err: () => string; clients: Array<Record<string, unknown>> } {
  const stdout = new PassThrough();
  const stderr = Object.assign(new PassThrough(), { isTTY: tty });
  let out = '';
  let err = '';
  stdout.on('data', (d) => { out += d; });
  stderr.on('data', (d) => { err += d; });
  const clients: Array<Record<string, unknown>> = [];
  return {
    stdout,
    stderr,
    out: () => out,
    err: () => err,
    clients,
    createClient: (options) => {
      clients.push({ ...options });
      return Object.assign(fake!.client, { destroy: () => undefined });
    },
  };
}
