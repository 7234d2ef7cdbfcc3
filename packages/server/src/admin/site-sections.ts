/**
 * The sections of a site's page, one per concern, each rendered on its own: adding a concern
 * to a site's page is adding a section to SITE_SECTIONS.
 */
import { KEY_SCOPES } from '@sightline/shared';
import { snippet } from '../sites/register-site.js';
import type { SiteRecord } from '../store/types.js';
import type { AdminDeps } from './deps.js';
import { funnelsSection, goalsSection } from './goal-sections.js';
import { html, type Html } from './html.js';
import { csrfField } from './layout.js';
import { errorOf, sitePath, type SectionDraft, type SectionError } from './section-parts.js';
import { timeZoneField } from './time-zones.js';

export interface SectionContext {
  deps: AdminDeps;
  site: SiteRecord;
  csrf: string;
  /** A form error, for the section whose form was sent. */
  error?: SectionError;
  /** What was typed into that form, to fill it again. */
  draft?: SectionDraft;
}

export interface SiteSection {
  id: string;
  title: string;
  render(context: SectionContext): Promise<Html>;
}

const when = (at: number | undefined) => (at === undefined ? 'never' : new Date(at).toISOString().slice(0, 16).replace('T', ' ') + ' UTC');

const install: SiteSection = {
  id: 'install',
  title: 'Install',
  async render({ deps, site }) {
    const tag = snippet(deps.config.publicUrl, site.domain);
    return html`<p>Paste this into the <code>&lt;head&gt;</code> of every page of ${site.domain}:</p>
<pre class="snippet" id="snippet">${tag}</pre>
<p><button type="button" data-copy="snippet">Copy the snippet</button> <span class="copied" role="status" aria-live="polite"></span></p>
<p class="waiting" data-first-event="${sitePath(site)}/first-event" role="status" aria-live="polite"><span class="dot"></span><span class="label">Waiting for the first event…</span></p>
<p><a href="/dashboard/${encodeURIComponent(site.domain)}">Open the dashboard</a></p>`;
  },
};

const general: SiteSection = {
  id: 'settings',
  title: 'Settings',
  async render(context) {
    const { deps, site, csrf } = context;
    const retention = (await deps.store.retentionSettings()).find((setting) => setting.site === site.domain)?.days;
    return html`<form method="post" action="${sitePath(site)}/settings" class="form">
${errorOf(context, 'settings')}${csrfField(csrf)}
${timeZoneField(site.timezone)}
<label class="check"><input type="checkbox" name="public" ${site.public === true ? html`checked` : ''}> Public: anyone may read the stats without signing in</label>
<label for="retention">Keep events for (days; empty keeps everything)</label>
<input id="retention" name="retention" inputmode="numeric" pattern="[0-9]*" value="${retention ?? ''}">
<label class="check"><input type="checkbox" name="subdomains" ${site.allowSubdomains ?? deps.config.allowSubdomains ? html`checked` : ''}> Count pages on subdomains of ${site.domain} (<code>www.</code> always counts)</label>
<button type="submit">Save settings</button>
</form>`;
  },
};

const keys: SiteSection = {
  id: 'keys',
  title: 'API keys',
  async render(context) {
    const { deps, site, csrf } = context;
    const list = await deps.store.listApiKeys(site.domain);
    const rows = list.map(
      (key) => html`<tr>
<td>${key.label ?? key.id}</td><td>${key.scopes.join(', ')}</td><td>${when(key.createdAt)}</td><td>${when(key.lastUsedAt)}</td>
<td><form method="post" action="${sitePath(site)}/keys/${encodeURIComponent(key.id)}/revoke">${csrfField(csrf)}<button type="submit" aria-label="Revoke ${key.label ?? key.id}">Revoke</button></form></td>
</tr>`,
    );
    return html`<p>Keys let scripts read the stats (<code>stats:read</code>) or manage the site over HTTP (<code>sites:admin</code>).</p>
${list.length === 0 ? html`<p class="status">No keys yet.</p>` : html`<div class="table-scroll"><table class="list"><thead><tr><th>Label</th><th>Scopes</th><th>Created</th><th>Last used</th><th><span class="visually-hidden">Revoke</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
<form method="post" action="${sitePath(site)}/keys" class="form inline">
${errorOf(context, 'keys')}${csrfField(csrf)}
<label for="key-label">Label</label>
<input id="key-label" name="label" maxlength="100" placeholder="e.g. reporting script">
<fieldset><legend>Scopes</legend>
${KEY_SCOPES.map((scope) => html`<label class="check"><input type="checkbox" name="scope" value="${scope}" ${scope === 'stats:read' ? html`checked` : ''}> ${scope}</label>`)}
</fieldset>
<button type="submit">Create a key</button>
</form>`;
  },
};

const sharedLinks: SiteSection = {
  id: 'shared-links',
  title: 'Shared links',
  async render(context) {
    const { deps, site, csrf } = context;
    const list = await deps.store.accounts.listSharedLinks(site.domain);
    const rows = list.map(
      (link) => html`<tr><td>${link.label}</td><td>${link.passwordHash === null ? 'no' : 'yes'}</td><td>${when(link.createdAt)}</td>
<td><form method="post" action="${sitePath(site)}/shared-links/${encodeURIComponent(link.id)}/revoke">${csrfField(csrf)}<button type="submit" aria-label="Revoke ${link.label}">Revoke</button></form></td></tr>`,
    );
    return html`<p>A shared link shows this site's dashboard, read-only, to anyone who has it, without an account.</p>
${list.length === 0 ? html`<p class="status">No shared links.</p>` : html`<div class="table-scroll"><table class="list"><thead><tr><th>Label</th><th>Password</th><th>Created</th><th><span class="visually-hidden">Revoke</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
<form method="post" action="${sitePath(site)}/shared-links" class="form inline">
${errorOf(context, 'shared-links')}${csrfField(csrf)}
<label for="link-label">Label</label>
<input id="link-label" name="label" maxlength="100" placeholder="e.g. team board">
<label for="link-password">Password (optional, at least 12 characters)</label>
<input id="link-password" name="password" type="password" autocomplete="new-password">
<button type="submit">Create a shared link</button>
</form>`;
  },
};

const deletion: SiteSection = {
  id: 'delete',
  title: 'Delete the site',
  async render(context) {
    const { site, csrf } = context;
    return html`<form method="post" action="${sitePath(site)}/delete" class="form">
${errorOf(context, 'delete')}${csrfField(csrf)}
<p>Deletes ${site.domain} with all its events, keys and shared links. This cannot be undone.</p>
<label for="confirm">Type <strong>${site.domain}</strong> to confirm</label>
<input id="confirm" name="confirm" autocomplete="off" spellcheck="false" required>
<button type="submit" class="danger">Delete ${site.domain}</button>
</form>`;
  },
};

export const SITE_SECTIONS: SiteSection[] = [install, general, goalsSection, funnelsSection, keys, sharedLinks, deletion];
