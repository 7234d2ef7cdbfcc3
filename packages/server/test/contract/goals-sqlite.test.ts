import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runGoalsContract } from './goals-contract.js';

runGoalsContract('sqlite', () => openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' }));
