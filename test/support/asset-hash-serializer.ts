/**
 * Jest snapshot serializer that replaces asset hashes (64 hex digits) in strings, so that snapshots
 * change when the template does, not when a bundled handler's bytes do.
 */
const ASSET_HASH = /[0-9a-f]{64}/g;

module.exports = {
  test: (value: unknown): boolean => typeof value === 'string' && /[0-9a-f]{64}/.test(value),
  serialize: (value: string): string => JSON.stringify(value.replace(ASSET_HASH, '[ASSET-HASH]')),
};
