import { availableParallelism } from 'node:os';
import { configProblems as problems } from '../test/support/config-problems.js';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('starts on the embedded store with the demo site by default', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8000,
      host: '0.0.0.0',
      demo: true,
      defaultSite: 'localhost',
      redisUrl: undefined,
      publicUrl: 'http://localhost:8000',
      store: { kind: 'sqlite', synchronous: 'NORMAL' },
    });
  });

  it('turns the demo off in production', () => {
    expect(loadConfig({ NODE_ENV: 'production' })).toMatchObject({ demo: false, defaultSite: undefined });
  });

  it('reads a proxy setting as express understands it', () => {
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2);
    expect(loadConfig({ TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('gives a server two stats readers and a 10 s deadline per read unless told otherwise', () => {
    expect(loadConfig({}).store).toMatchObject({ statsReaders: { workers: Math.max(1, availableParallelism() - 1), timeoutMs: 10_000 } });
    expect(loadConfig({ STATS_READERS: '4', STATS_QUERY_TIMEOUT_MS: '2500' }).store).toMatchObject({
      statsReaders: { workers: 4, timeoutMs: 2500 },
    });
    const lines = problems({ STATS_READERS: '0', STATS_QUERY_TIMEOUT_MS: 'soon' });
    expect(lines.map((line) => line.split(':')[0]).sort()).toEqual(['STATS_QUERY_TIMEOUT_MS', 'STATS_READERS']);
  });

  it('reports every bad setting on its own line, naming it', () => {
    const lines = problems({ PORT: 'eighty', REDIS_URL: 'localhost:6379', ADMIN_TOKEN: 'short', DEMO: 'maybe' });
    expect(lines).toHaveLength(4);
    expect(lines.find((line) => line.startsWith('PORT:'))).toBeDefined();
    expect(lines.find((line) => line.startsWith('REDIS_URL:'))).toMatch(/redis:\/\//);
    expect(lines.find((line) => line.startsWith('ADMIN_TOKEN:'))).toMatch(/16/);
    expect(lines.find((line) => line.startsWith('DEMO:'))).toMatch(/true or false/);
  });
});
