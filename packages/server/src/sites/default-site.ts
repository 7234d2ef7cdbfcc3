/**
 * DEFAULT_SITE names the site the first version's endpoints speak for: anyone may send it
 * pageviews with POST /track (as with /api/event), and GET /stats shows its all-time totals to
 * whoever may read its stats. An operator who points it at a private site is told at start-up
 * that /stats will want a key, so the change does not look like an outage.
 */
import type { Logger } from 'pino';
import type { EventStore } from '../store/types.js';

export async function warnIfDefaultSiteIsPrivate(
  store: Pick<EventStore, 'getSite'>,
  defaultSite: string | undefined,
  logger: Pick<Logger, 'warn'>,
): Promise<void> {
  if (defaultSite === undefined) return;
  const site = await store.getSite(defaultSite);
  if (site === null || site.public === true) return;
  logger.warn(
    { defaultSite },
    `DEFAULT_SITE ${defaultSite} is private: GET /stats answers only with a stats:read key of it or ADMIN_TOKEN (make it public with: sightline site public ${defaultSite} on)`,
  );
}
