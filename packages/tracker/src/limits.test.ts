import { LIMITS } from '@sightline/shared';
import { MAX_ENGAGEMENT_MS } from './limits.js';

it('copies the server limit it enforces', () => {
  expect(MAX_ENGAGEMENT_MS).toBe(LIMITS.maxEngagementMs);
});
