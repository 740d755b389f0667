/**
 * Requests in flight at once, by default, for the copy engine, its command line and DatasetCopy.
 *
 * Chosen from the benchmark's concurrency sweep (README, Performance): with the direct CopyObject
 * path a request costs the client little CPU, so at 30 ms per request (S3 Standard's first-byte
 * latency) the number of requests in flight limits the rate (Little's law): 256 in flight reached
 * the server's ceiling where 128 stayed about a quarter below it, at no loss at 0 ms.
 *
 * (A module of its own, free of AWS SDK imports, so that the construct library can read it.)
 */
export const DEFAULT_CONCURRENCY = 256;
