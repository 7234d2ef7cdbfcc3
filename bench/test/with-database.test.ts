/** `pnpm bench --store mongo` gives each part of a run its own database on the MONGODB_URI server. */
import { withDatabase } from '../src/sightline.js';

describe('withDatabase', () => {
  it.each([
    ['mongodb://127.0.0.1:27017', 'mongodb://127.0.0.1:27017/bench'],
    ['mongodb://127.0.0.1:27017/', 'mongodb://127.0.0.1:27017/bench'],
    ['mongodb://a:27017,b:27018,c:27019/sightline_ci?replicaSet=rs0', 'mongodb://a:27017,b:27018,c:27019/bench?replicaSet=rs0'],
    ['mongodb+srv://user:pw@cluster.example.net/sightline?retryWrites=true&w=majority', 'mongodb+srv://user:pw@cluster.example.net/bench?retryWrites=true&w=majority'],
    ['mongodb://db?replicaSet=rs0', 'mongodb://db/bench?replicaSet=rs0'],
  ])('names the database in %s', (uri, expected) => {
    expect(withDatabase(uri, 'bench')).toBe(expected);
  });

  it('refuses what is not a MongoDB URL', () => {
    expect(() => withDatabase('postgres://db/x', 'bench')).toThrow(/mongodb:\/\//);
  });
});
