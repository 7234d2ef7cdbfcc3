/**
 * The accounts contract against a real MongoDB (MONGODB_URI), in a throwaway database per test:
 * the unique and TTL indexes and findOneAndDelete as the server runs them. Skipped without MONGODB_URI.
 */
import { openMongoStore } from '../../src/store/mongo/mongo-store.js';
import { runAccountStoreContract } from '../support/account-store-contract.js';
import { dropDatabase, laneStoreOptions, mongoLaneAvailable, throwawayDbName } from '../support/mongo-lane.js';

const available = await mongoLaneAvailable('the accounts contract');

(available ? describe : describe.skip)('MongoDB accounts on a real server', () => {
  runAccountStoreContract('MongoDB', async () => {
    const dbName = throwawayDbName();
    const store = await openMongoStore(laneStoreOptions(dbName));
    return {
      accounts: store.accounts,
      close: async () => {
        await store.close();
        await dropDatabase(dbName);
      },
    };
  });
});
