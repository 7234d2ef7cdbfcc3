import { openSqliteStore } from '../../src/store/sqlite/sqlite-store.js';
import { runStatsContract } from './stats-contract.js';

runStatsContract({ name: 'sqlite', create: () => openSqliteStore({ file: ':memory:', synchronous: 'NORMAL' }) });
