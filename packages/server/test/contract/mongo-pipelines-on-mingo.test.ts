/**
 * The storage contract through the MongoDB store's pipelines, run on mingo. This checks the
 * pipelines (and the document mapping they read), not MongoDB; mongo.test.ts runs the same
 * suite against a real server when MONGODB_URI is set.
 */
import { MingoPipelineStore } from '../support/mingo-store.js';
import { runStatsContract } from './stats-contract.js';

runStatsContract({ name: 'MongoDB pipelines on mingo', create: () => new MingoPipelineStore() });
