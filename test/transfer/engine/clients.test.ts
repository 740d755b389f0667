import { createS3Client } from '../../../src/transfer/engine';

describe('createS3Client', () => {
  test('no SDK retries (the engine retries itself) and the handler chain cached per command type', async () => {
    const client = createS3Client({ region: 'eu-west-1', endpoint: 'http://127.0.0.1:9' });
    try {
      expect(await client.config.maxAttempts()).toBe(1);
      expect(client.config.cacheMiddleware).toBe(true);
      expect(await client.config.region()).toBe('eu-west-1');
      expect(client.config.forcePathStyle).toBe(true);
    } finally {
      client.destroy();
    }
  });

  test('virtual-hosted addressing without a custom endpoint', () => {
    const client = createS3Client({ region: 'us-west-2' });
    try {
      expect(client.config.forcePathStyle).toBe(false);
    } finally {
      client.destroy();
    }
  });
});
