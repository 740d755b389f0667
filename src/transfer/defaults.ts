/**
 * Requests in flight at once, by default, for the copy engine, its command line and DatasetCopy.
 *
 * Chosen from the benchmark's concurrency sweep (README, Performance): with the direct CopyObject
 * path a request costs the client little CPU, so at 30 ms per request (S3 Standard's first-byte
 * latency) the number of requests in flight bounds the rate (Little's law). On 10,000 objects of
 * 64 KiB, 256 in flight reached 93% of the server's ceiling at 30 ms (128: 73%, 512: 82%) and 95%
 * at 0 ms, where every setting from 16 to 512 reached 95% to 102%.
 *
 * (A module of its own, free of AWS SDK imports, so that the construct library can read it.)
 */
export const DEFAULT_CONCURRENCY = 256;

/**
 * Most requests in flight that DatasetCopy and the command line accept. Each request in flight
 * holds a socket, that is a file descriptor, and a Lambda function has 1,024 file descriptors
 * (Lambda quotas: https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html); a
 * shell's default `ulimit -n` is often 1,024 too. The benchmark's sweep found nothing to gain above
 * 256 (README, Performance).
 */
export const MAX_CONCURRENCY = 1000;
