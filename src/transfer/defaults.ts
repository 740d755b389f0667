/**
 * Requests in flight at once, by default, for the copy engine, its command line and DatasetCopy.
 *
 * Chosen from the benchmark (README, Performance): on 2,000 objects of 64 KiB, 128 in flight reached
 * 95% of the server's ceiling at 0 ms added latency and 86% at 30 ms, where 64 reached 99% and 75%
 * and 256 reached 81% and 87%: latency, not the server, limits a copy with too few requests in flight.
 *
 * (A module of its own, free of AWS SDK imports, so that the construct library can read it.)
 */
export const DEFAULT_CONCURRENCY = 128;
