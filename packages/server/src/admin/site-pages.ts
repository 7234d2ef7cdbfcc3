/**
 * Sites: the list (each with its visitors of the last 24 hours), adding one, and each site's
 * page of sections (install, settings, goals, funnels, keys, shared links, deletion). Viewers
 * see the list of their sites with links to the dashboards; everything else is for owners and
 * admins.
 */
import { CreateSiteRequestSchema, KEY_SCOPES, SiteIdSchema, TimeZoneSchema } from '@sightline/shared';
import { Router, type Request, type Response } from 'express';
import { AccountError, mayAdminister, mayRead } from '../accounts/accounts.js';
import { HttpError } from '../http/errors.js';
import { issueKey } from '../sites/api-keys.js';
import { registerSite } from '../sites/register-site.js';
import { MAX_RETENTION_DAYS } from '../sites/retention.js';
import type { KeyScope, SiteRecord } from '../store/types.js';
import type { AdminDeps } from './deps.js';
import { checked, field, fields } from './forms.js';
import { goalPages } from './goal-pages.js';
import { adminsOnly, signedIn, signerOf } from './guards.js';
import { html } from './html.js';
import { csrfField, formError, sendPage } from './layout.js';
import type { SiteExtras } from './section-parts.js';
import { SITE_SECTIONS, type SectionContext } from './site-sections.js';
import { timeZoneField } from './time-zones.js';

const DAY_MS = 86_400_000;

