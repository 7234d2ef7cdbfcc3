/**
 * Getting in: the first-run setup (with the link printed at start-up), choosing a password from
 * an invitation or reset link, signing in and out. A sign-in always opens a new session with a
 * new id, whatever cookie the browser came with.
 */
import { Router, type Request, type Response } from 'express';
import { AccountError, SESSION_TTL_MS } from '../accounts/accounts.js';
import { MIN_PASSWORD_LENGTH } from '../accounts/passwords.js';
import { describeClient } from '../ingest/user-agent.js';
import { HttpError } from '../http/errors.js';
import type { AdminDeps } from './deps.js';
import { clearCookie, readCookie, SESSION_COOKIE, setCookie } from '../http/session-cookies.js';
import { checkSessionToken } from './csrf.js';
import { field, safeNext } from './forms.js';
import { html } from './html.js';
import { formError, sendPage } from './layout.js';

/** "Firefox on Windows": enough to tell one's sessions apart; the User-Agent itself is not kept. */
function sessionLabel(req: Request): string {
  const client = describeClient(req.get('user-agent') ?? '', null);
  return `${client.browser ?? 'Unknown browser'} on ${client.os ?? 'an unknown system'}`;
}

const passwordHint = html`<p class="hint" id="password-hint">At least ${MIN_PASSWORD_LENGTH} characters.</p>`;

export function entryPages(deps: AdminDeps): Router {
  const { accounts, formTokens, loginLimits, dashboardDir, https } = deps;
  const router = Router();

  async function startSession(res: Response, req: Request, userId: string): Promise<void> {
    // A session id the browser already had (planted or not) is never reused: it is ended and replaced.
    const previous = await accounts.findSession(readCookie(req, SESSION_COOKIE));
    if (previous !== null) await accounts.endSession(previous);
    const { token } = await accounts.openSession({ userId }, sessionLabel(req));
    setCookie(res, SESSION_COOKIE, token, SESSION_TTL_MS, https);
  }

  const setupForm = (token: string, email: string, error?: string) =>
    html`<form method="post" action="/setup" class="card form">
<p>Create the owner account. The owner adds sites, invites people and manages everything.</p>
${formError(error)}
<input type="hidden" name="token" value="${token}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}">
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="password-hint">
${passwordHint}
<button type="submit">Create the owner account</button>
</form>`;

  const linkRefused = (res: Response, title: string) =>
    sendPage(res, dashboardDir, {
      title,
      status: 404,
      body: html`<div class="card"><p class="error" role="alert">This link is used up or has expired.</p>
<p>A setup link is printed each time the server starts while nobody has an account; an invitation or reset link can be asked for again.</p>
<p><a href="/login">Sign in</a></p></div>`,
    });

  router.get('/setup', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    if ((await accounts.peekLink(token, ['setup'])) === null || !(await accounts.needsSetup())) return linkRefused(res, 'Set up');
    await sendPage(res, dashboardDir, { title: 'Set up', body: setupForm(token, '') });
  });

  router.post('/setup', async (req, res) => {
    const token = field(req, 'token');
    if ((await accounts.peekLink(token, ['setup'])) === null) return linkRefused(res, 'Set up');
    try {
      const user = await accounts.completeSetup(token, field(req, 'email'), field(req, 'password'));
      await startSession(res, req, user.id);
      res.redirect(303, '/sites');
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      await sendPage(res, dashboardDir, { title: 'Set up', status: 400, body: setupForm(token, field(req, 'email', 254), error.message) });
    }
  });

  const welcomeForm = (token: string, email: string, reset: boolean, error?: string) =>
    html`<form method="post" action="/welcome" class="card form">
<p>${reset ? 'Choose a new password for' : 'Choose a password to finish setting up your account,'} <strong>${email}</strong>.${reset ? ' Every browser signed in as you is signed out.' : ''}</p>
${formError(error)}
<input type="hidden" name="token" value="${token}">
<input type="email" name="email" value="${email}" autocomplete="username" hidden>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="new-password" required minlength="${MIN_PASSWORD_LENGTH}" aria-describedby="password-hint">
${passwordHint}
<button type="submit">Save the password and sign in</button>
</form>`;

  router.get('/welcome', async (req, res) => {
    const token = typeof req.query.token === 'string' ? req.query.token : '';
    const link = await accounts.peekLink(token, ['invite', 'reset']);
    if (link === null) return linkRefused(res, 'Choose a password');
    await sendPage(res, dashboardDir, { title: 'Choose a password', body: welcomeForm(token, link.email, link.kind === 'reset') });
  });

  router.post('/welcome', async (req, res) => {
    const token = field(req, 'token');
    const link = await accounts.peekLink(token, ['invite', 'reset']);
    if (link === null) return linkRefused(res, 'Choose a password');
    try {
      const user = await accounts.choosePassword(token, field(req, 'password'));
      await startSession(res, req, user.id);
      res.redirect(303, '/sites');
    } catch (error) {
      if (!(error instanceof AccountError)) throw error;
      await sendPage(res, dashboardDir, { title: 'Choose a password', status: 400, body: welcomeForm(token, link.email, link.kind === 'reset', error.message) });
    }
  });

  const loginForm = (next: string, email: string, error?: string) =>
    html`<form method="post" action="/login" class="card form">
${formError(error)}
<input type="hidden" name="csrf" value="${formTokens.issue('login')}">
<input type="hidden" name="next" value="${next}">
<label for="email">E-mail</label>
<input id="email" name="email" type="email" autocomplete="username" required value="${email}" autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
<p class="hint">Forgot your password? The owner can send you a new link (People), or run <code>sightline user reset-password &lt;email&gt;</code> on the server.</p>
${next.startsWith('/dashboard/') ? html`<p class="hint"><a href="${next}${next.includes('?') ? '&' : '?'}with=key">Open this dashboard with an API key instead</a></p>` : ''}`;

  router.get('/login', async (req, res) => {
    const next = safeNext(req.query.next);
    const signer = await accounts.signerOf(readCookie(req, SESSION_COOKIE));
    if (signer !== null) return res.redirect(303, next);
    await sendPage(res, dashboardDir, { title: 'Sign in', body: loginForm(next, '') });
  });

  router.post('/login', async (req, res) => {
    formTokens.check(req, 'login');
    const next = safeNext(field(req, 'next'));
    const email = field(req, 'email', 254).trim().toLowerCase();
    try {
      await loginLimits.attempt(email, req.ip ?? '');
    } catch (error) {
      if (!(error instanceof HttpError)) throw error;
      res.set(error.headers);
      return sendPage(res, dashboardDir, { title: 'Sign in', status: error.status, body: loginForm(next, email, `Too many sign-in attempts. Wait ${Math.ceil(Number(error.headers['Retry-After']) / 60)} minutes and try again.`) });
    }
    const user = await accounts.checkPassword(email, field(req, 'password'));
    if (user === null) {
      // One answer for an unknown address and a wrong password, so the form does not tell who has an account.
      return sendPage(res, dashboardDir, { title: 'Sign in', status: 401, body: loginForm(next, email, 'That e-mail address and password do not match an account.') });
    }
    await loginLimits.succeeded(email);
    await startSession(res, req, user.id);
    res.redirect(303, next);
  });

  router.post('/logout', async (req, res) => {
    const session = await accounts.findSession(readCookie(req, SESSION_COOKIE));
    if (session !== null) {
      checkSessionToken(req, session.csrf);
      await accounts.endSession(session);
    }
    clearCookie(res, SESSION_COOKIE, https);
    res.redirect(303, '/login');
  });

  return router;
}

