/** The MongoDB store's accounts code, its filters, sorts and updates evaluated by mingo. */
import { MongoAccounts } from '../../src/store/mongo/accounts.js';
import { runAccountStoreContract } from '../support/account-store-contract.js';
import { MingoCollection } from '../support/mingo-collection.js';

runAccountStoreContract('mongo on mingo', async () => {
  const accounts = new MongoAccounts({
    users: new MingoCollection(),
    sessions: new MingoCollection(),
    tokens: new MingoCollection(),
    sharedLinks: new MingoCollection(),
  });
  await accounts.ensureIndexes();
  return { accounts, close: async () => undefined };
});
