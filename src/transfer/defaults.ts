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
