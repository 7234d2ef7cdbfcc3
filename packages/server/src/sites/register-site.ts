/** Registering a site, shared by the admin API, the CLI and the demo set-up. */
import type { CreateSiteRequest } from '@sightline/shared';
import type { EventStore, SiteRecord } from '../store/types.js';

export function registerSite(
  store: EventStore,
  request: Omit<CreateSiteRequest, 'public'> & { public?: boolean },
  now: number,
): Promise<SiteRecord | null> {
  return store.createSite({ domain: request.domain, timezone: request.timezone, createdAt: now, public: request.public ?? false });
}

export function siteJson(site: SiteRecord) {
  return {
    domain: site.domain,
    timezone: site.timezone,
    public: site.public === true,
    created_at: new Date(site.createdAt).toISOString(),
  };
}

/** The tag a site owner pastes into their pages. */
export function snippet(publicUrl: string, domain: string): string {
  return `<script defer data-site="${domain}" src="${publicUrl}/s.js"></script>`;
}
