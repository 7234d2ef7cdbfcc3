/** What the sections of a site's page share: the site's path, and the error and entries of the form sent. */
import type { SiteRecord } from '../store/types.js';
import type { FunnelDraft, GoalDraft } from './goal-drafts.js';
import { html, type Html } from './html.js';

export interface SectionError {
  section: string;
  message: string;
}

/** What was typed into a section's form, each kind named by its section. */
export type SectionDraft = GoalDraft | FunnelDraft;

/** What a form's answer adds to the site's page. */
export interface SiteExtras {
  error?: SectionError;
  draft?: SectionDraft;
  notice?: Html;
  status?: number;
}

export const sitePath = (site: SiteRecord) => `/sites/${encodeURIComponent(site.domain)}`;

/** The error of `section`'s form, when it is the one that was sent. */
export const errorOf = ({ error }: { error?: SectionError }, section: string) =>
  error?.section === section ? html`<p class="error" role="alert">${error.message}</p>` : '';
