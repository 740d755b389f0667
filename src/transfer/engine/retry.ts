/**
 * Which failures are worth another attempt, and how long to wait before it (pure).
 */

/** Error names S3 and the SDK use for throttling and transient server faults. */
const RETRYABLE_NAMES = new Set([
  'SlowDown', 'InternalError', 'ServiceUnavailable', 'RequestTimeout', 'RequestTimeoutException',
  'Throttling', 'ThrottlingException', 'ThrottledException', 'RequestThrottled', 'RequestThrottledException',
  'TooManyRequestsException', 'RequestLimitExceeded', 'BandwidthLimitExceeded', 'EC2ThrottledException',
  'TimeoutError', 'NetworkingError', 'MalformedAnswer',
]);

/** Node.js socket error codes of a connection that broke or never answered. */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ECONNABORTED', 'UND_ERR_SOCKET']);

interface ErrorLike {
  readonly name?: string;
  readonly code?: string;
  readonly message?: string;
  readonly $metadata?: { readonly httpStatusCode?: number };
  readonly $retryable?: { readonly throttling?: boolean };
  readonly cause?: unknown;
}

/**
 * True for 503 SlowDown, any 5xx, 429 and throttling errors, request timeouts, broken connections
 * (reset, refused, hang-up) and malformed answers; false for everything else (403, 404, bad
 * requests...).
 */
export function isRetryable(error: unknown, depth = 0): boolean {
  if (error === null || typeof error !== 'object' || depth > 3) {
    return false;
  }
  const e = error as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined && (status >= 500 || status === 429)) {
    return true;
  }
  if ((e.name && RETRYABLE_NAMES.has(e.name)) || (e.code && RETRYABLE_CODES.has(e.code)) || e.$retryable) {
    return true;
  }
  if (e.message && /socket hang up|ECONNRESET|EPIPE|other side closed|premature close/i.test(e.message)) {
    return true;
  }
  return isRetryable(e.cause, depth + 1);
}

/**
 * An answer that lacks what the engine relies on (a field missing, empty or out of range): it is
 * retried like a server fault, counts toward the attempts, and is reported when they run out.
 */
export class MalformedAnswerError extends Error {
  public constructor(operation: string, problem: string) {
    super(`${operation} answered ${problem}`);
    this.name = 'MalformedAnswer';
  }
}

/** Exponential backoff settings. */
export interface BackoffOptions {
  /** Delay cap before the first retry, in milliseconds. */
  readonly baseDelayMs: number;
  /** Largest delay, in milliseconds. */
  readonly maxDelayMs: number;
}

/**
 * "Full jitter" backoff: a random delay between 0 and min(max, base x 2^(attempt-1)).
 *
 * @param attempt the attempt that failed, from 1
 * @param random a number in [0, 1)
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: number): number {
  const cap = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random * cap);
}

/** Renders an error for a report: its name, HTTP status and message. */
export function describeError(error: unknown): string {
  if (error === null || typeof error !== 'object') {
    return String(error);
  }
  const e = error as ErrorLike;
  const status = e.$metadata?.httpStatusCode;
  return [e.name ?? 'Error', status ? `(HTTP ${status})` : undefined, e.code && e.code !== e.name ? e.code : undefined, e.message]
    .filter((part) => part !== undefined && part !== '').join(' ');
}
