import { checkCopyTargets, checkRenamesOfPrefix, describeCollisions, keyCollisions, keysOntoThemselves, keysThatMayCollide, prefixOverlap, renamedKey } from '../../../src/transfer/engine/locations';

describe('prefixOverlap (source and destination in the same bucket)', () => {
  test.each([
    ['data/', 'data/', undefined, 'same'],
    ['', '', undefined, 'same'],
    ['data/', 'data/copy/', undefined, 'inside'],
    ['', 'backup/', undefined, 'inside'], // the empty prefix is the whole bucket
    ['data/', 'copy/', undefined, undefined],
    ['data/sub/', 'data/', undefined, undefined], // the copies land above the source, not in it
    ['data/', 'data-copy/', undefined, undefined],
    // Batch Operations keys: `<destination prefix><full source key>`, listed under the source prefix.
    ['', '', 'raw/', 'same'],
    ['', 'curated/', 'raw/', undefined],
    ['', 'raw/', 'raw/', 'inside'],
    ['', 'raw/copy/', 'raw/', 'inside'],
  ])('source %j, destination %j, listing %j: %s', (source, destination, listPrefix, expected) => {
    expect(prefixOverlap(source, destination, listPrefix)).toBe(expected);
  });
});

describe('keysOntoThemselves (same bucket)', () => {
  test('a key whose destination is its own source object', () => {
    expect(keysOntoThemselves('p/', 'p/', ['a', 'b'])).toEqual(['a', 'b']);
    expect(keysOntoThemselves('p/', 'p/', ['a', 'b'], { a: 'a2' })).toEqual(['b']);
    expect(keysOntoThemselves('p/', 'q/', ['a'])).toEqual([]);
    // Another prefix, but the rename leads back to the source object.
    expect(keysOntoThemselves('p/', '', ['a'], { a: 'p/a' })).toEqual(['a']);
    expect(keysOntoThemselves('', 'x/', ['x/a', 'b'])).toEqual([]);
  });
});

describe('keyCollisions', () => {
  test('two renames onto one key', () => {
    expect(keyCollisions(['a', 'b', 'c'], { a: 'x', b: 'x' })).toEqual([{ destinationKey: 'x', sourceKeys: ['a', 'b'] }]);
  });

  test('a rename onto a key copied unrenamed', () => {
    expect(keyCollisions(['a', 'b'], { a: 'b' })).toEqual([{ destinationKey: 'b', sourceKeys: ['a', 'b'] }]);
    expect(keyCollisions(['a', 'b'], { a: 'b', b: 'b' })).toEqual([{ destinationKey: 'b', sourceKeys: ['a', 'b'] }]);
  });

  test('no collision: a swap, a chain, a rename onto a key that is not copied, a key given twice', () => {
    expect(keyCollisions(['a', 'b'], { a: 'b', b: 'a' })).toEqual([]);
    expect(keyCollisions(['a', 'b'], { a: 'b', b: 'c' })).toEqual([]);
    expect(keyCollisions(['a'], { a: 'b' })).toEqual([]);
    expect(keyCollisions(['a', 'a'], undefined)).toEqual([]);
    expect(keyCollisions(['a', 'b'], { c: 'a' })).toEqual([]); // c is not copied
  });

  test('keys named like Object.prototype members are not renamed by accident', () => {
    expect(renamedKey('constructor', { a: 'b' })).toBe('constructor');
    expect(keyCollisions(['constructor', 'toString'], { a: 'b' })).toEqual([]);
  });

  test('three sources onto one key, rendered for a message', () => {
    const collisions = keyCollisions(['a', 'b', 'c', 'd', 'e'], { a: 'c', b: 'c', d: 'z', e: 'z' });
    expect(collisions).toEqual([{ destinationKey: 'c', sourceKeys: ['a', 'b', 'c'] }, { destinationKey: 'z', sourceKeys: ['d', 'e'] }]);
    expect(describeCollisions(collisions)).toBe('"a" and "b" and "c" to "c"; "d" and "e" to "z"');
  });
});

/** Every subset of the keys. */
function subsets(keys: readonly string[]): string[][] {
  return keys.reduce<string[][]>((all, key) => [...all, ...all.map((subset) => [...subset, key])], [[]]);
}

