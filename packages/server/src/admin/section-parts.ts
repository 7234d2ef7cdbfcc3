/** What the sections of a site's page share: the site's path, and the error of the form sent. */
import type { SiteRecord } from '../store/types.js';
import { html } from './html.js';

export interface SectionError {
  section: string;
  message: string;
}

export const sitePath = (site: SiteRecord) => `/sites/${encodeURIComponent(site.domain)}`;

/** The error of `section`'s form, when it is the one that was sent. */
export const errorOf = ({ error }: { error?: SectionError }, section: string) =>
  error?.section === section ? html`<p class="error" role="alert">${error.message}</p>` : '';
