/** MONGODB_URI picks the MongoDB store; its write concern is configurable and checked. */
import { loadConfig } from '../../src/config.js';
import { deploymentWarnings } from '../../src/deployment-warnings.js';
import { configProblems as problems } from '../support/config-problems.js';

describe('store selection', () => {
  it('uses the embedded store without MONGODB_URI', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/x' }).store).toMatchObject({ kind: 'sqlite', dataDir: '/tmp/x', synchronous: 'NORMAL' });
  });

  it('uses MongoDB with majority writes when MONGODB_URI is set', () => {
    const uri = 'mongodb://mongo:27017/sightline?replicaSet=rs0';
    expect(loadConfig({ MONGODB_URI: uri }).store).toEqual({
      kind: 'mongo',
      uri,
      writeConcern: 'majority',
      writeTimeoutMs: 5000,
      readTimeoutMs: 10_000,
    });
  });

  it.each([
    ['1', 1],
    ['majority', 'majority'],
  ])('accepts MONGODB_WRITE_CONCERN=%s', (value, expected) => {
    const config = loadConfig({ MONGODB_URI: 'mongodb+srv://cluster.example.net/sightline', MONGODB_WRITE_CONCERN: value });
    expect(config.store).toMatchObject({ kind: 'mongo', writeConcern: expected });
  });

  it('names each bad MongoDB setting', () => {
    expect(problems({ MONGODB_URI: 'postgres://db/x', MONGODB_WRITE_CONCERN: 'all' })).toEqual([
      'MONGODB_URI: must be a mongodb:// or mongodb+srv:// URL',
      'MONGODB_WRITE_CONCERN: must be majority or a number of nodes',
    ]);
  });

  it('bounds writes by MONGODB_WRITE_TIMEOUT_MS and reads by the stats read deadline', () => {
    const config = loadConfig({ MONGODB_URI: 'mongodb://db/x', MONGODB_WRITE_TIMEOUT_MS: '2000', STATS_QUERY_TIMEOUT_MS: '3000' });
    expect(config.store).toMatchObject({ writeTimeoutMs: 2000, readTimeoutMs: 3000 });
    expect(problems({ MONGODB_URI: 'mongodb://db/x', MONGODB_WRITE_TIMEOUT_MS: '0' })).toEqual([
      expect.stringMatching(/^MONGODB_WRITE_TIMEOUT_MS: /),
    ]);
  });

  it.each([
    ['MONGODB_WRITE_CONCERN=0', { MONGODB_URI: 'mongodb://db/x', MONGODB_WRITE_CONCERN: '0' }, 'MONGODB_WRITE_CONCERN'],
    ['w=0 in the URI', { MONGODB_URI: 'mongodb://db/x?replicaSet=rs0&W=0' }, 'MONGODB_URI'],
  ])('refuses unacknowledged writes: %s', (_case, env, name) => {
    expect(problems(env)).toEqual([`${name}: w=0 is refused: MongoDB would not confirm writes, so every 202 would be a guess; use majority or a number of nodes from 1`]);
  });

  it('refuses a URI that turns retried writes off', () => {
    expect(problems({ MONGODB_URI: 'mongodb://db/x?retryWrites=false' })).toEqual([expect.stringMatching(/^MONGODB_URI: retryWrites=false is refused/)]);
    expect(problems({ MONGODB_URI: 'mongodb://db/x?retryWrites=true&w=majority' })).toEqual([]);
  });
});

describe('the write buffer', () => {
  it('holds 20,000 waiting events by default, and WRITE_BUFFER_MAX_EVENTS sets it', () => {
    expect(loadConfig({}).writeBufferMaxEvents).toBe(20_000);
    expect(loadConfig({ WRITE_BUFFER_MAX_EVENTS: '500' }).writeBufferMaxEvents).toBe(500);
    expect(problems({ WRITE_BUFFER_MAX_EVENTS: '0' })).toEqual([expect.stringMatching(/^WRITE_BUFFER_MAX_EVENTS: /)]);
  });
});

describe('start-up warnings', () => {
  it('warns that visits and limits are per server when MongoDB runs without Redis', () => {
    expect(deploymentWarnings(loadConfig({ MONGODB_URI: 'mongodb://db/x' }))).toEqual([expect.stringMatching(/^MongoDB without REDIS_URL: open visits, rate limits/)]);
  });

  it('says nothing with Redis, or on the embedded store', () => {
    expect(deploymentWarnings(loadConfig({ MONGODB_URI: 'mongodb://db/x', REDIS_URL: 'redis://cache:6379' }))).toEqual([]);
    expect(deploymentWarnings(loadConfig({}))).toEqual([]);
  });
});
