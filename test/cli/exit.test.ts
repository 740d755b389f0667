import { Writable } from 'stream';
import { exitWhenWritten } from '../../src/cli/exit';

/** A stream that holds each write until `release` is called. */
function slowStream(): Writable & { written: string[]; release: () => void } {
  const held: Array<() => void> = [];
  const written: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      held.push(() => {
        written.push(chunk.toString());
        callback();
      });
    },
  });
  return Object.assign(stream, { written, release: () => held.splice(0).forEach((f) => f()) });
}

describe('exitWhenWritten', () => {
  test('exits with the code only once every stream has handled what was written before', async () => {
    const stdout = slowStream();
    const stderr = slowStream();
    const exits: number[] = [];
    stdout.write('summary\n');
    stderr.write('failed: k\n');
    exitWhenWritten(1, [stdout, stderr], (code) => exits.push(code));
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);
    stdout.release();
    await new Promise((resolve) => setImmediate(resolve));
    stdout.release(); // the empty write queued behind the summary
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([]);
    stderr.release();
    await new Promise((resolve) => setImmediate(resolve));
    stderr.release();
    await new Promise((resolve) => setImmediate(resolve));
    expect(exits).toEqual([1]);
    expect(stdout.written[0]).toBe('summary\n');
    expect(stderr.written[0]).toBe('failed: k\n');
  });

  test('with no stream it exits at once', () => {
    const exits: number[] = [];
    exitWhenWritten(0, [], (code) => exits.push(code));
    expect(exits).toEqual([0]);
  });
});
