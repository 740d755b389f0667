/**
 * A light reader of ListObjectsV2 answers (pure), for the engine's direct listing path.
 *
 * The AWS SDK parses a listing page with a general XML parser and its schema deserializer: for a
 * page of 1,000 keys that costs a cold command line about 100 ms of CPU (measured), more than the
 * copies of a hundred objects. S3 writes these pages in one fixed shape (S3 API reference,
 * ListObjectsV2, Response Syntax: https://docs.aws.amazon.com/AmazonS3/latest/API/API_ListObjectsV2.html):
 * a `ListBucketResult` element holding `IsTruncated`, `NextContinuationToken`, `EncodingType` and one
 * `Contents` element per object, each with one `Key` and one `Size`, with text that uses the five
 * predefined XML entities and character references only. This reader reads that shape and nothing
 * else: any other construct (a CDATA section, a comment, a DOCTYPE, an element name with a namespace
 * prefix or attributes, an unknown entity, a control character, an element found twice where one is
 * expected, a body cut short) makes it answer `undefined`, and the caller has the SDK parse the page
 * instead. It never guesses: what it returns is what the SDK's parser returns for the same body (the
 * tests compare them), and the answer's checks stay those of `listPageOf` (answers.ts).
 */

/** A page as the SDK's deserializer shapes it: the fields listPageOf checks. */
export interface ScannedListPage {
  readonly Contents?: ReadonlyArray<{ readonly Key?: string; readonly Size?: number | string }>;
  readonly IsTruncated?: boolean | string;
  readonly NextContinuationToken?: string;
  readonly EncodingType?: string;
}

/** An element's text, or why the light reader gives up. */
type Found = { readonly value?: string } | 'unreadable';

const NAMED_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/**
 * The text of an element without child elements, its references decoded, or undefined when it holds
 * anything the light reader does not read (an unknown entity, a control character: the SDK's parser
 * treats some of those its own way).
 */
export function decodeXmlText(raw: string): string | undefined {
  let unreadable = false;
  const text = raw.replace(/&([^;&]*);?/g, (match, name: string) => {
    if (!match.endsWith(';')) {
      unreadable = true;
      return match;
    }
    if (NAMED_ENTITIES[name] !== undefined) {
      return NAMED_ENTITIES[name];
    }
    const code = /^#x([0-9a-fA-F]{1,6})$/.exec(name)?.[1] ?? undefined;
    const decimal = /^#([0-9]{1,7})$/.exec(name)?.[1] ?? undefined;
    const point = code !== undefined ? parseInt(code, 16) : decimal !== undefined ? parseInt(decimal, 10) : undefined;
    // Above U+FFFF the SDK's parser writes another character (it keeps 16 bits): the SDK reads those.
    if (point === undefined || point > 0xffff || (point >= 0xd800 && point <= 0xdfff)) {
      unreadable = true;
      return match;
    }
    return String.fromCharCode(point);
  });
  // Control characters (raw or referenced) and a lone `&`: the SDK's parser has its own rules there.
  return unreadable || /[\u0000-\u001f\u007f]/.test(text) ? undefined : text;
}

/** The one `<name>text</name>` in `xml` (no attributes, no child elements), absent, or unreadable. */
function only(xml: string, name: string): Found {
  const open = `<${name}`;
  let at = xml.indexOf(open);
  let found: string | undefined;
  while (at >= 0) {
    const after = xml[at + open.length];
    if (after !== '>' && after !== '/' && after !== ' ' && after !== '\t' && after !== '\n' && after !== '\r') {
      at = xml.indexOf(open, at + 1); // a longer name, such as <KeyCount> for <Key>
      continue;
    }
    if (found !== undefined || after !== '>') {
      return 'unreadable'; // twice, empty-element form, or attributes
    }
    const end = xml.indexOf(`</${name}>`, at);
    const inner = end < 0 ? undefined : xml.slice(at + open.length + 1, end);
    if (inner === undefined || inner.includes('<')) {
      return 'unreadable';
    }
    found = inner;
    at = xml.indexOf(open, end);
  }
  if (found === undefined) {
    return {};
  }
  const value = decodeXmlText(found);
  return value === undefined ? 'unreadable' : { value };
}

/**
 * Reads a ListObjectsV2 answer's body: the entries' `Key` and `Size`, `IsTruncated`,
 * `NextContinuationToken` and `EncodingType`, as the SDK would give them; undefined when the body
 * is not in the shape this reader reads (the SDK then parses it).
 */
export function scanListObjectsV2(body: string): ScannedListPage | undefined {
  if (/<!|<\?(?!xml )|<[A-Za-z_][\w.-]*:/.test(body.replace(/^\s*<\?xml [^?]*\?>/, ''))) {
    return undefined; // CDATA, comments, DOCTYPE, processing instructions, namespace prefixes
  }
  const root = body.indexOf('<ListBucketResult');
  const rootEnd = body.lastIndexOf('</ListBucketResult>');
  if (root < 0 || rootEnd < root || body.indexOf('<ListBucketResult', root + 1) >= 0) {
    return undefined;
  }
  const contents: Array<{ Key?: string; Size?: number | string }> = [];
  let outside = '';
  let at = body.indexOf('>', root) + 1;
  for (;;) {
    const open = body.indexOf('<Contents>', at);
    if (open < 0 || open > rootEnd) {
      break;
    }
    const close = body.indexOf('</Contents>', open);
    if (close < 0 || close > rootEnd) {
      return undefined;
    }
    outside += body.slice(at, open);
    const entry = body.slice(open + '<Contents>'.length, close);
    const key = only(entry, 'Key');
    const size = only(entry, 'Size');
    if (key === 'unreadable' || size === 'unreadable' || entry.includes('<Contents')) {
      return undefined;
    }
    contents.push({
      ...(key.value !== undefined ? { Key: key.value } : {}),
      ...(size.value !== undefined ? { Size: /^\d+$/.test(size.value) ? Number(size.value) : size.value } : {}),
    });
    at = close + '</Contents>'.length;
  }
  outside += body.slice(at, rootEnd);
  if (outside.includes('<Contents')) {
    return undefined; // <Contents/> or <Contents attr="...">
  }
  const truncated = only(outside, 'IsTruncated');
  const token = only(outside, 'NextContinuationToken');
  const encoding = only(outside, 'EncodingType');
  if (truncated === 'unreadable' || token === 'unreadable' || encoding === 'unreadable') {
    return undefined;
  }
  const isTruncated = truncated.value === 'true' ? true : truncated.value === 'false' ? false : truncated.value;
  return {
    ...(contents.length > 0 ? { Contents: contents } : {}),
    ...(isTruncated !== undefined ? { IsTruncated: isTruncated } : {}),
    ...(token.value !== undefined ? { NextContinuationToken: token.value } : {}),
    ...(encoding.value !== undefined ? { EncodingType: encoding.value } : {}),
  };
}
