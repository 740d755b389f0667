import { errors, sdkError } from './fake-s3';
import { backoffDelayMs, describeError, isRetryable } from '../../../src/transfer/engine';

describe('isRetryable', () => {
  test.each([
    ['503 SlowDown', errors.slowDown()],
    ['500 InternalError', errors.internal()],
    ['502 by status alone', errors.status(502)],
    ['504 by status alone', errors.status(504)],
    ['429 by status alone', errors.status(429)],
    ['ThrottlingException (HTTP 400)', errors.throttling()],
    ['ECONNRESET', errors.connectionReset()],
    ['socket hang up', errors.socketHangUp()],
    ['socket hang up without a code', new Error('socket hang up')],
    ['TimeoutError', errors.timeout()],
    ['RequestTimeout (HTTP 400)', sdkError('RequestTimeout', 400, 'Your socket connection to the server was not read from or written to within the timeout period.')],
    ['EPIPE', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })],
    ['ETIMEDOUT', Object.assign(new Error('connect ETIMEDOUT'), { code: 'ETIMEDOUT' })],
    ['an SDK error marked $retryable', Object.assign(new Error('x'), { name: 'Whatever', $retryable: { throttling: true } })],
    ['a wrapped connection reset', Object.assign(new Error('request failed'), { cause: errors.connectionReset() })],
  ])('%s is retryable', (_name, error) => {
    expect(isRetryable(error)).toBe(true);
  });

  test.each([
    ['403 AccessDenied', errors.accessDenied()],
    ['404 NotFound', errors.notFound()],
    ['404 NoSuchKey', errors.noSuchKey()],
    ['412 PreconditionFailed', errors.preconditionFailed()],
    ['400 InvalidRequest', errors.invalidRequest('bad')],
    ['400 EntityTooSmall', errors.entityTooSmall()],
    ['a plain Error', new Error('something else')],
    ['a string', 'SlowDown'],
    ['null', null],
    ['undefined', undefined],
  ])('%s is not retryable', (_name, error) => {
    expect(isRetryable(error)).toBe(false);
  });

  test('a cause chain is followed only a few levels deep', () => {
    let error: unknown = errors.connectionReset();
    for (let i = 0; i < 3; i++) {
      error = Object.assign(new Error('wrapper'), { cause: error });
    }
    expect(isRetryable(error)).toBe(true);
    error = Object.assign(new Error('wrapper'), { cause: error });
    error = Object.assign(new Error('wrapper'), { cause: error });
    expect(isRetryable(error)).toBe(false);
  });

  test('a self-referencing cause does not loop', () => {
    const error = new Error('loop') as Error & { cause?: unknown };
    error.cause = error;
    expect(isRetryable(error)).toBe(false);
  });
});

describe('backoffDelayMs', () => {
  const options = { baseDelayMs: 100, maxDelayMs: 2_000 };

  test('the cap doubles with every attempt from the base', () => {
    // Just under 1, the delay is just under the cap.
    const caps = [1, 2, 3, 4, 5].map((attempt) => backoffDelayMs(attempt, options, 0.999999) + 1);
    expect(caps).toEqual([100, 200, 400, 800, 1600]);
  });

  test('the cap stops growing at maxDelayMs', () => {
    expect(backoffDelayMs(6, options, 0.999999)).toBe(1999);
    expect(backoffDelayMs(30, options, 0.999999)).toBe(1999);
    expect(backoffDelayMs(2000, options, 0.999999)).toBe(1999);
  });

  test('full jitter: anywhere from 0 up to the cap, scaled by the random number', () => {
    expect(backoffDelayMs(3, options, 0)).toBe(0);
    expect(backoffDelayMs(3, options, 0.25)).toBe(100);
    expect(backoffDelayMs(3, options, 0.5)).toBe(200);
    for (let i = 0; i < 100; i++) {
      const random = i / 100;
      const delay = backoffDelayMs(4, options, random);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(800);
      expect(Number.isInteger(delay)).toBe(true);
    }
  });

  test('attempt numbers below 1 use the base cap', () => {
    expect(backoffDelayMs(0, options, 0.5)).toBe(50);
    expect(backoffDelayMs(1, options, 0.5)).toBe(50);
  });
});

describe('describeError', () => {
  test('renders the name, HTTP status and message of an SDK error', () => {
    expect(describeError(errors.slowDown())).toBe('SlowDown (HTTP 503) Please reduce your request rate.');
    expect(describeError(errors.accessDenied())).toBe('AccessDenied (HTTP 403) Access Denied');
  });

  test('renders a socket error code', () => {
    expect(describeError(errors.connectionReset())).toBe('Error ECONNRESET read ECONNRESET');
  });

  test('renders things that are not errors', () => {
    expect(describeError('boom')).toBe('boom');
    expect(describeError(undefined)).toBe('undefined');
    expect(describeError(null)).toBe('null');
  });
});