describe('keysThatMayCollide (a whole prefix: which objects decide)', () => {
  test('a rename onto a key that stays: both the source and the target', () => {
    expect(keysThatMayCollide({ a: 'b' }).sort()).toEqual(['a', 'b']);
    expect(keysThatMayCollide({ a: 'b', b: 'b' }).sort()).toEqual(['a', 'b']);
  });

  test('renames onto one key that is itself renamed away: those sources only, not the key', () => {
    // x and y swap; a and b also go to x, as y does.
    expect(keysThatMayCollide({ a: 'x', b: 'x', x: 'y', y: 'x' }).sort()).toEqual(['a', 'b', 'y']);
  });

  test('nothing can collide: swaps, chains ending on a renamed key, renames onto themselves', () => {
    expect(keysThatMayCollide({ a: 'b', b: 'a' })).toEqual([]);
    expect(keysThatMayCollide({ a: 'a' })).toEqual([]);
    expect(keysThatMayCollide({})).toEqual([]);
  });

  test('every collision of any listing shows among the keys it names', () => {
    // Exhaustive over small universes: for every set of present keys, the collisions found from the
    // present keys that may collide are exactly the collisions of the whole listing.
    const universe = ['a', 'b', 'c', 'd'];
    const mappings: Array<Record<string, string>> = [
      { a: 'b' }, { a: 'b', b: 'a' }, { a: 'c', b: 'c' }, { a: 'c', b: 'c', c: 'd' }, { a: 'b', b: 'c' },
      { a: 'a', b: 'a' }, { a: 'b', c: 'd' }, { a: 'z', b: 'z' }, { a: 'b', b: 'c', c: 'a' }, { a: 'd', b: 'd', d: 'd' },
    ];
    for (const renames of mappings) {
      const relevant = new Set(keysThatMayCollide(renames));
      for (const present of subsets(universe)) {
        const all = keyCollisions(present, renames);
        const fromRelevant = keyCollisions(present.filter((k) => relevant.has(k)), renames);
        expect({ renames, present, collisions: fromRelevant }).toEqual({ renames, present, collisions: all });
      }
    }
  });
});

describe('checkCopyTargets (before any request)', () => {
  const src = { bucket: 'b', prefix: 'data/' };
  test('a whole prefix onto itself or inside the listed source, same bucket only', () => {
    expect(() => checkCopyTargets(src, src, {})).toThrow('destination b/data/ is the source: every object would be copied onto itself');
    expect(() => checkCopyTargets(src, { bucket: 'b', prefix: 'data/x/' }, {})).toThrow('destination b/data/x/ is inside the source b/data/');
    expect(() => checkCopyTargets(src, { bucket: 'other', prefix: 'data/' }, {})).not.toThrow();
    expect(() => checkCopyTargets(src, { bucket: 'b', prefix: 'copy/' }, {})).not.toThrow();
  });

  test('keys: only the keys that land on their own source object; a destination inside the source is fine', () => {
    expect(() => checkCopyTargets(src, src, { keys: ['a', 'b'], renames: { a: 'c' } })).toThrow('keys copied onto themselves (same bucket, same key): "b"');
    expect(() => checkCopyTargets(src, { bucket: 'b', prefix: 'data/x/' }, { keys: ['a'] })).not.toThrow();
    expect(() => checkCopyTargets(src, { bucket: 'other', prefix: 'data/' }, { keys: ['a'] })).not.toThrow();
  });

  test('keys: collisions of the whole mapping, in any bucket', () => {
    expect(() => checkCopyTargets(src, { bucket: 'other', prefix: '' }, { keys: ['a', 'b'], renames: { a: 'b' } }))
      .toThrow('renames would copy two or more source objects to one destination key: "a" and "b" to "b"; only one of them would remain there');
    // Without keys nothing is known yet about which objects exist.
    expect(() => checkCopyTargets(src, { bucket: 'other', prefix: '' }, { renames: { a: 'b' } })).not.toThrow();
  });
});

describe('checkRenamesOfPrefix (a whole prefix)', () => {
  /** A lookup over a set of existing keys with sizes, recording what it is asked. */
  function lookup(objects: Record<string, number>) {
    const asked: string[] = [];
    const head = async (key: string) => {
      asked.push(key);
      return key in objects ? { ContentLength: objects[key] } : undefined;
    };
    return { asked, head };
  }
  const src = { bucket: 'b', prefix: 'data/' };

  test('asks for the keys that decide only, and fails when two present objects meet', async () => {
    const { asked, head } = lookup({ 'data/a': 1, 'data/b': 1, 'data/c': 1 });
    await expect(checkRenamesOfPrefix(src, { renames: { a: 'b', c: 'd' } }, head)).rejects.toThrow('"a" and "b" to "b"');
    expect(asked.sort()).toEqual(['data/a', 'data/b', 'data/c', 'data/d']);
  });

  test('absent, unlisted and excluded objects do not count; without renames or with keys nothing is asked', async () => {
    const objects = { 'data/a': 10, 'data/b': 1, 'data/sub/c': 1 };
    await expect(checkRenamesOfPrefix(src, { renames: { a: 'z' } }, lookup(objects).head)).resolves.toBeUndefined();
    await expect(checkRenamesOfPrefix(src, { renames: { a: 'b' }, include: (_key, size) => size > 5 }, lookup(objects).head)).resolves.toBeUndefined();
    const narrow = lookup(objects);
    await expect(checkRenamesOfPrefix(src, { renames: { 'sub/c': 'b' }, listPrefix: 'data/sub/' }, narrow.head)).resolves.toBeUndefined();
    expect(narrow.asked).toEqual(['data/sub/c']); // data/b is not listed: not asked
    const none = lookup(objects);
    await checkRenamesOfPrefix(src, {}, none.head);
    await checkRenamesOfPrefix(src, { keys: ['a'], renames: { a: 'b' } }, none.head);
    expect(none.asked).toEqual([]);
  });

  test('a lookup that fails names the key', async () => {
    const head = async (key: string) => {
      throw new Error(`denied ${key}`);
    };
    await expect(checkRenamesOfPrefix(src, { renames: { a: 'b' } }, head)).rejects.toThrow(/checking the renames: HeadObject data\/[ab] failed: denied data\/[ab]/);
  });
});
