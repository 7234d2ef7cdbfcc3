import { eventsCollectionProblem, serverVersionProblem } from './server-checks.js';

describe('the MongoDB server version', () => {
  it.each(['7.0.0', '7.0.14', '7.3.1', '8.0.4', '10.1.0'])('accepts %s', (version) => {
    expect(serverVersionProblem(version)).toBeNull();
  });

  it.each(['6.0.19', '5.0.3', '4.4.29'])('refuses %s, saying what it needs and why', (version) => {
    expect(serverVersionProblem(version)).toBe(
      `MongoDB ${version} is too old: Sightline needs 7.0 or later (retention deletes events from a time-series collection by time, which MongoDB allows from 7.0)`,
    );
  });
});

describe('an existing events collection', () => {
  it('is fine when absent or when it is the time-series collection the store writes', () => {
    expect(eventsCollectionProblem(undefined)).toBeNull();
    expect(eventsCollectionProblem({ type: 'timeseries', options: { timeseries: { timeField: 'ts', metaField: 'meta' } } })).toBeNull();
  });

  it('is refused when it is an ordinary collection', () => {
    expect(eventsCollectionProblem({ type: 'collection', options: {} })).toBe(
      'the events collection exists but is not a time-series collection (it is collection); Sightline stores events in a time-series collection with timeField ts and metaField meta: rename or drop it, or name another database in MONGODB_URI',
    );
    expect(eventsCollectionProblem({ type: 'view' })).toMatch(/not a time-series collection \(it is view\)/);
  });

  it('is refused when its time or bucket key fields are others', () => {
    expect(eventsCollectionProblem({ type: 'timeseries', options: { timeseries: { timeField: 'time' } } })).toMatch(
      /timeField time and metaField \(none\); Sightline needs timeField ts and metaField meta/,
    );
  });
});