export function sitePages(deps: AdminDeps): Router {
  const { accounts, store, sites, clock, dashboardDir } = deps;
  const router = Router();
  const signed = signedIn(accounts);

  async function siteOf(req: Request): Promise<SiteRecord> {
    const parsed = SiteIdSchema.safeParse(req.params.domain);
    const site = parsed.success ? await store.getSite(parsed.data) : null;
    if (site === null) throw new HttpError(404, `no site ${String(req.params.domain)}`);
    return site;
  }

  async function showSite(res: Response, site: SiteRecord, extra?: SiteExtras): Promise<void> {
    const signer = signerOf(res);
    const context: SectionContext = { deps, site, csrf: signer.session.csrf, ...(extra?.error ? { error: extra.error } : {}), ...(extra?.draft ? { draft: extra.draft } : {}) };
    const sections = await Promise.all(
      SITE_SECTIONS.map(async (section) => html`<section class="card" id="${section.id}" aria-labelledby="${section.id}-title"><h2 id="${section.id}-title">${section.title}</h2>${await section.render(context)}</section>`),
    );
    await sendPage(res, dashboardDir, {
      title: site.domain,
      signer,
      status: extra?.status ?? 200,
      body: html`<p><a href="/sites">← All sites</a></p>${extra?.notice ?? ''}${sections}`,
    });
  }

  router.get('/sites', signed, async (_req, res) => {
    const signer = signerOf(res);
    const now = clock.now();
    const visible = (await store.listSites()).filter((site) => mayRead(signer.user, site.domain));
    const rows = await Promise.all(
      visible.map(async (site) => {
        const { visitors } = await store.aggregate({ site: site.domain, range: { from: now - DAY_MS, to: now }, filters: [], eventMeasuresOnly: true });
        return html`<tr><td><a href="/dashboard/${encodeURIComponent(site.domain)}">${site.domain}</a></td>
<td class="num" data-metric="visitors">${visitors.toLocaleString('en-US')}</td><td>${site.public === true ? 'public' : 'private'}</td>
<td>${mayAdminister(signer.user) ? html`<a href="/sites/${encodeURIComponent(site.domain)}" aria-label="Settings of ${site.domain}">Settings</a>` : ''}</td></tr>`;
      }),
    );
    await sendPage(res, dashboardDir, {
      title: 'Sites',
      signer,
      body: html`<section class="card">
${visible.length === 0 ? html`<p class="status">No sites yet.</p>` : html`<div class="table-scroll"><table class="list sites"><thead><tr><th>Site</th><th class="num">Visitors, 24 h</th><th>Stats</th><th><span class="visually-hidden">Settings</span></th></tr></thead><tbody>${rows}</tbody></table></div>`}
${mayAdminister(signer.user) ? html`<p><a class="button" href="/sites/new">Add a site</a></p>` : ''}
</section>`,
    });
  });

  const addForm = (res: Response, domain: string, timezone: string, isPublic: boolean, error?: string) =>
    sendPage(res, dashboardDir, {
      title: 'Add a site',
      signer: signerOf(res),
      status: error ? 400 : 200,
      body: html`<form method="post" action="/sites/new" class="card form">
${formError(error)}${csrfField(signerOf(res).session.csrf)}
<label for="domain">Domain</label>
<input id="domain" name="domain" required autocomplete="off" spellcheck="false" placeholder="example.com" value="${domain}" aria-describedby="domain-hint">
<p class="hint" id="domain-hint">As visitors see it, without https:// or a path; its subdomains count too.</p>
${timeZoneField(timezone)}
<label class="check"><input type="checkbox" name="public" ${isPublic ? html`checked` : ''}> Public: anyone may read the stats without signing in</label>
<button type="submit">Add the site</button>
</form>`,
    });

  router.get('/sites/new', signed, adminsOnly, (_req, res) => addForm(res, '', 'UTC', false));

  router.post('/sites/new', signed, adminsOnly, async (req, res) => {
    const domain = field(req, 'domain', 300);
    const timezone = field(req, 'timezone', 100) || 'UTC';
    const isPublic = checked(req, 'public');
    const parsed = CreateSiteRequestSchema.safeParse({ domain, timezone, public: isPublic });
    if (!parsed.success) return addForm(res, domain, timezone, isPublic, `${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`);
    const site = await registerSite(store, parsed.data, clock.now());
    if (site === null) return addForm(res, domain, timezone, isPublic, `${parsed.data.domain} is already registered`);
    sites.forget(site.domain);
    res.redirect(303, `/sites/${encodeURIComponent(site.domain)}`);
  });

  router.get('/sites/:domain', signed, adminsOnly, async (req, res) => showSite(res, await siteOf(req)));
  router.use(goalPages(deps, { siteOf, showSite }));

  /** For the install section's live check: whether any event has arrived. */
  router.get('/sites/:domain/first-event', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    res.set('Cache-Control', 'no-store').json({ received: (await store.countEvents(site.domain)) > 0 });
  });

  router.post('/sites/:domain/settings', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    const rawRetention = field(req, 'retention', 20).trim();
    const days = rawRetention === '' ? null : Number(rawRetention);
    if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
      return showSite(res, site, { status: 400, error: { section: 'settings', message: `keep events for a whole number of days from 1 to ${MAX_RETENTION_DAYS}, or leave it empty` } });
    }
    const timezone = TimeZoneSchema.safeParse(field(req, 'timezone', 100));
    if (!timezone.success) return showSite(res, site, { status: 400, error: { section: 'settings', message: 'choose a time zone from the list, e.g. Europe/Paris' } });
    const patch = { public: checked(req, 'public'), timezone: timezone.data, allowSubdomains: checked(req, 'subdomains') };
    const updated = (await store.updateSite(site.domain, patch)) ?? site;
    await store.setRetention(site.domain, days);
    sites.forget(site.domain);
    await showSite(res, updated, { notice: html`<p class="notice-ok" role="status">Settings saved.</p>` });
  });

  router.post('/sites/:domain/delete', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    if (field(req, 'confirm', 300).trim().toLowerCase() !== site.domain) {
      return showSite(res, site, { status: 400, error: { section: 'delete', message: `type ${site.domain} exactly to delete it` } });
    }
    // Links first, so a site added later under the same domain cannot inherit them.
    for (const link of await store.accounts.listSharedLinks(site.domain)) await deps.links.revoke(site.domain, link.id);
    for (const user of await store.accounts.listUsers()) {
      if (user.sites.includes(site.domain)) await store.accounts.updateUser(user.id, { sites: user.sites.filter((domain) => domain !== site.domain) });
    }
    await store.deleteSite(site.domain);
    sites.forget(site.domain);
    res.redirect(303, '/sites');
  });

  router.post('/sites/:domain/keys', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    const scopes = fields(req, 'scope').filter((scope): scope is KeyScope => (KEY_SCOPES as readonly string[]).includes(scope));
    const label = field(req, 'label', 100).trim();
    if (scopes.length === 0) return showSite(res, site, { status: 400, error: { section: 'keys', message: 'choose at least one scope' } });
    const { record, secret } = await issueKey(store, site.domain, scopes, clock.now(), label);
    await showSite(res, site, {
      notice: html`<section class="card new-secret" aria-labelledby="new-key-title"><h2 id="new-key-title">New key ${record.label ?? record.id}</h2>
<p>Copy it now: it is shown only this once.</p>
<pre class="snippet" id="new-key">${secret}</pre>
<p><button type="button" data-copy="new-key">Copy the key</button> <span class="copied" role="status" aria-live="polite"></span></p>
<p>Send it as <code>Authorization: Bearer &lt;key&gt;</code>.</p></section>`,
    });
  });

  router.post('/sites/:domain/keys/:id/revoke', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    const revoked = await store.deleteApiKey(site.domain, String(req.params.id));
    await showSite(res, site, {
      status: revoked ? 200 : 404,
      notice: revoked ? html`<p class="notice-ok" role="status">Key revoked: it is refused from now on.</p>` : html`<p class="error" role="alert">No such key.</p>`,
    });
  });

  router.post('/sites/:domain/shared-links', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    try {
      const { url } = await deps.links.create(site.domain, field(req, 'label', 200), field(req, 'password'));
      await showSite(res, site, {
        notice: html`<section class="card new-secret" aria-labelledby="new-link-title"><h2 id="new-link-title">New shared link</h2>
<p>Copy it now: it is shown only this once. Anyone with it can read this site's dashboard.</p>
<pre class="snippet" id="new-link">${url}</pre>
<p><button type="button" data-copy="new-link">Copy the link</button> <span class="copied" role="status" aria-live="polite"></span></p></section>`,
      });
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      await showSite(res, site, { status: 400, error: { section: 'shared-links', message: error.message } });
    }
  });

  router.post('/sites/:domain/shared-links/:id/revoke', signed, adminsOnly, async (req, res) => {
    const site = await siteOf(req);
    const revoked = await deps.links.revoke(site.domain, String(req.params.id));
    await showSite(res, site, {
      status: revoked ? 200 : 404,
      notice: revoked ? html`<p class="notice-ok" role="status">Shared link revoked.</p>` : html`<p class="error" role="alert">No such shared link.</p>`,
    });
  });

  return router;
}
