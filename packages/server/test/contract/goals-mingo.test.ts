/** The goals and funnels contract through the MongoDB store's pipelines, run on mingo (definitions kept in memory). */
import { MingoPipelineStore } from '../support/mingo-store.js';
import { runGoalsContract } from './goals-contract.js';

runGoalsContract('MongoDB pipelines on mingo', () => new MingoPipelineStore());
