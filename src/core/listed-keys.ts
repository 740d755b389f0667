/**
 * Object keys in S3 listings (pure).
 *
 * Listings come as XML, and XML cannot carry every key: an XML parser turns a carriage return
 * (and a CR LF pair) into a line feed (XML 1.0, section 2.11 "End-of-Line Handling",
 * https://www.w3.org/TR/xml/#sec-line-ends), and XML 1.0 has no way to write most other control
 * characters. So `x\r` and `x\n` listed as the same key, and a copy of one was made twice and of the
 * other never. Every listing the library makes therefore asks for URL-encoded keys
 * (`encoding-type=url`, "XML 1.0 parser cannot parse some characters, such as characters with an
 * ASCII value from 0 to 10. For characters that are not supported in XML 1.0, you can add this
 * parameter to request that Amazon S3 encode the keys in the response", S3 API reference,
 * ListObjectsV2: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html) and
 * decodes them here. The AWS SDK for JavaScript v3 does not decode them itself (it only sends the
 * parameter); botocore does, with `unquote_plus`.
 *
 * S3's encoding is form-style: a space is written `+`, a `+` is `%2B`, `%` is `%25`, other bytes of
 * the UTF-8 key `%XX` (measured against S3: go-to-k/cdkd pull request 3331, brekkylab/backlot issue
 * 178). Decoding is therefore `+` to space, then percent-decoding as UTF-8.
 *
 * S3 says in the answer whether it encoded (`EncodingType: url`); a server that ignores the request
 * (some S3-compatible ones) answers without it, and its keys are taken as they came.
 */

/** A listed key: the object's key, or why it cannot be addressed. */
export type ListedKey =
  | { readonly key: string; readonly problem?: undefined }
  | { readonly key?: undefined; readonly problem: string };

/**
 * The key of a listed object. `encodingType` is the answer's `EncodingType`: `url` decodes, none
 * takes the value as it is. An empty key, a value that is not valid percent-encoded UTF-8, or an
 * unknown encoding is a problem: such a key must never be used in a request (an empty key
 * addresses the bucket, not an object).
 */
export function decodeListedKey(value: string, encodingType: string | undefined): ListedKey {
  let key: string;
  if (encodingType === undefined) {
    key = value;
  } else if (encodingType === 'url') {
    try {
      key = decodeURIComponent(value.replace(/\+/g, ' '));
    } catch {
      return { problem: `the listed key ${JSON.stringify(value)} is not valid URL-encoded UTF-8` };
    }
  } else {
    return { problem: `the listing encodes keys as ${JSON.stringify(encodingType)}, which is not understood (only "url")` };
  }
  if (key === '') {
    return { problem: 'the listing names an object with an empty key' };
  }
  return { key };
}

/** Control characters (C0, DEL, C1) and the Unicode line and paragraph separators. */
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * A key as a report shows it: as it is, or JSON-quoted when it holds a control character, so that
 * `x\r` and `x\n` read differently and a key cannot move the cursor or send terminal escapes.
 */
export function displayKey(key: string): string {
  return UNPRINTABLE.test(key) ? JSON.stringify(key) : key;
}
