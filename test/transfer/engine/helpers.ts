import { FakeS3 } from './fake-s3';
import { CopyEvent, CopyOptions } from '../../../src/transfer/engine';

/** Small multipart settings so that test objects stay tiny: above 100 bytes, parts of 40 bytes. */
export const SMALL_PARTS = {
  multipartThresholdBytes: 100,
  partSizeBytes: 40,
  minPartSizeBytes: 40,
} as const;

/** A fake with the small minimum part size of SMALL_PARTS. */
export function smallFake(options: ConstructorParameters<typeof FakeS3>[0] = {}): FakeS3 {
  return new FakeS3({ minPartSizeBytes: SMALL_PARTS.minPartSizeBytes, ...options });
}

/** Bytes whose content depends on the seed. */
export function bytes(size: number, seed = 1): Buffer {
  const data = Buffer.alloc(size);
  for (let i = 0; i < size; i++) {
    data[i] = (i * 31 + seed * 17) % 251;
  }
  return data;
}

/** Options for a fast, deterministic run: recorded sleeps, a fixed random number, recorded events. */
export function runOptions(fake: FakeS3, extra: Partial<CopyOptions> = {}) {
  const delays: number[] = [];
  const events: CopyEvent[] = [];
  const options: CopyOptions = {
    sourceClient: fake.client,
    // A HEAD request per object: most tests check that path; engine-listing.test.ts checks the listing path.
    listDestination: false,
    sleep: async (ms: number) => {
      delays.push(ms);
    },
    random: () => 0.5,
    onEvent: (event) => events.push(event),
    ...extra,
  };
  return { options, delays, events };
}

/** The object events of a run, by key. */
export function outcomes(events: readonly CopyEvent[]): Record<string, string> {
  const result: Record<string, string> = {};
  for (const event of events) {
    if (event.type === 'object') {
      result[event.key] = event.outcome;
    }
  }
  return result;
}

/**
 * Object names that XML or URL encoding mangle: CR and LF (an XML parser reads CR and CR LF as LF),
 * other control characters, `+`, spaces, `%`, XML's special characters and non-ASCII.
 */
export const AWKWARD_KEY_NAMES: readonly string[] = [
  'x\r', 'x\n', 'x\r\n', 'tab\there', 'bell\u0007', 'esc\u001b[2K', 'soh\u0001', 'vt\u000bff\u000c', 'del\u007f',
  'plus+sign', '+', 'space here', ' ', 'two  spaces', 'percent%', 'percent%20literal', '%2B', 'a&b<c>"\'',
  'caf\u00e9', '\u65e5\u672c/\u8a9e', 'emoji \u{1f680}', 'nbsp\u00a0', 'line\u2028sep', 'nel\u0085',
];
