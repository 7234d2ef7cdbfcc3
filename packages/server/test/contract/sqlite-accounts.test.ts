import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runAccountStoreContract } from '../support/account-store-contract.js';

runAccountStoreContract('sqlite', async () => {
  const store = openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' });
  return { accounts: store.accounts, close: () => store.close() };
});
