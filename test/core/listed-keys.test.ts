import { decodeListedKey, displayKey } from '../../src/core/listed-keys';

describe('decodeListedKey', () => {
  test.each([
    // S3's form-style encoding, as measured: a space is `+`, a `+` is `%2B`, `%` is `%25`.
    ['a+b.txt', 'a b.txt'],
    ['a%2Bb.txt', 'a+b.txt'],
    ['100%25.csv', '100%.csv'],
    ['%ED%95%9C%EA%B8%80/x.txt', '\ud55c\uae00/x.txt'],
    ['x%0D', 'x\r'],
    ['x%0A', 'x\n'],
    ['x%0D%0A', 'x\r\n'],
    ['esc%1B%5B2K', 'esc\u001b[2K'],
    ['emoji+%F0%9F%9A%80', 'emoji \u{1f680}'],
    ['percent%2520literal', 'percent%20literal'],
    ['+', ' '],
    ['plain/key-name_1.bin', 'plain/key-name_1.bin'],
  ])('url: %j is %j', (value, key) => {
    expect(decodeListedKey(value, 'url')).toEqual({ key });
  });

  test('without an encoding type (a server that ignored the request), the value is the key, + and % included', () => {
    expect(decodeListedKey('a+b%20c', undefined)).toEqual({ key: 'a+b%20c' });
  });

  test.each([
    ['%', 'url', 'the listed key "%" is not valid URL-encoded UTF-8'],
    ['a%E0%A4%A', 'url', 'the listed key "a%E0%A4%A" is not valid URL-encoded UTF-8'],
    ['%FF', 'url', 'the listed key "%FF" is not valid URL-encoded UTF-8'],
    ['%ED%A0%80', 'url', 'the listed key "%ED%A0%80" is not valid URL-encoded UTF-8'],
    ['', 'url', 'the listing names an object with an empty key'],
    ['', undefined, 'the listing names an object with an empty key'],
    ['a', 'base64', 'the listing encodes keys as "base64", which is not understood (only "url")'],
  ])('%j (%s) cannot be addressed: %s', (value, encodingType, problem) => {
    expect(decodeListedKey(value, encodingType)).toEqual({ problem });
  });
});

describe('displayKey', () => {
  test('a printable key as it is, spaces, quotes and non-ASCII included', () => {
    for (const key of ['a/b.bin', 'with space', 'quote"s', 'caf\u00e9/\u65e5\u672c', 'emoji \u{1f680}', '']) {
      expect(displayKey(key)).toBe(key);
    }
  });

  test('a key with a control character JSON-quoted: x\\r and x\\n read differently, escapes are not sent', () => {
    expect(displayKey('x\r')).toBe('"x\\r"');
    expect(displayKey('x\n')).toBe('"x\\n"');
    expect(displayKey('esc\u001b[2K')).toBe('"esc\\u001b[2K"');
    expect(displayKey('del\u007f')).toBe('"del\u007f"');
    expect(displayKey('nel\u0085')).toBe('"nel\u0085"');
    expect(displayKey('line\u2028sep')).toBe('"line\u2028sep"');
  });
});
