/**
 * The storage contract against a real MongoDB (MONGODB_URI), in a throwaway database. Without
 * MONGODB_URI it prints that it skipped; with it set and MongoDB unreachable, it fails.
 */
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import { dropDatabase, laneStoreOptions, mongoLaneAvailable, throwawayDbName } from '../support/mongo-lane.js';
import { runGoalsContract } from './goals-contract.js';
import { runStatsContract } from './stats-contract.js';

const available = await mongoLaneAvailable('the storage contract suite');
const dbName = throwawayDbName();

(available ? describe : describe.skip)('MongoDB on a real server', () => {
  afterAll(async () => {
    await dropDatabase(dbName);
  });

  runStatsContract({
    name: 'MongoDB',
    create: () => openMongoStore(laneStoreOptions(dbName)),
  });

  runGoalsContract('MongoDB', () => openMongoStore(laneStoreOptions(dbName)));
});
