/**
 * The end of the command line's process.
 *
 * When a copy is done, the process would otherwise wait for the event loop to empty: up to one
 * keep-alive socket per request in flight (256 by default) closing, which took about 100 ms after
 * the last answer in the benchmark (docs/benchmark.md, the `exit` column), while nothing is left to
 * do. So the process ends as soon as everything written to stdout and stderr has been handed to
 * the system; the sockets close with it.
 */

/** Calls `exit(code)` once every stream has taken what was written to it before. */
export function exitWhenWritten(code: number, streams: readonly NodeJS.WritableStream[], exit: (code: number) => void): void {
  let pending = streams.length;
  const done = () => {
    if (--pending === 0) {
      exit(code);
    }
  };
  if (pending === 0) {
    exit(code);
    return;
  }
  // A write's callback runs after the writes before it have been handled, in order.
  for (const stream of streams) {
    stream.write('', done);
  }
}
