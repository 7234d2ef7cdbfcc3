/** MONGODB_URI picks the MongoDB store; its write concern is configurable and checked. */
import { loadConfig } from '../../src/config.js';
import { configProblems as problems } from '../support/config-problems.js';

describe('store selection', () => {
  it('uses the embedded store without MONGODB_URI', () => {
    expect(loadConfig({ DATA_DIR: '/tmp/x' }).store).toMatchObject({ kind: 'sqlite', dataDir: '/tmp/x', synchronous: 'NORMAL' });
  });

  it('uses MongoDB with majority writes when MONGODB_URI is set', () => {
    const uri = 'mongodb://mongo:27017/sightline?replicaSet=rs0';
    expect(loadConfig({ MONGODB_URI: uri }).store).toEqual({ kind: 'mongo', uri, writeConcern: 'majority' });
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
});
