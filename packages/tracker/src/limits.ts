/**
 * Server limits the tracker enforces itself. Copied as numbers because the bundle must not import
 * @sightline/shared; limits.test.ts fails if they drift from packages/shared/src/limits.ts.
 */

/** A tab left open and visible overnight would otherwise go past the server's one-day cap. */
export const MAX_ENGAGEMENT_MS = 86_400_000;
