/**
 * One's own account: changing the password (which signs out every browser, this one then gets a
 * new session) and the list of active sessions, any of which can be ended.
 */
import { Router, type Response } from 'express';
import { AccountError, SESSION_TTL_MS } from '../accounts/accounts.js';
import { MIN_PASSWORD_LENGTH } from '../accounts/passwords.js';
import type { AdminDeps } from './deps.js';
import { SESSION_COOKIE, setCookie } from '../http/session-cookies.js';
import { field } from './forms.js';
import { signedIn, signerOf } from './guards.js';
import { html, type Html } from './html.js';
import { csrfField, formError, sendPage } from './layout.js';

export function accountPages(deps: AdminDeps): Router {
  const { accounts, clock, dashboardDir, https } = deps;
  const router = Router();
  const signed = signedIn(accounts);

  async function show(res: Response, extra: { notice?: Html; error?: string; status?: number } = {}): Promise<void> {
    const signer = signerOf(res);
    const csrf = signer.session.csrf;
    const sessions = await accounts.sessions.listOfUser(signer.user.id, clock.now());
    const rows = sessions.map(
      (session) => html`<tr><td>${session.label}${session.id === signer.session.id ? html` <strong>(this browser)</strong>` : ''}</td>
<td>${new Date(session.createdAt).toISOString().slice(0, 16).replace('T', ' ')} UTC</td>
<td><form method="post" action="/account/sessions/${encodeURIComponent(session.id)}/end">${csrfField(csrf)}<button type="submit" aria-label="End the session of ${session.label}">End</button></form></td></tr>`,
    );
    await sendPage(res, dashboardDir, {
      title: 'Account',
      signer,
      status: extra.status ?? 200,
      body: html`${extra.notice ?? ''}<section class="card" aria-labelledby="password-title"><h2 id="password-title">Change your password</h2>
<form method="post" action="/account/password" class="form">
${formError(extra.error)}${csrfField(csrf)}
<input type="email" name="email" value="${signer.user.email}" autocomplete="username" hidden>
<label for="current">Current password</label>
<input id="current" name="current" type="password" autocomplete="current-password" required>
<label for="next">New password</label>
<input id="next" name="next" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="next-hint">
<p class="hint" id="next-hint">At least ${MIN_PASSWORD_LENGTH} characters. Every other browser signed in as you is signed out.</p>
<button type="submit">Change the password</button>
</form></section>
<section class="card" aria-labelledby="sessions-title"><h2 id="sessions-title">Signed-in browsers</h2>
<div class="table-scroll"><table class="list sessions"><thead><tr><th>Browser</th><th>Signed in</th><th><span class="visually-hidden">End</span></th></tr></thead><tbody>${rows}</tbody></table></div></section>`,
    });
  }

  router.get('/account', signed, (_req, res) => show(res));

  router.post('/account/password', signed, async (req, res) => {
    const { user, session } = signerOf(res);
    try {
      await accounts.changePassword(user, field(req, 'current'), field(req, 'next'));
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      return show(res, { status: 400, error: error.message });
    }
    const opened = await accounts.openSession({ userId: user.id }, session.label);
    setCookie(res, SESSION_COOKIE, opened.token, SESSION_TTL_MS, https);
    res.locals.signer = { user, session: opened.session };
    await show(res, { notice: html`<p class="notice-ok" role="status">Password changed. Every other browser was signed out.</p>` });
  });

  router.post('/account/sessions/:id/end', signed, async (req, res) => {
    const { user, session } = signerOf(res);
    const ended = await accounts.sessions.endOfUser(user.id, String(req.params.id));
    if (ended && String(req.params.id) === session.id) return res.redirect(303, '/login');
    await show(res, {
      status: ended ? 200 : 404,
      notice: ended ? html`<p class="notice-ok" role="status">Session ended.</p>` : html`<p class="error" role="alert">No such session.</p>`,
    });
  });

  return router;
}
