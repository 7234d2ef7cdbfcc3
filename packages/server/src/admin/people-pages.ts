/**
 * People, for the owner: everyone with an account and their role, invitations by one-time link
 * (an admin manages every site; a viewer reads the dashboards of the sites chosen), new password
 * links, and removing someone, which ends their sessions at once.
 */
import { Router, type Response } from 'express';
import { AccountError, ROLES } from '../accounts/accounts.js';
import { HttpError } from '../http/errors.js';
import type { Role } from '../store/accounts.js';
import type { AdminDeps } from './deps.js';
import { field, fields } from './forms.js';
import { ownersOnly, signedIn, signerOf } from './guards.js';
import { html, type Html } from './html.js';
import { csrfField, formError, sendPage } from './layout.js';

const ROLE_TEXT: Record<Role, string> = {
  owner: 'Owner: everything, people included',
  admin: 'Admin: every site, its settings and keys',
  viewer: 'Viewer: the dashboards of the sites chosen below',
};

export function peoplePages(deps: AdminDeps): Router {
  const { accounts, store, dashboardDir } = deps;
  const router = Router();
  const guard = [signedIn(accounts), ownersOnly];

  async function show(res: Response, extra: { notice?: Html; error?: string; status?: number } = {}): Promise<void> {
    const signer = signerOf(res);
    const csrf = signer.session.csrf;
    const users = await store.accounts.listUsers();
    const domains = (await store.listSites()).map((site) => site.domain);
    const rows = users.map(
      (user) => html`<tr><td>${user.email}</td><td>${user.role}${user.role === 'viewer' ? html` of ${user.sites.join(', ') || 'no site'}` : ''}</td>
<td>${user.passwordHash === null ? 'invited' : 'active'}</td>
<td class="actions">${
        user.id === signer.user.id
          ? html`<span class="status">you</span>`
          : html`<form method="post" action="/people/${encodeURIComponent(user.id)}/reset">${csrfField(csrf)}<button type="submit" aria-label="New password link for ${user.email}">New password link</button></form>
<form method="post" action="/people/${encodeURIComponent(user.id)}/remove">${csrfField(csrf)}<button type="submit" class="danger" aria-label="Remove ${user.email}">Remove</button></form>`
      }</td></tr>`,
    );
    await sendPage(res, dashboardDir, {
      title: 'People',
      signer,
      status: extra.status ?? 200,
      body: html`${extra.notice ?? ''}<section class="card"><h2>Accounts</h2>
<div class="table-scroll"><table class="list"><thead><tr><th>E-mail</th><th>Role</th><th>State</th><th><span class="visually-hidden">Actions</span></th></tr></thead><tbody>${rows}</tbody></table></div></section>
<section class="card" aria-labelledby="invite-title"><h2 id="invite-title">Invite someone</h2>
<form method="post" action="/people/invite" class="form">
${formError(extra.error)}${csrfField(csrf)}
<label for="invite-email">E-mail</label>
<input id="invite-email" name="email" type="email" required autocomplete="off">
<fieldset><legend>Role</legend>
${ROLES.map((role) => html`<label class="check"><input type="radio" name="role" value="${role}" ${role === 'viewer' ? html`checked` : ''}> ${ROLE_TEXT[role]}</label>`)}
</fieldset>
<fieldset><legend>Sites a viewer may read</legend>
${domains.length === 0 ? html`<p class="status">No sites yet.</p>` : domains.map((domain) => html`<label class="check"><input type="checkbox" name="sites" value="${domain}"> ${domain}</label>`)}
</fieldset>
<button type="submit">Create the invitation link</button>
</form></section>`,
    });
  }

  const linkNotice = (title: string, url: string) =>
    html`<section class="card new-secret" aria-labelledby="new-link-title"><h2 id="new-link-title">${title}</h2>
<p>Send this link to them; it works once, for 7 days at most.</p>
<pre class="snippet" id="invite-link">${url}</pre>
<p><button type="button" data-copy="invite-link">Copy the link</button> <span class="copied" role="status" aria-live="polite"></span></p></section>`;

  router.get('/people', ...guard, (_req, res) => show(res));

  router.post('/people/invite', ...guard, async (req, res) => {
    const role = field(req, 'role', 10) as Role;
    if (!ROLES.includes(role)) return show(res, { status: 400, error: 'choose a role' });
    const known = new Set((await store.listSites()).map((site) => site.domain));
    const chosen = fields(req, 'sites').filter((domain) => known.has(domain));
    if (role === 'viewer' && chosen.length === 0) return show(res, { status: 400, error: 'choose at least one site the viewer may read' });
    try {
      const url = await accounts.invite(field(req, 'email', 300), role, chosen);
      await show(res, { notice: linkNotice('Invitation link', url) });
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      await show(res, { status: 400, error: error.message });
    }
  });

  async function other(id: string, signerId: string) {
    const user = await store.accounts.getUser(id);
    if (user === null) throw new HttpError(404, `no account ${id}`);
    if (user.id === signerId) throw new HttpError(400, 'change your own account on the Account page');
    return user;
  }

  router.post('/people/:id/reset', ...guard, async (req, res) => {
    const user = await other(String(req.params.id), signerOf(res).user.id);
    const url = await accounts.issueLink(user.passwordHash === null ? 'invite' : 'reset', user.email, user.role, user.sites);
    await show(res, { notice: linkNotice(`New password link for ${user.email}`, url) });
  });

  router.post('/people/:id/remove', ...guard, async (req, res) => {
    const user = await other(String(req.params.id), signerOf(res).user.id);
    await accounts.removeUser(user);
    await show(res, { notice: html`<p class="notice-ok" role="status">${user.email} was removed and signed out everywhere.</p>` });
  });

  return router;
}
